//! `latchkey import` through the binary: the plan, --dry-run, --json, applying (datasource and
//! saved query, the secret sealed), needs setup, and an input with one bad part storing nothing.

mod common;

use common::{assert_in_no_file, stderr, Env};
use latchkey_testkit::TestServer;

const TOKEN: &str = "tok-import-4417";

fn import(env: &Env, args: &[&str], input: &str) -> std::process::Output {
    let mut all = vec!["import", "-"];
    all.extend_from_slice(args);
    env.cmd(&all).write_stdin(input.to_owned()).output().unwrap()
}

fn list(env: &Env) -> serde_json::Value {
    serde_json::from_str(&env.ok(&["datasource", "list", "--json"])).unwrap()
}

#[test]
fn a_dry_run_prints_the_plan_and_stores_nothing() {
    let env = Env::new();
    let server = TestServer::http();
    let command = format!(
        "curl -k -X POST {} -H 'Authorization: Bearer {TOKEN}' -H 'Content-Type: application/json' -d '{{\"a\":1}}'",
        server.url("/v1/items?x=1")
    );
    let out = import(&env, &["--dry-run"], &command);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    for part in [
        "Datasources:",
        "create 127.0.0.1",
        "auth: the Authorization: Bearer header became bearer token authentication",
        "secrets: 1 (auth.token), sealed on import",
        "POST /v1/items",
        "Dropped:",
        "line 1: -k: TLS verification stays on",
        "Dry run: nothing was stored.",
    ] {
        assert!(text.contains(part), "{part:?} missing from:\n{text}");
    }
    assert!(!text.contains(TOKEN), "the plan never shows the secret");
    assert_eq!(list(&env), serde_json::json!([]), "a dry run stores nothing");

    let out = import(&env, &["--dry-run", "--json"], &command);
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["format"], "curl");
    assert_eq!(plan["datasources"][0]["action"], "create");
    assert_eq!(plan["datasources"][0]["secrets"], serde_json::json!(["auth.token"]));
    assert_eq!(plan["datasources"][0]["queries"][0]["request"]["method"], "POST");
    assert_eq!(plan["applied"], serde_json::Value::Null);
    assert!(!String::from_utf8_lossy(&out.stdout).contains(TOKEN));
    assert_eq!(list(&env), serde_json::json!([]));
    assert_eq!(server.request_count(), 0);
}

#[test]
fn applying_creates_the_datasource_and_query_with_the_secret_sealed() {
    let env = Env::new();
    let server = TestServer::http();
    let command = format!("curl {} -H 'Authorization: Bearer {TOKEN}' -H 'X-Trace: abc'", server.url("/v1/me?full=1"));
    let out = import(&env, &["--json"], &command);
    assert!(out.status.success(), "{}", stderr(&out));
    let result: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(result["applied"]["datasources"][0]["action"], "create");
    let name = result["applied"]["datasources"][0]["name"].as_str().unwrap().to_owned();

    let listed = list(&env);
    assert_eq!(listed[0]["name"], name.as_str());
    assert_eq!(listed[0]["authType"], "bearer");
    assert_eq!(listed[0].get("needsSetup"), None, "a token was given");
    let queries = env.ok(&["query", "list", &name]);
    assert!(queries.contains("GET /v1/me"), "{queries}");

    let echoed: serde_json::Value = serde_json::from_str(&env.ok(&["query", "run", &name, "GET /v1/me"])).unwrap();
    assert_eq!(echoed["path"], "/v1/me");
    let headers = echoed["headers"].to_string();
    assert!(headers.contains(&format!("Bearer {TOKEN}")), "the sealed token is sent: {headers}");
    assert!(headers.contains(r#"["x-trace","abc"]"#), "{headers}");

    env.ok(&["datasource", "list"]);
    assert_in_no_file(env.data(), &[TOKEN.to_owned()], "the imported token");

    // The same origin again joins the datasource (its authentication is kept).
    let again = format!("curl -X DELETE {} -H 'Authorization: Bearer other-token-9'", server.url("/v1/items/3"));
    let out = import(&env, &[], &again);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(&format!("join {name}")), "{text}");
    assert!(text.contains("already has its own authentication, which is kept"), "{text}");
    assert_eq!(list(&env).as_array().unwrap().len(), 1);
    assert!(env.ok(&["query", "list", &name]).contains("DELETE /v1/items/3"));
}

#[test]
fn a_placeholder_token_leaves_the_datasource_needing_setup_and_requests_name_the_secret() {
    let env = Env::new();
    let server = TestServer::http();
    let command = format!("curl -L -H 'Authorization: Bearer <YOUR-TOKEN>' {}", server.url("/user"));
    let out = import(&env, &[], &command);
    assert!(out.status.success(), "a missing secret is accepted on import: {}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("needs setup: auth.token: enter the bearer token"), "{text}");

    let listed = list(&env);
    assert_eq!(listed[0]["needsSetup"], serde_json::json!(["auth.token"]));
    let columns = env.ok(&["datasource", "list"]);
    assert!(columns.contains("needs setup (auth.token)"), "{columns}");

    let name = listed[0]["name"].as_str().unwrap();
    let out = env.run(&["request", name, "/user"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let message = stderr(&out);
    assert!(message.contains("needs setup: auth.token: enter the bearer token"), "{message}");
    assert!(message.contains("before sending"), "{message}");
    assert_eq!(server.request_count(), 0, "nothing was sent");

    // A normal save still asks for the token.
    let out = env.import(r#"{"name":"Plain","url":"https://a.example","auth":{"type":"bearer"}}"#);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("auth.token: enter the bearer token"), "{}", stderr(&out));
}

#[test]
fn an_input_with_one_bad_part_stores_nothing() {
    let env = Env::new();
    let input = format!(
        "curl https://good.example/a -H 'Authorization: Bearer {TOKEN}'\n\ncurl https://other.example/b -H 'Bad Header: 1'\n"
    );
    let out = import(&env, &[], &input);
    assert_eq!(out.status.code(), Some(2), "bad input is exit 2: {}", stderr(&out));
    let message = stderr(&out);
    assert!(message.contains("standard input, line 3: headers[0].key"), "{message}");
    assert!(!message.contains(TOKEN));
    assert_eq!(list(&env), serde_json::json!([]), "nothing was stored");

    let out = import(&env, &[], "curl 'https://a.example/x -H 'X: 1'");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("line 1: a single quote (') is not closed"), "{}", stderr(&out));

    let out = import(&env, &[], "openapi: 3.1.0\ninfo: {title: x}\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("standard input, /servers: no `servers`"), "{}", stderr(&out));

    let out = import(&env, &["--format", "har"], "curl https://a.example");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(list(&env), serde_json::json!([]));
}

#[test]
fn latchkey_files_import_through_the_same_command() {
    let env = Env::new();
    let file = env.file(
        "ds.json",
        br#"{"name":"Own","url":"https://own.example","auth":{"type":"apiKey","key":"X-Key","value":"k-77"}}"#,
    );
    let out = env.run(&["import", &file]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("(latchkey)") && text.contains("create Own"), "{text}");
    let out = env.run(&["import", &file, "--format", "latchkey"]);
    assert!(String::from_utf8(out.stdout).unwrap().contains("replace Own"));
    assert_eq!(list(&env).as_array().unwrap().len(), 1);

    let file = env.file(
        "staging.json",
        br#"{"name":"staging","variables":[{"key":"host","value":"s.example"},{"key":"pw","value":"v-55","secret":true}]}"#,
    );
    let out = env.run(&["import", &file]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Environments:\n  staging (2 variables)"), "{text}");
    assert!(text.contains("created environment `staging`"), "{text}");
    assert!(env.ok(&["env", "list"]).contains("staging"));
    assert_in_no_file(&env.data().join("data"), &["v-55".to_owned(), "k-77".to_owned()], "an imported secret");
}

#[test]
fn show_names_what_a_datasource_needing_setup_lacks() {
    let env = Env::new();
    let out = import(&env, &[], "curl https://api.example.com/v1 -H 'X-API-Key: YOUR_API_KEY'");
    assert!(out.status.success(), "{}", stderr(&out));
    let shown = env.ok(&["datasource", "show", "api.example.com"]);
    assert!(shown.contains("needs setup: auth.value: enter the API key"), "{shown}");
}

#[test]
fn a_real_openapi_description_plans_as_json_and_applies_as_needing_setup() {
    let env = Env::new();
    let file = format!("{}/../latchkey-core/tests/fixtures/openapi/google-compute.json", env!("CARGO_MANIFEST_DIR"));
    let out = env.cmd(&["import", &file, "--dry-run", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["format"], "openapi");
    let ds = &plan["datasources"][0];
    assert_eq!(ds["action"], "create");
    assert_eq!(ds["config"]["url"], "https://compute.googleapis.com/compute/v1");
    assert_eq!(ds["config"]["auth"]["type"], "oauth2");
    assert_eq!(ds["config"]["auth"]["grantType"], "authorization_code");
    assert_eq!(ds["queries"].as_array().unwrap().len(), 758);
    assert_eq!(ds["secrets"], serde_json::json!([]));
    assert!(ds["needsSetup"].to_string().contains("auth.clientId"), "{}", ds["needsSetup"]);
    assert_eq!(list(&env), serde_json::json!([]), "a dry run stores nothing");

    let out = env.cmd(&["import", &file, "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let listed = list(&env);
    assert_eq!(listed[0]["name"], "Compute Engine API");
    assert!(listed[0]["needsSetup"].to_string().contains("auth.clientId"), "{}", listed[0]);
}
