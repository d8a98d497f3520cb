//! Import over an existing datasource, as sequences: the datasource documents of the input
//! (separated by lines of `---`) are imported one after another under one name into a real
//! store, as a file from someone else would replace one's own datasource.
//!
//! Every secret value in the input is replaced by a fresh marker, and where each marker was
//! entered (the datasource URL's origin, the API key's placement, the token and revocation
//! URLs, the authentication type) is recorded. After every import that is accepted, for every
//! secret the store then holds:
//! - it was entered by this input (no secret comes from nowhere);
//! - the request prepared through the datasource carries it only to the origin it was entered
//!   for, an API key only in the placement it was entered for;
//! - a token or revocation request carries a client secret or password only to the URL it was
//!   entered for;
//! - an `auth.*` secret is still under the authentication type it was entered for.
//!
//! An import that is refused changes nothing stored.
//! The checks read what was sent (`http::prepare`, `token_client`), not the rule's own code.

use std::collections::HashMap;
use std::sync::OnceLock;

use base64::Engine as _;
use latchkey_core::model::{AuthConfig, AuthType, DatasourceConfig, GrantType, KeyPlacement, RequestSpec};
use latchkey_core::oauth::token_client::{self, TokenRequest};
use latchkey_core::store::Store;
use latchkey_core::transfer::parse_datasource;
use latchkey_core::vault::key::KeyringUse;
use latchkey_core::{DataDir, Secret, SecretField};

use super::NOW;

/// Where a secret was entered.
#[derive(Debug, Clone)]
struct Entered {
    slot: &'static str,
    kind: AuthType,
    origin: String,
    placement: Option<KeyPlacement>,
    token_url: String,
    revocation_url: String,
}

struct Fixture {
    runtime: tokio::runtime::Runtime,
    store: Store,
    _dir: tempfile::TempDir,
    next: std::sync::atomic::AtomicU64,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let store = runtime.block_on(Store::open_with(&DataDir::at(dir.path()), KeyringUse::Off)).unwrap();
        Fixture { runtime, store, _dir: dir, next: Default::default() }
    })
}

fn origin(url: &str) -> String {
    url::Url::parse(url.trim()).map(|u| u.origin().ascii_serialization()).unwrap_or_default()
}

fn entered(config: &DatasourceConfig, slot: &'static str) -> Entered {
    let (placement, token_url, revocation_url) = match &config.auth {
        AuthConfig::ApiKey(k) => (Some(k.add_to), String::new(), String::new()),
        AuthConfig::OAuth2(o) => (Some(o.add_token_to), o.access_token_url.clone(), o.revocation_url.clone()),
        _ => (None, String::new(), String::new()),
    };
    Entered { slot, kind: config.auth.kind(), origin: origin(&config.url), placement, token_url, revocation_url }
}

/// Whether `request` carries `marker`, in its form or its Basic client authentication.
fn token_request_carries(request: &TokenRequest, marker: &str) -> bool {
    let basic = request.authorization.as_ref().and_then(|value| {
        let encoded = value.strip_prefix("Basic ")?;
        base64::engine::general_purpose::STANDARD.decode(encoded).ok()
    });
    request.form.iter().any(|(_, v)| v.contains(marker))
        || basic.is_some_and(|decoded| String::from_utf8_lossy(&decoded).contains(marker))
}

pub fn check(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let documents: Vec<&str> = text.split("\n---\n").collect();
    if documents.len() < 2 {
        return;
    }
    let fx = fixture();
    let run = fx.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = format!("replace-{run}");
    let mut markers: HashMap<String, Entered> = HashMap::new();

    for (doc, document) in documents.iter().take(6).enumerate() {
        let Ok(mut config) = parse_datasource(document) else { continue };
        // One name for the whole sequence, in changing case (names compare case-insensitively).
        config.name = if doc % 2 == 0 { name.clone() } else { name.to_uppercase() };
        let snapshot = config.clone();
        for (i, (slot, field)) in config.secret_slots_mut().into_iter().enumerate() {
            if matches!(field, SecretField::Value(_)) && slot != "selfSignedCertificate" {
                let marker = format!("mk{run}x{doc}x{i}");
                markers.insert(marker.clone(), entered(&snapshot, slot));
                *field = SecretField::Value(Secret::new(marker));
            }
        }

        let before = fx.runtime.block_on(fx.store.datasource_with_secrets(name.as_str())).ok();
        let result = fx.runtime.block_on(fx.store.import_datasource(config));
        let after = fx.runtime.block_on(fx.store.datasource_with_secrets(name.as_str())).ok();
        if result.is_err() {
            let shown = |d: &Option<latchkey_core::model::Datasource>| d.as_ref().map(|d| format!("{:?}", d.config));
            assert_eq!(shown(&before), shown(&after), "a refused import changed what is stored");
            // The Debug of a secret is redacted: compare the values too.
            let values = |d: &Option<latchkey_core::model::Datasource>| {
                d.as_ref().map(|d| {
                    d.config
                        .secret_slots()
                        .iter()
                        .map(|(_, f)| f.value().map(|s| s.expose().to_owned()))
                        .collect::<Vec<_>>()
                })
            };
            assert_eq!(values(&before), values(&after), "a refused import changed a stored secret");
            continue;
        }
        let datasource = after.expect("an accepted import is stored");
        let config = &datasource.config;
        let token = Secret::new("fuzz-access-token");
        let prepared = latchkey_core::http::prepare(
            &datasource,
            &RequestSpec::default(),
            Some(&token),
            std::time::SystemTime::now(),
        )
        .ok();

        for (slot, field) in config.secret_slots() {
            let Some(value) = field.value() else { continue };
            let value = value.expose();
            if slot == "selfSignedCertificate" {
                continue;
            }
            let Some(entered) = markers.get(value) else {
                panic!("{slot} holds a secret this input never entered");
            };
            assert_eq!(entered.slot, slot, "a secret moved from {} to {slot}", entered.slot);
            if slot.starts_with("auth.") {
                assert_eq!(entered.kind, config.auth.kind(), "{slot} moved from one authentication type to another");
            }
            let api_credential =
                !matches!((slot, config.auth.kind()), ("auth.clientSecret", _) | ("auth.password", AuthType::OAuth2));
            if api_credential {
                assert_eq!(origin(&config.url), entered.origin, "{slot} now goes to another origin");
                if let Some(prepared) = &prepared {
                    let in_url = prepared.url.as_str().contains(value);
                    let in_headers =
                        prepared.headers.values().any(|h| String::from_utf8_lossy(h.as_bytes()).contains(value));
                    if in_url || in_headers {
                        assert_eq!(
                            prepared.url.origin().ascii_serialization(),
                            entered.origin,
                            "{slot} sent to another origin"
                        );
                    }
                    if let (AuthConfig::ApiKey(k), Some(placement)) = (&config.auth, entered.placement) {
                        assert_eq!(k.add_to, placement, "the API key moved between header and query");
                    }
                }
                continue;
            }
            let AuthConfig::OAuth2(oauth) = &config.auth else { unreachable!("an OAuth 2.0 secret outside OAuth 2.0") };
            let requests = [
                (oauth.grant_type != GrantType::AuthorizationCode)
                    .then(|| token_client::direct_grant_request(oauth, NOW).ok())
                    .flatten(),
                token_client::refresh_request(oauth, &Secret::new("fuzz-refresh"), NOW).ok(),
                (!oauth.revocation_url.trim().is_empty())
                    .then(|| token_client::revocation_request(oauth, &token, "access_token", NOW).ok())
                    .flatten(),
            ];
            for request in requests.into_iter().flatten() {
                if token_request_carries(&request, value) {
                    let to = request.url.as_str();
                    let allowed = [entered.token_url.trim(), entered.revocation_url.trim()];
                    let same = allowed.iter().any(|u| url::Url::parse(u).is_ok_and(|u| u.as_str() == to));
                    assert!(same, "{slot} sent to {to}, entered for {allowed:?}");
                }
            }
        }
    }
}
