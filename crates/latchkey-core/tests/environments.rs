//! Environments in the store, against a real SQLite file in a temp dir: variables (secret ones
//! sealed), per-environment overrides of a datasource (merged, validated and sealed per
//! environment), tokens per datasource and environment, and the destination rule applied to
//! every environment's effective configuration and to changes of variables.

use latchkey_core::model::{
    AuthConfig, DatasourceConfig, EnvironmentConfig, EnvironmentId, EnvironmentRef, TokenStatus, Variable,
    VariableValue,
};
use latchkey_core::store::NewTokens;
use latchkey_core::transfer::{export_datasource, export_environment, parse_datasource, parse_environment, SecretView};
use latchkey_core::vault::key::KeyringUse;
use latchkey_core::{DataDir, Error, FieldError, Secret, SecretField, Store};

async fn open(dir: &tempfile::TempDir) -> Store {
    Store::open_with(&DataDir::at(dir.path()), KeyringUse::Off).await.expect("open store")
}

fn config(json: &str) -> DatasourceConfig {
    parse_datasource(json).expect("valid datasource JSON")
}

fn invalid(result: Result<impl std::fmt::Debug, Error>) -> Vec<FieldError> {
    match result {
        Err(Error::Invalid(errors)) => errors,
        other => panic!("expected field errors, got {other:?}"),
    }
}

fn in_files(dir: &std::path::Path, needle: &str) -> Vec<String> {
    latchkey_testkit::files_under(dir)
        .into_iter()
        .filter(|p| std::fs::read(p).is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes())))
        .map(|p| p.display().to_string())
        .collect()
}

fn tokens(access: &str) -> NewTokens {
    let now = latchkey_core::store::now_millis();
    NewTokens {
        access_token: Secret::new(access),
        refresh_token: None,
        token_type: "Bearer".into(),
        scope: String::new(),
        obtained_at: now,
        expires_at: Some(now + 3_600_000),
    }
}

fn client_secret(config: &DatasourceConfig) -> SecretField {
    let AuthConfig::OAuth2(oauth) = &config.auth else { panic!("oauth2 expected") };
    oauth.client_secret.clone()
}

const SHOP: &str = r#"{"name":"Shop","url":"https://api.example.com/v1",
  "auth":{"type":"oauth2","grantType":"client_credentials","accessTokenUrl":"https://id.example.com/token",
          "clientId":"base-client","clientSecret":"MARKER-BASE-CS"},
  "environments":{"staging":{"url":"https://staging.example.com/v1"},
                  "production":{"auth":{"clientSecret":"MARKER-PROD-CS"}}}}"#;

#[tokio::test]
async fn a_new_vault_has_one_default_environment_that_cannot_go_while_it_is_the_only_one() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let list = store.list_environments().await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].name.as_str(), list[0].id.as_str()), ("default", EnvironmentId::DEFAULT));
    let errors = invalid(store.delete_environment("default").await);
    assert!(errors[0].message.contains("only environment: create another"), "{}", errors[0].message);

    store.create_environment("staging", false).await.unwrap();
    let errors = invalid(store.create_environment("STAGING", false).await);
    assert_eq!(errors[0].field, "name", "names are unique regardless of case");
    let errors = invalid(store.create_environment(" qa", false).await);
    assert_eq!(errors[0].field, "name");
    match store.environment("qa").await {
        Err(Error::EnvironmentNotFound { name, known }) => {
            assert_eq!(name, "qa");
            assert_eq!(known, ["default", "staging"], "the message names the ones there are");
        }
        other => panic!("expected EnvironmentNotFound, got {other:?}"),
    }
    store.delete_environment("default").await.expect("with another left, default may go");
    assert_eq!(store.environment(EnvironmentRef::Default).await.unwrap().config.name, "staging");
}

#[tokio::test]
async fn secret_variables_are_sealed_and_never_read_back_for_display() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    store.create_environment("staging", true).await.unwrap();
    store.set_variable("staging", Variable::plain("host", "staging.example.com")).await.unwrap();
    store.set_variable("staging", Variable::secret("apiKey", "MARKER-VAR-1".into())).await.unwrap();
    let shown = store.environment("Staging").await.unwrap();
    assert!(shown.config.production);
    assert_eq!(shown.config.variable("apiKey").unwrap().value, VariableValue::Secret(SecretField::Stored));
    assert!(!serde_json::to_string(&shown).unwrap().contains("MARKER"));
    let opened = store.environment_with_secrets("staging").await.unwrap();
    assert_eq!(opened.config.variable("apiKey").unwrap().value, VariableValue::Secret("MARKER-VAR-1".into()));
    store.close().await;
    assert!(in_files(dir.path(), "MARKER-VAR-1").is_empty(), "a secret variable never reaches a file in plaintext");

    let store = open(&dir).await;
    // Export leaves the value out (a marker) unless asked; the marker imports back keeping it.
    let env = store.environment_with_secrets("staging").await.unwrap();
    let shared = export_environment(&env, SecretView::Marker);
    assert!(!shared.to_string().contains("MARKER"), "{shared}");
    assert_eq!(shared["variables"][1]["value"], serde_json::json!({"set": true}));
    assert_eq!(export_environment(&env, SecretView::Reveal)["variables"][1]["value"], "MARKER-VAR-1");
    assert_eq!(export_environment(&env, SecretView::Mask)["variables"][1]["value"], "<set>");
    let (saved, _) = store.import_environment(parse_environment(&shared.to_string()).unwrap()).await.unwrap();
    assert_eq!(saved.environment.config.variables.len(), 2);
    let again = store.environment_with_secrets("staging").await.unwrap();
    assert_eq!(again.config.variable("apiKey").unwrap().value, VariableValue::Secret("MARKER-VAR-1".into()));

    // A marker with nothing stored is an error on its row; nothing changes.
    let bad =
        parse_environment(r#"{"name":"staging","variables":[{"key":"other","value":{"set":true},"secret":true}]}"#)
            .unwrap();
    let errors = invalid(store.import_environment(bad).await);
    assert_eq!(errors[0].field, "variables[0].value");
    assert_eq!(store.environment("staging").await.unwrap().config.variables.len(), 2, "nothing was stored");
    let errors = invalid(store.unset_variable("staging", "nope").await);
    assert!(errors[0].message.contains("has no variable `nope`"), "{}", errors[0].message);
}

#[tokio::test]
async fn overrides_are_merged_per_environment_and_their_secrets_sealed_per_environment() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    store.create_environment("staging", false).await.unwrap();
    store.create_environment("Production", true).await.unwrap();
    let created = store.create_datasource(config(SHOP)).await.unwrap();
    assert!(
        created.config.environments.contains_key("Production"),
        "override names are written as the vault spells them: {:?}",
        created.config.environments.keys()
    );
    let shown = store.datasource("Shop").await.unwrap();
    let written = serde_json::to_string(&shown).unwrap();
    assert!(!written.contains("MARKER"), "{written}");
    assert!(written.contains(r#""Production":{"auth":{"clientSecret":{"set":true}}}"#), "{written}");

    let production = store.datasource_in("Shop", "production").await.unwrap();
    assert_eq!(production.config.url, "https://api.example.com/v1");
    assert_eq!(client_secret(&production.config), SecretField::from("MARKER-PROD-CS"));
    assert!(production.config.environments.is_empty(), "an effective configuration has no overrides");
    let staging = store.datasource_in("Shop", "staging").await.unwrap();
    assert_eq!(staging.config.url, "https://staging.example.com/v1");
    assert_eq!(client_secret(&staging.config), SecretField::from("MARKER-BASE-CS"), "from the base");
    let default = store.datasource_in("Shop", EnvironmentRef::Default).await.unwrap();
    assert_eq!(default.environment_id().as_str(), EnvironmentId::DEFAULT);
    store.close().await;
    assert!(in_files(dir.path(), "MARKER-PROD-CS").is_empty(), "an override's secret is sealed too");

    // A full export carries the override's secret; importing it back (same destinations) keeps all.
    let store = open(&dir).await;
    let full = store.datasource_with_secrets("Shop").await.unwrap();
    let with = export_datasource(&full, SecretView::Reveal);
    assert_eq!(with["environments"]["Production"]["auth"]["clientSecret"], "MARKER-PROD-CS");
    let shared = export_datasource(&full, SecretView::Marker);
    assert!(!shared.to_string().contains("MARKER"), "{shared}");
    store.import_datasource(config(&shared.to_string())).await.expect("one's own export imports back");
    let production = store.datasource_in("Shop", "production").await.unwrap();
    assert_eq!(client_secret(&production.config), SecretField::from("MARKER-PROD-CS"));

    // Removing the override removes its sealed secret.
    let mut without = store.datasource("Shop").await.unwrap().config;
    without.environments.remove("Production");
    store.update_datasource("Shop", without).await.unwrap();
    let production = store.datasource_in("Shop", "production").await.unwrap();
    assert_eq!(client_secret(&production.config), SecretField::from("MARKER-BASE-CS"));
}

#[tokio::test]
async fn every_effective_configuration_is_validated_and_an_error_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    store.create_environment("staging", false).await.unwrap();
    let bad_override = r#"{"name":"Shop","url":"https://api.example.com","auth":{"type":"none"},
      "environments":{"staging":{"url":"ftp://staging.example.com"}}}"#;
    let errors = invalid(store.create_datasource(config(bad_override)).await);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].field, "environments.staging.url");
    assert!(errors[0].message.starts_with("in staging: "), "{}", errors[0].message);

    let unknown_env =
        r#"{"name":"Shop","url":"https://api.example.com","environments":{"qa":{"url":"https://qa.example.com"}}}"#;
    let errors = invalid(store.create_datasource(config(unknown_env)).await);
    assert_eq!(errors[0].field, "environments.qa");
    assert!(errors[0].message.contains("latchkey env create qa"), "{}", errors[0].message);

    // A variable defined in one environment only: the other says so.
    store.set_variable("staging", Variable::plain("host", "staging.example.com")).await.unwrap();
    let templated = r#"{"name":"Shop","url":"https://{{host}}/v1"}"#;
    let errors = invalid(store.create_datasource(config(templated)).await);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].field, "url");
    assert!(
        errors[0].message.contains("`{{host}}`") && errors[0].message.contains("environment `default`"),
        "{}",
        errors[0].message
    );
    store.set_variable("default", Variable::plain("host", "api.example.com")).await.unwrap();
    store.create_datasource(config(templated)).await.expect("defined everywhere, it saves");
    assert!(store.list_datasources().await.unwrap().len() == 1, "only the valid one was stored");
}

#[tokio::test]
async fn tokens_are_per_environment_and_a_save_drops_only_those_whose_destination_moved() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    store.create_environment("staging", false).await.unwrap();
    store.create_environment("production", true).await.unwrap();
    store.create_datasource(config(SHOP)).await.unwrap();
    for (env, access) in [("default", "tok-default"), ("staging", "tok-staging"), ("production", "tok-prod")] {
        let ds = store.datasource_in("Shop", env).await.unwrap();
        store.save_tokens(&ds, &tokens(access)).await.unwrap();
    }
    let read = |env: &'static str| {
        let store = store.clone();
        async move {
            let ds = store.datasource_in("Shop", env).await.unwrap();
            store.tokens(&ds).await.unwrap().map(|t| t.access_token.unwrap().expose().to_owned())
        }
    };
    assert_eq!(read("staging").await.as_deref(), Some("tok-staging"));
    assert_eq!(read("default").await.as_deref(), Some("tok-default"));

    // Staging's URL moves to another origin: staging's tokens go, the others stay.
    let mut moved = store.datasource("Shop").await.unwrap().config;
    moved.environments.get_mut("staging").unwrap().url = Some("https://other.example.com/v1".into());
    let saved = store.update_datasource("Shop", moved).await.unwrap();
    let why = saved.tokens_dropped.expect("staging's tokens were dropped");
    assert!(why.starts_with("in staging: the URL moved to another origin"), "{why}");
    assert_eq!(read("staging").await, None);
    assert_eq!(read("default").await.as_deref(), Some("tok-default"));
    assert_eq!(read("production").await.as_deref(), Some("tok-prod"));

    // Forgetting in one environment leaves the others; the list's badges follow the environment.
    let production = store.datasource_in("Shop", "production").await.unwrap();
    store.forget_tokens(&production).await.unwrap();
    assert_eq!(read("default").await.as_deref(), Some("tok-default"));
    let badge = |list: Vec<latchkey_core::model::DatasourceSummary>| list[0].token_status;
    assert_eq!(badge(store.list_datasources_in("default").await.unwrap()), Some(TokenStatus::Authorized));
    assert_eq!(badge(store.list_datasources_in("production").await.unwrap()), Some(TokenStatus::NotAuthorized));

    // The production client secret was entered for the base token URL; a production-only token
    // URL is another destination for it: it must be entered again, and nothing is stored.
    let mut elsewhere = store.datasource("Shop").await.unwrap().config;
    let production = elsewhere.environments.get_mut("production").unwrap();
    production.auth = Some(
        serde_json::from_value(serde_json::json!({
            "clientSecret": {"set": true}, "accessTokenUrl": "https://evil.example/token"
        }))
        .unwrap(),
    );
    let errors = invalid(store.update_datasource("Shop", elsewhere).await);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].field, "environments.production.auth.clientSecret");
    assert!(
        errors[0].message.contains("the Access Token URL changed: enter the client secret again"),
        "{}",
        errors[0].message
    );
    // The base secret used in staging, where the token URL is overridden, is named on its own field.
    let mut base_moved = store.datasource("Shop").await.unwrap().config;
    base_moved.environments.get_mut("staging").unwrap().auth =
        Some(serde_json::from_value(serde_json::json!({"accessTokenUrl": "https://evil.example/token"})).unwrap());
    let errors = invalid(store.update_datasource("Shop", base_moved).await);
    assert_eq!(errors[0].field, "auth.clientSecret");
    assert!(errors[0].message.starts_with("in staging: the Access Token URL changed"), "{}", errors[0].message);
    let production = store.datasource_in("Shop", "production").await.unwrap();
    assert_eq!(client_secret(&production.config), SecretField::from("MARKER-PROD-CS"), "nothing changed");
}

#[tokio::test]
async fn a_variable_cannot_move_a_stored_secret_and_moving_tokens_drops_them() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    store.set_variable("default", Variable::plain("host", "api.example.com")).await.unwrap();
    store.set_variable("default", Variable::plain("tenant", "t-1")).await.unwrap();
    let bearer = r#"{"name":"Bearer","url":"https://{{host}}/v1","headers":[{"key":"X-Tenant","value":"{{tenant}}"}],
      "auth":{"type":"bearer","token":"MARKER-BEARER"}}"#;
    store.create_datasource(config(bearer)).await.unwrap();
    let ds = store.datasource_in("Bearer", "default").await.unwrap();
    assert_eq!(ds.config.url, "https://api.example.com/v1");
    assert_eq!(ds.config.headers[0].value, "t-1");

    // Another tenant: no destination moves.
    store.set_variable("default", Variable::plain("tenant", "t-2")).await.expect("a header value is no destination");
    // Another host would send the stored bearer token elsewhere: refused, nothing changes.
    let errors = invalid(store.set_variable("default", Variable::plain("host", "evil.example")).await);
    assert_eq!(errors[0].field, "variables");
    assert!(
        errors[0].message.contains("datasource `Bearer`") && errors[0].message.contains("auth.token"),
        "{}",
        errors[0].message
    );
    let env = store.environment("default").await.unwrap();
    assert_eq!(env.config.variable("host").unwrap().value, VariableValue::Plain("api.example.com".into()));
    // Removing the variable cannot do it either, nor importing the environment with another value.
    invalid(store.unset_variable("default", "host").await);
    let imported = EnvironmentConfig {
        name: "default".into(),
        production: false,
        variables: vec![Variable::plain("host", "evil.example"), Variable::plain("tenant", "t-2")],
    };
    invalid(store.import_environment(imported).await);

    // OAuth tokens whose API origin comes from a variable are dropped when it moves (with no
    // stored secret in the way).
    store.create_environment("staging", false).await.unwrap();
    // Defining `host` in staging decides where the bearer token goes there: said, not refused.
    let saved = store.set_variable("staging", Variable::plain("host", "staging.example.com")).await.unwrap();
    assert_eq!(
        saved.secrets_routed,
        ["Bearer: its stored auth.token will be sent to https://staging.example.com in staging"]
    );
    store.set_variable("staging", Variable::plain("tenant", "t-s")).await.unwrap();
    let oauth = r#"{"name":"Public","url":"https://{{host}}/v1","auth":{"type":"oauth2","grantType":"authorization_code",
      "accessTokenUrl":"https://id.example.com/token","authorizationUrl":"https://id.example.com/authorize","clientId":"c"}}"#;
    store.create_datasource(config(oauth)).await.unwrap();
    for env in ["default", "staging"] {
        let ds = store.datasource_in("Public", env).await.unwrap();
        store.save_tokens(&ds, &tokens(&format!("tok-{env}"))).await.unwrap();
    }
    let mut staging = store.environment("staging").await.unwrap().config;
    staging.variables[0] = Variable::plain("host", "staging2.example.com");
    let errors = invalid(store.update_environment("staging", staging.clone()).await);
    assert!(errors[0].message.contains("`Bearer`"), "the bearer datasource is in the way in staging too: {errors:?}");
    // With the bearer datasource's token overridden for staging to none, it is no longer in the way.
    let mut bearer_config = store.datasource("Bearer").await.unwrap().config;
    bearer_config
        .environments
        .insert("staging".into(), serde_json::from_value(serde_json::json!({"auth": {"type": "none"}})).unwrap());
    store.update_datasource("Bearer", bearer_config).await.unwrap();
    let saved = store.update_environment("staging", staging).await.expect("only tokens move now");
    assert_eq!(saved.tokens_dropped.len(), 1, "{:?}", saved.tokens_dropped);
    assert!(
        saved.tokens_dropped[0].starts_with("Public: the URL moved to another origin"),
        "{:?}",
        saved.tokens_dropped
    );
    let staging = store.datasource_in("Public", "staging").await.unwrap();
    assert!(store.tokens(&staging).await.unwrap().is_none(), "staging's tokens went");
    let default = store.datasource_in("Public", "default").await.unwrap();
    assert!(store.tokens(&default).await.unwrap().is_some(), "default's stayed");
}

#[tokio::test]
async fn deleting_an_environment_takes_its_overrides_secrets_and_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    store.create_environment("staging", false).await.unwrap();
    store.create_environment("production", true).await.unwrap();
    store.create_datasource(config(SHOP)).await.unwrap();
    let ds = store.datasource_in("Shop", "production").await.unwrap();
    store.save_tokens(&ds, &tokens("tok-prod")).await.unwrap();
    store.delete_environment("production").await.unwrap();
    let shop = store.datasource("Shop").await.unwrap();
    assert_eq!(shop.config.environments.keys().collect::<Vec<_>>(), ["staging"], "production's overrides went");
    store.create_environment("production", false).await.unwrap();
    let again = store.datasource_in("Shop", "production").await.unwrap();
    assert_eq!(client_secret(&again.config), SecretField::from("MARKER-BASE-CS"), "the old override is gone");
    assert!(store.tokens(&again).await.unwrap().is_none(), "so are its tokens");
    store.close().await;
    assert!(in_files(dir.path(), "MARKER-PROD-CS").is_empty());
}
