//! The data model of DESIGN.md as Rust types: datasources, their authentication, saved
//! queries, token state, the tester's history. These types are the file format (camelCase JSON) and the shapes the UI edits.
//! Storage and sealing live in `store` and `vault`; requests are built in `http`.

mod auth;
mod datasource;
pub mod destination;
mod environment;
mod history;
mod id;
mod overrides;
mod proxy;
mod query;
mod token;

pub use auth::*;
pub use datasource::*;
pub use destination::DestinationCheck;
pub use environment::*;
pub use history::*;
pub use id::{DatasourceId, DatasourceRef, EnvironmentId, EnvironmentRef};
pub use overrides::*;
pub use proxy::*;
pub use query::*;
pub use token::*;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One header or query parameter row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KeyValue {
    pub key: String,
    #[serde(default)]
    pub value: String,
}

impl KeyValue {
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Self { key: key.into(), value: value.into() }
    }
}

/// Validation of key/value rows used as HTTP header names. `Host` is refused: it would send the
/// request, credentials included, to another virtual host on the URL's server (on a shared front
/// end, another tenant) while the origin check sees the URL's host.
pub(crate) fn check_header_rows(rows: &[KeyValue], list: &str, errors: &mut Vec<crate::FieldError>) {
    for (i, row) in rows.iter().enumerate() {
        if row.key.trim().eq_ignore_ascii_case("host") {
            errors.push(crate::FieldError::new(
                format!("{list}[{i}].key"),
                "the Host header comes from the URL: remove this row and put the host in the URL",
            ));
        } else if reqwest::header::HeaderName::from_bytes(row.key.trim().as_bytes()).is_err() {
            errors.push(crate::FieldError::new(
                format!("{list}[{i}].key"),
                format!("`{}` is not a valid header name: use letters, digits and - (no spaces or colons)", row.key),
            ));
        } else if reqwest::header::HeaderValue::from_str(&row.value).is_err() {
            errors.push(crate::FieldError::new(
                format!("{list}[{i}].value"),
                "header values cannot contain line breaks or control characters",
            ));
        }
    }
}

/// Validation of key/value rows used as query parameters.
pub(crate) fn check_param_rows(rows: &[KeyValue], list: &str, errors: &mut Vec<crate::FieldError>) {
    for (i, row) in rows.iter().enumerate() {
        if row.key.trim().is_empty() {
            errors.push(crate::FieldError::new(
                format!("{list}[{i}].key"),
                "a query parameter needs a name: fill it in or remove the row",
            ));
        }
    }
}
