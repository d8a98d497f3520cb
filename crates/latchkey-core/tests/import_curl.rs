//! cURL lines planned as imports: the samples API providers publish in their own descriptions
//! and a browser's "Copy as cURL" from Insomnia's importer tests (`tests/fixtures/curl/published/`,
//! copied byte for byte, each naming its source), and hand-written shapes no published file gave
//! (`hand-written/`). See `tests/fixtures/curl/README.md`.

use latchkey_core::import::{self, DatasourceAction, Format, ImportPlan, PlannedDatasource, Source};
use latchkey_core::model::{
    AuthConfig, AuthType, ClientAuthentication, GrantType, KeyPlacement, KeyValue, RequestBody,
};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/curl/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn planned(name: &str) -> ImportPlan {
    let name = if name.contains('/') { name.to_owned() } else { format!("hand-written/{name}") };
    let text = fixture(&name);
    assert_eq!(Format::detect(&text), Some(Format::Curl), "{name} is detected as curl");
    import::plan(Source { name: &name, text: &text }, None, &[]).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The one datasource of a published sample's plan, and its one query (if any).
fn published(name: &str) -> (ImportPlan, PlannedDatasource) {
    let plan = planned(&format!("published/{name}"));
    assert_eq!(plan.datasources.len(), 1, "{name}: {plan:?}");
    let ds = plan.datasources[0].clone();
    assert_eq!(ds.action, DatasourceAction::Create);
    (plan, ds)
}

fn setup_fields(ds: &PlannedDatasource) -> Vec<&str> {
    ds.needs_setup.iter().map(|e| e.field.as_str()).collect()
}

fn header<'a>(headers: &'a [KeyValue], name: &str) -> Option<&'a str> {
    headers.iter().find(|h| h.key.eq_ignore_ascii_case(name)).map(|h| h.value.as_str())
}

#[test]
fn github_shaped_samples_become_a_bearer_datasource_needing_its_token() {
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
fn a_stripe_shaped_key_as_username_is_sealed() {
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
fn openai_and_slack_shaped_samples_map_their_bodies_and_tokens() {
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

#[test]
fn published_bearer_samples_with_a_variable_need_their_token() {
    // Linode: -H before -X, a multi-line JSON body in single quotes, `Bearer $TOKEN`.
    let (_, ds) = published("linode-account-cancel.sh");
    assert_eq!((ds.config.url.as_str(), ds.config.auth.kind()), ("https://api.linode.com", AuthType::Bearer));
    assert!(ds.secrets.is_empty(), "$TOKEN is the reader's variable, not a token");
    assert_eq!(setup_fields(&ds), ["auth.token"]);
    let q = &ds.queries[0];
    assert_eq!((q.name.as_str(), q.request.method.as_str()), ("POST /v4/account/cancel", "POST"));
    let RequestBody::Json { text } = &q.request.body else { panic!("{:?}", q.request.body) };
    assert!(text.contains("I am consolidating my accounts."), "{text}");
    assert!(q.request.headers.is_empty(), "Content-Type goes with the JSON body: {:?}", q.request.headers);

    // Linode: -F with @file is a multipart part naming the file.
    let (_, ds) = published("linode-ticket-attachment.sh");
    let RequestBody::Multipart { parts } = &ds.queries[0].request.body else { panic!() };
    assert_eq!(parts[0].file.as_deref(), Some("/Users/LinodeGuy/pictures/screen_shot.jpg"));

    // Svix: a quoted method, the URL before the headers, `Bearer AUTH_TOKEN` written in capitals.
    let (_, ds) = published("svix-create-app.sh");
    assert_eq!(setup_fields(&ds), ["auth.token"], "AUTH_TOKEN is a placeholder");
    assert_eq!(ds.queries[0].name, "POST /api/v1/app/");
    assert_eq!(header(&ds.queries[0].request.headers, "accept"), Some("application/json"));
}

#[test]
fn published_get_samples_put_their_data_in_the_query() {
    // Shutterstock: -G with --data-urlencode twice under the same name.
    let (_, ds) = published("shutterstock-audio-renders.sh");
    let q = &ds.queries[0];
    assert_eq!(q.request.method, "GET");
    assert_eq!(
        q.request.query_params,
        [KeyValue::new("id", "L2w7h9VNFlkzpllSUunSYayenKjN"), KeyValue::new("id", "BeHx3UNXzMBB4dGsC9aa6VxnpcWl")]
    );
    assert_eq!(q.request.body, RequestBody::None);

    // Shutterstock's licences sample lacks the `\` after its Authorization line: the lines after
    // it do not start with curl, so they are read as the same command (what the sample means).
    let (plan, ds) = published("shutterstock-audio-licenses.sh");
    let params: Vec<&str> = ds.queries[0].request.query_params.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(params, ["start_date", "end_date"]);
    assert!(plan.dropped.is_empty(), "{:?}", plan.dropped);

    // Ideal Postcodes: -k, and `-d api_key=…` with -G is a key in the query, sealed.
    let (plan, ds) = published("ideal-postcodes-addresses.sh");
    let AuthConfig::ApiKey(key) = &ds.config.auth else { panic!("{:?}", ds.config.auth) };
    assert_eq!((key.key.as_str(), key.add_to), ("api_key", KeyPlacement::Query));
    assert_eq!(ds.secrets, ["auth.value"]);
    assert_eq!(ds.queries[0].request.query_params, [KeyValue::new("query", "10 downing street london")]);
    assert!(plan.dropped.iter().any(|d| d.what == "-k"), "{:?}", plan.dropped);
    assert!(!serde_json::to_string(&plan).unwrap().contains("iddqd"), "the key is not in the plan");
}

#[test]
fn published_key_headers_and_placeholders_map_to_api_keys() {
    // Adafruit IO: X-AIO-Key, a key-shaped header not in any list, with a value: sealed.
    let (plan, ds) = published("adafruit-feed-data.sh");
    let AuthConfig::ApiKey(key) = &ds.config.auth else { panic!("{:?}", ds.config.auth) };
    assert_eq!((key.key.as_str(), key.add_to), ("X-AIO-Key", KeyPlacement::Header));
    assert_eq!(ds.secrets, ["auth.value"]);
    assert!(!serde_json::to_string(&plan).unwrap().contains("io_key_12345"));

    // Rudder (`yourToken`) and RapidAPI (`YOUR_KEY`): placeholders, so the key needs setup.
    for name in ["rudder-archives-import.sh", "linqr-images.sh"] {
        let (_, ds) = published(name);
        assert_eq!(ds.config.auth.kind(), AuthType::ApiKey, "{name}");
        assert_eq!(setup_fields(&ds), ["auth.value"], "{name}");
        assert!(matches!(ds.queries[0].request.body, RequestBody::Multipart { .. }), "{name}");
        assert!(header(&ds.queries[0].request.headers, "content-type").is_none(), "{name}: multipart sets its own");
    }

    // link.fish: `-u "{EMAIL}:{API-TOKEN}"`: Basic with the username to enter.
    let (_, ds) = published("linkfish-urls-apps.sh");
    let AuthConfig::Basic(basic) = &ds.config.auth else { panic!("{:?}", ds.config.auth) };
    assert!(basic.username.is_empty() && basic.password.is_empty(), "{basic:?}");
    assert_eq!(setup_fields(&ds), ["auth.username"]);
}

#[test]
fn published_literal_tokens_are_sealed_and_kept_out_of_the_query() {
    // Velo Payments: a `$ ` prompt, -i, a literal bearer token.
    let (plan, ds) = published("velopayments-deltas-payments.sh");
    assert_eq!(ds.secrets, ["auth.token"]);
    assert_eq!(ds.queries[0].request.query_params.len(), 4);
    assert!(!serde_json::to_string(&plan).unwrap().contains("6dd5e976-e329-462f-bd6b-25d463cf02fd"));

    // Zuora: an attachment upload with its query in the URL.
    let (plan, ds) = published("zuora-attachments.sh");
    assert_eq!(ds.secrets, ["auth.token"]);
    assert_eq!(ds.queries[0].request.query_params[0], KeyValue::new("description", "Postal order"));
    assert!(!serde_json::to_string(&plan).unwrap().contains("f21f017e4724445d8647b1f0de7ed6f1"));
}

#[test]
fn a_published_token_request_becomes_client_credentials_not_a_query() {
    let (plan, ds) = published("zuora-oauth-token.sh");
    let AuthConfig::OAuth2(oauth) = &ds.config.auth else { panic!("{:?}", ds.config.auth) };
    assert_eq!(oauth.grant_type, GrantType::ClientCredentials);
    assert_eq!(oauth.access_token_url, "https://rest.zuora.com/oauth/token");
    assert_eq!(oauth.client_id, "b64e42ba-7e1a-4bc6-9146-5e1b420306b5");
    assert_eq!(oauth.client_authentication, ClientAuthentication::Body);
    assert_eq!(ds.secrets, ["auth.clientSecret"]);
    assert!(ds.queries.is_empty(), "the token call is Latchkey's to make, not a saved query");
    assert!(plan.dropped.iter().any(|d| d.what == "the token request"), "{:?}", plan.dropped);
    assert!(!serde_json::to_string(&plan).unwrap().contains("dOFENLWU193EEoEsWjPZrcjLKVr5OrN1HC9Kqg"));
}

#[test]
fn published_browser_copies_drop_cookies_and_transport_headers() {
    // Insomnia's importer input from Chrome's "Copy as cURL".
    let (plan, ds) = published("insomnia-importers-from-chrome.sh");
    assert_eq!((ds.config.url.as_str(), ds.config.auth.kind()), ("http://requestb.in", AuthType::None));
    let q = &ds.queries[0];
    assert_eq!(q.request.body, RequestBody::FormUrlencoded { fields: vec![KeyValue::new("private", "false")] });
    assert_eq!(header(&q.request.headers, "X-Requested-With"), Some("XMLHttpRequest"));
    for gone in ["Cookie", "Accept-Encoding", "Connection"] {
        assert!(header(&q.request.headers, gone).is_none(), "{gone}");
        assert!(plan.dropped.iter().any(|d| d.what == format!("header {gone}")), "{gone}: {:?}", plan.dropped);
    }
    assert!(!serde_json::to_string(&plan).unwrap().contains("eyJyZWNlbnQiOlsiMTlwd3g5NzEi"), "no session cookie");

    // Insomnia's "complex" input: long options, a user name with a space and a password with colons,
    // a header written `name :value`, a trailing `;`.
    let (plan, ds) = published("insomnia-importers-complex.sh");
    let AuthConfig::Basic(basic) = &ds.config.auth else { panic!("{:?}", ds.config.auth) };
    assert_eq!(basic.username, "My User");
    assert_eq!(basic.password.value().map(|p| p.expose().to_owned()).as_deref(), Some("My:Secret:Password"));
    let q = &ds.queries[0];
    assert_eq!(header(&q.request.headers, "x-custom-header"), Some("foo bar"));
    assert_eq!(q.request.body, RequestBody::Json { text: r#"{"email_id": "tem_123"}"#.into() });
    assert!(plan.dropped.iter().any(|d| d.what.starts_with("`;`")), "{:?}", plan.dropped);
}

#[test]
fn a_published_sample_with_a_stray_quote_is_refused_by_line_without_its_text() {
    let name = "published/digitalocean-1-clicks-kubernetes.sh";
    let text = fixture(name);
    let err = import::plan(Source { name, text: &text }, None, &[]).unwrap_err().to_string();
    assert!(err.contains(&format!("{name}, line 7")), "the -d line is named: {err}");
    assert!(err.contains("single quote"), "{err}");
    assert!(!err.contains("kube-state-metrics") && !err.contains("DIGITALOCEAN_TOKEN"), "{err}");
}
