//! Criterion benchmarks of a large vault: 10,000 datasources (a quarter of them OAuth 2.0 with a
//! token row) and 100,000 history rows for one of them. Measures what the desktop app does on
//! start and on every change (list the datasources with their token badges) and what the tester
//! does when it opens (the newest history page, and a page further back).
//!
//! Filling the store takes a while (every datasource goes through validation and the vault);
//! the fill time is printed before the measurements.

use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion};
use latchkey_core::http::SentRequest;
use latchkey_core::model::KeyValue;
use latchkey_core::store::{now_millis, NewHistoryEntry, NewTokens};
use latchkey_core::transfer::parse_datasource;
use latchkey_core::vault::key::KeyringUse;
use latchkey_core::{DataDir, Secret, Store};

const DATASOURCES: usize = 10_000;
const HISTORY_ROWS: usize = 100_000;

fn fill(runtime: &tokio::runtime::Runtime, store: &Store) -> latchkey_core::model::DatasourceId {
    let started = Instant::now();
    let mut busiest = latchkey_core::model::DatasourceId::new("");
    for i in 0..DATASOURCES {
        let auth = if i % 4 == 0 {
            r#"{"type":"oauth2","grantType":"client_credentials","accessTokenUrl":"https://id.example.com/token","clientId":"c","clientSecret":"s"}"#
        } else {
            r#"{"type":"bearer","token":"t"}"#
        };
        let json = format!(r#"{{"name":"Datasource {i:05}","url":"https://api{i}.example.com/v1","auth":{auth}}}"#);
        let created = runtime.block_on(store.create_datasource(parse_datasource(&json).unwrap())).unwrap();
        if i % 4 == 0 {
            let now = now_millis();
            let tokens = NewTokens {
                access_token: Secret::new(format!("access-{i}")),
                refresh_token: None,
                token_type: "Bearer".into(),
                scope: String::new(),
                obtained_at: now,
                expires_at: Some(now + 3_600_000),
            };
            runtime.block_on(store.save_tokens(&created, &tokens)).unwrap();
        }
        if i == 0 {
            busiest = created.id;
        }
    }
    let filled = started.elapsed();
    let sent = SentRequest {
        method: "GET".into(),
        url: "https://api0.example.com/v1/files/list_folder?limit=100".into(),
        headers: vec![KeyValue::new("Authorization", "<redacted>"), KeyValue::new("Accept", "application/json")],
        body: String::new(),
    };
    for i in 0..HISTORY_ROWS {
        let entry = NewHistoryEntry {
            query_name: None,
            sent: &sent,
            status: Some(200),
            error: None,
            total_ms: 12.5,
            size: 1024 + i as u64,
        };
        runtime.block_on(store.record_history(&busiest, entry)).unwrap();
    }
    println!(
        "filled: {DATASOURCES} datasources in {:.1} s, {HISTORY_ROWS} history rows in {:.1} s",
        filled.as_secs_f64(),
        (started.elapsed() - filled).as_secs_f64()
    );
    busiest
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = runtime.block_on(Store::open_with(&DataDir::at(dir.path()), KeyringUse::Off)).unwrap();
    let busiest = fill(&runtime, &store);
    let older = runtime.block_on(store.history(&busiest, None, 500)).unwrap().last().unwrap().created_at;

    let mut group = c.benchmark_group("scale");
    group.sample_size(20);
    group.bench_function("list 10,000 datasources with token state", |b| {
        b.iter(|| assert_eq!(runtime.block_on(store.list_datasources()).unwrap().len(), DATASOURCES))
    });
    group.bench_function("newest history page (50 of 100,000)", |b| {
        b.iter(|| assert_eq!(runtime.block_on(store.history(&busiest, None, 50)).unwrap().len(), 50))
    });
    group.bench_function("a history page further back (50 of 100,000)", |b| {
        b.iter(|| assert_eq!(runtime.block_on(store.history(&busiest, Some(older), 50)).unwrap().len(), 50))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
