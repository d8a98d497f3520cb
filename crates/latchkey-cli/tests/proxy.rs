//! Issue 11: the `"system"` proxy (the default) reads `HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY`
//! and `NO_PROXY` from the environment: the `latchkey` binary is run with them set for that child
//! process only (never `set_var` in this one, whose tests run in parallel), against a real proxy
//! (Debian's tinyproxy, whose log shows what went through it), real loopback servers and the
//! real oidc-provider.

mod common;

use std::time::Duration;

use common::{assert_in_no_file, stderr, Env};
use latchkey_testkit::oidc::POST_CLIENT;
use latchkey_testkit::tinyproxy::closed_port;
use latchkey_testkit::{openssl_self_signed, OidcProvider, TestServer, Tinyproxy};

fn import(env: &Env, json: serde_json::Value) {
    let out = env.import(&json.to_string());
    assert!(out.status.success(), "import: {}", stderr(&out));
}

/// `latchkey ARGS` with the environment variables `vars` set for it.
fn run_with(env: &Env, vars: &[(&str, &str)], args: &[&str]) -> std::process::Output {
    let mut cmd = env.cmd(args);
    for (name, value) in vars {
        cmd.env(name, value);
    }
    cmd.output().unwrap()
}

fn ok_with(env: &Env, vars: &[(&str, &str)], args: &[&str]) -> String {
    let out = run_with(env, vars, args);
    assert!(out.status.success(), "latchkey {args:?} failed: {}", stderr(&out));
    String::from_utf8(out.stdout).unwrap()
}

fn went_through(proxy: &Tinyproxy, needle: &str) -> bool {
    proxy.requests().iter().any(|r| r.contains(needle))
}

#[test]
fn system_uses_http_proxy_and_no_proxy_bypasses_it() {
    let proxy = Tinyproxy::start();
    let server = TestServer::http();
    let env = Env::new();
    import(&env, serde_json::json!({"name": "Echo", "url": server.base_url()}));
    let via = [("HTTP_PROXY", proxy.url())];
    let via: Vec<(&str, &str)> = via.iter().map(|(k, v)| (*k, v.as_str())).collect();

    ok_with(&env, &via, &["request", "Echo", "/through"]);
    assert!(went_through(&proxy, &server.url("/through")), "HTTP_PROXY carries it: {:?}", proxy.requests());

    let mut bypass = via.clone();
    bypass.push(("NO_PROXY", "localhost,127.0.0.1"));
    ok_with(&env, &bypass, &["request", "Echo", "/bypassed"]);
    assert!(!went_through(&proxy, "/bypassed"), "NO_PROXY names the host: {:?}", proxy.requests());
    assert_eq!(server.requests().iter().filter(|r| r.path.starts_with("/bypassed")).count(), 1);

    // No implicit bypass for loopback hosts (curl's rule): another entry in NO_PROXY does not
    // exempt 127.0.0.1.
    let mut other = via.clone();
    other.push(("no_proxy", "example.com"));
    ok_with(&env, &other, &["request", "Echo", "/loopback-too"]);
    assert!(went_through(&proxy, "/loopback-too"), "{:?}", proxy.requests());
}

#[test]
fn system_uses_https_proxy_for_https_targets_through_connect_with_the_pin() {
    let proxy = Tinyproxy::start();
    let cert = openssl_self_signed("localhost");
    let server = TestServer::https(&cert);
    let env = Env::new();
    import(
        &env,
        serde_json::json!({"name": "Secure", "url": server.base_url(), "selfSignedCertificate": cert.cert_pem}),
    );
    let url = proxy.url();
    // HTTP_PROXY points nowhere: an https target must take HTTPS_PROXY.
    let dead = format!("http://127.0.0.1:{}", closed_port());
    ok_with(&env, &[("HTTPS_PROXY", &url), ("HTTP_PROXY", &dead)], &["request", "Secure", "/pinned"]);
    assert!(went_through(&proxy, &format!("CONNECT localhost:{}", server.port())), "{:?}", proxy.requests());
    assert_eq!(server.request_count(), 1);
}

#[test]
fn none_ignores_the_environments_proxy() {
    let proxy = Tinyproxy::start();
    let server = TestServer::http();
    let env = Env::new();
    import(&env, serde_json::json!({"name": "Direct", "url": server.base_url(), "proxy": "none"}));
    let url = proxy.url();
    ok_with(&env, &[("HTTP_PROXY", &url), ("ALL_PROXY", &url)], &["request", "Direct", "/direct"]);
    assert!(proxy.requests().is_empty(), "{:?}", proxy.requests());
    assert_eq!(server.request_count(), 1);
}

#[test]
fn an_unreachable_system_proxy_is_named_with_its_variable() {
    let server = TestServer::http();
    let env = Env::new();
    import(&env, serde_json::json!({"name": "Echo", "url": server.base_url()}));
    let dead = format!("127.0.0.1:{}", closed_port());
    let out = run_with(&env, &[("http_proxy", &format!("http://{dead}"))], &["request", "Echo", "/"]);
    assert!(!out.status.success());
    let message = stderr(&out);
    assert!(message.contains(&format!("the proxy {dead} (from http_proxy) cannot be reached")), "{message}");
    assert!(message.contains("NO_PROXY"), "{message}");
    assert_eq!(server.request_count(), 0);
}

#[test]
fn token_calls_take_the_system_proxy_too() {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let proxy = Tinyproxy::start();
    let env = Env::new();
    import(
        &env,
        serde_json::json!({
            "name": "Machine", "url": provider.issuer(),
            "auth": {
                "type": "oauth2", "grantType": "client_credentials", "accessTokenUrl": provider.url("/token"),
                "clientId": POST_CLIENT.0, "clientSecret": POST_CLIENT.1, "clientAuthentication": "body",
                "scopes": "api:read"
            }
        }),
    );
    let url = proxy.url();
    ok_with(&env, &[("HTTP_PROXY", &url)], &["token", "Machine", "--reveal"]);
    let token_line = format!("POST {}", provider.url("/token"));
    assert!(went_through(&proxy, &token_line), "the token call went through HTTP_PROXY: {:?}", proxy.requests());
    assert_eq!(provider.client_calls(POST_CLIENT.0, "token:client_credentials"), 1, "{}", provider.stats());
}

#[test]
fn discovery_takes_the_datasources_proxy_and_the_system_one_without_a_datasource() {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let proxy = Tinyproxy::start();
    let env = Env::new();
    let well_known = format!("GET {}/.well-known/", provider.issuer());

    let url = proxy.url();
    ok_with(&env, &[("HTTP_PROXY", &url)], &["datasource", "discover", provider.issuer()]);
    assert!(went_through(&proxy, &well_known), "`discover` takes HTTP_PROXY: {:?}", proxy.requests());
    let seen = proxy.requests().len();

    // On import, the endpoints are discovered through the datasource's own proxy (no variable).
    import(
        &env,
        serde_json::json!({
            "name": "Discovered", "url": provider.issuer(), "proxy": {"url": proxy.url()},
            "auth": {"type": "oauth2", "grantType": "client_credentials", "issuer": provider.issuer(),
                     "clientId": POST_CLIENT.0, "clientSecret": POST_CLIENT.1}
        }),
    );
    let later: Vec<String> = proxy.requests().into_iter().skip(seen).collect();
    assert!(later.iter().any(|r| r.starts_with(&well_known)), "import discovery went through the proxy: {later:?}");
}

#[test]
fn the_proxy_password_is_sealed_exported_as_set_and_follows_its_proxy() {
    let proxy = Tinyproxy::start_with(latchkey_testkit::TinyproxyOptions {
        basic_auth: Some(("carol".into(), "sealed-proxy-pass-91".into())),
        ..Default::default()
    });
    let server = TestServer::http();
    let env = Env::new();
    let base = serde_json::json!({
        "name": "Corp", "url": server.base_url(),
        "proxy": {"url": proxy.url(), "username": "carol", "password": "sealed-proxy-pass-91"}
    });
    import(&env, base.clone());
    env.ok(&["request", "Corp", "/sealed"]);
    assert!(went_through(&proxy, "/sealed"), "the stored password opened the proxy: {:?}", proxy.requests());

    let exported: serde_json::Value = serde_json::from_str(&env.ok(&["datasource", "export", "Corp"])).unwrap();
    assert_eq!(exported["proxy"]["password"], serde_json::json!({"set": true}), "{exported}");
    assert_in_no_file(env.data(), &["sealed-proxy-pass-91".to_owned()], "the proxy password");

    // Re-importing the export keeps the password; pointing it at another proxy refuses it.
    import(&env, exported.clone());
    let mut moved = exported.clone();
    moved["proxy"]["url"] = format!("http://127.0.0.1:{}", closed_port()).into();
    let out = env.import(&moved.to_string());
    assert!(!out.status.success(), "a kept proxy password cannot follow another proxy URL");
    assert!(stderr(&out).contains("proxy.password: the proxy URL changed"), "{}", stderr(&out));
}
