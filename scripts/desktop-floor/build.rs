//! Build script of the floor app: runs `tauri-build`, which reads `tauri.conf.json` and
//! generates the context `tauri::generate_context!` embeds. The app has no capabilities (its
//! page calls no command), so the pattern matches nothing, as it would for any empty app.

fn main() {
    tauri_build::try_build(tauri_build::Attributes::new().capabilities_path_pattern("./capabilities/**/*"))
        .expect("tauri-build failed: check scripts/desktop-floor/tauri.conf.json");
}
