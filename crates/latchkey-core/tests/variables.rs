//! Variables `{{name}}` end to end: environments and their variables in a real SQLite store in a
//! temp dir, a datasource resolved in an environment (`Store::datasource_in`), and requests sent
//! through it to a real loopback server, asserting what arrived — every place a variable is
//! resolved, an unknown one (nothing sent), the `\{{` literal, secret variable values
//! `<redacted>` wherever a request is shown but sent as they are, the origin check after
//! resolution, and switching environment.

use std::time::Duration;

use latchkey_core::http::{execute, prepare_with, NoTokens, Response, SendOptions, Transport};
use latchkey_core::model::{Datasource, KeyValue, MultipartPart, RequestBody, RequestSpec, Variable};
use latchkey_core::oauth::{TokenClient, TokenClientOptions, TokenLifecycle};
use latchkey_core::transfer::parse_datasource;
use latchkey_core::vault::key::KeyringUse;
use latchkey_core::{tester, DataDir, Error, Result, Store};
use latchkey_testkit::{files_under, RecordedRequest, TestServer};

/// The value of the secret variable `apiKey`: it must reach the server and nothing else.
const SECRET: &str = "MARKER-VAR-SECRET-77";

struct Fixture {
    store: Store,
    lifecycle: TokenLifecycle,
    dir: tempfile::TempDir,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_with(&DataDir::at(dir.path()), KeyringUse::Off).await.unwrap();
    let options =
        TokenClientOptions { timeout: Duration::from_secs(10), attempts: 1, backoff: Duration::from_millis(10) };
    let lifecycle = TokenLifecycle::new(store.clone(), TokenClient::new(Transport::new(), options));
    Fixture { store, lifecycle, dir }
}

/// `host:port` of a loopback server, as a `{{host}}` variable holds it.
fn host_of(server: &TestServer) -> String {
    server.base_url().trim_start_matches("http://").to_owned()
}

/// Defines the variables the `Vars` datasource and the requests below use in environment `env`
/// (creating it unless it is `default`), with values that say which environment they are from.
async fn define(store: &Store, env: &str, host: &str) {
    if env != "default" {
        store.create_environment(env, false).await.unwrap();
    }
    let plain = [
        ("host", host.to_owned()),
        ("version", "v1".to_owned()),
        ("team", format!("team-{env}")),
        ("region", format!("region-{env}")),
        ("item", "42".to_owned()),
        ("sort", "name desc".to_owned()),
        ("lang", "en-GB".to_owned()),
        ("tenant", format!("t-{env}")),
        ("note", "a & b".to_owned()),
    ];
    for (key, value) in plain {
        store.set_variable(env, Variable::plain(key, value)).await.unwrap();
    }
    store.set_variable(env, Variable::secret("apiKey", SECRET.into())).await.unwrap();
}

/// A datasource using variables in its URL, a header, a query value and its secret API key.
/// A store whose `Vars` datasource goes to `server` in `staging` (and to a closed port in
/// `default`), and that datasource in `staging`.
async fn vars_in_staging(server: &TestServer) -> (Fixture, latchkey_core::model::Datasource) {
    let f = fixture().await;
    define(&f.store, "default", "127.0.0.1:9").await;
    define(&f.store, "staging", &host_of(server)).await;
    create_vars_datasource(&f.store).await;
    let ds = f.store.datasource_in("Vars", "staging").await.unwrap();
    (f, ds)
}

async fn create_vars_datasource(store: &Store) {
    let json = r#"{"name":"Vars","url":"http://{{host}}/{{version}}",
        "headers":[{"key":"X-Team","value":"{{team}}"}],
        "queryParams":[{"key":"region","value":"{{region}}"}],
        "auth":{"type":"apiKey","key":"X-Api-Key","value":"{{apiKey}}","addTo":"header"}}"#;
    store.create_datasource(parse_datasource(json).unwrap()).await.unwrap();
}

async fn send(ds: &Datasource, spec: &RequestSpec) -> Result<Response> {
    execute(&Transport::new(), ds, spec, &NoTokens, &SendOptions::default()).await
}

fn last(server: &TestServer) -> RecordedRequest {
    server.requests().pop().expect("the server received the request")
}

fn post(path: &str, body: RequestBody) -> RequestSpec {
    RequestSpec { method: "POST".into(), path: path.into(), body, ..Default::default() }
}

#[tokio::test]
async fn variables_are_resolved_in_every_place_and_arrive_at_the_server() {
    let server = TestServer::http();
    let (_f, ds) = vars_in_staging(&server).await;

    let spec = RequestSpec {
        headers: vec![KeyValue::new("X-Tenant", "{{tenant}}")],
        query_params: vec![KeyValue::new("lang", "{{lang}}")],
        ..post(
            "/items/{{item}}?sort={{sort}}",
            RequestBody::Json { text: r#"{"tenant":"{{tenant}}","note":"{{note}}"}"#.into() },
        )
    };
    assert_eq!(send(&ds, &spec).await.unwrap().status, 200);
    let got = last(&server);
    assert_eq!(got.path, "/v1/items/42", "the datasource URL's and the request path's variables");
    let query = got.query_pairs();
    for (key, value) in [("region", "region-staging"), ("sort", "name desc"), ("lang", "en-GB")] {
        assert!(query.contains(&(key.into(), value.into())), "query {key}={value} in {query:?}");
    }
    assert_eq!(got.header("x-team"), Some("team-staging"), "a datasource header value");
    assert_eq!(got.header("x-tenant"), Some("t-staging"), "a request header value");
    assert_eq!(got.header("x-api-key"), Some(SECRET), "the secret field `{{apiKey}}` of a secret variable");
    assert_eq!(String::from_utf8_lossy(&got.body), r#"{"tenant":"t-staging","note":"a & b"}"#, "the JSON body");

    let raw = RequestBody::Raw { text: "tenant {{tenant}}, note {{note}}".into(), content_type: String::new() };
    send(&ds, &post("/raw", raw)).await.unwrap();
    assert_eq!(String::from_utf8_lossy(&last(&server).body), "tenant t-staging, note a & b", "the raw body");

    let form = RequestBody::FormUrlencoded {
        fields: vec![KeyValue::new("tenant", "{{tenant}}"), KeyValue::new("note", "{{note}}")],
    };
    send(&ds, &post("/form", form)).await.unwrap();
    let got = last(&server);
    assert_eq!(got.form_value("tenant").as_deref(), Some("t-staging"), "a form field");
    assert_eq!(got.form_value("note").as_deref(), Some("a & b"), "a form field, form-encoded after resolution");

    let parts = vec![
        MultipartPart { key: "tenant".into(), value: "{{tenant}}".into(), ..Default::default() },
        MultipartPart { key: "team".into(), value: "team {{team}}".into(), ..Default::default() },
    ];
    send(&ds, &post("/upload", RequestBody::Multipart { parts })).await.unwrap();
    let body = String::from_utf8_lossy(&last(&server).body).into_owned();
    assert!(body.contains("name=\"tenant\"\r\n\r\nt-staging\r\n"), "a multipart text part: {body}");
    assert!(body.contains("name=\"team\"\r\n\r\nteam team-staging\r\n"), "a multipart text part: {body}");
    assert!(!body.contains("{{"), "no variable left unresolved: {body}");
}

#[tokio::test]
async fn an_unknown_variable_is_named_with_where_it_is_and_nothing_is_sent() {
    let server = TestServer::http();
    let (f, ds) = vars_in_staging(&server).await;

    let cases = [
        (RequestSpec { path: "/items/{{itemId}}".into(), ..Default::default() }, "path", "itemId"),
        (
            RequestSpec { headers: vec![KeyValue::new("X-Trace", "{{traceId}}")], ..Default::default() },
            "headers[0].value",
            "traceId",
        ),
        (post("/", RequestBody::Json { text: r#"{"a":"{{missing}}"}"#.into() }), "body.text", "missing"),
    ];
    for (spec, field, name) in cases {
        let run =
            tester::run(&f.lifecycle, &Transport::new(), &ds, &spec, None, &SendOptions::default()).await.unwrap();
        let Err(Error::Invalid(errors)) = &run.outcome else { panic!("{field}: {:?}", run.outcome) };
        assert_eq!(errors[0].field, field);
        let message = &errors[0].message;
        assert!(message.contains(&format!("`{{{{{name}}}}}` in")), "the variable is named: {message}");
        assert!(message.contains("is not a variable of environment `staging`"), "{field}: {message}");
        assert!(message.contains(&format!("`{field}`")), "the message says where: {message}");
        assert!(run.entry.is_none(), "{field}: nothing was sent, so it is no run");
    }
    assert_eq!(server.request_count(), 0, "nothing reached the server");
    assert!(f.store.history(&ds.id, None, 10).await.unwrap().is_empty(), "no history entry");
}

#[tokio::test]
async fn an_escaped_brace_arrives_as_two_braces() {
    let server = TestServer::http();
    let (_f, ds) = vars_in_staging(&server).await;

    let spec = RequestSpec {
        headers: vec![KeyValue::new("X-Template", r"Hello \{{name}}")],
        query_params: vec![KeyValue::new("q", r"\{{team}} is {{team}}")],
        ..post("/t", RequestBody::Raw { text: r"\{{tenant}} = {{tenant}}".into(), content_type: String::new() })
    };
    send(&ds, &spec).await.unwrap();
    let got = last(&server);
    assert_eq!(got.header("x-template"), Some("Hello {{name}}"));
    assert!(got.query_pairs().contains(&("q".into(), "{{team}} is team-staging".into())), "{:?}", got.query_pairs());
    assert_eq!(String::from_utf8_lossy(&got.body), "{{tenant}} = t-staging");
}

#[tokio::test]
async fn secret_variable_values_are_redacted_in_history_curl_and_the_request_as_sent_but_arrive_as_they_are() {
    let server = TestServer::http();
    let (f, ds) = vars_in_staging(&server).await;

    // The secret in the secret field (auth) and in plain places: a header, the query, the body.
    let spec = RequestSpec {
        headers: vec![KeyValue::new("X-Echo-Key", "key {{apiKey}}")],
        query_params: vec![KeyValue::new("k", "{{apiKey}}")],
        ..post("/keys/{{apiKey}}", RequestBody::Json { text: r#"{"key":"{{apiKey}}","team":"{{team}}"}"#.into() })
    };
    let run =
        tester::run(&f.lifecycle, &Transport::new(), &ds, &spec, Some("probe"), &SendOptions::default()).await.unwrap();
    let response = run.outcome.unwrap();

    let got = last(&server);
    assert_eq!(got.path, format!("/v1/keys/{SECRET}"));
    assert_eq!(got.header("x-api-key"), Some(SECRET));
    assert_eq!(got.header("x-echo-key").map(str::to_owned), Some(format!("key {SECRET}")));
    assert!(got.query_pairs().contains(&("k".into(), SECRET.into())));
    assert!(String::from_utf8_lossy(&got.body).contains(SECRET), "the real value arrived in the body");

    let sent = serde_json::to_string(&response.sent).unwrap();
    assert!(!sent.contains(SECRET), "the request as sent (`--json`, the tester) hides it: {sent}");
    assert!(sent.contains("/v1/keys/<redacted>?") && sent.contains("k=<redacted>"), "{sent}");
    assert!(response.sent.headers.iter().any(|h| h.key == "x-echo-key" && h.value == "key <redacted>"), "{sent}");
    assert!(response.sent.headers.iter().any(|h| h.key == "x-team" && h.value == "team-staging"), "plain ones show");
    assert_eq!(response.sent.body, r#"{"key":"<redacted>","team":"team-staging"}"#);

    let entry = run.entry.expect("the run is in the history");
    let stored = f.store.history(&ds.id, None, 10).await.unwrap();
    assert_eq!(stored.len(), 1);
    for shown in [serde_json::to_string(&entry).unwrap(), serde_json::to_string(&stored[0]).unwrap()] {
        assert!(!shown.contains(SECRET), "the history entry hides it: {shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
    }

    let prepared = prepare_with(&ds, &spec, &f.lifecycle).await.unwrap();
    let curl = prepared.curl_command();
    assert!(!curl.contains(SECRET), "Copy as cURL without secrets hides it: {curl}");
    assert!(curl.contains("'x-echo-key: key <redacted>'") && curl.contains(r#""key":"<redacted>""#), "{curl}");
    let with_secrets = prepared.curl_command_with_secrets();
    assert!(with_secrets.expose().contains(&format!("'x-echo-key: key {SECRET}'")), "with secrets it is there");
    assert!(with_secrets.expose().contains(&format!("/v1/keys/{SECRET}?")), "with secrets it is there");

    let leaks: Vec<_> = files_under(f.dir.path())
        .into_iter()
        .filter(|p| std::fs::read(p).is_ok_and(|b| b.windows(SECRET.len()).any(|w| w == SECRET.as_bytes())))
        .collect();
    assert!(leaks.is_empty(), "the secret value is in no file of the data dir: {leaks:?}");
}

#[tokio::test]
async fn a_path_variable_that_resolves_to_another_origin_is_refused_before_anything_is_sent() {
    let api = TestServer::http();
    let elsewhere = TestServer::http();
    let f = fixture().await;
    define(&f.store, "default", "127.0.0.1:9").await;
    define(&f.store, "staging", &host_of(&api)).await;
    f.store.set_variable("staging", Variable::plain("target", elsewhere.url("/steal"))).await.unwrap();
    create_vars_datasource(&f.store).await;
    let ds = f.store.datasource_in("Vars", "staging").await.unwrap();

    let err = send(&ds, &RequestSpec { path: "{{target}}".into(), ..Default::default() }).await.unwrap_err();
    assert!(matches!(err, Error::CrossOrigin { .. }), "{err}");
    assert_eq!(elsewhere.request_count(), 0, "the API key never went to the other origin");
    assert_eq!(api.request_count(), 0, "nothing was sent at all");
}

#[tokio::test]
async fn switching_environment_sends_to_the_other_environments_url() {
    let staging = TestServer::http();
    let qa = TestServer::http();
    let f = fixture().await;
    define(&f.store, "default", "127.0.0.1:9").await;
    define(&f.store, "staging", &host_of(&staging)).await;
    define(&f.store, "qa", &host_of(&qa)).await;
    create_vars_datasource(&f.store).await;
    let spec = RequestSpec { path: "/items/{{item}}".into(), ..Default::default() };

    for (env, server) in [("staging", &staging), ("qa", &qa)] {
        let ds = f.store.datasource_in("Vars", env).await.unwrap();
        send(&ds, &spec).await.unwrap();
        let got = last(server);
        assert_eq!(got.header("x-team").map(str::to_owned), Some(format!("team-{env}")), "{env}'s variables");
        assert_eq!(got.path, "/v1/items/42");
    }
    assert_eq!(staging.request_count(), 1, "staging's server got staging's request only");
    assert_eq!(qa.request_count(), 1, "qa's server got qa's request only");
}
