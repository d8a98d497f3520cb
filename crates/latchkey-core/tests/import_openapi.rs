//! Real OpenAPI descriptions, as their authors published them inside npm packages (see
//! `tests/fixtures/openapi/README.md`), planned and applied as imports: the datasource, the
//! chosen authentication (stored as "needs setup": a description has no secrets), the queries.

use latchkey_core::import::{self, DatasourceAction, Format, ImportPlan, Source};
use latchkey_core::model::{AuthConfig, AuthType, GrantType};
use latchkey_core::vault::key::KeyringUse;
use latchkey_core::{DataDir, Store};

fn text(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/openapi/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn planned(name: &str) -> ImportPlan {
    let text = text(name);
    assert_eq!(Format::detect(&text), Some(Format::Openapi), "{name} is detected as OpenAPI");
    import::plan(Source { name, text: &text }, None, &[]).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn google_compute_has_its_758_operations_and_the_authorization_code_scheme() {
    let plan = planned("google-compute.json");
    let ds = &plan.datasources[0];
    assert_eq!(
        (ds.action, ds.config.name.as_str(), ds.config.url.as_str()),
        (DatasourceAction::Create, "Compute Engine API", "https://compute.googleapis.com/compute/v1")
    );
    let AuthConfig::OAuth2(o) = &ds.config.auth else { panic!("{:?}", ds.config.auth) };
    assert_eq!(o.grant_type, GrantType::AuthorizationCode);
    assert_eq!(o.authorization_url, "https://accounts.google.com/o/oauth2/auth");
    assert_eq!(o.access_token_url, "https://accounts.google.com/o/oauth2/token");
    assert!(o.scopes.contains(&"https://www.googleapis.com/auth/compute".to_owned()), "{:?}", o.scopes);
    assert!(ds.auth_mapping.contains("`Oauth2c`") && ds.auth_mapping.contains("skipped as unsupported: Oauth2"));
    assert!(plan.dropped.iter().any(|d| d.item == "/components/securitySchemes/Oauth2"), "the implicit-only one");
    assert!(ds.secrets.is_empty());
    assert!(ds.needs_setup.iter().any(|e| e.field == "auth.clientId"));
    assert_eq!(ds.queries.len(), 758);
    let get = ds.queries.iter().find(|q| q.name == "compute.instances.get").unwrap();
    assert_eq!(get.request.path, "/projects/{{project}}/zones/{{zone}}/instances/{{instance}}");
    assert_eq!(get.group.as_deref(), Some("instances"));
}

#[test]
fn asana_chooses_the_first_required_scheme_and_keeps_the_oauth_one_out() {
    let plan = planned("asana.json");
    let ds = &plan.datasources[0];
    assert_eq!(ds.config.url, "https://app.asana.com/api/1.0");
    assert_eq!(ds.config.auth.kind(), AuthType::Bearer);
    assert!(ds.auth_mapping.contains("`personalAccessToken`") && ds.auth_mapping.contains("`security` requirements"));
    let oauth = plan.dropped.iter().find(|d| d.item == "/components/securitySchemes/oauth2").unwrap();
    assert!(oauth.reason.contains("`personalAccessToken` was chosen"), "{}", oauth.reason);
    assert_eq!(ds.needs_setup.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["auth.token"]);
    assert_eq!(ds.queries.len(), 167);
    let q = ds.queries.iter().find(|q| q.name == "getAttachmentsForObject").unwrap();
    assert_eq!(q.request.method, "GET");
    assert!(q.request.query_params.iter().any(|kv| kv.key == "parent"), "{:?}", q.request.query_params);
}

#[test]
fn readme_security_yaml_reads_as_yaml_31() {
    let plan = planned("readme-security.yaml");
    let ds = &plan.datasources[0];
    assert_eq!(ds.config.url, "https://httpbin.org");
    // No top-level `security`: the first supported scheme in document order (the cookie key is not).
    assert_eq!(ds.config.auth.kind(), AuthType::ApiKey);
    assert!(plan.dropped.iter().any(|d| d.what == "security scheme `apiKey_cookie`" && d.reason.contains("cookie")));
    assert!(plan.dropped.iter().any(|d| d.what == "security scheme `mutualTLS`"));
    assert!(ds.queries.iter().any(|q| q.name == "GET /anything/apiKey"));
}

#[tokio::test]
async fn the_large_description_applies_as_needing_setup() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_with(&DataDir::at(dir.path()), KeyringUse::Off).await.unwrap();
    let plan = planned("google-compute.json");
    let applied = store.apply_import(&plan).await.unwrap();
    let listed = store.list_datasources().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].auth_type, AuthType::OAuth2);
    assert_eq!(store.queries(&listed[0].id).await.unwrap().len(), 758);
    assert_eq!(applied.datasources[0].queries, 758);
}

#[test]
fn the_swagger_2_petstore_falls_back_from_the_implicit_flow_to_its_api_key() {
    // Its only scheme is plain http: a key would go unencrypted, so the plan is refused.
    let original = text("swagger-petstore.yaml");
    let err = import::plan(Source { name: "swagger-petstore.yaml", text: &original }, None, &[]).unwrap_err();
    assert!(err.to_string().contains("plain http would send this datasource's credentials"), "{err}");
    let text = original.replacen("schemes:\n  - http", "schemes:\n  - https", 1);
    let plan = import::plan(Source { name: "swagger-petstore.yaml", text: &text }, None, &[]).unwrap();
    let ds = &plan.datasources[0];
    assert_eq!(
        (ds.config.name.as_str(), ds.config.url.as_str()),
        ("Swagger Petstore", "https://petstore.swagger.io/v2")
    );
    let AuthConfig::ApiKey(key) = &ds.config.auth else { panic!("{:?}", ds.config.auth) };
    assert_eq!(key.key, "api_key");
    assert!(plan.dropped.iter().any(|d| d.what == "security scheme `petstore_auth`" && d.reason.contains("implicit")));
    assert_eq!(ds.queries.len(), 20);
    assert!(ds.queries.iter().any(|q| q.name == "getPetById" && q.request.path == "/pet/{{petId}}"));
}

#[tokio::test]
async fn server_variables_apply_as_an_environment_whose_url_is_templated() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_with(&DataDir::at(dir.path()), KeyringUse::Off).await.unwrap();
    let text = "openapi: 3.0.3\ninfo: {title: Regional}\nservers:\n  - url: 'https://{region}.api.example/v1'\n    \
                variables: {region: {default: eu}}\npaths:\n  /ping: {get: {operationId: ping}}\n";
    let plan = import::plan(Source { name: "regional.yaml", text }, None, &[]).unwrap();
    let applied = store.apply_import(&plan).await.unwrap();
    assert!(applied.environments[0].created);
    let listed = store.list_datasources().await.unwrap();
    assert_eq!(listed[0].url, "https://eu.api.example/v1");
    let ds = store.datasource(&listed[0].id).await.unwrap();
    assert_eq!(ds.config.environments["Regional"].url.as_deref(), Some("https://{{region}}.api.example/v1"));
}
