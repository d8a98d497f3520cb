//! The SQLite store: one database file per data directory, opened through sqlx in WAL mode
//! with a busy timeout so the desktop app and any number of `latchkey` processes can share it.
//! One submodule per table; every multi-row change runs in one `BEGIN IMMEDIATE` transaction.

mod datasources;
mod environments;
mod history;
mod imports;
mod queries;
mod sealed_secrets;
mod share;
mod tokens;

use std::sync::Arc;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};

pub use datasources::ImportOutcome;
pub use environments::SavedEnvironment;
pub use history::{NewHistoryEntry, MAX_HISTORY_PAGE};
pub use imports::{AppliedDatasource, AppliedEnvironment, AppliedImport};
pub use tokens::{ExpiringToken, IdToken, NewTokens, TokenRecord};

use crate::vault::key::{self, KeyLocation, KeyringUse};
use crate::vault::Vault;
use crate::{DataDir, Error, Result};

/// How long a writer waits for another process's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(15);
const KEY_CHECK_OWNER: &str = "vault";
const KEY_CHECK_SLOT: &str = "keyCheck";
const KEY_CHECK_TEXT: &[u8] = b"latchkey key check";

/// An open data directory: the database and the vault that seals its secrets.
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
    dir: DataDir,
    vault: Vault,
    vault_id: Arc<str>,
    key_location: KeyLocation,
    notices: Arc<Vec<String>>,
}

/// What opening the vault found or made.
struct Unlocked {
    vault: Vault,
    vault_id: String,
    location: KeyLocation,
    notice: Option<String>,
}

impl Store {
    /// Opens (creating when missing) the store in `dir`: migrates the schema and finds or
    /// creates the vault key. Concurrent openers are serialized by a lock file.
    ///
    /// # Errors
    /// Storage errors, and [`Error::Vault`] when the key cannot be found or does not fit.
    pub async fn open(dir: &DataDir) -> Result<Store> {
        Store::open_with(dir, KeyringUse::from_env()).await
    }

    /// [`Store::open`] with an explicit choice of where a new vault's key may go.
    ///
    /// # Errors
    /// As [`Store::open`].
    pub async fn open_with(dir: &DataDir, keyring_use: KeyringUse) -> Result<Store> {
        dir.ensure()?;
        let lock_path = dir.path().join("latchkey.lock");
        let lock = tokio::task::spawn_blocking(move || -> Result<std::fs::File> {
            let mut options = std::fs::OpenOptions::new();
            options.create(true).truncate(false).write(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let file = options.open(&lock_path).map_err(|e| Error::io(&lock_path, e))?;
            file.lock().map_err(|e| Error::io(&lock_path, e))?;
            Ok(file)
        })
        .await
        .expect("the lock task does not panic")?;
        dir.protect_files()?;

        let options = SqliteConnectOptions::new()
            .filename(dir.database())
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new().max_connections(4).connect_with(options).await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        dir.protect_files()?;
        let unlocked = unlock_vault(&pool, dir, keyring_use).await?;
        drop(lock);
        Ok(Store {
            pool,
            dir: dir.clone(),
            vault: unlocked.vault,
            vault_id: unlocked.vault_id.into(),
            key_location: unlocked.location,
            notices: Arc::new(unlocked.notice.into_iter().collect()),
        })
    }

    /// The id naming this vault's key (in the keyring: `vault-key:<id>`).
    pub fn vault_id(&self) -> &str {
        &self.vault_id
    }

    /// The data directory this store lives in.
    pub fn dir(&self) -> &DataDir {
        &self.dir
    }

    /// Where this vault's key is kept.
    pub fn key_location(&self) -> KeyLocation {
        self.key_location
    }

    /// Things to tell the person once, such as the key being kept in a file.
    pub fn notices(&self) -> &[String] {
        &self.notices
    }

    /// Closes the pool, checkpointing the WAL.
    pub async fn close(self) {
        self.pool.close().await;
    }
}

async fn unlock_vault(pool: &SqlitePool, dir: &DataDir, keyring_use: KeyringUse) -> Result<Unlocked> {
    let row =
        sqlx::query("SELECT vault_id, key_location, key_check FROM vault WHERE id = 1").fetch_optional(pool).await?;
    if let Some(row) = row {
        let vault_id: String = row.get("vault_id");
        let location = KeyLocation::parse(row.get("key_location"))?;
        let check: Vec<u8> = row.get("key_check");
        let key_dir = dir.clone();
        let load_id = vault_id.clone();
        let key = tokio::task::spawn_blocking(move || key::load(&key_dir, &load_id, location))
            .await
            .expect("the key task does not panic")?;
        let vault = Vault::new(&key);
        vault.open_bytes(KEY_CHECK_OWNER, KEY_CHECK_SLOT, &check).map_err(|_| {
            Error::Vault("the vault key found does not open this database: it belongs to another vault".into())
        })?;
        return Ok(Unlocked { vault, vault_id, location, notice: None });
    }
    let vault_id = new_id("vault");
    let key_dir = dir.clone();
    let created_id = vault_id.clone();
    let created = tokio::task::spawn_blocking(move || key::create(&key_dir, &created_id, keyring_use))
        .await
        .expect("the key task does not panic")?;
    let vault = Vault::new(&created.key);
    let check = vault.seal(KEY_CHECK_OWNER, KEY_CHECK_SLOT, KEY_CHECK_TEXT);
    sqlx::query("INSERT INTO vault (id, vault_id, key_location, key_check, created_at) VALUES (1, ?, ?, ?, ?)")
        .bind(&vault_id)
        .bind(created.location.as_str())
        .bind(check)
        .bind(now_millis())
        .execute(pool)
        .await?;
    Ok(Unlocked { vault, vault_id, location: created.location, notice: created.notice })
}

/// Which row a write of a datasource or an environment goes to: a new one, the one `R` names,
/// the one of the same name (an import), or the one of a given id, made with that id when
/// there is none (a shared folder's import, which keeps the folder's ids).
enum Target<R> {
    New,
    Existing(R),
    SameName,
    WithId(R),
}

/// A new id: the type prefix, `_`, and 80 random bits in lowercase hex.
pub(crate) fn new_id(prefix: &str) -> String {
    let bytes: [u8; 10] = rand::random();
    let mut id = String::with_capacity(prefix.len() + 21);
    id.push_str(prefix);
    id.push('_');
    for b in bytes {
        id.push_str(&format!("{b:02x}"));
    }
    id
}

/// Milliseconds since the Unix epoch.
pub fn now_millis() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}
