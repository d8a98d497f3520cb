//! Commands of the request tester: send (cancellable), history, save a body, Copy as cURL.
//! The last few response bodies stay here so "Save to file" can copy a body the UI only saw
//! a preview of.
//!
//! No command here hands the page a secret or takes a path from it: body files arrive as
//! handles of files the person picked (`files`), "Save to file" asks for the path in a save
//! dialog, and Copy as cURL with secrets goes from here straight to the clipboard.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use latchkey_core::error::ErrorPayload;
use latchkey_core::http::{prepare_with, ResponseBody, ResponseView, SendOptions, Transport};
use latchkey_core::model::{DatasourceId, EnvironmentId, HistoryEntry, RequestSpec};
use latchkey_core::{tester, Error};
use serde::Serialize;
use tauri::{AppHandle, State};
use tokio::sync::oneshot;
use ts_rs::TS;

use super::clipboard::SystemClipboard;
use super::files::{ask_save_path, PickedFiles};
use crate::OpenedStore;

/// How many response bodies are kept for "Save to file".
const KEPT_BODIES: usize = 8;

/// Requests in flight (to cancel) and the bodies of the last responses.
#[derive(Default)]
pub struct Requests {
    in_flight: Mutex<HashMap<String, oneshot::Sender<()>>>,
    bodies: Mutex<VecDeque<(String, ResponseBody)>>,
    transport: Transport,
}

/// Sends `request` through the datasource as it is in the environment `environment_id` (its
/// URL, variables and tokens) and records the run in its history.
#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn send_request(
    store: State<'_, OpenedStore>,
    requests: State<'_, Requests>,
    picked: State<'_, PickedFiles>,
    datasource_id: DatasourceId,
    environment_id: EnvironmentId,
    request: RequestSpec,
    request_id: String,
    query_name: Option<String>,
) -> Result<ResponseView, ErrorPayload> {
    let lifecycle = store.lifecycle()?;
    let request = picked.resolve(request)?;
    let (cancel, cancelled) = oneshot::channel();
    requests.in_flight.lock().expect("in-flight lock").insert(request_id.clone(), cancel);
    let options = SendOptions::default();
    let run = async {
        let datasource = lifecycle.store().datasource_in(&datasource_id, &environment_id).await?;
        tester::run(lifecycle, &requests.transport, &datasource, &request, query_name.as_deref(), &options).await
    };
    let run = tokio::select! {
        run = run => run,
        _ = cancelled => Err(Error::Cancelled),
    };
    requests.in_flight.lock().expect("in-flight lock").remove(&request_id);
    let run = run?;
    let response = run.outcome?;
    let history_id = run.entry.map(|e| e.id).unwrap_or_default();
    let view = ResponseView::new(&response, request_id.clone(), history_id)?;
    let mut bodies = requests.bodies.lock().expect("bodies lock");
    bodies.push_back((request_id, response.body));
    while bodies.len() > KEPT_BODIES {
        bodies.pop_front();
    }
    Ok(view)
}

/// Stops the request `request_id` if it is still running.
#[tauri::command]
pub fn cancel_request(requests: State<'_, Requests>, request_id: String) {
    if let Some(cancel) = requests.in_flight.lock().expect("in-flight lock").remove(&request_id) {
        let _ = cancel.send(());
    }
}

#[tauri::command]
pub async fn history(
    store: State<'_, OpenedStore>,
    datasource_id: DatasourceId,
    before: Option<i64>,
    limit: u32,
) -> Result<Vec<HistoryEntry>, ErrorPayload> {
    Ok(store.get()?.history(&datasource_id, before, limit).await?)
}

/// Asks where to save, in a save dialog with `file_name` suggested, and copies the whole body
/// of a response still kept there. The saved path, or `None` when the person cancelled.
#[tauri::command]
pub async fn save_response_body(
    app: AppHandle,
    requests: State<'_, Requests>,
    body_id: String,
    file_name: String,
) -> Result<Option<String>, ErrorPayload> {
    if !requests.bodies.lock().expect("bodies lock").iter().any(|(id, _)| *id == body_id) {
        return Err(gone().into());
    }
    let Some(path) = ask_save_path(&app, "Save the response body", &file_name).await else {
        return Ok(None);
    };
    let bodies = requests.bodies.lock().expect("bodies lock");
    let (_, body) = bodies.iter().find(|(id, _)| *id == body_id).ok_or_else(gone)?;
    body.save_to(&path)?;
    Ok(Some(path.display().to_string()))
}

fn gone() -> Error {
    Error::field("bodyId", "this response is no longer kept: send the request again to save it")
}

/// What Copy as cURL did: the command as the page may show it (secrets redacted, whatever was
/// copied) and whether the clipboard took it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CurlCopy {
    /// The command with every credential as `<redacted>`.
    pub redacted: String,
    /// Whether the clipboard holds the command (with secrets when they were asked for).
    pub copied: bool,
    /// The clipboard's reason when it could not be written.
    pub clipboard_problem: Option<String>,
}

/// Puts a curl command line for `request` (through the datasource as it is in the environment
/// `environment_id`) on the clipboard, with the datasource's secrets when `include_secrets`, and
/// answers with the redacted command only.
#[tauri::command]
pub async fn copy_curl_command(
    store: State<'_, OpenedStore>,
    picked: State<'_, PickedFiles>,
    clipboard: State<'_, SystemClipboard>,
    datasource_id: DatasourceId,
    environment_id: EnvironmentId,
    request: RequestSpec,
    include_secrets: bool,
) -> Result<CurlCopy, ErrorPayload> {
    let lifecycle = store.lifecycle()?;
    let request = picked.resolve(request)?;
    let datasource = lifecycle.store().datasource_in(&datasource_id, &environment_id).await?;
    let prepared = prepare_with(&datasource, &request, lifecycle).await?;
    let redacted = prepared.curl_command();
    let written = if include_secrets {
        clipboard.write_secret(&prepared.curl_command_with_secrets())
    } else {
        clipboard.write(&redacted)
    };
    Ok(CurlCopy { redacted, copied: written.is_ok(), clipboard_problem: written.err() })
}
