//! Environments through the `latchkey` binary: `latchkey env …` round trips with secrets never
//! printed, `--env` and `LATCHKEY_ENV` choosing the URL, variables and tokens (two loopback
//! servers; the real `oidc-provider` with a different client per environment), the usage error
//! for an unknown environment, and the confirmation a production environment asks for.

mod common;

use std::time::Duration;

use common::{assert_in_no_file, stderr, Env};
use latchkey_testkit::oidc::{BASIC_CLIENT, POST_CLIENT};
use latchkey_testkit::{OidcProvider, TestServer};

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Every line printed by `latchkey args…` (stdout and stderr), for checks that a secret is in
/// neither.
fn printed(out: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(out))
}

#[test]
fn environments_create_set_show_export_import_and_delete_without_printing_secrets() {
    let env = Env::new();
    let out = env.run(&["env", "create", "staging"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("created environment `staging` (env_"), "{}", stderr(&out));
    env.ok(&["env", "create", "live", "--production"]);
    let listed = json(&env.ok(&["env", "list", "--json"]));
    let names: Vec<&str> = listed.as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["default", "live", "staging"], "a new vault has `default`; by name");
    assert_eq!(listed[1]["production"], true);
    let text = env.ok(&["env", "list"]);
    assert!(text.lines().any(|l| l.starts_with("live") && l.ends_with("production")), "{text}");

    env.ok(&["env", "set", "staging", "host=staging.example.com"]);
    env.ok(&["env", "set", "staging", "query=a=b&c"]);
    // A secret from standard input stays out of the command line.
    let out =
        env.cmd(&["env", "set", "staging", "apiKey=@-", "--secret"]).write_stdin("stdin-SECRET-41\n").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("set secret variable `apiKey` in `staging`"), "{}", stderr(&out));
    let out = env.run(&["env", "set", "staging", "password=typed-SECRET-42", "--secret"]);
    assert!(out.status.success() && !printed(&out).contains("typed-SECRET-42"), "{}", printed(&out));

    for args in [["env", "show", "staging"].as_slice(), &["env", "show", "STAGING", "--json"]] {
        let out = env.run(args);
        assert!(out.status.success(), "{}", stderr(&out));
        let shown = printed(&out);
        assert!(!shown.contains("SECRET-4"), "{args:?} prints no secret value: {shown}");
        assert!(shown.contains(r#""value": "<set>""#), "{args:?} marks set secrets <set>: {shown}");
        assert!(
            shown.contains(r#""value": "staging.example.com""#) && shown.contains(r#""value": "a=b&c""#),
            "{shown}"
        );
    }
    let shown = json(&env.ok(&["env", "show", "staging", "--json"]));
    assert!(shown["id"].as_str().unwrap().starts_with("env_"), "{shown}");
    assert_eq!(shown["variables"][2], serde_json::json!({"key": "apiKey", "value": "<set>", "secret": true}));

    let export = env.ok(&["env", "export", "staging"]);
    assert!(!export.contains("SECRET-4"), "an export leaves secret values out: {export}");
    let exported = json(&export);
    assert_eq!(exported["variables"][2]["value"], serde_json::json!({"set": true}), "a set secret is only marked");
    assert_eq!(exported.get("id"), None, "an environment file has no id: {exported}");
    let full = json(&env.ok(&["env", "export", "staging", "--with-secrets"]));
    assert_eq!(full["variables"][2]["value"], "stdin-SECRET-41", "standard input without its line break");
    assert_eq!(full["variables"][3]["value"], "typed-SECRET-42");

    // Unset, then import the marker export back: the plain rows come back, and the secrets
    // kept ({"set": true}) are still the stored ones.
    let out = env.run(&["env", "unset", "staging", "host"]);
    assert!(out.status.success() && stderr(&out).contains("removed variable `host`"), "{}", stderr(&out));
    let out = env.run(&["env", "unset", "staging", "host"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("has no variable `host`"), "{}", stderr(&out));
    let out = env.cmd(&["env", "import", "-"]).write_stdin(export.clone()).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("replaced environment `staging`"), "{}", stderr(&out));
    let again = json(&env.ok(&["env", "export", "staging", "--with-secrets"]));
    assert_eq!(again, full, "importing one's own export keeps the stored secrets");

    // The full export, imported as a new environment from a file, has the values.
    let mut copy = full.clone();
    copy["name"] = "qa".into();
    let file = env.file("qa.json", copy.to_string().as_bytes());
    let out = env.run(&["env", "import", &file]);
    assert!(out.status.success() && stderr(&out).contains("created environment `qa`"), "{}", stderr(&out));
    assert_eq!(json(&env.ok(&["env", "export", "qa", "--with-secrets"]))["variables"], full["variables"]);
    assert_in_no_file(
        &env.data().join("data"),
        &["stdin-SECRET-41".to_owned(), "typed-SECRET-42".to_owned()],
        "secret variable",
    );

    // Mistakes name the field and the fix.
    let out = env.run(&["env", "set", "staging", "no-equals-sign"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("KEY=VALUE") && !stderr(&out).contains("no-equals-sign"), "{}", stderr(&out));
    let out = env.run(&["env", "set", "staging", "1st=x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("`1st` cannot be a variable name"), "{}", stderr(&out));
    let out = env.run(&["env", "create", "Staging"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("already exists"), "names are unique case-insensitively: {}", stderr(&out));

    for name in ["qa", "staging", "live"] {
        let out = env.run(&["env", "delete", name]);
        assert!(out.status.success() && stderr(&out).contains(&format!("deleted environment `{name}`")));
    }
    let out = env.run(&["env", "delete", "default"]);
    assert_eq!(out.status.code(), Some(1), "the only environment stays");
    assert!(stderr(&out).contains("only environment"), "{}", stderr(&out));
    let out = env.run(&["env", "show", "staging"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no environment named `staging`: the vault has default"), "{}", stderr(&out));
}

/// `Api` on server `a` in `default`, on server `b` in `staging`, with a header from a plain
/// variable and one from a secret variable.
fn two_environments(env: &Env, a: &TestServer, b: &TestServer) {
    env.ok(&["env", "create", "staging"]);
    env.ok(&["env", "set", "default", "stage=one"]);
    env.ok(&["env", "set", "staging", "stage=two"]);
    env.ok(&["env", "set", "default", "key=default-SECRET-1", "--secret"]);
    env.ok(&["env", "set", "staging", "key=staging-SECRET-2", "--secret"]);
    let datasource = serde_json::json!({
        "name": "Api",
        "url": a.base_url(),
        "headers": [{"key": "X-Stage", "value": "{{stage}}"}, {"key": "X-Key", "value": "k {{key}}"}],
        "environments": {"staging": {"url": b.base_url()}},
    });
    let out = env.import(&datasource.to_string());
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn env_and_latchkey_env_pick_the_url_and_the_variables() {
    let env = Env::new();
    let (a, b) = (TestServer::http(), TestServer::http());
    two_environments(&env, &a, &b);

    env.ok(&["request", "Api", "/first"]);
    assert_eq!((a.request_count(), b.request_count()), (1, 0), "the default environment is `default`");
    let sent = a.requests().pop().unwrap();
    assert_eq!((sent.header("x-stage"), sent.header("x-key")), (Some("one"), Some("k default-SECRET-1")));

    let out = env.run(&["--env", "staging", "request", "Api", "/second", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!((a.request_count(), b.request_count()), (1, 1), "--env staging goes to staging's URL");
    let sent = b.requests().pop().unwrap();
    assert_eq!(sent.path, "/second");
    assert_eq!((sent.header("x-stage"), sent.header("x-key")), (Some("two"), Some("k staging-SECRET-2")));
    let shown = String::from_utf8(out.stdout).unwrap();
    assert!(
        !json(&shown)["request"].to_string().contains("SECRET"),
        "the request as sent hides secret variables: {shown}"
    );

    // LATCHKEY_ENV does the same; --env wins over it.
    env.cmd(&["request", "Api", "/third"]).env("LATCHKEY_ENV", "staging").assert().success();
    assert_eq!(b.requests().pop().unwrap().path, "/third");
    env.cmd(&["--env", "default", "request", "Api", "/fourth"]).env("LATCHKEY_ENV", "staging").assert().success();
    assert_eq!(a.requests().pop().unwrap().path, "/fourth", "--env is stronger than LATCHKEY_ENV");

    // `datasource show` is the effective configuration of the chosen environment.
    let out = env.run(&["--env", "staging", "datasource", "show", "Api"]);
    let text = printed(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("environment: staging") && text.contains(&b.base_url()), "{text}");
    assert!(text.contains(r#""value": "two""#) && text.contains(r#""value": "k <redacted>""#), "{text}");
    assert!(!text.contains(&a.base_url()) && !text.contains("SECRET") && !text.contains("environments"), "{text}");
    let shown = json(&env.ok(&["datasource", "show", "Api", "--json"]));
    assert_eq!((&shown["url"], &shown["environment"]), (&a.base_url().into(), &"default".into()), "{shown}");
    assert_eq!(shown["headers"][1]["value"], "k <redacted>", "{shown}");
    let stored = json(&env.ok(&["datasource", "export", "Api"]));
    assert_eq!(stored["environments"]["staging"]["url"], b.base_url(), "export keeps the stored shape");
    assert_eq!(stored["headers"][0]["value"], "{{stage}}");

    // An unknown environment is a usage error naming those there are; nothing is sent.
    for out in [
        env.run(&["--env", "qa", "request", "Api", "/x"]),
        env.cmd(&["request", "Api", "/x"]).env("LATCHKEY_ENV", "qa").output().unwrap(),
        env.run(&["--env", "qa", "datasource", "list"]),
    ] {
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert_eq!(stderr(&out).trim(), "latchkey: no environment named `qa`: the vault has default, staging");
    }
    assert_eq!(a.request_count() + b.request_count(), 4, "nothing was sent for an unknown environment");
}

#[test]
fn production_asks_before_sending_anything_but_get_head_and_options() {
    let env = Env::new();
    let server = TestServer::http();
    env.ok(&["env", "create", "production", "--production"]);
    env.import(&format!(r#"{{"name":"Echo","url":"{}"}}"#, server.base_url()));
    env.ok(&["query", "save", "Echo", "Create", "POST", "/items", "-d", r#"{"a":1}"#]);

    for args in [
        ["--env", "production", "request", "Echo", "POST", "/items?key=k", "-d", "x"].as_slice(),
        &["--env", "production", "request", "Echo", "-X", "DELETE", "/items/1"],
        &["--env", "production", "query", "run", "Echo", "Create"],
    ] {
        let out = env.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?} without a terminal and without --yes: {}", stderr(&out));
        let message = stderr(&out);
        assert!(message.contains("add --yes") && message.contains("in production"), "{message}");
        assert!(
            message.contains(&format!("to {}/items", server.base_url())) && !message.contains("key=k"),
            "{message}"
        );
    }
    assert_eq!(server.request_count(), 0, "nothing was sent");

    env.ok(&["--env", "production", "request", "Echo", "POST", "/items", "-d", "x", "--yes"]);
    env.ok(&["--env", "production", "query", "run", "Echo", "Create", "-y"]);
    env.ok(&["--env", "production", "request", "Echo", "/items"]);
    env.ok(&["--env", "production", "request", "Echo", "HEAD", "/items"]);
    env.ok(&["request", "Echo", "POST", "/items", "-d", "x"]);
    let methods: Vec<String> = server.requests().into_iter().map(|r| r.method).collect();
    assert_eq!(
        methods,
        ["POST", "POST", "GET", "HEAD", "POST"],
        "--yes sends; GET, HEAD and other environments need nothing"
    );
}

/// A client-credentials datasource whose `staging` environment uses another client; its API URL
/// is the variable `api`.
fn per_environment_clients(provider: &OidcProvider) -> String {
    serde_json::json!({
        "name": "Cc",
        "url": "{{api}}",
        "auth": {
            "type": "oauth2",
            "grantType": "client_credentials",
            "issuer": provider.issuer(),
            "clientId": BASIC_CLIENT.0,
            "clientSecret": BASIC_CLIENT.1,
            "clientAuthentication": "basic_header",
            "scopes": "api:read",
        },
        "environments": {"staging": {"auth": {
            "clientId": POST_CLIENT.0,
            "clientSecret": POST_CLIENT.1,
            "clientAuthentication": "body",
        }}},
    })
    .to_string()
}

#[test]
fn tokens_are_per_environment_and_logout_in_one_leaves_the_other() {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let env = Env::new();
    env.ok(&["env", "create", "staging"]);
    for name in ["default", "staging"] {
        env.ok(&["env", "set", name, &format!("api={}", provider.issuer())]);
    }
    let out = env.import(&per_environment_clients(&provider));
    assert!(out.status.success(), "{}", stderr(&out));

    let out = env.run(&["authorize", "Cc"]);
    assert!(out.status.success() && stderr(&out).contains("Authorized `Cc` · "), "{}", stderr(&out));
    let out = env.run(&["--env", "staging", "authorize", "Cc"]);
    assert!(out.status.success() && stderr(&out).contains("Authorized `Cc` in staging · "), "{}", stderr(&out));
    assert_eq!(provider.calls("token:client_credentials"), 2, "one token per environment");

    let default_token = env.ok(&["token", "Cc", "--reveal"]);
    let staging_token = env.ok(&["--env", "staging", "token", "Cc", "--reveal"]);
    assert_ne!(default_token, staging_token, "each environment has its own token");
    assert_eq!(json(&env.ok(&["request", "Cc", "/api/whoami"]))["clientId"], BASIC_CLIENT.0);
    let whoami = json(&env.ok(&["--env", "staging", "request", "Cc", "/api/whoami"]));
    assert_eq!(whoami["clientId"], POST_CLIENT.0, "staging's token is of staging's client");
    assert_eq!(provider.calls("token:client_credentials"), 2, "the stored tokens were used");

    let shown = json(&env.ok(&["--env", "staging", "datasource", "show", "Cc", "--json"]));
    assert_eq!(
        (&shown["auth"]["clientId"], &shown["auth"]["clientSecret"]),
        (&POST_CLIENT.0.into(), &serde_json::json!({"set": true}))
    );
    assert_eq!(json(&env.ok(&["datasource", "show", "Cc", "--json"]))["auth"]["clientId"], BASIC_CLIENT.0);

    let out = env.run(&["--env", "staging", "logout", "Cc"]);
    assert!(out.status.success() && stderr(&out).contains("Forgot the tokens of `Cc` in staging"), "{}", stderr(&out));
    assert_eq!(json(&env.ok(&["--env", "staging", "token", "Cc", "--json"]))["status"], "not_authorized");
    assert_eq!(json(&env.ok(&["token", "Cc", "--json"]))["status"], "authorized", "default's tokens stay");
    assert_eq!(env.ok(&["token", "Cc", "--reveal"]), default_token, "the very same token");

    // The list's badges are of the chosen environment.
    let badge = |args: &[&str]| json(&env.ok(args))[0]["tokenStatus"].clone();
    assert_eq!(badge(&["datasource", "list", "--json"]), "authorized");
    assert_eq!(badge(&["--env", "staging", "datasource", "list", "--json"]), "not_authorized");
    let text = env.ok(&["--env", "staging", "datasource", "list"]);
    assert!(text.trim_end().ends_with("not_authorized"), "the text list shows the badge: {text}");

    // A variable change that sends the API elsewhere drops that environment's tokens, and says so.
    let out = env.run(&["env", "set", "default", "api=http://127.0.0.1:9"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<String> = stderr(&out).lines().filter(|l| l.contains("tokens dropped")).map(str::to_owned).collect();
    assert_eq!(lines.len(), 1, "one line per datasource: {}", stderr(&out));
    assert!(lines[0].starts_with("tokens dropped in `default`: Cc: "), "{}", lines[0]);
    assert!(lines[0].ends_with("run `latchkey authorize Cc`"), "{}", lines[0]);
    assert_eq!(json(&env.ok(&["token", "Cc", "--json"]))["status"], "not_authorized");

    let mut secrets = provider.issued();
    secrets.extend([BASIC_CLIENT.1.to_owned(), POST_CLIENT.1.to_owned()]);
    secrets.retain(|s| s != default_token.trim());
    let shown = env.ok(&["--env", "staging", "datasource", "show", "Cc"])
        + &env.ok(&["--env", "staging", "token", "Cc", "--json"]);
    for (i, secret) in secrets.iter().enumerate() {
        assert!(!shown.contains(secret.as_str()), "secret #{} printed: {shown}", i + 1);
    }
}

#[test]
fn production_asks_on_a_terminal_and_sends_only_on_yes() {
    let env = Env::new();
    let server = TestServer::http();
    env.ok(&["env", "create", "live", "--production"]);
    env.import(&format!(r#"{{"name":"Echo","url":"{}"}}"#, server.base_url()));
    // `script` (util-linux) runs the binary on a pseudo-terminal and passes our answer to it.
    let bin = assert_cmd::cargo::cargo_bin("latchkey");
    let line = format!(
        "'{}' --data-dir '{}' --env live request Echo POST /items -d x; echo \"exit=$?\"",
        bin.display(),
        env.data().join("data").display()
    );
    let mut asked = Vec::new();
    for answer in ["n\n", "y\n"] {
        let out = assert_cmd::Command::new("script")
            .args(["-qec", &line, "/dev/null"])
            .env("LATCHKEY_KEYRING", "off")
            .env_remove("LATCHKEY_DATA_DIR")
            .write_stdin(answer)
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        asked.push(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    let question = format!("Send POST to {}/items in `live` (a production environment)? [y/N]", server.base_url());
    assert!(asked[0].contains(&question) && asked[0].contains("was not confirmed"), "{}", asked[0]);
    assert!(asked[0].contains("exit=1"), "{}", asked[0]);
    assert!(asked[1].contains(&question) && asked[1].contains("exit=0"), "{}", asked[1]);
    let methods: Vec<String> = server.requests().into_iter().map(|r| r.method).collect();
    assert_eq!(methods, ["POST"], "sent once: after the yes, not after the no");
}

#[test]
fn a_variable_says_where_it_sends_stored_secrets_and_cannot_move_them() {
    let env = Env::new();
    env.ok(&["env", "set", "default", "host=api.example.com"]);
    let datasource = r#"{"name":"Tok","url":"https://{{host}}/v1","auth":{"type":"bearer","token":"bearer-SECRET-9"}}"#;
    let out = env.import(datasource);
    assert!(out.status.success(), "{}", stderr(&out));
    env.ok(&["env", "create", "qa"]);
    let out = env.run(&["env", "set", "qa", "host=qa.example.com"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("note: Tok: its stored auth.token will be sent to https://qa.example.com in qa"),
        "the first definition says where the stored token will go: {}",
        stderr(&out)
    );
    let out = env.run(&["env", "set", "qa", "host=evil.example"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("would move where datasource `Tok`'s `auth.token` goes in qa"), "{}", stderr(&out));
    let shown = env.ok(&["env", "show", "qa", "--json"]);
    assert!(shown.contains("qa.example.com") && !shown.contains("evil.example"), "nothing changed: {shown}");
}
