//! Importing what people arrive with (a cURL command line, a Postman collection or environment,
//! an Insomnia export, an OpenAPI description, Latchkey's own JSON) as an [`ImportPlan`]: the datasources
//! to create or join, their saved queries, environments, how authentication was mapped, the
//! secrets carried (counted by field, never shown) and those still to enter ("needs setup"), and
//! everything dropped with the reason.
//!
//! A plan is computed without writing anything: a pure function of the input and the store's
//! existing datasources. `Store::apply_import` then stores it in one transaction, so nothing is
//! stored when any part is refused. Each format has its own module (`curl`, `latchkey`,
//! `openapi`, `postman`, `insomnia`) with a `plan(source, existing) -> Result<ImportPlan>`;
//! what belongs here is only what every format shares.

pub mod curl;
pub mod insomnia;
pub mod latchkey;
mod lean;
pub mod openapi;
pub mod postman;

use serde::Serialize;
use ts_rs::TS;

use crate::model::{DatasourceConfig, DatasourceId, DatasourceSummary, EnvironmentConfig, RequestSpec};
use crate::{Error, FieldError, Result};

/// The formats `latchkey import` knows (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Curl,
    Postman,
    Insomnia,
    Openapi,
    Latchkey,
}

impl Format {
    pub const ALL: [Format; 5] = [Format::Curl, Format::Postman, Format::Insomnia, Format::Openapi, Format::Latchkey];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Curl => "curl",
            Format::Postman => "postman",
            Format::Insomnia => "insomnia",
            Format::Openapi => "openapi",
            Format::Latchkey => "latchkey",
        }
    }

    /// The format named `name` (`curl|postman|insomnia|openapi|latchkey`, any case).
    ///
    /// # Errors
    /// [`Error::Invalid`] on `format` listing the known ones.
    pub fn parse(name: &str) -> Result<Format> {
        Format::ALL.into_iter().find(|f| f.as_str().eq_ignore_ascii_case(name.trim())).ok_or_else(|| {
            Error::field("format", "unknown format: use curl, postman, insomnia, openapi or latchkey".to_owned())
        })
    }

    /// What the text is, from its first words or its JSON/YAML keys; `None` when it is none
    /// of them.
    pub fn detect(text: &str) -> Option<Format> {
        let first = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("//") && !l.starts_with("REM "));
        let first = first?;
        let word = first.trim_start_matches("$ ").split_whitespace().next().unwrap_or_default();
        if matches!(word.to_ascii_lowercase().as_str(), "curl" | "curl.exe") {
            return Some(Format::Curl);
        }
        // Only the top-level keys that name a format are kept: a large description is not
        // held twice in memory to be told apart.
        if let Ok(serde_json::Value::Object(map)) = lean::json(text, detected_part) {
            let has = |key: &str| map.contains_key(key);
            if has("openapi") || has("swagger") {
                return Some(Format::Openapi);
            }
            if has("__export_format") || map.get("_type").and_then(|v| v.as_str()) == Some("export") {
                return Some(Format::Insomnia);
            }
            let schema = map.get("info").and_then(|i| i.get("schema")).and_then(|s| s.as_str()).unwrap_or_default();
            let postman_id = map.get("info").and_then(|i| i.get("_postman_id")).is_some();
            if schema.contains("getpostman.com") || postman_id || has("_postman_variable_scope") {
                return Some(Format::Postman);
            }
            return Some(Format::Latchkey);
        }
        // YAML: the top-level keys that name a format.
        for line in text.lines() {
            if line.starts_with("openapi:") || line.starts_with("swagger:") {
                return Some(Format::Openapi);
            }
            if line.starts_with("_type: export")
                || line.starts_with("__export_format:")
                || (line.starts_with("type: ") && line.contains(".insomnia.rest/"))
            {
                return Some(Format::Insomnia);
            }
        }
        None
    }
}

/// The members of a JSON document that tell its format.
fn detected_part(path: &[String], key: &str) -> lean::Part {
    match (path.len(), key) {
        (0, "openapi" | "swagger" | "__export_format" | "_type" | "_postman_variable_scope") => lean::Part::Keep,
        (0, "info") => lean::Part::Only(&["schema", "_postman_id"]),
        (1, "schema" | "_postman_id") => lean::Part::Keep,
        _ => lean::Part::Skip,
    }
}

/// The input of an import: its text and the name errors call it by (a file path, or
/// `standard input`).
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

/// What an import would store, and what it leaves out. Secret values are in the configs (they
/// serialize as `{"set": true}` only) so that applying the plan can seal them.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportPlan {
    /// The file's name as given (`standard input` for `-`).
    pub source: String,
    pub format: Format,
    pub datasources: Vec<PlannedDatasource>,
    pub environments: Vec<PlannedEnvironment>,
    /// Everything in the input that is not imported, with why.
    pub dropped: Vec<Dropped>,
}

/// What a planned datasource does to the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum DatasourceAction {
    /// A new datasource.
    Create,
    /// An existing datasource on the same origin gets the queries (and its authentication, when
    /// it had none and `setsAuth` is on); the rest of its configuration stays.
    Join,
    /// The existing datasource of the same name is replaced by `config` (Latchkey's own
    /// format); a kept secret follows the destination rule.
    Replace,
}

/// One datasource of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlannedDatasource {
    pub action: DatasourceAction,
    /// The existing datasource joined or replaced.
    pub existing_id: Option<DatasourceId>,
    /// The configuration stored (for `join`: the URL and the authentication found).
    pub config: DatasourceConfig,
    /// For `join`: whether the existing datasource's authentication is set from `config`.
    pub sets_auth: bool,
    pub queries: Vec<PlannedQuery>,
    /// How the input's credentials became the authentication, in a sentence.
    pub auth_mapping: String,
    /// The secret fields that carry a value from the input (sealed on import), by name.
    pub secrets: Vec<String>,
    /// The secret fields its authentication needs that the input did not give: stored as
    /// "needs setup", each with what to enter.
    pub needs_setup: Vec<FieldError>,
    /// Where in the input it comes from (a line, a request name, a JSON pointer).
    pub item: String,
}

/// A saved query of a planned datasource.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlannedQuery {
    pub name: String,
    /// The folder or group it came from (a Postman folder path `A/B`, an OpenAPI operation's
    /// first tag), stored as the query's group; `None` keeps the group of a query it replaces.
    pub group: Option<String>,
    pub request: RequestSpec,
    pub item: String,
}

/// An environment of a plan, with its variables.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlannedEnvironment {
    pub config: EnvironmentConfig,
    pub item: String,
}

/// Something of the input that is not imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Dropped {
    /// Where: a line, a request name, a JSON pointer.
    pub item: String,
    /// What: an option, a header name, a script (never a value).
    pub what: String,
    pub reason: String,
}

impl ImportPlan {
    /// How many secrets the plan carries.
    pub fn secret_count(&self) -> usize {
        self.datasources.iter().map(|d| d.secrets.len()).sum()
    }

    pub fn query_count(&self) -> usize {
        self.datasources.iter().map(|d| d.queries.len()).sum()
    }
}

/// Plans the import of `source` as `format` (detected when `None`) next to `existing`.
///
/// # Errors
/// [`Error::Format`] when the format cannot be told or is not supported yet, or the input does
/// not read; [`Error::Invalid`] naming the file, the item and the fix for each refused part.
pub fn plan(source: Source<'_>, format: Option<Format>, existing: &[DatasourceSummary]) -> Result<ImportPlan> {
    let plan = unchecked_plan(source, format, existing)?;
    plan.validate(source.name)?;
    Ok(plan)
}

/// [`plan`], with the empty OAuth 2.0 endpoints of each datasource that names an `issuer`
/// filled by discovery before the plan is checked (what `latchkey import` does; discovery is
/// the one step that reads the network, so the pure [`plan`] leaves it out).
///
/// # Errors
/// As [`plan`], and [`crate::oauth::discovery::fill_datasource_from_issuer`]'s.
pub async fn plan_discovering(
    source: Source<'_>,
    format: Option<Format>,
    existing: &[DatasourceSummary],
    transport: &crate::http::Transport,
) -> Result<ImportPlan> {
    let mut plan = unchecked_plan(source, format, existing)?;
    for ds in &mut plan.datasources {
        if ds.action != DatasourceAction::Join {
            crate::oauth::discovery::fill_datasource_from_issuer(transport, &mut ds.config).await?;
        }
    }
    plan.validate(source.name)?;
    Ok(plan)
}

fn unchecked_plan(source: Source<'_>, format: Option<Format>, existing: &[DatasourceSummary]) -> Result<ImportPlan> {
    let format = match format {
        Some(format) => format,
        None => Format::detect(source.text).ok_or_else(|| {
            Error::Format(format!(
                "{}: cannot tell what this is (not a curl command, nor JSON or YAML of a known format): \
                 name it with --format curl|postman|insomnia|openapi|latchkey",
                source.name
            ))
        })?,
    };
    let plan = match format {
        Format::Curl => curl::plan(source, existing)?,
        Format::Latchkey => latchkey::plan(source, existing)?,
        Format::Openapi => openapi::plan(source, existing)?,
        Format::Postman => postman::plan(source, existing)?,
        Format::Insomnia => insomnia::plan(source, existing)?,
    };
    Ok(plan)
}

impl ImportPlan {
    /// Checks every planned datasource and query as a save would (a missing required secret is
    /// "needs setup", not an error). Each error names the file, the item and the field.
    fn validate(&self, file: &str) -> Result<()> {
        let mut errors = Vec::new();
        for ds in &self.datasources {
            if ds.action != DatasourceAction::Join {
                if let Err(found) = ds.config.validate() {
                    let setup: Vec<&str> = ds.needs_setup.iter().map(|e| e.field.as_str()).collect();
                    for e in found.into_iter().filter(|e| !setup.contains(&e.field.as_str())) {
                        errors.push(FieldError::new(format!("{file}, {}: {}", ds.item, e.field), e.message));
                    }
                }
            }
            for q in &ds.queries {
                if let Err(found) = q.request.validate() {
                    for e in found {
                        errors.push(FieldError::new(format!("{file}, {}: {}", q.item, e.field), e.message));
                    }
                }
            }
        }
        for env in &self.environments {
            if let Err(found) = env.config.validate() {
                for e in found {
                    errors.push(FieldError::new(format!("{file}, {}: {}", env.item, e.field), e.message));
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid(errors))
        }
    }
}

/// A name not taken by `existing` (case-insensitively) nor by `also`: `base`, else `base 2`, …
pub(crate) fn free_name(base: &str, existing: &[DatasourceSummary], also: &[&str]) -> String {
    let taken = |name: &str| {
        existing.iter().any(|d| d.name.eq_ignore_ascii_case(name)) || also.iter().any(|n| n.eq_ignore_ascii_case(name))
    };
    if !taken(base) {
        return base.to_owned();
    }
    (2..).map(|n| format!("{base} {n}")).find(|name| !taken(name)).expect("some number is free")
}

/// The origin (`https://host[:port]`) of a URL, for joining datasources; `None` when it is not
/// an absolute URL.
pub(crate) fn origin_of(raw: &str) -> Option<String> {
    url::Url::parse(raw.trim()).ok().filter(|u| u.has_host()).map(|u| u.origin().ascii_serialization())
}

/// The secret fields of `config` that hold a value.
pub(crate) fn carried_secrets(config: &DatasourceConfig) -> Vec<String> {
    let mut found: Vec<String> =
        config.secret_slots().into_iter().filter(|(_, f)| f.value().is_some()).map(|(s, _)| s.to_owned()).collect();
    for (env, overrides) in &config.environments {
        for (slot, field) in overrides.secret_slots() {
            if field.value().is_some() {
                found.push(format!("environments.{env}.{slot}"));
            }
        }
    }
    found
}

/// An existing datasource as the store lists it, for the formats' tests of joining.
#[cfg(test)]
pub(crate) fn listed(id: &str, name: &str, url: &str, auth_type: crate::model::AuthType) -> DatasourceSummary {
    DatasourceSummary {
        id: DatasourceId::new(id.to_owned()),
        name: name.into(),
        url: url.into(),
        auth_type,
        created_at: 0,
        updated_at: 0,
        token_status: None,
        token_expires_at: None,
        token_refresh_failing: None,
        needs_setup: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_detected_from_first_words_or_keys() {
        assert_eq!(Format::detect("# from the docs\ncurl https://a.example"), Some(Format::Curl));
        assert_eq!(Format::detect("$ curl -X POST https://a.example"), Some(Format::Curl));
        assert_eq!(Format::detect(r#"{"openapi":"3.1.0"}"#), Some(Format::Openapi));
        assert_eq!(Format::detect("swagger: '2.0'\ninfo: {}"), Some(Format::Openapi));
        assert_eq!(
            Format::detect(
                r#"{"info":{"schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}}"#
            ),
            Some(Format::Postman)
        );
        assert_eq!(Format::detect(r#"{"_type":"export","__export_format":4}"#), Some(Format::Insomnia));
        assert_eq!(Format::detect("_type: export\n__export_format: 4\n"), Some(Format::Insomnia));
        assert_eq!(Format::detect("type: collection.insomnia.rest/5.0\nname: x\n"), Some(Format::Insomnia));
        assert_eq!(Format::detect(r#"{"name":"x","url":"https://a.example"}"#), Some(Format::Latchkey));
        assert_eq!(Format::detect("wget https://a.example"), None);
        assert_eq!(Format::parse("CURL").unwrap(), Format::Curl);
        assert!(Format::parse("har").unwrap_err().to_string().contains("use curl, postman"));
    }

    #[test]
    fn other_formats_are_refused_as_not_yet_supported() {
        let err = plan(Source { name: "c.json", text: r#"{"_type":"export"}"# }, None, &[]).unwrap_err();
        assert!(err.to_string().contains("c.json, /__export_format: export format none is not read"), "{err}");
        let err = plan(Source { name: "x.txt", text: "hello" }, None, &[]).unwrap_err();
        assert!(err.to_string().contains("--format"), "{err}");
    }
}
