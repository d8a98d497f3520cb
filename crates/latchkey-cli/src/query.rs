//! `latchkey query …`: list, run, save and delete saved queries.

use std::process::ExitCode;

use clap::Subcommand;
use latchkey_core::oauth::TokenLifecycle;

use crate::request::{FormatFlags, RequestFlags};
use crate::{output, Outcome};

#[derive(Subcommand)]
pub enum QueryCommand {
    /// List the saved queries of a datasource.
    List {
        datasource: String,
        #[arg(long)]
        json: bool,
    },
    /// Run a saved query.
    Run {
        datasource: String,
        query: String,
        #[command(flatten)]
        format: FormatFlags,
    },
    /// Save a request under a name (replacing a query of that name).
    Save {
        datasource: String,
        query: String,
        #[command(flatten)]
        flags: RequestFlags,
    },
    /// Delete a saved query.
    Delete { datasource: String, query: String },
}

pub async fn run(lifecycle: &TokenLifecycle, command: QueryCommand) -> Outcome {
    let store = lifecycle.store();
    match command {
        QueryCommand::List { datasource, json } => {
            let queries = store.queries(&datasource).await?;
            let empty =
                format!("No saved queries. Save one with `latchkey query save {datasource} NAME [METHOD] PATH`.");
            output::listing(&queries, json, &empty, |q| {
                [q.name.clone(), q.request.method_or_default(), q.request.path.clone()]
            })
        }
        QueryCommand::Run { datasource, query, format } => {
            let saved = store.query(&datasource, &query).await?;
            crate::request::send(lifecycle, &datasource, &saved.request, &format).await
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
