//! OAuth 2.0 through the `latchkey` binary against a real provider: `oidc-provider` from npm on
//! 127.0.0.1 (tests/oauth/provider.mjs), with headless Chromium as the system browser giving
//! consent on the provider's own pages (tests/oauth/browser.sh).

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{assert_in_no_file, stderr, Env};
use latchkey_testkit::oidc::{consent_browser, BASIC_CLIENT, POST_CLIENT};
use latchkey_testkit::OidcProvider;

/// A client-credentials datasource on `provider`, its endpoints found by discovery on import.
fn client_credentials(name: &str, provider: &OidcProvider, client: (&str, &str), authentication: &str) -> String {
    serde_json::json!({
        "name": name,
        "url": provider.issuer(),
        "auth": {
            "type": "oauth2",
            "grantType": "client_credentials",
            "issuer": provider.issuer(),
            "clientId": client.0,
            "clientSecret": client.1,
            "clientAuthentication": authentication,
            "scopes": "api:read, api:write",
        }
    })
    .to_string()
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Runs `latchkey authorize NAME` with headless Chromium as `$BROWSER`; the browser's account of
/// what it saw is returned with the output.
fn authorize(env: &Env, name: &str, consent: &str) -> (std::process::Output, String) {
    let log = env.data().join(format!("browser-{name}.log"));
    let out = env
        .cmd(&["authorize", name, "--timeout", "90"])
        .env("BROWSER", consent_browser())
        .env("LATCHKEY_TEST_CONSENT", consent)
        .env("LATCHKEY_TEST_BROWSER_LOG", &log)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    // The browser is not waited for by the CLI: give it a moment to write its log.
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen = String::new();
    while Instant::now() < deadline {
        seen = std::fs::read_to_string(&log).unwrap_or_default();
        if seen.contains("page:") || seen.contains("error:") {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    (out, seen)
}

#[test]
fn client_credentials_with_basic_and_post_client_authentication() {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let env = Env::new();
    for (name, client, authentication) in [("Basic", BASIC_CLIENT, "basic_header"), ("Post", POST_CLIENT, "body")] {
        let out = env.import(&client_credentials(name, &provider, client, authentication));
        assert!(out.status.success(), "{}", stderr(&out));
        let shown = json(&env.ok(&["datasource", "show", name, "--json"]));
        assert_eq!(shown["auth"]["accessTokenUrl"], provider.url("/token"), "discovery filled the Token URL");
        assert_eq!(shown["auth"]["revocationUrl"], provider.url("/token/revocation"));

        // `authorize` on a direct grant is Nected's "test token fetch".
        let out = env.run(&["authorize", name]);
        assert!(out.status.success(), "{}", stderr(&out));
        let line = stderr(&out);
        let line = line.lines().find(|l| l.starts_with("Authorized")).unwrap_or_default();
        assert!(line.starts_with(&format!("Authorized `{name}` · expires in ")), "one clean line: {line}");
        assert!(line.ends_with("refresh token: no") && !line.contains(": authorized"), "{line}");
        let state = json(&env.ok(&["token", name, "--json"]));
        assert_eq!(state["status"], "authorized");
        assert_eq!(state["scopes"], serde_json::json!(["api:read", "api:write"]), "scopes sent space-separated");

        let whoami = json(&env.ok(&["request", name, "/api/whoami"]));
        assert_eq!(whoami["clientId"], client.0, "the API saw this client's token");
    }
    assert_eq!(provider.calls("token:client_credentials"), 2, "one token call per datasource");
    assert_eq!(provider.errors(), Vec::<(String, String)>::new());

    // A wrong secret is the provider's invalid_client, explained, and nothing is stored.
    let out = env.import(&client_credentials("Wrong", &provider, (BASIC_CLIENT.0, "not the secret"), "basic_header"));
    assert!(out.status.success(), "{}", stderr(&out));
    let out = env.run(&["authorize", "Wrong"]);
    assert_eq!(out.status.code(), Some(1));
    let message = stderr(&out);
    assert!(message.contains("invalid_client") && message.contains("Client ID"), "{message}");
    assert!(!message.contains("not the secret"), "the secret stays out of the message: {message}");
    assert_eq!(json(&env.ok(&["token", "Wrong", "--json"]))["status"], "not_authorized");
}

#[test]
fn authorization_code_with_pkce_refresh_rotation_and_logout() {
    let provider = OidcProvider::start(Duration::from_secs(4));
    let env = Env::new();
    let out = env.import(&common::authorization_code("Native", &provider));
    assert!(out.status.success(), "{}", stderr(&out));

    let (out, browser) = authorize(&env, "Native", "allow");
    assert!(out.status.success(), "authorize failed: {}\nbrowser: {browser}", stderr(&out));
    let printed = stderr(&out);
    assert!(printed.contains("Redirect URL (register it with the provider): http://127.0.0.1:"), "{printed}");
    assert!(printed.contains("code_challenge_method=S256"), "PKCE is on: {printed}");
    assert!(browser.contains("callback: code=true"), "{browser}");
    assert!(browser.contains("You can close this tab"), "the browser was told it is done: {browser}");

    let state = json(&env.ok(&["token", "Native", "--json"]));
    assert_eq!(state["status"], "authorized");
    assert_eq!(state["hasRefreshToken"], true);
    assert!(state["scopes"].as_array().unwrap().iter().any(|s| s == "offline_access"), "{state}");
    let whoami = json(&env.ok(&["request", "Native", "/api/whoami"]));
    assert_eq!(whoami["accountId"], "alice", "the person who consented");

    // The access token is sealed: it appears nowhere in the data directory.
    let token = env.ok(&["token", "Native", "--reveal"]).trim().to_owned();
    assert!(token.len() > 20);
    assert_in_no_file(&env.data().join("data"), std::slice::from_ref(&token), "the access token");

    // Two refreshes, each after the token is due (4 s lifetime: due at 2 s). The provider rotates
    // the refresh token and refuses a spent one, so the second works only if the first's rotated
    // token was stored.
    for round in 1..=2u64 {
        std::thread::sleep(Duration::from_millis(2_300));
        let whoami = json(&env.ok(&["request", "Native", "/api/whoami"]));
        assert_eq!(whoami["accountId"], "alice");
        assert_eq!(provider.calls("token:refresh_token"), round, "refresh {round} happened");
    }
    let fresh = env.ok(&["token", "Native", "--reveal"]).trim().to_owned();
    assert_ne!(fresh, token, "a refreshed access token");
    assert_eq!(provider.errors(), Vec::<(String, String)>::new(), "no spent refresh token was ever sent");

    // Every token and code the provider issued (3 access and 3 refresh tokens, the code) and the
    // PKCE verifier: none is in the data directory in plain text.
    let issued = provider.issued();
    assert!(issued.len() >= 8, "{} issued values", issued.len());
    assert!(issued.contains(&fresh), "the provider's list has the live access token");
    assert_in_no_file(&env.data().join("data"), &issued, "issued value");

    let out = env.run(&["logout", "Native"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("revoked at the provider: refresh_token, access_token"), "{}", stderr(&out));
    assert_eq!(provider.calls("revocation"), 2);
    assert_eq!(json(&env.ok(&["token", "Native", "--json"]))["status"], "not_authorized");
    let out = env.run(&["request", "Native", "/api/whoami"]);
    assert_eq!(out.status.code(), Some(3), "authorize again: {}", stderr(&out));
}

#[test]
fn denied_consent_ends_the_attempt_and_stores_nothing() {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let env = Env::new();
    env.import(&common::authorization_code("Denied", &provider));
    let (out, browser) = authorize(&env, "Denied", "deny");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("access_denied"), "{}", stderr(&out));
    assert!(browser.contains("error=access_denied"), "{browser}");
    assert_eq!(json(&env.ok(&["token", "Denied", "--json"]))["status"], "not_authorized");
    assert_eq!(provider.calls("token:authorization_code"), 0, "no code, no token call");
}

#[test]
fn without_a_browser_the_url_is_printed_for_a_person_to_open() {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let env = Env::new();
    env.import(&common::authorization_code("Printed", &provider));
    let mut child = env
        .process(&["authorize", "Printed", "--no-browser", "--timeout", "90"])
        .env("BROWSER", "/bin/false") // must not be used
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let url = lines
        .by_ref()
        .take(10)
        .map(Result::unwrap)
        .find(|l| l.starts_with(&provider.url("/auth?")))
        .expect("the authorization URL is printed");
    assert!(url.contains("state=") && url.contains("code_challenge="), "{url}");
    // The person opens it.
    let opened = Command::new(consent_browser()).arg(&url).status().unwrap();
    assert!(opened.success());
    let rest: Vec<String> = lines.map(Result::unwrap).collect();
    assert!(child.wait().unwrap().success(), "{rest:?}");
    assert!(rest.iter().any(|l| l.starts_with("Authorized `Printed`")), "{rest:?}");
}

#[test]
fn processes_sharing_a_data_dir_refresh_once_after_expiry() {
    let provider = OidcProvider::start(Duration::from_secs(4));
    let env = Env::new();
    env.import(&common::authorization_code("Shared", &provider));
    let (out, browser) = authorize(&env, "Shared", "allow");
    assert!(out.status.success(), "{}\n{browser}", stderr(&out));
    std::thread::sleep(Duration::from_millis(2_300)); // due for refresh

    let children: Vec<_> = (0..8)
        .map(|_| {
            env.process(&["request", "Shared", "/api/whoami"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(json(&String::from_utf8_lossy(&out.stdout))["accountId"], "alice");
    }
    assert_eq!(provider.calls("token:refresh_token"), 1, "eight processes, one refresh");
    assert_eq!(provider.errors(), Vec::<(String, String)>::new(), "no invalid_grant from a spent token");
}

#[test]
fn discover_prints_the_providers_endpoints() {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let env = Env::new();
    let found = json(&env.ok(&["datasource", "discover", provider.issuer()]));
    assert_eq!(found["issuer"], provider.issuer());
    assert_eq!(found["authorizationUrl"], provider.url("/auth"));
    assert_eq!(found["accessTokenUrl"], provider.url("/token"));
    assert_eq!(found["revocationUrl"], provider.url("/token/revocation"));
}

/// Sends `GET target` to the loopback listener at `redirect_uri` and returns the answer.
fn loopback_get(redirect_uri: &str, target: &str) -> String {
    use std::io::{Read, Write};
    let authority = redirect_uri.trim_start_matches("http://").trim_end_matches("/callback");
    let mut stream = std::net::TcpStream::connect(authority).expect("the listener is up");
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(stream, "GET {target} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn a_forged_callback_is_ignored_with_one_warning_and_the_real_one_authorizes() {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let env = Env::new();
    env.import(&common::authorization_code("Forged", &provider));
    let mut child = env
        .process(&["authorize", "Forged", "--no-browser", "--timeout", "90"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines().map(Result::unwrap);
    let mut redirect = None;
    let url = lines
        .by_ref()
        .take(10)
        .inspect(|l| {
            if let Some(uri) = l.strip_prefix("Redirect URL (register it with the provider): ") {
                redirect = Some(uri.to_owned());
            }
        })
        .find(|l| l.starts_with(&provider.url("/auth?")))
        .expect("the authorization URL is printed");
    let redirect = redirect.expect("the Redirect URL is printed");
    // Someone who does not know the state sends a callback first: it must not end the attempt.
    let answer = loopback_get(&redirect, "/callback?code=forged&state=guessed");
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("not for the current attempt"), "the browser is told why: {answer}");
    let waiting = lines.by_ref().find(|l| !l.starts_with("Waiting for the provider")).unwrap();
    assert!(
        waiting.starts_with("latchkey: warning: ignored a callback whose `state` is not this attempt's"),
        "one warning line for the forged callback: {waiting}"
    );
    let log = env.data().join("browser-forged.log");
    let opened = Command::new(consent_browser()).arg(&url).env("LATCHKEY_TEST_BROWSER_LOG", &log).status().unwrap();
    assert!(opened.success());
    let rest: Vec<String> = lines.collect();
    assert!(child.wait().unwrap().success(), "the real callback still completes: {rest:?}");
    // RFC 9207 with the real provider: its callback names the issuer, which matched.
    let seen = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(seen.contains(&format!("callback iss: {}", provider.issuer())), "{seen}");
    assert!(rest.iter().any(|l| l.starts_with("Authorized `Forged`")), "{rest:?}");
    assert!(!rest.iter().any(|l| l.contains("warning")), "no other callback was ignored: {rest:?}");
    assert_eq!(provider.calls("token:authorization_code"), 1, "only the real code was exchanged");
}

#[test]
fn a_callback_that_never_comes_ends_naming_the_redirect_url_to_register() {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let env = Env::new();
    env.import(&common::authorization_code("Silent", &provider));
    // Nobody opens the URL: as when the provider shows a redirect URI mismatch page.
    let out = env.run(&["authorize", "Silent", "--no-browser", "--timeout", "1"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let printed = stderr(&out);
    let redirect = printed
        .lines()
        .find_map(|l| l.strip_prefix("Redirect URL (register it with the provider): "))
        .expect("the Redirect URL is printed first");
    let failure = printed.lines().last().unwrap_or_default();
    assert!(failure.contains("redirect URI mismatch"), "the likely cause is named: {failure}");
    assert!(failure.contains(redirect), "the Redirect URL to register is repeated: {failure}");
    assert!(!failure.contains("sooner"), "{failure}");
}

#[test]
fn logout_without_a_revocation_url_says_the_tokens_were_not_revoked() {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let env = Env::new();
    // Endpoints given, no Issuer: nothing discovers a Revocation URL.
    let local = serde_json::json!({
        "name": "Local",
        "url": provider.issuer(),
        "auth": {
            "type": "oauth2",
            "grantType": "client_credentials",
            "accessTokenUrl": provider.url("/token"),
            "clientId": POST_CLIENT.0,
            "clientSecret": POST_CLIENT.1,
            "clientAuthentication": "body",
        }
    });
    let out = env.import(&local.to_string());
    assert!(out.status.success(), "{}", stderr(&out));
    env.ok(&["authorize", "Local"]);
    let out = env.run(&["logout", "Local"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let printed = stderr(&out);
    assert!(printed.contains("Forgot the tokens of `Local` locally"), "{printed}");
    assert!(printed.contains("not revoked at the provider (the datasource has no Revocation URL)"), "{printed}");
    assert_eq!(provider.calls("revocation"), 0);
    assert_eq!(json(&env.ok(&["token", "Local", "--json"]))["status"], "not_authorized");
}
