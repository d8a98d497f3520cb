//! OAuth 2.0 for datasources: the authorization request (`authorization`), the callback and
//! its checks (`callback`), the loopback redirect receiver (`redirect`), the token client
//! (`token_client`) with the requests it sends (`token_request`) and the private key that signs
//! `private_key_jwt` assertions in them (`client_key`), the answers it reads (`token_response`)
//! and the refusals (`token_error`), the token lifecycle (`lifecycle`), endpoint discovery
//! (`discovery`), and the device authorization grant (`device`).
//! The configuration types are the model's; storage of tokens is the store's. Opening the
//! system browser is `browser`'s; the deep link belongs to the front ends, which hand the core
//! a URL opener and callbacks.

pub mod authorization;
pub mod browser;
pub mod callback;
pub mod client_key;
pub mod device;
pub mod discovery;
pub mod lifecycle;
pub mod redirect;
pub mod token_client;
pub mod token_error;
pub mod token_request;
pub mod token_response;

use std::time::Duration;

pub use authorization::PendingAuthorization;
pub use callback::{AuthorizationError, Callback};
pub use device::{DeviceCode, DeviceProgress};
pub use lifecycle::{Logout, TokenLifecycle};
pub use redirect::RedirectListener;
pub use token_client::{TokenClient, TokenClientOptions, TokenError};

use crate::model::{AuthConfig, Datasource, GrantType, OAuth2Config, RedirectKind, TokenState};
use crate::{Error, Result};

/// A datasource narrowed to OAuth 2.0: the datasource (its name, transport and tokens) and its
/// OAuth configuration, made once where a flow starts and handed down from there.
#[derive(Debug, Clone, Copy)]
pub struct OAuthDatasource<'a> {
    pub datasource: &'a Datasource,
    pub config: &'a OAuth2Config,
}

impl<'a> OAuthDatasource<'a> {
    /// The OAuth 2.0 view of `datasource`.
    ///
    /// # Errors
    /// [`Error::Invalid`] on `auth.type` when the datasource uses another authentication.
    pub fn of(datasource: &'a Datasource) -> Result<Self> {
        match &datasource.config.auth {
            AuthConfig::OAuth2(config) => Ok(OAuthDatasource { datasource, config }),
            other => Err(Error::field(
                "auth.type",
                format!(
                    "datasource `{}` uses {} authentication, not OAuth 2.0: there is nothing to authorize",
                    datasource.config.name,
                    other.kind().as_str()
                ),
            )),
        }
    }

    /// Whether a person gives the grant (in a browser), so that without a refresh token only
    /// a new authorization helps; client credentials and password are fetched again instead.
    pub fn needs_person(&self) -> bool {
        self.config.grant_type.needs_person()
    }
}

/// Authorizes `datasource` with the authorization code grant through the loopback redirect:
/// binds the listener, calls `open` with the authorization URL and the Redirect URL (the
/// front end opens the browser, or prints the URL), waits up to `timeout` for the callback of
/// this attempt, exchanges the code and stores the tokens. Callbacks that are not for this
/// attempt (wrong or missing `state`) are handed to `ignored` and the wait goes on.
///
/// With an Issuer, its metadata is read first: when it promises `iss` in every answer
/// (RFC 9207 §3), a callback without one fails. Metadata that cannot be read leaves `iss`
/// optional (it is still checked when present): the token endpoint is the Issuer's too, and
/// would fail the same way.
///
/// # Errors
/// [`Error::Authorization`] (port taken, denied, `iss` of another issuer, timeout),
/// [`Error::Token`]; nothing is stored then.
pub async fn authorize_loopback(
    lifecycle: &TokenLifecycle,
    datasource: &Datasource,
    timeout: Duration,
    open: impl FnOnce(&PendingAuthorization),
    ignored: impl FnMut(&AuthorizationError),
) -> Result<TokenState> {
    let oauth = OAuthDatasource::of(datasource)?;
    crate::http::needs_setup(datasource)?;
    let config = oauth.config;
    if config.grant_type == GrantType::DeviceCode {
        return Err(Error::field(
            "auth.grantType",
            "the device code grant shows a code for a person to enter, not a browser redirect: authorize it \
             with the device flow",
        ));
    }
    if !oauth.needs_person() {
        return lifecycle.fetch(oauth).await;
    }
    if config.redirect != RedirectKind::Loopback {
        return Err(Error::field(
            "auth.redirect",
            "this datasource receives its callback by deep link, which only the desktop app can: \
             authorize it there, or switch Redirect to loopback",
        ));
    }
    let listener = RedirectListener::bind(config.loopback_port).await?;
    let mut pending = authorization::start(oauth, &listener.redirect_uri())?;
    if issuer_promises_iss(oauth).await {
        pending.require_iss();
    }
    open(&pending);
    let code = listener.wait(&pending, timeout, ignored).await?;
    lifecycle.complete(oauth, &pending, &code).await
}

/// Authorizes `datasource` with the callback arriving by deep link
/// (`latchkey://oauth/callback`): the desktop app forwards the callback URLs it receives to
/// `callbacks`; the first one carrying this attempt's `state` ends the attempt, as on the
/// loopback listener, and the others are handed to `ignored`.
///
/// # Errors
/// As [`authorize_loopback`]; [`AuthorizationError::Cancelled`] when `callbacks` closes.
pub async fn authorize_deep_link(
    lifecycle: &TokenLifecycle,
    datasource: &Datasource,
    callbacks: &mut tokio::sync::mpsc::Receiver<Callback>,
    timeout: Duration,
    open: impl FnOnce(&PendingAuthorization),
    mut ignored: impl FnMut(&AuthorizationError),
) -> Result<TokenState> {
    let oauth = OAuthDatasource::of(datasource)?;
    crate::http::needs_setup(datasource)?;
    let mut pending = authorization::start(oauth, crate::model::DEEP_LINK_REDIRECT_URI)?;
    if issuer_promises_iss(oauth).await {
        pending.require_iss();
    }
    open(&pending);
    let wait = async {
        loop {
            let Some(callback) = callbacks.recv().await else {
                return Err(Error::Authorization(AuthorizationError::Cancelled));
            };
            match pending.accept(callback) {
                Err(Error::Authorization(reason)) if !reason.ends_attempt() => ignored(&reason),
                result => return result,
            }
        }
    };
    let code = match tokio::time::timeout(timeout, wait).await {
        Ok(result) => result?,
        Err(_) => {
            let redirect_uri = &pending.redirect_uri;
            return Err(Error::Authorization(AuthorizationError::timed_out(timeout, redirect_uri)));
        }
    };
    lifecycle.complete(oauth, &pending, &code).await
}

/// Authorizes `datasource` with the device authorization grant (RFC 8628): asks the Device
/// Authorization URL (discovered from the Issuer when empty) for a code, hands it to `show`
/// (the front end shows the user code and the verification page, and may open it), polls the
/// token endpoint as [`device::poll_for_tokens`] paces it, reporting to `progress`, and stores
/// the tokens as the code exchange does. The attempt ends when `cancel` completes (or when
/// this future is dropped); nothing is stored then.
///
/// # Errors
/// [`Error::Invalid`] on `auth.deviceAuthorizationUrl` when there is none, [`Error::Token`],
/// [`AuthorizationError::DeviceDenied`], [`AuthorizationError::DeviceCodeExpired`],
/// [`AuthorizationError::Cancelled`].
pub async fn authorize_device(
    lifecycle: &TokenLifecycle,
    datasource: &Datasource,
    show: impl FnOnce(&DeviceCode),
    progress: impl FnMut(DeviceProgress),
    cancel: impl std::future::Future<Output = ()>,
) -> Result<TokenState> {
    let oauth = OAuthDatasource::of(datasource)?;
    let config = oauth.config;
    let mut url = config.device_authorization_url.trim().to_owned();
    if url.is_empty() && !config.issuer.trim().is_empty() {
        let metadata = discovery::discover_for(&crate::http::Transport::new(), datasource).await?;
        url = metadata.device_authorization_endpoint.unwrap_or_default();
    }
    if url.is_empty() {
        return Err(Error::field(
            "auth.deviceAuthorizationUrl",
            "the device code grant needs the provider's Device Authorization URL: enter it, or set an Issuer \
             whose metadata names a device_authorization_endpoint",
        ));
    }
    let flow = async {
        let code = lifecycle.request_device_code(oauth, &url).await?;
        let clock = device::SystemClock::start();
        show(&code);
        device::poll_for_tokens(&code, &clock, || lifecycle.poll_device_code(oauth, &code), progress).await
    };
    let response = tokio::select! {
        response = flow => response?,
        () = cancel => return Err(Error::Authorization(AuthorizationError::Cancelled)),
    };
    lifecycle.complete_device(oauth, response).await
}

/// Whether the datasource's Issuer publishes `authorization_response_iss_parameter_supported`
/// (RFC 9207 §3); `false` without an Issuer or when its metadata cannot be read. Discovery goes
/// with the datasource's pin, client certificate and proxy, as its token calls.
async fn issuer_promises_iss(oauth: OAuthDatasource<'_>) -> bool {
    if oauth.config.issuer.trim().is_empty() {
        return false;
    }
    let transport = crate::http::Transport::new();
    discovery::discover_for(&transport, oauth.datasource).await.is_ok_and(|metadata| metadata.promises_iss())
}
