//! The OAuth 2.0 token state of a datasource as it may be shown: status, expiry, scopes,
//! whether a refresh token is held, the last failure to keep the token alive, and for the token
//! panel the decoded JWT header and claims and the log of token calls. The tokens themselves
//! stay sealed in the store; none of these types carries one.

use serde::{Deserialize, Serialize};
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
    /// The last refresh (or re-fetch) that failed since the tokens were last obtained; `null`
    /// when the last one worked. The access token may still be good until it expires.
    #[ts(optional = nullable)]
    pub last_error: Option<LastTokenError>,
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
            last_error: None,
        }
    }
}

/// A refresh or re-fetch that failed, kept with the token state so the badge can say "Refresh
/// failing" and the editor why. Built from the error's scrubbed message: no secret in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LastTokenError {
    /// When it failed, milliseconds since the epoch.
    #[ts(type = "number")]
    pub at: i64,
    /// The grant of the failed call: `refresh_token`, `client_credentials`, `password`.
    pub grant: String,
    /// What happened and what to check.
    pub message: String,
    /// The provider's RFC 6749 §5.2 `error`, when it gave one.
    pub error: Option<String>,
    /// The provider's `error_description`, when it gave one.
    pub description: Option<String>,
    /// The setting to check (`auth.refreshClientAuthentication`), when one is likely.
    pub field: Option<String>,
    /// Failures in a row.
    pub failures: u32,
}

/// One call to the token or revocation endpoint, as the token panel and `latchkey token --log`
/// list them. Holds no secret: the endpoint without its query, the provider's scrubbed words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TokenCallEntry {
    /// When the call began, milliseconds since the epoch.
    #[ts(type = "number")]
    pub at: i64,
    /// `authorization_code`, `refresh_token`, `client_credentials`, `password` or `revocation`.
    pub grant: String,
    /// Scheme, host, port and path of the endpoint (never its query).
    pub endpoint: String,
    /// The HTTP status; `null` when no answer came.
    pub status: Option<u16>,
    #[ts(type = "number")]
    pub duration_ms: i64,
    /// The provider's `error` code, or what went wrong (`network`, `not_a_token_response`).
    pub error: Option<String>,
    /// The provider's `error_description`, or the failure in words.
    pub description: Option<String>,
}

/// The header and claims of a JWT (RFC 7519 §3), decoded without checking the signature and
/// without the token or its signature.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DecodedJwt {
    #[ts(type = "Record<string, unknown>")]
    pub header: serde_json::Value,
    #[ts(type = "Record<string, unknown>")]
    pub claims: serde_json::Value,
}

impl DecodedJwt {
    /// The header and claims of `token` when it is a JWS compact serialization whose first two
    /// parts are base64url JSON objects; `None` for opaque tokens.
    pub fn decode(token: &str) -> Option<DecodedJwt> {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine;
        let mut parts = token.split('.');
        let (header, claims, _signature, None) = (parts.next()?, parts.next()?, parts.next()?, parts.next()) else {
            return None;
        };
        let object = |part: &str| -> Option<serde_json::Value> {
            let bytes = URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()?;
            serde_json::from_slice::<serde_json::Value>(&bytes).ok().filter(serde_json::Value::is_object)
        };
        Some(DecodedJwt { header: object(header)?, claims: object(claims)? })
    }
}

/// What the token panel shows of an OAuth 2.0 datasource: the state, the scopes asked for and
/// granted, the decoded JWTs, and the last [`MAX_TOKEN_CALLS`] token calls, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TokenDetails {
    pub state: TokenState,
    /// The scopes the datasource asks for.
    pub requested_scopes: Vec<String>,
    /// Requested scopes the provider did not grant (RFC 6749 §3.3: it may grant fewer).
    pub missing_scopes: Vec<String>,
    /// The access token's header and claims when it is a JWT.
    pub access_token_jwt: Option<DecodedJwt>,
    /// The OpenID Connect ID token's header and claims, when the provider issued one.
    pub id_token: Option<DecodedJwt>,
    pub calls: Vec<TokenCallEntry>,
}

/// How many token calls are kept per datasource.
pub const MAX_TOKEN_CALLS: usize = 50;

/// `ms` (since the epoch) as an RFC 3339 UTC time with milliseconds: `2026-12-01T20:56:09.123Z`.
pub fn rfc3339(ms: i64) -> String {
    let (days, rest) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let (h, m, s, milli) = (rest / 3_600_000, rest / 60_000 % 60, rest / 1000 % 60, rest % 1000);
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{milli:03}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_writes_utc_with_milliseconds() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(951_782_400_000), "2000-02-29T00:00:00.000Z", "a leap day");
        assert_eq!(rfc3339(1_796_158_569_123), "2026-12-01T20:56:09.123Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn a_jwt_is_decoded_to_header_and_claims_and_an_opaque_token_is_not() {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine;
        let part = |json: &str| URL_SAFE_NO_PAD.encode(json);
        let token =
            format!("{}.{}.c2lnbmF0dXJl", part(r#"{"alg":"RS256","kid":"k1"}"#), part(r#"{"sub":"alice","exp":5}"#));
        let decoded = DecodedJwt::decode(&token).expect("a JWT");
        assert_eq!(decoded.header["kid"], "k1");
        assert_eq!(decoded.claims["sub"], "alice");
        let shown = serde_json::to_string(&decoded).unwrap();
        assert!(!shown.contains("c2lnbmF0dXJl") && !shown.contains(&token), "neither signature nor token: {shown}");
        assert_eq!(DecodedJwt::decode("opaque-token-value"), None);
        assert_eq!(
            DecodedJwt::decode(&format!("{}.{}.x", part("[1]"), part("{}"))),
            None,
            "a header must be an object"
        );
    }
}
