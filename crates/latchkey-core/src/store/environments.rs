//! The `environments` and `environment_variables` tables: create, replace, look up, list,
//! delete; secret variable values sealed bound to the environment's id and `var.<key>`.
//! A change of variables runs the destination rule (`model::destination`) over every datasource
//! whose configuration uses variables: a stored secret the change would send elsewhere refuses
//! the change; stored tokens it would send elsewhere are dropped, and the result says so.
//! Resolving a datasource in an environment (effective configuration, variables) is here too.

use std::collections::HashMap;
use std::sync::Arc;

use sqlx::{Row, SqliteConnection};

use super::{new_id, now_millis, ImportOutcome, Store, Target};
use crate::model::{
    destination, ActiveEnvironment, Datasource, DatasourceConfig, DatasourceRef, Environment, EnvironmentConfig,
    EnvironmentId, EnvironmentRef, EnvironmentSummary, Variable, VariableValue, DEFAULT_ENVIRONMENT,
};
use crate::variables::{self, Variables};
use crate::{Error, FieldError, Result, SecretField};

/// What a change of an environment stored, and the tokens it had to drop.
#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct SavedEnvironment {
    pub environment: Environment,
    /// One line per datasource whose tokens in this environment were dropped, with why.
    pub tokens_dropped: Vec<String>,
    /// One line per datasource whose stored secrets now have a destination in this environment
    /// because a variable they need was defined: where they will go.
    pub secrets_routed: Vec<String>,
}

/// An environment as the store's other modules need it: id, name, variables opened.
#[derive(Debug, Clone)]
pub(super) struct EnvironmentVars {
    pub id: EnvironmentId,
    pub name: String,
    pub vars: Variables,
}

impl Store {
    /// All environments, by name (case-insensitively).
    ///
    /// # Errors
    /// Storage errors.
    pub async fn list_environments(&self) -> Result<Vec<EnvironmentSummary>> {
        let rows = sqlx::query(
            "SELECT e.id, e.name, e.production, (SELECT COUNT(*) FROM environment_variables v WHERE v.environment_id = e.id) \
             AS variables FROM environments e ORDER BY e.name COLLATE NOCASE",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| EnvironmentSummary {
                id: r.get("id"),
                name: r.get("name"),
                production: r.get("production"),
                variables: r.get::<i64, _>("variables") as usize,
            })
            .collect())
    }

    /// An environment, with secret values only marked as set.
    ///
    /// # Errors
    /// [`Error::EnvironmentNotFound`] naming the environments there are.
    pub async fn environment<'a>(&self, by: impl Into<EnvironmentRef<'a>>) -> Result<Environment> {
        let mut conn = self.pool.acquire().await?;
        read_environment(&mut conn, by.into()).await
    }

    /// An environment with its secret values opened (for a full export).
    ///
    /// # Errors
    /// As [`Store::environment`]; [`Error::Vault`] when a sealed value does not open.
    pub async fn environment_with_secrets<'a>(&self, by: impl Into<EnvironmentRef<'a>>) -> Result<Environment> {
        let mut conn = self.pool.acquire().await?;
        let env = read_environment(&mut conn, by.into()).await?;
        self.open_variables(&mut conn, env).await
    }

    /// A new environment without variables.
    ///
    /// # Errors
    /// [`Error::Invalid`] for a bad or taken name.
    pub async fn create_environment(&self, name: &str, production: bool) -> Result<Environment> {
        let config = EnvironmentConfig { name: name.to_owned(), production, variables: Vec::new() };
        Ok(self.write_environment(Target::New, config).await?.0.environment)
    }

    /// Replaces the environment `by` (name, production marker, variables). Secret values given
    /// as `{"set": true}` keep the stored value.
    ///
    /// # Errors
    /// [`Error::Invalid`] for bad input, or a stored secret of a datasource the new variables
    /// would send to another place (the message names the datasource); nothing changes then.
    pub async fn update_environment<'a>(
        &self,
        by: impl Into<EnvironmentRef<'a>>,
        config: EnvironmentConfig,
    ) -> Result<SavedEnvironment> {
        Ok(self.write_environment(Target::Existing(by.into()), config).await?.0)
    }

    /// Creates the environment, or replaces the one of the same name (`latchkey env import`),
    /// under the rules of [`Store::update_environment`].
    ///
    /// # Errors
    /// As [`Store::update_environment`].
    pub async fn import_environment(&self, config: EnvironmentConfig) -> Result<(SavedEnvironment, ImportOutcome)> {
        self.write_environment(Target::SameName, config).await
    }

    /// Sets one variable of the environment `by` (adding it, or replacing its value).
    ///
    /// # Errors
    /// As [`Store::update_environment`].
    pub async fn set_variable<'a>(
        &self,
        by: impl Into<EnvironmentRef<'a>>,
        variable: Variable,
    ) -> Result<SavedEnvironment> {
        let by = by.into();
        let mut config = self.environment(by).await?.config;
        // The others keep their stored values.
        match config.variables.iter_mut().find(|v| v.key == variable.key) {
            Some(existing) => *existing = variable,
            None => config.variables.push(variable),
        }
        self.update_environment(by, config).await
    }

    /// Removes the variable `key` of the environment `by`.
    ///
    /// # Errors
    /// [`Error::Invalid`] on `key` when there is no such variable; as [`Store::update_environment`].
    pub async fn unset_variable<'a>(&self, by: impl Into<EnvironmentRef<'a>>, key: &str) -> Result<SavedEnvironment> {
        let by = by.into();
        let mut config = self.environment(by).await?.config;
        let before = config.variables.len();
        config.variables.retain(|v| v.key != key);
        if config.variables.len() == before {
            return Err(Error::field(
                "key",
                format!(
                    "environment `{}` has no variable `{key}`: see `latchkey env show {}`",
                    config.name, config.name
                ),
            ));
        }
        self.update_environment(by, config).await
    }

    /// Deletes an environment with its variables, tokens, and every datasource's overrides for
    /// it. The last environment cannot be deleted.
    ///
    /// # Errors
    /// [`Error::EnvironmentNotFound`]; [`Error::Invalid`] for the only environment.
    pub async fn delete_environment<'a>(&self, by: impl Into<EnvironmentRef<'a>>) -> Result<()> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let env = read_environment(&mut tx, by.into()).await?;
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM environments").fetch_one(&mut *tx).await?;
        if count <= 1 {
            return Err(Error::field(
                "name",
                format!("`{}` is the only environment: create another before deleting it", env.config.name),
            ));
        }
        delete_environment_in(&mut tx, &env).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The datasource `by` as it is in environment `env`: its effective configuration (base and
    /// that environment's overrides) with secrets opened and variables resolved, carrying the
    /// environment (whose tokens it uses). What sending, authorizing and token calls take.
    ///
    /// # Errors
    /// [`Error::DatasourceNotFound`], [`Error::EnvironmentNotFound`], [`Error::Invalid`] for an
    /// unknown variable (naming it and the field), vault errors.
    pub async fn datasource_in<'a, 'e>(
        &self,
        by: impl Into<DatasourceRef<'a>>,
        env: impl Into<EnvironmentRef<'e>>,
    ) -> Result<Datasource> {
        let base = self.datasource_with_secrets(by).await?;
        let env = self.environment_with_secrets(env).await?;
        let vars = Variables::of(&env.config);
        let effective = base.config.effective(&env.config.name).map_err(|e| Error::Invalid(vec![e]))?;
        let config = variables::resolve_config(&effective, &vars)?;
        let active =
            ActiveEnvironment { id: env.id, name: env.config.name, production: env.config.production, variables: vars };
        Ok(Datasource { config, environment: Some(Arc::new(active)), ..base })
    }

    /// Every environment with its variables opened, by name.
    pub(super) async fn all_environment_vars(&self, conn: &mut SqliteConnection) -> Result<Vec<EnvironmentVars>> {
        let ids: Vec<EnvironmentId> = sqlx::query_scalar("SELECT id FROM environments ORDER BY name COLLATE NOCASE")
            .fetch_all(&mut *conn)
            .await?;
        let mut all = Vec::with_capacity(ids.len());
        for id in ids {
            let env = read_environment(conn, EnvironmentRef::Id(&id)).await?;
            let env = self.open_variables(conn, env).await?;
            all.push(EnvironmentVars { vars: Variables::of(&env.config), id: env.id, name: env.config.name });
        }
        Ok(all)
    }

    async fn open_variables(&self, conn: &mut SqliteConnection, mut env: Environment) -> Result<Environment> {
        let sealed = sealed_variables(conn, &env.id).await?;
        for variable in &mut env.config.variables {
            if let VariableValue::Secret(field @ SecretField::Stored) = &mut variable.value {
                if let Some(bytes) = sealed.get(&variable.key) {
                    *field = SecretField::Value(self.vault.open(&env.id, &variable_slot(&variable.key), bytes)?);
                }
            }
        }
        Ok(env)
    }

    async fn write_environment(
        &self,
        target: Target<EnvironmentRef<'_>>,
        config: EnvironmentConfig,
    ) -> Result<(SavedEnvironment, ImportOutcome)> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let saved = self.write_environment_in(&mut tx, target, config).await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// [`Store::write_environment`] inside the caller's transaction (an import writes several
    /// things in one).
    pub(super) async fn write_environment_in(
        &self,
        tx: &mut SqliteConnection,
        target: Target<EnvironmentRef<'_>>,
        mut config: EnvironmentConfig,
    ) -> Result<(SavedEnvironment, ImportOutcome)> {
        config.validate().map_err(Error::Invalid)?;
        let mut given_id = None;
        let existing = match target {
            Target::New => None,
            Target::Existing(by) => Some(read_environment(&mut *tx, by).await?),
            Target::SameName => read_environment(&mut *tx, EnvironmentRef::Name(&config.name)).await.ok(),
            Target::WithId(by) => {
                let EnvironmentRef::Id(id) = by else {
                    return Err(Error::field("id", "an environment is written with an id only by its id"));
                };
                if !id.starts_with("env_") {
                    return Err(Error::field(
                        "id",
                        format!("`{id}` is not an environment id (env_…): keep the id export wrote"),
                    ));
                }
                given_id = Some(id.clone());
                read_environment(&mut *tx, by).await.ok()
            }
        };
        let (id, created_at, outcome) = match (&existing, given_id) {
            (Some(old), _) => (old.id.clone(), old.created_at, ImportOutcome::Replaced),
            (None, Some(id)) => (id, now_millis(), ImportOutcome::Created),
            (None, None) => (EnvironmentId::new(new_id("env")), now_millis(), ImportOutcome::Created),
        };
        let mut errors = Vec::new();
        let taken: Option<String> =
            sqlx::query_scalar("SELECT id FROM environments WHERE name = ? COLLATE NOCASE AND id != ?")
                .bind(&config.name)
                .bind(&id)
                .fetch_optional(&mut *tx)
                .await?;
        if taken.is_some() {
            errors.push(FieldError::new(
                "name",
                format!("an environment named `{}` already exists: choose another name", config.name),
            ));
        }
        if let Some(old) = &existing {
            if !old.config.name.eq_ignore_ascii_case(&config.name)
                && self.is_used_by_overrides(&mut *tx, &old.config.name).await?
            {
                errors.push(FieldError::new(
                    "name",
                    format!(
                        "datasources override fields for `{}`: an environment with overrides keeps its name",
                        old.config.name
                    ),
                ));
            }
        }
        let sealed_before = sealed_variables(&mut *tx, &id).await?;
        for (i, variable) in config.variables.iter().enumerate() {
            if variable.value == VariableValue::Secret(SecretField::Stored)
                && !sealed_before.contains_key(&variable.key)
            {
                errors.push(FieldError::new(
                    format!("variables[{i}].value"),
                    format!("`{}` has no saved value to keep: enter the value", variable.key),
                ));
            }
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        // The variables as they will be, opened, for the destination rule.
        let old_vars = match &existing {
            Some(old) => Variables::of(&self.open_variables(&mut *tx, old.clone()).await?.config),
            None => Variables::none(),
        };
        let mut opened = config.clone();
        for variable in &mut opened.variables {
            if let VariableValue::Secret(field @ SecretField::Stored) = &mut variable.value {
                let bytes = &sealed_before[&variable.key];
                *field = SecretField::Value(self.vault.open(&id, &variable_slot(&variable.key), bytes)?);
            }
        }
        let new_vars = Variables::of(&opened);
        let env_name = existing.as_ref().map_or(config.name.clone(), |old| old.config.name.clone());
        let mut moved = self.variable_destinations(&mut *tx, &id, &env_name, &old_vars, &new_vars).await?;
        if !moved.secrets.is_empty() {
            return Err(Error::Invalid(moved.secrets));
        }

        let now = now_millis();
        sqlx::query(
            "INSERT INTO environments (id, name, production, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, production = excluded.production, \
             updated_at = excluded.updated_at",
        )
        .bind(&id)
        .bind(&config.name)
        .bind(config.production)
        .bind(created_at)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM environment_variables WHERE environment_id = ?").bind(&id).execute(&mut *tx).await?;
        for (position, variable) in config.variables.iter_mut().enumerate() {
            let (value, sealed, secret) = match &mut variable.value {
                VariableValue::Plain(text) => (Some(text.clone()), None, false),
                VariableValue::Secret(field) => {
                    let sealed = match field {
                        SecretField::Empty => None,
                        SecretField::Stored => Some(sealed_before[&variable.key].clone()),
                        SecretField::Value(secret) => {
                            Some(self.vault.seal(&id, &variable_slot(&variable.key), secret.expose().as_bytes()))
                        }
                    };
                    if sealed.is_some() {
                        *field = SecretField::Stored;
                    }
                    (None, sealed, true)
                }
            };
            sqlx::query(
                "INSERT INTO environment_variables (environment_id, key, position, secret, value, sealed) \
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(&id)
            .bind(&variable.key)
            .bind(position as i64)
            .bind(secret)
            .bind(value)
            .bind(sealed)
            .execute(&mut *tx)
            .await?;
        }
        let mut tokens_dropped = Vec::new();
        for (datasource_id, name, why) in std::mem::take(&mut moved.tokens) {
            let deleted = sqlx::query("DELETE FROM oauth_tokens WHERE datasource_id = ? AND environment_id = ?")
                .bind(&datasource_id)
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            if deleted.rows_affected() > 0 {
                sqlx::query("UPDATE datasources SET generation = generation + 1 WHERE id = ?")
                    .bind(&datasource_id)
                    .execute(&mut *tx)
                    .await?;
                tokens_dropped.push(format!("{name}: {why}"));
            }
        }
        let environment = Environment { id, created_at, updated_at: now, config };
        Ok((SavedEnvironment { environment, tokens_dropped, secrets_routed: moved.routed }, outcome))
    }

    async fn is_used_by_overrides(&self, conn: &mut SqliteConnection, name: &str) -> Result<bool> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT config FROM datasources WHERE json_extract(config, '$.environments') IS NOT NULL",
        )
        .fetch_all(conn)
        .await?;
        Ok(rows
            .iter()
            .any(|json| serde_json::from_str::<DatasourceConfig>(json).is_ok_and(|c| c.overrides_of(name).is_some())))
    }

    /// The destination rule for a change of environment `env_id`'s variables from `old` to
    /// `new`, over every datasource whose configuration uses a variable.
    async fn variable_destinations(
        &self,
        conn: &mut SqliteConnection,
        env_id: &EnvironmentId,
        env_name: &str,
        old: &Variables,
        new: &Variables,
    ) -> Result<MovedByVariables> {
        let mut moved = MovedByVariables::default();
        let rows = sqlx::query("SELECT id, name, config FROM datasources WHERE instr(config, '{{') > 0")
            .fetch_all(&mut *conn)
            .await?;
        for row in rows {
            let id: String = row.get("id");
            let name: String = row.get("name");
            let config: DatasourceConfig = serde_json::from_str(row.get("config"))
                .map_err(|e| Error::Format(format!("stored datasource `{name}` is unreadable: {e}")))?;
            let Ok(effective) = config.effective(env_name) else { continue };
            let stored = super::sealed_secrets::slots_of(conn, &id).await?;
            let pin = self.effective_pin(&id, &config, env_name, env_id, &stored)?;
            // Where a variable a destination needs was not defined before, nothing could be sent
            // there in this environment: defining it decides where the secrets go (said in
            // `routed`) and moves nothing. Undefining one counts as moving it (else
            // unset-then-set would get around the rule).
            let before = variables::resolve_config_leaving_unknown(&effective, old);
            let after = variables::resolve_config_leaving_unknown(&effective, new);
            if destinations_unresolved(&before) {
                if destinations_unresolved(&after) {
                    continue;
                }
                let secrets: Vec<&str> = effective
                    .secret_slots()
                    .into_iter()
                    .filter(|(slot, field)| {
                        **field == SecretField::Stored && stored_key_of(&config, env_name, env_id, slot, &stored)
                    })
                    .map(|(slot, _)| slot)
                    .collect();
                if !secrets.is_empty() {
                    moved.routed.push(format!(
                        "{name}: its stored {} will be sent to {} in {env_name}",
                        secrets.join(", "),
                        origin_of(&after.url)
                    ));
                }
                continue;
            }
            let check = destination::check(
                destination::Stored { config: &before, pin: &pin },
                destination::Stored { config: &after, pin: &pin },
            );
            let overrides = config.overrides_of(env_name);
            for error in check.moved_secrets {
                let key = match overrides {
                    Some((_, o)) if o.overrides(&error.field) => override_slot(env_id, &error.field),
                    _ => error.field.clone(),
                };
                if stored.contains_key(&key) {
                    moved.secrets.push(FieldError::new(
                        "variables",
                        format!(
                            "this would move where datasource `{name}`'s `{}` goes in {env_name} — {}; change the \
                             datasource instead, or clear that secret (or override it for {env_name}) first",
                            error.field, error.message
                        ),
                    ));
                }
            }
            if let Some(why) = check.tokens_dropped {
                moved.tokens.push((id, name, why));
            }
        }
        Ok(moved)
    }

    /// The pin (certificate) in force for `config` in environment `env_name`: the override's
    /// when it sets one, else the base's.
    pub(super) fn effective_pin(
        &self,
        datasource_id: &str,
        config: &DatasourceConfig,
        env_name: &str,
        env_id: &EnvironmentId,
        stored: &HashMap<String, Vec<u8>>,
    ) -> Result<destination::Pin> {
        let base_slot = crate::model::secret_slot::SELF_SIGNED_CERTIFICATE;
        let overridden = config.overrides_of(env_name).is_some_and(|(_, o)| o.self_signed_certificate.is_some());
        let slot = if overridden { override_slot(env_id, base_slot) } else { base_slot.to_owned() };
        match stored.get(&slot) {
            Some(bytes) => Ok(destination::pin_of(Some(&self.vault.open(datasource_id, &slot, bytes)?))),
            None => Ok(None),
        }
    }
}

/// Deletes the environment `env` inside the caller's transaction: its variables, tokens, token
/// calls, and every datasource's overrides for it with their sealed secrets. The caller decides
/// whether the vault keeps one.
pub(super) async fn delete_environment_in(conn: &mut SqliteConnection, env: &Environment) -> Result<()> {
    // Overrides for it go, with their sealed secrets.
    let rows =
        sqlx::query("SELECT id, config FROM datasources WHERE json_extract(config, '$.environments') IS NOT NULL")
            .fetch_all(&mut *conn)
            .await?;
    for row in rows {
        let mut config: DatasourceConfig = serde_json::from_str(row.get("config"))
            .map_err(|e| Error::Format(format!("a stored datasource is unreadable: {e}")))?;
        let before = config.environments.len();
        config.environments.retain(|name, _| !name.eq_ignore_ascii_case(&env.config.name));
        if config.environments.len() != before {
            let json = serde_json::to_string(&config).expect("a datasource config serializes");
            sqlx::query("UPDATE datasources SET config = ? WHERE id = ?")
                .bind(json)
                .bind(row.get::<String, _>("id"))
                .execute(&mut *conn)
                .await?;
        }
    }
    sqlx::query("DELETE FROM sealed_secrets WHERE slot LIKE ? ESCAPE '\\'")
        .bind(format!("{}%", override_slot_prefix(&env.id).replace('_', "\\_")))
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM token_calls WHERE environment_id = ?").bind(&env.id).execute(&mut *conn).await?;
    sqlx::query("DELETE FROM environments WHERE id = ?").bind(&env.id).execute(&mut *conn).await?;
    Ok(())
}

/// Renames every datasource's overrides for environment `from` to `to` inside the caller's
/// transaction (their sealed secrets are bound to the environment's id, which stays).
pub(super) async fn rename_overrides_in(conn: &mut SqliteConnection, from: &str, to: &str) -> Result<()> {
    let rows =
        sqlx::query("SELECT id, config FROM datasources WHERE json_extract(config, '$.environments') IS NOT NULL")
            .fetch_all(&mut *conn)
            .await?;
    for row in rows {
        let mut config: DatasourceConfig = serde_json::from_str(row.get("config"))
            .map_err(|e| Error::Format(format!("a stored datasource is unreadable: {e}")))?;
        let Some(key) = config.environments.keys().find(|k| k.eq_ignore_ascii_case(from)).cloned() else { continue };
        let overrides = config.environments.remove(&key).expect("the key was just found");
        config.environments.insert(to.to_owned(), overrides);
        let json = serde_json::to_string(&config).expect("a datasource config serializes");
        sqlx::query("UPDATE datasources SET config = ? WHERE id = ?")
            .bind(json)
            .bind(row.get::<String, _>("id"))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

#[derive(Default)]
struct MovedByVariables {
    secrets: Vec<FieldError>,
    tokens: Vec<(String, String, String)>,
    routed: Vec<String>,
}

/// Whether the secret `slot` of `config` in environment `env_name` has a stored value (the
/// override's when the environment overrides it, else the base's).
fn stored_key_of(
    config: &DatasourceConfig,
    env_name: &str,
    env_id: &EnvironmentId,
    slot: &str,
    stored: &HashMap<String, Vec<u8>>,
) -> bool {
    let overridden = config.overrides_of(env_name).is_some_and(|(_, o)| o.overrides(slot));
    let key = if overridden { override_slot(env_id, slot) } else { slot.to_owned() };
    stored.contains_key(&key)
}

/// Whether a place secrets or tokens go to still has a variable in it (one the environment
/// does not define).
fn destinations_unresolved(config: &DatasourceConfig) -> bool {
    let mut places = vec![config.url.as_str()];
    if let crate::model::AuthConfig::OAuth2(oauth) = &config.auth {
        places.extend([
            oauth.access_token_url.as_str(),
            oauth.revocation_url.as_str(),
            oauth.device_authorization_url.as_str(),
        ]);
    }
    places.into_iter().any(variables::uses_variables)
}

/// `scheme://host:port` of a URL, for messages.
fn origin_of(raw: &str) -> String {
    url::Url::parse(raw).map_or_else(|_| raw.to_owned(), |u| u.origin().ascii_serialization())
}

/// The sealed-secret slot of a variable.
fn variable_slot(key: &str) -> String {
    format!("var.{key}")
}

/// The slot a datasource's override secret `slot` for environment `env` is sealed under.
pub(super) fn override_slot(env: &EnvironmentId, slot: &str) -> String {
    format!("{}{slot}", override_slot_prefix(env))
}

fn override_slot_prefix(env: &EnvironmentId) -> String {
    format!("environments.{env}.")
}

async fn sealed_variables(conn: &mut SqliteConnection, id: &EnvironmentId) -> Result<HashMap<String, Vec<u8>>> {
    let rows =
        sqlx::query("SELECT key, sealed FROM environment_variables WHERE environment_id = ? AND sealed IS NOT NULL")
            .bind(id)
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().map(|r| (r.get("key"), r.get("sealed"))).collect())
}

/// The environment `by` names, secret values as markers.
pub(super) async fn read_environment(conn: &mut SqliteConnection, by: EnvironmentRef<'_>) -> Result<Environment> {
    let columns = "SELECT id, name, production, created_at, updated_at FROM environments";
    let row = match by {
        EnvironmentRef::Id(id) => {
            sqlx::query(&format!("{columns} WHERE id = ?")).bind(id).fetch_optional(&mut *conn).await?
        }
        EnvironmentRef::Name(name) => sqlx::query(&format!("{columns} WHERE name = ? COLLATE NOCASE"))
            .bind(name)
            .fetch_optional(&mut *conn)
            .await?,
        EnvironmentRef::Default => sqlx::query(&format!(
            "{columns} ORDER BY name = '{DEFAULT_ENVIRONMENT}' COLLATE NOCASE DESC, id = 'env_default' DESC, created_at LIMIT 1"
        ))
        .fetch_optional(&mut *conn)
        .await?,
    };
    let Some(row) = row else {
        let known: Vec<String> = sqlx::query_scalar("SELECT name FROM environments ORDER BY name COLLATE NOCASE")
            .fetch_all(&mut *conn)
            .await?;
        let name = match by {
            EnvironmentRef::Id(id) => id.to_string(),
            EnvironmentRef::Name(name) => name.to_owned(),
            EnvironmentRef::Default => DEFAULT_ENVIRONMENT.to_owned(),
        };
        return Err(Error::EnvironmentNotFound { name, known });
    };
    let id: EnvironmentId = row.get("id");
    let variables = sqlx::query(
        "SELECT key, secret, value, sealed IS NOT NULL AS has_value FROM environment_variables \
         WHERE environment_id = ? ORDER BY position",
    )
    .bind(&id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        let key: String = r.get("key");
        if r.get::<bool, _>("secret") {
            let field = if r.get::<bool, _>("has_value") { SecretField::Stored } else { SecretField::Empty };
            Variable::secret(key, field)
        } else {
            Variable::plain(key, r.get::<Option<String>, _>("value").unwrap_or_default())
        }
    })
    .collect();
    Ok(Environment {
        id,
        created_at: row.get("created_at"),
        updated_at: row.get("updated_at"),
        config: EnvironmentConfig { name: row.get("name"), production: row.get("production"), variables },
    })
}
