//! The empty Tauri 2 app the desktop benchmark compares Latchkey with: one window, one static
//! page (dist/index.html) and nothing else, so its start-up time, memory and `.deb` size are
//! what Tauri and WebKitGTK cost on their own.

// As in Latchkey's entry point: no console window beside release builds on Windows.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!())
        .expect("the floor app failed to start");
}
