//! Criterion benchmarks of the request hot path: a stored datasource (loaded once, as the app
//! and a long-lived process keep it) and a cached OAuth token turned into a ready request; the
//! same with ten variables of an environment in the datasource and the request (target: under
//! 20 µs); and, for comparison, the same including the SQLite read and the vault opening its
//! secrets.

use criterion::{criterion_group, criterion_main, Criterion};
use latchkey_core::http::prepare;
use std::time::SystemTime;

use latchkey_core::model::{KeyValue, RequestBody, RequestSpec, Variable};
use latchkey_core::transfer::parse_datasource;
use latchkey_core::vault::key::KeyringUse;
use latchkey_core::{DataDir, Secret, Store};

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = runtime.block_on(Store::open_with(&DataDir::at(dir.path()), KeyringUse::Off)).unwrap();
    let config = parse_datasource(
        r#"{"name":"Bench","url":"https://api.example.com/v2","headers":[{"key":"Accept","value":"application/json"},{"key":"X-Team","value":"core"}],
            "queryParams":[{"key":"region","value":"eu"}],
            "auth":{"type":"oauth2","grantType":"client_credentials","accessTokenUrl":"https://id.example.com/token","clientId":"c","clientSecret":"s"}}"#,
    )
    .unwrap();
    runtime.block_on(store.create_datasource(config)).unwrap();
    let datasource = runtime.block_on(store.datasource_with_secrets("Bench")).unwrap();
    let token = Secret::new("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJiZW5jaCJ9.c2lnbmF0dXJlLXBsYWNlaG9sZGVy");
    let spec = RequestSpec {
        path: "/files/list_folder?limit=100".into(),
        headers: vec![KeyValue::new("X-Request-Id", "42")],
        query_params: vec![KeyValue::new("recursive", "true")],
        ..Default::default()
    };

    c.bench_function("prepare: stored datasource + cached token", |b| {
        b.iter(|| {
            prepare(std::hint::black_box(&datasource), std::hint::black_box(&spec), Some(&token), SystemTime::now())
                .unwrap()
        })
    });
    // Ten variables: five in the datasource (the URL's two, a header, a query value, the secret
    // API key), six in the request (path, query, two headers, two in the JSON body).
    let variables = [
        ("host", "api.example.com"),
        ("version", "v2"),
        ("team", "core"),
        ("region", "eu"),
        ("folder", "reports"),
        ("limit", "100"),
        ("requestId", "42"),
        ("locale", "en-GB"),
        ("tenant", "t-1234"),
    ];
    // Every environment must define what a datasource uses: `default` as well as `bench`.
    runtime.block_on(store.create_environment("bench", false)).unwrap();
    for env in ["default", "bench"] {
        for (key, value) in variables {
            runtime.block_on(store.set_variable(env, Variable::plain(key, value))).unwrap();
        }
        runtime.block_on(store.set_variable(env, Variable::secret("apiKey", "k-0123456789abcdef".into()))).unwrap();
    }
    let config = parse_datasource(
        r#"{"name":"Vars","url":"https://{{host}}/{{version}}","headers":[{"key":"Accept","value":"application/json"},{"key":"X-Team","value":"{{team}}"}],
            "queryParams":[{"key":"region","value":"{{region}}"}],
            "auth":{"type":"apiKey","key":"X-Api-Key","value":"{{apiKey}}","addTo":"header"}}"#,
    )
    .unwrap();
    runtime.block_on(store.create_datasource(config)).unwrap();
    let in_env = runtime.block_on(store.datasource_in("Vars", "bench")).unwrap();
    let with_vars = RequestSpec {
        method: "POST".into(),
        path: "/files/{{folder}}/list".into(),
        headers: vec![KeyValue::new("X-Request-Id", "{{requestId}}"), KeyValue::new("Accept-Language", "{{locale}}")],
        query_params: vec![KeyValue::new("limit", "{{limit}}")],
        body: RequestBody::Json { text: r#"{"tenant":"{{tenant}}","team":"{{team}}"}"#.into() },
    };
    c.bench_function("prepare with ten variables", |b| {
        b.iter(|| {
            prepare(std::hint::black_box(&in_env), std::hint::black_box(&with_vars), None, SystemTime::now()).unwrap()
        })
    });
    c.bench_function("load from SQLite + open secrets + prepare", |b| {
        b.iter(|| {
            let datasource = runtime.block_on(store.datasource_with_secrets("Bench")).unwrap();
            prepare(&datasource, &spec, Some(&token), SystemTime::now()).unwrap()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
