//! Self-signed certificates made the way people make them: by running
//! `openssl req -x509 ...`. Such certificates carry `basicConstraints CA:TRUE`,
//! which is the real-world case the product must accept. Test use only.

use std::path::PathBuf;
use std::process::Command;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

/// A certificate and its RSA private key, as PEM text and as files in a
/// temporary directory that lives as long as this value.
#[derive(Debug)]
pub struct SelfSignedCert {
    pub cert_pem: String,
    pub key_pem: String,
    pub cert_path: PathBuf,
    pub key_path: PathBuf,
    _dir: tempfile::TempDir,
}

impl SelfSignedCert {
    /// The certificate in DER form (what a TLS peer presents on the wire).
    pub fn cert_der(&self) -> CertificateDer<'static> {
        CertificateDer::from_pem_slice(self.cert_pem.as_bytes()).expect("openssl wrote an unreadable certificate PEM")
    }
}

/// Runs `openssl req -x509 -newkey rsa:2048 -nodes ... -subj /CN=<cn>` with
/// subjectAltName `DNS:localhost,IP:127.0.0.1`. Panics if openssl is missing
/// or fails.
pub fn openssl_self_signed(common_name: &str) -> SelfSignedCert {
    let dir = tempfile::tempdir().expect("create temp dir for certificate");
    let (cert_path, key_path) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let output = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout"])
        .arg(&key_path)
        .arg("-out")
        .arg(&cert_path)
        .args(["-days", "3", "-subj", &format!("/CN={common_name}")])
        .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        .output()
        .unwrap_or_else(|e| panic!("cannot run the `openssl` binary ({e}); install openssl to run TLS tests"));
    assert!(
        output.status.success(),
        "openssl req failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let read = |p: &PathBuf| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()));
    SelfSignedCert { cert_pem: read(&cert_path), key_pem: read(&key_path), cert_path, key_path, _dir: dir }
}
