//! Looking at what a test left on disk: every file of a data directory, to search them for
//! secrets that must not be there.

use std::path::{Path, PathBuf};

/// Every file under `dir`, in subdirectories too (the database, its WAL and SHM, key and lock
/// files). Panics when `dir` cannot be read: a test that looks at nothing would pass unseen.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display())) {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}
