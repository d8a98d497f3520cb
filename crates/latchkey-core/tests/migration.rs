//! Migration 0007 (environments) on a vault made by main before environments existed:
//! `tests/fixtures/vault-0006/` (see its README), copied to a temp dir and opened. Every
//! datasource reads back as it was (its configuration becomes the base, with no overrides, and
//! its secrets open), the vault has the one environment `default` (`env_default`), the tokens,
//! their failure and call log are the default environment's, and an environment created
//! afterwards starts without any. Compared with `expected.json`, which the old code wrote from
//! the same database.

use std::path::{Path, PathBuf};

use latchkey_core::model::{DatasourceSummary, EnvironmentId, TokenStatus, DEFAULT_ENVIRONMENT};
use latchkey_core::transfer::{export_datasource, parse_datasource, SecretView};
use latchkey_core::{DataDir, Secret, Store};
use serde_json::{json, Value};

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vault-0006")
}

fn expected() -> Value {
    let text = std::fs::read_to_string(fixture().join("expected.json")).expect("read expected.json");
    serde_json::from_str(&text).expect("expected.json is JSON")
}

/// The fixture's database and key in a fresh temp dir (never opened in place: opening migrates),
/// the key file readable by its owner only, as the vault requires.
fn copy_fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for file in ["latchkey.db", "latchkey.key"] {
        std::fs::copy(fixture().join(file), dir.path().join(file)).unwrap_or_else(|e| panic!("copy {file}: {e}"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let key = dir.path().join("latchkey.key");
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    dir
}

async fn open(dir: &Path) -> Store {
    Store::open(&DataDir::at(dir)).await.expect("the old vault opens (and migrates)")
}

/// What `expected.json` holds for one datasource, read through today's API in the default
/// environment.
async fn describe(store: &Store, summary: &DatasourceSummary) -> Value {
    let stored = store.datasource_with_secrets(&summary.id).await.expect("read the datasource");
    let in_default = store.datasource_in(&summary.id, DEFAULT_ENVIRONMENT).await.expect("resolve it in default");
    let token = store.tokens(&in_default).await.expect("read tokens").map(|t| {
        json!({
            "status": t.status.as_str(),
            "reason": t.reason,
            "tokenType": t.token_type,
            "scope": t.scope,
            "obtainedAt": t.obtained_at,
            "expiresAt": t.expires_at,
            "accessToken": t.access_token.as_ref().map(Secret::expose),
            "refreshToken": t.refresh_token.as_ref().map(Secret::expose),
            "idToken": t.id_token.as_ref().map(Secret::expose),
            "generation": t.generation,
            "lastError": t.last_error,
        })
    });
    let calls = store.token_calls(&in_default).await.expect("read token calls");
    let queries = store.queries(&stored.id).await.expect("read queries");
    let history = store.history(&stored.id, None, 500).await.expect("read history");
    json!({
        "id": stored.id,
        "name": summary.name,
        "url": summary.url,
        "authType": summary.auth_type.as_str(),
        "createdAt": stored.created_at,
        "updatedAt": stored.updated_at,
        "generation": stored.generation,
        "tokenStatus": summary.token_status.map(|s| s.as_str()),
        "tokenExpiresAt": summary.token_expires_at,
        "tokenRefreshFailing": summary.token_refresh_failing,
        "config": export_datasource(&stored, SecretView::Reveal),
        "token": token,
        "tokenCalls": calls,
        "savedQueryCount": queries.len(),
        "savedQueries": queries,
        "historyCount": history.len(),
        "history": history,
    })
}

/// Compares what the migrated vault reads back with `expected.json`, member by member so a
/// failure names the datasource and the member.
async fn assert_as_before(store: &Store) {
    let expected = expected();
    assert_eq!(store.vault_id(), expected["vaultId"], "the vault keeps its id");
    assert_eq!(store.key_location().as_str(), expected["keyLocation"], "and its key location");
    let listed = store.list_datasources().await.unwrap();
    let wanted = expected["datasources"].as_array().expect("datasources");
    let names = |list: &[DatasourceSummary]| list.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
    let wanted_names: Vec<String> = wanted.iter().map(|d| d["name"].as_str().unwrap().to_owned()).collect();
    assert_eq!(names(&listed), wanted_names, "the same datasources, in the same order");
    for (summary, want) in listed.iter().zip(wanted) {
        let got = describe(store, summary).await;
        let (got, want) = (got.as_object().unwrap(), want.as_object().unwrap());
        let keys = |o: &serde_json::Map<String, Value>| o.keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(got), keys(want), "{}: the same members described", summary.name);
        for (member, value) in want {
            if member == "config" {
                // Fields added since (with their defaults) are no change: compare as configurations.
                let (got, want) = (parse_datasource(&got[member].to_string()), parse_datasource(&value.to_string()));
                assert_eq!(
                    got.expect("the export reads back"),
                    want.expect("the old export reads"),
                    "{}: the configuration reads back as the old code wrote it",
                    summary.name
                );
                continue;
            }
            assert_eq!(&got[member], value, "{}: `{member}` reads back as the old code wrote it", summary.name);
        }
    }
}

#[tokio::test]
async fn a_vault_made_before_environments_reads_back_the_same_in_default() {
    let dir = copy_fixture();
    let store = open(dir.path()).await;
    assert_as_before(&store).await;

    // One environment, `default`, without variables.
    let environments = store.list_environments().await.unwrap();
    assert_eq!(environments.len(), 1, "exactly one environment: {environments:?}");
    assert_eq!(environments[0].id, EnvironmentId::new(EnvironmentId::DEFAULT));
    assert_eq!(environments[0].id.as_str(), "env_default");
    assert_eq!(environments[0].name, DEFAULT_ENVIRONMENT);
    assert!(!environments[0].production, "default is not a production environment");
    assert_eq!(environments[0].variables, 0);

    // Each stored configuration is the base: no overrides.
    for summary in store.list_datasources().await.unwrap() {
        let stored = store.datasource(&summary.id).await.unwrap();
        assert!(stored.config.environments.is_empty(), "{}: no overrides after the migration", summary.name);
        assert!(stored.environment.is_none(), "{}: the stored shape carries no environment", summary.name);
        let in_default = store.datasource_in(&summary.id, DEFAULT_ENVIRONMENT).await.unwrap();
        assert_eq!(
            in_default.token_owner(),
            summary.id.as_str(),
            "{}: default's tokens are the datasource's own",
            summary.name
        );
    }
    store.close().await;
}

#[tokio::test]
async fn the_old_tokens_are_defaults_and_a_new_environment_has_none() {
    let dir = copy_fixture();
    let store = open(dir.path()).await;
    let oauth = store.datasource_in("OAuth API", DEFAULT_ENVIRONMENT).await.unwrap();
    let record = store.tokens(&oauth).await.unwrap().expect("OAuth API keeps its tokens in default");
    assert_eq!(record.status, TokenStatus::Authorized);
    assert_eq!(record.access_token.as_ref().map(Secret::expose), Some("fixture-access-token-1"));
    assert_eq!(record.refresh_token.as_ref().map(Secret::expose), Some("fixture-refresh-token-1"));
    assert!(record.id_token.as_ref().is_some_and(|t| t.expose().ends_with(".fixture-id-token-1")));
    assert_eq!(record.last_error.as_ref().and_then(|e| e.error.as_deref()), Some("temporarily_unavailable"));
    assert_eq!(store.token_calls(&oauth).await.unwrap().len(), 2, "both logged token calls are default's");

    let reauth = store.datasource_in("Reauth API", DEFAULT_ENVIRONMENT).await.unwrap();
    let record = store.tokens(&reauth).await.unwrap().expect("Reauth API keeps its state in default");
    assert_eq!(record.status, TokenStatus::NeedsReauthorization);
    assert_eq!(record.reason.as_deref(), Some("invalid_client: check the Client ID and Client Secret"));

    let staging = store.create_environment("staging", false).await.expect("create staging after the migration");
    assert_ne!(staging.id.as_str(), "env_default");
    for summary in store.list_datasources().await.unwrap() {
        let ds = store.datasource_in(&summary.id, &staging.id).await.unwrap();
        assert!(store.tokens(&ds).await.unwrap().is_none(), "{}: no tokens in staging", summary.name);
        assert!(store.token_calls(&ds).await.unwrap().is_empty(), "{}: no token calls in staging", summary.name);
    }
    let badges: Vec<(String, Option<TokenStatus>, Option<bool>)> = store
        .list_datasources_in("staging")
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.name, s.token_status, s.token_refresh_failing))
        .collect();
    let not_authorized = (Some(TokenStatus::NotAuthorized), Some(false));
    for (name, status, failing) in &badges {
        let want = if name.starts_with("OAuth") || name.starts_with("Reauth") { not_authorized } else { (None, None) };
        assert_eq!((*status, *failing), want, "{name}: staging's badge");
    }
    // Default's are as they were.
    assert_as_before(&store).await;
    store.close().await;
}

#[tokio::test]
async fn the_migrated_vault_opens_again_unchanged() {
    let dir = copy_fixture();
    open(dir.path()).await.close().await;
    let again = open(dir.path()).await;
    assert_as_before(&again).await;
    assert_eq!(again.list_environments().await.unwrap().len(), 1, "opening again adds no environment");
    again.close().await;
    // And two stores at once (the desktop app and a `latchkey` process).
    let (first, second) = (open(dir.path()).await, open(dir.path()).await);
    assert_as_before(&second).await;
    first.close().await;
    second.close().await;
}
