//! `latchkey import FILE|-`: plans the import of a cURL command (or Latchkey's own datasource
//! JSON), prints the plan, and applies it unless `--dry-run`. The plan and the transaction are
//! the core's (`import::plan`, `Store::apply_import`); this prints them.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use latchkey_core::http::Transport;
use latchkey_core::import::{self, DatasourceAction, Format, ImportPlan, Source};
use latchkey_core::store::AppliedImport;
use latchkey_core::{Error, Store};

use crate::{output, Failure, Outcome};

#[derive(Args)]
pub struct ImportArgs {
    /// The file to import, or - for standard input.
    #[arg(required_unless_present = "dir", conflicts_with = "dir")]
    file: Option<PathBuf>,
    /// A shared folder (`latchkey export --dir`) to bring in: creates and updates by id.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// With --dir: delete the datasources, environments and queries the folder does not have.
    #[arg(long)]
    prune: bool,
    /// What the file is: curl, postman, insomnia, openapi or latchkey (default: detected).
    #[arg(long, value_name = "FORMAT")]
    format: Option<String>,
    /// Print the plan and store nothing.
    #[arg(long)]
    dry_run: bool,
    /// Print the plan (and what was stored) as JSON.
    #[arg(long)]
    json: bool,
}

/// Bad input (a file that does not read, a refused part) is exit code 2, as a usage error.
pub(crate) fn failure(err: Error) -> Failure {
    match err {
        Error::Invalid(_) | Error::Format(_) => Failure::usage(err.to_string()),
        other => Failure::from(other),
    }
}

pub async fn run(store: &Store, args: ImportArgs) -> Outcome {
    let file = match (&args.dir, &args.file) {
        (Some(dir), _) => return crate::share::import(store, dir, args.prune, args.dry_run, args.json).await,
        (None, Some(file)) => file,
        (None, None) => return Err(Failure::usage("name the file to import, or a shared folder with --dir DIR")),
    };
    if args.prune {
        return Err(Failure::usage("--prune is for a shared folder: use it with --dir DIR"));
    }
    if file.is_dir() {
        return Err(Failure::usage(format!(
            "{} is a folder: a shared folder is imported with `latchkey import --dir {}`",
            file.display(),
            file.display()
        )));
    }
    let text = crate::datasource::read_input(file)?;
    let name = if file.as_os_str() == "-" { "standard input".to_owned() } else { file.display().to_string() };
    let format = args.format.as_deref().map(Format::parse).transpose().map_err(failure)?;
    let existing = store.list_datasources().await?;
    let source = Source { name: &name, text: &text };
    let plan = import::plan_discovering(source, format, &existing, &Transport::new()).await.map_err(failure)?;
    let applied = if args.dry_run { None } else { Some(store.apply_import(&plan).await.map_err(failure)?) };
    if args.json {
        let mut value = serde_json::to_value(&plan).expect("a plan serializes");
        value["dryRun"] = args.dry_run.into();
        value["applied"] = serde_json::to_value(&applied).expect("an applied import serializes");
        return output::json(&value);
    }
    print_plan(&plan);
    match &applied {
        None => println!("\nDry run: nothing was stored."),
        Some(applied) => print_applied(applied),
    }
    Ok(ExitCode::SUCCESS)
}

fn print_plan(plan: &ImportPlan) {
    println!("Import of {} ({}):", plan.source, plan.format.as_str());
    println!("\nDatasources:");
    for ds in &plan.datasources {
        let action = match ds.action {
            DatasourceAction::Create => "create",
            DatasourceAction::Join => "join",
            DatasourceAction::Replace => "replace",
        };
        println!("  {action} {}  {}  ({})", ds.config.name, ds.config.url, ds.item);
        println!("    auth: {}", ds.auth_mapping);
        if !ds.secrets.is_empty() {
            println!("    secrets: {} ({}), sealed on import", ds.secrets.len(), ds.secrets.join(", "));
        }
        for missing in &ds.needs_setup {
            println!("    needs setup: {}: {}", missing.field, missing.message);
        }
        if ds.queries.is_empty() {
            continue;
        }
        println!("    queries:");
        for q in &ds.queries {
            let group = q.group.as_deref().map(|g| format!(" [{g}]")).unwrap_or_default();
            println!("      {}{group}  ({})", q.name, q.item);
        }
    }
    if !plan.environments.is_empty() {
        println!("\nEnvironments:");
        for env in &plan.environments {
            println!("  {} ({} variables)  ({})", env.config.name, env.config.variables.len(), env.item);
        }
    }
    if !plan.dropped.is_empty() {
        println!("\nDropped:");
        for d in &plan.dropped {
            println!("  {}: {}: {}", d.item, d.what, d.reason);
        }
    }
    let setup: usize = plan.datasources.iter().map(|d| d.needs_setup.len()).sum();
    println!(
        "\n{} datasource(s), {} query(ies), {} secret(s) carried, {} still to enter (needs setup), {} dropped.",
        plan.datasources.len(),
        plan.query_count(),
        plan.secret_count(),
        setup,
        plan.dropped.len()
    );
}

fn print_applied(applied: &AppliedImport) {
    println!();
    for env in &applied.environments {
        let verb = if env.created { "created" } else { "replaced" };
        println!("{verb} environment `{}`", env.name);
        for line in &env.tokens_dropped {
            println!("  tokens dropped: {line}");
        }
    }
    for ds in &applied.datasources {
        let verb = match ds.action {
            DatasourceAction::Create => "created",
            DatasourceAction::Join => "joined",
            DatasourceAction::Replace => "replaced",
        };
        println!("{verb} datasource `{}` ({}) with {} query(ies)", ds.name, ds.id, ds.queries);
        if !ds.needs_setup.is_empty() {
            println!("  needs setup: enter {} before sending through it", ds.needs_setup.join(", "));
        }
        if let Some(reason) = &ds.tokens_dropped {
            println!("  its OAuth tokens were dropped ({reason}): run `latchkey authorize {}`", ds.name);
        }
    }
}
