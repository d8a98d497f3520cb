//! OAuth 2.0 for datasources: the authorization request (`authorization`), the callback and
//! its checks (`callback`), the loopback redirect receiver (`redirect`), the token client
//! (`token_client`), the token lifecycle (`lifecycle`), and endpoint discovery (`discovery`).
//! The configuration types are the model's; storage of tokens is the store's. Opening the
//! system browser is `browser`'s; the deep link belongs to the front ends, which hand the core
//! a URL opener and callbacks.

pub mod authorization;
pub mod browser;
pub mod callback;
pub mod discovery;
pub mod lifecycle;
pub mod redirect;
pub mod token_client;

use std::time::Duration;

pub use authorization::PendingAuthorization;
pub use callback::{AuthorizationError, Callback};
pub use lifecycle::{Logout, TokenLifecycle};
pub use redirect::RedirectListener;
pub use token_client::{TokenClient, TokenClientOptions, TokenError};

use crate::model::{AuthConfig, Datasource, GrantType, OAuth2Config, RedirectKind, TokenState};
use crate::{Error, Result};

/// The OAuth 2.0 configuration of `datasource`.
///
/// # Errors
/// [`Error::Invalid`] on `auth.type` when the datasource uses another authentication.
pub fn oauth_config(datasource: &Datasource) -> Result<&OAuth2Config> {
    match &datasource.config.auth {
        AuthConfig::OAuth2(config) => Ok(config),
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

/// Authorizes `datasource` with the authorization code grant through the loopback redirect:
/// binds the listener, calls `open` with the authorization URL and the Redirect URL (the
/// front end opens the browser, or prints the URL), waits up to `timeout` for the one
/// callback, exchanges the code and stores the tokens.
///
/// # Errors
/// [`Error::Authorization`] (port taken, denied, forged state, timeout), [`Error::Token`];
/// nothing is stored then.
pub async fn authorize_loopback(
    lifecycle: &TokenLifecycle,
    datasource: &Datasource,
    timeout: Duration,
    open: impl FnOnce(&PendingAuthorization),
) -> Result<TokenState> {
    let config = oauth_config(datasource)?;
    if config.grant_type != GrantType::AuthorizationCode {
        return lifecycle.fetch_now(datasource).await;
    }
    if config.redirect != RedirectKind::Loopback {
        return Err(Error::field(
            "auth.redirect",
            "this datasource receives its callback by deep link, which only the desktop app can: \
             authorize it there, or switch Redirect to loopback",
        ));
    }
    let listener = RedirectListener::bind(config.loopback_port).await?;
    let pending = authorization::start(datasource, &listener.redirect_uri())?;
    open(&pending);
    let code = listener.wait(&pending, timeout).await?;
    lifecycle.complete(datasource, &pending, &code).await
}

/// Authorizes `datasource` with the callback arriving by deep link
/// (`latchkey://oauth/callback`): the desktop app forwards every callback URL it receives to
/// `callbacks`; the first one ends the attempt, as on the loopback listener.
///
/// # Errors
/// As [`authorize_loopback`]; [`AuthorizationError::Cancelled`] when `callbacks` closes.
pub async fn authorize_deep_link(
    lifecycle: &TokenLifecycle,
    datasource: &Datasource,
    callbacks: &mut tokio::sync::mpsc::Receiver<Callback>,
    timeout: Duration,
    open: impl FnOnce(&PendingAuthorization),
) -> Result<TokenState> {
    let pending = authorization::start(datasource, crate::model::DEEP_LINK_REDIRECT_URI)?;
    open(&pending);
    let callback = match tokio::time::timeout(timeout, callbacks.recv()).await {
        Ok(Some(callback)) => callback,
        Ok(None) => return Err(Error::Authorization(AuthorizationError::Cancelled)),
        Err(_) => {
            return Err(Error::Authorization(AuthorizationError::TimedOut(timeout.as_millis().div_ceil(1000) as u64)));
        }
    };
    let code = pending.accept(callback)?;
    lifecycle.complete(datasource, &pending, &code).await
}
