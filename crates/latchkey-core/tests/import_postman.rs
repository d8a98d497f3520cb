//! Real Postman collections, as exported by Postman and published inside an npm package (see
//! `tests/fixtures/postman/README.md`), planned and applied as imports: the datasource per
//! origin, the folders as query groups, the authentication (OAuth 2.0 settings, tokens,
//! credentials in headers) with its secrets sealed, and what each file has that is dropped.

use latchkey_core::import::{self, DatasourceAction, Format, ImportPlan, Source};
use latchkey_core::model::{AuthConfig, ClientAuthentication, GrantType, KeyPlacement, KeyValue, RequestBody};
use latchkey_core::vault::key::KeyringUse;
use latchkey_core::{DataDir, SecretField, Store};

fn text(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/postman/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn planned(name: &str, text: &str) -> ImportPlan {
    assert_eq!(Format::detect(text), Some(Format::Postman), "{name} is detected as Postman");
    import::plan(Source { name, text }, None, &[]).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn has_drop(plan: &ImportPlan, item: &str, what: &str, reason: &str) -> bool {
    plan.dropped.iter().any(|d| d.item == item && d.what == what && d.reason.contains(reason))
}

#[test]
fn the_timing_api_is_one_datasource_with_its_folder_as_the_group() {
    let plan = planned("timing.json", &text("complex-v2_0_fromHeaders-input.json"));
    assert_eq!(plan.datasources.len(), 1);
    let ds = &plan.datasources[0];
    assert_eq!(
        (ds.action, ds.config.name.as_str(), ds.config.url.as_str()),
        (DatasourceAction::Create, "Timing API", "https://web.timingapp.com")
    );
    let queries: Vec<(&str, &str, &str)> =
        ds.queries.iter().map(|q| (q.name.as_str(), q.request.method.as_str(), q.request.path.as_str())).collect();
    assert_eq!(
        queries,
        [
            ("Return the complete project hierarchy.", "GET", "/api/v1/projects/hierarchy"),
            ("Return a list containing all projects.", "GET", "/api/v1/projects"),
            ("Create a new project.", "POST", "/api/v1/projects"),
            ("Display the specified project.", "GET", "/api/v1/projects/{{project}}"),
            ("Update the specified project.", "PUT", "/api/v1/projects/{{project}}"),
        ]
    );
    assert!(ds.queries.iter().all(|q| q.group.as_deref() == Some("Projects")));
    let list = &ds.queries[1].request;
    assert_eq!(list.query_params, [KeyValue::new("title", "root"), KeyValue::new("hide_archived", "true")]);
    assert!(has_drop(&plan, "Projects/Return a list containing all projects.", "query parameter team_id", "disabled"));
    assert_eq!(
        list.headers,
        [KeyValue::new("Accept", "application/json"), KeyValue::new("Content-Type", "application/json")],
        "the Authorization header is never a stored header"
    );
    assert_eq!(list.body, RequestBody::Json { text: "[]".into() });
    let RequestBody::Json { text: create } = &ds.queries[2].request.body else { panic!() };
    assert!(create.contains("\"title\": \"Acme Inc.\""));

    // Each request carries another credential in its Authorization header: Bearer {{token}},
    // Basic, and three signatures computed by Postman for one request, which resolve to none.
    assert_eq!(ds.config.auth, AuthConfig::None, "3 of the 5 requests have none Latchkey can send again");
    assert!(ds.secrets.is_empty());
    for signed in [
        "Projects/Return a list containing all projects.",
        "Projects/Display the specified project.",
        "Projects/Update the specified project.",
    ] {
        assert!(has_drop(&plan, signed, "header Authorization", "cannot be sent again"), "{signed}");
    }
    assert!(has_drop(
        &plan,
        "Projects/Return the complete project hierarchy.",
        "authentication",
        "resolves to the Authorization: Bearer header became bearer token authentication"
    ));
    assert!(has_drop(&plan, "Projects/Create a new project.", "authentication", "Basic authentication"));
    let shown = format!("{plan:?} {}", serde_json::to_string(&plan).unwrap());
    assert!(!shown.contains("abc123") && !shown.contains("am9obkBleGFtcGxlLmNvbTphYmMxMjM="), "no secret shown");
}

#[test]
fn oauth2_entries_with_only_a_token_become_that_token_in_v2_0_and_v2_1() {
    for name in ["oauth2_0-auth-v2_0-input.json", "oauth2_0-auth-v2_1-input.json"] {
        let plan = planned(name, &text(name));
        assert_eq!(plan.datasources.len(), 1, "{name}: both requests are on https://insomnia.rest");
        let ds = &plan.datasources[0];
        assert_eq!((ds.config.name.as_str(), ds.config.url.as_str()), ("Oauth 2.0 Test", "https://insomnia.rest"));
        assert_eq!(ds.queries.len(), 2);
        // "Added to Request URL" comes first: a tie goes to the first seen.
        let AuthConfig::ApiKey(key) = &ds.config.auth else { panic!("{name}: {:?}", ds.config.auth) };
        assert_eq!((key.key.as_str(), key.add_to), ("access_token", KeyPlacement::Query));
        assert_eq!(key.value, SecretField::from("oauth2.0-access-token-url"));
        assert_eq!(ds.secrets, ["auth.value"]);
        assert!(
            has_drop(&plan, "Added to Request Headers", "authentication", "the token as a bearer token"),
            "{name}: {:?}",
            plan.dropped
        );
        assert!(!format!("{plan:?}").contains("oauth2.0-access-token-url"));
    }
}

#[test]
fn the_full_oauth2_export_maps_every_setting_and_is_refused_only_for_what_the_file_lacks() {
    let name = "postman-export-oauth2-v2_1-input.json";
    let original = text(name);
    // As published: its one request has no URL, so there is nothing to place it on.
    let err = import::plan(Source { name, text: &original }, None, &[]).unwrap_err().to_string();
    assert!(
        err.contains(&format!("{name}, Example request with OAuth2: no request can be imported: it has no URL")),
        "{err}"
    );

    // Given a URL, the settings are checked as a save checks them: its endpoints are not URLs.
    let mut file: serde_json::Value = serde_json::from_str(&original).unwrap();
    file["item"][0]["request"]["url"] = serde_json::json!("https://api.example.com/me");
    let err = import::plan(Source { name, text: &file.to_string() }, None, &[]).unwrap_err().to_string();
    assert!(err.contains(&format!("{name}, Example request with OAuth2: auth.accessTokenUrl")), "{err}");
    assert!(err.contains("auth.authorizationUrl"), "{err}");

    // With endpoints that are URLs, everything else maps as the file says.
    for row in file["item"][0]["request"]["auth"]["oauth2"].as_array_mut().unwrap() {
        match row["key"].as_str().unwrap() {
            "accessTokenUrl" => row["value"] = "https://id.example.com/token".into(),
            "authUrl" => row["value"] = "https://id.example.com/authorize".into(),
            _ => {}
        }
    }
    let plan = planned(name, &file.to_string());
    let ds = &plan.datasources[0];
    assert_eq!(ds.config.name, "Example collection");
    let AuthConfig::OAuth2(o) = &ds.config.auth else { panic!("{:?}", ds.config.auth) };
    assert_eq!(o.grant_type, GrantType::AuthorizationCode);
    assert!(o.pkce, "challengeAlgorithm S256");
    assert_eq!(o.client_id, "exampleClientId");
    assert_eq!(o.client_secret, SecretField::from("exampleClientSecret"));
    assert_eq!(o.audience, "exampleAudience", "Postman keeps the audience as {{id: value}}");
    assert_eq!(o.client_authentication, ClientAuthentication::BasicHeader, "client_authentication: header");
    assert_eq!((o.add_token_to, o.header_prefix.as_str()), (KeyPlacement::Header, "Bearer"));
    assert_eq!(ds.secrets, ["auth.clientSecret"]);
    assert!(ds.needs_setup.is_empty());
    assert!(ds.auth_mapping.contains("OAuth 2.0 authorization_code grant"), "{}", ds.auth_mapping);
    assert!(has_drop(&plan, "Example request with OAuth2", "redirect_uri", "register that one with the provider"));
    assert!(plan.dropped.iter().all(|d| !d.what.contains("tokenName")), "Postman's bookkeeping is nothing to drop");
    assert!(!format!("{plan:?} {}", serde_json::to_string(&plan).unwrap()).contains("exampleClientSecret"));
}

#[test]
fn a_collection_on_an_undefined_base_url_is_refused_with_the_fix() {
    let name = "complex-v2_1-input.json";
    let err = import::plan(Source { name, text: &text(name) }, None, &[]).unwrap_err().to_string();
    assert!(
        err.contains(&format!("{name}, First Folder/{{{{base_url}}}}/api/users: no request can be imported")),
        "{err}"
    );
    assert!(err.contains("add `base_url` to the collection's variables"), "{err}");

    // Defined, every body mode maps (or is dropped with the reason).
    let mut file: serde_json::Value = serde_json::from_str(&text(name)).unwrap();
    file["variable"] = serde_json::json!([{"key": "base_url", "value": "https://api.example.com"}]);
    let plan = planned(name, &file.to_string());
    let ds = &plan.datasources[0];
    let q = |n: &str| ds.queries.iter().find(|q| q.name == n).unwrap_or_else(|| panic!("{n}"));
    let RequestBody::Multipart { parts } = &q("{{base_url}}/api/users").request.body else { panic!() };
    assert_eq!(parts.len(), 1, "foo only: the file part and the disabled one are dropped");
    assert!(has_drop(&plan, "First Folder/{{base_url}}/api/users", "form part file", "choose the file in the query"));
    assert!(has_drop(&plan, "First Folder/{{base_url}}/api/users", "form part baz", "disabled"));
    assert_eq!(q("Urlencoded Form Test").group.as_deref(), Some("First Folder"));
    assert_eq!(
        q("Test Request").request.body,
        RequestBody::Raw { text: "hello world!".into(), content_type: String::new() }
    );
    assert_eq!(q("Test Request Empty Body").request.body, RequestBody::None);
    assert!(has_drop(&plan, "Test Request Unknown Body", "unknown body", "not a body mode"));
    let RequestBody::Json { text: gql } = &q("Test Request GraphQL Body").request.body else { panic!() };
    let gql: serde_json::Value = serde_json::from_str(gql).unwrap();
    assert_eq!(gql["variables"]["username"], "{{username}}");
    assert!(gql["query"].as_str().unwrap().starts_with("mutation loginUser"));
    // The folder's two requests carry Authorization: Basic headers; the four others none, so
    // the datasource has none and the two are listed.
    assert_eq!(ds.config.auth, AuthConfig::None);
    assert!(ds.secrets.is_empty());
    assert!(has_drop(&plan, "First Folder/Urlencoded Form Test", "authentication", "Basic authentication"));
    assert!(!format!("{plan:?}").contains("dXNlcm5hbWU6cGFzc3dvcmQ="));
}

#[tokio::test]
async fn applying_the_timing_api_stores_the_queries_with_their_group() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_with(&DataDir::at(dir.path()), KeyringUse::Off).await.unwrap();
    let plan = planned("timing.json", &text("complex-v2_0_fromHeaders-input.json"));
    let applied = store.apply_import(&plan).await.unwrap();
    assert_eq!(applied.datasources[0].queries, 5);
    let queries = store.queries("Timing API").await.unwrap();
    assert_eq!(queries.len(), 5);
    assert!(queries.iter().all(|q| q.group.as_deref() == Some("Projects")));
    let shown = store.query("Timing API", "Display the specified project.").await.unwrap();
    assert_eq!(shown.request.path, "/api/v1/projects/{{project}}");
}
