//! `latchkey token NAME --json` and `--log` against the real `oidc-provider`: times as RFC 3339,
//! the last failed refresh (`lastError`), scopes requested and granted, the decoded ID token's
//! claims, and the token call log, with no secret anywhere in what is printed.

mod common;

use std::time::Duration;

use common::{stderr, Env};
use latchkey_testkit::oidc::{consent_browser, WEB_BASIC_CLIENT};
use latchkey_testkit::OidcProvider;

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// `2026-12-01T20:56:09.123Z`: RFC 3339 in UTC with milliseconds.
fn is_rfc3339(value: &serde_json::Value) -> bool {
    let Some(text) = value.as_str() else { return false };
    let bytes = text.as_bytes();
    text.len() == 24
        && text.ends_with('Z')
        && [4, 7].iter().all(|&i| bytes[i] == b'-')
        && bytes[10] == b'T'
        && [13, 16].iter().all(|&i| bytes[i] == b':')
        && bytes[19] == b'.'
        && text.starts_with("20")
}

#[test]
fn token_json_and_log_show_a_failing_refresh_with_rfc3339_times_and_no_secret() {
    // Access tokens live 4 s: due for refresh after 2 s, still valid until 4 s.
    let provider = OidcProvider::start(Duration::from_secs(4));
    let env = Env::new();
    let datasource = serde_json::json!({
        "name": "Web",
        "url": provider.issuer(),
        "auth": {
            "type": "oauth2",
            "grantType": "authorization_code",
            "issuer": provider.issuer(),
            "clientId": WEB_BASIC_CLIENT.0,
            "clientSecret": WEB_BASIC_CLIENT.1,
            "clientAuthentication": "basic_header",
            // Chosen explicitly: refreshes go in the body, which this client may not use.
            "refreshClientAuthentication": "body",
            "scopes": "openid, offline_access, api:admin",
            "customAuthParams": [{"key": "prompt", "value": "consent"}],
            "loopbackPort": 0,
        }
    });
    let out = env.import(&datasource.to_string());
    assert!(out.status.success(), "{}", stderr(&out));
    let out = env
        .cmd(&["authorize", "Web", "--timeout", "90"])
        .env("BROWSER", consent_browser())
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    assert!(out.status.success(), "authorize: {}", stderr(&out));

    std::thread::sleep(Duration::from_millis(2_300));
    let whoami = json(&env.ok(&["request", "Web", "/api/whoami"]));
    assert_eq!(whoami["accountId"], "alice", "the refresh failed but the access token is still valid: used");
    assert_eq!(provider.calls("token:refresh_token"), 1, "the refresh was tried");

    let state = json(&env.ok(&["token", "Web", "--json"]));
    assert_eq!(state["status"], "authorized");
    assert!(is_rfc3339(&state["expiresAt"]) && is_rfc3339(&state["obtainedAt"]), "RFC 3339 times: {state}");
    let last = &state["lastError"];
    assert!(is_rfc3339(&last["at"]), "lastError has its time: {state}");
    assert_eq!(last["error"], "invalid_client");
    assert_eq!(last["grant"], "refresh_token");
    assert_eq!(last["field"], "auth.refreshClientAuthentication");
    assert!(
        last["message"].as_str().unwrap().contains("Send client credentials with (on refresh token)"),
        "the message names the refresh setting: {last}"
    );
    assert_eq!(state["requestedScopes"], serde_json::json!(["openid", "offline_access", "api:admin"]));
    assert_eq!(
        state["missingScopes"],
        serde_json::json!(["api:admin"]),
        "the provider knows no api:admin scope: not granted"
    );
    assert_eq!(state["idToken"]["claims"]["sub"], "alice", "the ID token's claims: {state}");
    let calls = state["calls"].as_array().unwrap();
    assert_eq!(calls.len(), 2, "{state}");
    assert!(calls.iter().all(|c| is_rfc3339(&c["at"])), "{state}");
    assert_eq!((&calls[0]["grant"], &calls[0]["status"]), (&"refresh_token".into(), &401.into()));
    assert_eq!((&calls[1]["grant"], &calls[1]["status"]), (&"authorization_code".into(), &200.into()));

    let text = env.ok(&["token", "Web"]);
    assert!(text.contains("refresh failing since") && text.contains("invalid_client"), "{text}");
    assert!(text.contains("requested but not granted: api:admin"), "{text}");

    let log = env.ok(&["token", "Web", "--log"]);
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 2, "{log}");
    assert!(lines[0].contains("refresh_token") && lines[0].contains("401") && lines[0].contains("invalid_client"));
    assert!(lines[1].contains("authorization_code") && lines[1].contains("200"), "{log}");
    assert!(lines.iter().all(|l| l.contains(&provider.url("/token"))), "the endpoint: {log}");
    let log_json = json(&env.ok(&["token", "Web", "--log", "--json"]));
    assert_eq!(log_json.as_array().map(Vec::len), Some(2), "{log_json}");

    let encoded: String = url::form_urlencoded::byte_serialize(WEB_BASIC_CLIENT.1.as_bytes()).collect();
    let mut secrets = provider.issued();
    secrets.extend([WEB_BASIC_CLIENT.1.to_owned(), encoded]);
    for (i, secret) in secrets.iter().enumerate() {
        for (what, printed) in [("--json", &state.to_string()), ("text", &text), ("--log", &log)] {
            assert!(!printed.contains(secret.as_str()), "{what} prints secret #{}: {printed}", i + 1);
        }
    }
}
