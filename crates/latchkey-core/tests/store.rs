//! The store and vault against a real SQLite file in a temp dir.

use latchkey_core::model::{AuthConfig, DatasourceConfig, RequestSpec};
use latchkey_core::transfer::parse_datasource;
use latchkey_core::vault::key::{KeyLocation, KeyringUse};
use latchkey_core::{DataDir, Error, Secret, SecretField, Store};
use latchkey_testkit::openssl_self_signed;

async fn open(dir: &tempfile::TempDir) -> Store {
    Store::open_with(&DataDir::at(dir.path()), KeyringUse::Off).await.expect("open store")
}

fn config(json: &str) -> DatasourceConfig {
    parse_datasource(json).expect("valid datasource JSON")
}

const MARKED: &str = r#"{"name":"Marked","url":"https://api.example.com","sendSignatureHeader":true,
  "signatureSecret":"MARKER-SIG-7d1e","auth":{"type":"oauth2","grantType":"password",
  "accessTokenUrl":"https://id.example.com/token","clientId":"cid","clientSecret":"MARKER-CS-9a2f",
  "username":"owner","password":"MARKER-PW-3b8c"}}"#;

fn files_of(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn secrets_are_sealed_in_the_database_and_open_again() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let created = store.create_datasource(config(MARKED)).await.unwrap();
    assert!(created.id.starts_with("ds_"), "ids carry the type prefix: {}", created.id);

    let shown = store.datasource("marked").await.unwrap();
    let AuthConfig::OAuth2(oauth) = &shown.config.auth else { panic!("oauth2 expected") };
    assert_eq!(oauth.client_secret, SecretField::Stored, "read back for display, a secret is only marked as set");
    let shown_json = serde_json::to_string(&shown).unwrap();
    assert!(!shown_json.contains("MARKER"), "{shown_json}");

    let full = store.datasource_with_secrets("Marked").await.unwrap();
    let AuthConfig::OAuth2(oauth) = &full.config.auth else { panic!("oauth2 expected") };
    assert_eq!(oauth.client_secret.value().unwrap().expose(), "MARKER-CS-9a2f");
    assert_eq!(oauth.password.value().unwrap().expose(), "MARKER-PW-3b8c");

    // Reopening (as another process would) finds the key and opens the values.
    drop(store);
    let store = open(&dir).await;
    let again = store.datasource_with_secrets("Marked").await.unwrap();
    assert_eq!(again.config.signature_secret.value().unwrap().expose(), "MARKER-SIG-7d1e");
    assert_eq!(store.key_location(), KeyLocation::File);

    let files = files_of(dir.path());
    assert!(files.iter().any(|(name, _)| name.ends_with("latchkey.db-wal")), "the database runs in WAL mode");
    for (name, bytes) in &files {
        for marker in ["MARKER-SIG-7d1e", "MARKER-CS-9a2f", "MARKER-PW-3b8c"] {
            assert!(!contains(bytes, marker), "{marker} found in plaintext in {name}");
        }
    }
}

#[tokio::test]
async fn the_key_file_is_private_and_must_match() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    assert_eq!(store.notices().len(), 1, "creating a key file is said once");
    assert!(store.notices()[0].contains("latchkey.key"), "{:?}", store.notices());
    drop(store);
    let key_file = dir.path().join("latchkey.key");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777, 0o600);
    assert!(open(&dir).await.notices().is_empty(), "opening an existing vault says nothing");

    // A key file of another vault does not open this one.
    let other = tempfile::tempdir().unwrap();
    drop(open(&other).await);
    std::fs::copy(other.path().join("latchkey.key"), &key_file).unwrap();
    let err = Store::open_with(&DataDir::at(dir.path()), KeyringUse::Off).await.unwrap_err();
    assert!(matches!(err, Error::Vault(_)), "{err}");
    assert!(err.to_string().contains("another vault"), "{err}");

    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = Store::open_with(&DataDir::at(dir.path()), KeyringUse::Off).await.unwrap_err();
    assert!(err.to_string().contains("chmod 600"), "{err}");
}

#[tokio::test]
async fn stored_secrets_are_kept_replaced_or_cleared() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    store
        .create_datasource(config(r#"{"name":"B","url":"https://a.example","auth":{"type":"bearer","token":"first"}}"#))
        .await
        .unwrap();
    let token = |ds: latchkey_core::model::Datasource| match ds.config.auth {
        AuthConfig::Bearer(b) => b.token.value().map(|s| s.expose().to_owned()),
        _ => None,
    };

    let keep = config(r#"{"name":"B","url":"https://a.example/v2","auth":{"type":"bearer","token":{"set":true}}}"#);
    store.update_datasource("B", keep).await.unwrap();
    let after = store.datasource_with_secrets("B").await.unwrap();
    assert_eq!(after.config.url, "https://a.example/v2");
    assert_eq!(token(after), Some("first".into()), "{{\"set\":true}} keeps the stored value");

    let replace = config(r#"{"name":"B","url":"https://b.example","auth":{"type":"bearer","token":"second"}}"#);
    store.update_datasource("B", replace).await.unwrap();
    assert_eq!(token(store.datasource_with_secrets("B").await.unwrap()), Some("second".into()));

    let none = config(r#"{"name":"B","url":"https://b.example","auth":{"type":"none"}}"#);
    store.update_datasource("B", none).await.unwrap();
    let keep_gone = config(r#"{"name":"B","url":"https://b.example","auth":{"type":"bearer","token":{"set":true}}}"#);
    let err = store.update_datasource("B", keep_gone).await.unwrap_err();
    let Error::Invalid(fields) = err else { panic!("invalid expected") };
    assert_eq!(fields[0].field, "auth.token", "switching auth type away dropped the token; keeping it is refused");
}

#[tokio::test]
async fn bad_input_names_the_field_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let good = r#"{"name":"Good","url":"https://api.example.com","headers":[{"key":"X-A","value":"1"}],"auth":{"type":"basic","username":"u","password":"p"}}"#;
    store.import_datasource(config(good)).await.unwrap();
    let before = store.datasource_with_secrets("Good").await.unwrap();

    let cases = [
        (r#"{"name":"Good","url":"/relative","auth":{"type":"none"}}"#, "url"),
        (r#"{"name":"","url":"https://a.example"}"#, "name"),
        (r#"{"name":"Good","url":"https://a.example","headers":[{"key":"Bad Header","value":"1"}]}"#, "headers[0].key"),
        (
            r#"{"name":"Good","url":"https://a.example","selfSignedCertificate":"-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----"}"#,
            "selfSignedCertificate",
        ),
        (
            r#"{"name":"Good","url":"https://a.example","auth":{"type":"oauth2","grantType":"authorization_code","clientId":"x","accessTokenUrl":"https://t.example/token"}}"#,
            "auth.authorizationUrl",
        ),
    ];
    for (json, field) in cases {
        let err = store.import_datasource(config(json)).await.unwrap_err();
        let Error::Invalid(fields) = &err else { panic!("{json}: {err}") };
        assert_eq!(fields[0].field, field, "{json}: {err}");
        assert!(fields[0].message.len() > 15, "the message says what to fix: {}", fields[0].message);
    }
    let err = store.create_datasource(config(r#"{"name":"good","url":"https://a.example"}"#)).await.unwrap_err();
    assert!(err.to_string().contains("already exists"), "names are unique regardless of case: {err}");

    assert_eq!(store.datasource_with_secrets("Good").await.unwrap(), before, "rejected input changed nothing");
    assert_eq!(store.list_datasources().await.unwrap().len(), 1);
}

#[tokio::test]
async fn import_creates_then_replaces_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let (first, outcome) =
        store.import_datasource(config(r#"{"name":"Api","url":"https://a.example"}"#)).await.unwrap();
    assert_eq!(outcome, latchkey_core::store::ImportOutcome::Created);
    let (second, outcome) =
        store.import_datasource(config(r#"{"name":"Api","url":"https://b.example"}"#)).await.unwrap();
    assert_eq!(outcome, latchkey_core::store::ImportOutcome::Replaced);
    assert_eq!(first.datasource.id, second.datasource.id, "a replacement keeps the datasource's id");
    assert_eq!(store.datasource("Api").await.unwrap().config.url, "https://b.example");
}

#[tokio::test]
async fn saved_queries_belong_to_their_datasource() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    store.create_datasource(config(r#"{"name":"Api","url":"https://a.example"}"#)).await.unwrap();
    let spec = RequestSpec { method: "post".into(), path: "/items".into(), ..Default::default() };
    let saved = store.save_query("Api", "Create item", spec.clone()).await.unwrap();
    assert!(saved.id.starts_with("q_"));
    assert_eq!(store.query("api", "create ITEM").await.unwrap().request, spec);
    let spec2 = RequestSpec { path: "/items/2".into(), ..Default::default() };
    store.save_query("Api", "Create item", spec2.clone()).await.unwrap();
    assert_eq!(store.queries("Api").await.unwrap().len(), 1, "saving under the same name replaces");
    assert!(matches!(store.query("Api", "nope").await, Err(Error::QueryNotFound { .. })));
    store.delete_datasource("Api").await.unwrap();
    assert!(matches!(store.queries("Api").await, Err(Error::DatasourceNotFound(_))));
}

#[tokio::test]
async fn the_list_is_by_name_regardless_of_case_with_urls_and_auth_types() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    assert!(store.list_datasources().await.unwrap().is_empty(), "an empty vault lists nothing");
    for (name, auth) in [
        ("beta", r#"{"type":"bearer","token":"t"}"#),
        ("Alpha", r#"{"type":"none"}"#),
        ("gamma \"quoted\" ünï", r#"{"type":"none"}"#),
    ] {
        let json = format!(
            r#"{{"name":{},"url":"https://{}.example/v1","auth":{auth}}}"#,
            serde_json::to_string(name).unwrap(),
            name.len()
        );
        store.create_datasource(config(&json)).await.unwrap();
    }
    let listed = store.list_datasources().await.unwrap();
    let names: Vec<&str> = listed.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["Alpha", "beta", "gamma \"quoted\" ünï"]);
    assert_eq!(listed[1].url, "https://4.example/v1");
    assert_eq!(listed[1].auth_type, latchkey_core::model::AuthType::Bearer);
    assert_eq!(listed[1].token_status, None, "no token badge outside OAuth 2.0");
}

#[tokio::test]
async fn another_pinned_certificate_is_another_destination() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let (first, second) = (openssl_self_signed("localhost"), openssl_self_signed("localhost"));
    let with_pin = |pem: serde_json::Value, token: serde_json::Value| {
        config(
            &serde_json::json!({"name": "Pinned", "url": "https://localhost:8443", "selfSignedCertificate": pem,
                "auth": {"type": "bearer", "token": token}})
            .to_string(),
        )
    };
    let set = serde_json::json!({"set": true});
    store.create_datasource(with_pin(first.cert_pem.clone().into(), "pinned-token".into())).await.unwrap();

    let rewrapped = first.cert_pem.replace('\n', "\r\n");
    store.update_datasource("Pinned", with_pin(rewrapped.into(), set.clone())).await.expect("the same certificate");
    let preview =
        store.check_destinations("Pinned", &with_pin(second.cert_pem.clone().into(), set.clone())).await.unwrap();
    assert_eq!(preview.moved_secrets.len(), 1, "the editor is told before saving: {preview:?}");
    let err =
        store.update_datasource("Pinned", with_pin(second.cert_pem.clone().into(), set.clone())).await.unwrap_err();
    let Error::Invalid(fields) = err else { panic!("invalid expected") };
    assert_eq!(fields[0].field, "auth.token", "a token kept while another certificate is trusted for its host");
    assert!(fields[0].message.contains("another self-signed certificate"), "{}", fields[0].message);
    store
        .update_datasource("Pinned", with_pin(serde_json::Value::Null, set))
        .await
        .expect("dropping the pin narrows trust");
}

#[tokio::test]
async fn a_save_drops_tokens_whose_destination_moved_and_a_racing_refresh_cannot_bring_them_back() {
    use latchkey_core::store::NewTokens;
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let oauth = |api: &str, token_url: &str| {
        config(
            &serde_json::json!({"name": "Corp", "url": api, "auth": {"type": "oauth2", "grantType": "client_credentials",
                "accessTokenUrl": token_url, "clientId": "c", "clientSecret": "s"}})
            .to_string(),
        )
    };
    let created = store.create_datasource(oauth("https://api.example", "https://id.example/token")).await.unwrap();
    let tokens = NewTokens {
        access_token: Secret::new("access-1"),
        refresh_token: None,
        token_type: "Bearer".into(),
        scope: String::new(),
        obtained_at: 0,
        expires_at: None,
    };
    store.save_tokens(&created, &tokens).await.unwrap();

    let renamed =
        store.update_datasource("Corp", oauth("https://api.example/v2", "https://id.example/token")).await.unwrap();
    assert_eq!(renamed.tokens_dropped, None, "same destinations: the tokens stay");
    assert!(store.tokens(&created).await.unwrap().is_some());

    // A refresh reads the datasource, then a save moves the API elsewhere before it stores.
    let read_by_refresh = store.datasource_with_secrets("Corp").await.unwrap();
    let preview = store.check_destinations("Corp", &oauth("https://other.example", "https://id.example/token")).await;
    assert!(preview.unwrap().tokens_dropped.is_some_and(|r| r.contains("another origin")), "told before saving");
    let moved =
        store.update_datasource("Corp", oauth("https://other.example", "https://id.example/token")).await.unwrap();
    let reason = moved.tokens_dropped.expect("the save says the tokens were dropped");
    assert!(reason.contains("another origin"), "{reason}");
    assert!(store.tokens(&created).await.unwrap().is_none(), "the tokens are gone");
    let err = store.save_tokens(&read_by_refresh, &tokens).await.unwrap_err();
    assert!(matches!(err, Error::ConfigurationChanged(_)), "{err}");
    assert!(store.tokens(&created).await.unwrap().is_none(), "the racing refresh brought nothing back");
    let err = store.mark_needs_reauthorization(&read_by_refresh, "refused").await.unwrap_err();
    assert!(matches!(err, Error::ConfigurationChanged(_)), "{err}");

    let current = store.datasource_with_secrets("Corp").await.unwrap();
    store.save_tokens(&current, &tokens).await.expect("a refresh of the current configuration stores");
}

#[cfg(unix)]
#[tokio::test]
async fn the_data_dir_is_made_private_on_every_open_and_must_be_ones_own() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let mode = |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    let chmod = |path: &std::path::Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap()
    };

    let store = Store::open_with(&DataDir::at(&data), KeyringUse::Off).await.unwrap();
    store.create_datasource(config(r#"{"name":"A","url":"https://a.example"}"#)).await.unwrap();
    store.close().await;
    // As an older version, a restored backup or a careless `cp -r` would leave it.
    chmod(&data, 0o755);
    let files: Vec<_> = std::fs::read_dir(&data).unwrap().map(|e| e.unwrap().path()).collect();
    for file in &files {
        chmod(file, 0o644);
    }
    chmod(&data.join("latchkey.key"), 0o600); // a readable key file is refused on its own

    let store = Store::open_with(&DataDir::at(&data), KeyringUse::Off).await.unwrap();
    store.datasource("A").await.unwrap();
    assert_eq!(mode(&data), 0o700, "an existing 0755 data dir is made owner-only");
    let database = ["latchkey.db", "latchkey.db-wal", "latchkey.db-shm"];
    for name in database {
        let path = data.join(name);
        assert!(path.exists(), "{name} exists while the store is open");
        assert_eq!(mode(&path), 0o600, "{name} is made owner-only");
    }
    store.close().await;

    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("not root: the other-owner case needs chown and is checked when run as root (as in CI)");
        return;
    }
    let nobody = 65534;
    std::os::unix::fs::chown(&data, Some(nobody), None).unwrap();
    let err = Store::open_with(&DataDir::at(&data), KeyringUse::Off).await.unwrap_err().to_string();
    assert!(err.contains("belongs to another user") && err.contains("--data-dir"), "{err}");
    assert_eq!(std::fs::metadata(&data).unwrap().uid(), nobody, "nothing was changed in another user's directory");
}

#[tokio::test]
async fn lookups_are_by_id_or_by_name_never_either() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let first = store.create_datasource(config(r#"{"name":"First","url":"https://a.example"}"#)).await.unwrap();
    // A datasource whose name is the other one's id: a name lookup must find it, not the other.
    let json = serde_json::json!({"name": first.id.as_str(), "url": "https://b.example"}).to_string();
    let named_like_an_id = store.create_datasource(config(&json)).await.unwrap();

    let by_name = store.datasource(first.id.as_str()).await.unwrap();
    assert_eq!(by_name.id, named_like_an_id.id, "text is a name");
    assert_eq!(store.datasource(&first.id).await.unwrap().config.name, "First", "an id is an id");
    let err = store.datasource("First ").await.unwrap_err();
    assert!(matches!(err, Error::DatasourceNotFound(_)), "{err}");
    let gone = latchkey_core::model::DatasourceId::new("ds_00000000000000000000");
    let err = store.datasource(&gone).await.unwrap_err();
    assert!(matches!(err, Error::DatasourceIdNotFound(_)) && err.to_string().contains("no longer exists"), "{err}");

    store.delete_datasource(first.id.as_str()).await.unwrap();
    assert!(store.datasource(&first.id).await.is_ok(), "deleting by that name left the datasource with that id");
    assert!(store.datasource(&named_like_an_id.id).await.is_err());
}
