//! What several of the core's test files share.
#![allow(dead_code)] // each test file uses its own part

use latchkey_core::model::Datasource;
use latchkey_core::oauth::{TokenClient, TokenClientOptions, TokenLifecycle};
use latchkey_core::store::{now_millis, NewTokens};
use latchkey_core::transfer::parse_datasource;
use latchkey_core::vault::key::KeyringUse;
use latchkey_core::{DataDir, Store};

/// A store in `dir` (the vault key in a file, no keyring) and a token lifecycle on it.
pub async fn open(dir: &std::path::Path) -> (Store, TokenLifecycle) {
    let store = Store::open_with(&DataDir::at(dir), KeyringUse::Off).await.expect("open the store");
    let client = TokenClient::new(latchkey_core::http::Transport::new(), TokenClientOptions::default());
    (store.clone(), TokenLifecycle::new(store, client))
}

/// Creates the datasource `json` in `store` and reads it back with its secrets.
pub async fn stored(store: &Store, json: &serde_json::Value) -> Datasource {
    let config = parse_datasource(&json.to_string()).expect("a valid datasource");
    let created = store.create_datasource(config).await.unwrap();
    store.datasource_with_secrets(&created.id).await.unwrap()
}

/// Makes the stored access token of `datasource` look expired to the lifecycle (the provider
/// still honours it), without waiting. The refresh token stays as it is.
pub async fn make_due(store: &Store, datasource: &Datasource) {
    let record = store.tokens(datasource).await.unwrap().expect("tokens stored");
    let past = now_millis() - 1_000;
    let tokens = NewTokens {
        access_token: record.access_token.expect("an access token"),
        refresh_token: None,
        token_type: record.token_type,
        scope: record.scope,
        obtained_at: past - 60_000,
        expires_at: Some(past),
    };
    store.save_tokens(datasource, &tokens).await.unwrap();
}
