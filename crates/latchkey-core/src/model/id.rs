//! Datasource ids and how a datasource is looked up: by its id (what the UI holds) or by its
//! name (what people type), always explicitly — never a value that might be either.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A datasource's id: `ds_` and 20 hex digits, set only by the store.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(transparent)]
pub struct DatasourceId(String);

impl DatasourceId {
    /// Wraps an id read from the store or received from the UI.
    pub fn new(id: impl Into<String>) -> Self {
        DatasourceId(id.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for DatasourceId {
    fn from(id: &str) -> Self {
        DatasourceId(id.to_owned())
    }
}

impl std::ops::Deref for DatasourceId {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for DatasourceId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl sqlx::Type<sqlx::Sqlite> for DatasourceId {
    fn type_info() -> sqlx::sqlite::SqliteTypeInfo {
        <String as sqlx::Type<sqlx::Sqlite>>::type_info()
    }
}

impl<'q> sqlx::Encode<'q, sqlx::Sqlite> for DatasourceId {
    fn encode_by_ref(
        &self,
        buf: &mut <sqlx::Sqlite as sqlx::Database>::ArgumentBuffer<'q>,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        <String as sqlx::Encode<'q, sqlx::Sqlite>>::encode(self.0.clone(), buf)
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Sqlite> for DatasourceId {
    fn decode(value: <sqlx::Sqlite as sqlx::Database>::ValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        Ok(DatasourceId(<String as sqlx::Decode<'r, sqlx::Sqlite>>::decode(value)?))
    }
}

/// Which datasource a lookup means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatasourceRef<'a> {
    Id(&'a DatasourceId),
    /// Compared case-insensitively, as names are unique.
    Name(&'a str),
}

impl<'a> From<&'a DatasourceId> for DatasourceRef<'a> {
    fn from(id: &'a DatasourceId) -> Self {
        DatasourceRef::Id(id)
    }
}

/// Text is a name: ids only come as [`DatasourceId`].
impl<'a> From<&'a str> for DatasourceRef<'a> {
    fn from(name: &'a str) -> Self {
        DatasourceRef::Name(name)
    }
}

impl<'a> From<&'a String> for DatasourceRef<'a> {
    fn from(name: &'a String) -> Self {
        DatasourceRef::Name(name)
    }
}
