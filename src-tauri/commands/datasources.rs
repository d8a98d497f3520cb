//! Commands that read and change datasources.

use latchkey_core::error::ErrorPayload;
use latchkey_core::model::DatasourceSummary;
use tauri::State;

use crate::OpenedStore;

/// Lists every stored datasource, for the sidebar.
#[tauri::command]
pub async fn list_datasources(store: State<'_, OpenedStore>) -> Result<Vec<DatasourceSummary>, ErrorPayload> {
    let store = store.get()?;
    store.list_datasources().await.map_err(|err| ErrorPayload::from(&err))
}
