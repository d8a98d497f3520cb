//! Latchkey's own datasource JSON (what `latchkey datasource export` writes) as an import plan:
//! one datasource that replaces the one of the same name, or is created. Discovery of an
//! issuer's endpoints is not done here (a plan is pure): `latchkey datasource import` does it.

use super::{carried_secrets, DatasourceAction, ImportPlan, PlannedDatasource, Source};
use crate::model::DatasourceSummary;
use crate::{Error, Result};

/// The plan of one datasource file.
///
/// # Errors
/// [`Error::Format`] naming the file, for text that is not a datasource.
pub fn plan(source: Source<'_>, existing: &[DatasourceSummary]) -> Result<ImportPlan> {
    let config = crate::transfer::parse_datasource(source.text).map_err(|e| match e {
        Error::Format(message) => Error::Format(format!("{}: {message}", source.name)),
        other => other,
    })?;
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
