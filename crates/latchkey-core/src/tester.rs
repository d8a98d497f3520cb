//! One run of the request tester: send a request through a datasource (its OAuth tokens kept
//! alive by the lifecycle) and record the outcome in the datasource's history, failures too.

use crate::http::{execute, Response, SendOptions, Transport};
use crate::model::{DatasourceId, HistoryEntry, RequestSpec};
use crate::oauth::TokenLifecycle;
use crate::store::NewHistoryEntry;
use crate::{Error, Result};

/// What a run produced: the response, or the error; the history entry either way (when the
/// request got as far as being built).
#[derive(Debug)]
pub struct Run {
    pub outcome: Result<Response>,
    pub entry: Option<HistoryEntry>,
}

/// Sends `spec` through the datasource `id` and records the run.
///
/// # Errors
/// Only storage errors and an unknown datasource; request failures are in [`Run::outcome`].
pub async fn run(
    lifecycle: &TokenLifecycle,
    transport: &Transport,
    id: &DatasourceId,
    spec: &RequestSpec,
    query_name: Option<&str>,
    options: &SendOptions,
) -> Result<Run> {
    let datasource = lifecycle.store().datasource_with_secrets(id).await?;
    let outcome = execute(transport, &datasource, spec, lifecycle, options).await;
    let message = outcome.as_ref().err().map(ToString::to_string);
    let record = match &outcome {
        Ok(response) => Some((response.sent.clone(), Some(response.status), response.timings.total_ms, response.size)),
        // Invalid input is shown under its field; it was never sent, so it is no run.
        Err(Error::Invalid(_)) => None,
        // What would have been sent, as far as it is known without a token.
        Err(_) => crate::http::prepare(&datasource, spec, Some(&crate::Secret::new(crate::http::REDACTED)))
            .ok()
            .map(|prepared| (prepared.redacted(), None, 0.0, 0)),
    };
    let entry = match record {
        Some((sent, status, total_ms, size)) => {
            let entry = NewHistoryEntry { query_name, sent: &sent, status, error: message.as_deref(), total_ms, size };
            Some(lifecycle.store().record_history(&datasource.id, entry).await?)
        }
        None => None,
    };
    Ok(Run { outcome, entry })
}
