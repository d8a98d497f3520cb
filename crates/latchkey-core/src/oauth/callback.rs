//! The authorization callback (RFC 6749 §4.1.2 and §4.1.2.1), whichever way it arrives: the
//! loopback listener's request line or the desktop app's deep link. Parsing and checking are
//! pure; a code is handed out only when the `state` matches the pending attempt.

use url::Url;

use super::authorization::PendingAuthorization;
use crate::{Error, Result, Secret};

/// The query of a callback: `code` and `state`, or `error` with its description.
#[derive(Debug, Default)]
pub struct Callback {
    pub code: Option<Secret>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
}

/// Why an authorization attempt ended without a code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthorizationError {
    /// RFC 6749 §4.1.2.1: the provider (or the person) refused.
    #[error("the provider answered `{error}`{}: {}", describe(.description), denied_advice(.error))]
    Denied { error: String, description: Option<String> },
    #[error(
        "the callback's `state` does not match this authorization attempt (a forged or stale callback): \
         nothing was stored; start the authorization again"
    )]
    StateMismatch,
    #[error(
        "the callback carries no `state`: it was not sent in answer to this attempt; nothing was stored; \
         start the authorization again"
    )]
    MissingState,
    #[error("the callback carries neither a `code` nor an `error`: check the provider's Redirect URL settings")]
    MissingCode,
    #[error("no answer from the provider within {0} s: authorize again, and finish in the browser sooner")]
    TimedOut(u64),
    #[error("authorization cancelled")]
    Cancelled,
    /// The loopback port could not be bound.
    #[error(
        "cannot listen on 127.0.0.1:{port} for the redirect ({reason}): close the program using it, \
         or set another Loopback port (and register the new Redirect URL)"
    )]
    PortUnavailable { port: u16, reason: String },
}

fn describe(description: &Option<String>) -> String {
    description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default()
}

fn denied_advice(error: &str) -> &'static str {
    match error {
        "access_denied" => "consent was refused in the browser; authorize again and allow access",
        "invalid_scope" => "check the Scopes: the provider does not offer one of them to this client",
        "unauthorized_client" => "this client may not use the authorization code grant; enable it at the provider",
        "invalid_request" => {
            "the provider rejected the authorization request: check the Client ID, the Redirect URL registered \
             with the provider, and the custom parameters"
        }
        "unsupported_response_type" => "the provider does not offer the authorization code grant to this client",
        "server_error" | "temporarily_unavailable" => "the provider had a problem; try again in a moment",
        _ => "check the datasource's OAuth settings against the provider's",
    }
}

impl Callback {
    /// Reads a callback from a query string (without the `?`).
    pub fn from_query(query: &str) -> Callback {
        let mut callback = Callback::default();
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            // The first value wins; a repeated parameter cannot replace it.
            match key.as_ref() {
                "code" if callback.code.is_none() => callback.code = Some(Secret::new(value.into_owned())),
                "state" if callback.state.is_none() => callback.state = Some(value.into_owned()),
                "error" if callback.error.is_none() => callback.error = Some(value.into_owned()),
                "error_description" if callback.error_description.is_none() => {
                    callback.error_description = Some(value.into_owned());
                }
                _ => {}
            }
        }
        callback
    }

    /// Reads a callback from a full URL (the deep link `latchkey://oauth/callback?…`).
    pub fn from_url(url: &Url) -> Callback {
        Callback::from_query(url.query().unwrap_or(""))
    }
}

impl PendingAuthorization {
    /// Checks `callback` against this attempt and gives its code.
    ///
    /// The `state` is checked first: a callback that does not carry this attempt's state is
    /// refused whatever else it says, so a forged code never reaches the token endpoint.
    ///
    /// # Errors
    /// [`Error::Authorization`] with the reason.
    pub fn accept(&self, callback: Callback) -> Result<Secret> {
        let fail = |e| Err(Error::Authorization(e));
        let Some(state) = callback.state.as_deref() else { return fail(AuthorizationError::MissingState) };
        if !constant_time_eq(state.as_bytes(), self.state.expose().as_bytes()) {
            return fail(AuthorizationError::StateMismatch);
        }
        if let Some(error) = callback.error {
            return fail(AuthorizationError::Denied { error, description: callback.error_description });
        }
        match callback.code {
            Some(code) if !code.expose().is_empty() => Ok(code),
            _ => fail(AuthorizationError::MissingCode),
        }
    }

    /// Whether `callback` belongs to this attempt (its `state` matches); for routing deep links.
    pub fn owns(&self, callback: &Callback) -> bool {
        callback.state.as_deref().is_some_and(|s| constant_time_eq(s.as_bytes(), self.state.expose().as_bytes()))
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AuthConfig, Datasource, DatasourceConfig, OAuth2Config};

    fn pending() -> PendingAuthorization {
        let datasource = Datasource {
            id: "ds_1".into(),
            created_at: 0,
            updated_at: 0,
            config: DatasourceConfig {
                name: "x".into(),
                url: "https://api.example.com".into(),
                auth: AuthConfig::OAuth2(Box::new(OAuth2Config {
                    authorization_url: "https://id.example.com/auth".into(),
                    ..Default::default()
                })),
                ..Default::default()
            },
        };
        super::super::authorization::start(&datasource, "http://127.0.0.1:1/callback").unwrap()
    }

    fn reason(result: Result<Secret>) -> AuthorizationError {
        match result {
            Err(Error::Authorization(e)) => e,
            other => panic!("expected an authorization error, got {other:?}"),
        }
    }

    #[test]
    fn a_matching_state_gives_the_code() {
        let p = pending();
        let query = format!("code=abc%2Fdef&state={}", p.state.expose());
        assert_eq!(p.accept(Callback::from_query(&query)).unwrap().expose(), "abc/def");
    }

    #[test]
    fn wrong_or_missing_state_is_refused_even_with_a_code() {
        let p = pending();
        assert_eq!(
            reason(p.accept(Callback::from_query("code=forged&state=guess"))),
            AuthorizationError::StateMismatch
        );
        assert_eq!(reason(p.accept(Callback::from_query("code=forged"))), AuthorizationError::MissingState);
        // A repeated state cannot smuggle in a second value.
        let query = format!("code=c&state=guess&state={}", p.state.expose());
        assert_eq!(reason(p.accept(Callback::from_query(&query))), AuthorizationError::StateMismatch);
    }

    #[test]
    fn provider_errors_keep_their_words() {
        let p = pending();
        let query = format!("error=access_denied&error_description=The+user+said+no&state={}", p.state.expose());
        let err = reason(p.accept(Callback::from_query(&query)));
        assert_eq!(
            err,
            AuthorizationError::Denied { error: "access_denied".into(), description: Some("The user said no".into()) }
        );
        assert!(err.to_string().contains("consent was refused"), "{err}");
        let query = format!("state={}", p.state.expose());
        assert_eq!(reason(p.accept(Callback::from_query(&query))), AuthorizationError::MissingCode);
    }

    #[test]
    fn deep_links_parse_like_loopback_queries() {
        let url = Url::parse("latchkey://oauth/callback?code=xyz&state=s1").unwrap();
        let callback = Callback::from_url(&url);
        assert_eq!(callback.code.unwrap().expose(), "xyz");
        assert_eq!(callback.state.as_deref(), Some("s1"));
    }
}
