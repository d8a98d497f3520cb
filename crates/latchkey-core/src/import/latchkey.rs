//! Latchkey's own JSON as an import plan: a datasource (what `latchkey datasource export`
//! writes), which replaces the one of the same name or is created, or an environment (what
//! `latchkey env export` writes: `variables` and no `url`), likewise. Discovery of an issuer's
//! endpoints is not done here (a plan is pure): `import::plan_discovering` adds it.

use super::{carried_secrets, DatasourceAction, ImportPlan, PlannedDatasource, Source};
use crate::model::DatasourceSummary;
use crate::{Error, Result};

/// The plan of one datasource file.
///
/// # Errors
/// [`Error::Format`] naming the file, for text that is not a datasource.
pub fn plan(source: Source<'_>, existing: &[DatasourceSummary]) -> Result<ImportPlan> {
    if is_environment(source.text) {
        let config = crate::transfer::parse_environment(source.text).map_err(|e| in_file(source.name, e))?;
        return Ok(ImportPlan {
            source: source.name.to_owned(),
            format: super::Format::Latchkey,
            datasources: Vec::new(),
            environments: vec![super::PlannedEnvironment { config, item: "/".to_owned() }],
            dropped: Vec::new(),
        });
    }
    let config = crate::transfer::parse_datasource(source.text).map_err(|e| in_file(source.name, e))?;
    let same = existing.iter().find(|d| d.name.eq_ignore_ascii_case(&config.name));
    let datasource = PlannedDatasource {
        action: if same.is_some() { DatasourceAction::Replace } else { DatasourceAction::Create },
        existing_id: same.map(|d| d.id.clone()),
        sets_auth: true,
        queries: Vec::new(),
        auth_mapping: format!("{} authentication, as in the file", config.auth.kind().as_str()),
        secrets: carried_secrets(&config),
        needs_setup: config.missing_secrets(),
        item: "/".to_owned(),
        config,
    };
    Ok(ImportPlan {
        source: source.name.to_owned(),
        format: super::Format::Latchkey,
        datasources: vec![datasource],
        environments: Vec::new(),
        dropped: Vec::new(),
    })
}

/// Whether the JSON is an environment: `variables` and neither `url` nor `auth`.
fn is_environment(text: &str) -> bool {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(text) else { return false };
    map.contains_key("variables") && !map.contains_key("url") && !map.contains_key("auth")
}

fn in_file(name: &str, e: Error) -> Error {
    match e {
        Error::Format(message) => Error::Format(format!("{name}: {message}")),
        other => other,
    }
}
