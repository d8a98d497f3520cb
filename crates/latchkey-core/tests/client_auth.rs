//! Issue 11: client authentication with `client_secret_jwt` (RFC 7523 §2.2, OIDC Core §9) and
//! custom token parameters, against the real `oidc-provider` (tests/oauth/provider.mjs: its
//! `cc-jwt` and `web-jwt` clients are registered with `token_endpoint_auth_method:
//! client_secret_jwt`), with the consent given in headless Chromium and a real SQLite store in a
//! temp dir.

mod common;

use common::{open, stored};

use std::time::Duration;

use common::make_due;
use latchkey_core::model::TokenStatus;
use latchkey_core::oauth::{authorization, authorize_loopback};
use latchkey_core::transfer::parse_datasource;
use latchkey_core::Error;
use latchkey_testkit::oidc::{consent_browser, JWT_CLIENT, POST_CLIENT, WEB_JWT_CLIENT};
use latchkey_testkit::OidcProvider;

/// A client credentials datasource on `provider` for `client`, with `auth` members merged in.
fn client_credentials(provider: &OidcProvider, client: (&str, &str), auth: serde_json::Value) -> serde_json::Value {
    let json = serde_json::json!({
        "name": "Machine",
        "url": provider.issuer(),
        "auth": {
            "type": "oauth2",
            "grantType": "client_credentials",
            "accessTokenUrl": provider.url("/token"),
            "clientId": client.0,
            "clientSecret": client.1,
            "scopes": "api:read",
        }
    });
    latchkey_testkit::with_auth(json, auth)
}

#[tokio::test]
async fn client_credentials_with_client_secret_jwt_get_a_token() {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let dir = tempfile::tempdir().unwrap();
    let (store, lifecycle) = open(dir.path()).await;
    let json =
        client_credentials(&provider, JWT_CLIENT, serde_json::json!({"clientAuthentication": "client_secret_jwt"}));
    let datasource = stored(&store, &json).await;
    let state = lifecycle.fetch_now(&datasource).await.expect("the provider accepts the assertion");
    assert_eq!(state.status, TokenStatus::Authorized);
    assert_eq!(provider.client_calls(JWT_CLIENT.0, "token:client_credentials"), 1, "{}", provider.stats());
    assert_eq!(provider.errors(), Vec::<(String, String)>::new());

    // Without the feature (the secret in the body), this client is refused.
    let mut body = client_credentials(&provider, JWT_CLIENT, serde_json::json!({"clientAuthentication": "body"}));
    body["name"] = "Machine (secret in the body)".into();
    let datasource = stored(&store, &body).await;
    assert!(lifecycle.fetch_now(&datasource).await.is_err(), "the client is registered for client_secret_jwt");
}

#[tokio::test]
async fn a_wrong_secret_gets_the_providers_invalid_client_explained() {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let dir = tempfile::tempdir().unwrap();
    let (store, lifecycle) = open(dir.path()).await;
    let wrong = "not the secret 0123456789abcdefghijklmnop";
    let json = client_credentials(
        &provider,
        (JWT_CLIENT.0, wrong),
        serde_json::json!({"clientAuthentication": "client_secret_jwt"}),
    );
    let datasource = stored(&store, &json).await;
    let err = lifecycle.fetch_now(&datasource).await.unwrap_err();
    let Error::Token(token) = &err else { panic!("a token error: {err}") };
    assert_eq!(token.error.as_deref(), Some("invalid_client"), "{err}");
    assert_eq!(token.status, 401);
    let message = err.to_string();
    assert!(message.contains("check the Client ID and Client Secret"), "{message}");
    assert!(!message.contains(wrong), "{message}");
    assert_eq!(provider.errors(), [("token".to_owned(), "invalid_client".to_owned())]);
}

/// Authorizes a `web-jwt` datasource (client_secret_jwt, custom token parameter `tenant`, sent
/// on refresh when `with_refresh`) in headless Chromium, then refreshes once; returns the
/// custom parameters the provider saw, as `(grant_type, tenant)`. Logs out at the end: revocation
/// authenticates with the assertion too.
async fn code_grant_and_refresh(with_refresh: bool) -> Vec<(String, String)> {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let dir = tempfile::tempdir().unwrap();
    let (store, lifecycle) = open(dir.path()).await;
    let json = provider.code_datasource(
        "Web JWT",
        WEB_JWT_CLIENT.0,
        serde_json::json!({
            "clientSecret": WEB_JWT_CLIENT.1,
            "clientAuthentication": "client_secret_jwt",
            "scopes": "openid, offline_access, api:read",
            "customAuthParams": [{"key": "prompt", "value": "consent"}],
            "customTokenParams": [{"key": "tenant", "value": "t-42"}],
            "sendCustomTokenParamsWithRefresh": with_refresh,
            "revocationUrl": provider.url("/token/revocation"),
        }),
    );
    let datasource = stored(&store, &json).await;
    let open = |pending: &authorization::PendingAuthorization| {
        let url = pending.url.to_string();
        std::thread::spawn(move || std::process::Command::new(consent_browser()).arg(url).status());
    };
    let state = authorize_loopback(&lifecycle, &datasource, Duration::from_secs(90), open, |_| {})
        .await
        .expect("the code exchange with the assertion works");
    assert!(state.has_refresh_token);
    make_due(&store, &datasource).await;
    lifecycle.access_token(&datasource).await.expect("the refresh with the assertion works");
    assert_eq!(provider.client_calls(WEB_JWT_CLIENT.0, "token:authorization_code"), 1, "{}", provider.stats());
    assert_eq!(provider.client_calls(WEB_JWT_CLIENT.0, "token:refresh_token"), 1, "{}", provider.stats());
    let logout = lifecycle.logout(&datasource).await.unwrap();
    assert_eq!(logout.revoked, ["refresh_token", "access_token"], "{:?}", logout.failures);
    assert_eq!(provider.client_calls(WEB_JWT_CLIENT.0, "revocation"), 2, "revocation authenticates with the assertion");
    assert_eq!(provider.errors(), Vec::<(String, String)>::new());
    let params = provider.stats()["tokenParams"].clone();
    params
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["grantType"].as_str().unwrap().to_owned(), p["params"]["tenant"].as_str().unwrap_or("").to_owned()))
        .collect()
}

#[tokio::test]
async fn the_code_grant_and_its_refresh_authenticate_with_client_secret_jwt() {
    let seen = code_grant_and_refresh(false).await;
    assert_eq!(seen, [("authorization_code".to_owned(), "t-42".to_owned())], "not on refresh unless asked");
}

#[tokio::test]
async fn custom_token_params_go_on_refresh_when_asked() {
    let seen = code_grant_and_refresh(true).await;
    let expected =
        [("authorization_code", "t-42"), ("refresh_token", "t-42")].map(|(g, t)| (g.to_owned(), t.to_owned()));
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn custom_token_params_reach_the_provider_with_client_credentials() {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let dir = tempfile::tempdir().unwrap();
    let (store, lifecycle) = open(dir.path()).await;
    let json = client_credentials(
        &provider,
        POST_CLIENT,
        serde_json::json!({
            "customTokenParams": [{"key": "tenant", "value": "t-7"}, {"key": "resource_hint", "value": "a b&c"}],
            "sendCustomTokenParamsWithRefresh": true,
        }),
    );
    let datasource = stored(&store, &json).await;
    lifecycle.fetch_now(&datasource).await.expect("a token");
    let params = provider.stats()["tokenParams"].clone();
    assert_eq!(
        params,
        serde_json::json!([{
            "grantType": "client_credentials",
            "clientId": POST_CLIENT.0,
            "params": {"tenant": "t-7", "resource_hint": "a b&c"},
        }])
    );
}

#[tokio::test]
async fn a_custom_token_param_naming_what_latchkey_sets_is_a_field_error() {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = open(dir.path()).await;
    let json = client_credentials(
        &provider,
        POST_CLIENT,
        serde_json::json!({"customTokenParams": [{"key": "tenant", "value": "x"}, {"key": "client_assertion", "value": "forged"}]}),
    );
    let config = parse_datasource(&json.to_string()).expect("it parses");
    let err = store.create_datasource(config).await.unwrap_err();
    let Error::Invalid(fields) = &err else { panic!("a field error: {err}") };
    let fields: Vec<&str> = fields.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["auth.customTokenParams[1].key"], "{err}");
    assert_eq!(provider.calls("token:client_credentials"), 0, "nothing was sent");
}
