//! 1,000 concurrent requests through one OAuth 2.0 datasource whose stored token has expired,
//! against the real provider of the test suite (oidc-provider on 127.0.0.1, `/api/whoami`
//! checking each token): how many token calls that costs (it must be one) and the latency each
//! caller sees, p50 / p99 / max. Prints figures; asserts only what makes them meaningful.
//!
//! Run: `cargo bench --workspace --locked --bench concurrency` (needs `npm ci` for the provider).

use std::sync::Arc;
use std::time::{Duration, Instant};

use latchkey_core::http::{execute, SendOptions, Transport};
use latchkey_core::model::RequestSpec;
use latchkey_core::oauth::{TokenClient, TokenClientOptions, TokenLifecycle};
use latchkey_core::store::{now_millis, NewTokens};
use latchkey_core::transfer::parse_datasource;
use latchkey_core::vault::key::KeyringUse;
use latchkey_core::{DataDir, Store};
use latchkey_testkit::oidc::{OidcProvider, BASIC_CLIENT};

const CALLERS: usize = 1_000;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let provider = OidcProvider::start(Duration::from_secs(3600));
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_with(&DataDir::at(dir.path()), KeyringUse::Off).await.unwrap();
        let json = serde_json::json!({
            "name": "Concurrent",
            "url": provider.issuer(),
            "auth": {
                "type": "oauth2", "grantType": "client_credentials", "accessTokenUrl": provider.url("/token"),
                "clientId": BASIC_CLIENT.0, "clientSecret": BASIC_CLIENT.1,
                "clientAuthentication": "basic_header", "scopes": ["api:read"]
            }
        });
        let created = store.create_datasource(parse_datasource(&json.to_string()).unwrap()).await.unwrap();
        let datasource = Arc::new(store.datasource_with_secrets(&created.id).await.unwrap());
        let lifecycle =
            TokenLifecycle::new(store.clone(), TokenClient::new(Transport::new(), TokenClientOptions::default()));

        // A token that was good, now past its expiry.
        let token = lifecycle.access_token(&datasource).await.unwrap();
        let record = store.tokens(&created).await.unwrap().unwrap();
        let expired = NewTokens {
            access_token: token,
            refresh_token: None,
            token_type: record.token_type.clone(),
            scope: record.scope.clone(),
            obtained_at: now_millis() - 7_200_000,
            expires_at: Some(now_millis() - 3_600_000),
        };
        store.save_tokens(&created, &expired).await.unwrap();
        let calls_before = provider.calls("token:client_credentials");

        let transport = Transport::new();
        let spec = RequestSpec { path: "/api/whoami".into(), ..Default::default() };
        let started = Instant::now();
        let tasks: Vec<_> = (0..CALLERS)
            .map(|_| {
                let (transport, lifecycle, datasource, spec) =
                    (transport.clone(), lifecycle.clone(), datasource.clone(), spec.clone());
                tokio::spawn(async move {
                    let begun = Instant::now();
                    let response = execute(&transport, &datasource, &spec, &lifecycle, &SendOptions::default()).await;
                    (begun.elapsed(), response.map(|r| r.status))
                })
            })
            .collect();
        let mut latencies = Vec::with_capacity(CALLERS);
        for task in tasks {
            let (elapsed, status) = task.await.unwrap();
            assert_eq!(status.expect("every request completes"), 200, "every request is authorized");
            latencies.push(elapsed);
        }
        let wall = started.elapsed();
        latencies.sort();
        let token_calls = provider.calls("token:client_credentials") - calls_before;
        println!(
            "concurrency: {CALLERS} requests through one datasource with an expired token (oidc-provider, loopback)"
        );
        println!("  token calls: {token_calls} (must be 1)");
        println!(
            "  latency: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; all done in {:.0} ms",
            percentile(&latencies, 0.50).as_secs_f64() * 1e3,
            percentile(&latencies, 0.99).as_secs_f64() * 1e3,
            latencies.last().unwrap().as_secs_f64() * 1e3,
            wall.as_secs_f64() * 1e3
        );
        assert_eq!(token_calls, 1, "1,000 concurrent callers share one token call");
    });
}
