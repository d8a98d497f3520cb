//! The `datasources` table: create, replace, look up, list, delete. Secret slots are sealed
//! into `sealed_secrets` in the same transaction; the `config` column never holds a value.
//! A kept secret whose destination changed is refused and tokens whose destinations changed are
//! dropped, as `model::destination` decides.

use std::collections::HashMap;

use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};

use super::{new_id, now_millis, sealed_secrets, Store};
use crate::model::{
    destination, secret_slot, AuthType, Datasource, DatasourceConfig, DatasourceId, DatasourceRef, DatasourceSummary,
    DestinationCheck, SavedDatasource, TokenStatus,
};
use crate::{Error, FieldError, Result, SecretField};

/// Whether an import made a new datasource or replaced one of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportOutcome {
    Created,
    Replaced,
}

/// Which row a write goes to.
enum Target<'a> {
    New,
    Existing(DatasourceRef<'a>),
    SameName,
}

const COLUMNS: &str = "id, name, url, auth_type, config, created_at, updated_at, generation";

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
        /// One row: id, name, url, auth type, created, updated, token status, token expiry,
        /// whether the last refresh failed (0 or 1).
        #[derive(serde::Deserialize)]
        struct Listed(DatasourceId, String, String, AuthType, i64, i64, Option<String>, Option<i64>, i64);
        let json: String = sqlx::query_scalar(
            "SELECT json_group_array(json_array(d.id, d.name, d.url, d.auth_type, d.created_at, d.updated_at, \
             t.status, t.expires_at, t.last_error IS NOT NULL)) \
             FROM datasources d LEFT JOIN oauth_tokens t ON t.datasource_id = d.id",
        )
        .fetch_one(&self.pool)
        .await?;
        let listed: Vec<Listed> =
            serde_json::from_str(&json).map_err(|e| Error::Format(format!("stored datasource list: {e}")))?;
        let mut list = listed
            .into_iter()
            .map(|Listed(id, name, url, auth_type, created_at, updated_at, status, expires_at, failing)| {
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
        for (slot, field) in datasource.config.secret_slots_mut() {
            if let Some(bytes) = sealed.get(slot) {
                *field = SecretField::Value(self.vault.open(&datasource.id, slot, bytes)?);
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
        let mut check = self.destination_check(&old, &stored, config)?;
        if check.tokens_dropped.is_some() && self.tokens(&old.id).await?.is_none() {
            check.tokens_dropped = None;
        }
        Ok(check)
    }

    /// [`destination::check`] of `new` over `old`, with the pins its certificate slots stand for;
    /// only secrets actually stored count as moved.
    fn destination_check(
        &self,
        old: &Datasource,
        stored: &HashMap<String, Vec<u8>>,
        new: &DatasourceConfig,
    ) -> Result<DestinationCheck> {
        let pin_slot = secret_slot::SELF_SIGNED_CERTIFICATE;
        let old_pin = match stored.get(pin_slot) {
            Some(bytes) => destination::pin_of(Some(&self.vault.open(&old.id, pin_slot, bytes)?)),
            None => None,
        };
        let new_pin = match &new.self_signed_certificate {
            SecretField::Value(pem) => destination::pin_of(Some(pem)),
            SecretField::Stored => old_pin.clone(),
            SecretField::Empty => None,
        };
        let mut check = destination::check(
            destination::Stored { config: &old.config, pin: &old_pin },
            destination::Stored { config: new, pin: &new_pin },
        );
        check.moved_secrets.retain(|e| stored.contains_key(&e.field));
        Ok(check)
    }

    async fn write(
        &self,
        target: Target<'_>,
        mut config: DatasourceConfig,
    ) -> Result<(SavedDatasource, ImportOutcome)> {
        config.validate().map_err(Error::Invalid)?;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let existing = match target {
            Target::New => None,
            Target::Existing(by) => Some(find(&mut tx, by).await?),
            Target::SameName => find(&mut tx, DatasourceRef::Name(&config.name)).await.ok(),
        };
        let existing = existing.as_ref().map(from_row).transpose()?;
        let (id, created_at, outcome) = match &existing {
            Some(old) => (old.id.clone(), old.created_at, ImportOutcome::Replaced),
            None => (DatasourceId::new(new_id("ds")), now_millis(), ImportOutcome::Created),
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
        let stored = sealed_secrets::slots_of(&mut tx, &id).await?;
        for (slot, field) in config.secret_slots() {
            if *field == SecretField::Stored && !stored.contains_key(slot) {
                errors.push(FieldError::new(slot, "there is no saved value to keep: enter the value"));
            }
        }
        // A kept secret must still go only where it was entered for (model::destination).
        let mut tokens_dropped = None;
        if let Some(old) = &existing {
            let check = self.destination_check(old, &stored, &config)?;
            errors.extend(check.moved_secrets);
            tokens_dropped = check.tokens_dropped;
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }

        // Seal the new values and leave only markers in the config.
        let mut sealed: Vec<(&'static str, Vec<u8>)> = Vec::new();
        let mut kept: Vec<&'static str> = Vec::new();
        for (slot, field) in config.secret_slots_mut() {
            match field {
                SecretField::Empty => {}
                SecretField::Stored => kept.push(slot),
                SecretField::Value(secret) => {
                    sealed.push((slot, self.vault.seal(&id, slot, secret.expose().as_bytes())));
                    *field = SecretField::Stored;
                    kept.push(slot);
                }
            }
        }

        let updated_at = now_millis();
        let json = serde_json::to_string(&config).expect("a datasource config always serializes");
        let generation: i64 = sqlx::query_scalar(
            "INSERT INTO datasources (id, name, url, auth_type, config, created_at, updated_at, generation) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, url = excluded.url, auth_type = excluded.auth_type, \
             config = excluded.config, updated_at = excluded.updated_at, generation = datasources.generation + ?8 \
             RETURNING generation",
        )
        .bind(&id)
        .bind(&config.name)
        .bind(&config.url)
        .bind(config.auth.kind().as_str())
        .bind(&json)
        .bind(created_at)
        .bind(updated_at)
        .bind(i64::from(tokens_dropped.is_some()))
        .fetch_one(&mut *tx)
        .await?;
        for (slot, bytes) in &sealed {
            sealed_secrets::put(&mut tx, &id, slot, bytes).await?;
        }
        if tokens_dropped.is_some() {
            let deleted =
                sqlx::query("DELETE FROM oauth_tokens WHERE datasource_id = ?").bind(&id).execute(&mut *tx).await?;
            if deleted.rows_affected() == 0 {
                tokens_dropped = None;
            }
        }
        for slot in stored.keys().filter(|slot| !kept.contains(&slot.as_str())) {
            sealed_secrets::remove(&mut tx, &id, slot).await?;
        }
        tx.commit().await?;
        let datasource = Datasource { id, created_at, updated_at, config, generation };
        Ok((SavedDatasource { datasource, tokens_dropped }, outcome))
    }
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

fn from_row(row: &SqliteRow) -> Result<Datasource> {
    let config: DatasourceConfig = serde_json::from_str(row.get("config")).map_err(|e| {
        Error::Format(format!("stored datasource `{}` is unreadable: {e}", row.get::<String, _>("name")))
    })?;
    Ok(Datasource {
        id: row.get("id"),
        created_at: row.get("created_at"),
        updated_at: row.get("updated_at"),
        config,
        generation: row.get("generation"),
    })
}
