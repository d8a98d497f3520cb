//! The client certificate of a datasource (mutual TLS, RFC 8705): its PEM chain (end entity
//! first), its private key (PKCS#8, PKCS#1 or SEC1 PEM, or an encrypted PKCS#8 `ENCRYPTED
//! PRIVATE KEY` opened with the passphrase), and the checks that run before anything is sent:
//! the key belongs to the certificate, the certificate is valid now, an encrypted key has its
//! passphrase and the passphrase opens it. The certificate is no secret (a server sees it on
//! every handshake); the key and the passphrase are, and no message here quotes them.

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::sign::CertifiedKey;

use crate::{FieldError, SecretField};

/// The field of the certificate chain.
pub const CERTIFICATE: &str = "clientCertificate";
/// The field of the private key.
pub const KEY: &str = "clientCertificateKey";
/// The field of the key's passphrase.
pub const PASSPHRASE: &str = "clientCertificatePassphrase";

/// A certificate chain and its private key, ready for rustls.
pub struct ClientIdentity {
    pub chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

impl std::fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientIdentity").field("chain", &self.chain.len()).field("key", &"<redacted>").finish()
    }
}

impl ClientIdentity {
    /// The private key (a copy, for one rustls configuration).
    pub fn key(&self) -> PrivateKeyDer<'static> {
        self.key.clone_key()
    }
}

/// The checks of the three fields as far as their values are known (a kept key or passphrase is
/// checked when it is sent), with `now` in seconds since the Unix epoch. Adds an error per
/// problem, each on its field; returns the identity when everything is known and right.
pub fn check(
    certificate: &str,
    key: &SecretField,
    passphrase: &SecretField,
    now: u64,
    errors: &mut Vec<FieldError>,
) -> Option<ClientIdentity> {
    let has_certificate = !certificate.trim().is_empty();
    match (has_certificate, key.is_set()) {
        (false, false) => return None,
        (false, true) => {
            errors.push(FieldError::new(
                CERTIFICATE,
                "a client certificate key needs its certificate: paste the certificate (-----BEGIN \
                 CERTIFICATE-----, the client's own first), or remove the key",
            ));
            return None;
        }
        (true, false) => {
            errors.push(FieldError::new(
                KEY,
                "the client certificate needs its private key: paste it (-----BEGIN PRIVATE KEY-----, RSA PRIVATE \
                 KEY, EC PRIVATE KEY or ENCRYPTED PRIVATE KEY), or remove the certificate",
            ));
            return None;
        }
        (true, true) => {}
    }
    let chain = match parse_chain(certificate, now) {
        Ok(chain) => Some(chain),
        Err(message) => {
            errors.push(FieldError::new(CERTIFICATE, message));
            None
        }
    };
    let key = match parse_key(key, passphrase) {
        Ok(key) => key,
        Err(error) => {
            errors.push(error);
            None
        }
    };
    let (chain, key) = (chain?, key?);
    let signing = match rustls::crypto::ring::default_provider().key_provider.load_private_key(key.clone_key()) {
        Ok(signing) => signing,
        Err(_) => {
            errors.push(FieldError::new(
                KEY,
                "the key's algorithm is not supported: use an RSA, ECDSA (P-256, P-384) or Ed25519 key",
            ));
            return None;
        }
    };
    match CertifiedKey::new(chain.clone(), Arc::clone(&signing)).keys_match() {
        Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::KeyMismatch)) => {
            errors.push(FieldError::new(
                KEY,
                "this key does not belong to the client certificate (their public keys differ): paste the key the \
                 certificate was made for",
            ));
            None
        }
        _ => Some(ClientIdentity { chain, key }),
    }
}

/// The identity to present at send time, for a configuration whose secrets are loaded.
///
/// # Errors
/// Every problem [`check`] finds, and a key or passphrase that is kept but was not loaded.
pub fn load(
    certificate: &str,
    key: &SecretField,
    passphrase: &SecretField,
    now: u64,
) -> Result<Option<ClientIdentity>, Vec<FieldError>> {
    let mut errors = Vec::new();
    for (field, value) in [(KEY, key), (PASSPHRASE, passphrase)] {
        if *value == SecretField::Stored {
            errors.push(FieldError::new(field, "the saved value could not be read: enter it again"));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let identity = check(certificate, key, passphrase, now, &mut errors);
    if errors.is_empty() {
        Ok(identity)
    } else {
        Err(errors)
    }
}

/// The certificates of `pem`, the first valid at `now`.
fn parse_chain(pem: &str, now: u64) -> Result<Vec<CertificateDer<'static>>, String> {
    if pem.contains("PRIVATE KEY-----") {
        return Err("this holds a private key: put the key in Client certificate key (clientCertificateKey) and \
                    paste only the certificate here (-----BEGIN CERTIFICATE-----)"
            .to_owned());
    }
    let chain = super::tls::parse_pem_certificates(pem)?;
    let (not_before, not_after) = validity(&chain[0]).ok_or_else(|| {
        "the client certificate's validity dates cannot be read: paste the certificate as issued".to_owned()
    })?;
    if now < not_before {
        return Err(format!(
            "the client certificate is not valid before {} (the clock says {}): use a certificate valid now",
            utc(not_before),
            utc(now)
        ));
    }
    if now > not_after {
        return Err(format!(
            "the client certificate expired on {}: renew it and paste the new one (with its key)",
            utc(not_after)
        ));
    }
    Ok(chain)
}

/// The private key in `key`, opened with `passphrase` when encrypted; `None` when that cannot be
/// told yet (the passphrase is kept, not entered).
fn parse_key(key: &SecretField, passphrase: &SecretField) -> Result<Option<PrivateKeyDer<'static>>, FieldError> {
    let Some(key) = key.value() else { return Ok(None) };
    let text = key.expose();
    if text.contains("Proc-Type: 4,ENCRYPTED") {
        return Err(FieldError::new(
            KEY,
            "this key is encrypted the old OpenSSL way (Proc-Type: 4,ENCRYPTED), which cannot be read: convert it \
             with `openssl pkcs8 -topk8 -in key.pem -out key.pkcs8.pem` (it asks for the old passphrase and a new \
             one) and paste the result, with the new passphrase",
        ));
    }
    if let Some(block) = pem_block(text, "ENCRYPTED PRIVATE KEY") {
        let passphrase = match passphrase {
            SecretField::Empty => {
                return Err(FieldError::new(
                    PASSPHRASE,
                    "the key is encrypted (ENCRYPTED PRIVATE KEY): enter its passphrase",
                ))
            }
            SecretField::Stored => return Ok(None),
            SecretField::Value(passphrase) => passphrase,
        };
        let unreadable = || {
            FieldError::new(
                KEY,
                "the encrypted key cannot be read (cut or changed while copying?): paste the whole key, from \
                 -----BEGIN ENCRYPTED PRIVATE KEY----- to its END line",
            )
        };
        let (_, document) = pkcs8::Document::from_pem(block).map_err(|_| unreadable())?;
        let encrypted = pkcs8::EncryptedPrivateKeyInfo::try_from(document.as_bytes()).map_err(|_| unreadable())?;
        let decrypted = encrypted.decrypt(passphrase.expose().as_bytes()).map_err(|_| {
            FieldError::new(PASSPHRASE, "this passphrase does not open the key: check it (and the key)")
        })?;
        // `decrypted` (a SecretDocument) is zeroized when dropped.
        return Ok(Some(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(decrypted.as_bytes().to_vec()))));
    }
    PrivateKeyDer::from_pem_slice(text.as_bytes()).map(Some).map_err(|_| {
        let message = if text.contains("-----BEGIN CERTIFICATE-----") {
            "this is a certificate, not a private key: paste the certificate in Client certificate \
             (clientCertificate) and its private key here"
        } else {
            "no private key found: paste the whole key, from -----BEGIN PRIVATE KEY----- (or RSA PRIVATE KEY, EC \
             PRIVATE KEY, ENCRYPTED PRIVATE KEY) to its END line"
        };
        FieldError::new(KEY, message)
    })
}

/// The text of the first PEM block labelled `label` in `text`.
fn pem_block<'a>(text: &'a str, label: &str) -> Option<&'a str> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text.find(&begin)?;
    let stop = text[start..].find(&end)? + start + end.len();
    Some(&text[start..stop])
}

/// `notBefore` and `notAfter` of an X.509 certificate (RFC 5280 §4.1.2.5) in seconds since the
/// Unix epoch, read with a small DER walk: Certificate → tbsCertificate → [version], serial,
/// signature, issuer, validity.
fn validity(cert: &CertificateDer<'_>) -> Option<(u64, u64)> {
    let (certificate, _) = der_item(cert.as_ref(), 0x30)?;
    let (tbs, _) = der_item(certificate, 0x30)?;
    let mut rest = tbs;
    if rest.first() == Some(&0xa0) {
        rest = der_any(rest)?.2;
    }
    for _ in 0..3 {
        rest = der_any(rest)?.2; // serialNumber, signature, issuer
    }
    let (validity, _) = der_item(rest, 0x30)?;
    let (not_before, rest) = der_time(validity)?;
    let (not_after, _) = der_time(rest)?;
    Some((not_before, not_after))
}

/// One DER item of any tag: (tag, contents, the rest).
fn der_any(bytes: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let tag = *bytes.first()?;
    let first = *bytes.get(1)?;
    let (len, header) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 {
            return None;
        }
        let len = bytes.get(2..2 + count)?.iter().fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, 2 + count)
    };
    let contents = bytes.get(header..header.checked_add(len)?)?;
    Some((tag, contents, &bytes[header + len..]))
}

/// One DER item that must have `tag`: (contents, the rest).
fn der_item(bytes: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (found, contents, rest) = der_any(bytes)?;
    (found == tag).then_some((contents, rest))
}

/// A UTCTime (`YYMMDDHHMMSSZ`, 1950–2049) or GeneralizedTime (`YYYYMMDDHHMMSSZ`) as seconds.
fn der_time(bytes: &[u8]) -> Option<(u64, &[u8])> {
    let (tag, contents, rest) = der_any(bytes)?;
    let text = std::str::from_utf8(contents).ok()?.strip_suffix('Z')?;
    let (year, text) = match tag {
        0x17 => {
            let yy: u64 = text.get(..2)?.parse().ok()?;
            (if yy < 50 { 2000 + yy } else { 1900 + yy }, text.get(2..)?)
        }
        0x18 => (text.get(..4)?.parse().ok()?, text.get(4..)?),
        _ => return None,
    };
    if text.len() != 10 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let part = |i: usize| text[i..i + 2].parse::<u64>().ok();
    let (month, day, hour, minute, second) = (part(0)?, part(2)?, part(4)?, part(6)?, part(8)?);
    let days = days_from_civil(year, month, day)?;
    Some((days * 86_400 + hour * 3600 + minute * 60 + second, rest))
}

/// Days since 1970-01-01 of a date (Howard Hinnant's algorithm); 0 for one before 1970 (a
/// `notBefore` that far back is as good as any past one).
fn days_from_civil(year: u64, month: u64, day: u64) -> Option<u64> {
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    if year < 1970 {
        return Some(0);
    }
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some((era * 146_097 + doe).saturating_sub(719_468))
}

/// Seconds since the epoch as `YYYY-MM-DD HH:MM:SS UTC`.
fn utc(seconds: u64) -> String {
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC", rest / 3600, rest % 3600 / 60, rest % 60)
}

/// Seconds since the Unix epoch now.
pub(crate) fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Secret;

    fn value(text: &str) -> SecretField {
        SecretField::Value(Secret::new(text))
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    fn run(cert: &str, key: &SecretField, passphrase: &SecretField) -> (Option<ClientIdentity>, Vec<FieldError>) {
        let mut errors = Vec::new();
        let identity = check(cert, key, passphrase, now(), &mut errors);
        (identity, errors)
    }

    fn openssl(args: &[&str], dir: &std::path::Path) {
        let out = std::process::Command::new("openssl").args(args).current_dir(dir).output().expect("openssl");
        assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }

    #[test]
    fn dates_are_read_from_the_certificate_and_written_in_utc() {
        assert_eq!(days_from_civil(1970, 1, 1), Some(0));
        assert_eq!(days_from_civil(2000, 3, 1), Some(11_017));
        assert_eq!(days_from_civil(1950, 1, 1), Some(0), "UTCTime reaches back to 1950");
        assert_eq!(days_from_civil(2020, 13, 1), None);
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        let generated = latchkey_testkit::openssl_self_signed("client");
        let (not_before, not_after) = validity(&generated.cert_der()).expect("dates");
        assert!(not_before <= now() && now() < not_after, "{not_before} {not_after}");
        assert!((not_after - not_before).abs_diff(3 * 86_400) < 5, "openssl -days 3");
    }

    #[test]
    fn a_certificate_and_its_key_make_an_identity_and_half_of_one_is_a_field_error() {
        let generated = latchkey_testkit::openssl_self_signed("client");
        let (cert, key) = (generated.cert_pem.as_str(), value(&generated.key_pem));
        let (identity, errors) = run(cert, &key, &SecretField::Empty);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(identity.expect("an identity").chain.len(), 1);
        assert!(!format!("{:?}", run(cert, &key, &SecretField::Empty).0).contains("PRIVATE"));
        assert_eq!(fields(&run(cert, &SecretField::Empty, &SecretField::Empty).1), [KEY]);
        assert_eq!(fields(&run("", &key, &SecretField::Empty).1), [CERTIFICATE]);
        assert_eq!(fields(&run("", &SecretField::Stored, &SecretField::Empty).1), [CERTIFICATE]);
        let (none, errors) = run(cert, &SecretField::Stored, &SecretField::Empty);
        assert!(none.is_none() && errors.is_empty(), "a kept key is checked at send: {errors:?}");
        let swapped = run(&generated.key_pem, &value(cert), &SecretField::Empty).1;
        assert_eq!(fields(&swapped), [CERTIFICATE, KEY]);
        for error in &swapped {
            for line in generated.key_pem.lines().filter(|l| !l.starts_with("-----")) {
                assert!(!error.message.contains(line), "the key is quoted: {}", error.message);
            }
        }
    }

    #[test]
    fn another_certificates_key_is_refused_on_the_key() {
        let (one, other) = (latchkey_testkit::openssl_self_signed("one"), latchkey_testkit::openssl_self_signed("two"));
        let (_, errors) = run(&one.cert_pem, &value(&other.key_pem), &SecretField::Empty);
        assert_eq!(fields(&errors), [KEY]);
        assert!(errors[0].message.contains("does not belong to the client certificate"), "{}", errors[0].message);
    }

    #[test]
    fn encrypted_keys_need_the_right_passphrase_and_legacy_ones_are_explained() {
        let generated = latchkey_testkit::openssl_self_signed("client");
        let dir = generated.key_path.parent().unwrap().to_owned();
        openssl(
            &[
                "pkcs8",
                "-topk8",
                "-v2",
                "aes-256-cbc",
                "-in",
                "key.pem",
                "-out",
                "enc.pem",
                "-passout",
                "pass:s3cret pass",
            ],
            &dir,
        );
        openssl(
            &["rsa", "-aes256", "-traditional", "-in", "key.pem", "-out", "legacy.pem", "-passout", "pass:x"],
            &dir,
        );
        let encrypted = value(&std::fs::read_to_string(dir.join("enc.pem")).unwrap());
        let cert = generated.cert_pem.as_str();
        let (identity, errors) = run(cert, &encrypted, &value("s3cret pass"));
        assert!(errors.is_empty() && identity.is_some(), "{errors:?}");
        let missing = run(cert, &encrypted, &SecretField::Empty).1;
        assert_eq!(fields(&missing), [PASSPHRASE]);
        let wrong = run(cert, &encrypted, &value("not it")).1;
        assert_eq!(fields(&wrong), [PASSPHRASE]);
        assert!(!wrong[0].message.contains("not it"), "{}", wrong[0].message);
        let (kept, errors) = run(cert, &encrypted, &SecretField::Stored);
        assert!(kept.is_none() && errors.is_empty(), "a kept passphrase is tried at send");
        assert!(load(cert, &encrypted, &SecretField::Stored, now()).is_err());
        let legacy = value(&std::fs::read_to_string(dir.join("legacy.pem")).unwrap());
        let errors = run(cert, &legacy, &value("x")).1;
        assert_eq!(fields(&errors), [KEY]);
        assert!(errors[0].message.contains("openssl pkcs8 -topk8"), "{}", errors[0].message);
    }

    #[test]
    fn a_certificate_outside_its_dates_is_refused() {
        let generated = latchkey_testkit::openssl_self_signed("client");
        let (not_before, not_after) = validity(&generated.cert_der()).unwrap();
        let key = value(&generated.key_pem);
        let mut errors = Vec::new();
        assert!(check(&generated.cert_pem, &key, &SecretField::Empty, not_after + 1, &mut errors).is_none());
        assert_eq!(fields(&errors), [CERTIFICATE]);
        assert!(errors[0].message.contains("expired on"), "{}", errors[0].message);
        errors.clear();
        check(&generated.cert_pem, &key, &SecretField::Empty, not_before - 1, &mut errors);
        assert!(errors[0].message.contains("not valid before"), "{}", errors[0].message);
    }
}
