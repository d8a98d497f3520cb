//! The `oauth_tokens` table: the sealed access, refresh and ID tokens of a datasource in an
//! environment with their expiry, scope, status and last failure; and the `token_calls` log of
//! its last [`MAX_TOKEN_CALLS`] token calls. Each datasource has its own tokens in every
//! environment: the environment is the one the [`Datasource`] was resolved in (`default` when
//! none), and the tokens are sealed bound to [`Datasource::token_owner`]. Deciding when to refresh is the OAuth lifecycle's job; this
//! module only reads and writes rows, sealing and opening the token slots.

use sqlx::Row;

use super::{now_millis, Store};
use crate::model::{
    Datasource, DatasourceId, EnvironmentId, LastTokenError, TokenCallEntry, TokenState, TokenStatus, MAX_TOKEN_CALLS,
};
use crate::{Error, Result, Secret};

const ACCESS_SLOT: &str = "token.accessToken";
const REFRESH_SLOT: &str = "token.refreshToken";
const ID_SLOT: &str = "token.idToken";

/// A datasource's stored tokens, opened.
#[derive(Debug, Clone)]
pub struct TokenRecord {
    pub status: TokenStatus,
    pub reason: Option<String>,
    pub token_type: String,
    /// Space-separated, as RFC 6749 §3.3 writes it.
    pub scope: String,
    pub access_token: Option<Secret>,
    pub refresh_token: Option<Secret>,
    /// The OpenID Connect ID token of the last authorization or refresh that carried one.
    pub id_token: Option<Secret>,
    pub obtained_at: i64,
    pub expires_at: Option<i64>,
    pub generation: i64,
    pub last_error: Option<LastTokenError>,
}

/// Tokens just obtained from a token endpoint.
#[derive(Debug, Clone)]
pub struct NewTokens {
    pub access_token: Secret,
    /// `None` keeps the refresh token already stored (a refresh response without one).
    pub refresh_token: Option<Secret>,
    pub token_type: String,
    pub scope: String,
    pub obtained_at: i64,
    pub expires_at: Option<i64>,
}

impl TokenRecord {
    /// What may be shown of this record.
    pub fn state(&self) -> TokenState {
        TokenState {
            status: self.status,
            reason: self.reason.clone(),
            token_type: self.token_type.clone(),
            scopes: self.scope.split_whitespace().map(str::to_owned).collect(),
            obtained_at: Some(self.obtained_at),
            expires_at: self.expires_at,
            has_refresh_token: self.refresh_token.is_some(),
            last_error: self.last_error.clone(),
        }
    }
}

impl Store {
    /// Ids of the datasources (and environments) holding authorized tokens with a known expiry, with when they
    /// were obtained and expire (ms): the candidates for keeping alive.
    ///
    /// # Errors
    /// Storage errors.
    pub async fn expiring_tokens(&self) -> Result<Vec<ExpiringToken>> {
        let rows = sqlx::query(
            "SELECT datasource_id, environment_id, obtained_at, expires_at, last_error FROM oauth_tokens \
             WHERE status = 'authorized' AND expires_at IS NOT NULL AND obtained_at IS NOT NULL",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ExpiringToken {
                    id: r.get("datasource_id"),
                    environment: r.get("environment_id"),
                    obtained_at: r.get("obtained_at"),
                    expires_at: r.get("expires_at"),
                    last_error: last_error(r.get("last_error"))?,
                })
            })
            .collect()
    }

    /// The stored tokens of `datasource` in its environment, or `None` when it was never
    /// authorized there.
    ///
    /// # Errors
    /// Storage errors, [`Error::Vault`] when a sealed token does not open.
    pub async fn tokens(&self, datasource: &Datasource) -> Result<Option<TokenRecord>> {
        let row = sqlx::query(
            "SELECT status, reason, token_type, scope, access_token, refresh_token, id_token, obtained_at, \
             expires_at, generation, last_error FROM oauth_tokens WHERE datasource_id = ? AND environment_id = ?",
        )
        .bind(&datasource.id)
        .bind(datasource.environment_id())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let owner = datasource.token_owner();
        let open = |slot: &str, column: &str| -> Result<Option<Secret>> {
            row.get::<Option<Vec<u8>>, _>(column).map(|bytes| self.vault.open(&owner, slot, &bytes)).transpose()
        };
        let status = stored_status(row.get("status"))?;
        Ok(Some(TokenRecord {
            status,
            reason: row.get("reason"),
            token_type: row.get("token_type"),
            scope: row.get("scope"),
            access_token: open(ACCESS_SLOT, "access_token")?,
            refresh_token: open(REFRESH_SLOT, "refresh_token")?,
            id_token: open(ID_SLOT, "id_token")?,
            obtained_at: row.get("obtained_at"),
            expires_at: row.get("expires_at"),
            generation: row.get("generation"),
            last_error: last_error(row.get("last_error"))?,
        }))
    }

    /// Stores freshly obtained tokens as `authorized`, in one transaction: a rotated refresh
    /// token is committed before anyone uses the new access token. Returns the new generation.
    ///
    /// The tokens were obtained with `datasource` as it was read; when a save has since dropped
    /// its tokens (another provider, client or destination: the configuration generation moved),
    /// they are not stored, checked inside the same transaction.
    ///
    /// # Errors
    /// [`Error::ConfigurationChanged`], [`Error::DatasourceNotFound`] (deleted meanwhile),
    /// storage errors.
    pub async fn save_tokens(&self, datasource: &Datasource, tokens: &NewTokens) -> Result<i64> {
        self.save_obtained_tokens(datasource, tokens, IdToken::Keep(None)).await
    }

    /// [`Store::save_tokens`] with the ID token that came along, and the last failure cleared.
    ///
    /// # Errors
    /// As [`Store::save_tokens`].
    pub async fn save_obtained_tokens(
        &self,
        datasource: &Datasource,
        tokens: &NewTokens,
        id_token: IdToken<'_>,
    ) -> Result<i64> {
        let owner = datasource.token_owner();
        let id = owner.as_str();
        let access = self.vault.seal(id, ACCESS_SLOT, tokens.access_token.expose().as_bytes());
        let refresh = tokens.refresh_token.as_ref().map(|t| self.vault.seal(id, REFRESH_SLOT, t.expose().as_bytes()));
        let (id_token, replace) = match id_token {
            IdToken::Replace(token) => (token, true),
            IdToken::Keep(token) => (token, false),
        };
        let id_token = id_token.map(|t| self.vault.seal(id, ID_SLOT, t.expose().as_bytes()));
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        same_generation(&mut tx, datasource).await?;
        let generation: i64 = sqlx::query_scalar(
            "INSERT INTO oauth_tokens (datasource_id, status, reason, token_type, scope, access_token, refresh_token, \
             obtained_at, expires_at, generation, id_token, last_error, environment_id) \
             VALUES (?1, 'authorized', NULL, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, NULL, ?10) \
             ON CONFLICT (datasource_id, environment_id) DO UPDATE SET status = 'authorized', reason = NULL, \
             token_type = excluded.token_type, scope = excluded.scope, access_token = excluded.access_token, \
             refresh_token = COALESCE(excluded.refresh_token, oauth_tokens.refresh_token), \
             id_token = CASE WHEN ?9 THEN excluded.id_token ELSE COALESCE(excluded.id_token, oauth_tokens.id_token) END, \
             obtained_at = excluded.obtained_at, expires_at = excluded.expires_at, last_error = NULL, \
             generation = oauth_tokens.generation + 1 \
             RETURNING generation",
        )
        .bind(&datasource.id)
        .bind(&tokens.token_type)
        .bind(&tokens.scope)
        .bind(access)
        .bind(refresh)
        .bind(tokens.obtained_at)
        .bind(tokens.expires_at)
        .bind(id_token)
        .bind(replace)
        .bind(datasource.environment_id())
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(generation)
    }

    /// Keeps `failure` as the last failed refresh or re-fetch of `datasource` in its environment
    /// (when it has a token row); the tokens stay as they are.
    ///
    /// # Errors
    /// Storage errors.
    pub async fn record_token_failure(&self, datasource: &Datasource, failure: &LastTokenError) -> Result<()> {
        let json = serde_json::to_string(failure).expect("a token failure serializes");
        sqlx::query("UPDATE oauth_tokens SET last_error = ? WHERE datasource_id = ? AND environment_id = ?")
            .bind(json)
            .bind(&datasource.id)
            .bind(datasource.environment_id())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Adds `call` to the token call log of `datasource` in its environment, keeping the newest
    /// [`MAX_TOKEN_CALLS`].
    ///
    /// # Errors
    /// Storage errors.
    pub async fn log_token_call(&self, datasource: &Datasource, call: &TokenCallEntry) -> Result<()> {
        let env = datasource.environment_id();
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query(
            "INSERT INTO token_calls (datasource_id, environment_id, at, grant_type, endpoint, status, duration_ms, \
             error, description) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&datasource.id)
        .bind(&env)
        .bind(call.at)
        .bind(&call.grant)
        .bind(&call.endpoint)
        .bind(call.status)
        .bind(call.duration_ms)
        .bind(&call.error)
        .bind(&call.description)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "DELETE FROM token_calls WHERE datasource_id = ?1 AND environment_id = ?3 AND id <= \
             (SELECT id FROM token_calls WHERE datasource_id = ?1 AND environment_id = ?3 \
              ORDER BY id DESC LIMIT 1 OFFSET ?2)",
        )
        .bind(&datasource.id)
        .bind(MAX_TOKEN_CALLS as i64)
        .bind(&env)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The token call log of `datasource` in its environment, newest first.
    ///
    /// # Errors
    /// Storage errors.
    pub async fn token_calls(&self, datasource: &Datasource) -> Result<Vec<TokenCallEntry>> {
        let rows = sqlx::query(
            "SELECT at, grant_type, endpoint, status, duration_ms, error, description FROM token_calls \
             WHERE datasource_id = ? AND environment_id = ? ORDER BY id DESC LIMIT ?",
        )
        .bind(&datasource.id)
        .bind(datasource.environment_id())
        .bind(MAX_TOKEN_CALLS as i64)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| TokenCallEntry {
                at: r.get("at"),
                grant: r.get("grant_type"),
                endpoint: r.get("endpoint"),
                status: r.get("status"),
                duration_ms: r.get("duration_ms"),
                error: r.get("error"),
                description: r.get("description"),
            })
            .collect())
    }

    /// Marks `datasource` as needing authorization again, dropping its tokens (they are spent or
    /// refused) and keeping `reason`; not when a save has dropped its tokens since it was read.
    ///
    /// # Errors
    /// As [`Store::save_tokens`].
    pub async fn mark_needs_reauthorization(&self, datasource: &Datasource, reason: &str) -> Result<()> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        same_generation(&mut tx, datasource).await?;
        sqlx::query(
            "INSERT INTO oauth_tokens (datasource_id, status, reason, token_type, scope, obtained_at, generation, \
             environment_id) VALUES (?1, 'needs_reauthorization', ?2, '', '', ?3, 1, ?4) \
             ON CONFLICT (datasource_id, environment_id) DO UPDATE SET status = 'needs_reauthorization', reason = excluded.reason, \
             access_token = NULL, refresh_token = NULL, id_token = NULL, generation = oauth_tokens.generation + 1",
        )
        .bind(&datasource.id)
        .bind(reason)
        .bind(now_millis())
        .bind(datasource.environment_id())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Forgets the tokens of `datasource` in its environment (logout): it is `not_authorized`
    /// there afterwards; its tokens in other environments stay.
    ///
    /// # Errors
    /// Storage errors.
    pub async fn forget_tokens(&self, datasource: &Datasource) -> Result<()> {
        sqlx::query("DELETE FROM oauth_tokens WHERE datasource_id = ? AND environment_id = ?")
            .bind(&datasource.id)
            .bind(datasource.environment_id())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// A token the keep-alive may refresh: whose it is, when it was obtained and expires (ms), and
/// the last failure to refresh it.
#[derive(Debug, Clone)]
pub struct ExpiringToken {
    pub id: DatasourceId,
    pub environment: EnvironmentId,
    pub obtained_at: i64,
    pub expires_at: i64,
    pub last_error: Option<LastTokenError>,
}

/// What to do with the stored ID token when saving new tokens.
#[derive(Debug, Clone, Copy)]
pub enum IdToken<'a> {
    /// A new authorization: its ID token, or none.
    Replace(Option<&'a Secret>),
    /// A refresh: a new ID token when one came, else the stored one stays.
    Keep(Option<&'a Secret>),
}

/// The stored `last_error` JSON, read.
fn last_error(json: Option<String>) -> Result<Option<LastTokenError>> {
    json.map(|json| serde_json::from_str(&json).map_err(|e| Error::Format(format!("stored token failure: {e}"))))
        .transpose()
}

/// Fails when `datasource` is gone or was saved with other token destinations since it was read.
async fn same_generation(conn: &mut sqlx::SqliteConnection, datasource: &Datasource) -> Result<()> {
    let generation: Option<i64> = sqlx::query_scalar("SELECT generation FROM datasources WHERE id = ?")
        .bind(&datasource.id)
        .fetch_optional(conn)
        .await?;
    match generation {
        None => Err(Error::DatasourceNotFound(datasource.config.name.clone())),
        Some(generation) if generation != datasource.generation => {
            Err(Error::ConfigurationChanged(datasource.config.name.clone()))
        }
        Some(_) => Ok(()),
    }
}

/// A token status as the `oauth_tokens.status` column stores it.
pub(super) fn stored_status(status: &str) -> Result<TokenStatus> {
    match status {
        "authorized" => Ok(TokenStatus::Authorized),
        "needs_reauthorization" => Ok(TokenStatus::NeedsReauthorization),
        other => Err(Error::Format(format!("stored token status `{other}` is unknown"))),
    }
}
