//! The token lifecycle: gives a valid access token for a datasource, refreshing shortly before
//! expiry, re-fetching for client credentials and password, and marking the datasource
//! `needs_reauthorization` when the provider refuses its refresh token.
//!
//! One refresh at a time per datasource: within a process, callers queue on an async mutex;
//! across processes sharing the data dir, on an OS file lock (`locks/<id>.lock`, released by
//! the OS even when a process is killed). Whoever gets the lock re-reads the token row first, so
//! the others reuse the result of the one refresh through the database. New tokens (a rotated
//! refresh token included) are committed before the access token is handed out.
//!
//! Every call to the token and revocation endpoints is logged (`token_calls`, the last 50 per
//! datasource, no secret); a refresh or re-fetch that fails is kept as the token state's
//! `lastError` until tokens are obtained again, and the background keep-alive backs off from a
//! datasource whose refreshes keep failing ([`retry_after`]).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::authorization::PendingAuthorization;
use super::token_client::{self, TokenClient, TokenErrorKind, TokenRequest, TokenResponse};
use super::OAuthDatasource;
use crate::http::TokenSource;
use crate::model::{
    Datasource, DecodedJwt, GrantType, LastTokenError, TokenCallEntry, TokenDetails, TokenState, TokenStatus,
};
use crate::store::{now_millis, IdToken, NewTokens, TokenRecord};
use crate::{Error, Result, Secret, Store};

/// The most time before expiry at which a token is refreshed; shorter-lived tokens are
/// refreshed at half their lifetime.
pub const REFRESH_MARGIN_MS: i64 = 60_000;

/// The clock of client assertions: seconds since the epoch.
fn now_seconds() -> u64 {
    u64::try_from(now_millis() / 1000).unwrap_or(0)
}

/// Whether a token obtained at `obtained_at` and expiring at `expires_at` (ms) should be
/// refreshed at `now`. An unknown expiry is never due: a 401 will tell.
pub fn refresh_due(now: i64, obtained_at: i64, expires_at: Option<i64>) -> bool {
    let Some(expires_at) = expires_at else { return false };
    let margin = REFRESH_MARGIN_MS.min((expires_at - obtained_at).max(0) / 2);
    now >= expires_at - margin
}

/// How long the keep-alive waits before refreshing again after `failures` failed refreshes in a
/// row (ms): 30 s, doubled for each further failure, at most 15 min. A request that needs the
/// token still tries at once.
pub fn retry_after(failures: u32) -> i64 {
    let doublings = failures.saturating_sub(1).min(10);
    (30_000_i64 << doublings).min(15 * 60_000)
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
        Ok(self.store.tokens(datasource).await?.map_or_else(TokenState::not_authorized, |r| r.state()))
    }

    /// A valid access token, refreshed or re-fetched when due.
    ///
    /// # Errors
    /// [`Error::NotAuthorized`], [`Error::NeedsReauthorization`], [`Error::Token`].
    pub async fn access_token(&self, datasource: &Datasource) -> Result<Secret> {
        self.obtain(OAuthDatasource::of(datasource)?, None).await
    }

    /// After the API answered 401 to `rejected`: a new token (refreshed or re-fetched), or
    /// `None` when there is no way to get one without a person.
    ///
    /// # Errors
    /// As [`TokenLifecycle::access_token`].
    pub async fn renew_rejected(&self, datasource: &Datasource, rejected: &Secret) -> Result<Option<Secret>> {
        let oauth = OAuthDatasource::of(datasource)?;
        match self.obtain(oauth, Some(rejected)).await {
            Ok(token) => Ok(Some(token)),
            Err(Error::NeedsReauthorization { .. } | Error::NotAuthorized(_)) if oauth.needs_person() => Ok(None),
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
        for token in self.store.expiring_tokens().await? {
            let now = now_millis();
            if !refresh_due(now, token.obtained_at, Some(token.expires_at)) {
                continue;
            }
            if token.last_error.as_ref().is_some_and(|last| now < last.at + retry_after(last.failures)) {
                continue;
            }
            let Ok(datasource) = self.store.datasource_in(&token.id, &token.environment).await else { continue };
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
        self.fetch(OAuthDatasource::of(datasource)?).await
    }

    /// [`TokenLifecycle::fetch_now`] for a datasource already narrowed to OAuth 2.0.
    pub(super) async fn fetch(&self, oauth: OAuthDatasource<'_>) -> Result<TokenState> {
        let datasource = oauth.datasource;
        crate::http::needs_setup(datasource)?;
        let flight = self.flight(&datasource.token_owner());
        let _flight = flight.lock().await;
        let _lock = ProcessLock::acquire(self.lock_path(&datasource.token_owner())).await?;
        self.direct_grant(oauth).await?;
        self.state(datasource).await
    }

    /// Refreshes now, due or not (the token panel's Refresh now): with the refresh token, or
    /// for client credentials and password by fetching again. A failure is kept as `lastError`.
    ///
    /// # Errors
    /// [`Error::NotAuthorized`], [`Error::NeedsReauthorization`], [`Error::Invalid`] on
    /// `auth.scopes` when the provider issued no refresh token, [`Error::Token`].
    pub async fn refresh_now(&self, datasource: &Datasource) -> Result<TokenState> {
        let oauth = OAuthDatasource::of(datasource)?;
        let record = self.store.tokens(datasource).await?;
        let name = || datasource.config.name.clone();
        if oauth.needs_person() {
            match &record {
                None => return Err(Error::NotAuthorized(name())),
                Some(TokenRecord { status: TokenStatus::NeedsReauthorization, reason, .. }) => {
                    return Err(Error::NeedsReauthorization {
                        name: name(),
                        reason: reason
                            .clone()
                            .unwrap_or_else(|| "the provider no longer accepts the stored tokens".into()),
                    });
                }
                Some(TokenRecord { refresh_token: None, .. }) => {
                    return Err(Error::field(
                        "auth.scopes",
                        "the provider issued no refresh token, so this token cannot be refreshed: authorize again \
                         (some providers issue one only for a scope such as offline_access, or with \
                         access_type=offline)",
                    ));
                }
                Some(_) => {}
            }
        }
        // The stored access token counts as refused, so a new one is obtained; a refresh another
        // caller finished meanwhile is taken instead.
        let current = record.and_then(|r| r.access_token);
        match current {
            Some(current) => self.obtain(oauth, Some(&current)).await?,
            None => self.obtain(oauth, None).await?,
        };
        self.state(datasource).await
    }

    /// What the token panel shows: the state, requested and granted scopes, the decoded JWT
    /// access token and ID token (header and claims only), and the token call log.
    ///
    /// # Errors
    /// [`Error::Invalid`] for a datasource that is not OAuth 2.0, storage and vault errors.
    pub async fn details(&self, datasource: &Datasource) -> Result<TokenDetails> {
        let config = OAuthDatasource::of(datasource)?.config;
        let record = self.store.tokens(datasource).await?;
        let state = record.as_ref().map_or_else(TokenState::not_authorized, TokenRecord::state);
        let missing_scopes = if state.status == TokenStatus::Authorized {
            config.scopes.iter().filter(|s| !state.scopes.contains(s)).cloned().collect()
        } else {
            Vec::new()
        };
        let decode = |token: Option<&Secret>| token.and_then(|t| DecodedJwt::decode(t.expose()));
        Ok(TokenDetails {
            requested_scopes: config.scopes.clone(),
            missing_scopes,
            access_token_jwt: decode(record.as_ref().and_then(|r| r.access_token.as_ref())),
            id_token: decode(record.as_ref().and_then(|r| r.id_token.as_ref())),
            calls: self.store.token_calls(datasource).await?,
            state,
        })
    }

    /// Exchanges the code of a finished authorization and stores the tokens.
    ///
    /// # Errors
    /// [`Error::Token`]; nothing is stored then.
    pub async fn complete(
        &self,
        oauth: OAuthDatasource<'_>,
        pending: &PendingAuthorization,
        code: &Secret,
    ) -> Result<TokenState> {
        let (datasource, config) = (oauth.datasource, oauth.config);
        let request = token_client::code_request(
            config,
            code,
            &pending.redirect_uri,
            pending.code_verifier.as_ref(),
            now_seconds(),
        )?;
        let flight = self.flight(&datasource.token_owner());
        let _flight = flight.lock().await;
        let _lock = ProcessLock::acquire(self.lock_path(&datasource.token_owner())).await?;
        let response = self.exchange(datasource, &request).await?;
        self.save(oauth, response, true).await?;
        self.state(datasource).await
    }

    /// Asks the Device Authorization URL `url` for a device code (RFC 8628 §3.1); logged like
    /// every token call.
    ///
    /// # Errors
    /// [`Error::Token`] as [`super::device::parse_device_authorization`], and for unreachable
    /// endpoints.
    pub async fn request_device_code(
        &self,
        oauth: OAuthDatasource<'_>,
        url: &str,
    ) -> Result<super::device::DeviceCode> {
        let datasource = oauth.datasource;
        let request = super::device::device_authorization_request(oauth.config, url, now_seconds())?;
        let started = (now_millis(), std::time::Instant::now());
        let result = self.client.send(datasource, &request).await.and_then(|(status, content_type, body)| {
            let secrets = request.secret_values();
            super::device::parse_device_authorization(status, &content_type, &body, &secrets)
                .map(|code| (status, code))
                .map_err(Error::from)
        });
        self.log_call(datasource, &request, started, result.as_ref().map(|(status, _)| *status)).await;
        result.map(|(_, code)| code)
    }

    /// Polls once for the tokens of `code` (RFC 8628 §3.4). Only the answer that ends the
    /// polling is logged: `authorization_pending` and `slow_down` would fill the log.
    ///
    /// # Errors
    /// [`Error::Token`], `authorization_pending` and `slow_down` included.
    pub async fn poll_device_code(
        &self,
        oauth: OAuthDatasource<'_>,
        code: &super::device::DeviceCode,
    ) -> Result<TokenResponse> {
        use super::token_error::ProviderErrorCode as Code;
        let datasource = oauth.datasource;
        let request = super::device::device_token_request(oauth.config, &code.device_code, now_seconds())?;
        let started = (now_millis(), std::time::Instant::now());
        let result = self.client.exchange(datasource, &request).await;
        let waiting = matches!(&result, Err(Error::Token(err))
            if matches!(err.error, Some(Code::AuthorizationPending | Code::SlowDown)));
        if !waiting {
            self.log_call(datasource, &request, started, result.as_ref().map(|r| r.status)).await;
        }
        result
    }

    /// Stores the tokens a device authorization ended with, as [`TokenLifecycle::complete`]
    /// does: under the datasource's single flight and process lock.
    ///
    /// # Errors
    /// Storage and vault errors.
    pub async fn complete_device(&self, oauth: OAuthDatasource<'_>, response: TokenResponse) -> Result<TokenState> {
        let datasource = oauth.datasource;
        let flight = self.flight(&datasource.token_owner());
        let _flight = flight.lock().await;
        let _lock = ProcessLock::acquire(self.lock_path(&datasource.token_owner())).await?;
        self.save(oauth, response, true).await?;
        self.state(datasource).await
    }

    /// Forgets the tokens of `datasource`, revoking them first where a Revocation URL is set
    /// (RFC 7009). Local tokens are forgotten even when revocation fails.
    ///
    /// # Errors
    /// Storage errors.
    pub async fn logout(&self, datasource: &Datasource) -> Result<Logout> {
        let config = OAuthDatasource::of(datasource)?.config;
        let flight = self.flight(&datasource.token_owner());
        let _flight = flight.lock().await;
        let _lock = ProcessLock::acquire(self.lock_path(&datasource.token_owner())).await?;
        let mut outcome = Logout { no_revocation_url: config.revocation_url.is_empty(), ..Logout::default() };
        if let (Some(record), false) = (self.store.tokens(datasource).await?, config.revocation_url.is_empty()) {
            let tokens = [("refresh_token", record.refresh_token), ("access_token", record.access_token)];
            for (hint, token) in tokens {
                let Some(token) = token else { continue };
                let request = token_client::revocation_request(config, &token, hint, now_seconds())?;
                let started = (now_millis(), std::time::Instant::now());
                let result = self.client.revoke(datasource, &request).await;
                self.log_call(datasource, &request, started, result.as_ref().map(|()| 200)).await;
                match result {
                    Ok(()) => outcome.revoked.push(hint),
                    Err(err) => outcome.failures.push(format!("{hint}: {err}")),
                }
            }
        }
        self.store.forget_tokens(datasource).await?;
        Ok(outcome)
    }

    async fn obtain(&self, oauth: OAuthDatasource<'_>, rejected: Option<&Secret>) -> Result<Secret> {
        let datasource = oauth.datasource;
        crate::http::needs_setup(datasource)?;
        if let Some(token) = usable(self.store.tokens(datasource).await?.as_ref(), rejected) {
            return Ok(token);
        }
        let flight = self.flight(&datasource.token_owner());
        let _flight = flight.lock().await;
        if let Some(token) = usable(self.store.tokens(datasource).await?.as_ref(), rejected) {
            return Ok(token);
        }
        let _lock = ProcessLock::acquire(self.lock_path(&datasource.token_owner())).await?;
        let record = self.store.tokens(datasource).await?;
        if let Some(token) = usable(record.as_ref(), rejected) {
            return Ok(token);
        }
        let previous = record.as_ref().and_then(|r| r.last_error.clone());
        // A datasource already waiting for a person has nothing new to report.
        let keeping = record.as_ref().is_some_and(|r| r.status == TokenStatus::Authorized) || !oauth.needs_person();
        // While the refresh fails, an access token that has not expired (and was not refused)
        // is still handed out: the request works, the badge says "Refresh failing".
        let still_valid = record
            .as_ref()
            .filter(|r| r.status == TokenStatus::Authorized && r.expires_at.is_some_and(|at| at > now_millis()))
            .and_then(|r| r.access_token.clone())
            .filter(|token| rejected.is_none_or(|r| r.expose() != token.expose()));
        let result = self.renew(oauth, record, rejected).await;
        match result {
            Err(err) if keeping => {
                self.note_failure(oauth, &err, previous.as_ref()).await;
                match (still_valid, &err) {
                    (Some(token), Error::Token(_) | Error::Network(_) | Error::Tls(_)) => Ok(token),
                    _ => Err(err),
                }
            }
            result => result,
        }
    }

    /// Gets a new access token the way `record` allows: refresh, fetch again, or none.
    async fn renew(
        &self,
        oauth: OAuthDatasource<'_>,
        record: Option<TokenRecord>,
        rejected: Option<&Secret>,
    ) -> Result<Secret> {
        let (datasource, config) = (oauth.datasource, oauth.config);
        let direct = !oauth.needs_person();
        match record {
            Some(TokenRecord { status: TokenStatus::Authorized, refresh_token: Some(refresh), .. }) => {
                let request = token_client::refresh_request(config, &refresh, now_seconds())?;
                match self.exchange(datasource, &request).await {
                    Ok(response) => self.save(oauth, response, false).await,
                    Err(Error::Token(err)) if err.is_invalid_grant() && direct => self.direct_grant(oauth).await,
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
            _ if direct => self.direct_grant(oauth).await,
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

    async fn direct_grant(&self, oauth: OAuthDatasource<'_>) -> Result<Secret> {
        let request = token_client::direct_grant_request(oauth.config, now_seconds())?;
        let response = self.exchange(oauth.datasource, &request).await?;
        self.save(oauth, response, true).await
    }

    /// Sends `request` and logs the call.
    async fn exchange(&self, datasource: &Datasource, request: &TokenRequest) -> Result<TokenResponse> {
        let started = (now_millis(), std::time::Instant::now());
        let result = self.client.exchange(datasource, request).await;
        self.log_call(datasource, request, started, result.as_ref().map(|r| r.status)).await;
        result
    }

    /// Adds a call to the datasource's token call log: the endpoint without its query, the
    /// status, and the provider's scrubbed error.
    async fn log_call(
        &self,
        datasource: &Datasource,
        request: &TokenRequest,
        (at, started): (i64, std::time::Instant),
        result: std::result::Result<u16, &Error>,
    ) {
        let (status, error, description) = match result {
            Ok(status) => (Some(status), None, None),
            Err(Error::Token(err)) => {
                let kind = match err.kind {
                    TokenErrorKind::Provider => "http_error",
                    TokenErrorKind::NotATokenResponse => "not_a_token_response",
                    TokenErrorKind::MissingAccessToken => "missing_access_token",
                    TokenErrorKind::MissingField(_) => "missing_field",
                    TokenErrorKind::TooLarge => "too_large",
                    TokenErrorKind::Redirected => "redirected",
                    TokenErrorKind::Unavailable => "unavailable",
                    TokenErrorKind::Proxy => "proxy",
                };
                let description = err.description.clone().or_else(|| Some(err.to_string()));
                (
                    (err.status > 0).then_some(err.status),
                    Some(err.error.as_ref().map_or_else(|| kind.to_owned(), ToString::to_string)),
                    description,
                )
            }
            Err(other) => {
                let code = serde_json::to_value(other.code()).ok().and_then(|v| v.as_str().map(str::to_owned));
                (None, code, Some(other.to_string()))
            }
        };
        let entry = TokenCallEntry {
            at,
            grant: request.call.grant().to_owned(),
            endpoint: request.endpoint(),
            status,
            duration_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
            error,
            description,
        };
        // The log is for people; a token call's outcome must not depend on it.
        if let Err(err) = self.store.log_token_call(datasource, &entry).await {
            eprintln!("latchkey: could not log the token call: {err}");
        }
    }

    /// Keeps a failed refresh or re-fetch as the token state's `lastError`.
    async fn note_failure(&self, oauth: OAuthDatasource<'_>, err: &Error, previous: Option<&LastTokenError>) {
        let (datasource, config) = (oauth.datasource, oauth.config);
        if matches!(err, Error::NotAuthorized(_) | Error::ConfigurationChanged(_) | Error::DatasourceNotFound(_)) {
            return;
        }
        let grant = match config.grant_type {
            GrantType::ClientCredentials => "client_credentials",
            GrantType::Password => "password",
            GrantType::AuthorizationCode | GrantType::DeviceCode => "refresh_token",
        };
        let (grant, error, description, field) = match err {
            Error::Token(token) => (
                token.call.grant(),
                token.error.as_ref().map(ToString::to_string),
                token.description.clone(),
                token.field().map(str::to_owned),
            ),
            Error::Invalid(fields) => (grant, None, None, fields.first().map(|f| f.field.clone())),
            _ => (grant, None, None, None),
        };
        let failure = LastTokenError {
            at: now_millis(),
            grant: grant.to_owned(),
            message: err.to_string(),
            error,
            description,
            field,
            failures: previous.map_or(1, |p| p.failures.saturating_add(1)),
        };
        if let Err(err) = self.store.record_token_failure(datasource, &failure).await {
            eprintln!("latchkey: could not keep the token failure: {err}");
        }
    }

    async fn needs_reauthorization(&self, datasource: &Datasource, reason: String) -> Result<Secret> {
        self.store.mark_needs_reauthorization(datasource, &reason).await?;
        Err(Error::NeedsReauthorization { name: datasource.config.name.clone(), reason })
    }

    /// Stores obtained tokens; `fresh` for a new authorization or fetch (its ID token replaces
    /// the stored one), not for a refresh (a refresh without one keeps it).
    async fn save(&self, oauth: OAuthDatasource<'_>, response: TokenResponse, fresh: bool) -> Result<Secret> {
        let (datasource, config) = (oauth.datasource, oauth.config);
        let now = now_millis();
        let tokens = NewTokens {
            expires_at: expires_at(&response, now, config.expires_in_override),
            access_token: response.access_token,
            refresh_token: response.refresh_token,
            token_type: response.token_type,
            scope: response.scope.unwrap_or_else(|| config.scope_param()),
            obtained_at: now,
        };
        let id_token = response.id_token.as_ref();
        let id_token = if fresh { IdToken::Replace(id_token) } else { IdToken::Keep(id_token) };
        self.store.save_obtained_tokens(datasource, &tokens, id_token).await?;
        Ok(tokens.access_token)
    }

    fn flight(&self, id: &str) -> Arc<tokio::sync::Mutex<()>> {
        self.flights.lock().expect("flight table lock").entry(id.to_owned()).or_default().clone()
    }

    fn lock_path(&self, id: &str) -> PathBuf {
        self.store.dir().path().join("locks").join(format!("{id}.lock"))
    }
}

/// When an access token obtained at `now_ms` expires (ms since the epoch): the response's
/// `expires_in`, else the datasource's override (`expiresInOverride`), else the `exp` claim when
/// the token is a JWT, else unknown (then a 401 tells).
pub fn expires_at(response: &TokenResponse, now_ms: i64, expires_in_override: Option<u64>) -> Option<i64> {
    match response.expires_in.or(expires_in_override) {
        Some(s) => Some(now_ms.saturating_add((s.min(i64::MAX as u64 / 1000) as i64) * 1000)),
        None => token_client::jwt_expiry(response.access_token.expose()).map(|exp| exp.saturating_mul(1000)),
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

    #[test]
    fn expiry_falls_back_to_the_override_then_the_jwt() {
        use base64::Engine;
        let response = |token: &str, expires_in| TokenResponse {
            status: 200,
            access_token: Secret::new(token.to_owned()),
            token_type: String::new(),
            expires_in,
            refresh_token: None,
            id_token: None,
            scope: None,
        };
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(br#"{"exp":2000000000,"sub":"x"}"#);
        let jwt = format!("eyJhbGciOiJIUzI1NiJ9.{payload}.sig");
        assert_eq!(expires_at(&response(&jwt, Some(30)), 1_000, Some(60)), Some(31_000), "the response first");
        assert_eq!(expires_at(&response(&jwt, None), 1_000, Some(60)), Some(61_000), "then the override");
        assert_eq!(expires_at(&response(&jwt, None), 1_000, None), Some(2_000_000_000_000), "then the JWT's exp");
        assert_eq!(expires_at(&response("opaque", None), 1_000, None), None, "unknown expiry stays unknown");
    }
}
