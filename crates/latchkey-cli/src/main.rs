//! `latchkey`, the command line over the Latchkey core: list, import and export datasources and
//! environments, authorize them, send requests through them, run saved queries. Each subcommand parses its
//! arguments and calls the core; nothing here decides how a request is built or a secret is kept.

mod authorize;
mod datasource;
mod env;
mod import;
mod output;
mod query;
mod request;
mod share;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use latchkey_core::model::EnvironmentRef;
use latchkey_core::oauth::{TokenClient, TokenLifecycle};
use latchkey_core::{DataDir, Error, Store};

/// Latchkey keeps the APIs you use — their base URL, shared headers, and Basic, API key, bearer
/// or OAuth 2.0 credentials — in an encrypted vault on this machine, and sends requests through
/// them with the credentials applied and OAuth tokens kept fresh. The same vault as the Latchkey
/// desktop app.
#[derive(Parser)]
#[command(
    name = "latchkey",
    version,
    about = "Keep the APIs you use, with their credentials sealed in a local vault, and send requests through them.",
    after_help = "Examples:\n  latchkey datasource import github.json\n  latchkey request GitHub /user\n  \
                  latchkey authorize Google && latchkey request Google /oauth2/v3/userinfo\n  \
                  latchkey --env staging request Api /items"
)]
struct Cli {
    /// Data directory (default: $LATCHKEY_DATA_DIR, else the platform data directory).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// The environment (its URL, overrides, variables, tokens) of request, query run, authorize,
    /// token, logout and datasource list and show (default: the vault's `default`).
    #[arg(long = "env", global = true, value_name = "NAME", env = "LATCHKEY_ENV")]
    environment: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List, show, import, export and delete datasources, or discover an issuer's endpoints.
    #[command(subcommand)]
    Datasource(datasource::DatasourceCommand),
    /// Send a request through a datasource, its credentials applied: NAME [METHOD] PATH.
    #[command(after_help = "Examples:\n  latchkey request GitHub /user\n  \
                            latchkey request GitHub GET /repos/o/r/issues -q state=open -i\n  \
                            latchkey request Api POST /items -d '{\"name\":\"x\"}' --json")]
    Request(request::RequestArgs),
    /// Save, list, run and delete named requests of a datasource.
    #[command(subcommand)]
    Query(query::QueryCommand),
    /// Import a cURL command, an OpenAPI description or a Latchkey file, or a shared folder with
    /// --dir: print the plan, then store it.
    #[command(after_help = "Examples:\n  latchkey import docs-example.sh --dry-run\n  \
                            pbpaste | latchkey import -\n  latchkey import github.json --format latchkey --json\n  \
                            latchkey import --dir team-apis --dry-run\n\n\
                            Exit codes: 0 imported (or planned with --dry-run), 2 the input was refused (nothing \
                            stored), 1 other errors.")]
    Import(import::ImportArgs),
    /// Write the vault into a folder to commit to git: one file per datasource and environment,
    /// no secret values (they are listed by name), stable ids and bytes.
    #[command(after_help = "Examples:\n  latchkey export --dir team-apis && git -C team-apis add -A\n  \
                            latchkey import --dir team-apis --dry-run   # on another machine")]
    Export(share::ExportArgs),
    /// List, show, create, delete, import and export environments, and set their variables.
    #[command(subcommand)]
    Env(env::EnvCommand),
    /// Authorize an OAuth 2.0 datasource: the browser flow, the code to enter for the device
    /// code grant, or a token fetch for client credentials and password.
    #[command(after_help = "Examples:\n  latchkey authorize Google\n  \
                            latchkey authorize Google --no-browser --timeout 600")]
    Authorize(authorize::AuthorizeArgs),
    /// Show a datasource's token state and its last token calls (--log), or print a valid access
    /// token with --reveal.
    #[command(after_help = "Examples:\n  latchkey token Google --json\n  latchkey token Google --log\n  \
                            curl -H \"Authorization: Bearer $(latchkey token Google --reveal)\" https://…")]
    Token(authorize::TokenArgs),
    /// Forget a datasource's tokens, revoking them where a Revocation URL is set.
    #[command(after_help = "Examples:\n  latchkey logout Google\n  latchkey logout Google --env staging")]
    Logout {
        /// The datasource's name.
        name: String,
    },
}

/// A failure with the exit code it maps to.
pub(crate) struct Failure {
    pub code: u8,
    pub message: String,
}

impl From<Error> for Failure {
    fn from(err: Error) -> Self {
        let code = match err {
            Error::NotAuthorized(_) | Error::NeedsReauthorization { .. } | Error::NeedsSetup { .. } => 3,
            // A mistyped --env (or environment name) is a mistake in the command line.
            Error::EnvironmentNotFound { .. } => 2,
            _ => 1,
        };
        Failure { code, message: err.to_string() }
    }
}

impl Failure {
    /// A mistake in the command line itself: exit code 2, as for clap's own usage errors.
    pub fn usage(message: impl Into<String>) -> Self {
        Failure { code: 2, message: message.into() }
    }
}

pub(crate) type Outcome = Result<ExitCode, Failure>;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("start the async runtime");
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(failure) => {
            eprintln!("latchkey: {}", failure.message.replace('\n', " "));
            ExitCode::from(failure.code)
        }
    }
}

async fn run(cli: Cli) -> Outcome {
    let dir = DataDir::resolve(cli.data_dir)?;
    let store = Store::open(&dir).await?;
    for notice in store.notices() {
        eprintln!("latchkey: note: {notice}");
    }
    let lifecycle = TokenLifecycle::new(store.clone(), TokenClient::default());
    // `LATCHKEY_ENV=` (empty) is as good as unset.
    let environment = EnvironmentRef::from(cli.environment.as_deref().filter(|name| !name.is_empty()));
    let outcome = match cli.command {
        Command::Datasource(command) => datasource::run(&store, environment, command).await,
        Command::Request(args) => request::run(&lifecycle, environment, args).await,
        Command::Query(command) => query::run(&lifecycle, environment, command).await,
        Command::Env(command) => env::run(&store, command).await,
        Command::Import(args) => import::run(&store, args).await,
        Command::Export(args) => share::export(&store, args).await,
        Command::Authorize(args) => authorize::authorize(&lifecycle, environment, args).await,
        Command::Token(args) => authorize::token(&lifecycle, environment, args).await,
        Command::Logout { name } => authorize::logout(&lifecycle, environment, &name).await,
    };
    store.close().await;
    outcome
}
