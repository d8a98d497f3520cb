//! The `latchkey` binary end to end: a real data directory in a temp dir, real loopback
//! servers, the process's exit codes and output.

mod common;

use std::process::Output;

use common::{assert_in_no_file, stderr, Env};
use latchkey_testkit::{openssl_self_signed, TestServer};

#[test]
fn datasources_import_list_show_export_delete() {
    let env = Env::new();
    let out = env.import(r#"{"name":"Github","url":"https://api.github.com","headers":[{"key":"Accept","value":"application/vnd.github+json"}],
        "auth":{"type":"apiKey","key":"Authorization","value":"ghp-SECRET-123","headerPrefix":"token"}}"#);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("created datasource `Github`"));

    let list: serde_json::Value = serde_json::from_str(&env.ok(&["datasource", "list", "--json"])).unwrap();
    assert_eq!(list[0]["name"], "Github");
    assert_eq!(list[0]["authType"], "apiKey");
    assert!(env.ok(&["datasource", "list"]).contains("Github  apiKey"));

    let shown = env.ok(&["datasource", "show", "github"]);
    assert!(shown.contains(r#""value": "<set>""#), "show masks secrets: {shown}");
    let shown_json: serde_json::Value =
        serde_json::from_str(&env.ok(&["datasource", "show", "Github", "--json"])).unwrap();
    assert_eq!(shown_json["auth"]["value"], serde_json::json!({"set": true}));
    assert!(shown_json["id"].as_str().unwrap().starts_with("ds_"));

    let export = env.ok(&["datasource", "export", "Github"]);
    assert!(!export.contains("ghp-SECRET"), "export leaves secrets out: {export}");
    let export_json: serde_json::Value = serde_json::from_str(&export).unwrap();
    assert_eq!(export_json["auth"]["value"], serde_json::json!({"set": true}), "a set secret is only marked");
    let full: serde_json::Value =
        serde_json::from_str(&env.ok(&["datasource", "export", "Github", "--with-secrets"])).unwrap();
    assert_eq!(full["auth"]["value"], "ghp-SECRET-123");

    env.ok(&["datasource", "delete", "Github"]);
    let out = env.run(&["datasource", "show", "Github"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out).trim(), "latchkey: no datasource named `Github`", "one line, saying what is wrong");
}

#[test]
fn methods_are_checked_and_custom_ones_go_with_dash_x() {
    let env = Env::new();
    let server = TestServer::http();
    env.import(&format!(r#"{{"name":"Echo","url":"{}"}}"#, server.base_url()));

    let out = env.run(&["request", "Echo", "DELTE", "/x"]);
    assert_eq!(out.status.code(), Some(2), "an unknown method word is a usage error");
    assert!(
        stderr(&out).contains("`DELTE` is not a method") && stderr(&out).contains("GET, HEAD, POST"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("-X DELTE"), "it says how to send a method of one's own: {}", stderr(&out));
    let out = env.run(&["request", "Echo", "GET"]);
    assert_eq!(out.status.code(), Some(2), "a method and no path is not a request to /GET");
    assert!(stderr(&out).contains("give the path after it"), "{}", stderr(&out));
    assert_eq!(server.request_count(), 0, "nothing was sent");

    let echoed: serde_json::Value = serde_json::from_str(&env.ok(&["request", "Echo", "delete", "/x"])).unwrap();
    assert_eq!(echoed["method"], "DELETE", "method words are case-insensitive");
    let echoed: serde_json::Value =
        serde_json::from_str(&env.ok(&["request", "Echo", "-X", "PROPFIND", "/dav"])).unwrap();
    assert_eq!(echoed["method"], "PROPFIND", "-X sends a method of one's own");
    assert_eq!(env.run(&["request", "Echo", "-X", "PROPFIND", "GET", "/dav"]).status.code(), Some(2));
}

#[test]
fn requests_print_like_curl() {
    let env = Env::new();
    let server = TestServer::http();
    env.import(&format!(r#"{{"name":"Echo","url":"{}","queryParams":[{{"key":"v","value":"1"}}],"auth":{{"type":"basic","username":"u","password":"p"}}}}"#, server.base_url()));

    let body = env.ok(&["request", "Echo", "/things", "-q", "page=2", "-H", "X-Trace: abc"]);
    let echoed: serde_json::Value = serde_json::from_str(&body).expect("the body alone goes to stdout");
    assert_eq!(echoed["path"], "/things");
    assert_eq!(echoed["query"], "v=1&page=2");
    assert!(echoed["headers"].to_string().contains(r#"["x-trace","abc"]"#));

    let head = env.ok(&["request", "Echo", "GET", "/status/404", "-i"]);
    assert!(head.starts_with("HTTP/1.1 404 Not Found\r\n"), "{head}");
    assert!(head.contains("content-type: application/json\r\n") && head.contains("\r\n\r\n{"), "{head}");
    assert_eq!(
        env.run(&["request", "Echo", "/status/404", "--fail"]).status.code(),
        Some(22),
        "--fail exits 22 on 4xx like curl"
    );
    assert_eq!(env.run(&["request", "Echo", "/status/404"]).status.code(), Some(0));

    let file = env.file("body.json", br#"{"name":"from file"}"#);
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["request", "Echo", "/items", "-d", &format!("@{file}"), "--json"])).unwrap();
    assert_eq!(json["status"], 200);
    assert_eq!(json["request"]["method"], "POST", "a body without a method means POST");
    assert!(
        json["request"]["headers"].to_string().contains(r#""value":"<redacted>""#),
        "credentials redacted in --json"
    );
    assert!(json["timings"]["totalMs"].as_f64().unwrap() >= json["timings"]["firstByteMs"].as_f64().unwrap());
    assert_eq!(json["bodyEncoding"], "json", "a JSON answer is given as JSON");
    assert_eq!(json["body"]["method"], "POST", "so its fields can be read directly: {}", json["body"]);
    let recorded = server.requests().pop().unwrap();
    assert_eq!(recorded.body, br#"{"name":"from file"}"#);
    assert_eq!(recorded.header("content-type"), Some("application/json"));

    let size = 20 * 1024 * 1024;
    let out = env.cmd(&["request", "Echo", &format!("/bytes/{size}")]).output().unwrap();
    assert_eq!(out.stdout.len(), size, "large bodies stream to stdout whole");
}

#[test]
fn saved_queries_run() {
    let env = Env::new();
    let server = TestServer::http();
    env.import(&format!(r#"{{"name":"Echo","url":"{}"}}"#, server.base_url()));
    env.ok(&["query", "save", "Echo", "Create", "PUT", "/items/9", "-H", "X-A: 1", "-d", "plain text"]);
    assert!(env.ok(&["query", "list", "Echo"]).contains("Create  PUT  /items/9"));
    let listed: serde_json::Value = serde_json::from_str(&env.ok(&["query", "list", "Echo", "--json"])).unwrap();
    assert_eq!(listed[0]["body"]["type"], "raw");
    env.ok(&["query", "run", "Echo", "create"]);
    let recorded = server.requests().pop().unwrap();
    assert_eq!((recorded.method.as_str(), recorded.path.as_str()), ("PUT", "/items/9"));
    assert_eq!(recorded.body, b"plain text");
    assert_eq!(recorded.header("content-type"), Some("text/plain; charset=utf-8"));
    let out = env.run(&["query", "run", "Echo", "missing"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no saved query named `missing`"));
}

#[test]
fn exit_codes_separate_usage_errors_and_authorization() {
    let env = Env::new();
    assert_eq!(env.run(&["request"]).status.code(), Some(2), "missing arguments are a usage error");
    assert_eq!(env.run(&["frobnicate"]).status.code(), Some(2));
    env.import(r#"{"name":"E","url":"http://127.0.0.1:9"}"#);
    let out = env.run(&["request", "E", "/", "-H", "no colon"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("-H `no colon`"), "{}", stderr(&out));
    // Authorization code: without tokens only a person can help (client credentials would
    // fetch a token by themselves).
    env.import(r#"{"name":"O","url":"https://api.example.com","auth":{"type":"oauth2","grantType":"authorization_code","authorizationUrl":"https://id.example.com/authorize","accessTokenUrl":"https://id.example.com/token","clientId":"c","clientSecret":"s"}}"#);
    let out = env.run(&["request", "O", "/"]);
    assert_eq!(out.status.code(), Some(3), "an OAuth 2.0 datasource without tokens has its own exit code");
    assert!(stderr(&out).contains("not authorized"), "{}", stderr(&out));
}

#[test]
fn credentials_are_refused_for_other_origins() {
    let env = Env::new();
    let home = TestServer::http();
    let other = TestServer::http();
    env.import(&format!(r#"{{"name":"H","url":"{}","auth":{{"type":"bearer","token":"t"}}}}"#, home.base_url()));
    let out = env.run(&["request", "H", &format!("{}/x", other.base_url())]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("refused to send"), "{}", stderr(&out));
    assert_eq!(other.request_count(), 0);
}

#[test]
fn self_signed_https_works_through_the_cli() {
    let env = Env::new();
    let cert = openssl_self_signed("localhost");
    let server = TestServer::https(&cert);
    let json = serde_json::json!({"name": "Tls", "url": server.base_url(), "selfSignedCertificate": cert.cert_pem});
    env.import(&json.to_string());
    let out = env.run(&["request", "Tls", "/ok", "-i"]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("HTTP/1.1 200"), "{}", stderr(&out));
    env.import(&serde_json::json!({"name": "Plain", "url": server.base_url()}).to_string());
    let out = env.run(&["request", "Plain", "/ok"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("TLS") || stderr(&out).contains("certificate"), "{}", stderr(&out));
}

#[test]
fn bad_imports_name_the_problem_and_change_nothing() {
    let env = Env::new();
    let good = r#"{"name":"Good","url":"https://api.example.com","auth":{"type":"bearer","token":"keep-me"}}"#;
    assert!(env.import(good).status.success());
    let before = env.ok(&["datasource", "export", "Good", "--with-secrets"]);
    let cases = [
        ("{\"name\": \"Good\",", "not valid JSON (line 1"),
        (r#"{"name":"Good","url":"https://a.example","auth":{"type":"kerberos"}}"#, "unknown variant `kerberos`"),
        (r#"{"name":"Good","url":"api/v1"}"#, "url: `api/v1` is not a URL"),
        (
            r#"{"name":"Good","url":"https://a.example","selfSignedCertificate":"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"}"#,
            "selfSignedCertificate:",
        ),
        (r#"{"name":"","url":"https://a.example"}"#, "name: give the datasource a name"),
        (r#"{"name":"Good","url":"https://a.example","auth":{"type":"bearer"}}"#, "auth.token: enter the bearer token"),
    ];
    for (json, expected) in cases {
        let out = env.import(json);
        assert_eq!(out.status.code(), Some(1), "{json}");
        let message = stderr(&out);
        assert!(message.contains(expected), "{json}\n expected `{expected}` in: {message}");
        assert_eq!(message.trim().lines().count(), 1, "one line: {message}");
    }
    assert_eq!(env.ok(&["datasource", "export", "Good", "--with-secrets"]), before, "the good datasource is unchanged");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&env.ok(&["datasource", "list", "--json"]))
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn without_a_reachable_keyring_the_key_goes_to_a_private_file_and_this_is_said_once() {
    let env = Env::new();
    let run = || {
        let mut cmd = assert_cmd::Command::cargo_bin("latchkey").unwrap();
        cmd.arg("--data-dir").arg(env.data().join("data")).args(["datasource", "list"]);
        // No Secret Service on this bus: the real "keyring unreachable" path, not the switch.
        cmd.env_remove("LATCHKEY_KEYRING").env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus");
        cmd.output().unwrap()
    };
    let first = run();
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(stderr(&first).contains("no OS keyring is reachable"), "{}", stderr(&first));
    assert!(
        stderr(&first).contains("To use a keyring, start and unlock one"),
        "it says what to do: {}",
        stderr(&first)
    );
    assert!(!stderr(&first).contains("/nonexistent/bus"), "without the library's own message: {}", stderr(&first));
    let key = env.data().join("data/latchkey.key");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    let second = run();
    assert!(second.status.success());
    assert!(!stderr(&second).contains("keyring"), "said once only: {}", stderr(&second));
}

/// Marker secrets through every secret slot, requests run, then the data dir (database, WAL,
/// SHM), every stderr (our log), `show` and `export` are searched: no marker may appear.
#[test]
fn marker_secrets_never_leak() {
    let env = Env::new();
    let server = TestServer::http();
    let cert = openssl_self_signed("localhost");
    let tls = TestServer::https(&cert);
    let cert_marker: String = cert.cert_pem.lines().nth(3).unwrap().to_owned();
    let url = server.base_url();
    let datasources = [
        serde_json::json!({"name": "Basic", "url": url, "sendSignatureHeader": true, "signatureSecret": "MARK-sig-001",
            "auth": {"type": "basic", "username": "user", "password": "MARK-basic-002"}}),
        serde_json::json!({"name": "KeyHeader", "url": url, "auth": {"type": "apiKey", "key": "X-Key", "value": "MARK-key-003"}}),
        serde_json::json!({"name": "KeyQuery", "url": url, "auth": {"type": "apiKey", "key": "k", "value": "MARK-key-004", "addTo": "query"}}),
        serde_json::json!({"name": "Bearer", "url": url, "auth": {"type": "bearer", "token": "MARK-bearer-005"}}),
        serde_json::json!({"name": "OAuth", "url": url, "auth": {"type": "oauth2", "grantType": "password",
            "accessTokenUrl": "https://id.example.com/token", "clientId": "cid", "clientSecret": "MARK-client-006",
            "username": "owner", "password": "MARK-owner-007"}}),
        serde_json::json!({"name": "Tls", "url": tls.base_url(), "selfSignedCertificate": cert.cert_pem}),
    ];
    let mut markers: Vec<String> = (1..=7).map(|i| format!("-{i:03}")).collect();
    markers
        .iter_mut()
        .zip(["MARK-sig", "MARK-basic", "MARK-key", "MARK-key", "MARK-bearer", "MARK-client", "MARK-owner"])
        .for_each(|(m, p)| *m = format!("{p}{m}"));
    markers.push(cert_marker);

    // Hold a connection open the whole time, so the WAL survives each CLI process and is scanned.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let data_dir = latchkey_core::DataDir::at(env.data().join("data"));
    let held = runtime
        .block_on(latchkey_core::Store::open_with(&data_dir, latchkey_core::vault::key::KeyringUse::Off))
        .unwrap();

    let mut seen = String::new();
    let mut record = |out: Output, keep_stdout: bool| {
        seen.push_str(&String::from_utf8_lossy(&out.stderr));
        if keep_stdout {
            seen.push_str(&String::from_utf8_lossy(&out.stdout));
        }
    };
    for ds in &datasources {
        let name = ds["name"].as_str().unwrap();
        record(env.import(&ds.to_string()), true);
        record(env.run(&["datasource", "show", name]), true);
        record(env.run(&["datasource", "show", name, "--json"]), true);
        record(env.run(&["datasource", "export", name]), true);
        // /bytes answers without echoing the request, so stdout holds nothing the server repeated.
        record(env.run(&["request", name, "/bytes/16", "-i"]), true);
        record(env.run(&["request", name, "/status/401", "--json"]), false);
        record(env.run(&["request", name, "https://elsewhere.example/x"]), true);
    }
    record(env.run(&["datasource", "list", "--json"]), true);
    let received = server.requests().len();
    assert!(received >= 8, "requests were really sent ({received})");

    let json_views = env.run(&["request", "KeyQuery", "/bytes/1", "--json"]);
    let view: serde_json::Value = serde_json::from_slice(&json_views.stdout).unwrap();
    assert!(view["request"]["url"].as_str().unwrap().contains("k=<redacted>"), "{view}");
    record(json_views, true);

    for marker in &markers {
        assert!(!seen.contains(marker.as_str()), "marker {marker} leaked into command output");
    }
    assert_in_no_file(&env.data().join("data"), &markers, "marker");
    let names: Vec<String> = std::fs::read_dir(env.data().join("data"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().any(|n| n == "latchkey.db-wal"), "the WAL was scanned too: {names:?}");
    runtime.block_on(held.close());
}

#[test]
fn every_subcommand_explains_itself_with_examples() {
    let env = Env::new();
    let top = env.ok(&["--help"]);
    assert!(top.contains("credentials sealed in a local vault"), "the top says what Latchkey is: {top}");
    let leaves: &[&[&str]] = &[
        &["datasource", "list"],
        &["datasource", "show"],
        &["datasource", "import"],
        &["datasource", "export"],
        &["datasource", "delete"],
        &["datasource", "discover"],
        &["request"],
        &["query", "list"],
        &["query", "run"],
        &["query", "save"],
        &["query", "delete"],
        &["authorize"],
        &["token"],
        &["logout"],
        &["env", "list"],
        &["env", "show"],
        &["env", "create"],
        &["env", "delete"],
        &["env", "set"],
        &["env", "unset"],
        &["env", "import"],
        &["env", "export"],
    ];
    for leaf in leaves {
        let mut args = leaf.to_vec();
        args.push("--help");
        let help = env.ok(&args);
        assert!(help.contains("\nExample"), "`latchkey {}` --help ends with examples:\n{help}", leaf.join(" "));
        // Every argument and flag has its description: clap prints a bare name otherwise.
        let options = help.split("Options:").nth(1).unwrap_or("").split("\nExample").next().unwrap_or("");
        let arguments = help.split("Arguments:").nth(1).unwrap_or("").split("Options:").next().unwrap_or("");
        for line in options.lines().chain(arguments.lines()).filter(|l| l.starts_with("  ")) {
            let trimmed = line.trim();
            let described = trimmed.contains("  ") || !trimmed.starts_with(['-', '<', '[']);
            assert!(described, "`latchkey {}`: `{trimmed}` has no description", leaf.join(" "));
        }
    }
}

#[test]
fn show_prints_the_public_key_to_register_for_private_key_jwt() {
    let env = Env::new();
    let out = std::process::Command::new("openssl").args(["genpkey", "-algorithm", "ed25519"]).output().unwrap();
    let key = String::from_utf8(out.stdout).unwrap();
    let json = serde_json::json!({
        "name": "Machine",
        "url": "https://api.example.com",
        "auth": {
            "type": "oauth2",
            "grantType": "client_credentials",
            "accessTokenUrl": "https://id.example.com/token",
            "clientId": "c",
            "clientAuthentication": "private_key_jwt",
            "clientAssertionKey": key,
            "clientAssertionKid": "k1",
        }
    });
    env.import(&json.to_string());
    let shown = env.ok(&["datasource", "show", "Machine"]);
    assert!(shown.contains("public key to register (private_key_jwt):"), "{shown}");
    assert!(shown.contains(r#""clientAssertionKey": "<set>""#), "the key is masked: {shown}");
    let shown_json: serde_json::Value =
        serde_json::from_str(&env.ok(&["datasource", "show", "Machine", "--json"])).unwrap();
    let jwk = &shown_json["publicKeyToRegister"];
    assert_eq!(
        (jwk["kty"].as_str(), jwk["crv"].as_str(), jwk["kid"].as_str()),
        (Some("OKP"), Some("Ed25519"), Some("k1"))
    );
    assert!(jwk.get("d").is_none(), "the public key only: {jwk}");
    for text in [shown, shown_json.to_string()] {
        assert!(!text.contains("PRIVATE KEY") && !text.contains(&key[40..70]), "the private key is never shown");
    }
}
