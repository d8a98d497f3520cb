//! Entry point of the Latchkey desktop app; everything else is in the library (`lib.rs`).

// Keeps release builds on Windows from opening a console window next to the app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    latchkey_desktop::run();
}
