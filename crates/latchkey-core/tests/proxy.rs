//! Issue 11: a datasource's `proxy`, through a real proxy (Debian's tinyproxy, started by each
//! test on 127.0.0.1 with its own configuration): API requests to http and https targets (https
//! through CONNECT, the pinned self-signed certificate still verified end to end), Basic
//! credentials for the proxy, a token call to the real oidc-provider through it, and what a
//! person reads when the proxy cannot be reached, asks for credentials or refuses.
//! `"system"` reads the process environment, so its cases run the `latchkey` binary with the
//! variables set for that child only (crates/latchkey-cli/tests/proxy.rs).

use std::time::{Duration, SystemTime};

use latchkey_core::http::{prepare, SendOptions, Transport};
use latchkey_core::model::{Datasource, RequestSpec, TokenStatus};
use latchkey_core::oauth::token_client::{direct_grant_request, TokenErrorKind};
use latchkey_core::oauth::{OAuthDatasource, TokenClient, TokenClientOptions, TokenLifecycle};
use latchkey_core::transfer::parse_datasource;
use latchkey_core::vault::key::KeyringUse;
use latchkey_core::{DataDir, Error, Store};
use latchkey_testkit::oidc::POST_CLIENT;
use latchkey_testkit::tinyproxy::closed_port;
use latchkey_testkit::{openssl_self_signed, OidcProvider, TestServer, Tinyproxy, TinyproxyOptions};

fn datasource(json: serde_json::Value) -> Datasource {
    Datasource::unsaved("ds_proxy", parse_datasource(&json.to_string()).expect("a valid datasource"))
}

fn through(url: &str, proxy: serde_json::Value) -> Datasource {
    datasource(serde_json::json!({"name": "Proxied", "url": url, "proxy": proxy}))
}

async fn get(datasource: &Datasource, path: &str) -> latchkey_core::Result<latchkey_core::http::Response> {
    let spec = RequestSpec { path: path.into(), ..Default::default() };
    let request = prepare(datasource, &spec, None, SystemTime::now())?;
    Transport::new().send(datasource, request, &SendOptions::default()).await
}

fn proxy_message(result: latchkey_core::Result<latchkey_core::http::Response>) -> String {
    match result {
        Err(Error::Proxy(message)) => message,
        Err(other) => panic!("expected the proxy's failure, got {other:?}"),
        Ok(response) => panic!("expected the proxy's failure, got HTTP {}", response.status),
    }
}

#[tokio::test]
async fn an_http_request_goes_through_an_explicit_proxy() {
    let proxy = Tinyproxy::start();
    let server = TestServer::http();
    let ds = through(&server.base_url(), serde_json::json!({"url": proxy.url()}));
    let response = get(&ds, "/hello").await.expect("the proxy forwards the request");
    assert_eq!(response.status, 200);
    assert_eq!(server.request_count(), 1);
    let target = server.url("/hello");
    assert!(
        proxy.requests().iter().any(|r| r.starts_with(&format!("GET {target}"))),
        "tinyproxy logged the request: {:?}",
        proxy.requests()
    );

    let direct = through(&server.base_url(), serde_json::json!("none"));
    get(&direct, "/direct").await.expect("\"none\" goes straight to the server");
    assert!(!proxy.requests().iter().any(|r| r.contains("/direct")), "{:?}", proxy.requests());
}

#[tokio::test]
async fn an_https_request_goes_through_connect_and_the_pin_still_holds() {
    let proxy = Tinyproxy::start();
    let cert = openssl_self_signed("localhost");
    let server = TestServer::https(&cert);
    let pinned = |pem: &str| {
        datasource(serde_json::json!({
            "name": "Pinned", "url": server.base_url(), "selfSignedCertificate": pem, "proxy": {"url": proxy.url()}
        }))
    };
    let response = get(&pinned(&cert.cert_pem), "/secure").await.expect("the pinned certificate verifies");
    assert_eq!(response.status, 200);
    let connect = format!("CONNECT localhost:{}", server.port());
    assert!(proxy.requests().iter().any(|r| r.starts_with(&connect)), "{:?}", proxy.requests());

    // TLS is end to end: another certificate pinned is refused through the tunnel as it is
    // without one, and so is no pin at all (the system roots do not know this certificate).
    let other = openssl_self_signed("localhost");
    let err = get(&pinned(&other.cert_pem), "/secure").await.expect_err("another pin is refused");
    assert!(matches!(err, Error::Tls(_)), "a certificate failure, not the proxy's: {err:?}");
    let unpinned = through(&server.base_url(), serde_json::json!({"url": proxy.url()}));
    assert!(matches!(get(&unpinned, "/secure").await, Err(Error::Tls(_))), "the system roots alone refuse it");
    assert_eq!(server.requests().len(), 1, "only the verified connection sent the request");
}

#[tokio::test]
async fn proxy_credentials_are_sent_and_missing_or_wrong_ones_are_explained() {
    let options = TinyproxyOptions { basic_auth: Some(("alice".into(), "proxy-pass".into())), ..Default::default() };
    let proxy = Tinyproxy::start_with(options);
    let server = TestServer::http();
    let cert = openssl_self_signed("localhost");
    let secure = TestServer::https(&cert);
    let with = |target: &str, credentials: serde_json::Value| {
        let mut proxy_json = serde_json::json!({"url": proxy.url()});
        if let serde_json::Value::Object(members) = credentials {
            for (key, value) in members {
                proxy_json[key] = value;
            }
        }
        datasource(serde_json::json!({
            "name": "Proxied", "url": target, "selfSignedCertificate": cert.cert_pem, "proxy": proxy_json
        }))
    };
    let right = serde_json::json!({"username": "alice", "password": "proxy-pass"});
    assert_eq!(get(&with(&server.base_url(), right.clone()), "/ok").await.expect("http with credentials").status, 200);
    assert_eq!(get(&with(&secure.base_url(), right), "/ok").await.expect("CONNECT with credentials").status, 200);

    for target in [server.base_url(), secure.base_url()] {
        let message = proxy_message(get(&with(&target, serde_json::json!({})), "/none").await);
        assert!(message.contains(&format!("the proxy {}", proxy.address())), "{target}: {message}");
        assert!(
            message.contains("asked for authentication") && message.contains("set proxy.username and proxy.password"),
            "{target}: {message}"
        );
        let wrong = serde_json::json!({"username": "alice", "password": "not-the-pass-7f3"});
        let message = proxy_message(get(&with(&target, wrong), "/wrong").await);
        // tinyproxy answers wrong credentials with 401 (to GET and to CONNECT alike).
        let expected = if target.starts_with("https") {
            "refused to open a tunnel (CONNECT)"
        } else {
            "refused the credentials (HTTP 401)"
        };
        assert!(message.contains(expected), "{target}: {message}");
        assert!(message.contains("check proxy.username and proxy.password"), "{target}: {message}");
        assert!(!message.contains("not-the-pass-7f3"), "the password is never quoted: {message}");
    }
    assert_eq!(server.request_count() + secure.request_count(), 2, "only the authenticated requests got through");
}

#[tokio::test]
async fn an_unreachable_proxy_is_named_as_the_proxy() {
    let server = TestServer::http();
    let cert = openssl_self_signed("localhost");
    let secure = TestServer::https(&cert);
    let dead = format!("http://127.0.0.1:{}", closed_port());
    for target in [server.base_url(), secure.base_url()] {
        let ds = datasource(serde_json::json!({
            "name": "Proxied", "url": target, "selfSignedCertificate": cert.cert_pem,
            "proxy": {"url": dead, "username": "u", "password": "dead-proxy-pass"}
        }));
        let message = proxy_message(get(&ds, "/").await);
        let address = dead.trim_start_matches("http://");
        assert!(message.contains(&format!("the proxy {address} (from proxy.url) cannot be reached")), "{message}");
        assert!(message.contains("check proxy.url"), "{message}");
        assert!(!message.contains("dead-proxy-pass"), "{message}");
    }
    assert_eq!(server.request_count() + secure.request_count(), 0);
}

#[tokio::test]
async fn a_proxy_that_refuses_the_host_says_so() {
    let options = TinyproxyOptions { filtered_hosts: vec!["^localhost$".into()], ..Default::default() };
    let proxy = Tinyproxy::start_with(options);
    let cert = openssl_self_signed("localhost");
    let secure = TestServer::https(&cert);
    let server = TestServer::http();
    let ds = datasource(serde_json::json!({
        "name": "Refused", "url": secure.base_url(), "selfSignedCertificate": cert.cert_pem,
        "proxy": {"url": proxy.url()}
    }));
    let message = proxy_message(get(&ds, "/").await);
    assert!(message.contains("refused to open a tunnel (CONNECT) to localhost:"), "{message}");
    let plain = through(&server.base_url().replace("127.0.0.1", "localhost"), serde_json::json!({"url": proxy.url()}));
    let message = proxy_message(get(&plain, "/").await);
    assert!(message.contains("refused the request to localhost:") && message.contains("HTTP 403"), "{message}");
    // A 403 of the server itself, forwarded by the proxy (with `Via`), stays the server's answer.
    let allowed = through(&server.base_url(), serde_json::json!({"url": proxy.url()}));
    assert_eq!(get(&allowed, "/status/403").await.expect("the server's own 403 is a response").status, 403);
    assert_eq!(get(&allowed, "/status/401").await.expect("and so is its 401").status, 401);
    assert_eq!(secure.request_count(), 0);
}

#[tokio::test]
async fn a_token_call_goes_through_the_datasources_proxy() {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_with(&DataDir::at(dir.path()), KeyringUse::Off).await.expect("open the store");
    let proxy = Tinyproxy::start_with(TinyproxyOptions {
        basic_auth: Some(("bob".into(), "token-proxy".into())),
        ..Default::default()
    });
    let json = |proxy_json: serde_json::Value| {
        serde_json::json!({
            "name": "Machine", "url": provider.issuer(), "proxy": proxy_json,
            "auth": {
                "type": "oauth2", "grantType": "client_credentials", "accessTokenUrl": provider.url("/token"),
                "clientId": POST_CLIENT.0, "clientSecret": POST_CLIENT.1, "clientAuthentication": "body",
                "scopes": "api:read"
            }
        })
    };
    let client = TokenClient::new(Transport::new(), TokenClientOptions::default());
    let lifecycle = TokenLifecycle::new(store.clone(), client);
    let config = parse_datasource(
        &json(serde_json::json!({"url": proxy.url(), "username": "bob", "password": "token-proxy"})).to_string(),
    )
    .unwrap();
    let created = store.create_datasource(config).await.unwrap();
    let stored = store.datasource_with_secrets(&created.id).await.unwrap();
    let state = lifecycle.fetch_now(&stored).await.expect("the token call goes through the proxy");
    assert_eq!(state.status, TokenStatus::Authorized);
    let token_line = format!("POST {}", provider.url("/token"));
    assert!(proxy.requests().iter().any(|r| r.starts_with(&token_line)), "{:?}", proxy.requests());
    assert_eq!(provider.client_calls(POST_CLIENT.0, "token:client_credentials"), 1, "{}", provider.stats());

    // Without the proxy's credentials the token call fails at once, saying it was the proxy.
    let mut without = json(serde_json::json!({"url": proxy.url()}));
    without["name"] = "Machine without proxy credentials".into();
    let ds = Datasource::unsaved("ds_tok", parse_datasource(&without.to_string()).unwrap());
    let request = direct_grant_request(OAuthDatasource::of(&ds).unwrap().config, 1_700_000_000).unwrap();
    let once = TokenClientOptions { attempts: 1, ..TokenClientOptions::default() };
    let err = TokenClient::new(Transport::new(), once).exchange(&ds, &request).await.expect_err("the proxy asks");
    let Error::Token(token) = &err else { panic!("a token call failure, got {err:?}") };
    assert_eq!(token.kind, TokenErrorKind::Proxy, "{err}");
    let message = err.to_string();
    assert!(message.contains("asked for authentication") && message.contains("set proxy.username"), "{message}");
    assert_eq!(provider.client_calls(POST_CLIENT.0, "token:client_credentials"), 1, "nothing reached the provider");
}
