//! The vault key in a real Secret Service (gnome-keyring, unlocked under dbus-run-session by
//! the test command). Set `LATCHKEY_TEST_SECRET_SERVICE=1` to run it; the test command does,
//! and then a missing Secret Service fails the test instead of passing it quietly.

use latchkey_core::transfer::parse_datasource;
use latchkey_core::vault::key::{KeyLocation, KeyringUse};
use latchkey_core::{DataDir, Error, Store};

#[tokio::test]
async fn the_vault_key_lives_in_the_secret_service() {
    if std::env::var("LATCHKEY_TEST_SECRET_SERVICE").as_deref() != Ok("1") {
        eprintln!("skipped: set LATCHKEY_TEST_SECRET_SERVICE=1 inside a session with an unlocked Secret Service");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::at(dir.path());
    let store = Store::open_with(&data, KeyringUse::Auto).await.expect("open with the keyring");
    assert_eq!(
        store.key_location(),
        KeyLocation::Keyring,
        "with a Secret Service reachable the key goes there: {:?}",
        store.notices()
    );
    assert!(store.notices().is_empty(), "nothing to warn about");
    assert!(!data.key_file().exists(), "no key file when the keyring holds the key");

    let config =
        parse_datasource(r#"{"name":"K","url":"https://a.example","auth":{"type":"bearer","token":"kr-secret"}}"#)
            .unwrap();
    store.create_datasource(config).await.unwrap();
    let vault_id = store.vault_id().to_owned();
    store.close().await;

    let entry = keyring::Entry::new("latchkey", &format!("vault-key:{vault_id}")).unwrap();
    assert_eq!(entry.get_secret().expect("the key is in the keyring").len(), 32, "a 256-bit key");

    let reopened = Store::open_with(&data, KeyringUse::Auto).await.unwrap();
    let ds = reopened.datasource_with_secrets("K").await.unwrap();
    assert_eq!(
        serde_json::to_value(latchkey_core::transfer::export_datasource(
            &ds,
            latchkey_core::transfer::SecretView::Reveal
        ))
        .unwrap()["auth"]["token"],
        "kr-secret"
    );
    reopened.close().await;

    entry.delete_credential().unwrap();
    let err = Store::open_with(&data, KeyringUse::Auto).await.unwrap_err();
    assert!(matches!(err, Error::Vault(_)), "{err}");
    assert!(err.to_string().contains("keyring"), "the message says where the key was expected: {err}");
}
