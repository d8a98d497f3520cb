//! Sharing a vault through git (`share::export_dir` / `share::import_dir`) on real SQLite vaults
//! in temp dirs: the round trip is byte-identical, two vaults agree on ids, updates go by id
//! (renames included), nothing is deleted without prune, secrets never reach a file and are
//! listed by name, a local secret is kept only where its destination is unchanged, refused
//! files store nothing, and export rewrites only what changed.

mod common;

use std::path::Path;

use latchkey_core::model::{RequestSpec, Variable};
use latchkey_core::share::{self, AbsentKind, DirAction};
use latchkey_core::transfer::parse_datasource;
use latchkey_core::{Error, Store};

const SECRETS: [&str; 6] =
    ["cs-base-8812", "cs-prod-7730", "tok-bearer-5521", "key-api-9046", "pw-basic-3318", "var-secret-6604"];

async fn open(dir: &Path) -> Store {
    common::open(dir).await.0
}

/// A vault with environments (one with a secret variable), datasources of each kind with base
/// and override secrets, and saved queries.
async fn team_vault(store: &Store) {
    store.create_environment("staging", false).await.unwrap();
    store.create_environment("production", true).await.unwrap();
    store.set_variable("staging", Variable::plain("host", "staging.example.com")).await.unwrap();
    store.set_variable("staging", Variable::secret("apiToken", SECRETS[5].into())).await.unwrap();
    let datasources = [
        format!(
            r#"{{"name":"GitHub","url":"https://api.github.com","auth":{{"type":"oauth2","grantType":"client_credentials",
            "accessTokenUrl":"https://github.com/login/oauth/access_token","clientId":"gh-client","clientSecret":"{}"}},
            "environments":{{"production":{{"auth":{{"clientSecret":"{}"}}}},"staging":{{"url":"https://{{{{host}}}}/api"}}}}}}"#,
            SECRETS[0], SECRETS[1]
        ),
        format!(
            r#"{{"name":"Billing","url":"https://billing.example.com","auth":{{"type":"bearer","token":"{}"}}}}"#,
            SECRETS[2]
        ),
        format!(
            r#"{{"name":"Maps API","url":"https://maps.example.com","headers":[{{"key":"Accept","value":"application/json"}}],
            "auth":{{"type":"apiKey","key":"X-Api-Key","value":"{}","addTo":"header"}}}}"#,
            SECRETS[3]
        ),
        format!(
            r#"{{"name":"Legacy","url":"https://legacy.example.com","auth":{{"type":"basic","username":"svc","password":"{}"}}}}"#,
            SECRETS[4]
        ),
        r#"{"name":"Open data","url":"https://data.example.com"}"#.to_owned(),
    ];
    for json in &datasources {
        store.create_datasource(parse_datasource(json).unwrap()).await.unwrap();
    }
    let get = |path: &str| RequestSpec { method: "GET".into(), path: path.into(), ..Default::default() };
    store.save_query("GitHub", "Me", get("/user")).await.unwrap();
    store.save_query("GitHub", "Issues", get("/issues")).await.unwrap();
    store.save_query("Billing", "Invoices", get("/invoices")).await.unwrap();
}

/// Every file under `dir`, by path relative to it, with its bytes.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for sub in ["datasources", "environments"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else { continue };
        for entry in entries {
            let entry = entry.unwrap();
            files
                .push((format!("{sub}/{}", entry.file_name().to_string_lossy()), std::fs::read(entry.path()).unwrap()));
        }
    }
    files.sort();
    files
}

fn text(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap()
}

fn invalid(err: Error) -> Vec<String> {
    match err {
        Error::Invalid(fields) => fields.into_iter().map(|f| f.to_string()).collect(),
        other => panic!("expected a refusal, got: {other}"),
    }
}

#[tokio::test]
async fn export_then_import_into_an_empty_vault_then_export_is_byte_identical_and_ids_agree() {
    let (a_dir, b_dir, folder, again) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let a = open(a_dir.path()).await;
    team_vault(&a).await;
    let summary = share::export_dir(&a, folder.path()).await.unwrap();
    assert_eq!(summary.written.len(), 8, "five datasources and three environments: {:?}", summary.written);
    assert!(summary.written.contains(&"datasources/maps-api.json".to_owned()), "{:?}", summary.written);

    let b = open(b_dir.path()).await;
    let plan = share::import_dir(&b, folder.path(), false, false).await.unwrap();
    assert_eq!(plan.counts(), (7, 0, 1), "all new but `default`, which every vault has with the same id");
    share::export_dir(&b, again.path()).await.unwrap();
    assert_eq!(tree(folder.path()), tree(again.path()), "export → import → export gives the same bytes");

    let ids = |store: &Store| {
        let store = store.clone();
        async move {
            let mut ids: Vec<String> = Vec::new();
            for d in store.list_datasources().await.unwrap() {
                ids.push(format!("{} {}", d.id, d.name));
                for q in store.queries(&d.id).await.unwrap() {
                    ids.push(format!("{} {}", q.id, q.name));
                }
            }
            for e in store.list_environments().await.unwrap() {
                ids.push(format!("{} {}", e.id, e.name));
            }
            ids
        }
    };
    assert_eq!(ids(&a).await, ids(&b).await, "both vaults have the same ids for the same things");
}

#[tokio::test]
async fn secrets_never_reach_a_file_and_are_listed_by_name_then_needed_on_the_other_machine() {
    let (a_dir, b_dir, folder) =
        (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = open(a_dir.path()).await;
    team_vault(&a).await;
    share::export_dir(&a, folder.path()).await.unwrap();
    for (path, bytes) in tree(folder.path()) {
        for (i, secret) in SECRETS.iter().enumerate() {
            assert!(!bytes.windows(secret.len()).any(|w| w == secret.as_bytes()), "secret #{i} is in {path}");
        }
        let text = String::from_utf8(bytes).unwrap();
        assert!(!text.contains(r#""set""#), "no {{\"set\": true}} marker in {path}");
        assert!(
            text.ends_with("}\n") && text.contains("\n  \"id\""),
            "2-space pretty JSON ending in a newline: {path}"
        );
    }
    let github: serde_json::Value = serde_json::from_str(&text(folder.path(), "datasources/github.json")).unwrap();
    assert_eq!(
        github["secrets"],
        serde_json::json!(["auth.clientSecret", "environments.production.auth.clientSecret"])
    );
    let staging: serde_json::Value = serde_json::from_str(&text(folder.path(), "environments/staging.json")).unwrap();
    assert_eq!(staging["variables"][1], serde_json::json!({"key": "apiToken", "secret": true}));

    let b = open(b_dir.path()).await;
    let plan = share::import_dir(&b, folder.path(), false, false).await.unwrap();
    let github = plan.datasources.iter().find(|d| d.name == "GitHub").unwrap();
    let fields: Vec<&str> = github.needs_setup.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["auth.clientSecret", "environments.production.auth.clientSecret"]);
    let staging = plan.environments.iter().find(|e| e.name == "staging").unwrap();
    assert_eq!(staging.needs_setup, ["apiToken"]);
    let listed = b.list_datasources().await.unwrap();
    let setup = |name: &str| listed.iter().find(|d| d.name == name).unwrap().needs_setup.clone();
    assert_eq!(setup("GitHub"), ["auth.clientSecret", "environments.production.auth.clientSecret"]);
    assert_eq!(setup("Billing"), ["auth.token"]);
    assert_eq!(setup("Legacy"), ["auth.password"], "an optional secret the folder lists is still to enter");
    assert!(setup("Open data").is_empty());
}

#[tokio::test]
async fn updates_go_by_id_a_rename_renames_and_the_old_file_goes() {
    let (a_dir, b_dir, folder) =
        (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (open(a_dir.path()).await, open(b_dir.path()).await);
    team_vault(&a).await;
    share::export_dir(&a, folder.path()).await.unwrap();
    share::import_dir(&b, folder.path(), false, false).await.unwrap();
    let id = a.datasource("Billing").await.unwrap().id;

    let mut config = a.datasource("Billing").await.unwrap().config;
    config.name = "Billing v2".into();
    config.url = "https://billing.example.com/v2".into();
    a.update_datasource(&id, config).await.unwrap();
    let get = RequestSpec { method: "GET".into(), path: "/customers".into(), ..Default::default() };
    a.save_query_as(&id, Some("Invoices"), "All invoices", get).await.unwrap();
    let summary = share::export_dir(&a, folder.path()).await.unwrap();
    assert_eq!(summary.written, ["datasources/billing-v2.json"]);
    assert_eq!(summary.removed, ["datasources/billing.json"], "the folder mirrors the vault");

    let plan = share::import_dir(&b, folder.path(), false, false).await.unwrap();
    let billing = plan.datasources.iter().find(|d| d.id == id).unwrap();
    assert_eq!((billing.action, billing.previous_name.as_deref()), (DirAction::Update, Some("Billing")));
    assert_eq!(billing.queries.updated, ["All invoices"]);
    assert_eq!(plan.counts(), (0, 1, 7), "only Billing changed");
    let there = b.datasource(&id).await.unwrap();
    assert_eq!(
        (there.config.name.as_str(), there.config.url.as_str()),
        ("Billing v2", "https://billing.example.com/v2")
    );
    let queries: Vec<String> = b.queries(&id).await.unwrap().into_iter().map(|q| q.name).collect();
    assert_eq!(queries, ["All invoices"], "the query was renamed by its id, not added");
    assert!(b.datasource("Billing").await.is_err());
}

#[tokio::test]
async fn nothing_is_deleted_without_prune_and_prune_deletes_what_the_folder_lacks() {
    let (a_dir, b_dir, folder) =
        (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (open(a_dir.path()).await, open(b_dir.path()).await);
    team_vault(&a).await;
    share::export_dir(&a, folder.path()).await.unwrap();
    share::import_dir(&b, folder.path(), false, false).await.unwrap();
    a.delete_datasource("Legacy").await.unwrap();
    a.delete_environment("production").await.unwrap();
    a.delete_query("GitHub", "Issues").await.unwrap();
    b.create_datasource(parse_datasource(r#"{"name":"Mine","url":"https://mine.example"}"#).unwrap()).await.unwrap();
    share::export_dir(&a, folder.path()).await.unwrap();

    let plan = share::import_dir(&b, folder.path(), false, false).await.unwrap();
    let mut absent: Vec<(AbsentKind, String)> = plan.absent.iter().map(|i| (i.kind, i.name.clone())).collect();
    absent.sort_by_key(|(_, name)| name.clone());
    assert_eq!(
        absent,
        [
            (AbsentKind::Query, "Issues".to_owned()),
            (AbsentKind::Datasource, "Legacy".to_owned()),
            (AbsentKind::Datasource, "Mine".to_owned()),
            (AbsentKind::Environment, "production".to_owned())
        ]
    );
    assert!(b.datasource("Legacy").await.is_ok() && b.datasource("Mine").await.is_ok(), "kept without prune");
    assert!(b.environment("production").await.is_ok() && b.query("GitHub", "Issues").await.is_ok());
    // GitHub's production override is gone from the file; without prune its environment stays.

    let dry = share::import_dir(&b, folder.path(), true, true).await.unwrap();
    assert_eq!(dry.absent.len(), 4);
    assert!(b.datasource("Mine").await.is_ok(), "a dry run deletes nothing");
    share::import_dir(&b, folder.path(), true, false).await.unwrap();
    for name in ["Legacy", "Mine"] {
        assert!(b.datasource(name).await.is_err(), "{name} deleted with prune");
    }
    assert!(b.environment("production").await.is_err() && b.query("GitHub", "Issues").await.is_err());
    let again = tempfile::tempdir().unwrap();
    share::export_dir(&b, again.path()).await.unwrap();
    assert_eq!(tree(folder.path()), tree(again.path()), "after prune the vault is the folder");
}

#[tokio::test]
async fn a_local_secret_is_kept_where_its_destination_is_unchanged_and_dropped_where_the_file_moves_it() {
    let (a_dir, b_dir, folder) =
        (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (open(a_dir.path()).await, open(b_dir.path()).await);
    team_vault(&a).await;
    share::export_dir(&a, folder.path()).await.unwrap();
    share::import_dir(&b, folder.path(), false, false).await.unwrap();
    // B enters its own secrets.
    let mut billing = b.datasource("Billing").await.unwrap().config;
    billing.auth = serde_json::from_str(r#"{"type":"bearer","token":"b-own-token"}"#).unwrap();
    b.update_datasource("Billing", billing).await.unwrap();
    let mut github = b.datasource("GitHub").await.unwrap().config;
    if let latchkey_core::model::AuthConfig::OAuth2(o) = &mut github.auth {
        o.client_secret = "b-own-secret".into();
    }
    b.update_datasource("GitHub", github).await.unwrap();
    let mut maps = b.datasource("Maps API").await.unwrap().config;
    maps.auth =
        serde_json::from_str(r#"{"type":"apiKey","key":"X-Api-Key","value":"b-own-key","addTo":"header"}"#).unwrap();
    b.update_datasource("Maps API", maps).await.unwrap();
    // A moves Maps to another origin (entering its own key again, as the rule asks of A too).
    let mut maps = a.datasource("Maps API").await.unwrap().config;
    maps.url = "https://maps.other.example".into();
    maps.auth =
        serde_json::from_str(r#"{"type":"apiKey","key":"X-Api-Key","value":"a-new-key","addTo":"header"}"#).unwrap();
    a.update_datasource("Maps API", maps).await.unwrap();
    // A changes Billing on the same origin, and GitHub's Access Token URL.
    let mut billing = a.datasource("Billing").await.unwrap().config;
    billing.headers = vec![latchkey_core::model::KeyValue::new("Accept", "application/json")];
    billing.url = "https://billing.example.com/v3".into();
    a.update_datasource("Billing", billing).await.unwrap();
    let moved = r#"{"name":"GitHub","url":"https://api.github.com","auth":{"type":"oauth2","grantType":"client_credentials",
        "accessTokenUrl":"https://login.elsewhere.example/token","clientId":"gh-client","clientSecret":{"set":true}},
        "environments":{"production":{"auth":{"clientSecret":"cs-prod-new-2200"}},"staging":{"url":"https://{{host}}/api"}}}"#;
    a.update_datasource("GitHub", parse_datasource(moved).unwrap()).await.expect_err("A itself must enter it again");
    let moved = moved.replace(r#"{"set":true}"#, r#""cs-new-base-1100""#);
    a.update_datasource("GitHub", parse_datasource(&moved).unwrap()).await.unwrap();
    share::export_dir(&a, folder.path()).await.unwrap();

    let plan = share::import_dir(&b, folder.path(), false, false).await.unwrap();
    let billing = plan.datasources.iter().find(|d| d.name == "Billing").unwrap();
    assert_eq!(billing.kept, ["auth.token"], "same origin: B's token stays");
    assert!(billing.needs_setup.is_empty(), "{:?}", billing.needs_setup);
    let stored = b.datasource_with_secrets("Billing").await.unwrap();
    assert!(stored.config.missing_secrets().is_empty() && stored.config.url.ends_with("/v3"));
    let github = plan.datasources.iter().find(|d| d.name == "GitHub").unwrap();
    assert!(github.kept.is_empty(), "{:?}", github.kept);
    let moved = github.needs_setup.iter().find(|e| e.field == "auth.clientSecret").expect("the client secret to enter");
    assert!(moved.message.contains("Access Token URL"), "{}", moved.message);
    let maps = plan.datasources.iter().find(|d| d.name == "Maps API").unwrap();
    assert!(maps.kept.is_empty(), "{:?}", maps.kept);
    assert_eq!(maps.needs_setup[0].field, "auth.value");
    assert!(maps.needs_setup[0].message.contains("the URL moved to another origin"), "{}", maps.needs_setup[0].message);
    let listed = b.list_datasources().await.unwrap();
    let gh = listed.iter().find(|d| d.name == "GitHub").unwrap();
    assert!(gh.needs_setup.contains(&"auth.clientSecret".to_owned()), "{:?}", gh.needs_setup);
    let stored = b.datasource_with_secrets("GitHub").await.unwrap();
    let latchkey_core::model::AuthConfig::OAuth2(o) = &stored.config.auth else { panic!() };
    assert!(o.client_secret.is_empty(), "B's secret does not follow the file to another token URL");
}

#[tokio::test]
async fn a_file_carrying_a_secret_value_is_refused_naming_file_and_field_and_nothing_is_stored() {
    let (a_dir, b_dir, folder) =
        (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (open(a_dir.path()).await, open(b_dir.path()).await);
    team_vault(&a).await;
    share::export_dir(&a, folder.path()).await.unwrap();
    let path = folder.path().join("datasources/billing.json");
    let leaked = text(folder.path(), "datasources/billing.json")
        .replace(r#""type": "bearer""#, r#""type": "bearer", "token": "leaked-tok-4242""#);
    std::fs::write(&path, leaked).unwrap();
    let errors = invalid(share::import_dir(&b, folder.path(), false, false).await.unwrap_err());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("datasources/billing.json, /datasource/auth/token: this file carries a secret value"),
        "{}",
        errors[0]
    );
    assert!(errors[0].contains("remove the field"), "{}", errors[0]);
    assert!(!errors[0].contains("leaked-tok-4242"), "the value is never echoed");
    assert!(b.list_datasources().await.unwrap().is_empty(), "nothing stored: not even the other files");
    assert_eq!(b.list_environments().await.unwrap().len(), 1);

    let marked = text(folder.path(), "environments/staging.json")
        .replace(r#""secret": true"#, r#""secret": true, "value": "var-leak-1234""#);
    share::export_dir(&a, folder.path()).await.unwrap();
    std::fs::write(folder.path().join("environments/staging.json"), marked).unwrap();
    let errors = invalid(share::import_dir(&b, folder.path(), false, false).await.unwrap_err());
    let env_error =
        errors.iter().find(|e| e.starts_with("environments/staging.json, /variables/")).expect("{errors:?}");
    assert!(env_error.contains("secret variable `apiToken`") && !env_error.contains("var-leak-1234"), "{env_error}");
}

#[tokio::test]
async fn malformed_json_names_the_file_and_the_line_and_stray_files_are_ignored() {
    let (a_dir, b_dir, folder) =
        (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (open(a_dir.path()).await, open(b_dir.path()).await);
    team_vault(&a).await;
    share::export_dir(&a, folder.path()).await.unwrap();
    std::fs::write(folder.path().join("README.md"), "# our APIs\n").unwrap();
    std::fs::write(folder.path().join("datasources/notes.txt"), "not json").unwrap();
    std::fs::write(folder.path().join("datasources/.scratch.json"), "{").unwrap();
    std::fs::create_dir(folder.path().join("datasources/old")).unwrap();
    std::fs::write(folder.path().join("datasources/old/x.json"), "{").unwrap();
    let plan = share::import_dir(&b, folder.path(), false, true).await.unwrap();
    assert_eq!(plan.datasources.len(), 5, "stray files are not read");

    let broken = text(folder.path(), "datasources/legacy.json").replacen("\"url\": ", "\"url\" ", 1);
    std::fs::write(folder.path().join("datasources/legacy.json"), broken).unwrap();
    let errors = invalid(share::import_dir(&b, folder.path(), false, false).await.unwrap_err());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("datasources/legacy.json, line 5, column"), "{}", errors[0]);
    assert!(errors[0].contains("not valid JSON"), "{}", errors[0]);
    assert!(b.list_datasources().await.unwrap().is_empty());

    // Export leaves the stray files alone.
    share::export_dir(&a, folder.path()).await.unwrap();
    assert!(folder.path().join("README.md").exists() && folder.path().join("datasources/notes.txt").exists());
    assert!(folder.path().join("datasources/old/x.json").exists());
}

#[tokio::test]
async fn export_rewrites_only_the_files_that_changed() {
    let (a_dir, folder) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = open(a_dir.path()).await;
    team_vault(&a).await;
    share::export_dir(&a, folder.path()).await.unwrap();
    let modified = |file: &str| std::fs::metadata(folder.path().join(file)).unwrap().modified().unwrap();
    let before = modified("datasources/github.json");
    let again = share::export_dir(&a, folder.path()).await.unwrap();
    assert!(again.written.is_empty() && again.removed.is_empty(), "{again:?}");
    assert_eq!(again.unchanged, 8);
    a.save_query("Billing", "Refunds", RequestSpec { path: "/refunds".into(), ..Default::default() }).await.unwrap();
    let third = share::export_dir(&a, folder.path()).await.unwrap();
    assert_eq!(third.written, ["datasources/billing.json"]);
    assert_eq!(modified("datasources/github.json"), before, "an unchanged file is not touched");
    assert_ne!(again.fingerprint, third.fingerprint, "the fingerprint follows the bytes");
    let status = share::dir_status(&a, folder.path()).await.unwrap();
    assert!(status.up_to_date && status.fingerprint == third.fingerprint, "{status:?}");
}

#[tokio::test]
async fn dir_status_says_what_an_import_would_do() {
    let (a_dir, b_dir, folder) =
        (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (open(a_dir.path()).await, open(b_dir.path()).await);
    team_vault(&a).await;
    share::export_dir(&a, folder.path()).await.unwrap();
    let status = share::dir_status(&b, folder.path()).await.unwrap();
    assert_eq!((status.create, status.update, status.unchanged, status.up_to_date), (7, 0, 1, false));
    share::import_dir(&b, folder.path(), false, false).await.unwrap();
    let status = share::dir_status(&b, folder.path()).await.unwrap();
    assert!(status.up_to_date, "{status:?}");
}

#[tokio::test]
async fn an_environment_renamed_in_the_folder_is_renamed_here_with_the_overrides_for_it() {
    let (a_dir, b_dir, folder) =
        (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (open(a_dir.path()).await, open(b_dir.path()).await);
    team_vault(&a).await;
    share::export_dir(&a, folder.path()).await.unwrap();
    share::import_dir(&b, folder.path(), false, false).await.unwrap();
    // Renamed in the files by hand (A's store keeps names of environments with overrides).
    let env = text(folder.path(), "environments/production.json").replace("\"production\",", "\"live\",");
    std::fs::remove_file(folder.path().join("environments/production.json")).unwrap();
    std::fs::write(folder.path().join("environments/live.json"), env).unwrap();
    let gh = text(folder.path(), "datasources/github.json").replace("production", "live");
    std::fs::write(folder.path().join("datasources/github.json"), gh).unwrap();
    let plan = share::import_dir(&b, folder.path(), false, false).await.unwrap();
    let live = plan.environments.iter().find(|e| e.name == "live").unwrap();
    assert_eq!(live.previous_name.as_deref(), Some("production"));
    let config = b.datasource("GitHub").await.unwrap().config;
    assert!(config.environments.contains_key("live") && !config.environments.contains_key("production"));
    let again = tempfile::tempdir().unwrap();
    share::export_dir(&b, again.path()).await.unwrap();
    assert_eq!(tree(folder.path()), tree(again.path()));
}

#[tokio::test]
async fn ids_of_another_kind_twice_or_owned_elsewhere_and_names_taken_here_are_refused() {
    let (a_dir, b_dir, folder) =
        (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (open(a_dir.path()).await, open(b_dir.path()).await);
    team_vault(&a).await;
    share::export_dir(&a, folder.path()).await.unwrap();
    let billing = text(folder.path(), "datasources/billing.json");
    let id = a.datasource("Billing").await.unwrap().id.to_string();

    // Someone here made a datasource of the same name: refused, unless --prune replaces it.
    b.create_datasource(parse_datasource(r#"{"name":"billing","url":"https://mine.example"}"#).unwrap()).await.unwrap();
    let errors = invalid(share::import_dir(&b, folder.path(), false, false).await.unwrap_err());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("datasources/billing.json, /datasource/name: a datasource named `billing` already exists here with another id"), "{}", errors[0]);
    assert!(errors[0].contains("or import with --prune"), "{}", errors[0]);
    assert_eq!(b.list_datasources().await.unwrap().len(), 1, "nothing stored");
    share::import_dir(&b, folder.path(), true, false).await.unwrap();
    assert_eq!(b.datasource("Billing").await.unwrap().id.to_string(), id, "pruned and replaced by the folder's");

    // An id of another kind, and one id in two files.
    std::fs::write(folder.path().join("datasources/billing.json"), billing.replace(&id, "env_1234")).unwrap();
    std::fs::write(folder.path().join("datasources/copy.json"), text(folder.path(), "datasources/legacy.json"))
        .unwrap();
    let errors = invalid(share::import_dir(&b, folder.path(), false, false).await.unwrap_err());
    assert!(
        errors.iter().any(|e| e.starts_with("datasources/billing.json, /id: `env_1234` is not a datasource id")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.starts_with("datasources/legacy.json, /id: datasources/copy.json has the same id")),
        "{errors:?}"
    );
    std::fs::remove_file(folder.path().join("datasources/copy.json")).unwrap();

    // A query whose id belongs to another datasource here.
    let github_query = b.queries("GitHub").await.unwrap()[0].id.clone();
    let billing_query = b.queries("Billing").await.unwrap()[0].id.clone();
    std::fs::write(folder.path().join("datasources/billing.json"), billing.replace(&billing_query, &github_query))
        .unwrap();
    let errors = invalid(share::import_dir(&b, folder.path(), false, false).await.unwrap_err());
    assert!(
        errors.iter().any(|e| e
            .starts_with("datasources/billing.json, /queries/0/id: this query id belongs to datasource `GitHub` here")),
        "{errors:?}"
    );
}

#[tokio::test]
async fn query_groups_travel_with_the_folder_and_a_changed_group_is_an_update() {
    let (a_dir, b_dir, folder, again) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let a = open(a_dir.path()).await;
    let description = "openapi: 3.0.0\ninfo: {title: Pets}\nservers: [{url: 'https://pets.example'}]\npaths:\n  \
                       /pets:\n    get: {operationId: listPets, tags: [pets]}\n  /health:\n    get: {operationId: health}\n";
    let plan =
        latchkey_core::import::plan(latchkey_core::import::Source { name: "pets.yaml", text: description }, None, &[])
            .unwrap();
    a.apply_import(&plan).await.unwrap();
    share::export_dir(&a, folder.path()).await.unwrap();
    let file = text(folder.path(), "datasources/pets.json");
    assert!(file.contains(r#""group": "pets""#), "{file}");

    let b = open(b_dir.path()).await;
    share::import_dir(&b, folder.path(), false, false).await.unwrap();
    let groups: Vec<(String, Option<String>)> =
        b.queries("Pets").await.unwrap().into_iter().map(|q| (q.name, q.group)).collect();
    assert_eq!(groups, [("health".to_owned(), None), ("listPets".to_owned(), Some("pets".to_owned()))]);
    share::export_dir(&b, again.path()).await.unwrap();
    assert_eq!(tree(folder.path()), tree(again.path()));

    std::fs::write(
        folder.path().join("datasources/pets.json"),
        file.replace(r#""group": "pets""#, r#""group": "animals""#),
    )
    .unwrap();
    let plan = share::import_dir(&b, folder.path(), false, false).await.unwrap();
    let ds = plan.datasources.iter().find(|d| d.name == "Pets").unwrap();
    assert_eq!(ds.queries.updated, ["listPets"], "{:?}", ds.queries);
    let query = b.query("Pets", "listPets").await.unwrap();
    assert_eq!(query.group.as_deref(), Some("animals"));
}
