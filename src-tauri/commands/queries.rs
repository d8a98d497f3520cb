//! Commands for the saved queries of a datasource.

use latchkey_core::error::ErrorPayload;
use latchkey_core::model::{DatasourceId, RequestSpec, SavedQuery};
use tauri::State;

use crate::OpenedStore;

#[tauri::command]
pub async fn list_queries(
    store: State<'_, OpenedStore>,
    datasource_id: DatasourceId,
) -> Result<Vec<SavedQuery>, ErrorPayload> {
    Ok(store.get()?.queries(&datasource_id).await?)
}

/// Saves `request` as `name`; with `previous_name`, renames that query in the same transaction.
#[tauri::command]
pub async fn save_query(
    store: State<'_, OpenedStore>,
    datasource_id: DatasourceId,
    name: String,
    request: RequestSpec,
    previous_name: Option<String>,
) -> Result<SavedQuery, ErrorPayload> {
    Ok(store.get()?.save_query_as(&datasource_id, previous_name.as_deref(), &name, request).await?)
}

#[tauri::command]
pub async fn delete_query(
    store: State<'_, OpenedStore>,
    datasource_id: DatasourceId,
    name: String,
) -> Result<(), ErrorPayload> {
    Ok(store.get()?.delete_query(&datasource_id, &name).await?)
}
