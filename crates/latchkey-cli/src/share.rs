//! `latchkey export --dir DIR` and `latchkey import --dir DIR [--prune] [--dry-run] [--json]`:
//! a folder a team commits to git. The folder's shape, the plan and the transaction are the
//! core's (`latchkey_core::share`); this prints them.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use latchkey_core::share::{self, AbsentKind, DirAction, DirPlan};
use latchkey_core::Store;

use crate::{output, Outcome};

#[derive(Args)]
pub struct ExportArgs {
    /// The folder to write (made when missing): datasources/*.json and environments/*.json.
    #[arg(long, value_name = "DIR")]
    dir: PathBuf,
    /// Print what was written as JSON.
    #[arg(long)]
    json: bool,
}

pub async fn export(store: &Store, args: ExportArgs) -> Outcome {
    let summary = share::export_dir(store, &args.dir).await?;
    if args.json {
        return output::json(&summary);
    }
    for file in &summary.written {
        println!("wrote {file}");
    }
    for file in &summary.removed {
        println!("removed {file}");
    }
    println!(
        "{}: {} written, {} removed, {} unchanged.",
        summary.dir,
        summary.written.len(),
        summary.removed.len(),
        summary.unchanged
    );
    Ok(ExitCode::SUCCESS)
}

/// `import --dir`: plans, prints and applies (or with `dry_run` only plans) the folder.
pub async fn import(store: &Store, dir: &Path, prune: bool, dry_run: bool, json: bool) -> Outcome {
    let plan = share::import_dir(store, dir, prune, dry_run).await.map_err(crate::import::failure)?;
    if json {
        let mut value = serde_json::to_value(&plan).expect("a plan serializes");
        value["dryRun"] = dry_run.into();
        return output::json(&value);
    }
    print_plan(&plan, dry_run);
    Ok(ExitCode::SUCCESS)
}

fn print_plan(plan: &DirPlan, dry_run: bool) {
    let verb = |action: DirAction| match (action, dry_run) {
        (DirAction::Create, false) => "created",
        (DirAction::Create, true) => "create",
        (DirAction::Update, false) => "updated",
        (DirAction::Update, true) => "update",
        (DirAction::Unchanged, _) => "unchanged",
    };
    println!("Import of {}:", plan.dir);
    for env in &plan.environments {
        let renamed = env.previous_name.as_deref().map(|p| format!(" (was `{p}`)")).unwrap_or_default();
        println!("  {} environment `{}`{renamed}  ({})", verb(env.action), env.name, env.file);
        if !env.needs_setup.is_empty() {
            println!(
                "    needs setup: secret variables {} (latchkey env set {} KEY=@- --secret)",
                env.needs_setup.join(", "),
                env.name
            );
        }
        for line in &env.tokens_dropped {
            println!("    tokens dropped: {line}");
        }
    }
    for ds in &plan.datasources {
        let renamed = ds.previous_name.as_deref().map(|p| format!(" (was `{p}`)")).unwrap_or_default();
        println!("  {} datasource `{}`{renamed}  ({})", verb(ds.action), ds.name, ds.file);
        let q = &ds.queries;
        if !q.created.is_empty() || !q.updated.is_empty() {
            println!("    queries: {} new, {} changed, {} unchanged", q.created.len(), q.updated.len(), q.unchanged);
        }
        if !ds.kept.is_empty() {
            println!("    secrets kept: {}", ds.kept.join(", "));
        }
        for missing in &ds.needs_setup {
            println!("    needs setup: {}: {}", missing.field, missing.message);
        }
        if let Some(reason) = &ds.tokens_dropped {
            println!("    its OAuth tokens were dropped ({reason}): run `latchkey authorize {}`", ds.name);
        }
    }
    for item in &plan.absent {
        let what = match item.kind {
            AbsentKind::Datasource => format!("datasource `{}`", item.name),
            AbsentKind::Environment => format!("environment `{}`", item.name),
            AbsentKind::Query => {
                format!("query `{}` of `{}`", item.name, item.datasource.as_deref().unwrap_or_default())
            }
        };
        match (plan.prune, dry_run) {
            (true, false) => println!("  deleted {what} (not in the folder)"),
            (true, true) => println!("  delete {what} (not in the folder)"),
            (false, _) => println!("  kept {what}: not in the folder (--prune deletes it)"),
        }
    }
    let (created, updated, unchanged) = plan.counts();
    let deleted = if plan.prune { plan.absent.len() } else { 0 };
    println!(
        "\n{created} created, {updated} updated, {unchanged} unchanged, {deleted} deleted, {} secret(s) to enter \
         (needs setup).",
        plan.needs_setup_count()
    );
    if dry_run {
        println!("Dry run: nothing was stored.");
    }
}
