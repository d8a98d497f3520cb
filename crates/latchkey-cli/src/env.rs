//! `latchkey env …`: list, show, create, delete, import and export environments, and set or
//! unset their variables. Secret values are never printed (`<set>`), and a value may come from
//! standard input so that it stays out of the shell's history. Which environment the other
//! commands work in is the global `--env`; how variables are resolved is the core's.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use latchkey_core::model::{is_variable_name, Variable, DEFAULT_ENVIRONMENT};
use latchkey_core::store::{ImportOutcome, SavedEnvironment};
use latchkey_core::transfer::{export_environment, parse_environment, SecretView};
use latchkey_core::{SecretField, Store};

use crate::datasource::read_input;
use crate::{output, Failure, Outcome};

#[derive(Subcommand)]
pub enum EnvCommand {
    /// List environments: name, production marker, how many variables.
    #[command(after_help = "Examples:\n  latchkey env list\n  latchkey env list --json")]
    List {
        /// Print a JSON array (with ids) instead of columns.
        #[arg(long)]
        json: bool,
    },
    /// Show an environment and its variables; secret values appear as "<set>", never their values.
    #[command(after_help = "Examples:\n  latchkey env show staging\n  latchkey env show staging --json")]
    Show {
        /// The environment's name (case-insensitive).
        name: String,
        /// Print JSON with the id and timestamps.
        #[arg(long)]
        json: bool,
    },
    /// Create an environment without variables.
    #[command(after_help = "Datasources use their base configuration in it until they get overrides for it.\n\n\
                            Examples:\n  latchkey env create staging\n  latchkey env create production --production")]
    Create {
        /// The name, such as staging (unique, case-insensitively).
        name: String,
        /// Mark it as production: sending anything but GET, HEAD or OPTIONS there asks first
        /// (`--yes` when standard input is not a terminal).
        #[arg(long)]
        production: bool,
    },
    /// Delete an environment with its variables, tokens and datasource overrides.
    #[command(after_help = "The only environment cannot be deleted.\n\nExample:\n  latchkey env delete staging")]
    Delete {
        /// The environment's name.
        name: String,
    },
    /// Set a variable, used as {{KEY}} in datasources and requests.
    #[command(
        after_help = "`KEY=@-` reads the value from standard input, which keeps a secret out of the shell's history \
                      and the process list. A secret variable stays secret; to make it plain, unset it first. A change \
                      that would send a datasource's stored secret elsewhere is refused; tokens it would send \
                      elsewhere are dropped, one line each.\n\n\
                      Examples:\n  latchkey env set staging host=staging.example.com\n  \
                      latchkey env set staging apiKey=@- --secret < key.txt\n  \
                      latchkey env set production clientSecret=@- --secret"
    )]
    Set {
        /// The environment's name.
        name: String,
        /// KEY=VALUE, or KEY=@- to read the value from standard input.
        #[arg(value_name = "KEY=VALUE")]
        assignment: String,
        /// Seal the value: it is never shown again, and is <redacted> wherever a request is shown.
        #[arg(long)]
        secret: bool,
    },
    /// Remove a variable.
    #[command(after_help = "Example:\n  latchkey env unset staging host")]
    Unset {
        /// The environment's name.
        name: String,
        /// The variable's name.
        key: String,
    },
    /// Create an environment from a JSON file, or replace the one of the same name.
    #[command(after_help = "A secret value given as {\"set\": true} keeps the stored one.\n\n\
                            Examples:\n  latchkey env import staging.json\n  \
                            latchkey env export staging | latchkey env import -")]
    Import {
        /// The JSON file ({"name", "production", "variables": [{"key", "value", "secret"}]}), or - for
        /// standard input.
        file: PathBuf,
    },
    /// Print an environment as JSON; secret values are left out ({"set": true}) unless --with-secrets.
    #[command(after_help = "Examples:\n  latchkey env export staging > staging.json\n  \
                            latchkey env export production --with-secrets > backup.json")]
    Export {
        /// The environment's name.
        name: String,
        /// Include the secret values (a backup for yourself; never share it).
        #[arg(long)]
        with_secrets: bool,
    },
}

pub async fn run(store: &Store, command: EnvCommand) -> Outcome {
    match command {
        EnvCommand::List { json } => {
            let list = store.list_environments().await?;
            output::listing(&list, json, "No environments.", |e| {
                let count = match e.variables {
                    1 => "1 variable".to_owned(),
                    n => format!("{n} variables"),
                };
                [e.name.clone(), count, if e.production { "production".to_owned() } else { String::new() }]
            })
        }
        EnvCommand::Show { name, json } => {
            let environment = store.environment(&name).await?;
            let mut value = export_environment(&environment, SecretView::Mask);
            if json {
                if let serde_json::Value::Object(map) = &mut value {
                    map.insert("id".into(), environment.id.to_string().into());
                    map.insert("createdAt".into(), environment.created_at.into());
                    map.insert("updatedAt".into(), environment.updated_at.into());
                }
            } else {
                println!("id: {}", environment.id);
            }
            output::json(&value)
        }
        EnvCommand::Create { name, production } => {
            let environment = store.create_environment(&name, production).await?;
            let marker = if production { " (production)" } else { "" };
            eprintln!("created environment `{}`{marker} ({})", environment.config.name, environment.id);
            Ok(ExitCode::SUCCESS)
        }
        EnvCommand::Delete { name } => {
            store.delete_environment(&name).await?;
            eprintln!("deleted environment `{name}` with its variables, tokens and datasource overrides");
            Ok(ExitCode::SUCCESS)
        }
        EnvCommand::Set { name, assignment, secret } => {
            let (key, value) = parse_assignment(&assignment)?;
            let existing = store.environment(&name).await?;
            let was_secret = existing.config.variable(&key).is_some_and(Variable::is_secret);
            let value = match value {
                Value::Text(text) => text,
                Value::Stdin => read_value_from_stdin(&key)?,
            };
            let variable = if secret || was_secret {
                Variable::secret(&key, SecretField::from(value.as_str()))
            } else {
                Variable::plain(&key, value)
            };
            let saved = store.set_variable(&name, variable).await?;
            let kind = if secret || was_secret { "secret variable" } else { "variable" };
            let note = if was_secret && !secret { " (it stays secret)" } else { "" };
            eprintln!("set {kind} `{key}` in `{}`{note}", saved.environment.config.name);
            report_dropped(&saved);
            Ok(ExitCode::SUCCESS)
        }
        EnvCommand::Unset { name, key } => {
            let saved = store.unset_variable(&name, &key).await?;
            eprintln!("removed variable `{key}` from `{}`", saved.environment.config.name);
            report_dropped(&saved);
            Ok(ExitCode::SUCCESS)
        }
        EnvCommand::Import { file } => {
            let text = read_input(&file)?;
            let config = parse_environment(&text)?;
            let (saved, outcome) = store.import_environment(config).await?;
            let verb = if outcome == ImportOutcome::Created { "created" } else { "replaced" };
            let environment = &saved.environment;
            eprintln!("{verb} environment `{}` ({})", environment.config.name, environment.id);
            report_dropped(&saved);
            Ok(ExitCode::SUCCESS)
        }
        EnvCommand::Export { name, with_secrets } => {
            let (environment, view) = if with_secrets {
                (store.environment_with_secrets(&name).await?, SecretView::Reveal)
            } else {
                (store.environment(&name).await?, SecretView::Marker)
            };
            output::json(&export_environment(&environment, view))
        }
    }
}

/// Where a variable's value comes from.
#[derive(Debug, PartialEq)]
enum Value {
    Text(String),
    /// `KEY=@-`: one line of standard input.
    Stdin,
}

/// `KEY=VALUE` (the value may contain `=`), or `KEY=@-`.
fn parse_assignment(assignment: &str) -> Result<(String, Value), Failure> {
    // Not repeated in the message: it may be a pasted secret.
    let Some((key, value)) = assignment.split_once('=') else {
        return Err(Failure::usage(
            "the variable has no `=`: write KEY=VALUE, or KEY=@- to read the value from standard input",
        ));
    };
    let key = key.trim();
    if !is_variable_name(key) {
        return Err(Failure::usage(format!(
            "`{}` cannot be a variable name: start with a letter or _, then use letters, digits, _, - or .",
            key
        )));
    }
    let value = if value == "@-" { Value::Stdin } else { Value::Text(value.to_owned()) };
    Ok((key.to_owned(), value))
}

/// The value of `KEY=@-`: standard input without its final line break.
fn read_value_from_stdin(key: &str) -> Result<String, Failure> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| Failure { code: 1, message: format!("`{key}` from standard input: {e}") })?;
    let value = text.strip_suffix('\n').unwrap_or(&text);
    Ok(value.strip_suffix('\r').unwrap_or(value).to_owned())
}

/// One line per datasource whose tokens in the environment the change dropped, and one per
/// datasource whose stored secrets now have a destination there (a variable they need defined).
fn report_dropped(saved: &SavedEnvironment) {
    for line in &saved.secrets_routed {
        eprintln!("note: {line}");
    }
    let env = &saved.environment.config.name;
    let flag = if env.eq_ignore_ascii_case(DEFAULT_ENVIRONMENT) { String::new() } else { format!("--env {env} ") };
    for line in &saved.tokens_dropped {
        let datasource = line.split_once(": ").map_or(line.as_str(), |(name, _)| name);
        eprintln!("tokens dropped in `{env}`: {line}; run `latchkey {flag}authorize {datasource}`");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignments_split_at_the_first_equals_sign() {
        assert_eq!(
            parse_assignment("url=https://a/?x=1").ok(),
            Some(("url".into(), Value::Text("https://a/?x=1".into())))
        );
        assert_eq!(parse_assignment("token=@-").ok().map(|(_, v)| v), Some(Value::Stdin));
        assert_eq!(parse_assignment("empty=").ok().map(|(_, v)| v), Some(Value::Text(String::new())));
        let failure = parse_assignment("no-equals-sign-and-a-very-long-pasted-secret").err().unwrap();
        assert_eq!(failure.code, 2);
        assert!(failure.message.contains("KEY=VALUE") && !failure.message.contains("pasted"), "{}", failure.message);
        assert!(parse_assignment("1x=2").err().unwrap().message.contains("cannot be a variable name"));
    }
}
