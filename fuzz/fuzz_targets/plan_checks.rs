//! What the import targets (curl, openapi, postman, insomnia) check of a plan or an error besides
//! "no panic"; each includes this file with `#[path = "plan_checks.rs"] mod plan_checks;`.

use latchkey_core::import::ImportPlan;

/// A plan serializes, shows `canary` (a secret the input carried; `None` when it carried none)
/// neither in its JSON nor in its Debug, and its datasources validate as a save would, apart
/// from what they list as needing setup.
pub fn plan(plan: &ImportPlan, canary: Option<&str>) {
    let shown = serde_json::to_string(plan).expect("a plan serializes");
    if let Some(canary) = canary {
        assert!(!shown.contains(canary), "the plan shows a secret: {shown}");
        assert!(!format!("{plan:?}").contains(canary), "the plan's Debug shows a secret");
    }
    for ds in &plan.datasources {
        let errors = ds.config.validate().err().unwrap_or_default();
        let setup: Vec<&str> = ds.needs_setup.iter().map(|e| e.field.as_str()).collect();
        assert!(
            errors.iter().all(|e| setup.contains(&e.field.as_str())),
            "a planned datasource does not validate: {errors:?}"
        );
    }
}

/// An import's outcome: an error never repeats `canary`; a plan is checked by [`plan`].
#[allow(dead_code)] // the openapi target has no secret to look for
pub fn outcome(result: &latchkey_core::Result<ImportPlan>, canary: &str) {
    match result {
        Err(err) => {
            let message = err.to_string();
            assert!(!message.contains(canary), "an error repeats a secret: {message}");
        }
        Ok(made) => plan(made, Some(canary)),
    }
}
