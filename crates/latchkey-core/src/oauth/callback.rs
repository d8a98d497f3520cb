//! The authorization callback (RFC 6749 §4.1.2 and §4.1.2.1), whichever way it arrives: the
//! loopback listener's request line or the desktop app's deep link. Parsing and checking are
//! pure; a code is handed out only when the `state` matches the pending attempt and the `iss`
//! names its authorization server (RFC 9207). A callback without this attempt's `state` is not
//! for it: the receivers ignore it and keep waiting (see [`AuthorizationError::ends_attempt`]).

use url::Url;

use super::authorization::PendingAuthorization;
use crate::{Error, Result, Secret};

/// The query of a callback: `code` and `state`, or `error` with its description (RFC 6749
/// §4.1.2, §4.1.2.1), and the authorization server's `iss` (RFC 9207 §2).
#[derive(Debug, Default)]
pub struct Callback {
    pub code: Option<Secret>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
    pub iss: Option<String>,
}

/// Why an authorization attempt ended without a code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthorizationError {
    /// RFC 6749 §4.1.2.1: the provider (or the person) refused.
    #[error("the provider answered `{error}`{}: {}", describe(.description), denied_advice(.error))]
    Denied { error: String, description: Option<String> },
    /// A callback whose `state` is not this attempt's: ignored, the attempt keeps waiting.
    #[error(
        "ignored a callback whose `state` is not this attempt's (forged, stale, or from another attempt); \
         still waiting for the provider's answer"
    )]
    StateMismatch,
    /// A callback without `state`: ignored, the attempt keeps waiting.
    #[error(
        "ignored a callback without `state` (not an answer to this attempt); still waiting for the provider's answer"
    )]
    MissingState,
    /// RFC 9207 §2.4: the callback's `iss` is not the datasource's issuer (a mix-up attack, or a
    /// wrong Issuer); the code is not exchanged.
    #[error(
        "the callback comes from the issuer `{received}`, but this datasource's Issuer is `{expected}` \
         (RFC 9207): nothing was exchanged or stored; this may be a mix-up attack. If `{received}` is \
         the right provider, correct the Issuer and authorize again"
    )]
    IssuerMismatch { expected: String, received: String },
    /// RFC 9207 §2.4 for a datasource without an Issuer: `iss` must be on the Authorization URL's
    /// origin, the server the request was sent to.
    #[error(
        "the callback comes from the issuer `{received}`, which is not on the origin of the Authorization \
         URL ({authorization_origin}) (RFC 9207): nothing was exchanged or stored; this may be a mix-up \
         attack. If `{received}` is the right provider, set it as the datasource's Issuer and authorize again"
    )]
    IssuerOffOrigin { authorization_origin: String, received: String },
    /// RFC 9207 §2.4: the provider's metadata promises `iss` in every authorization response.
    #[error(
        "the callback carries no `iss`, though the metadata of `{expected}` says every answer does \
         (authorization_response_iss_parameter_supported, RFC 9207): nothing was exchanged or stored; \
         authorize again"
    )]
    IssuerMissing { expected: String },
    #[error("the callback carries neither a `code` nor an `error`: check the provider's Redirect URL settings")]
    MissingCode,
    /// No callback came. A provider that cannot redirect (an unregistered Redirect URL) shows
    /// its error page instead (RFC 6749 §4.1.2.1), so that is the likely cause.
    #[error(
        "no callback came within {seconds} s. If the browser shows an error page from the provider (for \
         example a redirect URI mismatch, which the provider shows instead of redirecting, RFC 6749 \
         §4.1.2.1), register this Redirect URL with the provider exactly as shown: {redirect_uri} \
         — then authorize again"
    )]
    TimedOut { seconds: u64, redirect_uri: String },
    #[error("authorization cancelled")]
    Cancelled,
    /// RFC 8628 §3.5 `access_denied`: the person refused on the verification page.
    #[error(
        "the person denied the authorization on the verification page{}: nothing was stored; authorize again \
         and allow access",
        describe(.description)
    )]
    DeviceDenied { description: Option<String> },
    /// RFC 8628 §3.5 `expired_token`, or the code's `expires_in` passed while polling.
    #[error("the code expired before the person confirmed it: authorize again (a new code is shown)")]
    DeviceCodeExpired,
    /// The loopback port could not be bound.
    #[error(
        "cannot listen on 127.0.0.1:{port} for the redirect ({reason}): close the program using it, \
         or set another Loopback port (and register the new Redirect URL)"
    )]
    PortUnavailable { port: u16, reason: String },
}

impl AuthorizationError {
    /// Whether this ends the attempt. A callback that is not for the attempt (wrong or missing
    /// `state`) does not: it is answered, reported and ignored, so nobody but the provider the
    /// person is talking to can end an authorization.
    pub fn ends_attempt(&self) -> bool {
        !matches!(self, AuthorizationError::StateMismatch | AuthorizationError::MissingState)
    }

    /// No callback within `timeout` for an attempt that registered `redirect_uri`.
    pub fn timed_out(timeout: std::time::Duration, redirect_uri: &str) -> Self {
        AuthorizationError::TimedOut {
            seconds: timeout.as_millis().div_ceil(1000) as u64,
            redirect_uri: redirect_uri.to_owned(),
        }
    }
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
                "iss" if callback.iss.is_none() => callback.iss = Some(value.into_owned()),
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
    /// refused whatever else it says, so a forged code never reaches the token endpoint (and the
    /// receivers ignore it, [`AuthorizationError::ends_attempt`]). Then the `iss` (RFC 9207
    /// §2.4, for error responses too), then the provider's `error`, then the code.
    ///
    /// # Errors
    /// [`Error::Authorization`] with the reason.
    pub fn accept(&self, callback: Callback) -> Result<Secret> {
        let fail = |e| Err(Error::Authorization(e));
        let Some(state) = callback.state.as_deref() else { return fail(AuthorizationError::MissingState) };
        if !constant_time_eq(state.as_bytes(), self.state.expose().as_bytes()) {
            return fail(AuthorizationError::StateMismatch);
        }
        if let Some(reason) = self.issuer.check(callback.iss.as_deref()) {
            return fail(reason);
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

/// What a callback's `iss` must name (RFC 9207 §2.4): the datasource's Issuer when it has one;
/// without one, the issuer is unknown, and an `iss` is accepted only on the origin of the
/// Authorization URL the request went to (a mix-up sends it elsewhere). Issuers are compared
/// as strings (RFC 9207 §2.4, RFC 3986 §6.2.1), forgiving only a trailing `/`, as discovery does.
#[derive(Debug, Clone)]
pub(crate) struct IssuerCheck {
    issuer: Option<String>,
    authorization_origin: url::Origin,
    /// The issuer's metadata says `authorization_response_iss_parameter_supported` (RFC 9207 §3).
    pub(crate) required: bool,
}

impl IssuerCheck {
    pub(crate) fn new(issuer: &str, authorization_url: &Url) -> Self {
        let issuer = Some(issuer.trim().to_owned()).filter(|i| !i.is_empty());
        IssuerCheck { issuer, authorization_origin: authorization_url.origin(), required: false }
    }

    /// Why `iss` is not acceptable, if it is not.
    fn check(&self, iss: Option<&str>) -> Option<AuthorizationError> {
        let trim = |s: &str| s.strip_suffix('/').unwrap_or(s).to_owned();
        match (iss, &self.issuer) {
            (None, Some(expected)) if self.required => {
                Some(AuthorizationError::IssuerMissing { expected: expected.clone() })
            }
            (None, _) => None,
            (Some(received), Some(expected)) => (trim(received) != trim(expected)).then(|| {
                AuthorizationError::IssuerMismatch { expected: expected.clone(), received: received.to_owned() }
            }),
            (Some(received), None) => {
                let same = Url::parse(received).is_ok_and(|url| url.origin() == self.authorization_origin);
                (!same).then(|| AuthorizationError::IssuerOffOrigin {
                    authorization_origin: self.authorization_origin.ascii_serialization(),
                    received: received.to_owned(),
                })
            }
        }
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
        let datasource = Datasource::unsaved(
            "ds_1",
            DatasourceConfig {
                name: "x".into(),
                url: "https://api.example.com".into(),
                auth: AuthConfig::OAuth2(Box::new(OAuth2Config {
                    authorization_url: "https://id.example.com/auth".into(),
                    ..Default::default()
                })),
                ..Default::default()
            },
        );
        super::super::authorization::start(
            super::super::OAuthDatasource::of(&datasource).unwrap(),
            "http://127.0.0.1:1/callback",
        )
        .unwrap()
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

    fn pending_for(issuer: &str, authorization_url: &str) -> PendingAuthorization {
        let config =
            OAuth2Config { issuer: issuer.into(), authorization_url: authorization_url.into(), ..Default::default() };
        let datasource = Datasource::unsaved(
            "ds_1",
            DatasourceConfig { name: "x".into(), auth: AuthConfig::OAuth2(Box::new(config)), ..Default::default() },
        );
        super::super::authorization::start(
            super::super::OAuthDatasource::of(&datasource).unwrap(),
            "http://127.0.0.1:1/callback",
        )
        .unwrap()
    }

    #[test]
    fn rfc9207_iss_must_name_the_issuer_before_the_code_or_error_counts() {
        let p = pending_for("https://id.example.com", "https://id.example.com/auth");
        let state = p.state.expose().to_owned();
        let ok = format!("code=c&state={state}&iss=https%3A%2F%2Fid.example.com");
        assert_eq!(p.accept(Callback::from_query(&ok)).unwrap().expose(), "c");
        let slash = format!("code=c&state={state}&iss=https%3A%2F%2Fid.example.com%2F");
        assert!(p.accept(Callback::from_query(&slash)).is_ok(), "a trailing slash is forgiven, as in discovery");
        let other = format!("error=access_denied&state={state}&iss=https%3A%2F%2Fevil.example");
        assert_eq!(
            reason(p.accept(Callback::from_query(&other))),
            AuthorizationError::IssuerMismatch {
                expected: "https://id.example.com".into(),
                received: "https://evil.example".into()
            },
            "error responses are checked too (RFC 9207 §2.4)"
        );
        let first_wins =
            format!("code=c&state={state}&iss=https%3A%2F%2Fevil.example&iss=https%3A%2F%2Fid.example.com");
        assert!(p.accept(Callback::from_query(&first_wins)).is_err(), "a repeated iss cannot replace the first");
        let bare = format!("code=c&state={state}");
        assert!(p.accept(Callback::from_query(&bare)).is_ok(), "without the metadata's promise, iss is optional");
        let mut p = p;
        p.require_iss();
        assert_eq!(
            reason(p.accept(Callback::from_query(&bare))),
            AuthorizationError::IssuerMissing { expected: "https://id.example.com".into() }
        );
        let forged = "code=c&state=guess";
        assert!(!reason(p.accept(Callback::from_query(forged))).ends_attempt(), "the state is checked first");
    }

    #[test]
    fn without_an_issuer_iss_must_be_on_the_authorization_urls_origin() {
        let p = pending_for("", "https://id.example.com/tenant/oauth2/authorize");
        let state = p.state.expose().to_owned();
        let same = format!("code=c&state={state}&iss=https%3A%2F%2Fid.example.com%2Ftenant");
        assert!(p.accept(Callback::from_query(&same)).is_ok());
        for iss in ["https%3A%2F%2Fevil.example", "http%3A%2F%2Fid.example.com", "not%20a%20url"] {
            let query = format!("code=c&state={state}&iss={iss}");
            let err = reason(p.accept(Callback::from_query(&query)));
            assert!(matches!(err, AuthorizationError::IssuerOffOrigin { .. }), "{iss}: {err:?}");
            assert!(err.to_string().contains("https://id.example.com"), "{err}");
        }
    }

    #[test]
    fn only_callbacks_of_this_attempt_end_it() {
        assert!(!AuthorizationError::StateMismatch.ends_attempt());
        assert!(!AuthorizationError::MissingState.ends_attempt());
        assert!(AuthorizationError::MissingCode.ends_attempt());
        assert!(AuthorizationError::Cancelled.ends_attempt());
    }

    #[test]
    fn deep_links_parse_like_loopback_queries() {
        let url = Url::parse("latchkey://oauth/callback?code=xyz&state=s1").unwrap();
        let callback = Callback::from_url(&url);
        assert_eq!(callback.code.unwrap().expose(), "xyz");
        assert_eq!(callback.state.as_deref(), Some("s1"));
    }
}
