//! The TypeScript bindings of every type that crosses to the UI, generated with ts-rs into
//! `ui/src/bindings/`. The committed files are checked against the Rust types by a test;
//! `scripts/bindings.sh` (LATCHKEY_UPDATE_BINDINGS=1) rewrites them.

use std::path::{Path, PathBuf};

use ts_rs::TS;

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
        binding::<AuthConfig>(),
        binding::<AuthType>(),
        binding::<BasicAuth>(),
        binding::<ApiKeyAuth>(),
        binding::<KeyPlacement>(),
        binding::<BearerAuth>(),
        binding::<OAuth2Config>(),
        binding::<GrantType>(),
        binding::<ClientAuthentication>(),
        binding::<RefreshClientAuthentication>(),
        binding::<RedirectKind>(),
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
        binding::<crate::model::HistoryEntry>(),
        binding::<crate::preset::Preset>(),
        binding::<crate::http::ResponseView>(),
    ]
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
}
