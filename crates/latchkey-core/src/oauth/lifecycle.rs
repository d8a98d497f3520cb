//! The token lifecycle: gives a valid access token for a datasource, refreshing shortly before
//! expiry, re-fetching for client credentials and password, and marking the datasource
//! `needs_reauthorization` when the provider refuses its refresh token.
//!
//! One refresh at a time per datasource: within a process, callers queue on an async mutex;
//! across processes sharing the data dir, on an OS file lock (`locks/<id>.lock`, released by
//! the OS even when a process is killed). Whoever gets the lock re-reads the token row first, so
//! the others reuse the result of the one refresh through the database. New tokens (a rotated
//! refresh token included) are committed before the access token is handed out.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::authorization::PendingAuthorization;
use super::token_client::{self, TokenClient, TokenResponse};
use crate::http::TokenSource;
use crate::model::{Datasource, GrantType, OAuth2Config, TokenState, TokenStatus};
use crate::store::{now_millis, NewTokens, TokenRecord};
use crate::{Error, Result, Secret, Store};

/// The most time before expiry at which a token is refreshed; shorter-lived tokens are
/// refreshed at half their lifetime.
pub const REFRESH_MARGIN_MS: i64 = 60_000;

/// Whether a token obtained at `obtained_at` and expiring at `expires_at` (ms) should be
/// refreshed at `now`. An unknown expiry is never due: a 401 will tell.
pub fn refresh_due(now: i64, obtained_at: i64, expires_at: Option<i64>) -> bool {
    let Some(expires_at) = expires_at else { return false };
    let margin = REFRESH_MARGIN_MS.min((expires_at - obtained_at).max(0) / 2);
    now >= expires_at - margin
}

/// Gives access tokens and keeps them alive. Cheap to clone; clones share the single-flight
/// state.
#[derive(Clone, Debug)]
pub struct TokenLifecycle {
    store: Store,
    client: TokenClient,
    flights: Arc<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>>,
}

/// What logout did at the provider.
#[derive(Debug, Default)]
pub struct Logout {
    /// Tokens revoked at the provider (RFC 7009).
    pub revoked: Vec<&'static str>,
    /// Revocations that failed; the tokens were forgotten locally anyway.
    pub failures: Vec<String>,
    /// The datasource has no Revocation URL: the tokens were forgotten locally only, and stay
    /// valid at the provider until they expire.
    pub no_revocation_url: bool,
}

impl TokenLifecycle {
    pub fn new(store: Store, client: TokenClient) -> Self {
        TokenLifecycle { store, client, flights: Arc::default() }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The shown token state of `datasource`.
    ///
    /// # Errors
    /// Storage and vault errors.
    pub async fn state(&self, datasource: &Datasource) -> Result<TokenState> {
        Ok(self.store.tokens(&datasource.id).await?.map_or_else(TokenState::not_authorized, |r| r.state()))
    }

    /// A valid access token, refreshed or re-fetched when due.
    ///
    /// # Errors
    /// [`Error::NotAuthorized`], [`Error::NeedsReauthorization`], [`Error::Token`].
    pub async fn access_token(&self, datasource: &Datasource) -> Result<Secret> {
        self.obtain(datasource, None).await
    }

    /// After the API answered 401 to `rejected`: a new token (refreshed or re-fetched), or
    /// `None` when there is no way to get one without a person.
    ///
    /// # Errors
    /// As [`TokenLifecycle::access_token`].
    pub async fn renew_rejected(&self, datasource: &Datasource, rejected: &Secret) -> Result<Option<Secret>> {
        match self.obtain(datasource, Some(rejected)).await {
            Ok(token) => Ok(Some(token)),
            Err(Error::NeedsReauthorization { .. } | Error::NotAuthorized(_))
                if super::oauth_config(datasource)?.grant_type == GrantType::AuthorizationCode =>
            {
                Ok(None)
            }
            Err(err) => Err(err),
        }
    }

    /// Refreshes (or re-fetches) every stored token that is due, as a background task of the
    /// desktop app does. Returns the datasources that failed, with why; those that now need a
    /// person's authorization say [`Error::NeedsReauthorization`].
    ///
    /// # Errors
    /// Storage errors while listing the tokens.
    pub async fn keep_alive(&self) -> Result<Vec<(Datasource, Error)>> {
        let mut failures = Vec::new();
        for (id, obtained_at, expires_at) in self.store.expiring_tokens().await? {
            if !refresh_due(now_millis(), obtained_at, Some(expires_at)) {
                continue;
            }
            let Ok(datasource) = self.store.datasource_with_secrets(&id).await else { continue };
            if let Err(err) = self.access_token(&datasource).await {
                failures.push((datasource, err));
            }
        }
        Ok(failures)
    }

    /// Fetches a token now with the client credentials or password grant (Nected's "test
    /// token fetch"; the desktop's Save and Test).
    ///
    /// # Errors
    /// [`Error::Invalid`] for the authorization code grant, [`Error::Token`].
    pub async fn fetch_now(&self, datasource: &Datasource) -> Result<TokenState> {
        let flight = self.flight(&datasource.id);
        let _flight = flight.lock().await;
        let _lock = ProcessLock::acquire(self.lock_path(&datasource.id)).await?;
        self.direct_grant(datasource).await?;
        self.state(datasource).await
    }

    /// Exchanges the code of a finished authorization and stores the tokens.
    ///
    /// # Errors
    /// [`Error::Token`]; nothing is stored then.
    pub async fn complete(
        &self,
        datasource: &Datasource,
        pending: &PendingAuthorization,
        code: &Secret,
    ) -> Result<TokenState> {
        let config = super::oauth_config(datasource)?;
        let request = token_client::code_request(config, code, &pending.redirect_uri, pending.code_verifier.as_ref())?;
        let flight = self.flight(&datasource.id);
        let _flight = flight.lock().await;
        let _lock = ProcessLock::acquire(self.lock_path(&datasource.id)).await?;
        let response = self.client.exchange(datasource, &request).await?;
        self.save(datasource, config, response).await?;
        self.state(datasource).await
    }

    /// Forgets the tokens of `datasource`, revoking them first where a Revocation URL is set
    /// (RFC 7009). Local tokens are forgotten even when revocation fails.
    ///
    /// # Errors
    /// Storage errors.
    pub async fn logout(&self, datasource: &Datasource) -> Result<Logout> {
        let config = super::oauth_config(datasource)?;
        let flight = self.flight(&datasource.id);
        let _flight = flight.lock().await;
        let _lock = ProcessLock::acquire(self.lock_path(&datasource.id)).await?;
        let mut outcome = Logout { no_revocation_url: config.revocation_url.is_empty(), ..Logout::default() };
        if let (Some(record), false) = (self.store.tokens(&datasource.id).await?, config.revocation_url.is_empty()) {
            let tokens = [("refresh_token", record.refresh_token), ("access_token", record.access_token)];
            for (hint, token) in tokens {
                let Some(token) = token else { continue };
                let request = token_client::revocation_request(config, &token, hint)?;
                match self.client.revoke(datasource, &request).await {
                    Ok(()) => outcome.revoked.push(hint),
                    Err(err) => outcome.failures.push(format!("{hint}: {err}")),
                }
            }
        }
        self.store.forget_tokens(&datasource.id).await?;
        Ok(outcome)
    }

    async fn obtain(&self, datasource: &Datasource, rejected: Option<&Secret>) -> Result<Secret> {
        let config = super::oauth_config(datasource)?;
        if let Some(token) = usable(self.store.tokens(&datasource.id).await?.as_ref(), rejected) {
            return Ok(token);
        }
        let flight = self.flight(&datasource.id);
        let _flight = flight.lock().await;
        if let Some(token) = usable(self.store.tokens(&datasource.id).await?.as_ref(), rejected) {
            return Ok(token);
        }
        let _lock = ProcessLock::acquire(self.lock_path(&datasource.id)).await?;
        let record = self.store.tokens(&datasource.id).await?;
        if let Some(token) = usable(record.as_ref(), rejected) {
            return Ok(token);
        }
        let direct = config.grant_type != GrantType::AuthorizationCode;
        match record {
            Some(TokenRecord { status: TokenStatus::Authorized, refresh_token: Some(refresh), .. }) => {
                let request = token_client::refresh_request(config, &refresh)?;
                match self.client.exchange(datasource, &request).await {
                    Ok(response) => self.save(datasource, config, response).await,
                    Err(Error::Token(err)) if err.is_invalid_grant() && direct => self.direct_grant(datasource).await,
                    Err(Error::Token(err)) if err.is_invalid_grant() => {
                        let reason = match &err.description {
                            Some(description) => format!("the provider refused the refresh token: {description}"),
                            None => "the provider refused the refresh token (invalid_grant)".to_owned(),
                        };
                        self.needs_reauthorization(datasource, reason).await
                    }
                    Err(err) => Err(err),
                }
            }
            _ if direct => self.direct_grant(datasource).await,
            None => Err(Error::NotAuthorized(datasource.config.name.clone())),
            Some(TokenRecord { status: TokenStatus::NeedsReauthorization, reason, .. }) => {
                Err(Error::NeedsReauthorization {
                    name: datasource.config.name.clone(),
                    reason: reason.unwrap_or_else(|| "the provider no longer accepts the stored tokens".into()),
                })
            }
            Some(_) => {
                let reason = if rejected.is_some() {
                    "the API refused the access token and the provider issued no refresh token"
                } else {
                    "the access token expired and the provider issued no refresh token"
                };
                self.needs_reauthorization(datasource, reason.to_owned()).await
            }
        }
    }

    async fn direct_grant(&self, datasource: &Datasource) -> Result<Secret> {
        let config = super::oauth_config(datasource)?;
        let request = token_client::direct_grant_request(config)?;
        let response = self.client.exchange(datasource, &request).await?;
        self.save(datasource, config, response).await
    }

    async fn needs_reauthorization(&self, datasource: &Datasource, reason: String) -> Result<Secret> {
        self.store.mark_needs_reauthorization(datasource, &reason).await?;
        Err(Error::NeedsReauthorization { name: datasource.config.name.clone(), reason })
    }

    async fn save(&self, datasource: &Datasource, config: &OAuth2Config, response: TokenResponse) -> Result<Secret> {
        let now = now_millis();
        let tokens = NewTokens {
            expires_at: response.expires_at(now, config.expires_in_override),
            access_token: response.access_token,
            refresh_token: response.refresh_token,
            token_type: response.token_type,
            scope: response.scope.unwrap_or_else(|| config.scope_param()),
            obtained_at: now,
        };
        self.store.save_tokens(datasource, &tokens).await?;
        Ok(tokens.access_token)
    }

    fn flight(&self, id: &str) -> Arc<tokio::sync::Mutex<()>> {
        self.flights.lock().expect("flight table lock").entry(id.to_owned()).or_default().clone()
    }

    fn lock_path(&self, id: &str) -> PathBuf {
        self.store.dir().path().join("locks").join(format!("{id}.lock"))
    }
}

/// The stored access token when it can be used as it is.
fn usable(record: Option<&TokenRecord>, rejected: Option<&Secret>) -> Option<Secret> {
    let record = record.filter(|r| r.status == TokenStatus::Authorized)?;
    let token = record.access_token.as_ref()?;
    if rejected.is_some_and(|r| r.expose() == token.expose()) {
        return None;
    }
    (!refresh_due(now_millis(), record.obtained_at, record.expires_at)).then(|| token.clone())
}

impl TokenSource for TokenLifecycle {
    async fn access_token(&self, datasource: &Datasource) -> Result<Secret> {
        TokenLifecycle::access_token(self, datasource).await
    }

    async fn renew(&self, datasource: &Datasource, rejected: &Secret) -> Result<Option<Secret>> {
        self.renew_rejected(datasource, rejected).await
    }
}

/// An exclusive OS file lock, held until dropped (or until the process dies).
struct ProcessLock {
    _file: std::fs::File,
}

impl ProcessLock {
    async fn acquire(path: PathBuf) -> Result<ProcessLock> {
        tokio::task::spawn_blocking(move || {
            if let Some(dir) = path.parent() {
                let mut builder = std::fs::DirBuilder::new();
                builder.recursive(true);
                #[cfg(unix)]
                std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
                builder.create(dir).map_err(|e| Error::io(dir, e))?;
            }
            let file = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .map_err(|e| Error::io(&path, e))?;
            file.lock().map_err(|e| Error::io(&path, e))?;
            Ok(ProcessLock { _file: file })
        })
        .await
        .expect("the lock task does not panic")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_margin_is_60_s_or_half_the_lifetime() {
        let hour = 3_600_000;
        assert!(!refresh_due(0, 0, Some(hour)));
        assert!(!refresh_due(hour - 60_001, 0, Some(hour)), "a long-lived token lives until 60 s before expiry");
        assert!(refresh_due(hour - 60_000, 0, Some(hour)));
        assert!(!refresh_due(3_999, 0, Some(8_000)), "an 8 s token is good for its first half");
        assert!(refresh_due(4_000, 0, Some(8_000)), "an 8 s token is refreshed at half its lifetime");
        assert!(!refresh_due(i64::MAX / 2, 0, None), "an unknown expiry is never due");
    }
}
