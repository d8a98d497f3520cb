//! Insomnia import: `latchkey_core::import::plan` with `--format insomnia` on any text (an
//! export in format 4 as JSON or YAML, or anything else), and format detection.
//!
//! Checked besides "no panic" (parent loops, deep folders, variables referring to each other,
//! odd YAML keys):
//! - a credential from the input never appears in an error message nor in the plan as shown
//!   (its JSON): when the text is a JSON object, a request whose bearer token is the canary is
//!   added to its `resources` (or a `resources` list holding it), so whatever else the text
//!   holds the canary stays a credential's value;
//! - a plan that is made validates as a save would (the plan checks it), and serializes.
#![no_main]

use latchkey_core::import::{self, Format, Source};
use libfuzzer_sys::fuzz_target;

#[path = "plan_checks.rs"]
mod plan_checks;
use serde_json::{json, Value};

const CANARY: &str = "SECRETCANARY7f3";

fn check(text: &str) {
    plan_checks::outcome(&import::plan(Source { name: "fuzz", text }, Some(Format::Insomnia), &[]), CANARY);
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = Format::detect(&text);
    let _ = import::plan(Source { name: "fuzz", text: &text }, Some(Format::Insomnia), &[]);

    let canary = json!({"_id": "req_canary", "_type": "request", "parentId": "wrk_canary", "name": "canary",
        "url": "https://canary.example/x", "authentication": {"type": "bearer", "token": CANARY}});
    let mut root = match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(map)) => Value::Object(map),
        _ => json!({"_type": "export", "__export_format": 4}),
    };
    match root.get_mut("resources") {
        Some(Value::Array(resources)) => resources.push(canary),
        _ => root["resources"] = json!([canary]),
    }
    check(&root.to_string());
});
