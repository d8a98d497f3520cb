//! Commands for the saved queries of a datasource.

use latchkey_core::error::ErrorPayload;
use latchkey_core::model::{RequestSpec, SavedQuery};
use tauri::State;

use crate::OpenedStore;

#[tauri::command]
pub async fn list_queries(
    store: State<'_, OpenedStore>,
    datasource_id: String,
) -> Result<Vec<SavedQuery>, ErrorPayload> {
    Ok(store.get()?.queries(&datasource_id).await?)
}

/// Saves `request` as `name`; with `previous_name`, renames that query first.
#[tauri::command]
pub async fn save_query(
    store: State<'_, OpenedStore>,
    datasource_id: String,
    name: String,
    request: RequestSpec,
    previous_name: Option<String>,
) -> Result<SavedQuery, ErrorPayload> {
    let store = store.get()?;
    if let Some(previous) = previous_name.filter(|p| !p.eq_ignore_ascii_case(name.trim())) {
        store.rename_query(&datasource_id, &previous, &name).await?;
    }
    Ok(store.save_query(&datasource_id, &name, request).await?)
}

#[tauri::command]
pub async fn delete_query(
    store: State<'_, OpenedStore>,
    datasource_id: String,
    name: String,
) -> Result<(), ErrorPayload> {
    Ok(store.get()?.delete_query(&datasource_id, &name).await?)
}
