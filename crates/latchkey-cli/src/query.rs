//! `latchkey query …`: list, run, save and delete saved queries.

use std::process::ExitCode;

use clap::Subcommand;
use latchkey_core::model::EnvironmentRef;
use latchkey_core::oauth::TokenLifecycle;

use crate::request::{ConfirmFlags, FormatFlags, RequestFlags};
use crate::{output, Outcome};

#[derive(Subcommand)]
pub enum QueryCommand {
    /// List the saved queries of a datasource: name, method, path and group (its folder, when imported).
    #[command(after_help = "Examples:\n  latchkey query list Api\n  latchkey query list Api --json")]
    List {
        /// The datasource's name.
        datasource: String,
        /// Print a JSON array of the queries with their requests.
        #[arg(long)]
        json: bool,
    },
    /// Run a saved query and print the response as `request` does (in the environment of --env).
    #[command(after_help = "Examples:\n  latchkey query run Api \"Open issues\"\n  \
                            latchkey query run Api \"Open issues\" --json\n  \
                            latchkey --env production query run Api \"New item\" --yes")]
    Run {
        /// The datasource's name.
        datasource: String,
        /// The query's name (case-insensitive).
        query: String,
        #[command(flatten)]
        format: FormatFlags,
        #[command(flatten)]
        confirm: ConfirmFlags,
    },
    /// Save a request under a name (replacing a query of that name).
    #[command(after_help = "Examples:\n  latchkey query save Api \"Open issues\" GET /issues -q state=open\n  \
                            latchkey query save Api \"New item\" POST /items -d '{\"name\":\"x\"}'")]
    Save {
        /// The datasource's name.
        datasource: String,
        /// The name to save the query under.
        query: String,
        #[command(flatten)]
        flags: RequestFlags,
    },
    /// Delete a saved query.
    #[command(after_help = "Example:\n  latchkey query delete Api \"Open issues\"")]
    Delete {
        /// The datasource's name.
        datasource: String,
        /// The query's name.
        query: String,
    },
}

pub async fn run(lifecycle: &TokenLifecycle, env: EnvironmentRef<'_>, command: QueryCommand) -> Outcome {
    let store = lifecycle.store();
    match command {
        QueryCommand::List { datasource, json } => {
            let queries = store.queries(&datasource).await?;
            let empty =
                format!("No saved queries. Save one with `latchkey query save {datasource} NAME [METHOD] PATH`.");
            output::listing(&queries, json, &empty, |q| {
                [
                    q.name.clone(),
                    q.request.method_or_default(),
                    q.request.path.clone(),
                    q.group.clone().unwrap_or_default(),
                ]
            })
        }
        QueryCommand::Run { datasource, query, format, confirm } => {
            let saved = store.query(&datasource, &query).await?;
            crate::request::send(lifecycle, &datasource, env, &saved.request, &format, &confirm).await
        }
        QueryCommand::Save { datasource, query, flags } => {
            let saved = store.save_query(&datasource, &query, flags.to_spec()?).await?;
            eprintln!("saved query `{}` ({})", saved.name, saved.id);
            Ok(ExitCode::SUCCESS)
        }
        QueryCommand::Delete { datasource, query } => {
            store.delete_query(&datasource, &query).await?;
            eprintln!("deleted query `{query}`");
            Ok(ExitCode::SUCCESS)
        }
    }
}
