//! Tokens per datasource and environment (issue 10), against the real `oidc-provider`
//! (tests/oauth/provider.mjs) with a real SQLite store in a temp dir: one datasource whose
//! `staging` environment overrides the OAuth client, so the two environments get their tokens
//! from two different clients (the provider's `/api/whoami` and its per-client call counts say
//! which). Authorizing, refreshing and logging out in one environment leave the other's tokens
//! as they were; the list's badges follow the environment; the single flight, in one process and
//! across two stores on one data directory (two "processes": each its own store, lifecycle and
//! file lock), is per (datasource, environment).
//!
//! The cross-process case through the real `latchkey` binary belongs to the CLI's tests; here it
//! is two stores and two lifecycles on one data directory, which share only the database and the
//! lock files, as two processes do.

mod common;

use common::open;

use std::sync::Arc;
use std::time::Duration;

use common::make_due;
use latchkey_core::http::{execute, ResponseBody, SendOptions, Transport};
use latchkey_core::model::{Datasource, DatasourceId, DatasourceSummary, RequestSpec, TokenStatus};
use latchkey_core::oauth::{authorization, authorize_loopback, TokenLifecycle};
use latchkey_core::store::TokenRecord;
use latchkey_core::transfer::parse_datasource;
use latchkey_core::Store;
use latchkey_testkit::oidc::{consent_browser, BASIC_CLIENT, NATIVE_CLIENT, POST_CLIENT};
use latchkey_testkit::OidcProvider;

const STAGING: &str = "staging";
const DEFAULT: &str = "default";

/// A store in `dir` and a lifecycle over it (each pair stands for one process).
/// A client credentials datasource for the provider's `cc-basic` client, whose `staging`
/// environment uses the `cc-post` client instead (client id and secret overridden, and how the
/// secret is sent).
fn two_clients(provider: &OidcProvider) -> serde_json::Value {
    serde_json::json!({
        "name": "Env API",
        "url": provider.issuer(),
        "auth": {
            "type": "oauth2",
            "grantType": "client_credentials",
            "accessTokenUrl": provider.url("/token"),
            "clientId": BASIC_CLIENT.0,
            "clientSecret": BASIC_CLIENT.1,
            "clientAuthentication": "basic_header",
            "scopes": "api:read",
        },
        "environments": {
            STAGING: {"auth": {
                "clientId": POST_CLIENT.0,
                "clientSecret": POST_CLIENT.1,
                "clientAuthentication": "body",
            }}
        }
    })
}

/// A provider, a store in a temp dir with a `staging` environment and the datasource `json`,
/// and the datasource resolved in both environments.
struct Fixture {
    provider: OidcProvider,
    store: Store,
    lifecycle: TokenLifecycle,
    id: DatasourceId,
    default: Datasource,
    staging: Datasource,
    dir: tempfile::TempDir,
}

impl Fixture {
    async fn new(json: impl FnOnce(&OidcProvider) -> serde_json::Value) -> Fixture {
        let provider = OidcProvider::start(Duration::from_secs(3600));
        let dir = tempfile::tempdir().unwrap();
        let (store, lifecycle) = open(dir.path()).await;
        store.create_environment(STAGING, false).await.expect("create staging");
        let config = parse_datasource(&json(&provider).to_string()).expect("a valid datasource");
        let id = store.create_datasource(config).await.expect("store the datasource").id;
        let default = store.datasource_in(&id, DEFAULT).await.unwrap();
        let staging = store.datasource_in(&id, STAGING).await.unwrap();
        Fixture { provider, store, lifecycle, id, default, staging, dir }
    }

    async fn record(&self, datasource: &Datasource) -> TokenRecord {
        self.store.tokens(datasource).await.unwrap().expect("tokens stored in this environment")
    }

    /// The client the provider says the stored access token of `datasource` was issued to, from a
    /// request sent through the datasource (its environment's token applied).
    async fn whoami(&self, datasource: &Datasource) -> String {
        let spec = RequestSpec { path: "/api/whoami".into(), ..Default::default() };
        let response =
            execute(&Transport::new(), datasource, &spec, &self.lifecycle, &SendOptions::default()).await.unwrap();
        let ResponseBody::Memory(body) = &response.body else { panic!("a small body stays in memory") };
        assert_eq!(response.status, 200, "the API accepts the token: {}", String::from_utf8_lossy(body));
        let json: serde_json::Value = serde_json::from_slice(body).expect("whoami answers JSON");
        json["clientId"].as_str().expect("clientId").to_owned()
    }

    /// The list's entry for the datasource in `env`.
    async fn badge(&self, env: &str) -> DatasourceSummary {
        let list = self.store.list_datasources_in(env).await.unwrap();
        list.into_iter().find(|s| s.id == self.id).expect("the datasource is listed")
    }
}

/// What must not move in an environment another one refreshed or logged out in.
fn same_tokens(before: &TokenRecord, after: &TokenRecord, what: &str) {
    assert_eq!(
        after.access_token.as_ref().map(|t| t.expose()),
        before.access_token.as_ref().map(|t| t.expose()),
        "{what}: same access token"
    );
    assert_eq!(
        after.refresh_token.as_ref().map(|t| t.expose()),
        before.refresh_token.as_ref().map(|t| t.expose()),
        "{what}: same refresh token"
    );
    assert_eq!(after.obtained_at, before.obtained_at, "{what}: same obtained_at");
    assert_eq!(after.expires_at, before.expires_at, "{what}: same expiry");
    assert_eq!(after.generation, before.generation, "{what}: not written");
    assert_eq!(after.status, before.status, "{what}: same status");
}

fn access(record: &TokenRecord) -> String {
    record.access_token.as_ref().expect("an access token").expose().to_owned()
}

#[tokio::test]
async fn each_environment_gets_its_own_tokens_from_its_own_client() {
    let fx = Fixture::new(two_clients).await;
    assert_eq!(fx.default.environment_id().to_string(), "env_default");
    assert_ne!(fx.staging.environment_id(), fx.default.environment_id());

    fx.lifecycle.fetch_now(&fx.default).await.expect("authorize in default");
    assert!(fx.store.tokens(&fx.staging).await.unwrap().is_none(), "authorizing in default stores nothing in staging");
    assert_eq!(fx.badge(STAGING).await.token_status, Some(TokenStatus::NotAuthorized));
    fx.lifecycle.fetch_now(&fx.staging).await.expect("authorize in staging");

    let (default, staging) = (fx.record(&fx.default).await, fx.record(&fx.staging).await);
    assert_ne!(access(&default), access(&staging), "the two environments hold different access tokens");
    assert_eq!(fx.provider.client_calls(BASIC_CLIENT.0, "token:client_credentials"), 1, "default used cc-basic once");
    assert_eq!(fx.provider.client_calls(POST_CLIENT.0, "token:client_credentials"), 1, "staging used cc-post once");
    assert_eq!(fx.whoami(&fx.default).await, BASIC_CLIENT.0, "default's token was issued to default's client");
    assert_eq!(fx.whoami(&fx.staging).await, POST_CLIENT.0, "staging's token was issued to the overriding client");
    assert_eq!(fx.provider.calls("token:client_credentials"), 2, "the requests used the stored tokens");

    // Each environment's token call log has its own call only.
    for (ds, env) in [(&fx.default, DEFAULT), (&fx.staging, STAGING)] {
        let calls = fx.store.token_calls(ds).await.unwrap();
        assert_eq!(calls.len(), 1, "{env}: one logged token call: {calls:?}");
        assert_eq!(calls[0].grant, "client_credentials", "{env}");
    }
    // The plain (stored-shape) datasource is the default environment's.
    let plain = fx.store.datasource_with_secrets(&fx.id).await.unwrap();
    assert_eq!(access(&fx.store.tokens(&plain).await.unwrap().unwrap()), access(&default));
}

#[tokio::test]
async fn a_refresh_in_one_environment_leaves_the_other_untouched() {
    let fx = Fixture::new(two_clients).await;
    fx.lifecycle.fetch_now(&fx.default).await.unwrap();
    fx.lifecycle.fetch_now(&fx.staging).await.unwrap();

    let (default, staging) = (fx.record(&fx.default).await, fx.record(&fx.staging).await);
    fx.lifecycle.refresh_now(&fx.staging).await.expect("re-fetch in staging");
    let refreshed = fx.record(&fx.staging).await;
    assert_ne!(access(&refreshed), access(&staging), "staging has a new token");
    assert_eq!(
        fx.provider.client_calls(POST_CLIENT.0, "token:client_credentials"),
        2,
        "staging's client fetched again"
    );
    assert_eq!(fx.provider.client_calls(BASIC_CLIENT.0, "token:client_credentials"), 1, "default's client did not");
    same_tokens(&default, &fx.record(&fx.default).await, "default after a refresh in staging");
    assert_eq!(fx.whoami(&fx.default).await, BASIC_CLIENT.0, "default's token still works");

    fx.lifecycle.refresh_now(&fx.default).await.expect("re-fetch in default");
    assert_ne!(access(&fx.record(&fx.default).await), access(&default), "default has a new token");
    same_tokens(&refreshed, &fx.record(&fx.staging).await, "staging after a refresh in default");
    assert_eq!(fx.provider.calls("token:client_credentials"), 4, "two fetches and two re-fetches");
}

#[tokio::test]
async fn logout_and_forget_in_staging_leave_defaults_tokens_and_the_badges_follow_the_environment() {
    let fx = Fixture::new(two_clients).await;
    fx.lifecycle.fetch_now(&fx.default).await.unwrap();
    fx.lifecycle.fetch_now(&fx.staging).await.unwrap();
    let default = fx.record(&fx.default).await;
    assert_eq!(fx.badge(DEFAULT).await.token_status, Some(TokenStatus::Authorized));
    assert_eq!(fx.badge(STAGING).await.token_status, Some(TokenStatus::Authorized));

    let outcome = fx.lifecycle.logout(&fx.staging).await.expect("log out in staging");
    assert!(outcome.no_revocation_url, "no Revocation URL: forgotten locally");
    assert!(fx.store.tokens(&fx.staging).await.unwrap().is_none(), "staging's tokens are gone");
    same_tokens(&default, &fx.record(&fx.default).await, "default after logout in staging");
    let (in_default, in_staging) = (fx.badge(DEFAULT).await, fx.badge(STAGING).await);
    assert_eq!(in_default.token_status, Some(TokenStatus::Authorized), "default's badge stays");
    assert_eq!(in_default.token_expires_at, default.expires_at);
    assert_eq!(in_staging.token_status, Some(TokenStatus::NotAuthorized), "staging's badge says not authorized");
    assert_eq!(in_staging.token_expires_at, None);
    assert_eq!(fx.store.list_datasources().await.unwrap()[0].token_status, Some(TokenStatus::Authorized));
    assert_eq!(fx.whoami(&fx.default).await, BASIC_CLIENT.0, "default still sends its token");

    // Authorized again in staging, then forgotten there directly.
    fx.lifecycle.fetch_now(&fx.staging).await.unwrap();
    fx.store.forget_tokens(&fx.staging).await.unwrap();
    assert!(fx.store.tokens(&fx.staging).await.unwrap().is_none());
    same_tokens(&default, &fx.record(&fx.default).await, "default after forget in staging");

    // And the other way round: logging out in default leaves staging's.
    fx.lifecycle.fetch_now(&fx.staging).await.unwrap();
    let staging = fx.record(&fx.staging).await;
    fx.lifecycle.logout(&fx.default).await.unwrap();
    assert!(fx.store.tokens(&fx.default).await.unwrap().is_none());
    same_tokens(&staging, &fx.record(&fx.staging).await, "staging after logout in default");
    assert_eq!(fx.badge(DEFAULT).await.token_status, Some(TokenStatus::NotAuthorized));
    assert_eq!(fx.badge(STAGING).await.token_status, Some(TokenStatus::Authorized));
}

#[tokio::test]
async fn deleting_an_environment_drops_its_tokens_only() {
    let fx = Fixture::new(two_clients).await;
    fx.lifecycle.fetch_now(&fx.default).await.unwrap();
    fx.lifecycle.fetch_now(&fx.staging).await.unwrap();
    let default = fx.record(&fx.default).await;
    fx.store.delete_environment(STAGING).await.expect("delete staging");
    same_tokens(&default, &fx.record(&fx.default).await, "default after deleting staging");
    let again = fx.store.create_environment(STAGING, false).await.unwrap();
    let recreated = fx.store.datasource_in(&fx.id, &again.id).await.unwrap();
    assert!(fx.store.tokens(&recreated).await.unwrap().is_none(), "a new staging starts without tokens");
    assert!(fx.store.token_calls(&recreated).await.unwrap().is_empty(), "and without a call log");
    assert!(fx.store.datasource(&fx.id).await.unwrap().config.environments.is_empty(), "the override went too");
}

/// Authorization code with PKCE in `default` (the provider's native client, consent in headless
/// Chromium, a rotating refresh token), client credentials with `cc-post` in `staging` (the grant
/// type, client and scopes overridden).
fn code_in_default(provider: &OidcProvider) -> serde_json::Value {
    let mut json = provider.code_datasource(
        "Mixed API",
        NATIVE_CLIENT,
        serde_json::json!({
            "scopes": "openid, offline_access",
            "customAuthParams": [{"key": "prompt", "value": "consent"}],
        }),
    );
    json["environments"] = serde_json::json!({
        STAGING: {"auth": {
            "grantType": "client_credentials",
            "clientId": POST_CLIENT.0,
            "clientSecret": POST_CLIENT.1,
            "clientAuthentication": "body",
            "scopes": ["api:read"],
        }}
    });
    json
}

#[tokio::test]
async fn a_refresh_token_grant_in_default_leaves_stagings_client_credentials_token_alone() {
    let fx = Fixture::new(code_in_default).await;
    let open = |pending: &authorization::PendingAuthorization| {
        let url = pending.url.to_string();
        std::thread::spawn(move || std::process::Command::new(consent_browser()).arg(url).status());
    };
    let state = authorize_loopback(&fx.lifecycle, &fx.default, Duration::from_secs(90), open, |_| {})
        .await
        .expect("the code flow in default");
    assert!(state.has_refresh_token, "offline_access with consent gives a refresh token");
    assert!(
        fx.store.tokens(&fx.staging).await.unwrap().is_none(),
        "the code flow in default stores nothing in staging"
    );
    let staged = authorize_loopback(&fx.lifecycle, &fx.staging, Duration::from_secs(5), |_| {}, |_| {})
        .await
        .expect("client credentials in staging need no browser");
    assert!(!staged.has_refresh_token);
    assert_eq!(fx.provider.client_calls(NATIVE_CLIENT, "token:authorization_code"), 1);
    assert_eq!(fx.provider.client_calls(POST_CLIENT.0, "token:client_credentials"), 1);
    assert_eq!(fx.whoami(&fx.default).await, NATIVE_CLIENT);
    assert_eq!(fx.whoami(&fx.staging).await, POST_CLIENT.0);

    // The default environment's token is due: the refresh token grant, in default only.
    let (default, staging) = (fx.record(&fx.default).await, fx.record(&fx.staging).await);
    make_due(&fx.store, &fx.default).await;
    let renewed = fx.lifecycle.access_token(&fx.default).await.expect("refreshed");
    assert_ne!(renewed.expose(), access(&default));
    assert_eq!(fx.provider.client_calls(NATIVE_CLIENT, "token:refresh_token"), 1, "one refresh in default");
    let after = fx.record(&fx.default).await;
    assert_ne!(
        after.refresh_token.as_ref().unwrap().expose(),
        default.refresh_token.as_ref().unwrap().expose(),
        "the provider rotated default's refresh token"
    );
    same_tokens(&staging, &fx.record(&fx.staging).await, "staging after default's refresh");
    assert_eq!(fx.provider.calls("token:client_credentials"), 1, "staging fetched nothing meanwhile");

    // The token panel of each environment shows its own grants.
    let grants =
        |calls: Vec<latchkey_core::model::TokenCallEntry>| calls.into_iter().map(|c| c.grant).collect::<Vec<_>>();
    assert_eq!(grants(fx.store.token_calls(&fx.default).await.unwrap()), ["refresh_token", "authorization_code"]);
    assert_eq!(grants(fx.store.token_calls(&fx.staging).await.unwrap()), ["client_credentials"]);

    // A re-fetch in staging leaves default's rotated tokens as they are.
    fx.lifecycle.refresh_now(&fx.staging).await.unwrap();
    same_tokens(&after, &fx.record(&fx.default).await, "default after staging's re-fetch");
    assert_eq!(fx.whoami(&fx.default).await, NATIVE_CLIENT, "default's refreshed token works");
}

/// Makes both environments' tokens due, then runs `callers` concurrent `access_token` calls in
/// each environment through each of `lifecycles`, and returns the tokens they got per environment.
async fn concurrent_calls(
    lifecycles: &[TokenLifecycle],
    datasources: &[(&'static str, Datasource)],
    callers: usize,
) -> Vec<(&'static str, Vec<String>)> {
    let mut tasks = Vec::new();
    for (env, ds) in datasources {
        let ds = Arc::new(ds.clone());
        for lifecycle in lifecycles {
            for _ in 0..callers {
                let (lifecycle, ds) = (lifecycle.clone(), ds.clone());
                tasks.push((*env, tokio::spawn(async move { lifecycle.access_token(&ds).await })));
            }
        }
    }
    let mut got: Vec<(&'static str, Vec<String>)> = datasources.iter().map(|(env, _)| (*env, Vec::new())).collect();
    for (env, task) in tasks {
        let token = task.await.unwrap().unwrap_or_else(|e| panic!("{env}: every caller gets a token: {e}"));
        got.iter_mut().find(|(e, _)| *e == env).unwrap().1.push(token.expose().to_owned());
    }
    got
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_callers_in_two_environments_make_one_token_call_per_environment() {
    let fx = Fixture::new(two_clients).await;
    fx.lifecycle.fetch_now(&fx.default).await.unwrap();
    fx.lifecycle.fetch_now(&fx.staging).await.unwrap();
    let (default, staging) = (fx.record(&fx.default).await, fx.record(&fx.staging).await);
    make_due(&fx.store, &fx.default).await;
    make_due(&fx.store, &fx.staging).await;

    let datasources = [(DEFAULT, fx.default.clone()), (STAGING, fx.staging.clone())];
    let got = concurrent_calls(std::slice::from_ref(&fx.lifecycle), &datasources, 50).await;

    assert_eq!(fx.provider.client_calls(BASIC_CLIENT.0, "token:client_credentials"), 2, "default: one re-fetch");
    assert_eq!(fx.provider.client_calls(POST_CLIENT.0, "token:client_credentials"), 2, "staging: one re-fetch");
    assert_eq!(fx.provider.calls("token:client_credentials"), 4, "one token call per environment, not one in all");
    for ((env, tokens), (ds, before)) in got.iter().zip([(&fx.default, &default), (&fx.staging, &staging)]) {
        let now = access(&fx.record(ds).await);
        assert_ne!(now, access(before), "{env}: re-fetched");
        assert!(tokens.iter().all(|t| *t == now), "{env}: all 50 callers got the environment's one new token");
        assert_eq!(fx.store.token_calls(ds).await.unwrap().len(), 2, "{env}: the fetch and one re-fetch logged");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_stores_on_one_data_dir_share_one_refresh_per_environment() {
    let fx = Fixture::new(two_clients).await;
    // A second "process": its own store, vault handle, lifecycle (single-flight table) and locks.
    let (other_store, other) = open(fx.dir.path()).await;
    fx.lifecycle.fetch_now(&fx.default).await.unwrap();
    fx.lifecycle.fetch_now(&fx.staging).await.unwrap();
    let default = fx.record(&fx.default).await;
    let staging = fx.record(&fx.staging).await;

    // Only staging is due: callers in both environments from both stores.
    make_due(&fx.store, &fx.staging).await;
    let other_default = other_store.datasource_in(&fx.id, DEFAULT).await.unwrap();
    let other_staging = other_store.datasource_in(&fx.id, STAGING).await.unwrap();
    assert_eq!(other_staging.token_owner(), fx.staging.token_owner(), "the same (datasource, environment)");
    let lifecycles = [fx.lifecycle.clone(), other.clone()];
    let datasources = [(DEFAULT, fx.default.clone()), (STAGING, fx.staging.clone())];
    let got = concurrent_calls(&lifecycles, &datasources, 20).await;

    assert_eq!(
        fx.provider.client_calls(POST_CLIENT.0, "token:client_credentials"),
        2,
        "staging: ONE re-fetch for both stores"
    );
    assert_eq!(fx.provider.client_calls(BASIC_CLIENT.0, "token:client_credentials"), 1, "default: none");
    let now = fx.record(&fx.staging).await;
    assert_ne!(access(&now), access(&staging));
    assert!(got[1].1.iter().all(|t| *t == access(&now)), "every staging caller in both stores got the one new token");
    assert!(got[0].1.iter().all(|t| *t == access(&default)), "default's callers got default's token");
    same_tokens(&default, &fx.record(&fx.default).await, "default after staging's cross-process refresh");
    let seen_by_other = other_store.tokens(&other_staging).await.unwrap().unwrap();
    assert_eq!(access(&seen_by_other), access(&now), "the other store reads the same new token");
    same_tokens(&default, &other_store.tokens(&other_default).await.unwrap().unwrap(), "default in the other store");

    // Now default is due and the other store's background keep-alive runs: it renews default
    // only (staging's new token is not due).
    make_due(&fx.store, &fx.default).await;
    let failures = other.keep_alive().await.unwrap();
    assert!(failures.is_empty(), "{:?}", failures.iter().map(|(_, e)| e.to_string()).collect::<Vec<_>>());
    assert_eq!(fx.provider.client_calls(BASIC_CLIENT.0, "token:client_credentials"), 2, "default renewed once");
    same_tokens(&now, &fx.record(&fx.staging).await, "staging after default's keep-alive");
}
