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

#[test]
fn a_postman_collection_imports_with_groups_its_token_sealed_and_its_variables_as_an_environment() {
    let env = Env::new();
    let server = TestServer::http();
    let pm_token = "pm-tok-3321";
    let collection = serde_json::json!({
        "info": {"name": "Echo", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "variable": [{"key": "baseUrl", "value": server.url("/api")}, {"key": "limit", "value": "7"}],
        "auth": {"type": "bearer", "bearer": [{"key": "token", "value": pm_token, "type": "string"}]},
        "item": [{"name": "Items", "item": [{"name": "Admin", "item": [
            {"name": "List items", "event": [{"listen": "test", "script": {"exec": ["pm.test('ok')"]}}],
             "request": {"method": "GET", "url": {"raw": "{{baseUrl}}/items?limit={{limit}}",
                "host": ["{{baseUrl}}"], "path": ["items"], "query": [{"key": "limit", "value": "{{limit}}"}]}}}]}]},
            {"name": "Health", "request": {"method": "GET", "url": "{{baseUrl}}/health"}}]
    });
    let file = env.data().join("echo.postman_collection.json");
    std::fs::write(&file, collection.to_string()).unwrap();
    let file = file.to_str().unwrap();

    let out = env.cmd(&["import", file, "--dry-run"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    for part in [
        "create Echo",
        "secrets: 1 (auth.token), sealed on import",
        "List items [Items/Admin]  (Items/Admin/List items)",
        "Echo (2 variables)",
        "Items/Admin/List items: test script: Latchkey runs no scripts",
    ] {
        assert!(text.contains(part), "{part:?} missing from:\n{text}");
    }
    assert!(!text.contains(pm_token));

    let out = env.cmd(&["import", file]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let listed = env.ok(&["query", "list", "Echo"]);
    assert!(listed.contains("List items  GET  /api/items   Items/Admin"), "the group is shown:\n{listed}");
    assert!(listed.lines().any(|l| l.starts_with("Health") && l.trim_end().ends_with("/api/health")), "{listed}");
    let json: serde_json::Value = serde_json::from_str(&env.ok(&["query", "list", "Echo", "--json"])).unwrap();
    assert_eq!(json[1]["group"], "Items/Admin");
    assert_eq!(json[0].get("group"), None, "no group, not written");

    // In the collection's environment, {{limit}} resolves; the sealed token is sent.
    let echoed: serde_json::Value =
        serde_json::from_str(&env.ok(&["--env", "Echo", "query", "run", "Echo", "List items"])).unwrap();
    assert_eq!(echoed["path"], "/api/items");
    assert_eq!(echoed["query"], "limit=7");
    assert!(echoed["headers"].to_string().contains(&format!("Bearer {pm_token}")), "{}", echoed["headers"]);
    assert_in_no_file(&env.data().join("data"), &[pm_token.to_owned()], "the imported token");
}

#[test]
fn a_postman_environment_file_imports_as_an_environment_with_its_secret_sealed() {
    let env = Env::new();
    let input = serde_json::json!({"name": "staging", "_postman_variable_scope": "environment", "values": [
        {"key": "host", "value": "staging.example.com", "enabled": true},
        {"key": "apiKey", "value": "pm-env-secret-12", "type": "secret", "enabled": true}]});
    let out = import(&env, &[], &input.to_string());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8(out.stdout).unwrap().contains("created environment `staging`"));
    let shown = env.ok(&["env", "show", "staging", "--json"]);
    assert!(shown.contains("staging.example.com") && !shown.contains("pm-env-secret-12"), "{shown}");
    assert_in_no_file(&env.data().join("data"), &["pm-env-secret-12".to_owned()], "a secret variable");
}

#[test]
fn a_real_postman_collection_plans_as_json_and_applies_with_its_folder_as_the_group() {
    let env = Env::new();
    let file = format!(
        "{}/../latchkey-core/tests/fixtures/postman/complex-v2_0_fromHeaders-input.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = env.cmd(&["import", &file, "--dry-run", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["format"], "postman");
    let ds = &plan["datasources"][0];
    assert_eq!(
        (ds["config"]["name"].as_str(), ds["config"]["url"].as_str()),
        (Some("Timing API"), Some("https://web.timingapp.com"))
    );
    assert_eq!(ds["queries"].as_array().unwrap().len(), 5);
    assert_eq!(ds["queries"][3]["group"], "Projects");
    assert_eq!(ds["queries"][3]["request"]["path"], "/api/v1/projects/{{project}}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("am9obkBleGFtcGxlLmNvbTphYmMxMjM="));
    assert_eq!(list(&env), serde_json::json!([]), "a dry run stores nothing");

    let out = env.cmd(&["import", &file]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let listed = env.ok(&["query", "list", "Timing API"]);
    assert_eq!(listed.lines().filter(|l| l.trim_end().ends_with("  Projects")).count(), 5, "{listed}");
}
