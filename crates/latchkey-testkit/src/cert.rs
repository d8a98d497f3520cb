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

/// A test certificate authority made with `openssl req -x509`, which issues certificates with
/// `openssl ca` (so their dates can be set, expired ones included). Files live as long as it.
#[derive(Debug)]
pub struct TestCa {
    pub cert_pem: String,
    pub cert_path: PathBuf,
    dir: tempfile::TempDir,
}

/// A certificate the [`TestCa`] issued and its RSA key (unencrypted PKCS#8), as PEM and files.
#[derive(Debug, Clone)]
pub struct IssuedCert {
    pub cert_pem: String,
    pub key_pem: String,
    pub cert_path: PathBuf,
    pub key_path: PathBuf,
}

/// When an issued certificate is valid.
#[derive(Debug, Clone, Copy)]
pub enum Validity {
    /// From now for this many days.
    Days(u32),
    /// Between two `openssl ca` dates (`YYYYMMDDHHMMSSZ`), for expired or not-yet-valid ones.
    Between(&'static str, &'static str),
}

fn openssl(dir: &std::path::Path, args: &[&str]) -> String {
    let output = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run the `openssl` binary ({e}); install openssl to run TLS tests"));
    assert!(output.status.success(), "openssl {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

impl TestCa {
    /// A CA named `/CN=<common_name>`, valid for 3 days.
    pub fn new(common_name: &str) -> TestCa {
        let dir = tempfile::tempdir().expect("create temp dir for the CA");
        openssl(
            dir.path(),
            &[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "3",
                "-subj",
                &format!("/CN={common_name}"),
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ],
        );
        std::fs::write(dir.path().join("index.txt"), "").expect("CA database");
        std::fs::write(dir.path().join("serial"), "1000\n").expect("CA serial");
        std::fs::write(
            dir.path().join("ca.cnf"),
            "[ca]\ndefault_ca = test\n[test]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\n\
             default_md = sha256\npolicy = any\ncopy_extensions = copy\nunique_subject = no\n\
             [any]\ncommonName = supplied\n",
        )
        .expect("CA config");
        let cert_path = dir.path().join("ca.pem");
        let cert_pem = std::fs::read_to_string(&cert_path).expect("read the CA certificate");
        TestCa { cert_pem, cert_path, dir }
    }

    /// A certificate for `/CN=<common_name>` signed by this CA, with the `openssl` extension
    /// lines `extensions` (e.g. `subjectAltName=IP:127.0.0.1`), valid as `validity` says; `name`
    /// names its files.
    pub fn issue(&self, name: &str, common_name: &str, extensions: &[&str], validity: Validity) -> IssuedCert {
        let dir = self.dir.path();
        let (key, csr, cert, ext) =
            (format!("{name}.key"), format!("{name}.csr"), format!("{name}.pem"), format!("{name}.ext"));
        openssl(
            dir,
            &[
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                &key,
                "-out",
                &csr,
                "-subj",
                &format!("/CN={common_name}"),
            ],
        );
        std::fs::write(dir.join(&ext), format!("[ext]\nbasicConstraints=CA:FALSE\n{}\n", extensions.join("\n")))
            .expect("extensions file");
        let mut args = vec![
            "ca",
            "-batch",
            "-notext",
            "-config",
            "ca.cnf",
            "-cert",
            "ca.pem",
            "-keyfile",
            "ca.key",
            "-in",
            &csr,
            "-out",
            &cert,
            "-extfile",
            &ext,
            "-extensions",
            "ext",
        ];
        let days;
        match validity {
            Validity::Days(n) => {
                days = n.to_string();
                args.extend(["-days", &days]);
            }
            Validity::Between(start, end) => args.extend(["-startdate", start, "-enddate", end]),
        }
        openssl(dir, &args);
        let read = |p: &PathBuf| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()));
        let (cert_path, key_path) = (dir.join(&cert), dir.join(&key));
        IssuedCert { cert_pem: read(&cert_path), key_pem: read(&key_path), cert_path, key_path }
    }
}

/// `key_pem` encrypted as PKCS#8 (`ENCRYPTED PRIVATE KEY`, PBES2 with AES-256-CBC) with
/// `passphrase`, by `openssl pkcs8 -topk8`.
pub fn openssl_encrypt_pkcs8(key_pem: &str, passphrase: &str) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("key.pem"), key_pem).expect("write the key");
    let pass = format!("pass:{passphrase}");
    openssl(dir.path(), &["pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "key.pem", "-passout", &pass])
}
