//! The vault: every secret is sealed field by field with XChaCha20-Poly1305 before it reaches
//! SQLite, bound (as associated data) to its owner's id and its slot name, so a sealed value
//! cannot be moved to another datasource or field. Where the 256-bit data key lives is
//! `key`'s business; what is stored where is `store`'s.

pub mod key;

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use crate::{Error, Result, Secret};

/// Format version of a sealed value, its first byte.
const SEALED_V1: u8 = 1;
const NONCE_LEN: usize = 24;

/// Seals and opens secret values with the data key.
#[derive(Clone)]
pub struct Vault {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Vault(<key redacted>)")
    }
}

impl Vault {
    pub fn new(key: &key::DataKey) -> Self {
        Vault { cipher: XChaCha20Poly1305::new(key.bytes().into()) }
    }

    /// Seals `plaintext` for `owner`'s `slot`: version byte, random 192-bit nonce, ciphertext.
    pub fn seal(&self, owner: &str, slot: &str, plaintext: &[u8]) -> Vec<u8> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let aad = associated_data(owner, slot);
        let ciphertext = self
            .cipher
            .encrypt(&nonce, Payload { msg: plaintext, aad: &aad })
            .expect("XChaCha20-Poly1305 encryption cannot fail for in-memory buffers");
        let mut sealed = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len());
        sealed.push(SEALED_V1);
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        sealed
    }

    /// Opens a value sealed for the same `owner` and `slot`.
    ///
    /// # Errors
    /// [`Error::Vault`] when the value was sealed with another key, for another owner or slot,
    /// or was altered.
    pub fn open_bytes(&self, owner: &str, slot: &str, sealed: &[u8]) -> Result<Vec<u8>> {
        let tamper = || {
            Error::Vault(format!(
                "the sealed value of `{slot}` does not open with this vault's key (altered, or moved from elsewhere)"
            ))
        };
        if sealed.len() < 1 + NONCE_LEN || sealed[0] != SEALED_V1 {
            return Err(tamper());
        }
        let nonce = XNonce::from_slice(&sealed[1..1 + NONCE_LEN]);
        let aad = associated_data(owner, slot);
        self.cipher.decrypt(nonce, Payload { msg: &sealed[1 + NONCE_LEN..], aad: &aad }).map_err(|_| tamper())
    }

    /// [`Vault::open_bytes`] for text secrets.
    pub fn open(&self, owner: &str, slot: &str, sealed: &[u8]) -> Result<Secret> {
        let mut bytes = self.open_bytes(owner, slot, sealed)?;
        match String::from_utf8(std::mem::take(&mut bytes)) {
            Ok(text) => Ok(Secret::new(text)),
            Err(e) => {
                let mut bytes = e.into_bytes();
                zeroize::Zeroize::zeroize(&mut bytes);
                Err(Error::Vault(format!("the sealed value of `{slot}` is not text")))
            }
        }
    }
}

fn associated_data(owner: &str, slot: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(16 + owner.len() + slot.len());
    aad.extend_from_slice(b"latchkey/v1\0");
    aad.extend_from_slice(owner.as_bytes());
    aad.push(0);
    aad.extend_from_slice(slot.as_bytes());
    aad
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault() -> Vault {
        Vault::new(&key::DataKey::generate())
    }

    #[test]
    fn seals_and_opens() {
        let vault = vault();
        let sealed = vault.seal("ds_1", "auth.password", b"hunter2");
        assert!(!sealed.windows(7).any(|w| w == b"hunter2"), "the plaintext must not appear in the sealed bytes");
        assert_eq!(vault.open("ds_1", "auth.password", &sealed).unwrap().expose(), "hunter2");
    }

    #[test]
    fn a_value_is_bound_to_its_owner_and_slot() {
        let vault = vault();
        let sealed = vault.seal("ds_1", "auth.password", b"hunter2");
        assert!(vault.open("ds_2", "auth.password", &sealed).is_err(), "moved to another datasource");
        assert!(vault.open("ds_1", "auth.token", &sealed).is_err(), "moved to another slot");
        let mut altered = sealed.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert!(vault.open("ds_1", "auth.password", &altered).is_err(), "altered ciphertext");
        assert!(
            super::Vault::new(&key::DataKey::generate()).open("ds_1", "auth.password", &sealed).is_err(),
            "another key"
        );
    }

    #[test]
    fn nonces_are_fresh() {
        let vault = vault();
        assert_ne!(vault.seal("a", "b", b"same"), vault.seal("a", "b", b"same"));
    }
}
