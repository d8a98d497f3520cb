//! Request execution through a datasource. Preparation (`prepare`) is pure: the request's
//! variables resolved, base URL and path joined, headers and query parameters merged,
//! authentication, the body and the signature header applied, a redacted copy of what is sent. Sending (`send`) is thin: a reqwest client per
//! trust configuration, same-origin redirects only, the body streamed and spilled to a temp
//! file past a size cap. `view` is the tester's bounded view of a response; `curl` the "Copy
//! as cURL" line; `client_cert` the client certificate (mutual TLS) and its checks. OAuth token acquisition is the OAuth module's, behind [`TokenSource`].

pub mod client_cert;
mod curl;
mod prepare;
mod proxy;
mod send;
pub mod signature;
pub mod tls;
mod view;

use std::future::Future;
use std::time::SystemTime;

pub use prepare::{needs_setup, prepare, PreparedBody, PreparedRequest, Redaction, SentRequest, REDACTED};
pub use send::{ProxiedClient, Response, ResponseBody, SendOptions, Timings, Transport};
pub use view::{ResponseView, IMAGE_PREVIEW_LIMIT, TEXT_PREVIEW_LIMIT};

use crate::model::{AuthConfig, Datasource};
use crate::{Error, Result, Secret};

/// Gives the access token of an OAuth 2.0 datasource. The OAuth module implements it with the
/// token lifecycle (refresh, single flight); tests and benchmarks can pass a fixed token.
pub trait TokenSource {
    /// A currently valid access token for `datasource`.
    fn access_token(&self, datasource: &Datasource) -> impl Future<Output = Result<Secret>> + Send;

    /// After the API answered 401 to `rejected`: a new token to retry with once, or `None`.
    fn renew(&self, datasource: &Datasource, rejected: &Secret) -> impl Future<Output = Result<Option<Secret>>> + Send {
        let _ = (datasource, rejected);
        async { Ok(None) }
    }
}

/// A token source that has no tokens: every OAuth 2.0 datasource is not authorized.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoTokens;

impl TokenSource for NoTokens {
    async fn access_token(&self, datasource: &Datasource) -> Result<Secret> {
        Err(Error::NotAuthorized(datasource.config.name.clone()))
    }
}

/// A fixed token (a cached one, or one a test made).
#[derive(Debug, Clone)]
pub struct FixedToken(pub Secret);

impl TokenSource for FixedToken {
    async fn access_token(&self, _: &Datasource) -> Result<Secret> {
        Ok(self.0.clone())
    }
}

/// Prepares (variables resolved, as [`prepare`] does) and sends `spec` through `datasource`
/// (as the store's `datasource_in` gives it), signed now. When an OAuth 2.0 token believed valid is
/// answered with 401, the token source renews it once and the request is sent once more,
/// unless its body cannot be sent twice.
///
/// # Errors
/// As [`prepare`] and [`Transport::send`], and whatever the token source reports.
pub async fn execute<T: TokenSource>(
    transport: &Transport,
    datasource: &Datasource,
    spec: &crate::model::RequestSpec,
    tokens: &T,
    options: &SendOptions,
) -> Result<Response> {
    let token = match datasource.config.auth {
        AuthConfig::OAuth2(_) => Some(tokens.access_token(datasource).await?),
        _ => None,
    };
    let prepared = prepare(datasource, spec, token.as_ref(), SystemTime::now())?;
    let replayable = prepared.body.is_replayable();
    let response = transport.send(datasource, prepared, options).await?;
    if let (401, Some(used), true) = (response.status, &token, replayable) {
        if let Some(renewed) = tokens.renew(datasource, used).await? {
            let again = prepare(datasource, spec, Some(&renewed), SystemTime::now())?;
            return transport.send(datasource, again, options).await;
        }
    }
    Ok(response)
}

/// Prepares `spec` through `datasource` as [`prepare`] does, signed now, asking `tokens` for an
/// access token when the datasource uses OAuth 2.0 (Copy as cURL, the request as it would go).
///
/// # Errors
/// As [`prepare`], and whatever the token source reports.
pub async fn prepare_with<T: TokenSource>(
    datasource: &Datasource,
    spec: &crate::model::RequestSpec,
    tokens: &T,
) -> Result<PreparedRequest> {
    let token = match datasource.config.auth {
        AuthConfig::OAuth2(_) => Some(tokens.access_token(datasource).await?),
        _ => None,
    };
    prepare(datasource, spec, token.as_ref(), SystemTime::now())
}
