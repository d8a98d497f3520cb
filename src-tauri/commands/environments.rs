//! Commands about the vault's environments (the switcher and the variables editor): list, read
//! (secret values only marked as set), create, save, delete. Which environment a request, an
//! authorization or a token state is for is an argument of those commands, not state kept here.

use latchkey_core::error::ErrorPayload;
use latchkey_core::model::{Environment, EnvironmentConfig, EnvironmentId, EnvironmentSummary};
use latchkey_core::store::SavedEnvironment;
use tauri::State;

use crate::OpenedStore;

/// Every environment, by name, for the switcher.
#[tauri::command]
pub async fn list_environments(store: State<'_, OpenedStore>) -> Result<Vec<EnvironmentSummary>, ErrorPayload> {
    Ok(store.get()?.list_environments().await?)
}

/// One environment for the variables editor; secret values come back as `{"set": true}`.
#[tauri::command]
pub async fn get_environment(store: State<'_, OpenedStore>, id: EnvironmentId) -> Result<Environment, ErrorPayload> {
    Ok(store.get()?.environment(&id).await?)
}

/// A new environment without variables; a bad or taken name comes back as a field error.
#[tauri::command]
pub async fn create_environment(
    store: State<'_, OpenedStore>,
    name: String,
    production: bool,
) -> Result<Environment, ErrorPayload> {
    Ok(store.get()?.create_environment(&name, production).await?)
}

/// Replaces the environment `id` (name, production marker, variables); a secret sent as
/// `{"set": true}` keeps its stored value. Rejected input comes back with field errors, dropped
/// tokens listed.
#[tauri::command]
pub async fn save_environment(
    store: State<'_, OpenedStore>,
    id: EnvironmentId,
    config: EnvironmentConfig,
) -> Result<SavedEnvironment, ErrorPayload> {
    Ok(store.get()?.update_environment(&id, config).await?)
}

/// Deletes the environment `id` with its variables, tokens and overrides (not the last one).
#[tauri::command]
pub async fn delete_environment(store: State<'_, OpenedStore>, id: EnvironmentId) -> Result<(), ErrorPayload> {
    Ok(store.get()?.delete_environment(&id).await?)
}
