//! A secret follows its destination, never a file (issue 9): a datasource file from someone
//! else, imported over a stored datasource of the same name, cannot send the stored secrets or
//! tokens anywhere new. Each attack imports a victim datasource, then the attacker's file, then
//! uses the datasource the way its owner would; a recording server stands in for the attacker's
//! host and must receive no secret. The provider is the real one (oidc-provider).

mod common;

use std::time::Duration;

use common::{stderr, Env};
use latchkey_testkit::oidc::POST_CLIENT;
use latchkey_testkit::{OidcProvider, TestServer};

/// Fails when any request `server` received carries one of `secrets` anywhere (path, query,
/// headers, body; plain or base64 as Basic would send it).
fn assert_received_none(server: &TestServer, secrets: &[&str], attack: &str) {
    use base64::Engine as _;
    for request in server.requests() {
        let mut seen = format!("{} {}?{}\n", request.method, request.path, request.query.clone().unwrap_or_default());
        for (name, value) in &request.headers {
            seen.push_str(&format!("{name}: {value}\n"));
            if let Some(basic) = value.strip_prefix("Basic ") {
                let decoded = base64::engine::general_purpose::STANDARD.decode(basic).unwrap_or_default();
                seen.push_str(&String::from_utf8_lossy(&decoded));
            }
        }
        seen.push_str(&String::from_utf8_lossy(&request.body));
        let decoded =
            url::form_urlencoded::parse(seen.as_bytes()).map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
        for (i, secret) in secrets.iter().enumerate() {
            assert!(
                !seen.contains(secret) && !decoded.contains(secret),
                "{attack}: secret #{} reached the attacker's server in {} {}",
                i + 1,
                request.method,
                request.path
            );
        }
    }
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// The import must be refused with an error on `field` that says `why`, and change nothing.
fn assert_refused(env: &Env, name: &str, file: &serde_json::Value, field: &str, why: &str) {
    let before = env.ok(&["datasource", "show", name, "--json"]);
    let out = env.import(&file.to_string());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "the import must be refused: {err}");
    assert!(err.contains(&format!("{field}: {why}")), "the error names {field} and says {why:?}: {err}");
    assert!(err.contains("again"), "the error says what to do: {err}");
    assert_eq!(env.ok(&["datasource", "show", name, "--json"]), before, "a refused import changes nothing");
}

#[test]
fn a_bearer_token_does_not_follow_the_url_to_another_origin() {
    let (api, attacker, env) = (TestServer::http(), TestServer::http(), Env::new());
    let token = "victim-bearer-marker-5521";
    let victim =
        serde_json::json!({"name": "GitHub", "url": api.url("/v3"), "auth": {"type": "bearer", "token": token}});
    assert!(env.import(&victim.to_string()).status.success());

    let evil = serde_json::json!({"name": "github", "url": attacker.base_url(), "auth": {"type": "bearer", "token": {"set": true}}});
    assert_refused(&env, "GitHub", &evil, "auth.token", "the URL moved to another origin");

    // Same origin, but a Host header would pick another virtual host (another tenant of a
    // shared front end) for the token: refused, in the file and on the command line.
    let evil = serde_json::json!({"name": "GitHub", "url": api.url("/v3"), "headers": [{"key": "Host", "value": "evil.example"}],
        "auth": {"type": "bearer", "token": {"set": true}}});
    let out = env.import(&evil.to_string());
    assert!(
        !out.status.success() && stderr(&out).contains("headers[0].key: the Host header comes from the URL"),
        "{}",
        stderr(&out)
    );
    let out = env.run(&["request", "GitHub", "/user", "-H", "Host: evil.example"]);
    assert!(!out.status.success() && stderr(&out).contains("Host header"), "{}", stderr(&out));

    env.ok(&["request", "GitHub", "/user"]);
    assert_eq!(api.request_count(), 1, "the datasource still sends to its own API");
    assert_eq!(api.requests()[0].header("authorization"), Some(format!("Bearer {token}").as_str()));
    assert_eq!(attacker.request_count(), 0, "nothing reaches the attacker's host");

    // The same attack with the signature secret and an API key in the query string.
    let keyed = serde_json::json!({"name": "Keyed", "url": api.base_url(), "sendSignatureHeader": true,
        "signatureSecret": "victim-signature-marker", "auth": {"type": "apiKey", "key": "X-Key", "value": "victim-key-marker"}});
    assert!(env.import(&keyed.to_string()).status.success());
    let evil = serde_json::json!({"name": "Keyed", "url": api.base_url(), "sendSignatureHeader": true,
        "signatureSecret": {"set": true}, "auth": {"type": "apiKey", "key": "key", "addTo": "query", "value": {"set": true}}});
    assert_refused(&env, "Keyed", &evil, "auth.value", "the key now goes in the query string");
    let evil = serde_json::json!({"name": "Keyed", "url": attacker.base_url(), "sendSignatureHeader": true,
        "signatureSecret": {"set": true}, "auth": {"type": "apiKey", "key": "X-Key", "value": "attacker-chosen"}});
    assert_refused(&env, "Keyed", &evil, "signatureSecret", "the URL moved to another origin");
    assert_received_none(&attacker, &[token, "victim-key-marker"], "API credentials");
}

#[test]
fn oauth_tokens_and_the_client_secret_stay_with_their_endpoints() {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let (attacker, env) = (TestServer::http(), Env::new());
    let victim = serde_json::json!({
        "name": "Corp", "url": provider.url("/api"),
        "auth": {"type": "oauth2", "grantType": "client_credentials", "issuer": provider.issuer(),
                 "clientId": POST_CLIENT.0, "clientSecret": POST_CLIENT.1, "scopes": "api:read"}
    });
    assert!(env.import(&victim.to_string()).status.success());
    let out = env.run(&["authorize", "Corp"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stored = json(&env.ok(&["datasource", "show", "Corp", "--json"]));
    let token_url = stored["auth"]["accessTokenUrl"].as_str().unwrap().to_owned();
    let revocation_url = stored["auth"]["revocationUrl"].as_str().unwrap().to_owned();
    let access_token = env.ok(&["token", "Corp", "--reveal"]).trim().to_owned();
    assert!(!access_token.is_empty());
    let secrets = [POST_CLIENT.1, access_token.as_str()];

    let file = |url: String, token_url: &str, revocation_url: String, secret: serde_json::Value| {
        serde_json::json!({
            "name": "corp", "url": url,
            "auth": {"type": "oauth2", "grantType": "client_credentials", "clientId": POST_CLIENT.0,
                     "accessTokenUrl": token_url, "revocationUrl": revocation_url, "clientSecret": secret,
                     "scopes": "api:read"}
        })
    };
    let set = serde_json::json!({"set": true});
    // The client secret kept while the Access Token URL moves.
    let evil = file(provider.url("/api"), &attacker.url("/token"), revocation_url.clone(), set.clone());
    assert_refused(&env, "Corp", &evil, "auth.clientSecret", "the Access Token URL changed");
    // The client secret kept while the Revocation URL moves (logout posts it there).
    let evil = file(provider.url("/api"), &token_url, attacker.url("/revoke"), set.clone());
    assert_refused(&env, "Corp", &evil, "auth.clientSecret", "the Revocation URL changed");
    // Tokens kept while the URL and the Revocation URL move: refused for the secret...
    let evil = file(attacker.url("/api"), &token_url, attacker.url("/revoke"), set);
    assert_refused(&env, "Corp", &evil, "auth.clientSecret", "the Revocation URL changed");
    // ...and without the secret the file is taken, but the tokens are dropped, not sent.
    let evil = file(attacker.url("/api"), &token_url, attacker.url("/revoke"), serde_json::Value::Null);
    let out = env.import(&evil.to_string());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("its OAuth tokens were dropped"), "the import says so: {}", stderr(&out));
    assert_eq!(json(&env.ok(&["token", "Corp", "--json"]))["status"], "not_authorized");
    let out = env.run(&["request", "Corp", "/me"]);
    assert!(!out.status.success(), "without its secret the client cannot fetch a token");
    let out = env.run(&["logout", "Corp"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_received_none(&attacker, &secrets, "OAuth endpoints");
    assert!(
        attacker.requests().iter().all(|r| r.header("authorization").is_none()),
        "no credentials of any kind reach the attacker"
    );
}

#[test]
fn a_password_grant_password_is_not_a_basic_password() {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let (attacker, env) = (TestServer::http(), Env::new());
    let password = "victim-owner-password-7731";
    let victim = serde_json::json!({
        "name": "Legacy", "url": provider.url("/api"),
        "auth": {"type": "oauth2", "grantType": "password", "accessTokenUrl": provider.url("/token"),
                 "clientId": POST_CLIENT.0, "username": "alice", "password": password}
    });
    assert!(env.import(&victim.to_string()).status.success());
    for url in [provider.url("/api"), attacker.base_url()] {
        let evil = serde_json::json!({"name": "Legacy", "url": url,
            "auth": {"type": "basic", "username": "alice", "password": {"set": true}}});
        assert_refused(&env, "Legacy", &evil, "auth.password", "the authentication type changed (OAuth 2.0 → Basic)");
    }
    let _ = env.run(&["request", "Legacy", "/x"]);
    assert_received_none(&attacker, &[password], "password slot");
}

#[test]
fn re_importing_ones_own_export_keeps_the_secrets() {
    let (api, env) = (TestServer::http(), Env::new());
    let victim = serde_json::json!({"name": "Mine", "url": api.url("/v1"), "sendSignatureHeader": true,
        "signatureSecret": "own-signature", "auth": {"type": "apiKey", "key": "X-Key", "value": "own-key-1234"}});
    assert!(env.import(&victim.to_string()).status.success());
    let export = env.ok(&["datasource", "export", "Mine"]);
    assert!(!export.contains("own-key-1234") && !export.contains("own-signature"), "an export carries no secret");
    let out = env.import(&export);
    assert!(out.status.success(), "one's own export imports back: {}", stderr(&out));
    assert!(stderr(&out).contains("replaced"), "{}", stderr(&out));
    // A new path on the same origin is the same destination.
    let moved_path = export.replace(&api.url("/v1"), &api.url("/v2"));
    assert!(env.import(&moved_path).status.success(), "same origin, other path: {}", stderr(&env.import(&moved_path)));
    env.ok(&["request", "Mine", "/items"]);
    assert_eq!(api.requests().last().unwrap().header("x-key"), Some("own-key-1234"), "the kept key is still sent");
}
