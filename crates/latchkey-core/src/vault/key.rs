//! Where the vault's 256-bit data key lives: the OS keyring (Secret Service, Keychain,
//! Credential Manager) when one is reachable, else a key file beside the database, readable
//! only by its owner. One key per vault, named by the vault id the database records.

use std::io::Write;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use zeroize::Zeroizing;

use crate::{DataDir, Error, Result};

/// Set to `off` to keep the key in a file even where a keyring is reachable.
pub const KEYRING_ENV: &str = "LATCHKEY_KEYRING";
const KEYRING_SERVICE: &str = "latchkey";
const KEY_FILE_HEADER: &str = "latchkey-vault-key v1";

/// The data key. Wiped from memory on drop; never printed.
pub struct DataKey(Zeroizing<[u8; 32]>);

impl DataKey {
    pub fn generate() -> Self {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, bytes.as_mut());
        DataKey(bytes)
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    fn from_slice(bytes: &[u8]) -> Option<Self> {
        let array: [u8; 32] = bytes.try_into().ok()?;
        Some(DataKey(Zeroizing::new(array)))
    }
}

/// Where a vault's key is kept; recorded in the database so the key is looked for there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyLocation {
    Keyring,
    File,
}

impl KeyLocation {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyLocation::Keyring => "keyring",
            KeyLocation::File => "file",
        }
    }

    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "keyring" => Ok(KeyLocation::Keyring),
            "file" => Ok(KeyLocation::File),
            other => Err(Error::Vault(format!("unknown key location `{other}` recorded in the database"))),
        }
    }
}

/// Whether a new vault may keep its key in the OS keyring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyringUse {
    /// Use the keyring when reachable, else a key file.
    Auto,
    /// Always a key file (as with `LATCHKEY_KEYRING=off`).
    Off,
}

impl KeyringUse {
    /// `Off` when `LATCHKEY_KEYRING` is `off`, `0`, `false` or `no`; else `Auto`.
    pub fn from_env() -> Self {
        match std::env::var(KEYRING_ENV).as_deref() {
            Ok("off" | "0" | "false" | "no") => KeyringUse::Off,
            _ => KeyringUse::Auto,
        }
    }
}

fn keyring_entry(vault_id: &str) -> keyring::Result<keyring::Entry> {
    keyring::Entry::new(KEYRING_SERVICE, &format!("vault-key:{vault_id}"))
}

/// A freshly created key, where it went, and a notice to show once when it is a file.
pub(crate) struct CreatedKey {
    pub key: DataKey,
    pub location: KeyLocation,
    pub notice: Option<String>,
}

/// Creates the key of a new vault: in the keyring when reachable, else in the key file.
/// Blocking (talks to the keyring over D-Bus on Linux): call from a blocking thread.
///
/// # Errors
/// When neither the keyring nor the key file can take the key, or a key file already exists
/// (left from another vault: the person must move it away).
pub(crate) fn create(dir: &DataDir, vault_id: &str, keyring_use: KeyringUse) -> Result<CreatedKey> {
    let key = DataKey::generate();
    let reason = if keyring_use == KeyringUse::Auto {
        match keyring_entry(vault_id).and_then(|entry| entry.set_secret(key.bytes())) {
            Ok(()) => return Ok(CreatedKey { key, location: KeyLocation::Keyring, notice: None }),
            // The library's own words (D-Bus errors, platform codes) help nobody here.
            Err(_) => "no OS keyring is reachable (no Secret Service is running or unlocked)".to_owned(),
        }
    } else {
        format!("{KEYRING_ENV}=off")
    };
    let path = dir.key_file();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path).map_err(|e| Error::io(&path, e))?;
    let text = Zeroizing::new(format!("{KEY_FILE_HEADER} {vault_id} {}\n", BASE64.encode(key.bytes())));
    file.write_all(text.as_bytes()).and_then(|()| file.sync_all()).map_err(|e| Error::io(&path, e))?;
    let notice = format!(
        "{reason}: the vault key is kept in {} (readable only by you). Anyone who can read both that \
         file and the database can open the stored secrets; with a keyring the key never touches the disk. \
         To use a keyring, start and unlock one (e.g. gnome-keyring or KeePassXC's Secret Service) before \
         Latchkey makes a new data directory; set {KEYRING_ENV}=off to choose the file on purpose.",
        path.display()
    );
    Ok(CreatedKey { key, location: KeyLocation::File, notice: Some(notice) })
}

/// Loads the key of an existing vault from where the database says it is.
/// Blocking: call from a blocking thread.
///
/// # Errors
/// [`Error::Vault`] naming what to do: unlock the keyring, restore the key file, fix its mode.
pub(crate) fn load(dir: &DataDir, vault_id: &str, location: KeyLocation) -> Result<DataKey> {
    match location {
        KeyLocation::Keyring => {
            let bytes = keyring_entry(vault_id).and_then(|entry| entry.get_secret()).map_err(|e| {
                Error::Vault(format!(
                    "the vault key is kept in the OS keyring, which did not give it ({e}): unlock the keyring \
                     (on Linux a Secret Service such as gnome-keyring) and try again"
                ))
            })?;
            let bytes = Zeroizing::new(bytes);
            DataKey::from_slice(&bytes).ok_or_else(|| Error::Vault("the keyring holds a malformed vault key".into()))
        }
        KeyLocation::File => load_file(dir, vault_id),
    }
}

fn load_file(dir: &DataDir, vault_id: &str) -> Result<DataKey> {
    let path = dir.key_file();
    let text = Zeroizing::new(std::fs::read_to_string(&path).map_err(|e| {
        Error::Vault(format!("the vault key file {} cannot be read ({e}): restore it from your backup", path.display()))
    })?);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).map_err(|e| Error::io(&path, e))?.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(Error::Vault(format!(
                "the vault key file {} is readable by others (mode {:o}): run `chmod 600 {}`",
                path.display(),
                mode & 0o777,
                path.display()
            )));
        }
    }
    let mut words = text.split_whitespace();
    let header_ok = words.next() == Some("latchkey-vault-key") && words.next() == Some("v1");
    let id = words.next();
    let key = words.next().and_then(|b64| BASE64.decode(b64).ok()).map(Zeroizing::new);
    match (header_ok, id, key) {
        (true, Some(id), Some(key)) if id == vault_id => DataKey::from_slice(&key)
            .ok_or_else(|| Error::Vault(format!("the vault key file {} is malformed", path.display()))),
        (true, Some(_), Some(_)) => Err(Error::Vault(format!(
            "the key file {} belongs to another vault than this database: put the matching key file back",
            path.display()
        ))),
        _ => Err(Error::Vault(format!("the vault key file {} is malformed", path.display()))),
    }
}
