//! `latchkey export --dir` and `latchkey import --dir` through the binary: what export prints,
//! a dry run storing nothing, an import with --json, --prune, a refused file (exit code 2, the
//! file named, nothing stored), and a folder given as FILE pointing to --dir.

mod common;

use common::{assert_in_no_file, stderr, Env};

const TOKEN: &str = "tok-share-cli-7391";
const CLIENT_SECRET: &str = "cs-share-cli-5148";

/// A vault with a bearer datasource, an OAuth 2.0 one with a saved query, and a staging
/// environment.
fn team(env: &Env) {
    env.ok(&["env", "create", "staging"]);
    env.ok(&["env", "set", "staging", "host=staging.example.com"]);
    let bearer = format!(
        r#"{{"name":"Billing","url":"https://billing.example.com","auth":{{"type":"bearer","token":"{TOKEN}"}}}}"#
    );
    assert!(env.import(&bearer).status.success());
    let oauth = format!(
        r#"{{"name":"GitHub","url":"https://api.github.com","auth":{{"type":"oauth2","grantType":"client_credentials",
        "accessTokenUrl":"https://github.com/login/oauth/access_token","clientId":"c","clientSecret":"{CLIENT_SECRET}"}},
        "environments":{{"staging":{{"url":"https://{{{{host}}}}"}}}}}}"#
    );
    assert!(env.import(&oauth).status.success());
    env.ok(&["query", "save", "GitHub", "Me", "GET", "/user"]);
}

fn names(env: &Env) -> Vec<String> {
    let list: serde_json::Value = serde_json::from_str(&env.ok(&["datasource", "list", "--json"])).unwrap();
    list.as_array().unwrap().iter().map(|d| d["name"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn export_writes_the_folder_and_says_what_it_did_without_a_secret_in_it() {
    let (env, folder) = (Env::new(), tempfile::tempdir().unwrap());
    team(&env);
    let dir = folder.path().join("team-apis");
    let out = env.ok(&["export", "--dir", dir.to_str().unwrap()]);
    assert!(out.contains("wrote datasources/github.json"), "{out}");
    assert!(out.ends_with(": 4 written, 0 removed, 0 unchanged.\n"), "{out}");
    assert_in_no_file(&dir, &[TOKEN.to_owned(), CLIENT_SECRET.to_owned()], "a secret");
    let github = std::fs::read_to_string(dir.join("datasources/github.json")).unwrap();
    assert!(github.contains("\"auth.clientSecret\""), "listed by name: {github}");
    let again = env.ok(&["export", "--dir", dir.to_str().unwrap()]);
    assert!(again.ends_with(": 0 written, 0 removed, 4 unchanged.\n"), "{again}");
}

#[test]
fn import_dir_dry_run_prints_the_plan_and_stores_nothing_then_imports_with_json() {
    let (a, b, folder) = (Env::new(), Env::new(), tempfile::tempdir().unwrap());
    team(&a);
    let dir = folder.path().to_str().unwrap();
    a.ok(&["export", "--dir", dir]);
    let out = b.ok(&["import", "--dir", dir, "--dry-run"]);
    for part in [
        "create datasource `GitHub`  (datasources/github.json)",
        "needs setup: auth.clientSecret: enter it here (this machine has no value)",
        "needs setup: auth.token",
        "create environment `staging`",
        "unchanged environment `default`",
        "3 created, 0 updated, 1 unchanged, 0 deleted, 2 secret(s) to enter (needs setup).",
        "Dry run: nothing was stored.",
    ] {
        assert!(out.contains(part), "missing {part:?} in:\n{out}");
    }
    assert!(names(&b).is_empty(), "a dry run stores nothing");

    let json: serde_json::Value = serde_json::from_str(&b.ok(&["import", "--dir", dir, "--json"])).unwrap();
    assert_eq!(json["dryRun"], false);
    let github = json["datasources"].as_array().unwrap().iter().find(|d| d["name"] == "GitHub").unwrap();
    assert_eq!(github["action"], "create");
    assert_eq!(github["queries"]["created"], serde_json::json!(["Me"]));
    assert_eq!(github["needsSetup"][0]["field"], "auth.clientSecret");
    assert_eq!(names(&b), ["Billing", "GitHub"]);
    let list = b.ok(&["datasource", "list"]);
    assert!(list.contains("needs setup (auth.token)"), "{list}");
    let again = b.ok(&["import", "--dir", dir]);
    assert!(again.contains("0 created, 0 updated, 4 unchanged, 0 deleted"), "{again}");
}

#[test]
fn prune_deletes_what_the_folder_lacks_and_without_it_nothing_goes() {
    let (a, b, folder) = (Env::new(), Env::new(), tempfile::tempdir().unwrap());
    team(&a);
    let dir = folder.path().to_str().unwrap();
    a.ok(&["export", "--dir", dir]);
    b.ok(&["import", "--dir", dir]);
    a.ok(&["datasource", "delete", "Billing"]);
    a.ok(&["export", "--dir", dir]);
    let out = b.ok(&["import", "--dir", dir]);
    assert!(out.contains("kept datasource `Billing`: not in the folder (--prune deletes it)"), "{out}");
    assert_eq!(names(&b), ["Billing", "GitHub"]);
    let out = b.ok(&["import", "--dir", dir, "--prune"]);
    assert!(out.contains("deleted datasource `Billing` (not in the folder)"), "{out}");
    assert_eq!(names(&b), ["GitHub"]);
}

#[test]
fn a_refused_file_is_exit_code_2_naming_it_and_nothing_is_stored() {
    let (a, b, folder) = (Env::new(), Env::new(), tempfile::tempdir().unwrap());
    team(&a);
    let dir = folder.path().to_str().unwrap();
    a.ok(&["export", "--dir", dir]);
    let path = folder.path().join("datasources/billing.json");
    let leaked = std::fs::read_to_string(&path)
        .unwrap()
        .replace(r#""type": "bearer""#, r#""type": "bearer", "token": "leak-77""#);
    std::fs::write(&path, leaked).unwrap();
    let out = b.run(&["import", "--dir", dir]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let message = stderr(&out);
    assert!(
        message.contains("datasources/billing.json, /datasource/auth/token: this file carries a secret value"),
        "{message}"
    );
    assert!(!message.contains("leak-77"), "{message}");
    assert!(names(&b).is_empty());
}

#[test]
fn a_folder_given_as_file_points_to_dir() {
    let (env, folder) = (Env::new(), tempfile::tempdir().unwrap());
    let out = env.run(&["import", folder.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is a folder: a shared folder is imported with `latchkey import --dir"),
        "{}",
        stderr(&out)
    );
    let out = env.run(&["import", "--prune", "x.json"]);
    assert_eq!(out.status.code(), Some(2), "--prune needs --dir: {}", stderr(&out));
}
