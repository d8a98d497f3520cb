//! The TypeScript bindings of every type that crosses to the UI, generated with ts-rs into
//! `ui/src/bindings/`. The committed files are checked against the Rust types by a test;
//! `scripts/bindings.sh` (LATCHKEY_UPDATE_BINDINGS=1) rewrites them.
//!
//! Besides types, the facts the core owns that the UI shows before asking anything (the
//! defaults of a new OAuth 2.0 datasource, the default loopback port, the Redirect URLs) are
//! generated as a value, [`Defaults`] in `defaultValues.ts`, so the UI never copies them.

use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

use crate::model::{OAuth2Config, RedirectKind, DEFAULT_LOOPBACK_PORT};

/// One generated file: its name and its text.
pub type Binding = (PathBuf, String);

/// The binding of one type.
pub fn binding<T: TS + 'static + ?Sized>() -> Binding {
    let cfg = ts_rs::Config::new();
    let path = T::output_path().expect("exported types have an output path");
    let text = T::export_to_string(&cfg).unwrap_or_else(|e| panic!("ts-rs cannot export {}: {e}", T::name(&cfg)));
    (path, text)
}

/// The bindings of the core's types.
pub fn core_bindings() -> Vec<Binding> {
    use crate::error::{ErrorCode, ErrorPayload, FieldError, ProviderError};
    use crate::http::{SentRequest, Timings};
    use crate::model::*;
    vec![
        binding::<crate::SecretField>(),
        binding::<KeyValue>(),
        binding::<DatasourceConfig>(),
        binding::<Datasource>(),
        binding::<SavedDatasource>(),
        binding::<DatasourceId>(),
        binding::<DestinationCheck>(),
        binding::<DatasourceSummary>(),
        binding::<ConfigOverrides>(),
        binding::<EnvironmentId>(),
        binding::<EnvironmentConfig>(),
        binding::<Environment>(),
        binding::<EnvironmentSummary>(),
        binding::<VariableJson>(),
        binding::<crate::store::SavedEnvironment>(),
        binding::<AuthConfig>(),
        binding::<AuthType>(),
        binding::<BasicAuth>(),
        binding::<ApiKeyAuth>(),
        binding::<KeyPlacement>(),
        binding::<BearerAuth>(),
        binding::<OAuth2Config>(),
        binding::<GrantType>(),
        binding::<ClientAuthentication>(),
        binding::<ClientAssertionAlg>(),
        binding::<crate::oauth::client_key::PublicKeyToRegister>(),
        binding::<RefreshClientAuthentication>(),
        binding::<RedirectKind>(),
        binding::<ProxyConfig>(),
        binding::<ProxyMode>(),
        binding::<CustomProxy>(),
        binding::<RequestSpec>(),
        binding::<RequestBody>(),
        binding::<MultipartPart>(),
        binding::<SavedQuery>(),
        binding::<SentRequest>(),
        binding::<Timings>(),
        binding::<FieldError>(),
        binding::<ErrorCode>(),
        binding::<ErrorPayload>(),
        binding::<ProviderError>(),
        binding::<TokenStatus>(),
        binding::<TokenState>(),
        binding::<LastTokenError>(),
        binding::<TokenCallEntry>(),
        binding::<DecodedJwt>(),
        binding::<TokenDetails>(),
        binding::<crate::model::HistoryEntry>(),
        binding::<crate::import::Format>(),
        binding::<crate::import::ImportPlan>(),
        binding::<crate::import::DatasourceAction>(),
        binding::<crate::import::PlannedDatasource>(),
        binding::<crate::import::PlannedQuery>(),
        binding::<crate::import::PlannedEnvironment>(),
        binding::<crate::import::Dropped>(),
        binding::<crate::import::curl::PastedRequest>(),
        binding::<crate::store::AppliedImport>(),
        binding::<crate::store::AppliedDatasource>(),
        binding::<crate::store::AppliedEnvironment>(),
        binding::<crate::share::ExportSummary>(),
        binding::<crate::share::DirAction>(),
        binding::<crate::share::QueryChanges>(),
        binding::<crate::share::DirDatasource>(),
        binding::<crate::share::DirEnvironment>(),
        binding::<crate::share::AbsentKind>(),
        binding::<crate::share::AbsentItem>(),
        binding::<crate::share::DirPlan>(),
        binding::<crate::share::DirStatus>(),
        binding::<crate::preset::Preset>(),
        binding::<crate::http::ResponseView>(),
        binding::<Defaults>(),
        defaults_value(),
    ]
}

/// What the core starts from where a datasource says nothing, for the UI.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Defaults {
    /// A new OAuth 2.0 datasource: `OAuth2Config::default()`.
    pub oauth2: OAuth2Config,
    /// The loopback listener's port when a datasource names none.
    pub loopback_port: u16,
    /// The loopback Redirect URL (RFC 8252 §7.3) with `{port}` where the listener's port goes.
    pub loopback_redirect_uri: String,
    /// The deep-link Redirect URL (RFC 8252 §7.1, a private-use URI scheme).
    pub deep_link_redirect_uri: String,
}

/// The placeholder for the port in [`Defaults::loopback_redirect_uri`].
pub const PORT_PLACEHOLDER: &str = "{port}";

impl Defaults {
    /// The core's values, the Redirect URLs taken from [`OAuth2Config::redirect_uri`] itself.
    pub fn of_core() -> Self {
        // A port no other part of the URL can contain, swapped for the placeholder.
        const PROBE: u16 = 65_432;
        let loopback = OAuth2Config { redirect: RedirectKind::Loopback, ..OAuth2Config::default() };
        let deep_link = OAuth2Config { redirect: RedirectKind::DeepLink, ..OAuth2Config::default() };
        Self {
            oauth2: OAuth2Config::default(),
            loopback_port: DEFAULT_LOOPBACK_PORT,
            loopback_redirect_uri: loopback.redirect_uri(PROBE).replace(&PROBE.to_string(), PORT_PLACEHOLDER),
            deep_link_redirect_uri: deep_link.redirect_uri(PROBE),
        }
    }
}

/// `defaultValues.ts`: [`Defaults::of_core`] as a typed constant `DEFAULTS`.
pub fn defaults_value() -> Binding {
    let json = serde_json::to_string_pretty(&Defaults::of_core()).expect("the defaults serialize");
    let text = format!(
        "// Generated from the core's values by crates/latchkey-core/src/bindings.rs (scripts/bindings.sh). Do not edit this file manually.\n\
         import type {{ Defaults }} from \"./Defaults\";\n\n\
         export const DEFAULTS: Defaults = {json};\n"
    );
    (PathBuf::from("defaultValues.ts"), text)
}

/// Compares `bindings` with the files in `dir`, or rewrites them when
/// `LATCHKEY_UPDATE_BINDINGS=1`. Returns the names of stale or missing files.
pub fn check_or_update(dir: &Path, bindings: &[Binding]) -> Vec<String> {
    let update = std::env::var("LATCHKEY_UPDATE_BINDINGS").is_ok_and(|v| v == "1");
    let mut stale = Vec::new();
    for (name, text) in bindings {
        let path = dir.join(name);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(text.as_str()) {
            continue;
        }
        if update {
            std::fs::create_dir_all(dir).expect("create the bindings directory");
            std::fs::write(&path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        } else {
            stale.push(name.display().to_string());
        }
    }
    stale
}

/// Where the UI keeps the bindings, from a crate directory in this workspace.
pub fn ui_bindings_dir(manifest_dir: &str) -> PathBuf {
    let mut dir = Path::new(manifest_dir);
    while !dir.join("tauri.conf.json").exists() {
        dir = dir.parent().expect("the workspace root has tauri.conf.json");
    }
    dir.join("ui/src/bindings")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_bindings_match_the_rust_types() {
        let dir = ui_bindings_dir(env!("CARGO_MANIFEST_DIR"));
        let stale = check_or_update(&dir, &core_bindings());
        assert!(
            stale.is_empty(),
            "stale TypeScript bindings in ui/src/bindings: {stale:?}; run scripts/bindings.sh and commit"
        );
    }

    #[test]
    fn the_generated_redirect_urls_are_the_ones_the_core_registers() {
        let defaults = Defaults::of_core();
        for port in [DEFAULT_LOOPBACK_PORT, 1, 8080, 65_535] {
            let config = OAuth2Config { redirect: RedirectKind::Loopback, ..OAuth2Config::default() };
            assert_eq!(
                defaults.loopback_redirect_uri.replace(PORT_PLACEHOLDER, &port.to_string()),
                config.redirect_uri(port),
                "the UI's loopback Redirect URL for port {port} must be the one the listener answers on"
            );
        }
        let deep_link = OAuth2Config { redirect: RedirectKind::DeepLink, ..OAuth2Config::default() };
        assert_eq!(defaults.deep_link_redirect_uri, deep_link.redirect_uri(0));
        assert_eq!(
            defaults.oauth2.loopback_port, defaults.loopback_port,
            "a new datasource starts on the default port"
        );
    }
}
