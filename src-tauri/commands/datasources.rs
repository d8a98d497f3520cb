//! Commands that read and change datasources, and the presets and discovery that fill them.

use latchkey_core::error::ErrorPayload;
use latchkey_core::http::Transport;
use latchkey_core::model::{
    ClientAssertionAlg, Datasource, DatasourceConfig, DatasourceId, DatasourceSummary, DestinationCheck, EnvironmentId,
    OAuth2Config, ProxyConfig, SavedDatasource,
};
use latchkey_core::oauth::client_key::{self, PublicKeyToRegister};
use latchkey_core::oauth::discovery;
use latchkey_core::preset::{self, Preset};
use latchkey_core::{Error, Secret};
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

/// The public JWK to register for `private_key_jwt`, signed with `alg` and named `kid`: of
/// `key`, the text just typed, or without one, of the key saved for datasource `id` (as it is in
/// environment `environment_id`). The private key never leaves the Rust side.
#[tauri::command]
pub async fn client_public_key(
    store: State<'_, OpenedStore>,
    key: Option<Secret>,
    id: Option<DatasourceId>,
    environment_id: Option<EnvironmentId>,
    alg: ClientAssertionAlg,
    kid: String,
) -> Result<PublicKeyToRegister, ErrorPayload> {
    let key = match (key, id) {
        (Some(key), _) => key,
        (None, Some(id)) => {
            let store = store.get()?;
            let datasource = match environment_id {
                Some(env) => store.datasource_in(&id, &env).await?,
                None => store.datasource_with_secrets(&id).await?,
            };
            client_key::stored_key(&datasource.config)?
        }
        (None, None) => return Err(Error::field(client_key::KEY_FIELD, "paste the private key").into()),
    };
    Ok(client_key::public_key_to_register(&key, alg, &kid)?)
}
