//! Criterion benchmarks of a large vault: 10,000 datasources (a quarter of them OAuth 2.0 with a
//! token row) and 100,000 history rows for one of them. Measures what the desktop app does on
//! start and on every change (list the datasources with their token badges) and what the tester
//! does when it opens (the newest history page, and a page further back).
//!
//! The vault has three environments besides `default` (issue 10): every datasource overrides
//! its `url` in each, and the OAuth quarter holds tokens in two of them (`staging` and
//! `production`, none in `qa`) as well as in `default`. Listing in each of the three is measured
//! (target: under 20 ms), since the badges come from that environment's token rows.
//!
//! Filling the store takes a while (every datasource goes through validation and the vault);
//! the fill time is printed before the measurements.

use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion};
use latchkey_core::http::SentRequest;
use latchkey_core::model::KeyValue;
use latchkey_core::store::{now_millis, NewHistoryEntry, NewTokens};
use latchkey_core::vault::key::KeyringUse;
use latchkey_core::{DataDir, Secret, Store};

#[path = "common/datasources.rs"]
mod datasources;

const DATASOURCES: usize = 10_000;
const HISTORY_ROWS: usize = 100_000;
/// The environments created besides `default`; every datasource overrides its URL in each.
const ENVIRONMENTS: [&str; 3] = ["staging", "qa", "production"];
/// The environments (besides `default`) where the OAuth datasources hold tokens.
const WITH_TOKENS: [&str; 2] = ["staging", "production"];

fn tokens(i: usize, env: &str) -> NewTokens {
    let now = now_millis();
    NewTokens {
        access_token: Secret::new(format!("access-{i}-{env}")),
        refresh_token: None,
        token_type: "Bearer".into(),
        scope: String::new(),
        obtained_at: now,
        expires_at: Some(now + 3_600_000),
    }
}

fn fill(runtime: &tokio::runtime::Runtime, store: &Store) -> latchkey_core::model::DatasourceId {
    let started = Instant::now();
    for env in ENVIRONMENTS {
        runtime.block_on(store.create_environment(env, env == "production")).unwrap();
    }
    let mut busiest = latchkey_core::model::DatasourceId::new("");
    for i in 0..DATASOURCES {
        let created =
            runtime.block_on(store.create_datasource(datasources::datasource(i, &ENVIRONMENTS, false))).unwrap();
        if i % 4 == 0 {
            runtime.block_on(store.save_tokens(&created, &tokens(i, "default"))).unwrap();
            for env in WITH_TOKENS {
                let in_env = runtime.block_on(store.datasource_in(&created.id, env)).unwrap();
                runtime.block_on(store.save_tokens(&in_env, &tokens(i, env))).unwrap();
            }
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
        "filled: {DATASOURCES} datasources with overrides in {} environments and tokens in {} in {:.1} s, \
         {HISTORY_ROWS} history rows in {:.1} s",
        ENVIRONMENTS.len(),
        WITH_TOKENS.len() + 1,
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
    for env in ENVIRONMENTS {
        let authorized = runtime
            .block_on(store.list_datasources_in(env))
            .unwrap()
            .iter()
            .filter(|s| s.token_status == Some(latchkey_core::model::TokenStatus::Authorized))
            .count();
        let want = if WITH_TOKENS.contains(&env) { DATASOURCES / 4 } else { 0 };
        assert_eq!(authorized, want, "{env}: the badges are that environment's");
        group.bench_function(format!("list 10,000 datasources in {env} (4 environments)"), |b| {
            b.iter(|| assert_eq!(runtime.block_on(store.list_datasources_in(env)).unwrap().len(), DATASOURCES))
        });
    }
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
