//! Issue 13: refreshes that broke an hour after a working setup, and the token panel. Against
//! the real `oidc-provider` (its `web-basic` client is registered as `client_secret_basic` and
//! refuses a secret in the body, refreshes included), with the consent given in headless
//! Chromium, and a real SQLite store in a temp dir: the refresh client authentication follows
//! Client Authentication by default; a failed refresh is kept as `lastError` naming the refresh
//! setting; the token call log keeps 50 rows and no secret; the ID token's claims are decoded
//! without the token; old vaults' stored `body` becomes `same`.

mod common;

use common::open;

use common::make_due;
use latchkey_testkit::files_under;
use std::time::Duration;

use latchkey_core::model::{
    AuthConfig, ClientAuthentication, Datasource, RefreshClientAuthentication, TokenStatus, MAX_TOKEN_CALLS,
};
use latchkey_core::oauth::{authorization, authorize_loopback, TokenLifecycle};
use latchkey_core::store::now_millis;
use latchkey_core::transfer::parse_datasource;
use latchkey_core::{DataDir, Error};
use latchkey_testkit::oidc::{consent_browser, BASIC_CLIENT, WEB_BASIC_CLIENT};
use latchkey_testkit::OidcProvider;

/// A store in a temp dir and a lifecycle over it.
/// An authorization-code datasource for the provider's `client_secret_basic` client with Client
/// Authentication "Send as Basic Auth header"; `refresh` is the refresh setting, `None` to leave
/// it out as the editor's default does.
fn web_basic(provider: &OidcProvider, refresh: Option<&str>) -> latchkey_core::model::DatasourceConfig {
    let mut json = provider.code_datasource(
        "Web",
        WEB_BASIC_CLIENT.0,
        serde_json::json!({
            "clientSecret": WEB_BASIC_CLIENT.1,
            "clientAuthentication": "basic_header",
            "scopes": "openid, offline_access, api:read",
            "customAuthParams": [{"key": "prompt", "value": "consent"}],
        }),
    );
    if let Some(refresh) = refresh {
        json["auth"]["refreshClientAuthentication"] = refresh.into();
    }
    parse_datasource(&json.to_string()).expect("a valid datasource")
}

/// Authorizes `datasource` in the browser: the consent is given by headless Chromium.
async fn authorize(lifecycle: &TokenLifecycle, datasource: &Datasource) {
    let open = |pending: &authorization::PendingAuthorization| {
        let url = pending.url.to_string();
        std::thread::spawn(move || std::process::Command::new(consent_browser()).arg(url).status());
    };
    let state = authorize_loopback(lifecycle, datasource, Duration::from_secs(90), open, |_| {})
        .await
        .expect("the code exchange works with the Basic header");
    assert_eq!(state.status, TokenStatus::Authorized);
    assert!(state.has_refresh_token, "offline_access with consent gives a refresh token");
}

/// Fails when `text` holds any value the provider issued, the client secret in any spelling the
/// request used, or `others`.
fn assert_secret_free(text: &str, provider: &OidcProvider, others: &[&str], what: &str) {
    let encoded: String = url::form_urlencoded::byte_serialize(WEB_BASIC_CLIENT.1.as_bytes()).collect();
    let mut secrets: Vec<String> = provider.issued();
    assert!(!secrets.is_empty(), "the provider issued something to look for");
    secrets.extend([WEB_BASIC_CLIENT.1.to_owned(), encoded, BASIC_CLIENT.1.to_owned()]);
    secrets.extend(others.iter().map(|s| (*s).to_owned()));
    for (i, secret) in secrets.iter().enumerate() {
        assert!(!text.contains(secret.as_str()), "{what} holds secret #{} ({} chars): {text}", i + 1, secret.len());
    }
}

#[tokio::test]
async fn with_the_default_refresh_setting_a_basic_header_client_refreshes() {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let dir = tempfile::tempdir().unwrap();
    let (store, lifecycle) = open(dir.path()).await;
    let config = web_basic(&provider, None);
    let AuthConfig::OAuth2(oauth) = &config.auth else { unreachable!() };
    assert_eq!(oauth.refresh_client_authentication, RefreshClientAuthentication::Same, "the default follows");
    let created = store.create_datasource(config).await.unwrap();
    let datasource = store.datasource_with_secrets(&created.id).await.unwrap();
    authorize(&lifecycle, &datasource).await;

    make_due(&store, &datasource).await;
    lifecycle.access_token(&datasource).await.expect("the refresh is sent with the Basic header too");
    assert_eq!(provider.calls("token:refresh_token"), 1, "one refresh happened");
    assert_eq!(provider.errors(), Vec::<(String, String)>::new(), "no invalid_client");
    let state = lifecycle.state(&datasource).await.unwrap();
    assert_eq!(state.last_error, None, "nothing failed");

    // The panel: scopes, the ID token's claims (not the token), the log of both calls.
    let details = lifecycle.details(&datasource).await.unwrap();
    assert_eq!(details.requested_scopes, ["openid", "offline_access", "api:read"]);
    let id_token = details.id_token.as_ref().expect("the provider issued an ID token (openid)");
    assert_eq!(id_token.claims["sub"], "alice", "the claims of the person who consented");
    assert_eq!(id_token.claims["aud"], WEB_BASIC_CLIENT.0);
    assert!(id_token.header["alg"].is_string(), "the header is decoded: {}", id_token.header);
    let grants: Vec<&str> = details.calls.iter().map(|c| c.grant.as_str()).collect();
    assert_eq!(grants, ["refresh_token", "authorization_code"], "newest first");
    assert!(details.calls.iter().all(|c| c.status == Some(200) && c.error.is_none()), "{:?}", details.calls);
    assert_eq!(details.calls[0].endpoint, provider.url("/token"));

    let raw_id_token = store.tokens(&datasource).await.unwrap().unwrap().id_token.expect("the ID token is kept");
    let signature = raw_id_token.expose().rsplit('.').next().unwrap().to_owned();
    let shown = serde_json::to_string(&details).unwrap();
    assert_secret_free(&shown, &provider, &[raw_id_token.expose(), &signature], "the token panel");
    for file in files_under(dir.path()) {
        let bytes = std::fs::read(&file).unwrap();
        assert!(
            !bytes.windows(signature.len()).any(|w| w == signature.as_bytes()),
            "the ID token is sealed: found in {}",
            file.display()
        );
    }
}

#[tokio::test]
async fn a_refresh_the_provider_refuses_is_kept_as_last_error_naming_the_refresh_setting() {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let dir = tempfile::tempdir().unwrap();
    let (store, lifecycle) = open(dir.path()).await;
    // "Body" chosen explicitly: the refresh goes as client_secret_post, which this client may not.
    let created = store.create_datasource(web_basic(&provider, Some("body"))).await.unwrap();
    let datasource = store.datasource_with_secrets(&created.id).await.unwrap();
    authorize(&lifecycle, &datasource).await;
    make_due(&store, &datasource).await;

    let err = lifecycle.access_token(&datasource).await.expect_err("the provider refuses a refresh in the body");
    let message = err.to_string();
    assert!(
        message.contains("invalid_client") && message.contains("Send client credentials with (on refresh token)"),
        "the provider's reason and the refresh setting, not Client Authentication: {message}"
    );
    let state = lifecycle.state(&datasource).await.unwrap();
    assert_eq!(state.status, TokenStatus::Authorized, "the access token is still good until it expires");
    let last = state.last_error.expect("the failure is kept in the token state");
    assert_eq!(last.error.as_deref(), Some("invalid_client"));
    assert_eq!(last.field.as_deref(), Some("auth.refreshClientAuthentication"));
    assert_eq!((last.grant.as_str(), last.failures), ("refresh_token", 1));
    assert!(now_millis() - last.at < 60_000, "with the time it failed");
    let summary = store.list_datasources().await.unwrap();
    assert_eq!(summary[0].token_refresh_failing, Some(true), "the badge can say Refresh failing");

    // A second failure counts; the background keep-alive backs off meanwhile.
    lifecycle.refresh_now(&datasource).await.expect_err("still refused");
    let last = lifecycle.state(&datasource).await.unwrap().last_error.unwrap();
    assert_eq!(last.failures, 2);
    let refreshes = provider.calls("token:refresh_token");
    assert!(lifecycle.keep_alive().await.unwrap().is_empty(), "retried later, not every 20 s");
    assert_eq!(provider.calls("token:refresh_token"), refreshes, "the keep-alive waited");

    // The log has the refused calls with the provider's words and no secret.
    let details = lifecycle.details(&datasource).await.unwrap();
    let refused: Vec<_> = details.calls.iter().filter(|c| c.grant == "refresh_token").collect();
    assert_eq!(refused.len(), 2);
    assert!(refused.iter().all(|c| c.status == Some(401) && c.error.as_deref() == Some("invalid_client")));
    assert_secret_free(&serde_json::to_string(&details).unwrap(), &provider, &[], "the token panel");
    assert_secret_free(&format!("{err} {err:?}"), &provider, &[], "the error");

    // Back to the default: the refresh works and the failure is gone.
    store.update_datasource(&created.id, web_basic(&provider, None)).await.unwrap();
    let datasource = store.datasource_with_secrets(&created.id).await.unwrap();
    let state = lifecycle.refresh_now(&datasource).await.expect("Refresh now with the setting fixed");
    assert_eq!(state.last_error, None, "a refresh that works clears lastError");
    assert_eq!(store.list_datasources().await.unwrap()[0].token_refresh_failing, Some(false));
}

#[tokio::test]
async fn the_token_call_log_keeps_the_last_50_calls_and_no_secret() {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let dir = tempfile::tempdir().unwrap();
    let (store, lifecycle) = open(dir.path()).await;
    let json = serde_json::json!({
        "name": "Machine",
        "url": provider.issuer(),
        "auth": {
            "type": "oauth2",
            "grantType": "client_credentials",
            "accessTokenUrl": format!("{}?tenant=t1&api_key=QUERY-KEY-7f3a", provider.url("/token")),
            "clientId": BASIC_CLIENT.0,
            "clientSecret": BASIC_CLIENT.1,
            "clientAuthentication": "basic_header",
            "scopes": "api:read, api:write",
        }
    });
    let created = store.create_datasource(parse_datasource(&json.to_string()).unwrap()).await.unwrap();
    let datasource = store.datasource_with_secrets(&created.id).await.unwrap();
    for _ in 0..MAX_TOKEN_CALLS + 5 {
        lifecycle.fetch_now(&datasource).await.expect("client credentials with the Basic header");
    }
    // One refused call: the wrong secret, in the body.
    let mut wrong = json.clone();
    wrong["auth"]["clientAuthentication"] = "body".into();
    wrong["auth"]["clientSecret"] = "WRONG-SECRET-91c2".into();
    store.update_datasource(&created.id, parse_datasource(&wrong.to_string()).unwrap()).await.unwrap();
    let wrong_ds = store.datasource_with_secrets(&created.id).await.unwrap();
    let err = lifecycle.fetch_now(&wrong_ds).await.expect_err("invalid_client");
    assert!(matches!(err, Error::Token(_)), "{err}");

    let details = lifecycle.details(&wrong_ds).await.unwrap();
    assert_eq!(details.calls.len(), MAX_TOKEN_CALLS, "only the newest 50 are kept");
    let newest = &details.calls[0];
    assert_eq!((newest.grant.as_str(), newest.status), ("client_credentials", Some(401)));
    assert_eq!(newest.error.as_deref(), Some("invalid_client"));
    assert!(details.calls[1..].iter().all(|c| c.status == Some(200)), "the successful fetches before it");
    assert!(details.calls.windows(2).all(|w| w[0].at >= w[1].at), "newest first");
    assert_eq!(newest.endpoint, provider.url("/token"), "the endpoint without its query");
    assert_eq!(details.state.scopes, ["api:read", "api:write"]);
    assert!(details.missing_scopes.is_empty());
    assert_eq!(details.access_token_jwt, None, "oidc-provider's tokens are opaque");

    let shown = serde_json::to_string(&details).unwrap();
    assert_secret_free(&shown, &provider, &["WRONG-SECRET-91c2", "QUERY-KEY-7f3a"], "the token call log");
    let rows: i64 =
        sqlx::query_scalar("SELECT count(*) FROM token_calls").fetch_one(&store_pool(dir.path()).await).await.unwrap();
    assert_eq!(rows, MAX_TOKEN_CALLS as i64, "older rows are deleted, not only hidden");

    store.delete_datasource(&created.id).await.unwrap();
    let rows: i64 =
        sqlx::query_scalar("SELECT count(*) FROM token_calls").fetch_one(&store_pool(dir.path()).await).await.unwrap();
    assert_eq!(rows, 0, "the log goes with its datasource");
}

/// A second connection to the store's database, for looking at rows directly.
async fn store_pool(dir: &std::path::Path) -> sqlx::SqlitePool {
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(DataDir::at(dir).database());
    sqlx::SqlitePool::connect_with(options).await.unwrap()
}

#[tokio::test]
async fn an_old_vaults_stored_body_becomes_same_and_a_stored_header_stays() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = open(dir.path()).await;
    let oauth = |name: &str, client: &str, refresh: &str| {
        let json = serde_json::json!({"name": name, "url": "https://api.example", "auth": {"type": "oauth2",
            "grantType": "authorization_code", "accessTokenUrl": "https://id.example/token",
            "authorizationUrl": "https://id.example/auth", "clientId": "c",
            "clientAuthentication": client, "refreshClientAuthentication": refresh}});
        parse_datasource(&json.to_string()).unwrap()
    };
    store.create_datasource(oauth("Basic", "basic_header", "body")).await.unwrap();
    store.create_datasource(oauth("Post", "body", "body")).await.unwrap();
    store.create_datasource(oauth("Header", "body", "header")).await.unwrap();
    drop(store);
    // Back to version 5, as a vault written before migration 0006 (every config said `body`).
    let pool = store_pool(dir.path()).await;
    for statement in [
        "DELETE FROM _sqlx_migrations WHERE version = 6",
        "DROP TABLE token_calls",
        "ALTER TABLE oauth_tokens DROP COLUMN id_token",
        "ALTER TABLE oauth_tokens DROP COLUMN last_error",
    ] {
        sqlx::query(statement).execute(&pool).await.unwrap_or_else(|e| panic!("{statement}: {e}"));
    }
    pool.close().await;

    let (store, _) = open(dir.path()).await;
    let refresh_of = |name: &'static str| {
        let store = store.clone();
        async move {
            let ds = store.datasource(name).await.unwrap();
            let AuthConfig::OAuth2(oauth) = ds.config.auth else { unreachable!() };
            (oauth.client_authentication, oauth.refresh_client_authentication, oauth.refresh_uses_basic_header())
        }
    };
    use ClientAuthentication::{BasicHeader, Body};
    use RefreshClientAuthentication::{Header, Same};
    assert_eq!(refresh_of("Basic").await, (BasicHeader, Same, true), "the broken case is fixed");
    assert_eq!(refresh_of("Post").await, (Body, Same, false), "sends what it sent before");
    assert_eq!(refresh_of("Header").await, (Body, Header, true), "a choice stays");
}

/// A QUIRK the real provider never shows (so the testkit's fake): answers that quote the request
/// back, as debug pages and 5xx pages do, with the client secret, the password and the refresh
/// token in it. Neither the call log nor `lastError` may keep any of it.
#[tokio::test]
async fn a_page_quoting_the_request_reaches_neither_the_call_log_nor_last_error() {
    use latchkey_testkit::{BrokenAnswer, QuirkyProvider};
    const SECRET: &str = "MARKER-CS/77a1+&=x y";
    const PASSWORD: &str = "MARKER-PW-4d19";
    let provider = QuirkyProvider::start();
    let dir = tempfile::tempdir().unwrap();
    let (store, lifecycle) = open(dir.path()).await;
    let json = serde_json::json!({"name": "Quirky", "url": provider.api_url(), "auth": {"type": "oauth2",
        "grantType": "password", "accessTokenUrl": provider.token_url(), "clientId": "quirky-client",
        "clientSecret": SECRET, "username": "ann", "password": PASSWORD}});
    let created = store.create_datasource(parse_datasource(&json.to_string()).unwrap()).await.unwrap();
    let datasource = store.datasource_with_secrets(&created.id).await.unwrap();
    lifecycle.fetch_now(&datasource).await.expect("a token first");
    make_due(&store, &datasource).await;

    // The refresh gets a sign-in page quoting the request; then a 503 page quoting it as well.
    provider.set(|q| q.broken = Some(BrokenAnswer::HtmlPage { status: 400 }));
    lifecycle.access_token(&datasource).await.expect_err("not a token response");
    provider.set(|q| {
        q.broken = None;
        q.server_errors = 10;
    });
    lifecycle.refresh_now(&datasource).await.expect_err("the provider is down");

    let details = lifecycle.details(&datasource).await.unwrap();
    assert!(details.calls.len() >= 3, "the fetch, the refused refresh and the failed re-fetches: {:?}", details.calls);
    assert!(details.calls.iter().any(|c| c.error.as_deref() == Some("not_a_token_response")), "{:?}", details.calls);
    assert!(details.state.last_error.is_some(), "the failure is kept");
    let shown = serde_json::to_string(&details).unwrap();
    let encoded: String = url::form_urlencoded::byte_serialize(SECRET.as_bytes()).collect();
    let mut secrets = vec![SECRET.to_owned(), encoded, PASSWORD.to_owned()];
    secrets.extend(provider.tokens_handed_out());
    for (i, secret) in secrets.iter().enumerate() {
        assert!(!shown.contains(secret.as_str()), "secret #{} is in the token panel: {shown}", i + 1);
    }
}
