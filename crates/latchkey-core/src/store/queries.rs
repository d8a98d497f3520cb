//! The `queries` table: saved requests of a datasource, named uniquely within it.

use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};

use super::{new_id, now_millis, Store};
use crate::model::{DatasourceId, DatasourceRef, RequestSpec, SavedQuery};
use crate::{Error, FieldError, Result};

pub(super) const COLUMNS: &str = "q.id, q.datasource_id, q.name, q.group_name, q.request, q.created_at, q.updated_at";

impl Store {
    /// Saves `request` as `name` in the datasource, replacing a query of that name (whose group
    /// stays: a save names no group).
    ///
    /// # Errors
    /// [`Error::DatasourceNotFound`]; [`Error::Invalid`] for an empty name or a bad request.
    pub async fn save_query<'a>(
        &self,
        datasource: impl Into<DatasourceRef<'a>>,
        name: &str,
        request: RequestSpec,
    ) -> Result<SavedQuery> {
        self.save_query_as(datasource, None, name, request).await
    }

    /// Saves `request` as `name`; with `previous` (another name), the query of that name is
    /// renamed and changed in the same transaction, so a rejected save (a bad request, a taken
    /// name) changes nothing, not even the name.
    ///
    /// # Errors
    /// [`Error::DatasourceNotFound`], [`Error::QueryNotFound`] for `previous`; [`Error::Invalid`]
    /// for an empty or taken name or a bad request.
    pub async fn save_query_as<'a>(
        &self,
        datasource: impl Into<DatasourceRef<'a>>,
        previous: Option<&str>,
        name: &str,
        request: RequestSpec,
    ) -> Result<SavedQuery> {
        let datasource = datasource.into();
        let name = name.trim();
        let mut errors = request.validate().err().unwrap_or_default();
        if name.is_empty() {
            errors.insert(0, FieldError::new("name", "give the query a name"));
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let datasource_id = datasource_id(&mut tx, datasource).await?;
        let now = now_millis();
        let json = serde_json::to_string(&request).expect("a request always serializes");
        let renamed = previous.map(str::trim).filter(|p| !p.eq_ignore_ascii_case(name));
        let id = match renamed {
            Some(previous) => {
                let query = find(&mut tx, &datasource_id, datasource, previous).await?;
                if find(&mut tx, &datasource_id, datasource, name).await.is_ok() {
                    return Err(Error::Invalid(vec![FieldError::new(
                        "name",
                        format!("a query named `{name}` already exists here: choose another name"),
                    )]));
                }
                sqlx::query("UPDATE queries SET name = ?, request = ?, updated_at = ? WHERE id = ?")
                    .bind(name)
                    .bind(&json)
                    .bind(now)
                    .bind(&query.id)
                    .execute(&mut *tx)
                    .await?;
                query.id
            }
            None => put(&mut tx, &datasource_id, name, None, &request).await?,
        };
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM queries q WHERE q.id = ?"))
            .bind(&id)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        from_row(&row)
    }

    /// The saved queries of a datasource, by name.
    ///
    /// # Errors
    /// [`Error::DatasourceNotFound`], storage errors.
    pub async fn queries<'a>(&self, datasource: impl Into<DatasourceRef<'a>>) -> Result<Vec<SavedQuery>> {
        let mut conn = self.pool.acquire().await?;
        let datasource_id = datasource_id(&mut conn, datasource.into()).await?;
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM queries q WHERE q.datasource_id = ? ORDER BY q.name"))
            .bind(&datasource_id)
            .fetch_all(&mut *conn)
            .await?;
        rows.iter().map(from_row).collect()
    }

    /// One saved query by name (case-insensitive).
    ///
    /// # Errors
    /// [`Error::DatasourceNotFound`], [`Error::QueryNotFound`].
    pub async fn query<'a>(&self, datasource: impl Into<DatasourceRef<'a>>, name: &str) -> Result<SavedQuery> {
        let datasource = datasource.into();
        let mut conn = self.pool.acquire().await?;
        let datasource_id = datasource_id(&mut conn, datasource).await?;
        find(&mut conn, &datasource_id, datasource, name).await
    }

    /// Deletes a saved query.
    ///
    /// # Errors
    /// [`Error::DatasourceNotFound`], [`Error::QueryNotFound`].
    pub async fn delete_query<'a>(&self, datasource: impl Into<DatasourceRef<'a>>, name: &str) -> Result<()> {
        let query = self.query(datasource, name).await?;
        sqlx::query("DELETE FROM queries WHERE id = ?").bind(&query.id).execute(&self.pool).await?;
        Ok(())
    }
}

/// Stores `request` as `name` (already checked) in the datasource, replacing a query of that
/// name; returns its id. A `group` given replaces the stored one; `None` keeps it.
pub(super) async fn put(
    conn: &mut SqliteConnection,
    datasource_id: &DatasourceId,
    name: &str,
    group: Option<&str>,
    request: &RequestSpec,
) -> Result<String> {
    let group = group.map(str::trim).filter(|g| !g.is_empty());
    let now = now_millis();
    let json = serde_json::to_string(request).expect("a request always serializes");
    Ok(sqlx::query_scalar(
        "INSERT INTO queries (id, datasource_id, name, group_name, request, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (datasource_id, name) DO UPDATE SET request = excluded.request, \
         group_name = COALESCE(excluded.group_name, queries.group_name), updated_at = excluded.updated_at \
         RETURNING id",
    )
    .bind(new_id("q"))
    .bind(datasource_id)
    .bind(name)
    .bind(group)
    .bind(&json)
    .bind(now)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// The id of the datasource `by` names.
async fn datasource_id(conn: &mut SqliteConnection, by: DatasourceRef<'_>) -> Result<DatasourceId> {
    let found: Option<DatasourceId> = match by {
        DatasourceRef::Id(id) => {
            sqlx::query_scalar("SELECT id FROM datasources WHERE id = ?").bind(id).fetch_optional(&mut *conn).await?
        }
        DatasourceRef::Name(name) => {
            sqlx::query_scalar("SELECT id FROM datasources WHERE name = ? COLLATE NOCASE")
                .bind(name)
                .fetch_optional(&mut *conn)
                .await?
        }
    };
    found.ok_or_else(|| match by {
        DatasourceRef::Id(id) => Error::DatasourceIdNotFound(id.clone()),
        DatasourceRef::Name(name) => Error::DatasourceNotFound(name.to_owned()),
    })
}

/// The query `name` of the datasource `datasource_id` (named `by` in the error).
async fn find(
    conn: &mut SqliteConnection,
    datasource_id: &DatasourceId,
    by: DatasourceRef<'_>,
    name: &str,
) -> Result<SavedQuery> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM queries q WHERE q.datasource_id = ? AND q.name = ? COLLATE NOCASE"
    ))
    .bind(datasource_id)
    .bind(name.trim())
    .fetch_optional(conn)
    .await?;
    let Some(row) = row else {
        let datasource = match by {
            DatasourceRef::Id(id) => id.to_string(),
            DatasourceRef::Name(name) => name.to_owned(),
        };
        return Err(Error::QueryNotFound { datasource, query: name.to_owned() });
    };
    from_row(&row)
}

pub(super) fn from_row(row: &SqliteRow) -> Result<SavedQuery> {
    let request: RequestSpec = serde_json::from_str(row.get("request"))
        .map_err(|e| Error::Format(format!("stored query `{}` is unreadable: {e}", row.get::<String, _>("name"))))?;
    Ok(SavedQuery {
        id: row.get("id"),
        datasource_id: row.get("datasource_id"),
        name: row.get("name"),
        group: row.get("group_name"),
        request,
        created_at: row.get("created_at"),
        updated_at: row.get("updated_at"),
    })
}
