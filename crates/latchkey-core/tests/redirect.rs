//! The loopback redirect listener against real HTTP requests on 127.0.0.1: one callback with
//! the right state ends it; hostile callbacks end the attempt without a code; nothing answers
//! after it closed.

use std::time::Duration;

use latchkey_core::model::{AuthConfig, Datasource, DatasourceConfig, OAuth2Config};
use latchkey_core::oauth::{authorization, AuthorizationError, RedirectListener};
use latchkey_core::{Error, Result, Secret};

fn datasource() -> Datasource {
    Datasource {
        id: "ds_test".into(),
        created_at: 0,
        updated_at: 0,
        config: DatasourceConfig {
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
    }
}

/// The `state` the authorization URL carries.
fn state_of(url: &url::Url) -> String {
    url.query_pairs().find(|(k, _)| k == "state").map(|(_, v)| v.into_owned()).expect("state in the URL")
}

fn reason(result: Result<Secret>) -> AuthorizationError {
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

#[tokio::test]
async fn the_matching_callback_gives_the_code_and_closes_the_listener() {
    let listener = RedirectListener::bind(0).await.unwrap();
    let redirect = listener.redirect_uri();
    let pending = authorization::start(&datasource(), &redirect).unwrap();
    let callback = format!("{redirect}?code=the-code&state={}", state_of(&pending.url));
    let base = redirect.trim_end_matches("/callback").to_owned();
    let browser = tokio::spawn(async move {
        let favicon = get(&format!("{base}/favicon.ico")).await.unwrap();
        let answer = get(&callback).await.unwrap();
        let replay = get(&callback).await;
        (favicon, answer, replay)
    });
    let code = listener.wait(&pending, Duration::from_secs(20)).await.unwrap();
    assert_eq!(code.expose(), "the-code");
    let (favicon, answer, replay) = browser.await.unwrap();
    assert_eq!(favicon.0, 404, "other paths are answered 404 without ending the attempt");
    assert_eq!(answer.0, 200);
    assert!(answer.1.contains("You can close this tab"), "{}", answer.1);
    assert!(replay.is_err(), "a replayed callback must find the listener closed, got {replay:?}");
}

#[tokio::test]
async fn a_wrong_state_ends_the_attempt_without_a_code() {
    let listener = RedirectListener::bind(0).await.unwrap();
    let redirect = listener.redirect_uri();
    let pending = authorization::start(&datasource(), &redirect).unwrap();
    let forged = format!("{redirect}?code=forged&state=not-the-state");
    let real = format!("{redirect}?code=real&state={}", state_of(&pending.url));
    let browser = tokio::spawn(async move { (get(&forged).await.unwrap(), get(&real).await) });
    assert_eq!(reason(listener.wait(&pending, Duration::from_secs(20)).await), AuthorizationError::StateMismatch);
    let (forged, second) = browser.await.unwrap();
    assert_eq!(forged.0, 400);
    assert!(forged.1.contains("does not match"), "the browser is told why: {}", forged.1);
    assert!(second.is_err(), "a second callback finds nothing listening, got {second:?}");
}

#[tokio::test]
async fn missing_state_and_provider_errors_end_the_attempt() {
    let listener = RedirectListener::bind(0).await.unwrap();
    let redirect = listener.redirect_uri();
    let pending = authorization::start(&datasource(), &redirect).unwrap();
    let url = format!("{redirect}?code=abc");
    tokio::spawn(async move { get(&url).await });
    assert_eq!(reason(listener.wait(&pending, Duration::from_secs(20)).await), AuthorizationError::MissingState);

    let listener = RedirectListener::bind(0).await.unwrap();
    let redirect = listener.redirect_uri();
    let pending = authorization::start(&datasource(), &redirect).unwrap();
    let url =
        format!("{redirect}?error=access_denied&error_description=User+declined&state={}", state_of(&pending.url));
    let browser = tokio::spawn(async move { get(&url).await.unwrap() });
    let denied = reason(listener.wait(&pending, Duration::from_secs(20)).await);
    assert_eq!(
        denied,
        AuthorizationError::Denied { error: "access_denied".into(), description: Some("User declined".into()) }
    );
    assert!(browser.await.unwrap().1.contains("access_denied"));
}

#[tokio::test]
async fn no_callback_times_out_and_a_taken_port_is_named() {
    let listener = RedirectListener::bind(0).await.unwrap();
    let port = listener.port();
    let pending = authorization::start(&datasource(), &listener.redirect_uri()).unwrap();
    let taken = RedirectListener::bind(port).await.unwrap_err();
    assert!(
        matches!(&taken, Error::Authorization(AuthorizationError::PortUnavailable { port: p, .. }) if *p == port),
        "{taken:?}"
    );
    assert!(taken.to_string().contains(&format!("127.0.0.1:{port}")), "{taken}");
    let result = listener.wait(&pending, Duration::from_millis(300)).await;
    assert_eq!(reason(result), AuthorizationError::TimedOut(1));
}
