//! Commands of the request tester: send (cancellable), history, save a body, Copy as cURL.
//! The last few response bodies stay here so "Save to file" can copy a body the UI only saw
//! a preview of.

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::Mutex;

use latchkey_core::error::ErrorPayload;
use latchkey_core::http::{prepare_with, ResponseBody, ResponseView, SendOptions, Transport};
use latchkey_core::model::{HistoryEntry, RequestSpec};
use latchkey_core::{tester, Error};
use tauri::State;
use tokio::sync::oneshot;

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

/// Sends `request` through the datasource and records the run in its history.
#[tauri::command]
pub async fn send_request(
    store: State<'_, OpenedStore>,
    requests: State<'_, Requests>,
    datasource_id: String,
    request: RequestSpec,
    request_id: String,
    query_name: Option<String>,
) -> Result<ResponseView, ErrorPayload> {
    let lifecycle = store.lifecycle()?;
    let (cancel, cancelled) = oneshot::channel();
    requests.in_flight.lock().expect("in-flight lock").insert(request_id.clone(), cancel);
    let options = SendOptions::default();
    let run = tester::run(lifecycle, &requests.transport, &datasource_id, &request, query_name.as_deref(), &options);
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
    datasource_id: String,
    before: Option<i64>,
    limit: u32,
) -> Result<Vec<HistoryEntry>, ErrorPayload> {
    Ok(store.get()?.history(&datasource_id, before, limit).await?)
}

/// Copies the whole body of a response still kept to `path`.
#[tauri::command]
pub fn save_response_body(requests: State<'_, Requests>, body_id: String, path: PathBuf) -> Result<(), ErrorPayload> {
    let bodies = requests.bodies.lock().expect("bodies lock");
    let (_, body) = bodies.iter().find(|(id, _)| *id == body_id).ok_or_else(|| {
        ErrorPayload::from(Error::field("bodyId", "this response is no longer kept: send the request again to save it"))
    })?;
    Ok(body.save_to(&path)?)
}

/// A curl command line for `request`; secrets redacted unless `reveal_secrets`.
#[tauri::command]
pub async fn curl_command(
    store: State<'_, OpenedStore>,
    datasource_id: String,
    request: RequestSpec,
    reveal_secrets: bool,
) -> Result<String, ErrorPayload> {
    let lifecycle = store.lifecycle()?;
    let datasource = lifecycle.store().datasource_with_secrets(&datasource_id).await?;
    Ok(prepare_with(&datasource, &request, lifecycle).await?.curl_command(reveal_secrets))
}
