//! The Latchkey desktop shell: starts Tauri, opens the core's store once, and exposes core
//! functions to the web UI as Tauri commands.
//!
//! Nothing here decides how datasources behave; that is the core's job (`latchkey-core`). A
//! command is a few lines that call the core and turn its error into an `ErrorPayload`.

mod commands;

use latchkey_core::error::ErrorPayload;
use latchkey_core::oauth::{Callback, TokenClient, TokenLifecycle};
use latchkey_core::{DataDir, Store};
use tauri::Manager;
use tauri_plugin_deep_link::DeepLinkExt;

/// The store opened at start-up, or the reason it could not be opened.
///
/// The app starts either way so the window can show the reason instead of vanishing.
pub(crate) struct OpenedStore(latchkey_core::Result<(Store, TokenLifecycle)>);

impl OpenedStore {
    /// Resolves the data dir (`$LATCHKEY_DATA_DIR`, else the platform data dir) and opens the store.
    async fn open() -> Self {
        let store = match DataDir::resolve(None) {
            Ok(dir) => Store::open(&dir).await,
            Err(err) => Err(err),
        };
        OpenedStore(store.map(|store| {
            let lifecycle = TokenLifecycle::new(store.clone(), TokenClient::default());
            (store, lifecycle)
        }))
    }

    /// The store, or the error that kept it from opening, as the UI receives it.
    pub(crate) fn get(&self) -> Result<&Store, ErrorPayload> {
        self.0.as_ref().map(|(store, _)| store).map_err(ErrorPayload::from)
    }

    /// The token lifecycle over the store, shared by every command so refreshes are single-flight.
    pub(crate) fn lifecycle(&self) -> Result<&TokenLifecycle, ErrorPayload> {
        self.0.as_ref().map(|(_, lifecycle)| lifecycle).map_err(ErrorPayload::from)
    }
}

/// Starts the desktop app and blocks until its last window closes.
///
/// # Panics
/// When Tauri cannot start (no display, or a broken generated context).
pub fn run() {
    tauri::Builder::default()
        // First, so a second launch (say, by a `latchkey://` link) hands its URL to this window.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_dialog::init())
        .manage(commands::authorize::Authorizations::default())
        .manage(commands::requests::Requests::default())
        .manage(commands::files::PickedFiles::default())
        .manage(commands::clipboard::SystemClipboard::default())
        .setup(|app| {
            // Installed packages register the scheme; a development build registers it itself.
            // On a thread of its own: on Linux it writes a .desktop file and runs xdg-mime on every
            // start, while the main thread has the window's first page to load.
            #[cfg(any(target_os = "linux", windows))]
            {
                let handle = app.handle().clone();
                std::thread::spawn(move || {
                    if let Err(err) = handle.deep_link().register_all() {
                        eprintln!("latchkey: could not register latchkey:// links: {err}");
                    }
                });
            }
            let handle = app.handle().clone();
            app.deep_link().on_open_url(move |event| {
                for url in event.urls() {
                    if url.scheme() == "latchkey" && url.path() == "/callback" {
                        handle.state::<commands::authorize::Authorizations>().deliver(Callback::from_url(&url));
                    }
                }
            });
            let opened = tauri::async_runtime::block_on(OpenedStore::open());
            match &opened.0 {
                Ok((store, _)) => {
                    for notice in store.notices() {
                        eprintln!("latchkey: {notice}");
                    }
                }
                Err(err) => eprintln!("latchkey: could not open the store: {err}"),
            }
            if let Ok((_, lifecycle)) = &opened.0 {
                tauri::async_runtime::spawn(commands::authorize::keep_tokens_alive(
                    app.handle().clone(),
                    lifecycle.clone(),
                ));
            }
            app.manage(opened);
            let remembered = DataDir::resolve(None).ok().map(|dir| dir.path().join(commands::shared_folder::FILE_NAME));
            app.manage(commands::shared_folder::SharedFolder::load(remembered));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::environments::list_environments,
            commands::environments::get_environment,
            commands::environments::create_environment,
            commands::environments::save_environment,
            commands::environments::delete_environment,
            commands::datasources::list_datasources,
            commands::datasources::get_datasource,
            commands::datasources::save_datasource,
            commands::datasources::check_destinations,
            commands::datasources::delete_datasource,
            commands::datasources::presets,
            commands::datasources::discover,
            commands::datasources::client_public_key,
            commands::queries::list_queries,
            commands::queries::save_query,
            commands::queries::delete_query,
            commands::requests::send_request,
            commands::requests::cancel_request,
            commands::requests::history,
            commands::requests::save_response_body,
            commands::requests::copy_curl_command,
            commands::files::pick_body_file,
            commands::imports::pick_import_file,
            commands::imports::plan_import,
            commands::imports::apply_import,
            commands::imports::request_from_curl,
            commands::clipboard::copy_text,
            commands::store::store_notices,
            commands::authorize::authorize,
            commands::authorize::cancel_authorization,
            commands::authorize::open_device_page,
            commands::authorize::token_state,
            commands::authorize::token_details,
            commands::authorize::refresh_token_now,
            commands::authorize::disconnect,
            commands::shared_folder::shared_folder,
            commands::shared_folder::choose_shared_folder,
            commands::shared_folder::forget_shared_folder,
            commands::shared_folder::shared_folder_fingerprint,
            commands::shared_folder::shared_folder_status,
            commands::shared_folder::import_shared_folder,
            commands::shared_folder::export_shared_folder
        ])
        .run(tauri::generate_context!())
        .expect("the Latchkey desktop app failed to start");
}
