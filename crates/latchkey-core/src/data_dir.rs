//! Where Latchkey keeps its database (and, without a keyring, its key file).

use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// Environment variable naming the data directory; `--data-dir` wins over it.
pub const DATA_DIR_ENV: &str = "LATCHKEY_DATA_DIR";

/// A data directory: `latchkey.db` and its WAL, and `latchkey.key` when no keyring is used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir(PathBuf);

impl DataDir {
    /// `explicit` (from `--data-dir`), else `$LATCHKEY_DATA_DIR`, else the platform's data
    /// directory (`$XDG_DATA_HOME/latchkey`, `~/.local/share/latchkey` on Linux).
    ///
    /// # Errors
    /// When no platform data directory is known and none was given.
    pub fn resolve(explicit: Option<PathBuf>) -> Result<DataDir> {
        if let Some(dir) = explicit.filter(|d| !d.as_os_str().is_empty()) {
            return Ok(DataDir(dir));
        }
        if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
            return Ok(DataDir(PathBuf::from(dir)));
        }
        dirs::data_dir().map(|d| DataDir(d.join("latchkey"))).ok_or_else(|| {
            Error::Vault(format!("no data directory is known on this system: pass --data-dir or set {DATA_DIR_ENV}"))
        })
    }

    pub fn at(path: impl Into<PathBuf>) -> DataDir {
        DataDir(path.into())
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn database(&self) -> PathBuf {
        self.0.join("latchkey.db")
    }

    pub fn key_file(&self) -> PathBuf {
        self.0.join("latchkey.key")
    }

    /// Creates the directory (owner-only on Unix) when missing.
    pub(crate) fn ensure(&self) -> Result<()> {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(&self.0).map_err(|e| Error::io(&self.0, e))
    }
}
