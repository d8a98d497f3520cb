//! OpenAPI import: `latchkey_core::import::plan` with `--format openapi` on any text (JSON or
//! YAML, OpenAPI 3 or Swagger 2.0), and format detection.
//!
//! Checked besides "no panic" (deep `$ref` chains, loops, odd YAML keys): a plan that is made
//! validates as a save would, apart from what it lists as needing setup, and serializes.
#![no_main]

use latchkey_core::import::{self, Format, Source};
use libfuzzer_sys::fuzz_target;

#[path = "plan_checks.rs"]
mod plan_checks;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = Format::detect(&text);
    if let Ok(plan) = import::plan(Source { name: "fuzz", text: &text }, Some(Format::Openapi), &[]) {
        plan_checks::plan(&plan, None);
    }
});
