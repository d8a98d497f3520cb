//! The `history` table: what the request tester sent and what came back, newest first.

use sqlx::Row;

use super::{new_id, now_millis, Store};
use crate::http::SentRequest;
use crate::model::{DatasourceId, DatasourceRef, HistoryEntry};
use crate::{Error, Result};

/// The outcome of one run, to record.
#[derive(Debug, Clone)]
pub struct NewHistoryEntry<'a> {
    pub query_name: Option<&'a str>,
    pub sent: &'a SentRequest,
    pub status: Option<u16>,
    pub error: Option<&'a str>,
    pub total_ms: f64,
    pub size: u64,
}

/// The most entries one history page holds.
pub const MAX_HISTORY_PAGE: u32 = 500;

impl Store {
    /// Records a run of the datasource `datasource_id`. Its `createdAt` is the time in
    /// milliseconds, moved on past the datasource's newest run when that is as new: unique per
    /// datasource, so paging by `createdAt` never skips runs recorded in the same millisecond.
    ///
    /// # Errors
    /// Storage errors.
    pub async fn record_history(
        &self,
        datasource_id: &DatasourceId,
        entry: NewHistoryEntry<'_>,
    ) -> Result<HistoryEntry> {
        let mut entry = HistoryEntry {
            id: new_id("h"),
            datasource_id: datasource_id.clone(),
            query_name: entry.query_name.map(str::to_owned),
            created_at: now_millis(),
            method: entry.sent.method.clone(),
            url: entry.sent.url.clone(),
            status: entry.status,
            error: entry.error.map(str::to_owned),
            total_ms: entry.total_ms,
            size: entry.size,
            sent: entry.sent.clone(),
        };
        // One statement, so a concurrent writer (the CLI beside the app) cannot take the same time.
        entry.created_at = sqlx::query_scalar(
            "INSERT INTO history (id, datasource_id, query_name, created_at, method, url, status, error, total_ms, size, sent) \
             VALUES (?1, ?2, ?3, MAX(?4, COALESCE((SELECT MAX(created_at) + 1 FROM history WHERE datasource_id = ?2), 0)), \
                     ?5, ?6, ?7, ?8, ?9, ?10, ?11) \
             RETURNING created_at",
        )
        .bind(&entry.id)
        .bind(&entry.datasource_id)
        .bind(&entry.query_name)
        .bind(entry.created_at)
        .bind(&entry.method)
        .bind(&entry.url)
        .bind(entry.status)
        .bind(&entry.error)
        .bind(entry.total_ms)
        .bind(i64::try_from(entry.size).unwrap_or(i64::MAX))
        .bind(serde_json::to_string(&entry.sent).expect("a sent request always serializes"))
        .fetch_one(&self.pool)
        .await?;
        Ok(entry)
    }

    /// Up to `limit` runs of the datasource `by`, newest first, older than `before`
    /// (a `createdAt`) when given.
    ///
    /// # Errors
    /// [`Error::DatasourceNotFound`], storage errors.
    pub async fn history<'a>(
        &self,
        by: impl Into<DatasourceRef<'a>>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<HistoryEntry>> {
        let datasource_id = self.datasource(by).await?.id;
        let rows = sqlx::query(
            "SELECT id, datasource_id, query_name, created_at, method, url, status, error, total_ms, size, sent \
             FROM history WHERE datasource_id = ? AND created_at < ? ORDER BY created_at DESC LIMIT ?",
        )
        .bind(&datasource_id)
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit.clamp(1, MAX_HISTORY_PAGE))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(HistoryEntry {
                    id: row.get("id"),
                    datasource_id: row.get("datasource_id"),
                    query_name: row.get("query_name"),
                    created_at: row.get("created_at"),
                    method: row.get("method"),
                    url: row.get("url"),
                    status: row.get::<Option<u16>, _>("status"),
                    error: row.get("error"),
                    total_ms: row.get("total_ms"),
                    size: u64::try_from(row.get::<i64, _>("size")).unwrap_or(0),
                    sent: serde_json::from_str(row.get("sent"))
                        .map_err(|e| Error::Format(format!("stored history entry: {e}")))?,
                })
            })
            .collect()
    }
}
