//! Commands that read and change datasources, and the presets and discovery that fill them.

use latchkey_core::error::ErrorPayload;
use latchkey_core::http::Transport;
use latchkey_core::model::{
    Datasource, DatasourceConfig, DatasourceId, DatasourceSummary, DestinationCheck, EnvironmentId, OAuth2Config,
    ProxyConfig, SavedDatasource,
};
use latchkey_core::oauth::discovery;
use latchkey_core::preset::{self, Preset};
use latchkey_core::Error;
use tauri::State;

use crate::OpenedStore;

/// Lists every stored datasource with its token badge in the environment `environment_id`, for
/// the sidebar.
#[tauri::command]
pub async fn list_datasources(
    store: State<'_, OpenedStore>,
    environment_id: EnvironmentId,
) -> Result<Vec<DatasourceSummary>, ErrorPayload> {
    Ok(store.get()?.list_datasources_in(&environment_id).await?)
}

/// One datasource for the editor; secret slots only say whether they are set.
#[tauri::command]
pub async fn get_datasource(store: State<'_, OpenedStore>, id: DatasourceId) -> Result<Datasource, ErrorPayload> {
    Ok(store.get()?.datasource(&id).await?)
}

/// Creates (`id` null) or updates a datasource; rejected input comes back with field errors,
/// dropped tokens with why.
#[tauri::command]
pub async fn save_datasource(
    store: State<'_, OpenedStore>,
    id: Option<DatasourceId>,
    config: DatasourceConfig,
) -> Result<SavedDatasource, ErrorPayload> {
    let store = store.get()?;
    Ok(match id {
        Some(id) => store.update_datasource(&id, config).await?,
        None => SavedDatasource { datasource: store.create_datasource(config).await?, tokens_dropped: None },
    })
}

/// Which saved secrets of datasource `id` saving `config` would ask for again, and whether its
/// tokens would be dropped: the editor shows it before saving.
#[tauri::command]
pub async fn check_destinations(
    store: State<'_, OpenedStore>,
    id: DatasourceId,
    config: DatasourceConfig,
) -> Result<DestinationCheck, ErrorPayload> {
    Ok(store.get()?.check_destinations(&id, &config).await?)
}

#[tauri::command]
pub async fn delete_datasource(store: State<'_, OpenedStore>, id: DatasourceId) -> Result<(), ErrorPayload> {
    Ok(store.get()?.delete_datasource(&id).await?)
}

/// Providers to start a datasource from.
#[tauri::command]
pub fn presets() -> Vec<Preset> {
    preset::presets()
}

/// Fills the empty endpoints of `auth` from its issuer's metadata, through the datasource's
/// `proxy` (the system's when not given).
#[tauri::command]
pub async fn discover(mut auth: OAuth2Config, proxy: Option<ProxyConfig>) -> Result<OAuth2Config, ErrorPayload> {
    if auth.issuer.trim().is_empty() {
        return Err(Error::field("auth.issuer", "enter the issuer URL, e.g. https://accounts.example.com").into());
    }
    discovery::fill_from_issuer_through(&Transport::new(), &proxy.unwrap_or_default(), &mut auth).await?;
    Ok(auth)
}
