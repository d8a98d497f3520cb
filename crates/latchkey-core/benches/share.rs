//! Criterion benchmarks of sharing a vault through git (issue 12): `export --dir` of 1,000
//! datasources, each with three saved queries and URL overrides in two environments (target:
//! under 1 s), into an empty folder (every file written) and again into the same folder (every
//! file compared, none written); and `import --dir` of that folder into an empty vault (applied,
//! a fresh vault per run) and into the vault it came from (everything unchanged).
//!
//! Filling the vault takes a while (every datasource goes through validation and the vault);
//! the fill time is printed before the measurements.

use std::time::Instant;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use latchkey_core::model::{KeyValue, RequestSpec};
use latchkey_core::share;
use latchkey_core::vault::key::KeyringUse;
use latchkey_core::{DataDir, Store};

#[path = "common/datasources.rs"]
mod datasources;

const DATASOURCES: usize = 1_000;
const QUERIES: usize = 3;
const ENVIRONMENTS: [&str; 2] = ["staging", "production"];

fn fill(runtime: &tokio::runtime::Runtime, store: &Store) {
    let started = Instant::now();
    for env in ENVIRONMENTS {
        runtime.block_on(store.create_environment(env, env == "production")).unwrap();
    }
    for i in 0..DATASOURCES {
        let created =
            runtime.block_on(store.create_datasource(datasources::datasource(i, &ENVIRONMENTS, true))).unwrap();
        for q in 0..QUERIES {
            let request = RequestSpec {
                method: "GET".into(),
                path: format!("/items/{q}"),
                query_params: vec![KeyValue::new("limit", "100")],
                ..Default::default()
            };
            runtime.block_on(store.save_query(&created.id, &format!("Query {q}"), request)).unwrap();
        }
    }
    println!(
        "filled: {DATASOURCES} datasources with {QUERIES} queries and overrides in {} environments each in {:.1} s",
        ENVIRONMENTS.len(),
        started.elapsed().as_secs_f64()
    );
}

fn open(runtime: &tokio::runtime::Runtime, dir: &std::path::Path) -> Store {
    runtime.block_on(Store::open_with(&DataDir::at(dir), KeyringUse::Off)).unwrap()
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = open(&runtime, dir.path());
    fill(&runtime, &store);
    let folder = tempfile::tempdir().unwrap();
    let first = runtime.block_on(share::export_dir(&store, folder.path())).unwrap();
    assert_eq!(first.written.len(), DATASOURCES + ENVIRONMENTS.len() + 1);
    let bytes: u64 = first.written.iter().map(|f| std::fs::metadata(folder.path().join(f)).unwrap().len()).sum();
    println!("folder: {} files, {:.1} MiB", first.written.len(), bytes as f64 / (1024.0 * 1024.0));

    let mut group = c.benchmark_group("share");
    group.sample_size(10);
    group.bench_function("export --dir of 1,000 datasources into an empty folder", |b| {
        b.iter_batched(
            || tempfile::tempdir().unwrap(),
            |target| {
                let done = runtime.block_on(share::export_dir(&store, target.path())).unwrap();
                assert_eq!(done.written.len(), DATASOURCES + ENVIRONMENTS.len() + 1);
                target
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("export --dir of 1,000 datasources again (nothing changed)", |b| {
        b.iter(|| {
            let done = runtime.block_on(share::export_dir(&store, folder.path())).unwrap();
            assert!(done.written.is_empty());
        })
    });
    group.bench_function("import --dir of 1,000 datasources into an empty vault", |b| {
        b.iter_batched(
            || {
                let vault = tempfile::tempdir().unwrap();
                let empty = open(&runtime, vault.path());
                (vault, empty)
            },
            |(vault, empty)| {
                let plan = runtime.block_on(share::import_dir(&empty, folder.path(), false, false)).unwrap();
                assert_eq!(plan.counts().0, DATASOURCES + ENVIRONMENTS.len());
                (vault, empty)
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("import --dir of 1,000 datasources into the vault they came from (unchanged)", |b| {
        b.iter(|| {
            let plan = runtime.block_on(share::import_dir(&store, folder.path(), false, false)).unwrap();
            assert_eq!(plan.counts().2, DATASOURCES + ENVIRONMENTS.len() + 1);
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
