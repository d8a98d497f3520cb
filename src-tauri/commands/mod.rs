//! Tauri commands, grouped by domain, one file each. Every command is a thin call into
//! `latchkey-core`; logic that grows here belongs in the core.

pub mod authorize;
pub mod clipboard;
pub mod datasources;
pub mod environments;
pub mod files;
pub mod imports;
pub mod queries;
pub mod requests;
pub mod shared_folder;
pub mod store;

#[cfg(test)]
mod tests {
    use latchkey_core::bindings::{binding, check_or_update, ui_bindings_dir};

    #[test]
    fn committed_bindings_of_desktop_types_match_the_rust_types() {
        let dir = ui_bindings_dir(env!("CARGO_MANIFEST_DIR"));
        let stale = check_or_update(
            &dir,
            &[
                binding::<super::authorize::AuthorizationStarted>(),
                binding::<super::authorize::DeviceCodeStarted>(),
                binding::<super::authorize::TokenProblem>(),
                binding::<super::authorize::Disconnected>(),
                binding::<super::requests::CurlCopy>(),
                binding::<super::files::PickedFile>(),
                binding::<super::imports::ImportSource>(),
                binding::<super::imports::ReviewedImport>(),
                binding::<super::shared_folder::SharedFolderInfo>(),
            ],
        );
        assert!(stale.is_empty(), "stale TypeScript bindings: {stale:?}; run scripts/bindings.sh and commit");
    }
}
