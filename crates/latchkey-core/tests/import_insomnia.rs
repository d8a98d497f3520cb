//! Real Insomnia v4 exports, as Insomnia's authors published them inside an npm package (see
//! `tests/fixtures/insomnia/README.md`), planned and applied as imports: the datasources, their
//! authentication (OAuth 2.0 with its client's secret from an environment), environments and
//! variables, the queries, and what is dropped.

use latchkey_core::import::{self, DatasourceAction, Format, ImportPlan, Source};
use latchkey_core::model::{AuthConfig, ClientAuthentication, GrantType, KeyValue, RequestBody, VariableValue};
use latchkey_core::vault::key::KeyringUse;
use latchkey_core::{DataDir, SecretField, Store};

fn text(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/insomnia/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn planned(name: &str) -> ImportPlan {
    let text = text(name);
    assert_eq!(Format::detect(&text), Some(Format::Insomnia), "{name} is detected as Insomnia");
    import::plan(Source { name, text: &text }, None, &[]).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn the_openapi_oauth2_export_is_one_authorization_code_datasource_with_its_environment() {
    let plan = planned("openapi3-oauth2-output.json");
    assert_eq!(plan.datasources.len(), 1);
    let ds = &plan.datasources[0];
    // The workspace's name; its `base_url` is `{{ scheme }}://{{ host }}{{ base_path }}`, set in
    // the sub-environment "OpenAPI env".
    assert_eq!(
        (ds.action, ds.config.name.as_str(), ds.config.url.as_str()),
        (DatasourceAction::Create, "Endpoint Security 1.2", "https://api.server.test/v1")
    );
    let AuthConfig::OAuth2(o) = &ds.config.auth else { panic!("{:?}", ds.config.auth) };
    assert_eq!(o.grant_type, GrantType::AuthorizationCode);
    assert_eq!(o.authorization_url, "https://api.server.test/v1/auth");
    assert_eq!(o.access_token_url, "https://api.server.test/v1/token");
    assert_eq!(o.client_id, "clientId", "`{{{{ oauth2ClientId }}}}` from the environment");
    assert_eq!(o.client_secret, SecretField::from("clientSecret"), "`{{{{ oauth2ClientSecret }}}}`, to be sealed");
    assert_eq!(o.scopes, ["read:something", "write:something"], "the three requests differ only in scopes");
    assert_eq!(o.client_authentication, ClientAuthentication::BasicHeader);
    assert_eq!(ds.secrets, ["auth.clientSecret"]);
    assert!(ds.needs_setup.is_empty(), "{:?}", ds.needs_setup);
    assert!(ds.auth_mapping.contains("used by 3 of its 3 requests"), "{}", ds.auth_mapping);
    let paths: Vec<&str> = ds.queries.iter().map(|q| q.request.path.as_str()).collect();
    assert_eq!(
        paths,
        ["/oauth2/authorization-code", "/oauth2/authorization-code-read", "/oauth2/authorization-code-read-write"]
    );
    assert!(ds.queries.iter().all(|q| q.request.method == "GET" && q.group.is_none()));
    let redirect = plan.dropped.iter().find(|d| d.what == "auth.redirectUrl").unwrap();
    assert!(redirect.reason.contains("loopback"), "{}", redirect.reason);
    assert_eq!(plan.dropped.len(), 1, "{:#?}", plan.dropped);
    let env = &plan.environments[0].config;
    assert_eq!(env.name, "Endpoint Security 1-2 / OpenAPI env");
    assert_eq!(
        env.variable("base_url").map(|v| &v.value),
        Some(&VariableValue::Plain("https://api.server.test/v1".into()))
    );
    assert!(env.variable("oauth2ClientSecret").unwrap().is_secret());
    assert!(!env.variable("oauth2ClientId").unwrap().is_secret());
    let shown = serde_json::to_string(&plan).unwrap();
    assert!(!shown.contains(":\"clientSecret\""), "the secret's value is not in the plan: {shown}");
}

#[tokio::test]
async fn the_oauth2_export_applies_next_to_the_default_environment() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_with(&DataDir::at(dir.path()), KeyringUse::Off).await.unwrap();
    let plan = planned("openapi3-oauth2-output.json");
    let applied = store.apply_import(&plan).await.unwrap();
    assert!(applied.environments[0].created);
    assert!(applied.datasources[0].needs_setup.is_empty(), "{:?}", applied.datasources[0].needs_setup);
    let listed = store.list_datasources().await.unwrap();
    assert_eq!(listed.len(), 1);
    let ds = store.datasource_with_secrets(&listed[0].id).await.unwrap();
    let AuthConfig::OAuth2(o) = &ds.config.auth else { panic!() };
    assert_eq!(
        o.client_secret.value().map(|s| s.expose().to_owned()).as_deref(),
        Some("clientSecret"),
        "sealed, opened"
    );
    assert_eq!(store.queries(&listed[0].id).await.unwrap().len(), 3);
    let env = store.environment_with_secrets("Endpoint Security 1-2 / OpenAPI env").await.unwrap();
    let secret = env.config.variable("oauth2ClientSecret").unwrap();
    assert_eq!(secret.value, VariableValue::Secret(SecretField::from("clientSecret")));
    let names: Vec<String> = store.list_environments().await.unwrap().into_iter().map(|e| e.name).collect();
    assert!(names.contains(&"default".to_owned()), "{names:?}");
}

#[tokio::test]
async fn the_folder_environment_export_keeps_its_key_sealed_and_its_bodies() {
    let plan = planned("insomnia-2-complex-output.json");
    let ds = &plan.datasources[0];
    // The workspace is not in the file; the folder's environment holds `base_url`.
    assert_eq!((ds.config.name.as_str(), ds.config.url.as_str()), ("Insomnia", "https://insomnia.rest/api/v1"));
    // `{"username": "{{ api_key }}", "password": ""}`: the old untyped Basic, a key as the username.
    let AuthConfig::ApiKey(k) = &ds.config.auth else { panic!("{:?}", ds.config.auth) };
    assert_eq!((k.key.as_str(), k.header_prefix.as_str()), ("Authorization", "Basic"));
    assert_eq!(ds.secrets, ["auth.value"]);
    let names: Vec<&str> = ds.queries.iter().map(|q| q.name.as_str()).collect();
    assert_eq!(names, ["Test Request", "Test Request (2)"]);
    let first = &ds.queries[0];
    assert_eq!(
        (first.group.as_deref(), first.request.method.as_str(), first.request.path.as_str()),
        (Some("Test Folder"), "POST", "/users")
    );
    assert_eq!(first.request.query_params, [KeyValue::new("testing", "hi 123"), KeyValue::new("testing 2", "hi 456")]);
    assert_eq!(first.request.headers, [KeyValue::new("Content-Type", "application/json; charset=utf-8")]);
    assert_eq!(first.request.body, RequestBody::Json { text: "{\"foo\": \"bar\"}".into() });
    assert_eq!(
        ds.queries[1].request.body,
        RequestBody::Raw { text: "Hello World!".into(), content_type: String::new() }
    );
    let env = &plan.environments[0].config;
    assert_eq!(env.name, "Insomnia");
    assert!(env.variable("api_key").unwrap().is_secret());
    assert!(!format!("{plan:?}").contains("live_123"), "the key is never shown");
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_with(&DataDir::at(dir.path()), KeyringUse::Off).await.unwrap();
    let applied = store.apply_import(&plan).await.unwrap();
    assert_eq!(applied.datasources[0].queries, 2);
}

#[test]
fn basic_auth_is_sealed_and_oauth1_is_dropped_per_request() {
    let plan = planned("postman-basic-auth-v2_1-output.json");
    let ds = &plan.datasources[0];
    let AuthConfig::Basic(b) = &ds.config.auth else { panic!("{:?}", ds.config.auth) };
    assert_eq!((b.username.as_str(), b.password.clone()), ("basic-username", SecretField::from("basic-password")));
    assert_eq!(ds.secrets, ["auth.password"]);
    assert_eq!(ds.queries[0].group.as_deref(), Some("Basic Auth Test"));

    let plan = planned("postman-oauth1_0-auth-v2_1-output.json");
    let ds = &plan.datasources[0];
    assert_eq!(ds.config.auth, AuthConfig::None);
    assert_eq!(ds.queries.len(), 5);
    assert_eq!(plan.dropped.len(), 5, "{:#?}", plan.dropped);
    assert!(plan.dropped.iter().all(|d| d.reason.contains("`oauth1` authentication is not supported")));
    assert!(!format!("{plan:?}").contains("consumer-secret-value"));
}

#[test]
fn requests_on_a_variable_the_file_does_not_define_are_dropped_by_name() {
    let plan = planned("postman-complex-v2_1-output.json");
    assert!(plan.datasources.is_empty());
    assert_eq!(plan.dropped.len(), 6, "{:#?}", plan.dropped);
    assert!(plan.dropped.iter().all(|d| d.what == "request" && d.reason.contains("`{{base_url}}`")));
    assert!(plan.dropped.iter().any(|d| d.item == "request `Test Request GraphQL Body` (__REQ_6__)"));
}

#[test]
fn a_yaml_export_with_only_a_workspace_plans_nothing() {
    let plan = planned("insomnia-4-basic-input.yaml");
    assert_eq!(plan.format, Format::Insomnia);
    assert!(plan.datasources.is_empty() && plan.environments.is_empty() && plan.dropped.is_empty());
}
