//! Build script of the desktop app: runs `tauri-build`, which reads `tauri.conf.json` and the
//! capability files and generates the context `tauri::generate_context!` embeds.
//!
//! The capabilities path is explicit because `tauri.conf.json` sits at the repository root, not
//! beside this file; with the default pattern the app would build with no capabilities at all.

fn main() {
    // tauri-build reads the capability files but does not ask Cargo to watch them: without this a
    // changed permission reached only builds whose script happened to run again for another reason.
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    tauri_build::try_build(tauri_build::Attributes::new().capabilities_path_pattern("./src-tauri/capabilities/**/*"))
        .expect("tauri-build failed: check tauri.conf.json and src-tauri/capabilities/");
}
