//! The OAuth 2.0 token state of a datasource as it may be shown: status, expiry, scopes, and
//! whether a refresh token is held. The tokens themselves stay sealed in the store; this type
//! never carries them.

use serde::Serialize;
use ts_rs::TS;

/// Where a datasource stands with its provider (DESIGN.md "Data model").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TokenStatus {
    /// No token yet, or forgotten by logout.
    NotAuthorized,
    Authorized,
    /// The provider refused the refresh token (or none was issued and the access token
    /// expired): a person has to authorize again. `reason` says what the provider said.
    NeedsReauthorization,
}

impl TokenStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenStatus::NotAuthorized => "not_authorized",
            TokenStatus::Authorized => "authorized",
            TokenStatus::NeedsReauthorization => "needs_reauthorization",
        }
    }
}

/// The shown part of a datasource's token state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TokenState {
    pub status: TokenStatus,
    /// Why re-authorization is needed, in the provider's words where it gave any.
    pub reason: Option<String>,
    /// The token type the provider named (`Bearer`), as it wrote it.
    pub token_type: String,
    /// Scopes granted, when the provider said (RFC 6749 §5.1 `scope`).
    pub scopes: Vec<String>,
    /// When the access token was obtained, milliseconds since the epoch.
    #[ts(type = "number | null")]
    pub obtained_at: Option<i64>,
    /// When the access token expires, milliseconds since the epoch; `null` when unknown.
    #[ts(type = "number | null")]
    pub expires_at: Option<i64>,
    pub has_refresh_token: bool,
}

impl TokenState {
    /// The state of a datasource that never had a token.
    pub fn not_authorized() -> Self {
        TokenState {
            status: TokenStatus::NotAuthorized,
            reason: None,
            token_type: String::new(),
            scopes: Vec::new(),
            obtained_at: None,
            expires_at: None,
            has_refresh_token: false,
        }
    }
}
