//! Issue 11: the device authorization grant (RFC 8628) against the real `oidc-provider` with
//! `features.deviceFlow` (tests/oauth/provider.mjs: the public `device-app` client and the
//! confidential `device-basic` one), the code confirmed and consent given in headless Chromium
//! through `verification_uri_complete` (tests/oauth/device_consent.mjs), and a real SQLite store
//! in a temp dir. oidc-provider never answers `slow_down`, so that quirk alone is played by a
//! small fake token endpoint (`slow_down_is_obeyed_…`).

mod common;

use std::process::{Child, Command};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::make_due;
use latchkey_core::model::{Datasource, TokenStatus};
use latchkey_core::oauth::{
    authorize_device, AuthorizationError, DeviceCode, DeviceProgress, TokenClient, TokenClientOptions, TokenLifecycle,
};
use latchkey_core::transfer::parse_datasource;
use latchkey_core::vault::key::KeyringUse;
use latchkey_core::{DataDir, Error, Store};
use latchkey_testkit::oidc::{device_consent_browser, DEVICE_BASIC_CLIENT, DEVICE_CLIENT, DEVICE_TOKEN_CALLS};
use latchkey_testkit::{OidcProvider, RecordedRequest, Reply, TestServer};

async fn open(dir: &std::path::Path) -> (Store, TokenLifecycle) {
    let store = Store::open_with(&DataDir::at(dir), KeyringUse::Off).await.expect("open the store");
    let client = TokenClient::new(latchkey_core::http::Transport::new(), TokenClientOptions::default());
    (store.clone(), TokenLifecycle::new(store, client))
}

async fn stored(store: &Store, json: &serde_json::Value) -> Datasource {
    let config = parse_datasource(&json.to_string()).expect("a valid datasource");
    let created = store.create_datasource(config).await.unwrap();
    store.datasource_with_secrets(&created.id).await.unwrap()
}

/// The person: the device consent script on the page the code was shown with (`deny` aborts).
struct Person {
    child: Arc<Mutex<Option<Child>>>,
    shown: Arc<Mutex<Option<(String, String)>>>,
}

impl Person {
    fn new() -> Person {
        Person { child: Arc::default(), shown: Arc::default() }
    }

    /// What `authorize_device` calls with the code: opens the page in headless Chromium.
    fn show(&self, deny: bool) -> impl FnOnce(&DeviceCode) + '_ {
        move |code: &DeviceCode| {
            *self.shown.lock().unwrap() = Some((code.user_code.clone(), code.page_to_open().to_owned()));
            let mut command = Command::new(device_consent_browser());
            command.arg(code.page_to_open());
            if deny {
                command.env("LATCHKEY_TEST_CONSENT", "deny");
            }
            *self.child.lock().unwrap() = Some(command.spawn().expect("start the device consent browser"));
        }
    }

    fn finished(&self) {
        if let Some(mut child) = self.child.lock().unwrap().take() {
            let status = child.wait().expect("the browser ends");
            assert!(status.success(), "the device consent script failed");
        }
    }
}

#[tokio::test]
async fn a_public_client_is_authorized_through_the_verification_page_then_refreshes() {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let dir = tempfile::tempdir().unwrap();
    let (store, lifecycle) = open(dir.path()).await;
    let datasource = stored(&store, &provider.device_datasource("TV", DEVICE_CLIENT, serde_json::json!({}))).await;
    let person = Person::new();
    let mut pending = 0;
    let state = authorize_device(
        &lifecycle,
        &datasource,
        person.show(false),
        |p| pending += u32::from(matches!(p, DeviceProgress::Pending { .. })),
        std::future::pending(),
    )
    .await
    .expect("the person confirmed the code");
    person.finished();
    assert_eq!(state.status, TokenStatus::Authorized);
    assert!(state.has_refresh_token, "offline_access gives a refresh token");
    let (user_code, page) = person.shown.lock().unwrap().clone().expect("the code was shown");
    assert!(page.contains("user_code="), "verification_uri_complete is opened: {page}");
    assert!(!user_code.is_empty());
    assert_eq!(provider.client_calls(DEVICE_CLIENT, "device_authorization"), 1, "{}", provider.stats());
    let polls = provider.client_calls(DEVICE_CLIENT, DEVICE_TOKEN_CALLS);
    assert_eq!(u64::from(pending) + 1, polls, "every poll but the last was authorization_pending");

    // Then refreshed with the refresh token, as after the code grant.
    make_due(&store, &datasource).await;
    lifecycle.access_token(&datasource).await.expect("the refresh works");
    assert_eq!(provider.client_calls(DEVICE_CLIENT, "token:refresh_token"), 1, "{}", provider.stats());
    let details = lifecycle.details(&datasource).await.unwrap();
    let grants: Vec<&str> = details.calls.iter().map(|c| c.grant.as_str()).collect();
    assert!(grants.contains(&"device_authorization") && grants.contains(&"device_code"), "logged: {grants:?}");
    assert_eq!(
        grants.iter().filter(|g| **g == "device_code").count(),
        1,
        "only the poll that ended the wait is logged: {grants:?}"
    );
}

#[tokio::test]
async fn a_confidential_client_authenticates_both_calls_with_the_basic_header() {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let dir = tempfile::tempdir().unwrap();
    let (store, lifecycle) = open(dir.path()).await;
    let auth = serde_json::json!({"clientSecret": DEVICE_BASIC_CLIENT.1, "clientAuthentication": "basic_header"});
    let datasource = stored(&store, &provider.device_datasource("TV", DEVICE_BASIC_CLIENT.0, auth)).await;
    let person = Person::new();
    let state = authorize_device(&lifecycle, &datasource, person.show(false), |_| {}, std::future::pending())
        .await
        .expect("the provider authenticated the client");
    person.finished();
    assert_eq!(state.status, TokenStatus::Authorized);
    assert_eq!(provider.client_calls(DEVICE_BASIC_CLIENT.0, "device_authorization"), 1, "{}", provider.stats());
    assert!(provider.client_calls(DEVICE_BASIC_CLIENT.0, DEVICE_TOKEN_CALLS) >= 1);

    // A wrong secret is refused at the device authorization endpoint, explained.
    let auth = serde_json::json!({"clientSecret": "not the secret", "clientAuthentication": "basic_header"});
    let wrong = stored(&store, &provider.device_datasource("TV wrong", DEVICE_BASIC_CLIENT.0, auth)).await;
    let err =
        authorize_device(&lifecycle, &wrong, |_| panic!("no code"), |_| {}, std::future::pending()).await.unwrap_err();
    let text = err.to_string();
    assert!(text.contains("requesting a device code") && text.contains("invalid_client"), "{text}");
    assert!(!text.contains("not the secret"), "{text}");
}

#[tokio::test]
async fn the_device_authorization_url_is_discovered_from_the_issuer() {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let dir = tempfile::tempdir().unwrap();
    let (store, lifecycle) = open(dir.path()).await;
    let json = provider.device_datasource("TV", DEVICE_CLIENT, serde_json::json!({"deviceAuthorizationUrl": ""}));
    let datasource = stored(&store, &json).await;
    let person = Person::new();
    let state = authorize_device(&lifecycle, &datasource, person.show(false), |_| {}, std::future::pending())
        .await
        .expect("discovered and authorized");
    person.finished();
    assert_eq!(state.status, TokenStatus::Authorized);
    assert_eq!(provider.client_calls(DEVICE_CLIENT, "device_authorization"), 1);
}

#[tokio::test]
async fn a_denial_in_the_browser_is_explained_and_nothing_is_stored() {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let dir = tempfile::tempdir().unwrap();
    let (store, lifecycle) = open(dir.path()).await;
    let datasource = stored(&store, &provider.device_datasource("TV", DEVICE_CLIENT, serde_json::json!({}))).await;
    let person = Person::new();
    let err =
        authorize_device(&lifecycle, &datasource, person.show(true), |_| {}, std::future::pending()).await.unwrap_err();
    person.finished();
    assert!(matches!(err, Error::Authorization(AuthorizationError::DeviceDenied { .. })), "{err:?}");
    assert!(err.to_string().contains("the person denied"), "{err}");
    assert!(provider.errors().contains(&("token".into(), "access_denied".into())), "{}", provider.stats());
    assert!(store.tokens(&datasource).await.unwrap().is_none(), "nothing stored");
}

#[tokio::test]
async fn an_expired_code_is_explained() {
    let provider = OidcProvider::start_with(Duration::from_secs(3600), &[("PROVIDER_DEVICE_TTL", "3")]);
    let dir = tempfile::tempdir().unwrap();
    let (store, lifecycle) = open(dir.path()).await;
    let datasource = stored(&store, &provider.device_datasource("TV", DEVICE_CLIENT, serde_json::json!({}))).await;
    let mut expires_in = 0;
    let err = authorize_device(&lifecycle, &datasource, |c| expires_in = c.expires_in, |_| {}, std::future::pending())
        .await
        .unwrap_err();
    assert!(expires_in > 0 && expires_in <= 3, "the provider's ttl.DeviceCode: {expires_in}");
    assert!(matches!(err, Error::Authorization(AuthorizationError::DeviceCodeExpired)), "{err:?}");
    assert!(err.to_string().contains("the code expired") && err.to_string().contains("authorize again"), "{err}");
    assert!(provider.client_calls(DEVICE_CLIENT, DEVICE_TOKEN_CALLS) >= 1, "it polled until then");
    assert!(store.tokens(&datasource).await.unwrap().is_none());
}

#[tokio::test]
async fn cancelling_ends_the_wait_without_storing() {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let dir = tempfile::tempdir().unwrap();
    let (store, lifecycle) = open(dir.path()).await;
    let datasource = stored(&store, &provider.device_datasource("TV", DEVICE_CLIENT, serde_json::json!({}))).await;
    let (cancel, cancelled) = tokio::sync::oneshot::channel::<()>();
    let mut cancel = Some(cancel);
    let err = authorize_device(
        &lifecycle,
        &datasource,
        |_| {},
        // The person walks away after the first pending answer.
        |_| drop(cancel.take()),
        async {
            let _ = cancelled.await;
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::Authorization(AuthorizationError::Cancelled)), "{err:?}");
    assert!(store.tokens(&datasource).await.unwrap().is_none());
}

/// oidc-provider never answers `slow_down` (RFC 8628 §3.5), so this small fake server does (a
/// device authorization answer with a 1 s interval, `slow_down` once, then a token): the quirk
/// alone, everything else of the grant is tested against the real provider above.
#[tokio::test]
async fn slow_down_is_obeyed_and_the_flow_still_ends_authorized() {
    let polls = Arc::new(AtomicU32::new(0));
    let counted = polls.clone();
    let server = TestServer::with_handler(Arc::new(move |request: &RecordedRequest| {
        if request.path == "/device" {
            return Reply::json(
                200,
                &serde_json::json!({"device_code": "dc-quirky", "user_code": "QUIR-KY",
                    "verification_uri": "http://127.0.0.1/device", "expires_in": 600, "interval": 1}),
            );
        }
        assert_eq!(request.form_value("device_code").as_deref(), Some("dc-quirky"));
        if counted.fetch_add(1, Ordering::SeqCst) == 0 {
            Reply::json(400, &serde_json::json!({"error": "slow_down"}))
        } else {
            Reply::json(
                200,
                &serde_json::json!({"access_token": "at-quirky", "token_type": "Bearer", "expires_in": 3600}),
            )
        }
    }));
    let dir = tempfile::tempdir().unwrap();
    let (store, lifecycle) = open(dir.path()).await;
    let json = serde_json::json!({
        "name": "Quirky", "url": server.base_url(),
        "auth": {"type": "oauth2", "grantType": "device_code", "clientId": "tv",
            "accessTokenUrl": server.url("/token"), "deviceAuthorizationUrl": server.url("/device")}
    });
    let datasource = stored(&store, &json).await;
    let mut intervals = Vec::new();
    let state = authorize_device(
        &lifecycle,
        &datasource,
        |_| {},
        |p| {
            if let DeviceProgress::SlowedDown { interval } = p {
                intervals.push(interval.as_secs());
            }
        },
        std::future::pending(),
    )
    .await
    .expect("authorized after slowing down");
    assert_eq!(state.status, TokenStatus::Authorized);
    assert_eq!(intervals, [6], "slow_down adds 5 s to the 1 s interval");
    assert_eq!(polls.load(Ordering::SeqCst), 2, "one slow_down answer, then the token");
}

#[tokio::test]
async fn a_refused_refresh_token_needs_the_person_again_as_after_the_code_grant() {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let dir = tempfile::tempdir().unwrap();
    let (store, lifecycle) = open(dir.path()).await;
    let datasource = stored(&store, &provider.device_datasource("TV", DEVICE_CLIENT, serde_json::json!({}))).await;
    let person = Person::new();
    authorize_device(&lifecycle, &datasource, person.show(false), |_| {}, std::future::pending())
        .await
        .expect("authorized");
    person.finished();
    // The grant is revoked at the provider (RFC 7009), so the refresh token is refused.
    let record = store.tokens(&datasource).await.unwrap().expect("tokens stored");
    let refresh = record.refresh_token.expect("a refresh token");
    let revoked = reqwest::Client::new()
        .post(provider.url("/token/revocation"))
        .form(&[("token", refresh.expose()), ("token_type_hint", "refresh_token"), ("client_id", DEVICE_CLIENT)])
        .send()
        .await
        .unwrap();
    assert!(revoked.status().is_success(), "{}", revoked.status());
    make_due(&store, &datasource).await;
    let err = lifecycle.access_token(&datasource).await.unwrap_err();
    assert!(matches!(err, Error::NeedsReauthorization { .. }), "not fetched again without a person: {err:?}");
    assert_eq!(lifecycle.state(&datasource).await.unwrap().status, TokenStatus::NeedsReauthorization);
    let err = lifecycle.refresh_now(&datasource).await.unwrap_err();
    assert!(matches!(err, Error::NeedsReauthorization { .. }), "{err:?}");
    assert_eq!(provider.client_calls(DEVICE_CLIENT, "token:refresh_token"), 1, "{}", provider.stats());
}
