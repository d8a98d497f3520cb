//! The authorization callback (RFC 6749 §4.1.2 / §4.1.2.1, RFC 9207): `Callback::from_query` and
//! `Callback::from_url`, then `PendingAuthorization::accept` / `owns` against two real pending
//! attempts: one of a datasource without an Issuer (an `iss` must be on the Authorization URL's
//! origin) and one with an Issuer whose metadata promises `iss` (`require_iss`).
//!
//! Input: a redirect URL (`http://127.0.0.1:8976/callback?…`, `latchkey://oauth/callback?…`) or
//! a bare query string. Every `{state}` in it is replaced by the pending attempt's real `state`
//! (random, so the fuzzer could never guess it), which lets inputs reach the code path past the
//! state check, and every `{issuer}` by the second attempt's Issuer, form-encoded. Checked
//! against RFC 6749, RFC 9207 and the module's promises: the first value of a parameter wins; a
//! callback without this attempt's `state` is refused whatever else it carries and does not end
//! the attempt; an `iss` of another issuer (or a missing one where it is promised) ends it
//! before its `error` or `code` count; a code is handed out only with the matching state, an
//! acceptable `iss`, no `error`, and a non-empty code.
#![no_main]

use std::sync::OnceLock;

use latchkey_core::model::{AuthConfig, Datasource, DatasourceConfig, OAuth2Config};
use latchkey_core::oauth::authorization::{self, PendingAuthorization};
use latchkey_core::oauth::{AuthorizationError, Callback};
use latchkey_core::Error;
use libfuzzer_sys::fuzz_target;
use url::Url;

/// The second attempt's Issuer.
const ISSUER: &str = "https://id.example.com/tenant";

/// The two attempts with their states: without an Issuer, and with one that promises `iss`.
fn pendings() -> &'static [(PendingAuthorization, String, bool); 2] {
    static PENDING: OnceLock<[(PendingAuthorization, String, bool); 2]> = OnceLock::new();
    PENDING.get_or_init(|| {
        let make = |issuer: &str| {
            let datasource = Datasource::unsaved(
                "ds_fuzz",
                DatasourceConfig {
                    name: "fuzz".into(),
                    url: "https://api.example.com".into(),
                    auth: AuthConfig::OAuth2(Box::new(OAuth2Config {
                        issuer: issuer.into(),
                        authorization_url: "https://id.example.com/auth".into(),
                        access_token_url: "https://id.example.com/token".into(),
                        client_id: "client".into(),
                        ..Default::default()
                    })),
                    ..Default::default()
                },
            );
            let mut pending = authorization::start(
                latchkey_core::oauth::OAuthDatasource::of(&datasource).expect("OAuth 2.0"),
                "http://127.0.0.1:8976/callback",
            )
            .expect("a valid config");
            if !issuer.is_empty() {
                pending.require_iss();
            }
            // The state the browser carries to the provider, which the provider sends back.
            let state = pending
                .url
                .query_pairs()
                .find(|(k, _)| k == "state")
                .map(|(_, v)| v.into_owned())
                .expect("the authorization URL carries a state");
            (pending, state, !issuer.is_empty())
        };
        [make(""), make(ISSUER)]
    })
}

/// RFC 6749 as a reference: the first value of each parameter.
fn first(query: &str, key: &str) -> Option<String> {
    url::form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == key).map(|(_, v)| v.into_owned())
}

/// RFC 9207 §2.4 as a reference: why `iss` is refused, if it is.
fn iss_refusal(iss: Option<&str>, with_issuer: bool) -> Option<AuthorizationError> {
    let trim = |s: &str| s.strip_suffix('/').unwrap_or(s).to_owned();
    match (iss, with_issuer) {
        (None, true) => Some(AuthorizationError::IssuerMissing { expected: ISSUER.into() }),
        (None, false) => None,
        (Some(i), true) => (trim(i) != ISSUER)
            .then(|| AuthorizationError::IssuerMismatch { expected: ISSUER.into(), received: i.into() }),
        (Some(i), false) => {
            let origin = Url::parse("https://id.example.com/auth").unwrap().origin();
            (Url::parse(i).map(|u| u.origin()).ok() != Some(origin)).then(|| AuthorizationError::IssuerOffOrigin {
                authorization_origin: "https://id.example.com".into(),
                received: i.into(),
            })
        }
    }
}

fn check(pending: &PendingAuthorization, expected_state: &str, with_issuer: bool, query: &str, callback: Callback) {
    assert_eq!(callback.code.as_ref().map(|c| c.expose().to_owned()), first(query, "code"));
    assert_eq!(callback.state, first(query, "state"));
    assert_eq!(callback.error, first(query, "error"));
    assert_eq!(callback.error_description, first(query, "error_description"));
    assert_eq!(callback.iss, first(query, "iss"));

    let state = callback.state.clone();
    let error = callback.error.clone();
    let description = callback.error_description.clone();
    let iss = callback.iss.clone();
    let code = callback.code.as_ref().map(|c| c.expose().to_owned());
    assert_eq!(pending.owns(&callback), state.as_deref() == Some(expected_state));
    match pending.accept(callback) {
        Ok(given) => {
            assert_eq!(state.as_deref(), Some(expected_state), "a code without this attempt's state");
            assert!(iss_refusal(iss.as_deref(), with_issuer).is_none(), "a code with an iss of another issuer");
            assert!(error.is_none(), "a code handed out from an error callback");
            assert_eq!(Some(given.expose()), code.as_deref());
            assert!(!given.expose().is_empty());
        }
        Err(Error::Authorization(reason)) => {
            let want = match (&state, &error, &code) {
                (None, ..) => AuthorizationError::MissingState,
                (Some(s), ..) if s != expected_state => AuthorizationError::StateMismatch,
                _ if iss_refusal(iss.as_deref(), with_issuer).is_some() => {
                    iss_refusal(iss.as_deref(), with_issuer).unwrap()
                }
                (_, Some(e), _) => AuthorizationError::Denied { error: e.clone(), description },
                _ => AuthorizationError::MissingCode,
            };
            assert_eq!(reason, want);
            assert_eq!(
                reason.ends_attempt(),
                state.as_deref() == Some(expected_state),
                "only its own callback ends it"
            );
            let _ = reason.to_string();
        }
        Err(other) => panic!("accept failed with {other:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let issuer: String = url::form_urlencoded::byte_serialize(ISSUER.as_bytes()).collect();
    for (pending, state, with_issuer) in pendings() {
        let text = String::from_utf8_lossy(data).replace("{state}", state).replace("{issuer}", &issuer);

        // A bare query string, as the loopback listener hands it over.
        check(pending, state, *with_issuer, &text, Callback::from_query(&text));

        // A full URL, as the deep link arrives; and the loopback request target (`/callback?…`).
        if let Ok(url) = Url::parse(&text) {
            let query = url.query().unwrap_or("").to_owned();
            check(pending, state, *with_issuer, &query, Callback::from_url(&url));
        }
        if let Some((_, query)) = text.split_once('?') {
            check(pending, state, *with_issuer, query, Callback::from_query(query));
        }
    }
});
