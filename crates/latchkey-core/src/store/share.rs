//! A shared folder's import applied to the store (`crate::share` plans it): one transaction
//! that prunes (when asked), writes the environments and then the datasources with the folder's
//! ids, decides the destination rule with the stored secrets (a kept secret whose destination
//! moved is dropped and listed as needs setup rather than refused), writes the queries with their
//! ids, and records what is still to enter in the `needs_setup` column. Also the snapshot of the
//! vault a share reads.

use std::collections::BTreeMap;

use sqlx::{Row, SqliteConnection};

use super::datasources::{self, Missing};
use super::environments::{delete_environment_in, read_environment, rename_overrides_in};
use super::{now_millis, queries, sealed_secrets, Store, Target};
use crate::model::{DatasourceId, DatasourceRef, EnvironmentId, EnvironmentRef, SavedQuery};
use crate::share::file::{pointer_of, QueryFile};
use crate::share::folder::Files;
use crate::share::{AbsentKind, DirAction, DirPlan, LocalDatasource, Prepared, Snapshot};
use crate::{Error, FieldError, Result};

impl Store {
    /// Every datasource (secret slots as markers) with its queries and "needs setup" list, and
    /// every environment, read in one transaction.
    ///
    /// # Errors
    /// Storage errors; [`Error::Format`] for a row this version cannot read.
    pub async fn share_snapshot(&self) -> Result<Snapshot> {
        let mut tx = self.pool.begin().await?;
        let snapshot = snapshot_in(&mut tx).await?;
        tx.commit().await?;
        Ok(snapshot)
    }

    /// Plans the import of a shared folder's `files` against the vault as it is inside the
    /// import's own transaction (so nothing changes between the plan and the writes), applies it
    /// (rolled back when `dry_run`), and returns the plan with what the store decided: the
    /// secrets kept, those still to enter, the tokens dropped.
    ///
    /// # Errors
    /// As [`crate::share::plan_dir`]; [`Error::Invalid`] naming the file and the field of each
    /// part the store refuses (a stored secret the folder's variables would send elsewhere, a
    /// datasource that does not validate); nothing is stored then.
    pub(crate) async fn import_share(&self, dir: &str, files: &Files, prune: bool, dry_run: bool) -> Result<DirPlan> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let snapshot = snapshot_in(&mut tx).await?;
        let prepared = crate::share::plan(dir, files, &snapshot, prune)?;
        let plan = self.apply_share(&mut tx, prepared, &snapshot).await?;
        if dry_run {
            tx.rollback().await?;
        } else {
            tx.commit().await?;
        }
        Ok(plan)
    }

    /// Writes a planned import inside the caller's transaction.
    async fn apply_share(&self, tx: &mut SqliteConnection, prepared: Prepared, snapshot: &Snapshot) -> Result<DirPlan> {
        let Prepared { mut plan, datasources, environments } = prepared;
        if plan.prune {
            // Queries and datasources first; environments last (deleting one edits overrides).
            for item in plan.absent.iter().filter(|i| i.kind != AbsentKind::Environment) {
                let table = if item.kind == AbsentKind::Query { "queries" } else { "datasources" };
                sqlx::query(&format!("DELETE FROM {table} WHERE id = ?")).bind(&item.id).execute(&mut *tx).await?;
            }
            for item in plan.absent.iter().filter(|i| i.kind == AbsentKind::Environment) {
                let id = EnvironmentId::new(item.id.clone());
                if let Ok(env) = read_environment(&mut *tx, EnvironmentRef::Id(&id)).await {
                    delete_environment_in(&mut *tx, &env).await?;
                }
            }
        }
        for (entry, shared) in plan.environments.iter_mut().zip(&environments) {
            if entry.action == DirAction::Unchanged {
                continue;
            }
            if let Some(previous) = &entry.previous_name {
                rename_overrides_in(&mut *tx, previous, &shared.config.name).await?;
            }
            let config = shared.config_for_import(|key| entry.kept.iter().any(|k| k == key));
            let (saved, _) = self
                .write_environment_in(&mut *tx, Target::WithId(EnvironmentRef::Id(&shared.id)), config)
                .await
                .map_err(|e| in_file(&entry.file, "", e))?;
            entry.tokens_dropped = saved.tokens_dropped;
        }
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM environments").fetch_one(&mut *tx).await?;
        if count == 0 {
            return Err(Error::field(
                "environments/",
                "this would leave the vault without an environment: add one to the folder, or import without --prune",
            ));
        }
        let local_queries: BTreeMap<&str, &[SavedQuery]> =
            snapshot.datasources.iter().map(|d| (d.datasource.id.as_str(), d.queries.as_slice())).collect();
        // Updates before creations, so a name one gives up is free for another.
        let mut order: Vec<usize> = (0..datasources.len()).collect();
        order.sort_by_key(|&i| plan.datasources[i].action == DirAction::Create);
        for i in order {
            let (entry, shared) = (&mut plan.datasources[i], &datasources[i]);
            if entry.action == DirAction::Unchanged {
                continue;
            }
            let mut kept = entry.kept.clone();
            let mut moved = Vec::new();
            if entry.action == DirAction::Update {
                let old = self.datasource_in_tx(&mut *tx, &shared.id).await?;
                let stored = sealed_secrets::slots_of(&mut *tx, &shared.id).await?;
                let envs = self.all_environment_vars(&mut *tx).await?;
                let candidate = shared.config_for_import(|n| kept.iter().any(|k| k == n));
                for error in self.destination_checks(&old, &stored, &candidate, &envs)?.secrets {
                    if kept.contains(&error.field) {
                        kept.retain(|k| *k != error.field);
                        moved.push(error);
                    }
                }
            }
            let config = shared.config_for_import(|n| kept.iter().any(|k| k == n));
            let (saved, _) = self
                .write_in(&mut *tx, Target::WithId(DatasourceRef::Id(&shared.id)), config, Missing::NeedsSetup)
                .await
                .map_err(|e| in_file(&entry.file, "/datasource", e))?;
            let stored = saved.datasource.config;
            let mut needs_setup = moved;
            for name in shared.secrets.iter().filter(|n| !kept.contains(n)) {
                if !needs_setup.iter().any(|e| e.field == *name) {
                    // The plan says why (a destination it saw move), else there is no value here.
                    let planned = entry.needs_setup.iter().find(|e| e.field == *name).cloned();
                    needs_setup.push(
                        planned.unwrap_or_else(|| {
                            FieldError::new(name.clone(), "enter it here (this machine has no value)")
                        }),
                    );
                }
            }
            for e in stored.needs_setup() {
                if !needs_setup.iter().any(|n| n.field == e.field) {
                    needs_setup.push(e);
                }
            }
            let mut column: Vec<String> = stored.needs_setup().into_iter().map(|e| e.field).collect();
            for e in &needs_setup {
                if !column.contains(&e.field) {
                    column.push(e.field.clone());
                }
            }
            let column = (!column.is_empty()).then(|| column.join(","));
            sqlx::query("UPDATE datasources SET needs_setup = ? WHERE id = ?")
                .bind(column)
                .bind(&shared.id)
                .execute(&mut *tx)
                .await?;
            let mine = local_queries.get(shared.id.as_str()).copied().unwrap_or_default();
            put_queries(&mut *tx, &shared.id, &shared.queries, mine).await.map_err(|e| in_file(&entry.file, "", e))?;
            entry.kept = kept;
            entry.needs_setup = needs_setup;
            entry.tokens_dropped = saved.tokens_dropped;
        }
        Ok(plan)
    }
}

/// [`Store::share_snapshot`] inside the caller's transaction.
async fn snapshot_in(tx: &mut SqliteConnection) -> Result<Snapshot> {
    let rows = sqlx::query(&format!("SELECT {}, needs_setup FROM datasources", datasources::COLUMNS))
        .fetch_all(&mut *tx)
        .await?;
    let mut by_id: BTreeMap<String, LocalDatasource> = BTreeMap::new();
    for row in &rows {
        let datasource = datasources::from_row(row)?;
        let needs_setup: Option<String> = row.get("needs_setup");
        let needs_setup = needs_setup.map(|s| s.split(',').map(str::to_owned).collect()).unwrap_or_default();
        by_id.insert(datasource.id.to_string(), LocalDatasource { datasource, queries: Vec::new(), needs_setup });
    }
    let rows =
        sqlx::query(&format!("SELECT {} FROM queries q ORDER BY q.name", queries::COLUMNS)).fetch_all(&mut *tx).await?;
    for row in &rows {
        let query = queries::from_row(row)?;
        if let Some(local) = by_id.get_mut(query.datasource_id.as_str()) {
            local.queries.push(query);
        }
    }
    let ids: Vec<EnvironmentId> =
        sqlx::query_scalar("SELECT id FROM environments ORDER BY name COLLATE NOCASE").fetch_all(&mut *tx).await?;
    let mut environments = Vec::with_capacity(ids.len());
    for id in &ids {
        environments.push(read_environment(&mut *tx, EnvironmentRef::Id(id)).await?);
    }
    Ok(Snapshot { datasources: by_id.into_values().collect(), environments })
}

/// Writes a datasource file's queries with their ids: new ones inserted, changed ones updated
/// (renamed through a temporary name, so two queries can swap names), the same left alone.
async fn put_queries(
    conn: &mut SqliteConnection,
    datasource: &DatasourceId,
    wanted: &[QueryFile],
    mine: &[SavedQuery],
) -> Result<()> {
    let now = now_millis();
    let changed: Vec<&QueryFile> = wanted
        .iter()
        .filter(|q| {
            !mine.iter().any(|m| m.id == q.id && m.name == q.name && m.group == q.group && m.request == q.request)
        })
        .collect();
    for q in &changed {
        if mine.iter().any(|m| m.id == q.id && m.name != q.name) {
            sqlx::query("UPDATE queries SET name = ? WHERE id = ?")
                .bind(format!("\u{1}{}", q.id))
                .bind(&q.id)
                .execute(&mut *conn)
                .await?;
        }
    }
    for q in changed {
        let json = serde_json::to_string(&q.request).expect("a request always serializes");
        let written = sqlx::query(
            "INSERT INTO queries (id, datasource_id, name, group_name, request, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, group_name = excluded.group_name, \
             request = excluded.request, updated_at = excluded.updated_at \
             WHERE queries.datasource_id = excluded.datasource_id",
        )
        .bind(&q.id)
        .bind(datasource)
        .bind(&q.name)
        .bind(&q.group)
        .bind(&json)
        .bind(now)
        .execute(&mut *conn)
        .await;
        match written {
            Ok(done) if done.rows_affected() == 1 => {}
            Ok(_) => {
                return Err(Error::field(
                    format!("queries.{}", q.name),
                    "this query id belongs to another datasource here: give the query its own id",
                ))
            }
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return Err(Error::field(
                    format!("queries.{}", q.name),
                    "another query of this datasource has that name here: rename or delete it, or import with --prune",
                ))
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// An error of the store on a field, named by the file and the JSON pointer under `base`.
fn in_file(file: &str, base: &str, e: Error) -> Error {
    match e {
        Error::Invalid(fields) => Error::Invalid(
            fields
                .into_iter()
                .map(|f| FieldError::new(format!("{file}, {base}/{}", pointer_of(&f.field)), f.message))
                .collect(),
        ),
        other => other,
    }
}
