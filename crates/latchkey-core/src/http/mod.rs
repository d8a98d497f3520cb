//! Request execution through a datasource. Preparation (`prepare`) is pure: base URL and
//! path joined, headers and query parameters merged, authentication and the signature header
//! applied, a redacted copy of what is sent. Sending (`send`) is thin: a reqwest client per
//! trust configuration, same-origin redirects only, the body streamed and spilled to a temp
//! file past a size cap. OAuth token acquisition is the OAuth module's, behind [`TokenSource`].

mod prepare;
mod send;
pub mod signature;
pub mod tls;

use std::future::Future;

pub use prepare::{prepare, PreparedBody, PreparedRequest, SentRequest};
pub use send::{Response, ResponseBody, SendOptions, Timings, Transport};

use crate::model::{AuthConfig, Datasource};
use crate::{Error, Result, Secret};

/// Gives the access token of an OAuth 2.0 datasource. The OAuth module implements it with the
/// token lifecycle (refresh, single flight); tests and benchmarks can pass a fixed token.
pub trait TokenSource {
    /// A currently valid access token for `datasource`.
    fn access_token(&self, datasource: &Datasource) -> impl Future<Output = Result<Secret>> + Send;
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

/// Prepares `spec` through `datasource`, asking `tokens` for an access token when the
/// datasource uses OAuth 2.0.
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
    prepare(datasource, spec, token.as_ref())
}
