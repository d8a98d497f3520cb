//! Applying an import plan (`crate::import`): every datasource, its authentication and its
//! saved queries in one `BEGIN IMMEDIATE` transaction, so that nothing is stored when any part
//! is refused. Secrets are sealed as every save seals them; a datasource joined or replaced
//! goes through the destination rule of `model::destination` like any save over a stored one.

use super::datasources::Missing;
use super::{queries, ImportOutcome, Store, Target};
use crate::import::{DatasourceAction, ImportPlan};
use crate::model::{DatasourceId, DatasourceRef};
use crate::{Error, FieldError, Result};

/// What applying a plan stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct AppliedImport {
    pub datasources: Vec<AppliedDatasource>,
    pub environments: Vec<AppliedEnvironment>,
}

/// One environment an import wrote (created, or replaced by name).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct AppliedEnvironment {
    pub name: String,
    pub created: bool,
    /// Datasources whose tokens in it were dropped, with why.
    pub tokens_dropped: Vec<String>,
}

/// One datasource an import wrote.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct AppliedDatasource {
    pub id: DatasourceId,
    pub name: String,
    pub action: DatasourceAction,
    pub queries: usize,
    /// The secret fields it still needs ("needs setup").
    pub needs_setup: Vec<String>,
    /// Why its OAuth tokens were dropped, when a replace dropped them.
    pub tokens_dropped: Option<String>,
}

impl Store {
    /// Stores `plan` (from [`crate::import::plan`]) in one transaction.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the file, the item and the field of each refused part (a name
    /// taken meanwhile, a kept secret whose destination moved, a bad query); nothing is stored
    /// then. Environments are written first (created, or replaced by name, as `env import`
    /// does), then the datasources, whose overrides may name them.
    pub async fn apply_import(&self, plan: &ImportPlan) -> Result<AppliedImport> {
        let in_item = |item: &str, e: Error| match e {
            Error::Invalid(fields) => Error::Invalid(
                fields
                    .into_iter()
                    .map(|f| FieldError::new(format!("{}, {item}: {}", plan.source, f.field), f.message))
                    .collect(),
            ),
            other => other,
        };
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        // Environments first: the datasources' overrides name them.
        let mut environments = Vec::new();
        for env in &plan.environments {
            let (saved, outcome) = self
                .write_environment_in(&mut tx, Target::SameName, env.config.clone())
                .await
                .map_err(|e| in_item(&env.item, e))?;
            environments.push(AppliedEnvironment {
                name: saved.environment.config.name.clone(),
                created: outcome == ImportOutcome::Created,
                tokens_dropped: saved.tokens_dropped,
            });
        }
        let mut applied = Vec::new();
        for ds in &plan.datasources {
            let written = match (ds.action, &ds.existing_id) {
                (DatasourceAction::Create, _) => {
                    Some(self.write_in(&mut tx, Target::New, ds.config.clone(), Missing::NeedsSetup).await)
                }
                (DatasourceAction::Replace, _) => {
                    Some(self.write_in(&mut tx, Target::SameName, ds.config.clone(), Missing::NeedsSetup).await)
                }
                (DatasourceAction::Join, Some(id)) if ds.sets_auth => {
                    let mut config = self.datasource_in_tx(&mut tx, id).await?.config;
                    config.auth = ds.config.auth.clone();
                    Some(
                        self.write_in(&mut tx, Target::Existing(DatasourceRef::Id(id)), config, Missing::NeedsSetup)
                            .await,
                    )
                }
                (DatasourceAction::Join, _) => None,
            };
            let (id, name, tokens_dropped, needs_setup) = match written {
                Some(result) => {
                    let (saved, _outcome): (_, ImportOutcome) = result.map_err(|e| in_item(&ds.item, e))?;
                    let d = saved.datasource;
                    let missing = d.config.needs_setup().into_iter().map(|e| e.field).collect();
                    (d.id, d.config.name, saved.tokens_dropped, missing)
                }
                None => {
                    let id = ds.existing_id.clone().ok_or_else(|| {
                        Error::field(format!("{}, {}", plan.source, ds.item), "a joined datasource needs its id")
                    })?;
                    let d = self.datasource_in_tx(&mut tx, &id).await?;
                    let missing = d.config.needs_setup().into_iter().map(|e| e.field).collect();
                    (d.id, d.config.name, None, missing)
                }
            };
            for query in &ds.queries {
                if let Err(errors) = query.request.validate() {
                    return Err(in_item(&query.item, Error::Invalid(errors)));
                }
                queries::put(&mut tx, &id, query.name.trim(), query.group.as_deref(), &query.request).await?;
            }
            applied.push(AppliedDatasource {
                id,
                name,
                action: ds.action,
                queries: ds.queries.len(),
                needs_setup,
                tokens_dropped,
            });
        }
        tx.commit().await?;
        Ok(AppliedImport { datasources: applied, environments })
    }
}
