//! Runs of the request tester, as the history list shows them.

use serde::Serialize;
use ts_rs::TS;

use crate::http::SentRequest;

/// One run of the request tester, newest first in listings. Only the redacted request is kept.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub id: String,
    pub datasource_id: super::DatasourceId,
    /// The saved query that was run, if any.
    pub query_name: Option<String>,
    #[ts(type = "number")]
    pub created_at: i64,
    pub method: String,
    pub url: String,
    /// The HTTP status, or `null` when no response came (see `error`).
    pub status: Option<u16>,
    pub error: Option<String>,
    pub total_ms: f64,
    #[ts(type = "number")]
    pub size: u64,
    pub sent: SentRequest,
}
