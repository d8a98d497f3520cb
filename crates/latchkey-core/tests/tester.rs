//! What the desktop's request tester stands on, against real loopback servers and a real SQLite
//! store in a temp dir: a run recorded in history (failures too, secrets never) and paged back
//! exactly, the bounded response view, saved-query renames, the sidebar's token badges, and
//! keeping tokens alive in the background (the fake provider only for `invalid_grant`, which
//! oidc-provider shows only after revocation).

use std::time::Duration;

use latchkey_core::http::{ResponseView, SendOptions, SentRequest, Transport, TEXT_PREVIEW_LIMIT};
use latchkey_core::model::{EnvironmentRef, KeyValue, RequestSpec, TokenStatus};
use latchkey_core::oauth::{authorization, TokenClient, TokenClientOptions, TokenLifecycle};
use latchkey_core::store::NewHistoryEntry;
use latchkey_core::transfer::parse_datasource;
use latchkey_core::vault::key::KeyringUse;
use latchkey_core::{tester, DataDir, Error, Secret, Store};
use latchkey_testkit::{QuirkyProvider, TestServer};

struct Fixture {
    store: Store,
    lifecycle: TokenLifecycle,
    _dir: tempfile::TempDir,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_with(&DataDir::at(dir.path()), KeyringUse::Off).await.unwrap();
    let options =
        TokenClientOptions { timeout: Duration::from_secs(10), attempts: 2, backoff: Duration::from_millis(10) };
    let lifecycle = TokenLifecycle::new(store.clone(), TokenClient::new(Transport::new(), options));
    Fixture { store, lifecycle, _dir: dir }
}

fn get(path: &str) -> RequestSpec {
    RequestSpec { path: path.into(), ..Default::default() }
}

async fn run(f: &Fixture, name: &str, spec: &RequestSpec) -> tester::Run {
    let datasource = f.store.datasource_in(name, EnvironmentRef::Default).await.unwrap();
    tester::run(&f.lifecycle, &Transport::new(), &datasource, spec, Some("probe"), &SendOptions::default())
        .await
        .unwrap()
}

#[tokio::test]
async fn paging_back_through_history_returns_every_run_once_even_within_one_millisecond() {
    let f = fixture().await;
    let ds = f
        .store
        .create_datasource(parse_datasource(r#"{"name":"Busy","url":"https://api.example.com"}"#).unwrap())
        .await
        .unwrap();
    let sent = SentRequest {
        method: "GET".into(),
        url: "https://api.example.com/x".into(),
        headers: vec![],
        body: String::new(),
    };
    let mut recorded = Vec::new();
    for i in 0..120u64 {
        let entry =
            NewHistoryEntry { query_name: None, sent: &sent, status: Some(200), error: None, total_ms: 1.0, size: i };
        recorded.push(f.store.record_history(&ds.id, entry).await.unwrap().id);
    }
    let mut paged = Vec::new();
    let mut before = None;
    loop {
        let page = f.store.history(&ds.id, before, 50).await.unwrap();
        let Some(last) = page.last() else { break };
        before = Some(last.created_at);
        paged.extend(page.into_iter().map(|e| e.id));
    }
    recorded.reverse();
    assert_eq!(paged, recorded, "newest first, every run once, however close together they were recorded");
}

#[tokio::test]
async fn runs_are_recorded_newest_first_without_secrets_and_paged() {
    let server = TestServer::http();
    let f = fixture().await;
    let json = format!(
        r#"{{"name":"Keyed","url":"{}","auth":{{"type":"apiKey","key":"X-Key","value":"MARKER-KEY-51","addTo":"header"}}}}"#,
        server.base_url()
    );
    f.store.create_datasource(parse_datasource(&json).unwrap()).await.unwrap();
    for status in [200, 404, 500] {
        let done = run(&f, "Keyed", &get(&format!("/status/{status}"))).await;
        assert_eq!(done.outcome.unwrap().status, status);
        tokio::time::sleep(Duration::from_millis(3)).await; // distinct timestamps
    }
    assert!(server.requests().iter().all(|r| r.header("x-key") == Some("MARKER-KEY-51")), "the key was sent");

    let page = f.store.history("Keyed", None, 2).await.unwrap();
    assert_eq!(page.iter().map(|e| e.status).collect::<Vec<_>>(), vec![Some(500), Some(404)], "newest first");
    assert_eq!(page[0].query_name.as_deref(), Some("probe"));
    assert!(page[0].url.ends_with("/status/500"));
    let key = page[0].sent.headers.iter().find(|h| h.key == "x-key").unwrap();
    assert_eq!(key.value, "<redacted>", "history keeps the redacted request only");
    let older = f.store.history("Keyed", Some(page[1].created_at), 10).await.unwrap();
    assert_eq!(older.iter().map(|e| e.status).collect::<Vec<_>>(), vec![Some(200)]);

    // A run that never got an answer is recorded with its error.
    let dead = TestServer::http();
    let dead_url = dead.base_url();
    drop(dead);
    let json = format!(r#"{{"name":"Gone","url":"{dead_url}"}}"#);
    f.store.create_datasource(parse_datasource(&json).unwrap()).await.unwrap();
    let failed = run(&f, "Gone", &get("/x")).await;
    assert!(matches!(failed.outcome, Err(Error::Network(_))), "{:?}", failed.outcome);
    let entry = failed.entry.expect("a failed run is history too");
    assert_eq!(entry.status, None);
    assert!(entry.error.unwrap().contains("request failed"));

    // Invalid input was never sent: not a run.
    let bad = RequestSpec { headers: vec![KeyValue::new("bad header", "x")], ..get("/") };
    let invalid = run(&f, "Keyed", &bad).await;
    assert!(matches!(invalid.outcome, Err(Error::Invalid(_))) && invalid.entry.is_none());

    // Nothing of the key reached the database, history included.
    for entry in std::fs::read_dir(f._dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            assert!(!bytes.windows(13).any(|w| w == b"MARKER-KEY-51"), "{}", path.display());
        }
    }

    // History goes with its datasource.
    f.store.delete_datasource("Keyed").await.unwrap();
    let id = f.store.create_datasource(parse_datasource(&json.replace("Gone", "Keyed")).unwrap()).await.unwrap().id;
    assert!(f.store.history(&id, None, 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_response_view_previews_text_images_and_binaries_within_bounds() {
    let server = TestServer::http();
    let f = fixture().await;
    let json = format!(r#"{{"name":"View","url":"{}"}}"#, server.base_url());
    f.store.create_datasource(parse_datasource(&json).unwrap()).await.unwrap();
    let view = |path: &str| {
        let f = &f;
        let path = path.to_owned();
        async move {
            let response = run(f, "View", &get(&path)).await.outcome.unwrap();
            ResponseView::new(&response, "b".into(), "h".into()).unwrap()
        }
    };

    let small = view("/json/2000").await;
    assert_eq!(small.content_type, "application/json");
    assert!(!small.truncated);
    let parsed: serde_json::Value = serde_json::from_str(small.text.as_deref().unwrap()).unwrap();
    assert!(parsed.is_array());

    // 20 MB: spilled to a temp file by the engine, shown as a 1 MiB preview.
    let large = view("/json/20000000").await;
    assert_eq!(large.size, 20_000_000);
    assert!(large.truncated);
    assert_eq!(large.text.as_ref().unwrap().len(), TEXT_PREVIEW_LIMIT);

    let binary = view("/bytes/4096").await;
    assert_eq!(binary.text, None, "octet-stream is not shown as text");
    assert_eq!(binary.image_data_url, None);
}

#[tokio::test]
async fn saved_queries_rename_and_refuse_a_taken_name() {
    let f = fixture().await;
    f.store
        .create_datasource(parse_datasource(r#"{"name":"Q","url":"https://api.example.com"}"#).unwrap())
        .await
        .unwrap();
    f.store.save_query("Q", "list", get("/items")).await.unwrap();
    f.store.save_query("Q", "one", get("/items/1")).await.unwrap();
    let renamed = f.store.save_query_as("Q", Some("list"), "all items", get("/items")).await.unwrap();
    assert_eq!((renamed.name.as_str(), renamed.request.path.as_str()), ("all items", "/items"));
    let names: Vec<String> = f.store.queries("Q").await.unwrap().into_iter().map(|q| q.name).collect();
    assert_eq!(names, vec!["all items", "one"]);
    let Err(Error::Invalid(errors)) = f.store.save_query_as("Q", Some("one"), "All Items", get("/x")).await else {
        panic!("taken")
    };
    assert_eq!(errors[0].field, "name");
    assert_eq!(f.store.query("Q", "one").await.unwrap().request.path, "/items/1", "nothing changed");
    // A rename with a request that cannot be saved changes nothing either: not even the name.
    let mut bad = get("/items/1");
    bad.headers = vec![latchkey_core::model::KeyValue::new("Bad Header:", "1")];
    let Err(Error::Invalid(errors)) = f.store.save_query_as("Q", Some("one"), "renamed", bad).await else {
        panic!("a bad header is refused")
    };
    assert!(errors[0].field.starts_with("headers"), "{errors:?}");
    let names: Vec<String> = f.store.queries("Q").await.unwrap().into_iter().map(|q| q.name).collect();
    assert_eq!(names, vec!["all items", "one"], "a rejected save renamed nothing");
}

#[tokio::test]
async fn background_keep_alive_refreshes_due_tokens_and_reports_refusals() {
    let provider = QuirkyProvider::start();
    provider.set(|q| q.lifetime_secs = 2);
    let f = fixture().await;
    let json = format!(
        r#"{{"name":"Kept","url":"{}","auth":{{"type":"oauth2","grantType":"client_credentials",
            "accessTokenUrl":"{}","clientId":"c","clientSecret":"s"}}}}"#,
        provider.api_url(),
        provider.token_url()
    );
    let created = f.store.create_datasource(parse_datasource(&json).unwrap()).await.unwrap();
    f.store
        .create_datasource(parse_datasource(r#"{"name":"Plain","url":"https://api.example.com"}"#).unwrap())
        .await
        .unwrap();
    let summary = f.store.list_datasources().await.unwrap();
    assert_eq!(
        summary.iter().map(|s| s.token_status).collect::<Vec<_>>(),
        vec![Some(TokenStatus::NotAuthorized), None]
    );

    let ds = f.store.datasource_with_secrets(&created.id).await.unwrap();
    f.lifecycle.fetch_now(&ds).await.unwrap();
    assert!(f.lifecycle.keep_alive().await.unwrap().is_empty());
    assert_eq!(provider.token_calls("client_credentials"), 1, "not due yet: nothing fetched");
    tokio::time::sleep(Duration::from_millis(1_100)).await; // half of the 2 s lifetime
    assert!(f.lifecycle.keep_alive().await.unwrap().is_empty());
    assert_eq!(provider.token_calls("client_credentials"), 2, "due: fetched again without a request");
    let summary = f.store.list_datasources().await.unwrap();
    assert_eq!(summary[0].token_status, Some(TokenStatus::Authorized));
    assert!(summary[0].token_expires_at.unwrap() > latchkey_core::store::now_millis());

    // An authorization-code datasource whose refresh token the provider refuses: reported as
    // needing a person, which the desktop turns into its "authorize again" notice.
    let json = format!(
        r#"{{"name":"Coded","url":"{}","auth":{{"type":"oauth2","grantType":"authorization_code",
            "authorizationUrl":"{}","accessTokenUrl":"{}","clientId":"c"}}}}"#,
        provider.api_url(),
        provider.url("/authorize"),
        provider.token_url()
    );
    let coded = f.store.create_datasource(parse_datasource(&json).unwrap()).await.unwrap();
    let coded = f.store.datasource_with_secrets(&coded.id).await.unwrap();
    let oauth = latchkey_core::oauth::OAuthDatasource::of(&coded).unwrap();
    let pending = authorization::start(oauth, "http://127.0.0.1:9/callback").unwrap();
    f.lifecycle.complete(oauth, &pending, &Secret::new("code")).await.unwrap();
    provider.set(|q| q.refuse_refresh = true);
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let failures = f.lifecycle.keep_alive().await.unwrap();
    assert_eq!(failures.len(), 1, "only the refused one fails: {failures:?}");
    assert_eq!(failures[0].0.config.name, "Coded");
    assert!(matches!(failures[0].1, Error::NeedsReauthorization { .. }), "{}", failures[0].1);
    let badges: Vec<_> =
        f.store.list_datasources().await.unwrap().into_iter().map(|s| (s.name, s.token_status)).collect();
    assert!(badges.contains(&("Coded".to_owned(), Some(TokenStatus::NeedsReauthorization))), "{badges:?}");
    assert!(badges.contains(&("Kept".to_owned(), Some(TokenStatus::Authorized))), "{badges:?}");
}
