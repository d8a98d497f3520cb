//! Issue 11: client authentication with `private_key_jwt` (RFC 7523 §2.2, OIDC Core §9) against
//! the real `oidc-provider` (tests/oauth/provider.mjs). Keys are made here with the openssl CLI
//! (and one turned into a private JWK by node:crypto); each client is registered with the
//! provider through its dynamic registration (RFC 7591) with the public JWK node:crypto derives,
//! not ours, and ours is compared with it. Consent is given in headless Chromium; the store is a
//! real SQLite file in a temp dir.

mod common;

use common::{open, stored};

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::make_due;
use latchkey_core::model::{ClientAssertionAlg, TokenStatus};
use latchkey_core::oauth::client_key::public_key_to_register;
use latchkey_core::oauth::{authorization, authorize_loopback};
use latchkey_core::transfer::parse_datasource;
use latchkey_core::{Error, Secret};
use latchkey_testkit::oidc::consent_browser;
use latchkey_testkit::OidcProvider;
use serde_json::{json, Value};

/// Runs `program` with `args`, `input` on stdin; its stdout.
fn run(program: &str, args: &[&str], input: &str) -> String {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("run {program}: {e}"));
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn openssl(args: &[&str], input: &str) -> String {
    run("openssl", args, input)
}

/// The private keys, each as the openssl CLI writes it.
struct Keys {
    rsa_pkcs8: String,
    rsa_pkcs1: String,
    ec_sec1: String,
    ec_pkcs8: String,
    ed25519: String,
}

fn keys() -> Keys {
    let rsa_pkcs8 = openssl(&["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"], "");
    let rsa_pkcs1 = openssl(&["rsa", "-traditional"], &openssl(&["genrsa", "2048"], ""));
    let ec_sec1 = openssl(&["ecparam", "-name", "prime256v1", "-genkey", "-noout"], "");
    let ec_pkcs8 = openssl(&["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], "");
    let ed25519 = openssl(&["genpkey", "-algorithm", "ed25519"], "");
    assert!(rsa_pkcs8.starts_with("-----BEGIN PRIVATE KEY-----"));
    assert!(rsa_pkcs1.starts_with("-----BEGIN RSA PRIVATE KEY-----"));
    assert!(ec_sec1.starts_with("-----BEGIN EC PRIVATE KEY-----"));
    assert!(ed25519.starts_with("-----BEGIN PRIVATE KEY-----"));
    Keys { rsa_pkcs8, rsa_pkcs1, ec_sec1, ec_pkcs8, ed25519 }
}

/// The private key `pem` as a private JWK, written by node:crypto.
fn private_jwk(pem: &str) -> String {
    let script = "const c = require('node:crypto'); const pem = require('node:fs').readFileSync(0, 'utf8'); \
                  process.stdout.write(JSON.stringify(c.createPrivateKey(pem).export({ format: 'jwk' })));";
    run("node", &["-e", script], pem)
}

/// The public JWK of the private key `key` (PEM or a private JWK), as node:crypto derives it.
fn node_public_jwk(key: &str) -> Value {
    let script = "const c = require('node:crypto'); const text = require('node:fs').readFileSync(0, 'utf8'); \
                  const key = text.trim().startsWith('{') ? { key: JSON.parse(text), format: 'jwk' } : text; \
                  process.stdout.write(JSON.stringify(c.createPublicKey(key).export({ format: 'jwk' })));";
    serde_json::from_str(&run("node", &["-e", script], key)).unwrap()
}

/// Our public JWK of `key`, checked against node's member by member; returns node's, to register.
fn checked_public_jwk(key: &str, alg: ClientAssertionAlg) -> Value {
    let ours = public_key_to_register(&Secret::new(key), alg, "").expect("our public key");
    let ours: Value = serde_json::from_str(&ours.jwk).unwrap();
    let node = node_public_jwk(key);
    for member in ["kty", "n", "e", "crv", "x", "y"] {
        assert_eq!(ours.get(member), node.get(member), "{member} of the public JWK, as node:crypto has it");
    }
    assert!(ours.get("d").is_none(), "no private member");
    node
}

/// Registers a client credentials client authenticating with `private_key_jwt` and `jwk`, its
/// assertions signed with `alg` only; its client_id.
fn register_machine(provider: &OidcProvider, jwk: &Value, alg: &str) -> String {
    let answer = provider.register(&json!({
        "grant_types": ["client_credentials"],
        "response_types": [],
        "redirect_uris": [],
        "token_endpoint_auth_method": "private_key_jwt",
        "token_endpoint_auth_signing_alg": alg,
        "jwks": {"keys": [jwk]},
        "scope": "api:read api:write",
    }));
    answer["client_id"].as_str().expect("a client_id").to_owned()
}

fn machine(provider: &OidcProvider, name: &str, client_id: &str, key: &str, auth: Value) -> Value {
    let json = json!({
        "name": name,
        "url": provider.issuer(),
        "auth": {
            "type": "oauth2",
            "grantType": "client_credentials",
            "accessTokenUrl": provider.url("/token"),
            "clientId": client_id,
            "clientAuthentication": "private_key_jwt",
            "clientAssertionKey": key,
            "scopes": "api:read",
        }
    });
    latchkey_testkit::with_auth(json, auth)
}

#[tokio::test]
async fn client_credentials_with_every_algorithm_and_key_form() {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let dir = tempfile::tempdir().unwrap();
    let (store, lifecycle) = open(dir.path()).await;
    let keys = keys();
    let ec_jwk = private_jwk(&keys.ec_pkcs8);
    let rsa_jwk = private_jwk(&keys.rsa_pkcs8);
    assert!(ec_jwk.contains(r#""d":"#), "node wrote a private JWK");
    let cases = [
        ("RSA PKCS#1, RS256", &keys.rsa_pkcs1, ClientAssertionAlg::RS256, "RS256"),
        ("RSA PKCS#8, by key", &keys.rsa_pkcs8, ClientAssertionAlg::ByKey, "RS256"),
        ("RSA PKCS#8, PS256", &keys.rsa_pkcs8, ClientAssertionAlg::PS256, "PS256"),
        ("EC SEC1, ES256", &keys.ec_sec1, ClientAssertionAlg::ES256, "ES256"),
        ("EC PKCS#8, by key", &keys.ec_pkcs8, ClientAssertionAlg::ByKey, "ES256"),
        ("Ed25519 PKCS#8, EdDSA", &keys.ed25519, ClientAssertionAlg::EdDSA, "EdDSA"),
        ("EC private JWK, by key", &ec_jwk, ClientAssertionAlg::ByKey, "ES256"),
        ("RSA private JWK, PS256", &rsa_jwk, ClientAssertionAlg::PS256, "PS256"),
    ];
    for (name, key, alg, alg_name) in cases {
        let jwk = checked_public_jwk(key, alg);
        let client_id = register_machine(&provider, &jwk, alg_name);
        let alg_json = serde_json::to_value(alg).unwrap();
        let json = machine(&provider, name, &client_id, key, json!({"clientAssertionAlg": alg_json}));
        let datasource = stored(&store, &json).await;
        let state = lifecycle.fetch_now(&datasource).await.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(state.status, TokenStatus::Authorized, "{name}");
        assert_eq!(provider.client_calls(&client_id, "token:client_credentials"), 1, "{name}: {}", provider.stats());

        let shown = serde_json::to_string(&store.datasource(&datasource.id).await.unwrap().config).unwrap();
        assert!(shown.contains(r#""clientAssertionKey":{"set":true}"#), "{name}: sealed, shown as set");
        assert!(!shown.contains("PRIVATE KEY") && !shown.contains(r#"\"d\""#), "{name}: never shown");
    }
    assert_eq!(provider.errors(), Vec::<(String, String)>::new());
}

#[tokio::test]
async fn the_code_grant_its_refresh_and_revocation_authenticate_with_the_key() {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let dir = tempfile::tempdir().unwrap();
    let (store, lifecycle) = open(dir.path()).await;
    let key = openssl(&["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"], "");
    let jwk = checked_public_jwk(&key, ClientAssertionAlg::PS256);
    let registered = provider.register(&json!({
        "application_type": "native",
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "redirect_uris": ["http://127.0.0.1/callback"],
        "token_endpoint_auth_method": "private_key_jwt",
        "token_endpoint_auth_signing_alg": "PS256",
        "jwks": {"keys": [jwk]},
    }));
    let client_id = registered["client_id"].as_str().unwrap().to_owned();
    // The Issuer is set, so the assertion's `aud` is [token endpoint, issuer].
    let json = provider.code_datasource(
        "Web key",
        &client_id,
        json!({
            "clientAuthentication": "private_key_jwt",
            "clientAssertionKey": key,
            "clientAssertionAlg": "PS256",
            "scopes": "openid, offline_access, api:read",
            "customAuthParams": [{"key": "prompt", "value": "consent"}],
            "revocationUrl": provider.url("/token/revocation"),
        }),
    );
    let datasource = stored(&store, &json).await;
    let open = |pending: &authorization::PendingAuthorization| {
        let url = pending.url.to_string();
        std::thread::spawn(move || Command::new(consent_browser()).arg(url).status());
    };
    let state = authorize_loopback(&lifecycle, &datasource, Duration::from_secs(90), open, |_| {})
        .await
        .expect("the code exchange with the assertion works");
    assert!(state.has_refresh_token);
    make_due(&store, &datasource).await;
    lifecycle.access_token(&datasource).await.expect("the refresh with the assertion works");
    assert_eq!(provider.client_calls(&client_id, "token:authorization_code"), 1, "{}", provider.stats());
    assert_eq!(provider.client_calls(&client_id, "token:refresh_token"), 1, "{}", provider.stats());
    let logout = lifecycle.logout(&datasource).await.unwrap();
    assert_eq!(logout.revoked, ["refresh_token", "access_token"], "{:?}", logout.failures);
    assert_eq!(provider.client_calls(&client_id, "revocation"), 2, "revocation authenticates with the assertion");
    assert_eq!(provider.errors(), Vec::<(String, String)>::new());
}

#[tokio::test]
async fn a_key_other_than_the_registered_one_gets_invalid_client_explained() {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let dir = tempfile::tempdir().unwrap();
    let (store, lifecycle) = open(dir.path()).await;
    let registered = openssl(&["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], "");
    let other = openssl(&["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], "");
    let client_id = register_machine(&provider, &node_public_jwk(&registered), "ES256");
    let datasource = stored(&store, &machine(&provider, "Wrong key", &client_id, &other, json!({}))).await;
    let err = lifecycle.fetch_now(&datasource).await.unwrap_err();
    let Error::Token(token) = &err else { panic!("a token error: {err}") };
    assert_eq!((token.error.as_deref(), token.status), (Some("invalid_client"), 401), "{err}");
    assert_eq!(token.field(), Some("auth.clientAssertionKey"), "the key is the field to check");
    let message = err.to_string();
    assert!(message.contains("the public key registered for this client"), "{message}");
    assert!(message.contains("Public key to register"), "{message}");
    assert_eq!(provider.errors(), [("token".to_owned(), "invalid_client".to_owned())]);
    let details = provider.error_details().join("; ");
    assert!(!details.contains("audience"), "the provider refused the signature, not the audience: {details}");

    // The same datasource with the registered key works: the refusal was the key.
    let right = machine(&provider, "Right key", &client_id, &registered, json!({}));
    lifecycle.fetch_now(&stored(&store, &right).await).await.expect("the registered key is accepted");
}

#[tokio::test]
async fn an_assertion_for_another_audience_is_explained_with_the_fix() {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let dir = tempfile::tempdir().unwrap();
    let (store, lifecycle) = open(dir.path()).await;
    let key = openssl(&["genpkey", "-algorithm", "ed25519"], "");
    let client_id = register_machine(&provider, &node_public_jwk(&key), "EdDSA");
    // The provider serves its token endpoint at /token/ too, but accepts as audience only its
    // issuer and the endpoint as it names it (`/token`). No Issuer is set. (Another host name
    // for it, http://localhost:PORT/token, would not do: oidc-provider builds the endpoint it
    // accepts from the request's Host header, so that audience is accepted.)
    let slash = provider.url("/token/");
    let json = machine(&provider, "Other audience", &client_id, &key, json!({"accessTokenUrl": slash}));
    let datasource = stored(&store, &json).await;
    let err = lifecycle.fetch_now(&datasource).await.unwrap_err();
    let Error::Token(token) = &err else { panic!("a token error: {err}") };
    assert_eq!(token.error.as_deref(), Some("invalid_client"), "{err}");
    let details = provider.error_details().join("; ");
    assert!(details.contains("audience"), "the provider refused the audience: {details}");
    let message = err.to_string();
    assert!(message.contains(&format!("addressed to {slash}")), "the audience sent is named: {message}");
    assert!(message.contains("set the Issuer"), "{message}");
    assert!(message.contains("token endpoint exactly as the provider publishes it"), "{message}");

    // The fix the message gives: with the Issuer set, the assertion is addressed to it too.
    let mut fixed = json.clone();
    fixed["name"] = "Other audience, Issuer set".into();
    fixed["auth"]["issuer"] = provider.issuer().into();
    lifecycle.fetch_now(&stored(&store, &fixed).await).await.expect("the issuer is an accepted audience");
}

#[tokio::test]
async fn a_key_that_does_not_fit_the_algorithm_is_refused_at_save_and_nothing_is_sent() {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = open(dir.path()).await;
    let rsa = openssl(&["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"], "");
    let client_id = register_machine(&provider, &node_public_jwk(&rsa), "RS256");
    for (alg, key, field) in [
        ("ES256", rsa.as_str(), "auth.clientAssertionAlg"),
        (
            "by_key",
            "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n",
            "auth.clientAssertionKey",
        ),
    ] {
        let json = machine(&provider, "Mismatch", &client_id, key, json!({"clientAssertionAlg": alg}));
        let err = store.create_datasource(parse_datasource(&json.to_string()).unwrap()).await.unwrap_err();
        let Error::Invalid(fields) = &err else { panic!("a field error: {err}") };
        assert_eq!(fields.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), [field], "{err}");
    }
    let mut without = machine(&provider, "No key", &client_id, "", json!({}));
    without["auth"].as_object_mut().unwrap().remove("clientAssertionKey");
    let err = store.create_datasource(parse_datasource(&without.to_string()).unwrap()).await.unwrap_err();
    assert!(format!("{err:?}").contains("auth.clientAssertionKey"), "{err}");
    assert!(store.list_datasources().await.unwrap().is_empty(), "nothing was stored");
    assert_eq!(provider.calls("token:client_credentials"), 0, "no call reached the provider");
}

#[tokio::test]
async fn a_kept_key_cannot_follow_the_token_url_elsewhere() {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = open(dir.path()).await;
    let key = openssl(&["genpkey", "-algorithm", "ed25519"], "");
    let datasource = stored(&store, &machine(&provider, "Kept", "c", &key, json!({}))).await;
    let mut moved = store.datasource(&datasource.id).await.unwrap().config;
    let latchkey_core::model::AuthConfig::OAuth2(auth) = &mut moved.auth else { panic!("OAuth 2.0") };
    auth.access_token_url = "http://127.0.0.2:9/token".into();
    let err = store.update_datasource(&datasource.id, moved).await.unwrap_err();
    let Error::Invalid(fields) = &err else { panic!("a field error: {err}") };
    assert_eq!(fields.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["auth.clientAssertionKey"], "{err}");
    assert!(fields[0].message.contains("Access Token URL changed"), "{}", fields[0].message);
}
