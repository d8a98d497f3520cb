//! Postman import: `latchkey_core::import::plan` with `--format postman` on any text
//! (collections v2.0/v2.1, environment files), and format detection.
//!
//! Checked besides "no panic" (deep folders, odd URL objects, auth rows of any shape):
//! - a secret from the input never appears in an error message nor in the plan as shown (its
//!   JSON): when the text is a JSON object, the collection's auth (bearer, basic, API key or
//!   OAuth 2.0 as v2.1 rows or a v2.0 object, chosen by the first byte) and a secret variable
//!   carry the canary, so whatever else the text holds the canary stays a secret's value;
//! - a plan that is made validates as a save would (but for needs setup), and serializes.
#![no_main]

use latchkey_core::import::{self, Format, Source};
use libfuzzer_sys::fuzz_target;

#[path = "plan_checks.rs"]
mod plan_checks;
use serde_json::{json, Value};

const CANARY: &str = "SECRETCANARY9p1";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).replace(CANARY, "");
    let _ = Format::detect(&text);
    if let Ok(plan) = import::plan(Source { name: "fuzz", text: &text }, Some(Format::Postman), &[]) {
        plan_checks::plan(&plan, Some(CANARY));
    }
    let Ok(Value::Object(mut root)) = serde_json::from_str::<Value>(&text) else { return };
    let auth = match data.first().copied().unwrap_or_default() % 5 {
        0 => json!({"type": "bearer", "bearer": [{"key": "token", "value": CANARY}]}),
        1 => json!({"type": "basic", "basic": {"username": "ann", "password": CANARY}}),
        2 => json!({"type": "apikey", "apikey": [{"key": "key", "value": "X-Key"}, {"key": "value", "value": CANARY}]}),
        3 => json!({"type": "oauth2", "oauth2": [{"key": "grant_type", "value": "client_credentials"},
            {"key": "accessTokenUrl", "value": "https://id.example/token"}, {"key": "clientId", "value": "c"},
            {"key": "clientSecret", "value": CANARY}, {"key": "accessToken", "value": CANARY}]}),
        _ => json!({"type": "oauth2", "oauth2": {"accessToken": CANARY, "addTokenTo": "queryParams"}}),
    };
    root.insert("auth".to_owned(), auth);
    let secret_var = json!({"key": "canary", "value": CANARY, "type": "secret"});
    match root.get_mut("variable") {
        Some(Value::Array(vars)) => vars.push(secret_var),
        _ => {
            root.insert("variable".to_owned(), json!([secret_var]));
        }
    }
    if let Some(Value::Array(values)) = root.get_mut("values") {
        values.push(json!({"key": "canary2", "value": CANARY, "type": "secret", "enabled": true}));
    }
    let with_secret = Value::Object(root).to_string();
    plan_checks::outcome(
        &import::plan(Source { name: "fuzz", text: &with_secret }, Some(Format::Postman), &[]),
        CANARY,
    );
});
