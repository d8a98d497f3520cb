//! `latchkey datasource …`: list, show, import, export, delete, discover. `list` and `show` are of
//! the chosen environment (token badges; the effective configuration); import and export carry
//! the stored shape, base and per-environment overrides.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use latchkey_core::http::{Redaction, Transport};
use latchkey_core::model::{AuthConfig, ClientAuthentication, Datasource, EnvironmentRef, DEFAULT_ENVIRONMENT};
use latchkey_core::oauth::{client_key, discovery};
use latchkey_core::store::ImportOutcome;
use latchkey_core::transfer::{export_datasource, parse_for_import, SecretView};
use latchkey_core::Store;

use crate::{output, Failure, Outcome};

#[derive(Subcommand)]
pub enum DatasourceCommand {
    /// List datasources: name, authentication, URL, and for OAuth 2.0 the token status.
    #[command(after_help = "The token status is that of the environment of --env (default: the `default` one).\n\n\
                            Examples:\n  latchkey datasource list\n  latchkey datasource list --json\n  \
                            latchkey --env staging datasource list")]
    List {
        /// Print a JSON array (with ids, timestamps and token status) instead of columns.
        #[arg(long)]
        json: bool,
    },
    /// Show one datasource as it is in an environment; secrets appear as "<set>", never their values.
    #[command(
        after_help = "The effective configuration in the environment of --env (default: the `default` one): that \
                      environment's overrides applied and its variables resolved, secret variables shown as \
                      <redacted>. The stored shape, with every environment's overrides, is `datasource export`.\n\n\
                      Examples:\n  latchkey datasource show Dropbox\n  latchkey datasource show Dropbox --json\n  \
                      latchkey --env staging datasource show Dropbox"
    )]
    Show {
        /// The datasource's name (case-insensitive).
        name: String,
        /// Print JSON with the id, timestamps and the environment's name, secrets as {"set": true}.
        #[arg(long)]
        json: bool,
    },
    /// Create a datasource from a JSON file, or replace the one of the same name. A stored
    /// secret is kept ({"set": true}) only while the places it is sent to stay the same.
    #[command(after_help = "Examples:\n  latchkey datasource import dropbox.json\n  \
                            latchkey datasource export Dropbox | latchkey datasource import -")]
    Import {
        /// The JSON file (the format is in the README), or - for standard input.
        file: PathBuf,
    },
    /// Print a datasource as JSON; secrets are left out ({"set": true}) unless --with-secrets.
    #[command(after_help = "Examples:\n  latchkey datasource export Dropbox > dropbox.json\n  \
                            latchkey datasource export Dropbox --with-secrets > backup.json")]
    Export {
        /// The datasource's name.
        name: String,
        /// Include the secret values (a backup for yourself; never share it).
        #[arg(long)]
        with_secrets: bool,
    },
    /// Delete a datasource with its secrets, tokens, saved queries and history.
    #[command(after_help = "Example:\n  latchkey datasource delete Dropbox")]
    Delete {
        /// The datasource's name.
        name: String,
    },
    /// Print the OAuth endpoints an issuer publishes (OpenID Connect discovery, RFC 8414).
    #[command(after_help = "Example:\n  latchkey datasource discover https://accounts.google.com")]
    Discover {
        /// The issuer URL, e.g. https://login.microsoftonline.com/TENANT/v2.0.
        issuer: String,
    },
}

pub async fn run(store: &Store, env: EnvironmentRef<'_>, command: DatasourceCommand) -> Outcome {
    match command {
        DatasourceCommand::List { json } => {
            let list = store.list_datasources_in(env).await?;
            let empty = "No datasources yet. Import one with `latchkey datasource import FILE`.";
            output::listing(&list, json, empty, |d| {
                let badge = match (d.token_status, d.token_refresh_failing) {
                    _ if !d.needs_setup.is_empty() => format!("needs setup ({})", d.needs_setup.join(", ")),
                    (Some(status), Some(true)) => format!("{} (refresh failing)", status.as_str()),
                    (Some(status), _) => status.as_str().to_owned(),
                    (None, _) => String::new(),
                };
                [d.name.clone(), d.auth_type.as_str().to_owned(), d.url.clone(), badge]
            })
        }
        DatasourceCommand::Show { name, json } => {
            let datasource = store.datasource_in(&name, env).await?;
            let env_name = datasource.environment.as_ref().map_or(DEFAULT_ENVIRONMENT, |e| e.name.as_str());
            if json {
                let mut value = serde_json::to_value(&datasource).expect("a datasource serializes");
                if let serde_json::Value::Object(map) = &mut value {
                    map.remove("environments");
                    map.insert("environment".into(), env_name.into());
                }
                Redaction::of(&datasource.redacted_values()).apply_json(&mut value);
                if let Some(jwk) = public_key(&datasource) {
                    value["publicKeyToRegister"] = serde_json::from_str(&jwk).expect("a JWK is JSON");
                }
                return output::json(&value);
            }
            println!("id: {}", datasource.id);
            println!("environment: {env_name}");
            for missing in datasource.config.needs_setup() {
                println!("needs setup: {}: {}", missing.field, missing.message);
            }
            let shown = output::json(&export_datasource(&datasource, SecretView::Mask));
            if let Some(jwk) = public_key(&datasource) {
                println!("public key to register (private_key_jwt):\n{jwk}");
            }
            shown
        }
        DatasourceCommand::Import { file } => {
            let text = read_input(&file)?;
            let config = parse_for_import(&text, &Transport::new()).await?;
            let (saved, outcome) = store.import_datasource(config).await?;
            let datasource = &saved.datasource;
            let verb = if outcome == ImportOutcome::Created { "created" } else { "replaced" };
            eprintln!("{verb} datasource `{}` ({})", datasource.config.name, datasource.id);
            if let Some(reason) = &saved.tokens_dropped {
                eprintln!(
                    "its OAuth tokens were dropped ({reason}): run `latchkey authorize {}`",
                    datasource.config.name
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        DatasourceCommand::Export { name, with_secrets } => {
            let (datasource, view) = if with_secrets {
                (store.datasource_with_secrets(&name).await?, SecretView::Reveal)
            } else {
                (store.datasource(&name).await?, SecretView::Marker)
            };
            output::json(&export_datasource(&datasource, view))
        }
        DatasourceCommand::Discover { issuer } => {
            let metadata = discovery::discover(&Transport::new(), &issuer).await?;
            output::json(&serde_json::json!({
                "issuer": metadata.issuer,
                "authorizationUrl": metadata.authorization_endpoint,
                "accessTokenUrl": metadata.token_endpoint,
                "revocationUrl": metadata.revocation_endpoint,
                "deviceAuthorizationUrl": metadata.device_authorization_endpoint,
                "scopesSupported": metadata.scopes_supported,
            }))
        }
        DatasourceCommand::Delete { name } => {
            store.delete_datasource(&name).await?;
            eprintln!("deleted datasource `{name}`");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Reads a file, or standard input for `-`.
pub fn read_input(path: &PathBuf) -> Result<String, Failure> {
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure { code: 1, message: format!("standard input: {e}") })?;
        return Ok(text);
    }
    std::fs::read_to_string(path).map_err(|e| Failure { code: 1, message: format!("{}: {e}", path.display()) })
}

/// The public JWK of a `private_key_jwt` datasource's key, to register with the provider; a key
/// that no longer reads (it was checked when saved) says why on stderr.
fn public_key(datasource: &Datasource) -> Option<String> {
    let AuthConfig::OAuth2(auth) = &datasource.config.auth else { return None };
    if auth.client_authentication != ClientAuthentication::PrivateKeyJwt {
        return None;
    }
    let key = auth.client_assertion_key.value()?;
    match client_key::public_key_to_register(key, auth.client_assertion_alg, &auth.client_assertion_kid) {
        Ok(public) => Some(public.jwk),
        Err(err) => {
            eprintln!("latchkey: no public key to show: {err}");
            None
        }
    }
}
