//! Endpoint discovery over real HTTP: RFC 8414 first for an issuer with a path, the OpenID
//! Connect document filling what the first lacks, the size cap and the time limit.
//!
//! These run against a small local server (the testkit's `TestServer` with a handler), not
//! `oidc-provider`: the real provider has an issuer without a path, publishes only
//! `/.well-known/openid-configuration`, and never sends two documents that differ, an
//! oversized one or a slow one — the behaviours under test here.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use latchkey_core::http::Transport;
use latchkey_core::model::OAuth2Config;
use latchkey_core::oauth::discovery;
use latchkey_core::Error;
use latchkey_testkit::{Reply, TestServer};
use serde_json::json;

/// A server answering `documents` (path → JSON) and 404 elsewhere; `base` is known once it runs.
fn metadata_server(documents: impl Fn(&str, &str) -> Option<Reply> + Send + Sync + 'static) -> TestServer {
    let base: Arc<OnceLock<String>> = Arc::default();
    let known = base.clone();
    let server = TestServer::with_handler(Arc::new(move |req| {
        let base = known.get().map_or("", String::as_str);
        documents(base, &req.path).unwrap_or_else(|| Reply::new(404, "text/plain", "not found"))
    }));
    base.set(server.base_url()).unwrap();
    server
}

fn paths(server: &TestServer) -> Vec<String> {
    server.requests().into_iter().map(|r| r.path).collect()
}

#[tokio::test]
async fn rfc8414_first_for_an_issuer_with_a_path_and_the_revocation_url_from_openid_connect() {
    let server = metadata_server(|base, path| match path {
        "/.well-known/oauth-authorization-server/tenant/7" => Some(Reply::json(
            200,
            &json!({
                "issuer": format!("{base}/tenant/7"),
                "authorization_endpoint": format!("{base}/tenant/7/authorize"),
                "token_endpoint": format!("{base}/tenant/7/token"),
            }),
        )),
        "/tenant/7/.well-known/openid-configuration" => Some(Reply::json(
            200,
            &json!({
                "issuer": format!("{base}/tenant/7"),
                "authorization_endpoint": format!("{base}/oidc/authorize"),
                "token_endpoint": format!("{base}/oidc/token"),
                "revocation_endpoint": format!("{base}/tenant/7/revoke"),
                "device_authorization_endpoint": format!("{base}/tenant/7/device"),
                "introspection_endpoint": format!("{base}/tenant/7/introspect"),
                "authorization_response_iss_parameter_supported": true,
            }),
        )),
        _ => None,
    });
    let issuer = server.url("/tenant/7");
    let mut config = OAuth2Config { issuer: issuer.clone(), ..Default::default() };
    discovery::fill_from_issuer(&Transport::new(), &mut config).await.expect("discovery");
    assert_eq!(
        paths(&server),
        ["/.well-known/oauth-authorization-server/tenant/7", "/tenant/7/.well-known/openid-configuration"],
        "RFC 8414 first, then OpenID Connect (RFC 8414 §5)"
    );
    assert_eq!(config.access_token_url, server.url("/tenant/7/token"), "the first document wins where it speaks");
    assert_eq!(config.authorization_url, server.url("/tenant/7/authorize"));
    assert_eq!(config.revocation_url, server.url("/tenant/7/revoke"), "what it lacks comes from the second");

    let metadata = discovery::discover(&Transport::new(), &issuer).await.unwrap();
    assert_eq!(metadata.device_authorization_endpoint, Some(server.url("/tenant/7/device")));
    assert_eq!(metadata.introspection_endpoint, Some(server.url("/tenant/7/introspect")));
    assert!(metadata.promises_iss(), "the RFC 9207 promise is taken from the second document too");
}

#[tokio::test]
async fn a_second_document_of_another_issuer_adds_nothing() {
    let server = metadata_server(|base, path| match path {
        "/.well-known/oauth-authorization-server" => {
            Some(Reply::json(200, &json!({ "issuer": base, "token_endpoint": format!("{base}/token") })))
        }
        "/.well-known/openid-configuration" => Some(Reply::json(
            200,
            &json!({
                "issuer": "https://evil.example",
                "token_endpoint": "https://evil.example/token",
                "revocation_endpoint": "https://evil.example/revoke",
            }),
        )),
        _ => None,
    });
    let mut config = OAuth2Config { issuer: server.base_url(), ..Default::default() };
    discovery::fill_from_issuer(&Transport::new(), &mut config).await.expect("the first document is enough");
    assert_eq!(config.access_token_url, server.url("/token"));
    assert_eq!(config.revocation_url, "", "RFC 8414 §3.3: metadata naming another issuer must not be used");
}

#[tokio::test]
async fn a_metadata_document_past_the_size_cap_is_refused() {
    // Valid metadata, padded past the cap: without one, it would be read whole and used.
    let padding = "x".repeat(discovery::MAX_METADATA + 1);
    let server = metadata_server(move |base, path| {
        (path == "/.well-known/oauth-authorization-server").then(|| {
            Reply::json(200, &json!({ "issuer": base, "token_endpoint": format!("{base}/token"), "padding": padding }))
        })
    });
    let err = discovery::discover(&Transport::new(), &server.base_url()).await.unwrap_err();
    let message = err.to_string();
    assert!(matches!(&err, Error::Invalid(fields) if fields[0].field == "auth.issuer"), "{err:?}");
    assert!(message.contains("larger than 1024 KiB"), "the cap is named: {message}");
    assert!(!message.contains("xxxx"), "the body is not quoted: {}", &message[..message.len().min(300)]);
}

#[tokio::test]
async fn discovery_ends_at_its_time_limit() {
    let server = metadata_server(|base, _| {
        Some(Reply::json(200, &json!({ "issuer": base, "token_endpoint": "x" })).after(Duration::from_secs(120)))
    });
    let err = discovery::discover_within(&Transport::new(), &server.base_url(), Duration::from_millis(500))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Network(_)), "{err:?}");
    assert!(err.to_string().contains("took longer than"), "{err}");
}

#[tokio::test]
async fn a_slow_second_document_leaves_the_first_as_it_is() {
    let slow = Arc::new(Mutex::new(0));
    let seen = slow.clone();
    let server = metadata_server(move |base, path| match path {
        "/.well-known/oauth-authorization-server" => {
            Some(Reply::json(200, &json!({ "issuer": base, "token_endpoint": format!("{base}/token") })))
        }
        "/.well-known/openid-configuration" => {
            *seen.lock().unwrap() += 1;
            Some(Reply::json(200, &json!({ "issuer": base, "token_endpoint": "x" })).after(Duration::from_secs(120)))
        }
        _ => None,
    });
    let metadata =
        discovery::discover_within(&Transport::new(), &server.base_url(), Duration::from_secs(2)).await.unwrap();
    assert_eq!(metadata.token_endpoint, server.url("/token"));
    assert_eq!(*slow.lock().unwrap(), 1, "the second document was asked for");
}
