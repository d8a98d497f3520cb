//! Criterion benchmarks of `private_key_jwt`: signing one client assertion (the claims and the
//! JWS) with a parsed key, for ES256 (target: under 200 µs), RS256 and PS256 with a 2048-bit RSA
//! key, and EdDSA; and, since each token request reads the sealed key afresh, the same with the
//! key parsed from its PEM text. Keys come from the openssl CLI.

use criterion::{criterion_group, criterion_main, Criterion};
use latchkey_core::model::{ClientAssertionAlg, ClientAuthentication, OAuth2Config};
use latchkey_core::oauth::client_key::AssertionKey;
use latchkey_core::oauth::token_request::private_key_assertion;
use latchkey_core::{Secret, SecretField};

fn openssl_key(args: &[&str]) -> String {
    let out = std::process::Command::new("openssl").arg("genpkey").args(args).output().expect("run openssl");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn bench(c: &mut Criterion) {
    let rsa = openssl_key(&["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]);
    let p256 = openssl_key(&["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]);
    let ed25519 = openssl_key(&["-algorithm", "ed25519"]);
    let now = 1_700_000_000;
    for (name, pem, alg) in [
        ("ES256", &p256, ClientAssertionAlg::ES256),
        ("RS256 2048", &rsa, ClientAssertionAlg::RS256),
        ("PS256 2048", &rsa, ClientAssertionAlg::PS256),
        ("EdDSA", &ed25519, ClientAssertionAlg::EdDSA),
    ] {
        let config = OAuth2Config {
            access_token_url: "https://id.example.com/oauth2/token".into(),
            issuer: "https://id.example.com".into(),
            client_id: "bench-client".into(),
            client_authentication: ClientAuthentication::PrivateKeyJwt,
            client_assertion_key: SecretField::Value(Secret::new(pem.as_str())),
            client_assertion_alg: alg,
            ..Default::default()
        };
        let text = Secret::new(pem.as_str());
        let key = AssertionKey::for_config(&text, &config).unwrap();
        c.bench_function(&format!("assertion {name}: sign"), |b| {
            b.iter(|| private_key_assertion(std::hint::black_box(&config), &key, now).unwrap())
        });
        c.bench_function(&format!("assertion {name}: parse the PEM key + sign"), |b| {
            b.iter(|| {
                let key = AssertionKey::for_config(std::hint::black_box(&text), &config).unwrap();
                private_key_assertion(&config, &key, now).unwrap()
            })
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
