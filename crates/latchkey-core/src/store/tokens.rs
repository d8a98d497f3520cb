//! The `oauth_tokens` table: the sealed access and refresh tokens of a datasource with their
//! expiry, scope and status. Deciding when to refresh is the OAuth lifecycle's job; this module
//! only reads and writes rows, sealing and opening the two token slots.

use sqlx::Row;

use super::{now_millis, Store};
use crate::model::{Datasource, DatasourceId, TokenState, TokenStatus};
use crate::{Error, Result, Secret};

const ACCESS_SLOT: &str = "token.accessToken";
const REFRESH_SLOT: &str = "token.refreshToken";

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
    pub obtained_at: i64,
    pub expires_at: Option<i64>,
    pub generation: i64,
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
        }
    }
}

impl Store {
    /// Ids of the datasources holding authorized tokens with a known expiry, with when they
    /// were obtained and expire (ms): the candidates for keeping alive.
    ///
    /// # Errors
    /// Storage errors.
    pub async fn expiring_tokens(&self) -> Result<Vec<(DatasourceId, i64, i64)>> {
        let rows = sqlx::query(
            "SELECT datasource_id, obtained_at, expires_at FROM oauth_tokens \
             WHERE status = 'authorized' AND expires_at IS NOT NULL AND obtained_at IS NOT NULL",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| (r.get::<DatasourceId, _>("datasource_id"), r.get("obtained_at"), r.get("expires_at")))
            .collect())
    }

    /// The stored tokens of datasource `id`, or `None` when it was never authorized.
    ///
    /// # Errors
    /// Storage errors, [`Error::Vault`] when a sealed token does not open.
    pub async fn tokens(&self, id: &str) -> Result<Option<TokenRecord>> {
        let row = sqlx::query(
            "SELECT status, reason, token_type, scope, access_token, refresh_token, obtained_at, expires_at, \
             generation FROM oauth_tokens WHERE datasource_id = ?",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let open = |slot: &str, column: &str| -> Result<Option<Secret>> {
            row.get::<Option<Vec<u8>>, _>(column).map(|bytes| self.vault.open(id, slot, &bytes)).transpose()
        };
        let status = stored_status(row.get("status"))?;
        Ok(Some(TokenRecord {
            status,
            reason: row.get("reason"),
            token_type: row.get("token_type"),
            scope: row.get("scope"),
            access_token: open(ACCESS_SLOT, "access_token")?,
            refresh_token: open(REFRESH_SLOT, "refresh_token")?,
            obtained_at: row.get("obtained_at"),
            expires_at: row.get("expires_at"),
            generation: row.get("generation"),
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
        let id = datasource.id.as_str();
        let access = self.vault.seal(id, ACCESS_SLOT, tokens.access_token.expose().as_bytes());
        let refresh = tokens.refresh_token.as_ref().map(|t| self.vault.seal(id, REFRESH_SLOT, t.expose().as_bytes()));
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        same_generation(&mut tx, datasource).await?;
        let generation: i64 = sqlx::query_scalar(
            "INSERT INTO oauth_tokens (datasource_id, status, reason, token_type, scope, access_token, refresh_token, \
             obtained_at, expires_at, generation) VALUES (?1, 'authorized', NULL, ?2, ?3, ?4, ?5, ?6, ?7, 1) \
             ON CONFLICT (datasource_id) DO UPDATE SET status = 'authorized', reason = NULL, \
             token_type = excluded.token_type, scope = excluded.scope, access_token = excluded.access_token, \
             refresh_token = COALESCE(excluded.refresh_token, oauth_tokens.refresh_token), \
             obtained_at = excluded.obtained_at, expires_at = excluded.expires_at, \
             generation = oauth_tokens.generation + 1 \
             RETURNING generation",
        )
        .bind(id)
        .bind(&tokens.token_type)
        .bind(&tokens.scope)
        .bind(access)
        .bind(refresh)
        .bind(tokens.obtained_at)
        .bind(tokens.expires_at)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(generation)
    }

    /// Marks `datasource` as needing authorization again, dropping its tokens (they are spent or
    /// refused) and keeping `reason`; not when a save has dropped its tokens since it was read.
    ///
    /// # Errors
    /// As [`Store::save_tokens`].
    pub async fn mark_needs_reauthorization(&self, datasource: &Datasource, reason: &str) -> Result<()> {
        let id = datasource.id.as_str();
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        same_generation(&mut tx, datasource).await?;
        sqlx::query(
            "INSERT INTO oauth_tokens (datasource_id, status, reason, token_type, scope, obtained_at, generation) \
             VALUES (?1, 'needs_reauthorization', ?2, '', '', ?3, 1) \
             ON CONFLICT (datasource_id) DO UPDATE SET status = 'needs_reauthorization', reason = excluded.reason, \
             access_token = NULL, refresh_token = NULL, generation = oauth_tokens.generation + 1",
        )
        .bind(id)
        .bind(reason)
        .bind(now_millis())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Forgets the tokens of datasource `id` (logout): it is `not_authorized` afterwards.
    ///
    /// # Errors
    /// Storage errors.
    pub async fn forget_tokens(&self, id: &str) -> Result<()> {
        sqlx::query("DELETE FROM oauth_tokens WHERE datasource_id = ?").bind(id).execute(&self.pool).await?;
        Ok(())
    }
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
