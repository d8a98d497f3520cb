//! The `queries` table: saved requests of a datasource, named uniquely within it.

use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use super::{new_id, now_millis, Store};
use crate::model::{RequestSpec, SavedQuery};
use crate::{Error, FieldError, Result};

const COLUMNS: &str = "q.id, q.datasource_id, q.name, q.request, q.created_at, q.updated_at";

impl Store {
    /// Saves `request` as `name` in the datasource, replacing a query of that name.
    ///
    /// # Errors
    /// [`Error::DatasourceNotFound`]; [`Error::Invalid`] for an empty name or a bad request.
    pub async fn save_query(&self, datasource: &str, name: &str, request: RequestSpec) -> Result<SavedQuery> {
        let mut errors = request.validate().err().unwrap_or_default();
        if name.trim().is_empty() {
            errors.insert(0, FieldError::new("name", "give the query a name"));
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let datasource_id: String =
            sqlx::query_scalar("SELECT id FROM datasources WHERE id = ?1 OR name = ?1 COLLATE NOCASE")
                .bind(datasource)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| Error::DatasourceNotFound(datasource.to_owned()))?;
        let now = now_millis();
        let json = serde_json::to_string(&request).expect("a request always serializes");
        sqlx::query(
            "INSERT INTO queries (id, datasource_id, name, request, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) \
             ON CONFLICT (datasource_id, name) DO UPDATE SET request = excluded.request, updated_at = excluded.updated_at",
        )
        .bind(new_id("q"))
        .bind(&datasource_id)
        .bind(name.trim())
        .bind(&json)
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.query(datasource, name.trim()).await
    }

    /// The saved queries of a datasource, by name.
    pub async fn queries(&self, datasource: &str) -> Result<Vec<SavedQuery>> {
        let datasource_id = self.datasource(datasource).await?.id;
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM queries q WHERE q.datasource_id = ? ORDER BY q.name"))
            .bind(&datasource_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(from_row).collect()
    }

    /// One saved query by name (case-insensitive).
    ///
    /// # Errors
    /// [`Error::DatasourceNotFound`], [`Error::QueryNotFound`].
    pub async fn query(&self, datasource: &str, name: &str) -> Result<SavedQuery> {
        let datasource_id = self.datasource(datasource).await?.id;
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM queries q WHERE q.datasource_id = ? AND q.name = ? COLLATE NOCASE"
        ))
        .bind(&datasource_id)
        .bind(name)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| Error::QueryNotFound { datasource: datasource.to_owned(), query: name.to_owned() })?;
        from_row(&row)
    }

    /// Deletes a saved query.
    ///
    /// # Errors
    /// [`Error::DatasourceNotFound`], [`Error::QueryNotFound`].
    pub async fn delete_query(&self, datasource: &str, name: &str) -> Result<()> {
        let query = self.query(datasource, name).await?;
        sqlx::query("DELETE FROM queries WHERE id = ?").bind(&query.id).execute(&self.pool).await?;
        Ok(())
    }

    /// Renames the saved query `from` to `to`.
    ///
    /// # Errors
    /// [`Error::QueryNotFound`]; [`Error::Invalid`] on `name` when `to` is empty or taken.
    pub async fn rename_query(&self, datasource: &str, from: &str, to: &str) -> Result<SavedQuery> {
        let query = self.query(datasource, from).await?;
        let to = to.trim();
        if to.is_empty() {
            return Err(Error::Invalid(vec![FieldError::new("name", "give the query a name")]));
        }
        let taken = self.query(datasource, to).await.ok().filter(|other| other.id != query.id);
        if taken.is_some() {
            return Err(Error::Invalid(vec![FieldError::new(
                "name",
                format!("a query named `{to}` already exists here: choose another name"),
            )]));
        }
        sqlx::query("UPDATE queries SET name = ?, updated_at = ? WHERE id = ?")
            .bind(to)
            .bind(now_millis())
            .bind(&query.id)
            .execute(&self.pool)
            .await?;
        self.query(datasource, to).await
    }
}

fn from_row(row: &SqliteRow) -> Result<SavedQuery> {
    let request: RequestSpec = serde_json::from_str(row.get("request"))
        .map_err(|e| Error::Format(format!("stored query `{}` is unreadable: {e}", row.get::<String, _>("name"))))?;
    Ok(SavedQuery {
        id: row.get("id"),
        datasource_id: row.get("datasource_id"),
        name: row.get("name"),
        request,
        created_at: row.get("created_at"),
        updated_at: row.get("updated_at"),
    })
}
