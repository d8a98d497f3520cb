//! The `datasources` table: create, replace, look up, list, delete. Secret slots are sealed
//! into `sealed_secrets` in the same transaction; the `config` column never holds a value.
//! A kept secret whose destination changed is refused and tokens whose destinations changed are
//! dropped, as `model::destination` decides.

use std::collections::HashMap;

use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};

use super::environments::{override_slot, EnvironmentVars};
use super::{new_id, now_millis, sealed_secrets, Store, Target};
use crate::model::{
    destination, secret_slot, AuthType, Datasource, DatasourceConfig, DatasourceId, DatasourceRef, DatasourceSummary,
    DestinationCheck, EnvironmentId, SavedDatasource, TokenStatus,
};
use crate::variables;
use crate::{Error, FieldError, Result, SecretField};

/// Whether an import made a new datasource or replaced one of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportOutcome {
    Created,
    Replaced,
}

pub(super) const COLUMNS: &str = "id, name, url, auth_type, config, created_at, updated_at, generation";

impl Store {
    /// All datasources, by name (case-insensitively, as the `name` column compares).
    ///
    /// SQLite assembles the list as one JSON array of arrays, read from a covering index, so
    /// a vault of thousands of datasources is read in one step rather than row by row through
    /// the driver, and never reads their configs; the rows are put in name order here, which
    /// is cheaper than SQLite's sort for an ordered aggregate (see `benches/scale.rs`).
    ///
    /// # Errors
    /// Storage errors; [`Error::Format`] for a row this version cannot read.
    pub async fn list_datasources(&self) -> Result<Vec<DatasourceSummary>> {
        self.list_datasources_in(crate::model::EnvironmentRef::Default).await
    }

    /// [`Store::list_datasources`] with the token state of environment `env`.
    ///
    /// # Errors
    /// As [`Store::list_datasources`]; [`Error::EnvironmentNotFound`].
    pub async fn list_datasources_in<'e>(
        &self,
        env: impl Into<crate::model::EnvironmentRef<'e>>,
    ) -> Result<Vec<DatasourceSummary>> {
        let env = self.environment(env).await?.id;
        /// One row: id, name, url, auth type, created, updated, token status, token expiry,
        /// whether the last refresh failed (0 or 1), the secret fields it needs (comma-separated).
        #[derive(serde::Deserialize)]
        struct Listed(
            DatasourceId,
            String,
            String,
            AuthType,
            i64,
            i64,
            Option<String>,
            Option<i64>,
            i64,
            Option<String>,
        );
        let json: String = sqlx::query_scalar(
            "SELECT json_group_array(json_array(d.id, d.name, d.url, d.auth_type, d.created_at, d.updated_at, \
             t.status, t.expires_at, t.last_error IS NOT NULL, d.needs_setup)) \
             FROM datasources d LEFT JOIN oauth_tokens t ON t.datasource_id = d.id AND t.environment_id = ?",
        )
        .bind(&env)
        .fetch_one(&self.pool)
        .await?;
        let listed: Vec<Listed> =
            serde_json::from_str(&json).map_err(|e| Error::Format(format!("stored datasource list: {e}")))?;
        let mut list = listed
            .into_iter()
            .map(|Listed(id, name, url, auth_type, created_at, updated_at, status, expires_at, failing, setup)| {
                let oauth = auth_type == AuthType::OAuth2;
                let token_status = match (oauth, status.as_deref()) {
                    (false, _) => None,
                    (true, Some(status)) => Some(super::tokens::stored_status(status)?),
                    (true, None) => Some(TokenStatus::NotAuthorized),
                };
                Ok(DatasourceSummary {
                    id,
                    name,
                    url,
                    auth_type,
                    created_at,
                    updated_at,
                    token_status,
                    token_expires_at: expires_at.filter(|_| oauth),
                    token_refresh_failing: oauth.then_some(failing != 0),
                    needs_setup: setup.map(|s| s.split(',').map(str::to_owned).collect()).unwrap_or_default(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        // SQLite's NOCASE folds ASCII letters only; so does this.
        let folded = |name: &str| name.bytes().map(|c| c.to_ascii_lowercase()).collect::<Vec<_>>();
        list.sort_by_cached_key(|summary| folded(&summary.name));
        Ok(list)
    }

    /// A datasource by id, or by name (case-insensitive), with secret slots only marked as set.
    ///
    /// # Errors
    /// [`Error::DatasourceNotFound`], [`Error::DatasourceIdNotFound`].
    pub async fn datasource<'a>(&self, by: impl Into<DatasourceRef<'a>>) -> Result<Datasource> {
        let mut conn = self.pool.acquire().await?;
        let row = find(&mut conn, by.into()).await?;
        from_row(&row)
    }

    /// A datasource with its secret values opened from the vault, for sending requests and
    /// exporting with secrets.
    ///
    /// # Errors
    /// [`Error::DatasourceNotFound`], [`Error::Vault`] when a sealed value does not open.
    pub async fn datasource_with_secrets<'a>(&self, by: impl Into<DatasourceRef<'a>>) -> Result<Datasource> {
        let mut conn = self.pool.acquire().await?;
        let row = find(&mut conn, by.into()).await?;
        let mut datasource = from_row(&row)?;
        let sealed = sealed_secrets::slots_of(&mut conn, &datasource.id).await?;
        let env_ids = environment_ids(&mut conn).await?;
        let id = datasource.id.clone();
        for (key, _, field) in secret_slots_mut(&mut datasource.config, &env_ids) {
            if let Some(bytes) = sealed.get(&key) {
                *field = SecretField::Value(self.vault.open(&id, &key, bytes)?);
            }
        }
        Ok(datasource)
    }

    /// Stores a new datasource.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming each bad field (including a name already in use); nothing is
    /// stored then.
    pub async fn create_datasource(&self, config: DatasourceConfig) -> Result<Datasource> {
        Ok(self.write(Target::New, config).await?.0.datasource)
    }

    /// Replaces the configuration of the datasource `by`. Secret slots given as
    /// `{"set": true}` keep their stored value while every place it can be sent is unchanged
    /// ([`destination`]); stored OAuth tokens whose destinations changed are dropped, and the
    /// result says why.
    ///
    /// # Errors
    /// [`Error::DatasourceNotFound`], [`Error::Invalid`] (a kept secret whose destination moved is
    /// an error on its field); nothing changes then.
    pub async fn update_datasource<'a>(
        &self,
        by: impl Into<DatasourceRef<'a>>,
        config: DatasourceConfig,
    ) -> Result<SavedDatasource> {
        Ok(self.write(Target::Existing(by.into()), config).await?.0)
    }

    /// Creates the datasource, or replaces the one with the same name (the import of a file),
    /// under the same rules as [`Store::update_datasource`].
    ///
    /// # Errors
    /// [`Error::Invalid`]; nothing changes then.
    pub async fn import_datasource(&self, config: DatasourceConfig) -> Result<(SavedDatasource, ImportOutcome)> {
        self.write(Target::SameName, config).await
    }

    /// Deletes a datasource with its secrets and saved queries.
    ///
    /// # Errors
    /// [`Error::DatasourceNotFound`].
    pub async fn delete_datasource<'a>(&self, by: impl Into<DatasourceRef<'a>>) -> Result<()> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let id: String = find(&mut tx, by.into()).await?.get("id");
        sqlx::query("DELETE FROM datasources WHERE id = ?").bind(&id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// What saving `config` over the stored datasource `by` would do to its secrets and
    /// tokens, without saving: the editor shows it before the person saves.
    ///
    /// # Errors
    /// [`Error::DatasourceNotFound`], vault and storage errors.
    pub async fn check_destinations<'a>(
        &self,
        by: impl Into<DatasourceRef<'a>>,
        config: &DatasourceConfig,
    ) -> Result<DestinationCheck> {
        let mut conn = self.pool.acquire().await?;
        let old = from_row(&find(&mut conn, by.into()).await?)?;
        let stored = sealed_secrets::slots_of(&mut conn, &old.id).await?;
        let envs = self.all_environment_vars(&mut conn).await?;
        let mut config = config.clone();
        canonical_environments(&mut config, &envs);
        let checked = self.destination_checks(&old, &stored, &config, &envs)?;
        let with_tokens: Vec<EnvironmentId> =
            sqlx::query_scalar("SELECT environment_id FROM oauth_tokens WHERE datasource_id = ?")
                .bind(&old.id)
                .fetch_all(&mut *conn)
                .await?;
        let dropped: Vec<_> = checked.tokens.into_iter().filter(|(id, _, _)| with_tokens.contains(id)).collect();
        Ok(DestinationCheck { moved_secrets: checked.secrets, tokens_dropped: dropped_message(&dropped, envs.len()) })
    }

    /// [`destination::check`] of `new` over `old` in every environment (effective
    /// configurations, variables resolved), with the pins their certificate slots stand for;
    /// only secrets actually stored count as moved.
    pub(super) fn destination_checks(
        &self,
        old: &Datasource,
        stored: &HashMap<String, Vec<u8>>,
        new: &DatasourceConfig,
        envs: &[EnvironmentVars],
    ) -> Result<Checked> {
        let mut checked = Checked::default();
        for env in envs {
            let (Ok(old_effective), Ok(new_effective)) = (old.config.effective(&env.name), new.effective(&env.name))
            else {
                continue;
            };
            let old_pin = self.effective_pin(&old.id, &old.config, &env.name, &env.id, stored)?;
            let new_overrides = new.overrides_of(&env.name).map(|(_, o)| o);
            let (pin_field, pin_key) = match new_overrides.and_then(|o| o.self_signed_certificate.as_ref()) {
                Some(field) => (field, override_slot(&env.id, secret_slot::SELF_SIGNED_CERTIFICATE)),
                None => (&new.self_signed_certificate, secret_slot::SELF_SIGNED_CERTIFICATE.to_owned()),
            };
            let new_pin = match pin_field {
                SecretField::Value(pem) => destination::pin_of(Some(pem)),
                SecretField::Stored => match stored.get(&pin_key) {
                    Some(bytes) => destination::pin_of(Some(&self.vault.open(&old.id, &pin_key, bytes)?)),
                    None => None,
                },
                SecretField::Empty => None,
            };
            let resolve = |c: &DatasourceConfig| variables::resolve_config(c, &env.vars).unwrap_or_else(|_| c.clone());
            let (old_resolved, new_resolved) = (resolve(&old_effective), resolve(&new_effective));
            let check = destination::check(
                destination::Stored { config: &old_resolved, pin: &old_pin },
                destination::Stored { config: &new_resolved, pin: &new_pin },
            );
            for mut error in check.moved_secrets {
                let overridden = new_overrides.is_some_and(|o| o.overrides(&error.field));
                let key = if overridden { override_slot(&env.id, &error.field) } else { error.field.clone() };
                if !stored.contains_key(&key) {
                    continue;
                }
                if overridden {
                    error.field = format!("environments.{}.{}", env.name, error.field);
                }
                if envs.len() > 1 {
                    error.message = format!("in {}: {}", env.name, error.message);
                }
                if !checked.secrets.contains(&error) {
                    checked.secrets.push(error);
                }
            }
            if let Some(why) = check.tokens_dropped {
                checked.tokens.push((env.id.clone(), env.name.clone(), why));
            }
        }
        Ok(checked)
    }

    async fn write(
        &self,
        target: Target<DatasourceRef<'_>>,
        config: DatasourceConfig,
    ) -> Result<(SavedDatasource, ImportOutcome)> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let saved = self.write_in(&mut tx, target, config, Missing::Refused).await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// The stored datasource `id` (secret slots marked only), inside the caller's transaction.
    pub(super) async fn datasource_in_tx(&self, tx: &mut SqliteConnection, id: &DatasourceId) -> Result<Datasource> {
        from_row(&find(tx, DatasourceRef::Id(id)).await?)
    }

    /// [`Store::write`] inside the caller's transaction (an import writes several things in
    /// one); with [`Missing::NeedsSetup`], required secrets without a value are accepted.
    pub(super) async fn write_in(
        &self,
        tx: &mut SqliteConnection,
        target: Target<DatasourceRef<'_>>,
        mut config: DatasourceConfig,
        missing: Missing,
    ) -> Result<(SavedDatasource, ImportOutcome)> {
        let envs = self.all_environment_vars(&mut *tx).await?;
        canonical_environments(&mut config, &envs);
        let vars: Vec<_> = envs.iter().map(|e| e.vars.clone()).collect();
        if let Err(mut errors) = config.validate_in(&vars) {
            if missing == Missing::NeedsSetup {
                let setup: Vec<String> = config.needs_setup().into_iter().map(|e| e.field).collect();
                errors.retain(|e| !setup.contains(&e.field));
            }
            if !errors.is_empty() {
                return Err(Error::Invalid(errors));
            }
        }
        let mut given_id = None;
        let existing = match target {
            Target::New => None,
            Target::Existing(by) => Some(find(&mut *tx, by).await?),
            Target::SameName => find(&mut *tx, DatasourceRef::Name(&config.name)).await.ok(),
            Target::WithId(by) => {
                let DatasourceRef::Id(id) = by else {
                    return Err(Error::field("id", "a datasource is written with an id only by its id"));
                };
                if !id.starts_with("ds_") {
                    return Err(Error::field(
                        "id",
                        format!("`{id}` is not a datasource id (ds_…): keep the id export wrote"),
                    ));
                }
                given_id = Some(id.clone());
                find(&mut *tx, by).await.ok()
            }
        };
        let existing = existing.as_ref().map(from_row).transpose()?;
        let (id, created_at, outcome) = match (&existing, given_id) {
            (Some(old), _) => (old.id.clone(), old.created_at, ImportOutcome::Replaced),
            (None, Some(id)) => (id, now_millis(), ImportOutcome::Created),
            (None, None) => (DatasourceId::new(new_id("ds")), now_millis(), ImportOutcome::Created),
        };

        let mut errors = Vec::new();
        let taken: Option<String> =
            sqlx::query_scalar("SELECT id FROM datasources WHERE name = ? COLLATE NOCASE AND id != ?")
                .bind(&config.name)
                .bind(&id)
                .fetch_optional(&mut *tx)
                .await?;
        if taken.is_some() {
            errors.push(FieldError::new(
                "name",
                format!("a datasource named `{}` already exists: choose another name", config.name),
            ));
        }
        let stored = sealed_secrets::slots_of(&mut *tx, &id).await?;
        let env_ids: HashMap<String, EnvironmentId> =
            envs.iter().map(|e| (e.name.to_ascii_lowercase(), e.id.clone())).collect();
        for (key, field_name, field) in secret_slots_mut(&mut config, &env_ids) {
            if *field == SecretField::Stored && !stored.contains_key(&key) {
                errors.push(FieldError::new(field_name, "there is no saved value to keep: enter the value"));
            }
        }
        // A kept secret must still go only where it was entered for (model::destination), in
        // every environment.
        let mut dropped = Vec::new();
        if let Some(old) = &existing {
            let checked = self.destination_checks(old, &stored, &config, &envs)?;
            errors.extend(checked.secrets);
            dropped = checked.tokens;
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }

        // Seal the new values and leave only markers in the config.
        let mut sealed: Vec<(String, Vec<u8>)> = Vec::new();
        let mut kept: Vec<String> = Vec::new();
        for (key, _, field) in secret_slots_mut(&mut config, &env_ids) {
            match field {
                SecretField::Empty => {}
                SecretField::Stored => kept.push(key),
                SecretField::Value(secret) => {
                    sealed.push((key.clone(), self.vault.seal(&id, &key, secret.expose().as_bytes())));
                    *field = SecretField::Stored;
                    kept.push(key);
                }
            }
        }

        let mut really_dropped = Vec::new();
        for (env_id, name, why) in dropped {
            let deleted = sqlx::query("DELETE FROM oauth_tokens WHERE datasource_id = ? AND environment_id = ?")
                .bind(&id)
                .bind(&env_id)
                .execute(&mut *tx)
                .await?;
            if deleted.rows_affected() > 0 {
                really_dropped.push((env_id, name, why));
            }
        }
        let updated_at = now_millis();
        let json = serde_json::to_string(&config).expect("a datasource config always serializes");
        let missing: Vec<String> = config.needs_setup().into_iter().map(|e| e.field).collect();
        let needs_setup = (!missing.is_empty()).then(|| missing.join(","));
        let generation: i64 = sqlx::query_scalar(
            "INSERT INTO datasources (id, name, url, auth_type, config, created_at, updated_at, generation, needs_setup) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?9) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, url = excluded.url, auth_type = excluded.auth_type, \
             config = excluded.config, updated_at = excluded.updated_at, generation = datasources.generation + ?8, \
             needs_setup = excluded.needs_setup \
             RETURNING generation",
        )
        .bind(&id)
        .bind(&config.name)
        .bind(&config.url)
        .bind(config.auth.kind().as_str())
        .bind(&json)
        .bind(created_at)
        .bind(updated_at)
        .bind(i64::from(!really_dropped.is_empty()))
        .bind(needs_setup)
        .fetch_one(&mut *tx)
        .await?;
        for (slot, bytes) in &sealed {
            sealed_secrets::put(&mut *tx, &id, slot, bytes).await?;
        }
        for slot in stored.keys().filter(|slot| !kept.contains(slot)) {
            sealed_secrets::remove(&mut *tx, &id, slot).await?;
        }
        let tokens_dropped = dropped_message(&really_dropped, envs.len());
        let datasource = Datasource { id, created_at, updated_at, config, generation, environment: None };
        Ok((SavedDatasource { datasource, tokens_dropped }, outcome))
    }
}

/// Whether a write accepts a datasource without a secret its authentication needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Missing {
    /// A normal save: validation asks for the secret.
    Refused,
    /// An import: stored as "needs setup".
    NeedsSetup,
}

/// What a save does in each environment: the kept secrets that moved, and the environments
/// whose tokens go, with why.
#[derive(Default)]
pub(super) struct Checked {
    pub secrets: Vec<FieldError>,
    pub tokens: Vec<(EnvironmentId, String, String)>,
}

/// One line for the tokens dropped: the reason, prefixed by the environment when the vault has
/// more than one.
fn dropped_message(dropped: &[(EnvironmentId, String, String)], environments: usize) -> Option<String> {
    if dropped.is_empty() {
        return None;
    }
    if environments <= 1 {
        return Some(dropped[0].2.clone());
    }
    Some(dropped.iter().map(|(_, name, why)| format!("in {name}: {why}")).collect::<Vec<_>>().join("; "))
}

/// Writes the overrides' environment names as the vault spells them, and leaves out empty ones.
fn canonical_environments(config: &mut DatasourceConfig, envs: &[EnvironmentVars]) {
    let given = std::mem::take(&mut config.environments);
    for (name, overrides) in given {
        if overrides.is_empty() {
            continue;
        }
        let name = envs.iter().find(|e| e.name.eq_ignore_ascii_case(&name)).map_or(name, |e| e.name.clone());
        config.environments.insert(name, overrides);
    }
}

/// Every secret slot of `config` with the key it is sealed under and the field name errors use:
/// the base's slots by their names, an override's as `environments.<env id>.<slot>` (field
/// `environments.<name>.<slot>`). Overrides of an unknown environment are left out.
fn secret_slots_mut<'c>(
    config: &'c mut DatasourceConfig,
    env_ids: &HashMap<String, EnvironmentId>,
) -> Vec<(String, String, &'c mut SecretField)> {
    let DatasourceConfig {
        signature_secret,
        self_signed_certificate,
        client_certificate_key,
        client_certificate_passphrase,
        auth,
        proxy,
        environments,
        ..
    } = config;
    let mut slots: Vec<(String, String, &'c mut SecretField)> = vec![
        (secret_slot::SIGNATURE_SECRET.to_owned(), secret_slot::SIGNATURE_SECRET.to_owned(), signature_secret),
        (
            secret_slot::SELF_SIGNED_CERTIFICATE.to_owned(),
            secret_slot::SELF_SIGNED_CERTIFICATE.to_owned(),
            self_signed_certificate,
        ),
        (
            secret_slot::CLIENT_CERTIFICATE_KEY.to_owned(),
            secret_slot::CLIENT_CERTIFICATE_KEY.to_owned(),
            client_certificate_key,
        ),
        (
            secret_slot::CLIENT_CERTIFICATE_PASSPHRASE.to_owned(),
            secret_slot::CLIENT_CERTIFICATE_PASSPHRASE.to_owned(),
            client_certificate_passphrase,
        ),
    ];
    for (slot, field) in auth.secret_slots_mut().into_iter().chain(proxy.secret_slots_mut()) {
        slots.push((slot.to_owned(), slot.to_owned(), field));
    }
    for (name, overrides) in environments.iter_mut() {
        let Some(env_id) = env_ids.get(&name.to_ascii_lowercase()) else { continue };
        for (slot, field) in overrides.secret_slots_mut() {
            slots.push((override_slot(env_id, slot), format!("environments.{name}.{slot}"), field));
        }
    }
    slots
}

/// The row of the datasource `by` names: by id, or by name (case-insensitively), never either.
async fn find(conn: &mut SqliteConnection, by: DatasourceRef<'_>) -> Result<SqliteRow> {
    match by {
        DatasourceRef::Id(id) => sqlx::query(&format!("SELECT {COLUMNS} FROM datasources WHERE id = ?"))
            .bind(id)
            .fetch_optional(conn)
            .await?
            .ok_or_else(|| Error::DatasourceIdNotFound(id.clone())),
        DatasourceRef::Name(name) => {
            sqlx::query(&format!("SELECT {COLUMNS} FROM datasources WHERE name = ? COLLATE NOCASE"))
                .bind(name)
                .fetch_optional(conn)
                .await?
                .ok_or_else(|| Error::DatasourceNotFound(name.to_owned()))
        }
    }
}

pub(super) fn from_row(row: &SqliteRow) -> Result<Datasource> {
    let config: DatasourceConfig = serde_json::from_str(row.get("config")).map_err(|e| {
        Error::Format(format!("stored datasource `{}` is unreadable: {e}", row.get::<String, _>("name")))
    })?;
    Ok(Datasource {
        id: row.get("id"),
        created_at: row.get("created_at"),
        updated_at: row.get("updated_at"),
        config,
        generation: row.get("generation"),
        environment: None,
    })
}

/// Every environment's id by its name in lower case.
async fn environment_ids(conn: &mut SqliteConnection) -> Result<HashMap<String, EnvironmentId>> {
    let rows = sqlx::query("SELECT id, name FROM environments").fetch_all(conn).await?;
    Ok(rows.iter().map(|r| (r.get::<String, _>("name").to_ascii_lowercase(), r.get("id"))).collect())
}
