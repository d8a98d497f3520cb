//! `latchkey import` of an Insomnia v4 export through the binary: the plan (--dry-run, --json),
//! applying it (the datasource, its sealed bearer token, the environments and saved queries), and
//! a saved query sent in the imported environment with its variables resolved.

mod common;

use common::{assert_in_no_file, stderr, Env};
use latchkey_testkit::TestServer;

const TOKEN: &str = "tok-insomnia-5521";

fn export(server: &TestServer) -> String {
    serde_json::json!({
        "_type": "export",
        "__export_format": 4,
        "__export_source": "insomnia.desktop.app:v2023.5.8",
        "resources": [
            {"_id": "wrk_1", "_type": "workspace", "parentId": null, "name": "Echo", "scope": "collection"},
            {"_id": "env_1", "_type": "environment", "parentId": "wrk_1", "name": "Base Environment",
             "data": {"base_url": server.url("/api/"), "user_id": "7", "api_token": TOKEN}},
            {"_id": "env_2", "_type": "environment", "parentId": "env_1", "name": "Local", "data": {"user_id": "8"}},
            {"_id": "fld_1", "_type": "request_group", "parentId": "wrk_1", "name": "Users",
             "authentication": {"type": "bearer", "token": "{{ _.api_token }}"}},
            {"_id": "req_1", "_type": "request", "parentId": "fld_1", "name": "Get user", "method": "GET",
             "url": "{{ _.base_url }}/users/{{ _.user_id }}", "authentication": {}, "body": {},
             "parameters": [{"name": "full", "value": "1"}], "headers": [{"name": "X-Trace", "value": "abc"}]},
            {"_id": "jar_1", "_type": "cookie_jar", "parentId": "wrk_1", "name": "Default Jar", "cookies": []}
        ]
    })
    .to_string()
}

#[test]
fn an_insomnia_export_plans_applies_and_its_query_runs_in_the_imported_environment() {
    let env = Env::new();
    let server = TestServer::http();
    let file = env.file("insomnia.json", export(&server).as_bytes());

    let out = env.cmd(&["import", &file, "--dry-run"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    for part in ["create Echo", "secrets: 1 (auth.token), sealed on import", "Echo / Local", "cookie jar `Default Jar`"]
    {
        assert!(text.contains(part), "{part:?} missing from:\n{text}");
    }
    assert!(!text.contains(TOKEN), "the plan never shows the secret:\n{text}");
    assert_eq!(env.ok(&["datasource", "list", "--json"]).trim(), "[]", "a dry run stores nothing");

    let out = env.cmd(&["import", &file, "--dry-run", "--json"]).output().unwrap();
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["format"], "insomnia");
    assert_eq!(plan["datasources"][0]["config"]["auth"]["type"], "bearer");
    assert_eq!(plan["datasources"][0]["queries"][0]["group"], "Users");
    assert_eq!(plan["datasources"][0]["queries"][0]["request"]["path"], "/users/{{user_id}}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(TOKEN));

    let out = env.cmd(&["import", &file, "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let result: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(result["applied"]["datasources"][0]["name"], "Echo");
    assert_eq!(result["applied"]["environments"][0]["name"], "Echo / Local");

    let echoed: serde_json::Value =
        serde_json::from_str(&env.ok(&["--env", "Echo / Local", "query", "run", "Echo", "Get user"])).unwrap();
    assert_eq!(echoed["path"], "/api/users/8", "the sub-environment's user_id: {echoed}");
    let headers = echoed["headers"].to_string();
    assert!(headers.contains(&format!("Bearer {TOKEN}")), "the folder's sealed token is sent: {headers}");
    assert!(headers.contains(r#"["x-trace","abc"]"#), "{headers}");
    std::fs::remove_file(&file).unwrap();
    assert_in_no_file(env.data(), &[TOKEN.to_owned()], "the imported token");
}
