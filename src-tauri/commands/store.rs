//! Commands about the store itself rather than one datasource.

use latchkey_core::error::ErrorPayload;
use tauri::State;

use crate::OpenedStore;

/// What the store wants the person to know once, such as the vault key living in a file because
/// no OS keyring was reachable. The UI shows these as a dismissible banner.
#[tauri::command]
pub fn store_notices(store: State<'_, OpenedStore>) -> Result<Vec<String>, ErrorPayload> {
    Ok(store.get()?.notices().to_vec())
}
