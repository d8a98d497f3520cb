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

    /// Creates the directory when missing and makes it private, on every open and not only when
    /// created: on Unix the directory becomes 0700 and must belong to the user running Latchkey
    /// (a directory of another user is refused: its owner could read or replace the database).
    ///
    /// # Errors
    /// I/O errors; [`Error::Vault`] for a directory owned by another user.
    pub(crate) fn ensure(&self) -> Result<()> {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(&self.0).map_err(|e| Error::io(&self.0, e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::{MetadataExt, PermissionsExt};
            let meta = std::fs::metadata(&self.0).map_err(|e| Error::io(&self.0, e))?;
            // SAFETY: geteuid has no preconditions and cannot fail.
            let me = unsafe { libc::geteuid() };
            if meta.uid() != me {
                return Err(Error::Vault(format!(
                    "the data directory {} belongs to another user (uid {}, you are uid {me}): \
                     use a directory of your own with --data-dir or {DATA_DIR_ENV}",
                    self.0.display(),
                    meta.uid()
                )));
            }
            if meta.permissions().mode() & 0o777 != 0o700 {
                std::fs::set_permissions(&self.0, std::fs::Permissions::from_mode(0o700))
                    .map_err(|e| Error::io(&self.0, e))?;
            }
        }
        Ok(())
    }

    /// Makes the database, its WAL and shared-memory files and the open lock owner-only (0600)
    /// where they exist. SQLite creates the WAL and SHM files with the database file's mode, so a
    /// private database keeps new ones private too.
    ///
    /// # Errors
    /// I/O errors.
    pub(crate) fn protect_files(&self) -> Result<()> {
        #[cfg(unix)]
        for name in ["latchkey.db", "latchkey.db-wal", "latchkey.db-shm", "latchkey.lock"] {
            use std::os::unix::fs::PermissionsExt;
            let path = self.0.join(name);
            match std::fs::metadata(&path) {
                Ok(meta) if meta.permissions().mode() & 0o077 != 0 => {
                    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
                        .map_err(|e| Error::io(&path, e))?;
                }
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io(&path, e)),
            }
        }
        Ok(())
    }
}
