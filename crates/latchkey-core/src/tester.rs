//! One run of the request tester: send a request through a datasource in an environment (its
//! OAuth tokens kept alive by the lifecycle) and record the outcome in the datasource's
//! history, failures too. Variables are resolved by `http::prepare`, for the request sent and
//! for the one recorded alike.

use std::time::SystemTime;

use crate::http::{execute, Response, SendOptions, Transport};
use crate::model::{Datasource, HistoryEntry, RequestSpec};
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

/// Sends `spec` through `datasource` — as the store's `datasource_in` gives it: its
/// configuration, variables and tokens in one environment — and records the run. Secret
/// variable values are `<redacted>` in the history entry.
///
/// # Errors
/// Only storage errors; request failures are in [`Run::outcome`] (an unknown variable in the
/// request is [`Error::Invalid`] there, with nothing sent and no history entry).
pub async fn run(
    lifecycle: &TokenLifecycle,
    transport: &Transport,
    datasource: &Datasource,
    spec: &RequestSpec,
    query_name: Option<&str>,
    options: &SendOptions,
) -> Result<Run> {
    let outcome = execute(transport, datasource, spec, lifecycle, options).await;
    let message = outcome.as_ref().err().map(ToString::to_string);
    let record = match &outcome {
        Ok(response) => Some((response.sent.clone(), Some(response.status), response.timings.total_ms, response.size)),
        // Invalid input is shown under its field; it was never sent, so it is no run.
        Err(Error::Invalid(_)) => None,
        // What would have been sent, as far as it is known without a token.
        Err(_) => {
            let token = crate::Secret::new(crate::http::REDACTED);
            crate::http::prepare(datasource, spec, Some(&token), SystemTime::now())
                .ok()
                .map(|prepared| (prepared.redacted(), None, 0.0, 0))
        }
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
