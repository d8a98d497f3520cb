//! The Latchkey desktop shell: starts Tauri, opens the core's store once, and exposes core
//! functions to the web UI as Tauri commands.
//!
//! Nothing here decides how datasources behave; that is the core's job (`latchkey-core`). A
//! command is a few lines that call the core and turn its error into an `ErrorPayload`.

mod commands;

use latchkey_core::error::ErrorPayload;
use latchkey_core::{DataDir, Store};
use tauri::Manager;

/// The store opened at start-up, or the reason it could not be opened.
///
/// The app starts either way so the window can show the reason instead of vanishing.
pub(crate) struct OpenedStore(latchkey_core::Result<Store>);

impl OpenedStore {
    /// Resolves the data dir (`$LATCHKEY_DATA_DIR`, else the platform data dir) and opens the store.
    async fn open() -> Self {
        let store = match DataDir::resolve(None) {
            Ok(dir) => Store::open(&dir).await,
            Err(err) => Err(err),
        };
        OpenedStore(store)
    }

    /// The store, or the error that kept it from opening, as the UI receives it.
    pub(crate) fn get(&self) -> Result<&Store, ErrorPayload> {
        self.0.as_ref().map_err(ErrorPayload::from)
    }
}

/// Starts the desktop app and blocks until its last window closes.
///
/// # Panics
/// When Tauri cannot start (no display, or a broken generated context).
pub fn run() {
    tauri::Builder::default()
        .setup(|app| {
            let opened = tauri::async_runtime::block_on(OpenedStore::open());
            match &opened.0 {
                Ok(store) => {
                    for notice in store.notices() {
                        eprintln!("latchkey: {notice}");
                    }
                }
                Err(err) => eprintln!("latchkey: could not open the store: {err}"),
            }
            app.manage(opened);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::datasources::list_datasources,
            commands::store::store_notices
        ])
        .run(tauri::generate_context!())
        .expect("the Latchkey desktop app failed to start");
}
