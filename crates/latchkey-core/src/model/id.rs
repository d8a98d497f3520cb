//! Datasource and environment ids, and how a datasource or an environment is looked up: by its id (what the UI holds) or by its
//! name (what people type), always explicitly — never a value that might be either.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// An id newtype: set only by the store, compared and stored as its text.
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps an id read from the store or received from the UI.
            pub fn new(id: impl Into<String>) -> Self {
                $name(id.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                $name(id.to_owned())
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl sqlx::Type<sqlx::Sqlite> for $name {
            fn type_info() -> sqlx::sqlite::SqliteTypeInfo {
                <String as sqlx::Type<sqlx::Sqlite>>::type_info()
            }
        }

        impl<'q> sqlx::Encode<'q, sqlx::Sqlite> for $name {
            fn encode_by_ref(
                &self,
                buf: &mut <sqlx::Sqlite as sqlx::Database>::ArgumentBuffer<'q>,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <String as sqlx::Encode<'q, sqlx::Sqlite>>::encode(self.0.clone(), buf)
            }
        }

        impl<'r> sqlx::Decode<'r, sqlx::Sqlite> for $name {
            fn decode(value: <sqlx::Sqlite as sqlx::Database>::ValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
                Ok($name(<String as sqlx::Decode<'r, sqlx::Sqlite>>::decode(value)?))
            }
        }
    };
}

id_type! {
    /// A datasource's id: `ds_` and 20 hex digits, set only by the store.
    DatasourceId
}

id_type! {
    /// An environment's id: `env_` and 20 hex digits, or `env_default` for the environment every
    /// vault starts with (its tokens are sealed under the slot names used before environments).
    EnvironmentId
}

impl EnvironmentId {
    /// The id of the first environment of every vault, `default`.
    pub const DEFAULT: &'static str = "env_default";

    pub fn is_default(&self) -> bool {
        self.0 == Self::DEFAULT
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

/// Which environment a lookup means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvironmentRef<'a> {
    Id(&'a EnvironmentId),
    /// Compared case-insensitively, as names are unique.
    Name(&'a str),
    /// The vault's `default` environment, or its first one when `default` was deleted.
    Default,
}

impl<'a> From<&'a EnvironmentId> for EnvironmentRef<'a> {
    fn from(id: &'a EnvironmentId) -> Self {
        EnvironmentRef::Id(id)
    }
}

impl<'a> From<&'a str> for EnvironmentRef<'a> {
    fn from(name: &'a str) -> Self {
        EnvironmentRef::Name(name)
    }
}

impl<'a> From<&'a String> for EnvironmentRef<'a> {
    fn from(name: &'a String) -> Self {
        EnvironmentRef::Name(name)
    }
}

impl<'a> From<Option<&'a str>> for EnvironmentRef<'a> {
    fn from(name: Option<&'a str>) -> Self {
        name.map_or(EnvironmentRef::Default, EnvironmentRef::Name)
    }
}
