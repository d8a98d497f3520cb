//! Latchkey's core: everything a person can do with authenticated API datasources, with no
//! Tauri and no GUI dependency. The desktop app and the `latchkey` command line are thin
//! layers over these functions.
//!
//! - [`model`]: datasources, authentication, saved queries (the file format).
//! - [`vault`]: sealing secrets; where the data key lives.
//! - [`store`]: SQLite through sqlx.
//! - [`http`]: preparing and sending requests through a datasource.
//! - [`oauth`]: authorization, token calls, and keeping tokens alive.
//! - [`import`]: import plans from cURL commands and Latchkey's JSON, applied in one transaction.
//! - [`transfer`]: import and export of datasources as JSON.
//! - [`share`]: a folder a team commits to git (`export --dir`, `import --dir`).
//! - [`preset`]: providers to start a datasource from.
//! - [`tester`]: a run of the request tester, recorded in history.
//! - [`variables`]: `{{name}}` resolved from the active environment, for every caller.

pub mod bindings;
mod data_dir;
pub mod error;
pub mod http;
pub mod import;
pub mod model;
pub mod oauth;
pub mod preset;
mod secret;
pub mod share;
pub mod store;
pub mod tester;
pub mod transfer;
pub mod variables;
pub mod vault;

pub use data_dir::{DataDir, DATA_DIR_ENV};
pub use error::{Error, ErrorPayload, FieldError, Result};
pub use secret::{Secret, SecretField};
pub use store::Store;
