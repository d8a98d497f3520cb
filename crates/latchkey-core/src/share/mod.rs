//! Sharing a vault through git: `export_dir` writes a folder a team commits (one file per
//! datasource with its queries and overrides, one per environment, secrets by name only, stable
//! ids and bytes), `import_dir` brings a teammate's folder in (creating with the folder's ids,
//! updating by id, deleting only with `prune`, keeping a local secret only where the
//! destination rule allows, listing the secrets still to enter), and `dir_status` tells the
//! desktop app what an import would do and whether the folder changed.
//!
//! The plan is a pure function of the folder's files and a snapshot of the vault ([`plan`]);
//! the store plans and applies it in one transaction (`Store::import_share`, which also decides the
//! destination rule with the stored secrets). The file shapes are `file`'s, the folder on disk
//! `folder`'s; the CLI and the desktop app only call these functions.

pub mod file;
pub mod folder;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Serialize;
use ts_rs::TS;

use crate::model::{destination, Datasource, DatasourceConfig, DatasourceId, Environment, EnvironmentId, SavedQuery};
use crate::{Error, FieldError, Result, Store};
use file::{SharedDatasource, SharedEnvironment};
use folder::Files;

/// The vault as a share reads it: every datasource (secret slots as markers) with its queries
/// and its "needs setup" list, and every environment.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub datasources: Vec<LocalDatasource>,
    pub environments: Vec<Environment>,
}

/// One stored datasource of a [`Snapshot`].
#[derive(Debug, Clone)]
pub struct LocalDatasource {
    pub datasource: Datasource,
    pub queries: Vec<SavedQuery>,
    /// The row's "needs setup" list (secret fields and identifiers still to enter).
    pub needs_setup: Vec<String>,
}

/// What `export_dir` did to the folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportSummary {
    pub dir: String,
    /// Files written because they were new or their bytes changed (`datasources/github.json`).
    pub written: Vec<String>,
    /// Files of the folder's that no longer stand for anything in the vault (a renamed or
    /// deleted datasource or environment), removed.
    pub removed: Vec<String>,
    /// Files whose bytes were already right, left untouched.
    pub unchanged: usize,
    /// The folder's fingerprint after the export (see [`DirStatus::fingerprint`]).
    pub fingerprint: String,
}

/// What an import of a folder does (or did) to one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum DirAction {
    /// New here: created with the folder's id.
    Create,
    /// Here under the same id, and different: updated (a new name renames it).
    Update,
    /// Here under the same id, and the same.
    Unchanged,
}

/// The saved queries of a datasource file, against the local ones.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct QueryChanges {
    pub created: Vec<String>,
    pub updated: Vec<String>,
    pub unchanged: usize,
}

/// One datasource file of the folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DirDatasource {
    /// Its path in the folder (`datasources/github.json`).
    pub file: String,
    pub id: DatasourceId,
    pub name: String,
    /// The local name when the folder renames it.
    pub previous_name: Option<String>,
    pub action: DirAction,
    pub queries: QueryChanges,
    /// The secret fields the file lists, by name.
    pub secrets: Vec<String>,
    /// Those whose local value is kept (their destination is unchanged).
    pub kept: Vec<String>,
    /// What the person still has to enter here ("needs setup"), each with why.
    pub needs_setup: Vec<FieldError>,
    /// Why its OAuth tokens were dropped, when an applied update dropped them.
    pub tokens_dropped: Option<String>,
}

/// One environment file of the folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DirEnvironment {
    pub file: String,
    pub id: EnvironmentId,
    pub name: String,
    pub previous_name: Option<String>,
    pub action: DirAction,
    /// Secret variables whose local value is kept.
    pub kept: Vec<String>,
    /// Secret variables without a value here, to enter (`latchkey env set NAME KEY=@- --secret`).
    pub needs_setup: Vec<String>,
    /// Datasources whose tokens in it an applied update dropped, with why.
    pub tokens_dropped: Vec<String>,
}

/// What a local item absent from the folder is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum AbsentKind {
    Datasource,
    Environment,
    Query,
}

/// A local item the folder does not have: deleted with `prune`, else left alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AbsentItem {
    pub kind: AbsentKind,
    pub id: String,
    pub name: String,
    /// For a query: its datasource's name.
    pub datasource: Option<String>,
}

/// The plan of `import --dir` (and, once applied, what it did).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DirPlan {
    pub dir: String,
    /// Whether local items absent from the folder are deleted.
    pub prune: bool,
    pub datasources: Vec<DirDatasource>,
    pub environments: Vec<DirEnvironment>,
    /// Local items the folder does not have: deleted when `prune`, else kept.
    pub absent: Vec<AbsentItem>,
    /// The fingerprint of the files planned from.
    pub fingerprint: String,
}

impl DirPlan {
    /// How many datasources and environments the import creates, updates and leaves unchanged.
    pub fn counts(&self) -> (usize, usize, usize) {
        let actions = self.datasources.iter().map(|d| d.action).chain(self.environments.iter().map(|e| e.action));
        actions.fold((0, 0, 0), |(c, u, n), action| match action {
            DirAction::Create => (c + 1, u, n),
            DirAction::Update => (c, u + 1, n),
            DirAction::Unchanged => (c, u, n + 1),
        })
    }

    /// How many secrets are still to enter, over datasources and environments.
    pub fn needs_setup_count(&self) -> usize {
        self.datasources.iter().map(|d| d.needs_setup.len()).sum::<usize>()
            + self.environments.iter().map(|e| e.needs_setup.len()).sum::<usize>()
    }
}

/// What the desktop app shows for a shared folder it has open: what an import would do now,
/// and the fingerprint to notice a change of the files by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DirStatus {
    /// A SHA-256 over the folder's files (paths and bytes): compare it with the one of the last
    /// import or export to offer a re-import.
    pub fingerprint: String,
    pub create: usize,
    pub update: usize,
    pub unchanged: usize,
    /// Local items `--prune` would delete.
    pub absent: usize,
    /// Whether importing would change nothing (without prune).
    pub up_to_date: bool,
    pub plan: DirPlan,
}

/// A plan with what applying it needs: the parsed files.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub plan: DirPlan,
    /// In the order of `plan.datasources`.
    pub datasources: Vec<SharedDatasource>,
    /// In the order of `plan.environments`.
    pub environments: Vec<SharedEnvironment>,
}

/// The files export writes for `snapshot`, by path.
pub fn render(snapshot: &Snapshot) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let slugs = folder::unique_slugs(
        snapshot.datasources.iter().map(|d| (d.datasource.id.as_str(), d.datasource.config.name.as_str())),
        "datasource",
    );
    for local in &snapshot.datasources {
        let shared = SharedDatasource::from_local(&local.datasource, &local.queries, &local.needs_setup);
        files.insert(format!("{}/{}.json", folder::DATASOURCES, slugs[local.datasource.id.as_str()]), shared.render());
    }
    let slugs = folder::unique_slugs(
        snapshot.environments.iter().map(|e| (e.id.as_str(), e.config.name.as_str())),
        "environment",
    );
    for env in &snapshot.environments {
        let shared = SharedEnvironment::from_local(env);
        files.insert(format!("{}/{}.json", folder::ENVIRONMENTS, slugs[env.id.as_str()]), shared.render());
    }
    files
}

/// Writes the vault into `dir` (made when missing): `datasources/<slug>.json` and
/// `environments/<slug>.json`, only the files whose bytes change; the `*.json` files of those
/// two folders that no longer stand for anything are removed; nothing else in `dir` is touched.
///
/// # Errors
/// Storage errors; [`Error::Io`] naming the path.
pub async fn export_dir(store: &Store, dir: &Path) -> Result<ExportSummary> {
    let snapshot = store.share_snapshot().await?;
    let wanted = render(&snapshot);
    let done = folder::write_all(dir, &wanted)?;
    let fingerprint = Files::read(dir)?.fingerprint();
    Ok(ExportSummary {
        dir: dir.display().to_string(),
        written: done.written,
        removed: done.removed,
        unchanged: done.unchanged,
        fingerprint,
    })
}

/// Plans the import of `dir` into the vault `snapshot` shows, without writing: a pure function
/// of the folder's files and the snapshot.
///
/// # Errors
/// [`Error::Invalid`] with every refused part, each naming the file, the JSON pointer (or line)
/// and the fix; [`Error::Io`] for a file that cannot be read.
pub fn plan_dir(dir: &Path, snapshot: &Snapshot, prune: bool) -> Result<DirPlan> {
    let files = Files::read(dir)?;
    Ok(plan(&dir.display().to_string(), &files, snapshot, prune)?.plan)
}

/// Imports `dir`: creates what is new with the folder's ids, updates by id, deletes local items
/// the folder lacks only with `prune`, keeps a local secret only while its destination is
/// unchanged, and lists the secrets still to enter. One transaction; with `dry_run` it is
/// rolled back, so the plan returned is exactly what an import would do.
///
/// # Errors
/// As [`plan_dir`], and the store's refusals (a stored secret an environment's variables
/// would send elsewhere, …), each naming the file; nothing is stored then.
pub async fn import_dir(store: &Store, dir: &Path, prune: bool, dry_run: bool) -> Result<DirPlan> {
    let files = Files::read(dir)?;
    store.import_share(&dir.display().to_string(), &files, prune, dry_run).await
}

/// What importing `dir` would do now, and the folder's fingerprint.
///
/// # Errors
/// As [`plan_dir`].
pub async fn dir_status(store: &Store, dir: &Path) -> Result<DirStatus> {
    let snapshot = store.share_snapshot().await?;
    let plan = plan_dir(dir, &snapshot, false)?;
    let (create, update, unchanged) = plan.counts();
    Ok(DirStatus {
        fingerprint: plan.fingerprint.clone(),
        create,
        update,
        unchanged,
        absent: plan.absent.len(),
        up_to_date: create == 0 && update == 0,
        plan,
    })
}

/// The plan of importing `files` into the vault of `snapshot`.
pub(crate) fn plan(dir: &str, files: &Files, snapshot: &Snapshot, prune: bool) -> Result<Prepared> {
    let mut errors = Vec::new();
    let mut datasources: Vec<(String, SharedDatasource)> = Vec::new();
    for (path, bytes) in &files.datasources {
        match SharedDatasource::parse(path, bytes) {
            Ok(shared) => datasources.push((path.clone(), shared)),
            Err(found) => errors.extend(found),
        }
    }
    let mut environments: Vec<(String, SharedEnvironment)> = Vec::new();
    for (path, bytes) in &files.environments {
        match SharedEnvironment::parse(path, bytes) {
            Ok(shared) => environments.push((path.clone(), shared)),
            Err(found) => errors.extend(found),
        }
    }
    for (i, (path, shared)) in datasources.iter().enumerate() {
        if let Some((other, _)) = datasources[..i].iter().find(|(_, d)| d.id == shared.id) {
            errors.push(FieldError::new(
                format!("{path}, /id"),
                format!("{other} has the same id: each datasource has its own file; remove one of them"),
            ));
        } else if let Some((other, _)) =
            datasources[..i].iter().find(|(_, d)| d.config.name.eq_ignore_ascii_case(&shared.config.name))
        {
            errors.push(FieldError::new(
                format!("{path}, /datasource/name"),
                format!("{other} has the same name (names compare without case): rename one"),
            ));
        }
    }
    for (i, (path, shared)) in environments.iter().enumerate() {
        if let Some((other, _)) = environments[..i].iter().find(|(_, e)| e.id == shared.id) {
            errors
                .push(FieldError::new(format!("{path}, /id"), format!("{other} has the same id: remove one of them")));
        } else if let Some((other, _)) =
            environments[..i].iter().find(|(_, e)| e.config.name.eq_ignore_ascii_case(&shared.config.name))
        {
            errors.push(FieldError::new(
                format!("{path}, /name"),
                format!("{other} has the same name (names compare without case): rename one"),
            ));
        }
    }
    if prune && environments.is_empty() && errors.is_empty() {
        errors.push(FieldError::new(
            format!("{}/", folder::ENVIRONMENTS),
            "the folder has no environment files and a vault keeps at least one: export one there, or import \
             without --prune",
        ));
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }

    let local_ds: BTreeMap<&str, &LocalDatasource> =
        snapshot.datasources.iter().map(|d| (d.datasource.id.as_str(), d)).collect();
    let local_env: BTreeMap<&str, &Environment> = snapshot.environments.iter().map(|e| (e.id.as_str(), e)).collect();
    let folder_ds: BTreeSet<&str> = datasources.iter().map(|(_, d)| d.id.as_str()).collect();
    let folder_env: BTreeSet<&str> = environments.iter().map(|(_, e)| e.id.as_str()).collect();
    // Where each query id lives here.
    let query_owner: BTreeMap<&str, &LocalDatasource> =
        snapshot.datasources.iter().flat_map(|d| d.queries.iter().map(move |q| (q.id.as_str(), d))).collect();

    let mut absent = Vec::new();
    for local in &snapshot.datasources {
        if !folder_ds.contains(local.datasource.id.as_str()) {
            absent.push(AbsentItem {
                kind: AbsentKind::Datasource,
                id: local.datasource.id.to_string(),
                name: local.datasource.config.name.clone(),
                datasource: None,
            });
        }
    }
    for env in &snapshot.environments {
        if !folder_env.contains(env.id.as_str()) {
            absent.push(AbsentItem {
                kind: AbsentKind::Environment,
                id: env.id.to_string(),
                name: env.config.name.clone(),
                datasource: None,
            });
        }
    }
    // A name is free for an item of the folder when no local item keeps it: one the folder
    // also has takes the folder's name, one it lacks keeps its own unless pruned.
    let kept_ds_name = |name: &str, id: &str| {
        snapshot.datasources.iter().find(|d| {
            d.datasource.id.as_str() != id
                && d.datasource.config.name.eq_ignore_ascii_case(name)
                && !prune
                && !folder_ds.contains(d.datasource.id.as_str())
        })
    };

    let mut planned_envs = Vec::new();
    for (path, shared) in &environments {
        let local = local_env.get(shared.id.as_str()).copied();
        if !prune {
            if let Some(other) = snapshot.environments.iter().find(|e| {
                e.id != shared.id
                    && e.config.name.eq_ignore_ascii_case(&shared.config.name)
                    && !folder_env.contains(e.id.as_str())
            }) {
                errors.push(FieldError::new(
                    format!("{path}, /name"),
                    format!(
                        "an environment named `{}` already exists here with another id ({}): rename or delete it \
                         here (latchkey env delete {}), or import with --prune to replace it by the folder's",
                        other.config.name, other.id, other.config.name
                    ),
                ));
            }
        }
        let stored_secret = |key: &str| {
            local
                .and_then(|l| l.config.variable(key))
                .is_some_and(|v| matches!(&v.value, crate::model::VariableValue::Secret(f) if f.is_set()))
        };
        let secrets = shared.secrets();
        let action = match local {
            None => DirAction::Create,
            Some(l) if SharedEnvironment::from_local(l).render() == shared.render() => DirAction::Unchanged,
            Some(_) => DirAction::Update,
        };
        planned_envs.push(DirEnvironment {
            file: path.clone(),
            id: shared.id.clone(),
            name: shared.config.name.clone(),
            previous_name: local.map(|l| l.config.name.clone()).filter(|n| *n != shared.config.name),
            action,
            kept: secrets.iter().filter(|k| stored_secret(k)).cloned().collect(),
            needs_setup: secrets.iter().filter(|k| !stored_secret(k)).cloned().collect(),
            tokens_dropped: Vec::new(),
        });
    }

    let mut planned_ds = Vec::new();
    for (path, shared) in &datasources {
        let local = local_ds.get(shared.id.as_str()).copied();
        if let Some(other) = kept_ds_name(&shared.config.name, shared.id.as_str()) {
            errors.push(FieldError::new(
                format!("{path}, /datasource/name"),
                format!(
                    "a datasource named `{}` already exists here with another id ({}): rename or delete it here \
                     (latchkey datasource delete {}), or import with --prune to replace it by the folder's",
                    other.datasource.config.name, other.datasource.id, other.datasource.config.name
                ),
            ));
        }
        let local_queries: &[SavedQuery] = local.map_or(&[], |l| l.queries.as_slice());
        let mut queries = QueryChanges::default();
        let folder_queries: BTreeSet<&str> = shared.queries.iter().map(|q| q.id.as_str()).collect();
        for (i, q) in shared.queries.iter().enumerate() {
            if let Some(owner) = query_owner.get(q.id.as_str()).filter(|o| o.datasource.id != shared.id) {
                errors.push(FieldError::new(
                    format!("{path}, /queries/{i}/id"),
                    format!(
                        "this query id belongs to datasource `{}` here: give the query its own id (remove \"id\" \
                         and export it again from the machine that made it)",
                        owner.datasource.config.name
                    ),
                ));
            }
            if !prune {
                if let Some(other) = local_queries.iter().find(|l| {
                    l.id != q.id && l.name.eq_ignore_ascii_case(&q.name) && !folder_queries.contains(l.id.as_str())
                }) {
                    errors.push(FieldError::new(
                        format!("{path}, /queries/{i}/name"),
                        format!(
                            "datasource `{}` already has a query named `{}` here with another id: rename or delete it \
                             here, or import with --prune to replace it by the folder's",
                            shared.config.name, other.name
                        ),
                    ));
                }
            }
            match local_queries.iter().find(|l| l.id == q.id) {
                None => queries.created.push(q.name.clone()),
                Some(l) if l.name == q.name && l.group == q.group && l.request == q.request => queries.unchanged += 1,
                Some(_) => queries.updated.push(q.name.clone()),
            }
        }
        if let Some(local) = local {
            for q in local_queries.iter().filter(|l| !folder_queries.contains(l.id.as_str())) {
                absent.push(AbsentItem {
                    kind: AbsentKind::Query,
                    id: q.id.clone(),
                    name: q.name.clone(),
                    datasource: Some(local.datasource.config.name.clone()),
                });
            }
        }
        let action = match local {
            None => DirAction::Create,
            Some(l) => {
                let mine = SharedDatasource::from_local(&l.datasource, &l.queries, &l.needs_setup);
                if mine.render() == shared.render() {
                    DirAction::Unchanged
                } else {
                    DirAction::Update
                }
            }
        };
        let (kept, needs_setup) = match local {
            Some(l) if action == DirAction::Unchanged => {
                let kept: Vec<String> =
                    shared.secrets.iter().filter(|n| has_value(&l.datasource.config, n)).cloned().collect();
                let needs = l
                    .needs_setup
                    .iter()
                    .map(|field| FieldError::new(field.clone(), "enter it here (this machine has no value)"))
                    .collect();
                (kept, needs)
            }
            _ => secrets_plan(shared, local.map(|l| &l.datasource.config)),
        };
        planned_ds.push(DirDatasource {
            file: path.clone(),
            id: shared.id.clone(),
            name: shared.config.name.clone(),
            previous_name: local.map(|l| l.datasource.config.name.clone()).filter(|n| *n != shared.config.name),
            action,
            queries,
            secrets: shared.secrets.clone(),
            kept,
            needs_setup,
            tokens_dropped: None,
        });
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    Ok(Prepared {
        plan: DirPlan {
            dir: dir.to_owned(),
            prune,
            datasources: planned_ds,
            environments: planned_envs,
            absent,
            fingerprint: files.fingerprint(),
        },
        datasources: datasources.into_iter().map(|(_, d)| d).collect(),
        environments: environments.into_iter().map(|(_, e)| e).collect(),
    })
}

/// Whether the secret field `name` (`auth.token`, `environments.staging.auth.clientSecret`) of
/// `config` holds a value.
pub(crate) fn has_value(config: &DatasourceConfig, name: &str) -> bool {
    if let Some((_, field)) = config.secret_slots().into_iter().find(|(slot, _)| *slot == name) {
        return field.is_set();
    }
    let Some((env, slot)) = name.strip_prefix("environments.").and_then(|rest| rest.split_once('.')) else {
        return false;
    };
    config.environments.get(env).is_some_and(|o| o.secret_slots().into_iter().any(|(s, f)| s == slot && f.is_set()))
}

/// Which listed secrets keep their local value, and what is left to enter, deciding the
/// destination rule on the configurations alone (variables unresolved, pins unknown: the
/// store decides again with both when it applies the plan).
fn secrets_plan(shared: &SharedDatasource, local: Option<&DatasourceConfig>) -> (Vec<String>, Vec<FieldError>) {
    let mut kept: Vec<String> =
        shared.secrets.iter().filter(|n| local.is_some_and(|l| has_value(l, n))).cloned().collect();
    let mut needs_setup = Vec::new();
    if let Some(old) = local {
        let new = shared.config_for_import(|n| kept.iter().any(|k| k == n));
        for (field, message) in moved_secrets(old, &new) {
            if kept.contains(&field) {
                kept.retain(|k| *k != field);
                needs_setup.push(FieldError::new(field, message));
            }
        }
    }
    let after = shared.config_for_import(|n| kept.iter().any(|k| k == n));
    for name in &shared.secrets {
        if !kept.contains(name) && !needs_setup.iter().any(|e| e.field == *name) {
            needs_setup.push(FieldError::new(name.clone(), "enter it here (this machine has no value)"));
        }
    }
    for e in after.needs_setup() {
        if !needs_setup.iter().any(|n| n.field == e.field) {
            needs_setup.push(e);
        }
    }
    (kept, needs_setup)
}

/// The kept secrets of `new` whose destination moved from `old`, in the base and in each
/// environment either overrides, by field name (an overridden one as
/// `environments.<name>.<slot>`), with why.
pub(crate) fn moved_secrets(old: &DatasourceConfig, new: &DatasourceConfig) -> Vec<(String, String)> {
    let mut moved: Vec<(String, String)> = Vec::new();
    let envs: BTreeSet<&str> = old.environments.keys().chain(new.environments.keys()).map(String::as_str).collect();
    let no_pin: destination::Pin = None;
    let base = |c: &DatasourceConfig| DatasourceConfig { environments: BTreeMap::new(), ..c.clone() };
    for env in std::iter::once(None).chain(envs.into_iter().map(Some)) {
        let (before, after) = match env {
            None => (base(old), base(new)),
            Some(name) => match (old.effective(name), new.effective(name)) {
                (Ok(before), Ok(after)) => (before, after),
                _ => continue,
            },
        };
        let check = destination::check(
            destination::Stored { config: &before, pin: &no_pin },
            destination::Stored { config: &after, pin: &no_pin },
        );
        for error in check.moved_secrets {
            let field = match env.and_then(|name| new.overrides_of(name)) {
                Some((env, o)) if o.overrides(&error.field) => format!("environments.{env}.{}", error.field),
                _ => error.field.clone(),
            };
            if !moved.iter().any(|(f, _)| *f == field) {
                moved.push((field, error.message));
            }
        }
    }
    moved
}
