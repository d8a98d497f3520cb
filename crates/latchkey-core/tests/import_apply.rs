//! Applying import plans to a real store: one transaction (nothing stored when a part is
//! refused, even after the plan was made), the destination rule on a replace, needs setup.

use latchkey_core::import::{self, Format, Source};
use latchkey_core::model::{DatasourceConfig, RequestSpec};
use latchkey_core::transfer::parse_datasource;
use latchkey_core::vault::key::KeyringUse;
use latchkey_core::{DataDir, Error, Store};

async fn open(dir: &tempfile::TempDir) -> Store {
    Store::open_with(&DataDir::at(dir.path()), KeyringUse::Off).await.expect("open store")
}

fn config(json: &str) -> DatasourceConfig {
    parse_datasource(json).expect("valid datasource JSON")
}

#[tokio::test]
async fn a_part_refused_at_apply_time_leaves_the_store_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let text = "curl https://one.example/a -H 'Authorization: Bearer t-1'\ncurl https://two.example/b";
    let plan = import::plan(Source { name: "cmds.sh", text }, None, &store.list_datasources().await.unwrap()).unwrap();
    assert_eq!(plan.datasources.len(), 2);
    // Meanwhile someone takes the second datasource's name.
    store.create_datasource(config(r#"{"name":"two.example","url":"https://elsewhere.example"}"#)).await.unwrap();
    let err = store.apply_import(&plan).await.unwrap_err();
    let Error::Invalid(fields) = &err else { panic!("{err}") };
    assert_eq!(fields[0].field, "cmds.sh, line 2: name", "{err}");
    let names: Vec<String> = store.list_datasources().await.unwrap().into_iter().map(|d| d.name).collect();
    assert_eq!(names, ["two.example"], "the first datasource was not kept either");
}

#[tokio::test]
async fn replacing_keeps_a_secret_only_where_its_destination_is_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    store
        .create_datasource(config(
            r#"{"name":"Api","url":"https://api.example.com","auth":{"type":"bearer","token":"t-secret"}}"#,
        ))
        .await
        .unwrap();
    let existing = store.list_datasources().await.unwrap();
    let moved = r#"{"name":"Api","url":"https://evil.example","auth":{"type":"bearer","token":{"set":true}}}"#;
    let plan = import::plan(Source { name: "api.json", text: moved }, Some(Format::Latchkey), &existing).unwrap();
    let err = store.apply_import(&plan).await.unwrap_err();
    assert!(err.to_string().contains("api.json, /: auth.token: the URL moved to another origin"), "{err}");
    assert_eq!(store.datasource("Api").await.unwrap().config.url, "https://api.example.com", "unchanged");
    let kept = r#"{"name":"Api","url":"https://api.example.com/v2","auth":{"type":"bearer","token":{"set":true}}}"#;
    let plan = import::plan(Source { name: "api.json", text: kept }, None, &existing).unwrap();
    store.apply_import(&plan).await.unwrap();
    let ds = store.datasource_with_secrets("Api").await.unwrap();
    assert_eq!(ds.config.url, "https://api.example.com/v2");
    assert!(ds.config.missing_secrets().is_empty(), "the token was kept on the same origin");
}

#[tokio::test]
async fn needs_setup_is_accepted_from_an_import_only_and_shown_in_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let text = "curl https://api.example.com/v1/x -H 'X-API-Key: <your-key>'";
    let plan = import::plan(Source { name: "c.sh", text }, None, &[]).unwrap();
    assert_eq!(plan.datasources[0].needs_setup[0].field, "auth.value");
    store.apply_import(&plan).await.unwrap();
    let listed = store.list_datasources().await.unwrap();
    assert_eq!(listed[0].needs_setup, ["auth.value"]);
    let query = store.query("api.example.com", "GET /v1/x").await.unwrap();
    assert_eq!(query.request.path, "/v1/x");

    let ds = store.datasource_with_secrets("api.example.com").await.unwrap();
    let err =
        latchkey_core::http::prepare(&ds, &RequestSpec::default(), None, std::time::SystemTime::now()).unwrap_err();
    assert!(matches!(err, Error::NeedsSetup { .. }), "{err}");
    assert!(err.to_string().contains("auth.value: enter the API key"), "{err}");
    assert_eq!(latchkey_core::ErrorPayload::from(&err).fields[0].field, "auth.value");

    // A normal save of the same configuration still asks for the key.
    let mut config = ds.config.clone();
    config.name = "Again".into();
    let err = store.create_datasource(config).await.unwrap_err();
    assert!(err.to_string().contains("auth.value: enter the API key"), "{err}");

    // Entering the key ends the state.
    let mut config = ds.config.clone();
    if let latchkey_core::model::AuthConfig::ApiKey(key) = &mut config.auth {
        key.value = "k-entered".into();
    }
    store.update_datasource("api.example.com", config).await.unwrap();
    assert!(store.list_datasources().await.unwrap()[0].needs_setup.is_empty(), "set up now");
}

#[tokio::test]
async fn environments_of_a_plan_are_written_in_the_same_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let text = "curl https://api.example.com/v1/x";
    let mut plan = import::plan(Source { name: "c.sh", text }, None, &[]).unwrap();
    let env = |json: &str| latchkey_core::import::PlannedEnvironment {
        config: latchkey_core::transfer::parse_environment(json).unwrap(),
        item: "/environments/0".into(),
    };
    plan.environments.push(env(r#"{"name":"staging","variables":[{"key":"host","value":"s.example"}]}"#));
    let applied = store.apply_import(&plan).await.unwrap();
    assert_eq!((applied.environments[0].name.as_str(), applied.environments[0].created), ("staging", true));
    assert!(store.environment("staging").await.is_ok());

    // A refused environment stores nothing, not even the datasource.
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    plan.environments = vec![env(r#"{"name":"prod","variables":[{"key":"bad key","value":"x"}]}"#)];
    let err = store.apply_import(&plan).await.unwrap_err();
    assert!(err.to_string().starts_with("c.sh, /environments/0: variables[0]"), "{err}");
    assert!(store.list_datasources().await.unwrap().is_empty(), "nothing was stored");
    assert!(store.environment("prod").await.is_err());
}

#[tokio::test]
async fn query_groups_are_stored_and_a_save_without_one_keeps_the_stored_group() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let text = r#"{"openapi":"3.0.0","info":{"title":"Pets","version":"1"},"servers":[{"url":"https://pets.example"}],
        "paths":{"/pets":{"get":{"operationId":"listPets","tags":["pets","other"]}},"/health":{"get":{"operationId":"health"}}}}"#;
    let plan = import::plan(Source { name: "pets.json", text }, None, &[]).unwrap();
    store.apply_import(&plan).await.unwrap();
    let queries = store.queries("Pets").await.unwrap();
    let group_of = |name: &str| queries.iter().find(|q| q.name == name).unwrap().group.clone();
    assert_eq!(group_of("listPets").as_deref(), Some("pets"), "the first tag is the group");
    assert_eq!(group_of("health"), None);
    let json = serde_json::to_value(&queries).unwrap();
    assert_eq!(json.as_array().unwrap().iter().filter(|q| q.get("group").is_some()).count(), 1, "none is not written");

    // Saving the query again (by hand: no group) keeps its group, and so does a rename.
    let spec = RequestSpec { path: "/pets?limit=1".into(), ..Default::default() };
    let saved = store.save_query("Pets", "listPets", spec.clone()).await.unwrap();
    assert_eq!(saved.group.as_deref(), Some("pets"));
    assert_eq!(saved.request, spec);
    let renamed = store.save_query_as("Pets", Some("listPets"), "all pets", spec).await.unwrap();
    assert_eq!(renamed.group.as_deref(), Some("pets"));
    // A new query saved by hand has none.
    assert_eq!(store.save_query("Pets", "new", RequestSpec::default()).await.unwrap().group, None);
    // An import joining the datasource sets the group it plans, and keeps the stored one when it
    // plans none.
    let mut plan = plan;
    let ds = &mut plan.datasources[0];
    ds.action = import::DatasourceAction::Join;
    ds.existing_id = Some(store.datasource("Pets").await.unwrap().id);
    ds.queries.retain(|q| q.name == "listPets");
    ds.queries[0].name = "all pets".into();
    ds.queries[0].group = Some("A/B".into());
    store.apply_import(&plan).await.unwrap();
    assert_eq!(store.query("Pets", "all pets").await.unwrap().group.as_deref(), Some("A/B"));
    plan.datasources[0].queries[0].group = None;
    store.apply_import(&plan).await.unwrap();
    assert_eq!(store.query("Pets", "all pets").await.unwrap().group.as_deref(), Some("A/B"));
}
