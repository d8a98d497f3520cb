//! The system clipboard, written by the Rust side: text the page already shows (a redacted
//! command, an authorization URL), and the one thing the page must never receive, Copy as cURL
//! with secrets (`requests::copy_curl_command`).
//!
//! The clipboard is opened on first use and kept for the app's life: on X11 the owner of a
//! selection serves it, so dropping it would empty the clipboard.

use std::sync::Mutex;

use latchkey_core::Secret;
use tauri::State;

/// The app's handle on the system clipboard, opened on first use.
#[derive(Default)]
pub struct SystemClipboard(Mutex<Option<arboard::Clipboard>>);

impl SystemClipboard {
    /// Puts `text` on the clipboard.
    ///
    /// # Errors
    /// The platform's reason when there is no clipboard to write to (no display, say).
    pub fn write(&self, text: &str) -> Result<(), String> {
        self.with(|clipboard| clipboard.set_text(text))
    }

    /// Puts a secret on the clipboard, asking clipboard managers to keep it out of their history
    /// (the hint password managers set).
    ///
    /// # Errors
    /// As [`SystemClipboard::write`].
    pub fn write_secret(&self, secret: &Secret) -> Result<(), String> {
        self.with(|clipboard| {
            let set = clipboard.set();
            #[cfg(target_os = "linux")]
            let set = arboard::SetExtLinux::exclude_from_history(set);
            #[cfg(windows)]
            let set = arboard::SetExtWindows::exclude_from_history(set);
            #[cfg(target_os = "macos")]
            let set = arboard::SetExtApple::exclude_from_history(set);
            set.text(secret.expose())
        })
    }

    fn with(&self, write: impl FnOnce(&mut arboard::Clipboard) -> Result<(), arboard::Error>) -> Result<(), String> {
        let mut slot = self.0.lock().expect("clipboard lock");
        if slot.is_none() {
            *slot = Some(arboard::Clipboard::new().map_err(|e| e.to_string())?);
        }
        let clipboard = slot.as_mut().expect("opened above");
        write(clipboard).map_err(|e| {
            // A clipboard that broke (the display went away) is opened again next time.
            *slot = None;
            e.to_string()
        })
    }
}

/// Puts `text`, something the page already has, on the clipboard; the page's own clipboard API
/// is not reliable in the webview (WebKitGTK refuses it after an await).
///
/// # Errors
/// The platform's reason, as a string, when there is no clipboard.
#[tauri::command]
pub fn copy_text(clipboard: State<'_, SystemClipboard>, text: String) -> Result<(), String> {
    clipboard.write(&text)
}
