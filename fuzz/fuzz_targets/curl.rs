//! cURL import: `latchkey_core::import::plan` with `--format curl` on any text, and format
//! detection.
//!
//! Checked besides "no panic":
//! - a credential from the input never appears in an error message nor in the plan as shown
//!   (its JSON): the input is a well-formed command carrying the canary token, followed by the
//!   fuzzed text, so whatever the text does the canary stays a credential's value;
//! - a plan that is made validates as a save would (the plan checks it), and serializes;
//! - the same text pasted into the tester (`import::curl::request_from_command`) never gives
//!   the request the canary either (credentials are not copied into requests).
#![no_main]

use latchkey_core::import::{self, curl, Format, Source};
use latchkey_core::model::DatasourceConfig;
use libfuzzer_sys::fuzz_target;

#[path = "plan_checks.rs"]
mod plan_checks;

const CANARY: &str = "SECRETCANARY7f3";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = Format::detect(&text);
    let _ = import::plan(Source { name: "fuzz", text: &text }, Some(Format::Curl), &[]);

    let with_secret =
        format!("curl https://api.example.com/ -H 'Authorization: Bearer {CANARY}' -u 'ann:{CANARY}'\n{text}");
    let datasource =
        DatasourceConfig { name: "api".into(), url: "https://api.example.com/v1".into(), ..Default::default() };
    let _ = curl::request_from_command(&text, &datasource);
    match curl::request_from_command(&with_secret, &datasource) {
        Err(err) => assert!(!err.to_string().contains(CANARY), "an error repeats a credential: {err}"),
        Ok(pasted) => {
            let json = serde_json::to_string(&pasted).expect("a pasted request serializes");
            assert!(!json.contains(CANARY), "a pasted request carries a credential: {json}");
        }
    }
    plan_checks::outcome(&import::plan(Source { name: "fuzz", text: &with_secret }, Some(Format::Curl), &[]), CANARY);
});
