//! Where credentials may travel (issue 9, hardening items 3, 5 and 6), over real loopback
//! HTTP(S) servers and a real SQLite store in a temp dir: a pinned self-signed certificate is
//! trusted only for the datasource URL's host unless `useSelfSignedCertForAuth` extends it to
//! the OAuth endpoints; token-call errors never quote a secret, in any spelling, in a message or
//! a history row; plain http carries credentials only to loopback hosts, or with
//! `allowInsecureHttp` for the datasource URL.
//!
//! The token endpoints here are the testkit's HTTPS echo server (TLS accepted or refused is all
//! that matters for the pin) and, for the echo of a password, a small handler: no real
//! provider, `oidc-provider` included, ever quotes a password back, which is the behaviour the
//! error texts must survive.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use latchkey_core::http::{prepare, SendOptions, Transport};
use latchkey_core::model::{Datasource, DatasourceConfig, EnvironmentRef, RequestSpec};
use latchkey_core::oauth::token_client::{direct_grant_request, revocation_request, TokenErrorKind};
use latchkey_core::oauth::{OAuthDatasource, TokenClient, TokenClientOptions, TokenLifecycle};
use latchkey_core::transfer::parse_datasource;
use latchkey_core::vault::key::KeyringUse;
use latchkey_core::{tester, DataDir, Error, ErrorPayload, Secret, Store};
use latchkey_testkit::{openssl_self_signed, Handler, RecordedRequest, Reply, TestServer};

/// The clock of client assertions (none of these datasources uses one).
const NOW: u64 = 1_700_000_000;
const CLIENT_SECRET: &str = "MARKER-CS-5d1e";
/// With a space and characters that each encoding writes differently.
const PASSWORD: &str = "MARKER pw/7Qz9&x";

fn once() -> TokenClientOptions {
    TokenClientOptions { timeout: Duration::from_secs(10), attempts: 1, backoff: Duration::from_millis(1) }
}

fn datasource(json: &str) -> Datasource {
    Datasource::unsaved("ds_test", parse_datasource(json).unwrap())
}

fn get(path: &str) -> RequestSpec {
    RequestSpec { path: path.into(), ..Default::default() }
}

async fn store() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_with(&DataDir::at(dir.path()), KeyringUse::Off).await.expect("open store");
    (store, dir)
}

/// The field errors of `err`, which must be a validation error.
fn fields(err: &Error) -> Vec<(String, String)> {
    match err {
        Error::Invalid(fields) => fields.iter().map(|f| (f.field.clone(), f.message.clone())).collect(),
        other => panic!("expected a field error, got {other:?}"),
    }
}

// --- Item 3: the reach of a pinned certificate ----------------------------------------------

/// A client-credentials datasource at `api` pinning `pem`, whose token and revocation endpoint
/// is `token_url`.
fn pinned(api: &str, pem: &str, token_url: &str, for_auth: bool) -> Datasource {
    datasource(&format!(
        r#"{{"name":"Pinned","url":"{api}","selfSignedCertificate":{pem},"auth":{{"type":"oauth2",
          "grantType":"client_credentials","accessTokenUrl":"{token_url}","revocationUrl":"{token_url}",
          "clientId":"c","clientSecret":"{CLIENT_SECRET}","useSelfSignedCertForAuth":{for_auth}}}}}"#,
        pem = serde_json::to_string(pem).unwrap(),
    ))
}

#[tokio::test]
async fn a_pinned_certificate_is_not_trusted_for_oauth_endpoints_on_another_host_unless_asked() {
    let cert = openssl_self_signed("localhost");
    let api = TestServer::https(&cert);
    // The same certificate (it names 127.0.0.1 too) on a second server, reached by another
    // host name than the datasource URL's `localhost`: what a moved Access Token URL would be.
    let elsewhere = TestServer::https(&cert);
    let token_url = format!("https://127.0.0.1:{}/token", elsewhere.port());
    let client = TokenClient::new(Transport::new(), once());

    let off = pinned(&api.base_url(), &cert.cert_pem, &token_url, false);
    let request = direct_grant_request(OAuthDatasource::of(&off).unwrap().config, NOW).unwrap();
    let err = client.exchange(&off, &request).await.unwrap_err();
    let Error::Token(token) = &err else { panic!("expected a token call failure, got {err:?}") };
    assert_eq!(token.kind, TokenErrorKind::Unavailable, "{err}");
    assert!(token.detail.contains("certificate") || token.detail.contains("UnknownIssuer"), "{err}");
    let revocation =
        revocation_request(OAuthDatasource::of(&off).unwrap().config, &Secret::new("a-token"), "access_token", NOW)
            .unwrap();
    let err = client.revoke(&off, &revocation).await.unwrap_err();
    assert!(matches!(&err, Error::Token(t) if t.kind == TokenErrorKind::Unavailable), "{err}");
    assert_eq!(elsewhere.request_count(), 0, "the client secret never reached the other host");

    let on = pinned(&api.base_url(), &cert.cert_pem, &token_url, true);
    let request = direct_grant_request(OAuthDatasource::of(&on).unwrap().config, NOW).unwrap();
    let err = client.exchange(&on, &request).await.unwrap_err();
    let Error::Token(token) = &err else { panic!("expected a token call failure, got {err:?}") };
    assert_eq!(token.kind, TokenErrorKind::MissingAccessToken, "TLS accepted; the echo is no token: {err}");
    let revocation =
        revocation_request(OAuthDatasource::of(&on).unwrap().config, &Secret::new("a-token"), "access_token", NOW)
            .unwrap();
    client.revoke(&on, &revocation).await.expect("the revocation endpoint is trusted with the switch on");
    assert_eq!(elsewhere.request_count(), 2, "with useSelfSignedCertForAuth the pin holds for the token endpoint");

    let response = Transport::new()
        .send(
            &off,
            prepare(&off, &get("/hello"), Some(&Secret::new("t")), SystemTime::now()).unwrap(),
            &SendOptions::default(),
        )
        .await
        .expect("the datasource's own host stays pinned");
    assert_eq!(response.status, 200);
}

#[tokio::test]
async fn a_pinned_certificate_holds_for_a_token_endpoint_on_the_datasource_host() {
    let cert = openssl_self_signed("localhost");
    let api = TestServer::https(&cert);
    let token = TestServer::https(&cert);
    let ds = pinned(&api.base_url(), &cert.cert_pem, &token.url("/token"), false);
    let request = direct_grant_request(OAuthDatasource::of(&ds).unwrap().config, NOW).unwrap();
    let err = TokenClient::new(Transport::new(), once()).exchange(&ds, &request).await.unwrap_err();
    assert!(matches!(&err, Error::Token(t) if t.kind == TokenErrorKind::MissingAccessToken), "{err}");
    assert_eq!(token.request_count(), 1, "the host, not the port, is what the pin is for");

    let other = openssl_self_signed("localhost");
    let wrong = pinned(&api.base_url(), &other.cert_pem, &token.url("/token"), true);
    let err = TokenClient::new(Transport::new(), once()).exchange(&wrong, &request).await.unwrap_err();
    assert!(matches!(&err, Error::Token(t) if t.kind == TokenErrorKind::Unavailable), "{err}");
    assert_eq!(token.request_count(), 1, "another certificate vouches for no endpoint");
}

// --- Item 5: error texts quote no secret -----------------------------------------------------

/// How the fake token endpoint writes the password it received back, by `?case=`.
fn echo_cases(password: &str) -> Vec<(&'static str, String, Reply)> {
    let percent: String =
        url::form_urlencoded::byte_serialize(password.as_bytes()).collect::<String>().replace('+', "%20");
    let unicode: String = password.chars().map(|c| format!("\\u{:04x}", c as u32)).collect();
    let entities: String = password.chars().map(|c| format!("&#{};", c as u32)).collect();
    let broken = format!("{}\r\n{}", &password[..9], &password[9..]);
    let json = |description: &str| format!(r#"{{"error":"invalid_grant","error_description":"{description}"}}"#);
    vec![
        (
            "percent",
            percent.clone(),
            Reply::new(400, "application/json", json(&format!("password {percent} is wrong"))),
        ),
        (
            "unicode",
            unicode.clone(),
            Reply::new(400, "application/json", json(&format!("password {unicode} is wrong"))),
        ),
        ("escaped", unicode.clone(), Reply::new(400, "application/json", format!(r#"{{"message":"{unicode}"}}"#))),
        ("html", entities.clone(), Reply::new(400, "text/html", format!("<html><p>password {entities}</p></html>"))),
        ("broken", broken.clone(), Reply::new(400, "text/plain", format!("password\n{broken}\nis wrong"))),
        ("form", percent.clone(), Reply::new(400, "text/plain", format!("grant_type=password&password={percent}"))),
    ]
}

#[tokio::test]
async fn an_echoed_password_is_in_no_message_payload_or_history_row() {
    let handler: Handler = Arc::new(|req: &RecordedRequest| {
        let password = req.form_value("password").unwrap_or_default();
        let case = req.query_pairs().into_iter().find(|(k, _)| k == "case").map(|(_, v)| v).unwrap_or_default();
        echo_cases(&password).into_iter().find(|(name, ..)| *name == case).map(|(.., reply)| reply).expect("a case")
    });
    let provider = TestServer::with_handler(handler);
    let api = TestServer::http();
    let (store, dir) = store().await;
    let lifecycle = TokenLifecycle::new(store.clone(), TokenClient::new(Transport::new(), once()));

    for (case, spelling, _) in echo_cases(PASSWORD) {
        let json = format!(
            r#"{{"name":"Echo {case}","url":"{api}","auth":{{"type":"oauth2","grantType":"password",
              "accessTokenUrl":"{token}?case={case}","clientId":"c","clientSecret":"{CLIENT_SECRET}",
              "username":"ann","password":{password}}}}}"#,
            api = api.base_url(),
            token = provider.url("/token"),
            password = serde_json::to_string(PASSWORD).unwrap(),
        );
        let ds = store.create_datasource(parse_datasource(&json).unwrap()).await.unwrap();
        let ds = store.datasource_in(&ds.id, EnvironmentRef::Default).await.unwrap();
        let run = tester::run(&lifecycle, &Transport::new(), &ds, &get("/items"), None, &SendOptions::default())
            .await
            .unwrap();
        let err = run.outcome.expect_err("the token call is refused");
        let payload = ErrorPayload::from(&err);
        let entry = run.entry.expect("a failed run is in the history");
        let rows = store.history(&ds.id, None, 10).await.unwrap();
        assert_eq!(rows.len(), 1, "{case}");
        let mut texts = vec![err.to_string(), format!("{err:?}"), payload.message.clone()];
        texts
            .extend(payload.provider.iter().flat_map(|p| [p.error.clone(), p.description.clone().unwrap_or_default()]));
        texts.extend(entry.error.clone());
        texts.extend(rows.iter().filter_map(|row| row.error.clone()));
        let spaced = spelling.replace(['\r', '\n'], " ");
        for text in &texts {
            for secret in [PASSWORD, spelling.as_str(), spaced.as_str(), "7Qz9"] {
                assert!(!text.contains(secret), "{case}: {secret:?} came through in {text:?}");
            }
        }
        assert_eq!(entry.error.as_deref(), Some(err.to_string().as_str()), "{case}: history has the same text");
        if case == "html" {
            let message = err.to_string();
            assert!(message.contains("an HTML page that is not a token response (text/html, "), "{message}");
            assert!(message.contains("bytes, not shown"), "{message}");
        }
    }
    assert_eq!(provider.request_count(), 6, "each case was one token call");
    drop(store);
    for file in std::fs::read_dir(dir.path()).unwrap() {
        let path = file.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            let percent = "MARKER%20pw%2F7Qz9%26x";
            let found = bytes.windows(percent.len()).any(|w| w == percent.as_bytes());
            assert!(!found, "the percent-encoded password is in {}", path.display());
        }
    }
}

#[tokio::test]
async fn a_body_that_is_not_json_is_described_by_content_type_and_length() {
    let body = "Internal details: client_secret=MARKER-CS-5d1e rejected\n";
    let handler: Handler = Arc::new(move |_: &RecordedRequest| Reply::new(401, "text/plain; charset=utf-8", body));
    let provider = TestServer::with_handler(handler);
    let ds = datasource(&format!(
        r#"{{"name":"T","url":"http://127.0.0.1:9","auth":{{"type":"oauth2","grantType":"client_credentials",
          "accessTokenUrl":"{}","clientId":"c","clientSecret":"{CLIENT_SECRET}"}}}}"#,
        provider.url("/token")
    ));
    let request = direct_grant_request(OAuthDatasource::of(&ds).unwrap().config, NOW).unwrap();
    let err = TokenClient::new(Transport::new(), once()).exchange(&ds, &request).await.unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains(&format!(
            "HTTP 401 with something that is not a token response (text/plain, {} bytes",
            body.len()
        )),
        "{message}"
    );
    assert!(!message.contains("Internal details") && !message.contains("MARKER"), "no part of the body: {message}");
    assert!(message.contains("the wrong Access Token URL"), "a hint: {message}");
}

// --- Item 6: TLS for credentials -------------------------------------------------------------

fn oauth_json(token_url: &str) -> String {
    format!(
        r#"{{"name":"O","url":"https://api.example.com","auth":{{"type":"oauth2","grantType":"client_credentials",
          "accessTokenUrl":"{token_url}","clientId":"c","clientSecret":"{CLIENT_SECRET}"}}}}"#
    )
}

#[tokio::test]
async fn a_plain_http_token_url_is_refused_on_save_and_loopback_is_allowed() {
    let (store, _dir) = store().await;
    let err = store.create_datasource(parse_datasource(&oauth_json("http://id.example.com/token")).unwrap()).await;
    let errors = fields(&err.unwrap_err());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, "auth.accessTokenUrl");
    assert!(errors[0].1.contains("use https://id.example.com…"), "the fix: {}", errors[0].1);
    assert!(store.datasource("O").await.is_err(), "nothing was stored");
    for url in ["http://127.0.0.1:9/token", "http://localhost:9/token", "http://[::1]:9/token"] {
        let mut config = parse_datasource(&oauth_json(url)).unwrap();
        config.name = url.into();
        store.create_datasource(config).await.unwrap_or_else(|e| panic!("{url}: {e}"));
    }
}

#[tokio::test]
async fn a_plain_http_url_with_a_bearer_token_needs_allow_insecure_http_off_loopback() {
    let (store, _dir) = store().await;
    let json = |allow: bool| {
        format!(
            r#"{{"name":"B","url":"http://api.example.com","allowInsecureHttp":{allow},
              "auth":{{"type":"bearer","token":"MARKER-BT-1"}}}}"#
        )
    };
    let err = store.create_datasource(parse_datasource(&json(false)).unwrap()).await.unwrap_err();
    let errors = fields(&err);
    assert_eq!(errors.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(), ["url"]);
    assert!(errors[0].1.contains("or tick Allow insecure HTTP"), "{}", errors[0].1);
    assert!(!err.to_string().contains("MARKER"), "{err}");
    let saved = store.create_datasource(parse_datasource(&json(true)).unwrap()).await.expect("allowed by the opt-in");
    assert!(saved.config.allow_insecure_http);
}

#[tokio::test]
async fn the_engine_refuses_to_send_credentials_over_plain_http_off_loopback() {
    // As stored before the check on save (or edited in the database): the engine checks too.
    let stored = |json: &str| Datasource::unsaved("ds_old", serde_json::from_str::<DatasourceConfig>(json).unwrap());
    let bearer =
        stored(r#"{"name":"B","url":"http://api.example.invalid","auth":{"type":"bearer","token":"MARKER-BT-2"}}"#);
    let prepared = prepare(&bearer, &get("/x"), None, SystemTime::now()).unwrap();
    let err = Transport::new().send(&bearer, prepared, &SendOptions::default()).await.unwrap_err();
    let errors = fields(&err);
    assert_eq!(errors[0].0, "url");
    assert!(errors[0].1.contains("Allow insecure HTTP"), "{}", errors[0].1);

    let oauth = stored(&oauth_json("http://id.example.invalid/token"));
    let request = direct_grant_request(OAuthDatasource::of(&oauth).unwrap().config, NOW).unwrap();
    let err = TokenClient::new(Transport::new(), once()).exchange(&oauth, &request).await.unwrap_err();
    assert_eq!(fields(&err)[0].0, "auth.accessTokenUrl", "{err}");

    let local = TestServer::http();
    let loopback = stored(&format!(
        r#"{{"name":"L","url":"{}","auth":{{"type":"bearer","token":"MARKER-BT-3"}}}}"#,
        local.base_url()
    ));
    let prepared = prepare(&loopback, &get("/x"), None, SystemTime::now()).unwrap();
    let response = Transport::new().send(&loopback, prepared, &SendOptions::default()).await.unwrap();
    assert_eq!((response.status, local.request_count()), (200, 1), "loopback http stays allowed");
}

#[tokio::test]
async fn discovery_from_a_plain_http_issuer_off_loopback_is_refused_before_any_request() {
    let err =
        latchkey_core::oauth::discovery::discover(&Transport::new(), "http://id.example.invalid").await.unwrap_err();
    let errors = fields(&err);
    assert_eq!(errors[0].0, "auth.issuer", "{err}");
    assert!(errors[0].1.contains("use https://"), "{}", errors[0].1);
}
