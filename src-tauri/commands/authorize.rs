//! Commands of the OAuth 2.0 lifecycle: Save and Authorize (the browser flow, or the device
//! code to enter), Save and Test (a token fetch), Disconnect, the token state, the token panel
//! (details and Refresh now), and cancelling an attempt. One attempt runs at a time; deep-link callbacks
//! (`latchkey://oauth/callback`) are routed to it. Tokens are kept alive in the background, and
//! the window hears when a refresh fails or one needs a person again.

use std::sync::Mutex;

use latchkey_core::error::ErrorPayload;
use latchkey_core::model::{DatasourceId, EnvironmentId, GrantType, RedirectKind, TokenDetails, TokenState};
use latchkey_core::oauth::{self, AuthorizationError, Callback, DeviceCode, PendingAuthorization, TokenLifecycle};
use latchkey_core::Error;
use serde::Serialize;
use tauri::{AppHandle, Emitter, State};
use tokio::sync::{mpsc, oneshot};
use ts_rs::TS;

use crate::OpenedStore;

/// Sent as the `authorization-started` event once the browser was asked to open, so the UI
/// can show the waiting state with the URL to copy.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizationStarted {
    pub datasource_id: DatasourceId,
    pub authorization_url: String,
    pub redirect_uri: String,
    /// Whether the system browser was opened; when not, the person opens the URL.
    pub browser_opened: bool,
}

/// Sent as the `device-code-started` event once a device code datasource's code came (RFC
/// 8628 §3.2), so the UI shows the code to enter, the page to enter it on, and the time left.
/// The device code itself never leaves the core.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DeviceCodeStarted {
    pub datasource_id: DatasourceId,
    pub user_code: String,
    pub verification_uri: String,
    /// The page with the code filled in, when the provider offers one.
    pub verification_uri_complete: Option<String>,
    /// When the code expires (ms since the epoch).
    #[ts(type = "number")]
    pub expires_at: i64,
}

/// The attempt in progress: how to cancel it and where deep-link callbacks go.
#[derive(Default)]
pub struct Authorizations(Mutex<Option<Attempt>>);

struct Attempt {
    cancel: oneshot::Sender<()>,
    callbacks: Option<mpsc::Sender<Callback>>,
    /// For a device code attempt: the verification page, which `open_device_page` opens.
    device_page: Option<String>,
}

/// Deep-link callbacks queued for the attempt; the core checks each as it comes, so the queue
/// only has to outlast a burst of links that are not for the attempt.
const DEEP_LINK_QUEUE: usize = 32;

impl Authorizations {
    /// Hands a deep-link callback to the attempt waiting for one; ignored when none waits.
    /// The attempt ignores a callback that is not its own (wrong or missing `state`) and keeps
    /// waiting, so a stray or forged link cannot end it.
    pub fn deliver(&self, callback: Callback) {
        let sender = self.0.lock().expect("attempt lock").as_ref().and_then(|a| a.callbacks.clone());
        if let Some(sender) = sender {
            let _ = sender.try_send(callback);
        }
    }

    fn begin(&self, callbacks: Option<mpsc::Sender<Callback>>) -> oneshot::Receiver<()> {
        let (cancel, cancelled) = oneshot::channel();
        // A new attempt cancels the previous one (dropping its sender ends it).
        *self.0.lock().expect("attempt lock") = Some(Attempt { cancel, callbacks, device_page: None });
        cancelled
    }

    fn set_device_page(&self, page: &str) {
        if let Some(attempt) = self.0.lock().expect("attempt lock").as_mut() {
            attempt.device_page = Some(page.to_owned());
        }
    }
}

/// Authorizes the datasource `id` in the environment `environment_id` with the browser
/// (authorization code), with a code to enter (device code: the `device-code-started` event
/// shows it; `cancel_authorization` ends the wait), or fetches a token (client credentials, password). The attempt holds the
/// datasource as resolved in that environment, so the tokens it brings back are that
/// environment's, whichever environment the window shows when the callback lands.
#[tauri::command]
pub async fn authorize(
    app: AppHandle,
    store: State<'_, OpenedStore>,
    attempts: State<'_, Authorizations>,
    id: DatasourceId,
    environment_id: EnvironmentId,
) -> Result<TokenState, ErrorPayload> {
    let lifecycle = store.lifecycle()?;
    let datasource = lifecycle.store().datasource_in(&id, &environment_id).await?;
    let config = oauth::OAuthDatasource::of(&datasource)?.config;
    let open = |pending: &PendingAuthorization| {
        let browser_opened = oauth::browser::open(pending.url.as_str()).is_ok();
        let _ = app.emit(
            "authorization-started",
            AuthorizationStarted {
                datasource_id: pending.datasource_id.clone(),
                authorization_url: pending.url.to_string(),
                redirect_uri: pending.redirect_uri.clone(),
                browser_opened,
            },
        );
    };
    // A callback that is not for this attempt leaves it waiting; the browser tab that sent it
    // (loopback) was told so.
    let ignored = |reason: &AuthorizationError| eprintln!("latchkey: {reason}");
    let timeout = oauth::redirect::DEFAULT_TIMEOUT;
    let result = if config.grant_type == GrantType::DeviceCode {
        let cancelled = attempts.begin(None);
        let show = |code: &DeviceCode| {
            attempts.set_device_page(code.page_to_open());
            let expires_in = i64::try_from(code.expires_in).unwrap_or(i64::MAX);
            let _ = app.emit(
                "device-code-started",
                DeviceCodeStarted {
                    datasource_id: datasource.id.clone(),
                    user_code: code.user_code.clone(),
                    verification_uri: code.verification_uri.clone(),
                    verification_uri_complete: code.verification_uri_complete.clone(),
                    expires_at: latchkey_core::store::now_millis().saturating_add(expires_in.saturating_mul(1000)),
                },
            );
        };
        let cancel = async {
            let _ = cancelled.await;
        };
        oauth::authorize_device(lifecycle, &datasource, show, |_| {}, cancel).await
    } else if config.redirect == RedirectKind::DeepLink {
        let (sender, mut receiver) = mpsc::channel(DEEP_LINK_QUEUE);
        let cancelled = attempts.begin(Some(sender));
        tokio::select! {
            result = oauth::authorize_deep_link(lifecycle, &datasource, &mut receiver, timeout, open, ignored) => result,
            _ = cancelled => Err(Error::Authorization(AuthorizationError::Cancelled)),
        }
    } else {
        let cancelled = attempts.begin(None);
        tokio::select! {
            result = oauth::authorize_loopback(lifecycle, &datasource, timeout, open, ignored) => result,
            _ = cancelled => Err(Error::Authorization(AuthorizationError::Cancelled)),
        }
    };
    Ok(result?)
}

/// Cancels the authorization in progress, if any.
#[tauri::command]
pub fn cancel_authorization(attempts: State<'_, Authorizations>) {
    if let Some(attempt) = attempts.0.lock().expect("attempt lock").take() {
        let _ = attempt.cancel.send(());
    }
}

/// Opens the verification page of the device code attempt in progress (with the code filled in
/// when the provider offers that) in the system browser. Only that page: the window cannot
/// have any other URL opened through this.
#[tauri::command]
pub fn open_device_page(attempts: State<'_, Authorizations>) -> Result<(), ErrorPayload> {
    let page = attempts.0.lock().expect("attempt lock").as_ref().and_then(|a| a.device_page.clone());
    let Some(page) = page else {
        return Err(Error::field("auth.grantType", "no device code authorization is in progress").into());
    };
    oauth::browser::open(&page).map_err(|e| Error::Network(format!("{e}: open {page} in a browser yourself")))?;
    Ok(())
}

/// The token state of the datasource `id` in the environment `environment_id`, for its badge.
#[tauri::command]
pub async fn token_state(
    store: State<'_, OpenedStore>,
    id: DatasourceId,
    environment_id: EnvironmentId,
) -> Result<TokenState, ErrorPayload> {
    let lifecycle = store.lifecycle()?;
    let datasource = lifecycle.store().datasource_in(&id, &environment_id).await?;
    Ok(lifecycle.state(&datasource).await?)
}

/// What the token panel of the datasource `id` in the environment `environment_id` shows (no
/// token: only decoded JWT header and claims, and the call log).
#[tauri::command]
pub async fn token_details(
    store: State<'_, OpenedStore>,
    id: DatasourceId,
    environment_id: EnvironmentId,
) -> Result<TokenDetails, ErrorPayload> {
    let lifecycle = store.lifecycle()?;
    let datasource = lifecycle.store().datasource_in(&id, &environment_id).await?;
    Ok(lifecycle.details(&datasource).await?)
}

/// Refresh now: refreshes (or fetches again) the token of the datasource `id` in the
/// environment `environment_id`, due or not.
#[tauri::command]
pub async fn refresh_token_now(
    store: State<'_, OpenedStore>,
    id: DatasourceId,
    environment_id: EnvironmentId,
) -> Result<TokenState, ErrorPayload> {
    let lifecycle = store.lifecycle()?;
    let datasource = lifecycle.store().datasource_in(&id, &environment_id).await?;
    Ok(lifecycle.refresh_now(&datasource).await?)
}

/// What Disconnect did: the token state after it (the fields of [`TokenState`]) and what the
/// provider was asked (RFC 7009).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Disconnected {
    #[serde(flatten)]
    #[ts(flatten)]
    pub token: TokenState,
    /// The tokens revoked at the provider (`refresh_token`, `access_token`).
    pub revoked: Vec<String>,
    /// The datasource has no Revocation URL: the tokens were forgotten here only and stay valid
    /// at the provider until they expire.
    pub no_revocation_url: bool,
    /// Revocations that failed; the tokens were forgotten here anyway.
    pub revocation_failures: Vec<String>,
}

/// Forgets (and where possible revokes) the tokens of the datasource `id` in the environment
/// `environment_id`; the other environments' tokens stay.
#[tauri::command]
pub async fn disconnect(
    store: State<'_, OpenedStore>,
    id: DatasourceId,
    environment_id: EnvironmentId,
) -> Result<Disconnected, ErrorPayload> {
    let lifecycle = store.lifecycle()?;
    let datasource = lifecycle.store().datasource_in(&id, &environment_id).await?;
    let outcome = lifecycle.logout(&datasource).await?;
    Ok(Disconnected {
        token: lifecycle.state(&datasource).await?,
        revoked: outcome.revoked.iter().map(|hint| (*hint).to_owned()).collect(),
        no_revocation_url: outcome.no_revocation_url,
        revocation_failures: outcome.failures,
    })
}

/// How often tokens due for refresh are refreshed in the background.
const KEEP_ALIVE_EVERY: std::time::Duration = std::time::Duration::from_secs(20);

/// Sent as the `token-problem` event when a background refresh fails: it needs "authorize
/// again", or it failed otherwise (the badge says "Refresh failing"; the core backs off).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TokenProblem {
    pub datasource_id: DatasourceId,
    pub name: String,
    /// The environment whose tokens these are (its id and name).
    pub environment_id: Option<EnvironmentId>,
    pub environment: Option<String>,
    /// Why, with what to check (scrubbed of secrets).
    pub message: String,
    /// A person must authorize again; otherwise the refresh failed and is retried later.
    pub needs_authorization: bool,
}

/// Refreshes tokens shortly before they expire, so a datasource stays usable without anyone's
/// help; tells the window when a refresh fails and when one needs a person to authorize again.
pub async fn keep_tokens_alive(app: AppHandle, lifecycle: TokenLifecycle) {
    loop {
        tokio::time::sleep(KEEP_ALIVE_EVERY).await;
        let Ok(failures) = lifecycle.keep_alive().await else { continue };
        for (datasource, err) in failures {
            let needs_authorization = matches!(err, latchkey_core::Error::NeedsReauthorization { .. });
            let environment = datasource.environment.as_deref();
            let problem = TokenProblem {
                datasource_id: datasource.id.clone(),
                name: datasource.config.name.clone(),
                environment_id: environment.map(|env| env.id.clone()),
                environment: environment.map(|env| env.name.clone()),
                message: err.to_string(),
                needs_authorization,
            };
            let _ = app.emit("token-problem", problem);
        }
    }
}
