//! Tauri commands, grouped by domain, one file each. Every command is a thin call into
//! `latchkey-core`; logic that grows here belongs in the core.

pub mod datasources;
pub mod store;
