//! cURL lines as published in real API documentation (and in the shapes a browser's "Copy as
//! cURL" writes), planned as imports: each fixture under `tests/fixtures/curl/` names where it
//! came from in its first lines.

use latchkey_core::import::{self, DatasourceAction, Format, ImportPlan, Source};
use latchkey_core::model::{AuthConfig, AuthType, KeyPlacement, KeyValue, RequestBody};

fn planned(name: &str) -> ImportPlan {
    let path = format!("{}/tests/fixtures/curl/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(Format::detect(&text), Some(Format::Curl), "{name} is detected as curl");
    import::plan(Source { name, text: &text }, None, &[]).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn header<'a>(headers: &'a [KeyValue], name: &str) -> Option<&'a str> {
    headers.iter().find(|h| h.key.eq_ignore_ascii_case(name)).map(|h| h.value.as_str())
}

#[test]
fn github_docs_become_a_bearer_datasource_needing_its_token() {
    let plan = planned("github-list-issues.sh");
    let ds = &plan.datasources[0];
    assert_eq!(
        (ds.action, ds.config.name.as_str(), ds.config.url.as_str()),
        (DatasourceAction::Create, "api.github.com", "https://api.github.com")
    );
    assert_eq!(ds.config.auth.kind(), AuthType::Bearer);
    assert!(ds.secrets.is_empty(), "<YOUR-TOKEN> is a placeholder, not a secret");
    assert_eq!(ds.needs_setup.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["auth.token"]);
    let q = &ds.queries[0];
    assert_eq!(q.name, "GET /repos/OWNER/REPO/issues");
    assert_eq!(header(&q.request.headers, "Accept"), Some("application/vnd.github+json"));
    assert_eq!(header(&q.request.headers, "X-GitHub-Api-Version"), Some("2022-11-28"));
    assert_eq!(header(&q.request.headers, "Authorization"), None, "the credential is the datasource's");
    assert!(plan.dropped.iter().any(|d| d.what == "-L"), "{:?}", plan.dropped);

    let plan = planned("github-create-issue.sh");
    let q = &plan.datasources[0].queries[0];
    assert_eq!(q.name, "POST /repos/OWNER/REPO/issues");
    let RequestBody::Raw { text, .. } = &q.request.body else { panic!("{:?}", q.request.body) };
    assert!(text.contains("I'm having a problem"), "the '\\'' quote is read: {text}");
}

#[test]
fn stripe_docs_key_as_username_is_sealed() {
    let plan = planned("stripe-create-charge.sh");
    let ds = &plan.datasources[0];
    let AuthConfig::ApiKey(key) = &ds.config.auth else { panic!("{:?}", ds.config.auth) };
    assert_eq!(
        (key.key.as_str(), key.header_prefix.as_str(), key.add_to),
        ("Authorization", "Basic", KeyPlacement::Header)
    );
    assert_eq!(ds.secrets, ["auth.value"]);
    let q = &ds.queries[0];
    assert_eq!(q.request.method, "POST");
    let RequestBody::FormUrlencoded { fields } = &q.request.body else { panic!("{:?}", q.request.body) };
    assert_eq!(fields.last().unwrap(), &KeyValue::new("description", "My First Test Charge (created for API docs)"));
    let json = serde_json::to_string(&plan).unwrap();
    assert!(!json.contains("sk_test_4eC39HqLyjWDarjtT1zdp7dc"), "the key is not in the plan");
}

#[test]
fn openai_and_slack_docs_map_their_bodies_and_tokens() {
    let plan = planned("openai-chat-completions.sh");
    let ds = &plan.datasources[0];
    assert_eq!(ds.needs_setup[0].field, "auth.token", "$OPENAI_API_KEY is a placeholder");
    let RequestBody::Json { text } = &ds.queries[0].request.body else { panic!() };
    assert!(text.contains("\"gpt-4o\""));

    let plan = planned("slack-chat-postmessage.sh");
    let ds = &plan.datasources[0];
    assert_eq!(
        (ds.config.url.as_str(), ds.secrets.as_slice()),
        ("https://slack.com", ["auth.token".to_owned()].as_slice())
    );
    assert_eq!(ds.queries[0].name, "POST /api/chat.postMessage");
    assert!(matches!(ds.queries[0].request.body, RequestBody::Json { .. }));
}

#[test]
fn chrome_copies_for_bash_and_cmd_are_read() {
    let plan = planned("chrome-copy-as-curl-bash.sh");
    let ds = &plan.datasources[0];
    assert_eq!(ds.config.auth.kind(), AuthType::Bearer);
    let q = &ds.queries[0];
    assert_eq!(q.name, "POST /api/v2/search");
    assert_eq!(q.request.query_params, [KeyValue::new("limit", "20"), KeyValue::new("sort", "recent")]);
    assert_eq!(header(&q.request.headers, "sec-ch-ua-platform"), Some("\"macOS\""));
    let RequestBody::Json { text } = &q.request.body else { panic!("{:?}", q.request.body) };
    assert!(text.contains("latchkey 'oauth'"), "$'…' escapes are read: {text}");
    assert!(plan.dropped.iter().any(|d| d.what == "-b" && d.reason.contains("cookies")), "{:?}", plan.dropped);
    assert!(!serde_json::to_string(&plan).unwrap().contains("s%3Aabcdef"), "the session cookie is not kept");

    let plan = planned("chrome-copy-as-curl-cmd.txt");
    let ds = &plan.datasources[0];
    let AuthConfig::ApiKey(key) = &ds.config.auth else { panic!("{:?}", ds.config.auth) };
    assert_eq!(key.key, "x-api-key");
    let q = &ds.queries[0];
    assert_eq!(q.request.query_params, [KeyValue::new("page", "2"), KeyValue::new("per_page", "50")]);
    assert_eq!(q.request.body, RequestBody::Json { text: r#"{"name":"widget && gadget","tags":["a","b"]}"#.into() });
}
