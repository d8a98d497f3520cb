//! The core's error type and the shape errors take when they cross to the UI.
//!
//! Every failure a person can cause or fix has its own variant; there is no catch-all.
//! Messages never contain secret values: callers build them from field names, ids and
//! provider-independent descriptions only.

use serde::Serialize;
use ts_rs::TS;

/// A problem with one field of some input, named by its path (`auth.clientId`, `headers[2].key`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FieldError {
    /// Dotted path of the field, in the camelCase names of the file format.
    pub field: String,
    /// What is wrong and what to do about it.
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that failed validation; nothing was stored.
    #[error("{}", join_fields(.0))]
    Invalid(Vec<FieldError>),
    /// A file or text that is not a datasource in the expected JSON shape.
    #[error("{0}")]
    Format(String),
    #[error("no datasource named `{0}`")]
    DatasourceNotFound(String),
    /// An id from the UI that names no stored datasource (deleted meanwhile).
    #[error("the datasource `{0}` no longer exists: it may have been deleted")]
    DatasourceIdNotFound(crate::model::DatasourceId),
    /// An environment name (or id from the UI) that names no environment of the vault.
    #[error("no environment named `{name}`: the vault has {}", .known.join(", "))]
    EnvironmentNotFound { name: String, known: Vec<String> },
    #[error("datasource `{datasource}` has no saved query named `{query}`")]
    QueryNotFound { datasource: String, query: String },
    /// An absolute URL that points away from the datasource's origin.
    #[error(
        "refused to send to {requested}: credentials of this datasource only go to {origin}; \
         use a path, or a URL on that origin"
    )]
    CrossOrigin { requested: String, origin: String },
    /// An OAuth 2.0 datasource without a usable access token.
    #[error("datasource `{0}` is not authorized yet: authorize it first")]
    NotAuthorized(String),
    /// The datasource's refresh token was refused, or it expired with none: authorize again.
    #[error("datasource `{name}` needs to be authorized again ({reason}): run `latchkey authorize {name}` or use Save and Authorize")]
    NeedsReauthorization { name: String, reason: String },
    /// The token endpoint refused a request or answered something that is not a token.
    #[error("{0}")]
    Token(Box<crate::oauth::TokenError>),
    /// An authorization attempt ended without a code: denied, forged, timed out, cancelled.
    #[error("{0}")]
    Authorization(crate::oauth::AuthorizationError),
    /// The vault key cannot be found or does not open this vault.
    #[error("vault: {0}")]
    Vault(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    /// A network or protocol failure while sending; the URL is removed (it may carry a key).
    #[error("request failed: {0}")]
    Network(String),
    #[error("TLS: {0}")]
    Tls(String),
    /// The proxy a call went through is unreachable, asks for credentials or refused it.
    #[error("{0}")]
    Proxy(String),
    /// A datasource stored without a secret its authentication needs (imported from a file
    /// that carried none): nothing is sent until the person enters it.
    #[error("datasource `{name}` needs setup: {}", setup_steps(.name, .missing))]
    NeedsSetup { name: String, missing: Vec<FieldError> },
    /// The person stopped it (a request in the tester).
    #[error("cancelled")]
    Cancelled,
    /// The datasource was saved with another provider, client or token destination while its
    /// token was being fetched: the fetched tokens belong to the old configuration and were
    /// not stored.
    #[error("datasource `{0}` was changed while its token was being fetched, so that token was not kept: try again")]
    ConfigurationChanged(String),
}

/// `auth.value: enter the API key (…) before sending`, for each missing secret.
fn setup_steps(name: &str, missing: &[FieldError]) -> String {
    missing
        .iter()
        .map(|e| {
            format!(
                "{}: {} (in the desktop app's editor, or in the file `latchkey datasource export {name}` writes, \
                 then `latchkey datasource import` it) before sending",
                e.field, e.message
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn join_fields(errors: &[FieldError]) -> String {
    errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

impl Error {
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid(vec![FieldError::new(field, message)])
    }

    pub fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> Self {
        Error::Io { path: path.as_ref().display().to_string(), source }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Invalid(_) | Error::Format(_) => ErrorCode::InvalidInput,
            Error::DatasourceNotFound(_)
            | Error::DatasourceIdNotFound(_)
            | Error::EnvironmentNotFound { .. }
            | Error::QueryNotFound { .. } => ErrorCode::NotFound,
            Error::CrossOrigin { .. } => ErrorCode::CrossOrigin,
            Error::NotAuthorized(_) => ErrorCode::NotAuthorized,
            Error::NeedsReauthorization { .. } => ErrorCode::NeedsReauthorization,
            Error::NeedsSetup { .. } => ErrorCode::NeedsSetup,
            Error::Token(_) => ErrorCode::TokenEndpoint,
            Error::Authorization(_) => ErrorCode::AuthorizationFailed,
            Error::Vault(_) => ErrorCode::Vault,
            Error::Database(_) | Error::Migration(_) => ErrorCode::Storage,
            Error::Io { .. } => ErrorCode::Io,
            Error::Network(_) | Error::Proxy(_) => ErrorCode::Network,
            Error::Tls(_) => ErrorCode::Tls,
            Error::Cancelled => ErrorCode::Cancelled,
            Error::ConfigurationChanged(_) => ErrorCode::ConfigurationChanged,
        }
    }
}

impl From<reqwest::Error> for Error {
    fn from(err: reqwest::Error) -> Self {
        // The URL may carry an API key in its query: never let it into a message.
        let err = err.without_url();
        let mut message = err.to_string();
        let mut source = std::error::Error::source(&err);
        while let Some(cause) = source {
            message.push_str(": ");
            message.push_str(&cause.to_string());
            source = cause.source();
        }
        if message.contains("certificate") || message.contains("UnknownIssuer") {
            Error::Tls(message)
        } else {
            Error::Network(message)
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The closed set of error kinds the UI can branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidInput,
    NotFound,
    CrossOrigin,
    NotAuthorized,
    NeedsReauthorization,
    /// A secret its authentication needs was never entered (an import): `fields` names it.
    NeedsSetup,
    /// The token endpoint refused or answered something unusable; `provider` has its words.
    TokenEndpoint,
    /// The authorization in the browser ended without a code.
    AuthorizationFailed,
    Vault,
    Storage,
    Io,
    Network,
    Tls,
    Cancelled,
    /// The datasource changed under a token fetch; trying again uses the new configuration.
    ConfigurationChanged,
}

/// An error as the UI receives it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ErrorPayload {
    pub code: ErrorCode,
    pub message: String,
    /// The first offending field, for highlighting; `fields` has them all.
    pub field: Option<String>,
    pub fields: Vec<FieldError>,
    /// What the provider said (RFC 6749 §5.2 / §4.1.2.1), when it said anything.
    pub provider: Option<Box<ProviderError>>,
}

/// A provider's error as received: `error`, `error_description`, and the HTTP status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProviderError {
    pub error: String,
    pub description: Option<String>,
    /// The token endpoint's HTTP status; `null` for an authorization callback.
    pub status: Option<u16>,
}

impl From<&Error> for ErrorPayload {
    fn from(err: &Error) -> Self {
        let fields = match err {
            Error::Invalid(fields) | Error::NeedsSetup { missing: fields, .. } => fields.clone(),
            _ => Vec::new(),
        };
        ErrorPayload {
            code: err.code(),
            message: err.to_string(),
            field: fields.first().map(|f| f.field.clone()),
            fields,
            provider: match err {
                Error::Token(token) => token.provider_error().map(Box::new),
                Error::Authorization(crate::oauth::AuthorizationError::Denied { error, description }) => {
                    Some(Box::new(ProviderError {
                        error: error.clone(),
                        description: description.clone(),
                        status: None,
                    }))
                }
                Error::Authorization(crate::oauth::AuthorizationError::DeviceDenied { description }) => {
                    Some(Box::new(ProviderError {
                        error: "access_denied".to_owned(),
                        description: description.clone(),
                        status: None,
                    }))
                }
                _ => None,
            },
        }
    }
}

impl From<Error> for ErrorPayload {
    fn from(err: Error) -> Self {
        ErrorPayload::from(&err)
    }
}
