//! What several of the core's test files share.
#![allow(dead_code)] // each test file uses its own part

use latchkey_core::model::Datasource;
use latchkey_core::store::{now_millis, NewTokens};
use latchkey_core::Store;

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
