//! Datasource import: `latchkey_core::transfer::parse_datasource` on any text, then what an
//! import does with the result: `DatasourceConfig::validate`, the export in its three views,
//! and, for a valid datasource, preparing a request and the OAuth 2.0 requests.
//!
//! Checked besides "no panic":
//! - an import error never repeats a value from the input (transfer.rs promises this; string
//!   values containing `SECRET` are the canary; field and variant names may be repeated);
//! - an export imports back the same: the loaded secrets with Reveal, markers with Marker, and only
//!   the `<set>` mask (never a value) with Mask;
//! - every environment's effective configuration resolves its variables without panicking, never
//!   resolves the name, and an unknown variable's error never quotes a variable's value;
//! - a datasource that validates has a usable base URL, and an authorization-code one a usable
//!   authorization URL;
//! - with several documents separated by `---` lines, imports over an existing datasource keep
//!   every secret with its destination (see `replace.rs`).
#![no_main]

mod replace;

use latchkey_core::model::{
    AuthConfig, Datasource, DatasourceConfig, EnvironmentConfig, GrantType, RequestSpec, Variable,
};
use latchkey_core::oauth::{authorization, token_client};
use latchkey_core::transfer::{export_datasource, parse_datasource, SecretView, MASK};
use latchkey_core::variables::{self, Variables};
use latchkey_core::{Error, Secret, SecretField};
use libfuzzer_sys::fuzz_target;

/// The clock the token requests are built at (any fixed time will do).
const NOW: u64 = 1_800_000_000;

const CANARY: &str = "SECRET";

/// Messages that name a field or variant from the input, which transfer.rs allows.
fn names_allowed(message: &str) -> bool {
    ["unknown field", "unknown variant", "duplicate field", "missing field"].iter().any(|p| message.contains(p))
}

/// `config` with every secret slot (per-environment overrides' too) mapped by `f`.
fn map_secrets(config: &DatasourceConfig, f: impl Fn(&SecretField) -> SecretField) -> DatasourceConfig {
    let mut config = config.clone();
    for (_, field) in config.secret_slots_mut() {
        *field = f(field);
    }
    for overrides in config.environments.values_mut() {
        for (_, field) in overrides.secret_slots_mut() {
            *field = f(field);
        }
    }
    config
}

fn reimport(datasource: &Datasource, view: SecretView) -> DatasourceConfig {
    let text = export_datasource(datasource, view).to_string();
    match parse_datasource(&text) {
        Ok(config) => config,
        Err(err) => panic!("an export ({view:?}) does not import back: {err}"),
    }
}

fuzz_target!(|data: &[u8]| {
    replace::check(data);
    let text = String::from_utf8_lossy(data);
    let config = match parse_datasource(&text) {
        Ok(config) => config,
        Err(Error::Format(message)) => {
            if message.contains(CANARY) && !names_allowed(&message) {
                panic!("the import error repeats a value from the input: {message}");
            }
            return;
        }
        Err(other) => panic!("parse_datasource failed with a non-Format error: {other:?}"),
    };

    let datasource = Datasource::unsaved("ds_fuzz", config.clone());

    // Export and import back.
    let loaded = |f: &SecretField| match f {
        SecretField::Value(s) => SecretField::Value(s.clone()),
        _ => SecretField::Empty,
    };
    assert_eq!(reimport(&datasource, SecretView::Reveal), map_secrets(&config, loaded), "Reveal round trip");
    let masked = |f: &SecretField| if f.is_set() { SecretField::from(MASK) } else { SecretField::Empty };
    assert_eq!(reimport(&datasource, SecretView::Mask), map_secrets(&config, masked), "Mask round trip");
    let marked = |f: &SecretField| if f.is_set() { SecretField::Stored } else { SecretField::Empty };
    assert_eq!(reimport(&datasource, SecretView::Marker), map_secrets(&config, marked), "Marker round trip");

    // Every environment's effective configuration with variables resolved (a secret one among
    // them): no panic, the name is never resolved, and an error never quotes a variable's value.
    let vars = Variables::of(&EnvironmentConfig {
        name: "staging".into(),
        production: false,
        variables: vec![
            Variable::plain("host", "staging.example.com"),
            Variable::secret("apiKey", SecretField::from("SECRET-variable")),
        ],
    });
    for env in config.environments.keys().map(String::as_str).chain(["staging"]) {
        if let Ok(effective) = config.effective(env) {
            match variables::resolve_config(&effective, &vars) {
                Ok(resolved) => assert_eq!(resolved.name, config.name, "the name is never resolved"),
                Err(err) => assert!(!err.to_string().contains("SECRET-variable"), "an error quotes a value: {err}"),
            }
        }
    }

    let valid = config.validate();
    if let Err(errors) = &valid {
        assert!(!errors.is_empty());
        let _ = Error::Invalid(errors.clone()).to_string();
        return;
    }
    assert!(config.base_url().is_ok(), "a valid datasource has a usable base URL");

    // A request through it (this must not panic; errors are fine, e.g. a credential with a
    // line break cannot go into a header).
    let token = Secret::new("tok-123");
    if let Ok(prepared) =
        latchkey_core::http::prepare(&datasource, &RequestSpec::default(), Some(&token), std::time::SystemTime::now())
    {
        let _ = prepared.curl_command();
        let _ = prepared.redacted();
    }

    if let AuthConfig::OAuth2(oauth) = &config.auth {
        if oauth.grant_type == GrantType::AuthorizationCode {
            let redirect = oauth.redirect_uri(oauth.loopback_port);
            let pending = authorization::start(
                latchkey_core::oauth::OAuthDatasource::of(&datasource).expect("OAuth 2.0"),
                &redirect,
            );
            assert!(pending.is_ok(), "a valid datasource can start authorizing: {:?}", pending.err());
            let _ = token_client::code_request(oauth, &Secret::new("code"), &redirect, None, NOW);
        } else {
            let _ = token_client::direct_grant_request(oauth, NOW).map(|r| r.body());
        }
        let _ = token_client::refresh_request(oauth, &Secret::new("refresh"), NOW).map(|r| r.body());
        let _ = token_client::revocation_request(oauth, &token, "refresh_token", NOW);
    }
});
