//! Files the page may name: only those the person picked in a file dialog the Rust side opened.
//!
//! The page never passes a path to read or write. Picking a body file returns an opaque handle
//! (`file_1`, `file_2`, … for this run of the app) that the page puts where a `RequestSpec`
//! names a file; [`PickedFiles::resolve`] swaps handles for the picked paths before the core sees
//! the request and refuses anything else, so a page that was made to send `~/.ssh/id_ed25519`
//! gets a field error instead. Saving a response asks for the path in a save dialog opened here
//! (`requests::save_response_body`). Which file to show a dialog for is the person's choice; what
//! is read or written is the one they chose.
//!
//! Test-only: in debug builds `LATCHKEY_TEST_PICK_FILE` and `LATCHKEY_TEST_SAVE_PATH` answer the
//! open and save dialogs without showing them (the GUI tests cannot drive a native dialog over
//! WebDriver). Release builds ignore both.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use latchkey_core::error::{ErrorPayload, FieldError};
use latchkey_core::model::{RequestBody, RequestSpec};
use latchkey_core::Error;
use serde::Serialize;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;
use tokio::sync::oneshot;
use ts_rs::TS;

/// Prefix of every handle; anything else in a file slot is a path the page made up.
const HANDLE_PREFIX: &str = "file_";

/// The body files picked since the app started, by handle.
///
/// Handles are a counter, not random: guessing one only names a file the person already chose
/// to send, which the page could name anyway.
#[derive(Default)]
pub struct PickedFiles {
    files: Mutex<HashMap<String, PathBuf>>,
}

/// A file picked for a request body: the handle the page sends, and the path to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PickedFile {
    pub handle: String,
    /// The picked path, for display only: the desktop app does not accept it back.
    pub path: String,
}

impl PickedFiles {
    /// Remembers `path` as picked and returns its handle (the same handle for the same path).
    pub fn add(&self, path: PathBuf) -> PickedFile {
        let mut files = self.files.lock().expect("picked files lock");
        let shown = path.display().to_string();
        if let Some((handle, _)) = files.iter().find(|(_, known)| **known == path) {
            return PickedFile { handle: handle.clone(), path: shown };
        }
        let handle = format!("{HANDLE_PREFIX}{}", files.len() + 1);
        files.insert(handle.clone(), path);
        PickedFile { handle, path: shown }
    }

    /// The path picked as `handle`.
    ///
    /// # Errors
    /// [`Error::Invalid`] on `source` for anything but a handle of this run (never quoting it).
    pub fn path(&self, handle: &str) -> Result<PathBuf, Error> {
        let files = self.files.lock().expect("picked files lock");
        files.get(handle).cloned().ok_or_else(|| Error::field("source", not_picked(handle)))
    }

    /// `spec` with every file handle replaced by the picked path.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming each file slot (`body.path`, `body.parts[i].file`) that holds
    /// anything but a handle of this run: a path, or a handle from before a restart.
    pub fn resolve(&self, mut spec: RequestSpec) -> Result<RequestSpec, Error> {
        let files = self.files.lock().expect("picked files lock");
        let mut errors = Vec::new();
        let mut swap = |slot: &mut String, field: String| match files.get(slot.as_str()) {
            Some(path) => *slot = path.display().to_string(),
            None if slot.trim().is_empty() => {}
            None => errors.push(FieldError::new(field, not_picked(slot))),
        };
        match &mut spec.body {
            RequestBody::Binary { path, .. } => swap(path, "body.path".to_owned()),
            RequestBody::Multipart { parts } => {
                for (i, part) in parts.iter_mut().enumerate() {
                    if let Some(file) = part.file.as_mut() {
                        swap(file, format!("body.parts[{i}].file"));
                    }
                }
            }
            _ => {}
        }
        if errors.is_empty() {
            Ok(spec)
        } else {
            Err(Error::Invalid(errors))
        }
    }
}

/// Why a file slot is refused; never quotes the slot (it could be anything the page sent).
fn not_picked(slot: &str) -> &'static str {
    if slot.starts_with(HANDLE_PREFIX) {
        "this file was chosen before the app restarted: choose it again with Choose file…"
    } else {
        "the desktop app sends only a file chosen with Choose file…: choose it again"
    }
}

/// A path given by a test-only variable (debug builds only); `None` otherwise.
pub(crate) fn test_answer(variable: &str) -> Option<PathBuf> {
    if cfg!(debug_assertions) {
        std::env::var_os(variable).filter(|v| !v.is_empty()).map(PathBuf::from)
    } else {
        None
    }
}

/// Opens the system's file dialog and returns the picked file's handle; `None` when cancelled.
#[tauri::command]
pub async fn pick_body_file(
    app: AppHandle,
    picked: State<'_, PickedFiles>,
    title: String,
) -> Result<Option<PickedFile>, ErrorPayload> {
    Ok(pick_file(&app, &picked, title).await)
}

/// Opens the system's file dialog titled `title` and remembers the picked file; `None` when
/// cancelled.
pub async fn pick_file(app: &AppHandle, picked: &PickedFiles, title: String) -> Option<PickedFile> {
    let path = match test_answer("LATCHKEY_TEST_PICK_FILE") {
        Some(path) => Some(path),
        None => {
            let (tx, rx) = oneshot::channel();
            app.dialog().file().set_title(title).pick_file(move |file| {
                let _ = tx.send(file.and_then(|f| f.into_path().ok()));
            });
            rx.await.ok().flatten()
        }
    };
    path.map(|path| picked.add(path))
}

/// Asks where to save, in the system's save dialog, with `file_name` suggested; `None` when
/// cancelled. Only the last component of `file_name` is used, so the page cannot point the
/// dialog at a directory.
pub async fn ask_save_path(app: &AppHandle, title: &str, file_name: &str) -> Option<PathBuf> {
    if let Some(path) = test_answer("LATCHKEY_TEST_SAVE_PATH") {
        return Some(path);
    }
    let name = suggested_name(file_name);
    let (tx, rx) = oneshot::channel();
    let mut dialog = app.dialog().file().set_title(title);
    if !name.is_empty() {
        dialog = dialog.set_file_name(name);
    }
    dialog.save_file(move |file| {
        let _ = tx.send(file.and_then(|f| f.into_path().ok()));
    });
    rx.await.ok().flatten()
}

/// The last component of `file_name`, the only part of the page's suggestion the dialog gets.
fn suggested_name(file_name: &str) -> String {
    Path::new(file_name).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use latchkey_core::model::MultipartPart;

    use super::*;

    fn binary(path: &str) -> RequestSpec {
        RequestSpec {
            method: "POST".into(),
            body: RequestBody::Binary { path: path.into(), content_type: String::new() },
            ..Default::default()
        }
    }

    fn fields(err: Error) -> Vec<(String, String)> {
        match err {
            Error::Invalid(fields) => fields.into_iter().map(|f| (f.field, f.message)).collect(),
            other => panic!("expected field errors, got {other}"),
        }
    }

    #[test]
    fn a_picked_file_is_sent_by_its_handle_and_a_path_from_the_page_is_refused() {
        let picked = PickedFiles::default();
        let file = picked.add(PathBuf::from("/home/me/report.pdf"));
        assert!(file.handle.starts_with("file_"), "{file:?}");
        assert_eq!(file.path, "/home/me/report.pdf");
        assert_eq!(picked.add(PathBuf::from("/home/me/report.pdf")), file, "the same file keeps its handle");

        let resolved = picked.resolve(binary(&file.handle)).expect("a handle of this run resolves");
        assert_eq!(
            resolved.body,
            RequestBody::Binary { path: "/home/me/report.pdf".into(), content_type: String::new() }
        );

        for path in ["/home/me/.ssh/id_ed25519", "/home/me/report.pdf", "../report.pdf", "file_99"] {
            let errors = fields(picked.resolve(binary(path)).expect_err("only handles are accepted"));
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert_eq!(errors[0].0, "body.path", "the error is under the file field");
            assert!(errors[0].1.contains("Choose file"), "the message says how to fix it: {}", errors[0].1);
            assert!(!errors[0].1.contains(path), "the message does not quote what the page sent");
        }
        assert!(picked.resolve(binary("")).is_ok(), "an empty slot is left to the core's own check");
    }

    #[test]
    fn every_multipart_file_part_must_be_picked() {
        let picked = PickedFiles::default();
        let file = picked.add(PathBuf::from("/tmp/a.png"));
        let part = |key: &str, file: Option<&str>| MultipartPart {
            key: key.into(),
            value: "text".into(),
            file: file.map(Into::into),
            content_type: String::new(),
        };
        let spec = RequestSpec {
            body: RequestBody::Multipart {
                parts: vec![part("title", None), part("image", Some(&file.handle)), part("key", Some("/etc/passwd"))],
            },
            ..Default::default()
        };
        let errors = fields(picked.resolve(spec.clone()).expect_err("the made-up path is refused"));
        assert_eq!(
            errors.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(),
            ["body.parts[2].file"],
            "only the third part"
        );

        let RequestBody::Multipart { mut parts } = spec.body else { unreachable!() };
        parts.pop();
        let resolved =
            picked.resolve(RequestSpec { body: RequestBody::Multipart { parts }, ..Default::default() }).unwrap();
        let RequestBody::Multipart { parts } = resolved.body else { unreachable!() };
        assert_eq!(parts[0].file, None, "a text part stays text");
        assert_eq!(parts[1].file.as_deref(), Some("/tmp/a.png"), "the handle became the picked path");
    }

    #[test]
    fn the_page_suggests_a_file_name_never_a_directory() {
        assert_eq!(suggested_name("response.json"), "response.json");
        assert_eq!(suggested_name("../../.bashrc"), ".bashrc", "only the last component");
        assert_eq!(suggested_name("/home/me/.ssh/authorized_keys"), "authorized_keys");
        assert_eq!(suggested_name(".."), "", "no name at all rather than a directory");
        assert_eq!(suggested_name(""), "");
    }
}
