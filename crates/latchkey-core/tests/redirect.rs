//! The loopback redirect listener against real HTTP requests on 127.0.0.1: one callback with
//! the right state ends it; callbacks that are not for the attempt (wrong or missing `state`)
//! are answered, reported and ignored; idle connections do not hold it up; nothing answers
//! after it closed; deep links not for the attempt leave it waiting the same way. The RFC 9207
//! `iss` checks run against the real `oidc-provider`, whose metadata promises `iss` and whose
//! token endpoint counts code exchanges.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use latchkey_core::model::{AuthConfig, Datasource, DatasourceConfig, OAuth2Config};
use latchkey_core::oauth::{authorization, authorize_loopback, AuthorizationError, OAuthDatasource, RedirectListener};
use latchkey_core::oauth::{TokenClient, TokenClientOptions, TokenLifecycle};
use latchkey_core::vault::key::KeyringUse;
use latchkey_core::{DataDir, Error, Result, Secret, Store};
use latchkey_testkit::oidc::NATIVE_CLIENT;
use latchkey_testkit::OidcProvider;
use tokio::io::AsyncWriteExt;

fn datasource() -> Datasource {
    Datasource::unsaved(
        "ds_test",
        DatasourceConfig {
            name: "provider".into(),
            url: "https://api.example.com".into(),
            auth: AuthConfig::OAuth2(Box::new(OAuth2Config {
                authorization_url: "https://id.example.com/authorize".into(),
                access_token_url: "https://id.example.com/token".into(),
                client_id: "app".into(),
                ..Default::default()
            })),
            ..Default::default()
        },
    )
}

/// The `state` the authorization URL carries.
fn state_of(url: &url::Url) -> String {
    url.query_pairs().find(|(k, _)| k == "state").map(|(_, v)| v.into_owned()).expect("state in the URL")
}

fn reason<T: std::fmt::Debug>(result: Result<T>) -> AuthorizationError {
    match result {
        Err(Error::Authorization(reason)) => reason,
        other => panic!("expected the attempt to end without a code, got {other:?}"),
    }
}

async fn get(url: &str) -> reqwest::Result<(u16, String)> {
    let response = reqwest::Client::builder().no_proxy().build()?.get(url).send().await?;
    let status = response.status().as_u16();
    Ok((status, response.text().await?))
}

/// Collects what the listener reports as ignored.
fn recorder() -> (Arc<Mutex<Vec<AuthorizationError>>>, impl FnMut(&AuthorizationError)) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    (seen, move |reason: &AuthorizationError| sink.lock().unwrap().push(reason.clone()))
}

#[tokio::test]
async fn the_matching_callback_gives_the_code_and_closes_the_listener() {
    let listener = RedirectListener::bind(0).await.unwrap();
    let redirect = listener.redirect_uri();
    let datasource = datasource();
    let pending = authorization::start(OAuthDatasource::of(&datasource).unwrap(), &redirect).unwrap();
    let callback = format!("{redirect}?code=the-code&state={}", state_of(&pending.url));
    let base = redirect.trim_end_matches("/callback").to_owned();
    let browser = tokio::spawn(async move {
        let favicon = get(&format!("{base}/favicon.ico")).await.unwrap();
        let answer = get(&callback).await.unwrap();
        let replay = get(&callback).await;
        (favicon, answer, replay)
    });
    let code = listener.wait(&pending, Duration::from_secs(20), |_| {}).await.unwrap();
    assert_eq!(code.expose(), "the-code");
    let (favicon, answer, replay) = browser.await.unwrap();
    assert_eq!(favicon.0, 404, "other paths are answered 404 without ending the attempt");
    assert_eq!(answer.0, 200);
    assert!(answer.1.contains("You can close this tab"), "{}", answer.1);
    assert!(replay.is_err(), "a replayed callback must find the listener closed, got {replay:?}");
}

#[tokio::test]
async fn a_wrong_state_callback_is_ignored_and_the_right_one_completes() {
    let listener = RedirectListener::bind(0).await.unwrap();
    let redirect = listener.redirect_uri();
    let datasource = datasource();
    let pending = authorization::start(OAuthDatasource::of(&datasource).unwrap(), &redirect).unwrap();
    let forged = format!("{redirect}?code=forged&state=not-the-state");
    let real = format!("{redirect}?code=real&state={}", state_of(&pending.url));
    // The real callback goes only once the forged one was answered, so the order is sure.
    let browser = tokio::spawn(async move {
        let forged = get(&forged).await.unwrap();
        (forged, get(&real).await.unwrap())
    });
    let (ignored, report) = recorder();
    let code = listener.wait(&pending, Duration::from_secs(20), report).await;
    let code: Secret = code.expect("the right callback after a forged one must still complete the attempt");
    assert_eq!(code.expose(), "real", "the forged code is never handed out");
    let (forged, real) = browser.await.unwrap();
    assert_eq!(forged.0, 400);
    assert!(forged.1.contains("not for the current attempt"), "the browser is told why: {}", forged.1);
    assert_eq!(real.0, 200, "{}", real.1);
    assert_eq!(*ignored.lock().unwrap(), [AuthorizationError::StateMismatch], "one ignored callback reported");
}

#[tokio::test]
async fn a_missing_state_callback_is_ignored_and_a_provider_error_still_ends_the_attempt() {
    let listener = RedirectListener::bind(0).await.unwrap();
    let redirect = listener.redirect_uri();
    let datasource = datasource();
    let pending = authorization::start(OAuthDatasource::of(&datasource).unwrap(), &redirect).unwrap();
    let stateless = format!("{redirect}?code=abc");
    let denied =
        format!("{redirect}?error=access_denied&error_description=User+declined&state={}", state_of(&pending.url));
    let browser = tokio::spawn(async move {
        let stateless = get(&stateless).await.unwrap();
        (stateless, get(&denied).await.unwrap())
    });
    let (ignored, report) = recorder();
    let denied = reason(listener.wait(&pending, Duration::from_secs(20), report).await);
    assert_eq!(
        denied,
        AuthorizationError::Denied { error: "access_denied".into(), description: Some("User declined".into()) },
        "the stateless callback must not end the attempt; the provider's error with the right state does"
    );
    let (stateless, denied) = browser.await.unwrap();
    assert_eq!(stateless.0, 400);
    assert!(stateless.1.contains("not for the current attempt"), "{}", stateless.1);
    assert!(denied.1.contains("access_denied"), "{}", denied.1);
    assert_eq!(*ignored.lock().unwrap(), [AuthorizationError::MissingState]);
}

#[tokio::test]
async fn thirty_idle_connections_do_not_block_the_callback() {
    let listener = RedirectListener::bind(0).await.unwrap();
    let redirect = listener.redirect_uri();
    let port = listener.port();
    let datasource = datasource();
    let pending = authorization::start(OAuthDatasource::of(&datasource).unwrap(), &redirect).unwrap();
    let real = format!("{redirect}?code=real&state={}", state_of(&pending.url));
    let browser = tokio::spawn(async move {
        // Thirty connections that never finish their request head (half of them started one),
        // all open before the browser's callback.
        let mut idle = Vec::new();
        for i in 0..30 {
            let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
            if i % 2 == 0 {
                stream.write_all(b"GET /callback?state=").await.unwrap();
            }
            idle.push(stream);
        }
        let answer = get(&real).await;
        (idle, answer)
    });
    // Served one after another, the idle connections would hold the callback up for 30 × the
    // 10 s head timeout; this wait ends long before that.
    let code = listener.wait(&pending, Duration::from_secs(60), |_| {}).await;
    assert_eq!(code.expect("the callback is served beside idle connections").expose(), "real");
    let (idle, answer) = browser.await.unwrap();
    assert_eq!(answer.unwrap().0, 200);
    assert_eq!(idle.len(), 30);
}

#[tokio::test]
async fn no_callback_times_out_naming_the_redirect_url_and_a_taken_port_is_named() {
    let listener = RedirectListener::bind(0).await.unwrap();
    let port = listener.port();
    let redirect = listener.redirect_uri();
    let datasource = datasource();
    let pending = authorization::start(OAuthDatasource::of(&datasource).unwrap(), &redirect).unwrap();
    let taken = RedirectListener::bind(port).await.unwrap_err();
    assert!(
        matches!(&taken, Error::Authorization(AuthorizationError::PortUnavailable { port: p, .. }) if *p == port),
        "{taken:?}"
    );
    assert!(taken.to_string().contains(&format!("127.0.0.1:{port}")), "{taken}");
    let timed_out = reason(listener.wait(&pending, Duration::from_millis(300), |_| {}).await);
    assert_eq!(timed_out, AuthorizationError::TimedOut { seconds: 1, redirect_uri: redirect.clone() });
    let message = timed_out.to_string();
    assert!(message.contains(&redirect), "the message repeats the Redirect URL to register: {message}");
    assert!(message.contains("redirect URI mismatch"), "the likely cause is named: {message}");
    assert!(!message.contains("sooner"), "a callback that never comes is not the person's slowness: {message}");
}

// --- RFC 9207 against oidc-provider ---------------------------------------------------------

/// A store in a temp dir with an authorization-code datasource on `provider`, its Issuer set.
async fn on_provider(provider: &OidcProvider) -> (TokenLifecycle, Datasource, tempfile::TempDir) {
    let json = provider.code_datasource("Native", NATIVE_CLIENT, serde_json::json!({"scopes": ["openid"]}));
    let config = latchkey_core::transfer::parse_datasource(&json.to_string()).expect("a valid datasource");
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_with(&DataDir::at(dir.path()), KeyringUse::Off).await.expect("open the store");
    let datasource = store.create_datasource(config).await.unwrap();
    let client = TokenClient::new(latchkey_core::http::Transport::new(), TokenClientOptions::default());
    (TokenLifecycle::new(store, client), datasource, dir)
}

/// Runs `authorize_loopback` where the "browser" sends the callback `query` (`{state}` replaced
/// by the attempt's state) instead of visiting the provider, as an attacker who learned the
/// state would.
async fn authorize_with_callback(provider: &OidcProvider, query: &str) -> AuthorizationError {
    let (lifecycle, datasource, _dir) = on_provider(provider).await;
    let query = query.to_owned();
    let open = move |pending: &authorization::PendingAuthorization| {
        let url = format!("{}?{}", pending.redirect_uri, query.replace("{state}", &state_of(&pending.url)));
        tokio::spawn(async move { get(&url).await });
    };
    reason(authorize_loopback(&lifecycle, &datasource, Duration::from_secs(30), open, |_| {}).await)
}

#[tokio::test]
async fn an_iss_of_another_issuer_fails_naming_both_and_no_code_is_exchanged() {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let evil = "https://evil.example";
    let failed = authorize_with_callback(&provider, &format!("code=stolen&state={{state}}&iss={evil}")).await;
    assert_eq!(
        failed,
        AuthorizationError::IssuerMismatch { expected: provider.issuer().to_owned(), received: evil.into() }
    );
    let message = failed.to_string();
    assert!(message.contains(evil) && message.contains(provider.issuer()), "both issuers named: {message}");
    assert_eq!(provider.calls("token:authorization_code"), 0, "the code must not reach the token endpoint");
}

#[tokio::test]
async fn without_iss_fails_when_the_metadata_promises_it() {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let failed = authorize_with_callback(&provider, "code=stolen&state={state}").await;
    assert_eq!(failed, AuthorizationError::IssuerMissing { expected: provider.issuer().to_owned() });
    assert_eq!(provider.calls("token:authorization_code"), 0, "the code must not reach the token endpoint");
}

// --- Deep link ------------------------------------------------------------------------------

#[tokio::test]
async fn deep_links_not_for_the_attempt_are_ignored_and_it_keeps_waiting() {
    let json = serde_json::json!({
        "name": "Deep",
        "url": "https://api.example.com",
        "auth": {
            "type": "oauth2",
            "grantType": "authorization_code",
            "authorizationUrl": "https://id.example.com/authorize",
            "accessTokenUrl": "https://id.example.com/token",
            "clientId": "app",
            "redirect": "deep_link",
        }
    });
    let config = latchkey_core::transfer::parse_datasource(&json.to_string()).expect("a valid datasource");
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_with(&DataDir::at(dir.path()), KeyringUse::Off).await.expect("open the store");
    let datasource = store.create_datasource(config).await.unwrap();
    let lifecycle = TokenLifecycle::new(store, TokenClient::default());
    let (links, mut callbacks) = tokio::sync::mpsc::channel(8);
    // What the desktop app's `deliver` hands over: two stray links, then the provider's answer.
    let open = move |pending: &authorization::PendingAuthorization| {
        let state = state_of(&pending.url);
        for link in [
            "latchkey://oauth/callback?code=forged&state=guessed".to_owned(),
            "latchkey://oauth/callback?code=forged".to_owned(),
            format!("latchkey://oauth/callback?error=access_denied&state={state}"),
        ] {
            let url = url::Url::parse(&link).unwrap();
            links.try_send(latchkey_core::oauth::Callback::from_url(&url)).unwrap();
        }
    };
    let (ignored, report) = recorder();
    let result = latchkey_core::oauth::authorize_deep_link(
        &lifecycle,
        &datasource,
        &mut callbacks,
        Duration::from_secs(20),
        open,
        report,
    )
    .await;
    assert!(
        matches!(reason(result), AuthorizationError::Denied { ref error, .. } if error == "access_denied"),
        "the stray links must not end the attempt; the provider's answer does"
    );
    assert_eq!(*ignored.lock().unwrap(), [AuthorizationError::StateMismatch, AuthorizationError::MissingState]);
}
