//! Commands of the Import view and of a curl command pasted into the tester. Planning, storing
//! and reading the command are the core's (`import::plan_discovering`, `Store::apply_import`,
//! `import::curl::request_from_command`); this reads the input and hands the results over.
//!
//! The input is a file the person picked in a dialog opened here (a `PickedFiles` handle, never
//! a path from the page) or text they pasted. Importing plans the same input again in the core
//! rather than taking a plan back from the page, and refuses when that plan is not the one that
//! was reviewed (the file changed on disk, a datasource it joins was created or renamed
//! meanwhile): what is stored is exactly what the person saw. The plan crosses to the page with
//! its secrets as `{"set": true}` markers and counted by field name.

use std::hash::{DefaultHasher, Hash, Hasher};

use latchkey_core::error::ErrorPayload;
use latchkey_core::http::Transport;
use latchkey_core::import::curl::{self, PastedRequest};
use latchkey_core::import::{self, Format, ImportPlan, Source};
use latchkey_core::model::{DatasourceId, EnvironmentId};
use latchkey_core::store::AppliedImport;
use latchkey_core::{Error, Store};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};
use ts_rs::TS;

use super::files::{pick_file, PickedFile, PickedFiles};
use crate::OpenedStore;

/// What to import: a picked file, or pasted text.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ImportSource {
    /// A file chosen with Choose file…, by its handle.
    File { handle: String },
    /// A cURL command, a collection or an OpenAPI description, pasted.
    Text { text: String },
}

/// A plan to show before anything is stored, and the fingerprint `apply_import` checks.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReviewedImport {
    pub plan: ImportPlan,
    /// Names this plan within this run of the app; importing refuses a plan that differs.
    pub fingerprint: String,
}

/// The name errors and the plan call pasted text by.
const PASTED: &str = "pasted text";

/// The most an input may hold; a description of a thousand operations is a few MB.
const MAX_INPUT: u64 = 64 * 1024 * 1024;

/// The input's name and text.
fn read(source: &ImportSource, picked: &PickedFiles) -> Result<(String, String), Error> {
    match source {
        ImportSource::Text { text } => Ok((PASTED.to_owned(), text.clone())),
        ImportSource::File { handle } => {
            let path = picked.path(handle)?;
            let name = path.display().to_string();
            let size = std::fs::metadata(&path).map_err(|source| Error::Io { path: name.clone(), source })?.len();
            if size > MAX_INPUT {
                return Err(Error::Format(format!("{name}: the file is larger than 64 MiB: import a smaller one")));
            }
            let bytes = std::fs::read(&path).map_err(|source| Error::Io { path: name.clone(), source })?;
            let text = String::from_utf8(bytes)
                .map_err(|_| Error::Format(format!("{name}: the file is not UTF-8 text: save it as UTF-8")))?;
            Ok((name, text))
        }
    }
}

/// The plan of `source` as `format` (detected when `None`), OpenID issuers discovered.
async fn plan_of(
    store: &Store,
    picked: &PickedFiles,
    source: &ImportSource,
    format: Option<&str>,
) -> Result<ImportPlan, Error> {
    let (name, text) = read(source, picked)?;
    let format = format.filter(|f| !f.trim().is_empty()).map(Format::parse).transpose()?;
    let existing = store.list_datasources().await?;
    import::plan_discovering(Source { name: &name, text: &text }, format, &existing, &Transport::new()).await
}

/// The plan's fingerprint: a hash of what the page was shown (secrets as markers).
fn fingerprint(plan: &ImportPlan) -> String {
    let mut hasher = DefaultHasher::new();
    serde_json::to_string(plan).expect("a plan serializes").hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

/// Opens the system's file dialog for a file to import; `None` when cancelled.
#[tauri::command]
pub async fn pick_import_file(
    app: AppHandle,
    picked: State<'_, PickedFiles>,
    title: String,
) -> Result<Option<PickedFile>, ErrorPayload> {
    Ok(pick_file(&app, &picked, title).await)
}

/// What importing `source` would store, and what it drops; stores nothing.
#[tauri::command]
pub async fn plan_import(
    store: State<'_, OpenedStore>,
    picked: State<'_, PickedFiles>,
    source: ImportSource,
    format: Option<String>,
) -> Result<ReviewedImport, ErrorPayload> {
    let plan = plan_of(store.get()?, &picked, &source, format.as_deref()).await?;
    Ok(ReviewedImport { fingerprint: fingerprint(&plan), plan })
}

/// Plans `source` again and stores it in one transaction, when the plan is still the one
/// reviewed (`fingerprint`); nothing is stored otherwise.
#[tauri::command]
pub async fn apply_import(
    store: State<'_, OpenedStore>,
    picked: State<'_, PickedFiles>,
    source: ImportSource,
    format: Option<String>,
    fingerprint: String,
) -> Result<AppliedImport, ErrorPayload> {
    let store = store.get()?;
    let plan = plan_of(store, &picked, &source, format.as_deref()).await?;
    if self::fingerprint(&plan) != fingerprint {
        return Err(Error::field(
            "source",
            "the import changed since it was reviewed (the file, or the datasources it joins): review it again",
        )
        .into());
    }
    Ok(store.apply_import(&plan).await?)
}

/// A curl command pasted into the tester as a request through datasource `datasource_id` (as it
/// is in environment `environment_id`): never with the command's credentials.
#[tauri::command]
pub async fn request_from_curl(
    store: State<'_, OpenedStore>,
    datasource_id: DatasourceId,
    environment_id: EnvironmentId,
    text: String,
) -> Result<PastedRequest, ErrorPayload> {
    let datasource = store.get()?.datasource_in(&datasource_id, &environment_id).await?;
    Ok(curl::request_from_command(&text, &datasource.config)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_crosses_to_the_page_without_its_secrets_and_changes_its_fingerprint() {
        let text = "curl https://api.example.com/v1/me -H 'Authorization: Bearer tok-secret-123'";
        let plan = import::plan(Source { name: PASTED, text }, None, &[]).unwrap();
        let reviewed = ReviewedImport { fingerprint: fingerprint(&plan), plan: plan.clone() };
        let json = serde_json::to_string(&reviewed).unwrap();
        assert!(!json.contains("tok-secret-123"), "no secret crosses IPC: {json}");
        assert!(json.contains(r#""token":{"set":true}"#), "the secret is a marker: {json}");
        assert!(json.contains(r#""secrets":["auth.token"]"#), "and counted by name: {json}");
        assert_eq!(fingerprint(&plan), reviewed.fingerprint, "the same plan, the same fingerprint");

        let other = import::plan(Source { name: PASTED, text: &text.replace("/me", "/you") }, None, &[]).unwrap();
        assert_ne!(fingerprint(&other), reviewed.fingerprint, "a changed plan is told apart");
    }

    #[test]
    fn pasted_text_is_read_and_a_handle_not_picked_is_refused() {
        let picked = PickedFiles::default();
        let (name, text) = read(&ImportSource::Text { text: "curl x".into() }, &picked).unwrap();
        assert_eq!((name.as_str(), text.as_str()), (PASTED, "curl x"));
        let err = read(&ImportSource::File { handle: "/etc/passwd".into() }, &picked).unwrap_err();
        assert!(err.to_string().contains("Choose file"), "{err}");
        assert!(!err.to_string().contains("/etc/passwd"), "the page's text is not quoted: {err}");

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("api.sh");
        std::fs::write(&path, "curl https://a.example/").unwrap();
        let file = picked.add(path.clone());
        let (name, text) = read(&ImportSource::File { handle: file.handle }, &picked).unwrap();
        assert_eq!(name, path.display().to_string(), "errors name the file");
        assert_eq!(text, "curl https://a.example/");
        std::fs::write(&path, [0xff, 0xfe, 0x00]).unwrap();
        let err = read(&ImportSource::File { handle: picked.add(path).handle }, &picked).unwrap_err();
        assert!(err.to_string().contains("not UTF-8"), "{err}");
    }
}
