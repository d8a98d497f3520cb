//! The authorization callback (RFC 6749 §4.1.2 / §4.1.2.1): `Callback::from_query` and
//! `Callback::from_url`, then `PendingAuthorization::accept` / `owns` against a real pending
//! attempt.
//!
//! Input: a redirect URL (`http://127.0.0.1:8976/callback?…`, `latchkey://oauth/callback?…`) or
//! a bare query string. Every `{state}` in it is replaced by the pending attempt's real `state`
//! (random, so the fuzzer could never guess it), which lets inputs reach the code path past the
//! state check. Checked against RFC 6749 and the module's promises: the first value of a
//! parameter wins; a callback without this attempt's `state` is refused whatever else it
//! carries; a code is handed out only with the matching state, no `error`, and a non-empty code.
#![no_main]

use std::sync::OnceLock;

use latchkey_core::model::{AuthConfig, Datasource, DatasourceConfig, OAuth2Config};
use latchkey_core::oauth::authorization::{self, PendingAuthorization};
use latchkey_core::oauth::{AuthorizationError, Callback};
use latchkey_core::Error;
use libfuzzer_sys::fuzz_target;
use url::Url;

fn pending() -> &'static (PendingAuthorization, String) {
    static PENDING: OnceLock<(PendingAuthorization, String)> = OnceLock::new();
    PENDING.get_or_init(|| {
        let datasource = Datasource {
            id: "ds_fuzz".into(),
            created_at: 0,
            updated_at: 0,
            generation: 0,
            config: DatasourceConfig {
                name: "fuzz".into(),
                url: "https://api.example.com".into(),
                auth: AuthConfig::OAuth2(Box::new(OAuth2Config {
                    authorization_url: "https://id.example.com/auth".into(),
                    access_token_url: "https://id.example.com/token".into(),
                    client_id: "client".into(),
                    ..Default::default()
                })),
                ..Default::default()
            },
        };
        let pending = authorization::start(&datasource, "http://127.0.0.1:8976/callback").expect("a valid config");
        // The state the browser carries to the provider, which the provider sends back.
        let state = pending
            .url
            .query_pairs()
            .find(|(k, _)| k == "state")
            .map(|(_, v)| v.into_owned())
            .expect("the authorization URL carries a state");
        (pending, state)
    })
}

/// RFC 6749 as a reference: the first value of each parameter.
fn first(query: &str, key: &str) -> Option<String> {
    url::form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == key).map(|(_, v)| v.into_owned())
}

fn check(pending: &PendingAuthorization, expected_state: &str, query: &str, callback: Callback) {
    assert_eq!(callback.code.as_ref().map(|c| c.expose().to_owned()), first(query, "code"));
    assert_eq!(callback.state, first(query, "state"));
    assert_eq!(callback.error, first(query, "error"));
    assert_eq!(callback.error_description, first(query, "error_description"));

    let state = callback.state.clone();
    let error = callback.error.clone();
    let description = callback.error_description.clone();
    let code = callback.code.as_ref().map(|c| c.expose().to_owned());
    assert_eq!(pending.owns(&callback), state.as_deref() == Some(expected_state));
    match pending.accept(callback) {
        Ok(given) => {
            assert_eq!(state.as_deref(), Some(expected_state), "a code without this attempt's state");
            assert!(error.is_none(), "a code handed out from an error callback");
            assert_eq!(Some(given.expose()), code.as_deref());
            assert!(!given.expose().is_empty());
        }
        Err(Error::Authorization(reason)) => {
            let want = match (&state, &error, &code) {
                (None, ..) => AuthorizationError::MissingState,
                (Some(s), ..) if s != expected_state => AuthorizationError::StateMismatch,
                (_, Some(e), _) => AuthorizationError::Denied { error: e.clone(), description },
                _ => AuthorizationError::MissingCode,
            };
            assert_eq!(reason, want);
            let _ = reason.to_string();
        }
        Err(other) => panic!("accept failed with {other:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let (pending, state) = pending();
    let text = String::from_utf8_lossy(data).replace("{state}", state);

    // A bare query string, as the loopback listener hands it over.
    check(pending, state, &text, Callback::from_query(&text));

    // A full URL, as the deep link arrives; and the loopback request target (`/callback?…`).
    if let Ok(url) = Url::parse(&text) {
        let query = url.query().unwrap_or("").to_owned();
        check(pending, state, &query, Callback::from_url(&url));
    }
    if let Some((_, query)) = text.split_once('?') {
        check(pending, state, query, Callback::from_query(query));
    }
});
