//! The `sealed_secrets` table: one sealed value per owner and slot. Values are sealed and
//! opened by the vault; this module only moves the sealed bytes.

use std::collections::HashMap;

use sqlx::{Row, SqliteConnection};

use crate::Result;

pub(super) async fn slots_of(conn: &mut SqliteConnection, owner_id: &str) -> Result<HashMap<String, Vec<u8>>> {
    let rows = sqlx::query("SELECT slot, sealed FROM sealed_secrets WHERE owner_id = ?")
        .bind(owner_id)
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().map(|row| (row.get("slot"), row.get("sealed"))).collect())
}

pub(super) async fn put(conn: &mut SqliteConnection, owner_id: &str, slot: &str, sealed: &[u8]) -> Result<()> {
    sqlx::query(
        "INSERT INTO sealed_secrets (owner_id, slot, sealed) VALUES (?, ?, ?) \
         ON CONFLICT (owner_id, slot) DO UPDATE SET sealed = excluded.sealed",
    )
    .bind(owner_id)
    .bind(slot)
    .bind(sealed)
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) async fn remove(conn: &mut SqliteConnection, owner_id: &str, slot: &str) -> Result<()> {
    sqlx::query("DELETE FROM sealed_secrets WHERE owner_id = ? AND slot = ?")
        .bind(owner_id)
        .bind(slot)
        .execute(conn)
        .await?;
    Ok(())
}
