//! The device authorization grant (RFC 8628) through the `latchkey` binary against the real
//! `oidc-provider` (tests/oauth/provider.mjs with `features.deviceFlow`): the code and the page
//! read from what `latchkey authorize --no-browser` prints, the code confirmed in headless
//! Chromium (tests/oauth/device_consent.mjs).

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{assert_in_no_file, Env};
use latchkey_testkit::oidc::{device_consent_browser, DEVICE_CLIENT, DEVICE_TOKEN_CALLS};
use latchkey_testkit::OidcProvider;

fn device_datasource(name: &str, provider: &OidcProvider) -> String {
    provider.device_datasource(name, DEVICE_CLIENT, serde_json::json!({})).to_string()
}

/// Starts `latchkey authorize NAME --no-browser` and reads its block up to the waiting line:
/// the process, the rest of its stderr, the user code and the page with the code filled in.
fn start(env: &Env, name: &str) -> (std::process::Child, impl Iterator<Item = String>, String, String) {
    let mut child = env
        .process(&["authorize", name, "--no-browser"])
        .env("BROWSER", "/bin/false") // must not be used
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines().map(Result::unwrap);
    let block: Vec<String> = lines.by_ref().take_while(|l| !l.starts_with("Waiting for the code")).take(12).collect();
    let code = block
        .iter()
        .find_map(|l| l.strip_prefix("    ").map(str::to_owned))
        .unwrap_or_else(|| panic!("the code is printed on a line of its own: {block:?}"));
    let page = block
        .iter()
        .find_map(|l| l.strip_prefix("(or open ").and_then(|l| l.split_once(',')).map(|(url, _)| url.to_owned()))
        .unwrap_or_else(|| panic!("the page with the code is printed: {block:?}"));
    assert!(block.iter().any(|l| l.contains(&provider_page(&page))), "the verification page is named: {block:?}");
    assert!(!block.iter().any(|l| l.starts_with("Opened the browser")), "--no-browser: {block:?}");
    (child, lines, code, page)
}

/// The verification page without its query.
fn provider_page(page: &str) -> String {
    page.split('?').next().unwrap_or_default().to_owned()
}

#[test]
fn the_printed_code_is_confirmed_in_the_browser_and_the_tokens_refresh_afterwards() {
    let provider = OidcProvider::start(Duration::from_secs(2));
    let env = Env::new();
    env.import(&device_datasource("TV", &provider));
    let (mut child, lines, code, page) = start(&env, "TV");
    assert!(page.contains(&format!("user_code={code}")), "{page}");
    // The person opens the page on "another device".
    let opened = Command::new(device_consent_browser()).arg(&page).status().unwrap();
    assert!(opened.success());
    let rest: Vec<String> = lines.collect();
    assert!(child.wait().unwrap().success(), "{rest:?}");
    let last = rest.last().cloned().unwrap_or_default();
    assert!(last.starts_with("Authorized `TV` · ") && last.contains("refresh token: yes"), "{rest:?}");
    assert!(provider.client_calls(DEVICE_CLIENT, DEVICE_TOKEN_CALLS) >= 1);
    // The device code and the tokens are neither printed nor stored in plaintext.
    let issued = provider.issued();
    assert!(!issued.is_empty());
    for value in &issued {
        assert!(!rest.iter().any(|l| l.contains(value.as_str())), "an issued value was printed: {rest:?}");
    }
    assert_in_no_file(env.data(), &issued, "an issued device code or token");

    // The access token lives 2 s: once it is due, `token --reveal` refreshes with the refresh token.
    std::thread::sleep(Duration::from_millis(1_500));
    let token = env.ok(&["token", "TV", "--reveal"]);
    assert!(!token.trim().is_empty());
    assert_eq!(provider.client_calls(DEVICE_CLIENT, "token:refresh_token"), 1, "{}", provider.stats());
}

#[test]
fn ctrl_c_while_waiting_stores_nothing() {
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let env = Env::new();
    env.import(&device_datasource("TV", &provider));
    let (mut child, _lines, _code, _page) = start(&env, "TV");
    let interrupted = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(interrupted.success());
    let status = child.wait().unwrap();
    assert!(!status.success(), "interrupted: {status:?}");
    let state = env.ok(&["token", "TV"]);
    assert!(state.contains("not authorized"), "nothing was stored: {state}");
}
