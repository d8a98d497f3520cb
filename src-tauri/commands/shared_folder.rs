//! The shared folder of the desktop app: a folder a team commits to git (`latchkey export --dir`),
//! chosen once in a folder dialog the Rust side opens and remembered across restarts in
//! `shared-folder.json` of the data dir, with the fingerprint of its files at the last import or
//! export so the window can offer a re-import when they change.
//!
//! The page never names a path: it chooses, forgets, asks for the status and imports or exports
//! "the shared folder", and gets the folder's path back for display only. What an import or an
//! export does is the core's (`latchkey_core::share`); this module only remembers the folder.
//!
//! Test-only: in debug builds `LATCHKEY_TEST_PICK_FOLDER` answers the folder dialog without
//! showing it (as `LATCHKEY_TEST_PICK_FILE` does for files, see `files`).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use latchkey_core::error::{ErrorPayload, FieldError};
use latchkey_core::share::{self, DirPlan, DirStatus, ExportSummary};
use latchkey_core::Error;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;
use tokio::sync::oneshot;
use ts_rs::TS;

use crate::OpenedStore;

/// The name of the file in the data dir that remembers the folder.
pub const FILE_NAME: &str = "shared-folder.json";

/// What is remembered: the folder, and the fingerprint of its files at the last import or export.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Remembered {
    folder: Option<PathBuf>,
    last_fingerprint: Option<String>,
}

/// The shared folder as the page sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SharedFolderInfo {
    /// The folder's path, for display only: the desktop app does not accept it back.
    pub folder: Option<String>,
    /// The fingerprint of its files at the last import or export from this app; `None` before
    /// the first. A status with another fingerprint means the files changed since.
    pub last_fingerprint: Option<String>,
}

/// The remembered folder, kept in memory and in `shared-folder.json` of the data dir.
pub struct SharedFolder {
    /// Where it is remembered; `None` when the data dir could not be resolved (kept for this run).
    file: Option<PathBuf>,
    state: Mutex<Remembered>,
}

impl SharedFolder {
    /// Reads what `file` remembers; a missing or unreadable file remembers nothing (the person
    /// chooses the folder again), and says why on stderr when it was unreadable.
    pub fn load(file: Option<PathBuf>) -> SharedFolder {
        let state = file.as_deref().map(read_remembered).unwrap_or_default();
        SharedFolder { file, state: Mutex::new(state) }
    }

    fn get(&self) -> Remembered {
        self.state.lock().expect("shared folder lock").clone()
    }

    /// Changes what is remembered and writes it to the file.
    fn update(&self, change: impl FnOnce(&mut Remembered)) -> Result<SharedFolderInfo, Error> {
        let mut state = self.state.lock().expect("shared folder lock");
        let mut next = state.clone();
        change(&mut next);
        if let Some(file) = &self.file {
            write_remembered(file, &next)?;
        }
        *state = next;
        Ok(info(&state))
    }

    /// The chosen folder.
    ///
    /// # Errors
    /// [`Error::Invalid`] under `folder` when none is chosen.
    fn folder(&self) -> Result<PathBuf, Error> {
        self.get().folder.ok_or_else(|| {
            Error::Invalid(vec![FieldError::new("folder", "no shared folder is chosen: choose one with Choose…")])
        })
    }
}

fn info(state: &Remembered) -> SharedFolderInfo {
    SharedFolderInfo {
        folder: state.folder.as_ref().map(|f| f.display().to_string()),
        last_fingerprint: state.last_fingerprint.clone(),
    }
}

fn read_remembered(file: &Path) -> Remembered {
    match std::fs::read(file) {
        Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|err| {
            eprintln!("latchkey: {} is not readable ({err}); choose the shared folder again", file.display());
            Remembered::default()
        }),
        Err(_) => Remembered::default(),
    }
}

/// Writes `state` to `file` through a temporary file renamed over it, so a crash leaves the old one.
fn write_remembered(file: &Path, state: &Remembered) -> Result<(), Error> {
    let bytes = serde_json::to_vec_pretty(state).expect("a remembered folder serializes");
    let temporary = file.with_extension("json.tmp");
    std::fs::write(&temporary, bytes).map_err(|err| Error::io(&temporary, err))?;
    std::fs::rename(&temporary, file).map_err(|err| Error::io(file, err))
}

/// The remembered folder and the fingerprint of its last import or export.
#[tauri::command]
pub fn shared_folder(shared: State<'_, SharedFolder>) -> SharedFolderInfo {
    info(&shared.get())
}

/// Opens the system's folder dialog and remembers the folder picked (a new folder has no last
/// fingerprint yet); `None` when cancelled, and the old folder stays.
#[tauri::command]
pub async fn choose_shared_folder(
    app: AppHandle,
    shared: State<'_, SharedFolder>,
    title: String,
) -> Result<Option<SharedFolderInfo>, ErrorPayload> {
    let picked = match crate::commands::files::test_answer("LATCHKEY_TEST_PICK_FOLDER") {
        Some(path) => Some(path),
        None => {
            let (tx, rx) = oneshot::channel();
            app.dialog().file().set_title(title).pick_folder(move |folder| {
                let _ = tx.send(folder.and_then(|f| f.into_path().ok()));
            });
            rx.await.ok().flatten()
        }
    };
    let Some(folder) = picked else { return Ok(None) };
    let same = shared.get().folder.as_deref() == Some(folder.as_path());
    Ok(Some(shared.update(|state| {
        if !same {
            state.last_fingerprint = None;
        }
        state.folder = Some(folder);
    })?))
}

/// Forgets the folder (its files stay as they are).
#[tauri::command]
pub fn forget_shared_folder(shared: State<'_, SharedFolder>) -> Result<SharedFolderInfo, ErrorPayload> {
    Ok(shared.update(|state| *state = Remembered::default())?)
}

/// The fingerprint of the folder's files now: reads only the folder, so the window can ask often.
#[tauri::command]
pub fn shared_folder_fingerprint(shared: State<'_, SharedFolder>) -> Result<String, ErrorPayload> {
    let folder = shared.folder()?;
    Ok(share::folder::Files::read(&folder)?.fingerprint())
}

/// What importing the folder would do now (without prune; `plan.absent` lists what prune deletes).
#[tauri::command]
pub async fn shared_folder_status(
    store: State<'_, OpenedStore>,
    shared: State<'_, SharedFolder>,
) -> Result<DirStatus, ErrorPayload> {
    let folder = shared.folder()?;
    Ok(share::dir_status(store.get()?, &folder).await?)
}

/// Imports the folder (deleting what it lacks with `prune`) and remembers its fingerprint.
#[tauri::command]
pub async fn import_shared_folder(
    store: State<'_, OpenedStore>,
    shared: State<'_, SharedFolder>,
    prune: bool,
) -> Result<DirPlan, ErrorPayload> {
    let folder = shared.folder()?;
    let plan = share::import_dir(store.get()?, &folder, prune, false).await?;
    remember_fingerprint(&shared, &folder, &plan.fingerprint)?;
    Ok(plan)
}

/// Writes the vault into the folder and remembers its fingerprint.
#[tauri::command]
pub async fn export_shared_folder(
    store: State<'_, OpenedStore>,
    shared: State<'_, SharedFolder>,
) -> Result<ExportSummary, ErrorPayload> {
    let folder = shared.folder()?;
    let summary = share::export_dir(store.get()?, &folder).await?;
    remember_fingerprint(&shared, &folder, &summary.fingerprint)?;
    Ok(summary)
}

/// Remembers `fingerprint` as the last one of `folder`, unless another folder was chosen meanwhile.
fn remember_fingerprint(shared: &SharedFolder, folder: &Path, fingerprint: &str) -> Result<(), Error> {
    shared.update(|state| {
        if state.folder.as_deref() == Some(folder) {
            state.last_fingerprint = Some(fingerprint.to_owned());
        }
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_folder_and_its_last_fingerprint_are_remembered_across_restarts() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(FILE_NAME);
        let shared = SharedFolder::load(Some(file.clone()));
        assert_eq!(shared.get(), Remembered::default(), "nothing is remembered before a choice");
        assert!(matches!(shared.folder(), Err(Error::Invalid(e)) if e[0].field == "folder"), "no folder is an error");

        shared.update(|s| s.folder = Some(PathBuf::from("/work/team-apis"))).unwrap();
        remember_fingerprint(&shared, Path::new("/work/team-apis"), "abc").unwrap();
        remember_fingerprint(&shared, Path::new("/elsewhere"), "zzz").unwrap();

        let again = SharedFolder::load(Some(file.clone()));
        assert_eq!(
            info(&again.get()),
            SharedFolderInfo { folder: Some("/work/team-apis".into()), last_fingerprint: Some("abc".into()) },
            "a new start remembers the folder and the fingerprint of its last import, not another folder's"
        );
        assert!(!dir.path().join("shared-folder.json.tmp").exists(), "the temporary file was renamed over the file");

        again.update(|s| *s = Remembered::default()).unwrap();
        assert_eq!(SharedFolder::load(Some(file)).get(), Remembered::default(), "forgetting is remembered too");
    }

    #[test]
    fn an_unreadable_file_remembers_nothing_and_no_data_dir_keeps_it_for_the_run() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(FILE_NAME);
        std::fs::write(&file, b"{ not json").unwrap();
        assert_eq!(SharedFolder::load(Some(file)).get(), Remembered::default(), "a broken file is not a folder");

        let in_memory = SharedFolder::load(None);
        in_memory.update(|s| s.folder = Some(PathBuf::from("/tmp/share"))).unwrap();
        assert_eq!(in_memory.folder().unwrap(), PathBuf::from("/tmp/share"), "kept for this run");
    }
}
