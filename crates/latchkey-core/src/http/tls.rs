//! TLS trust. Verification is always on: the system's roots, plus — for a datasource with a
//! self-signed certificate — that exact certificate, pinned for that datasource's client only
//! and trusted only for the hosts it is pinned for ([`Pin::hosts`]: the datasource URL's host,
//! and the OAuth endpoints' hosts when the datasource says so). Every other host is verified
//! against the system's roots alone. Also here: which URLs may be reached without TLS
//! ([`is_loopback`]). A datasource's client certificate ([`super::client_cert`]) is presented by
//! its clients when a server asks for one (mutual TLS).
//!
//! Pinning compares the server's end-entity certificate with the uploaded one byte for byte.
//! Adding the certificate as a trust root instead does not work for the certificates people
//! make with `openssl req -x509`: they are marked CA:TRUE, and webpki refuses a CA certificate
//! used as an end entity (`CaUsedAsEndEntity`). A pinned certificate that is a real CA (one
//! that signed the server's certificate) is also added to the roots, so both cases work.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::{Error, Result};

/// A pinned certificate and the hosts it is trusted for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin<'a> {
    /// The PEM text of `selfSignedCertificate`.
    pub pem: &'a str,
    /// The hosts the certificate stands for; any other host gets the system roots only.
    pub hosts: Vec<url::Host<String>>,
}

/// Whether `url`'s host is a loopback host: `localhost`, 127.0.0.0/8 or `::1`. Plain http is
/// accepted for credentials only there (RFC 8252 §8.3), the traffic never leaving the machine.
/// `localhost.` and names under `.localhost` are not, as the resolver may send them elsewhere.
pub fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// The name rustls checks for `host`, as reqwest passes it.
fn server_name(host: &url::Host<String>) -> Option<ServerName<'static>> {
    match host {
        url::Host::Domain(domain) => ServerName::try_from(domain.to_ascii_lowercase()).ok(),
        url::Host::Ipv4(ip) => Some(ServerName::from(*ip)),
        url::Host::Ipv6(ip) => Some(ServerName::from(*ip)),
    }
}

/// Parses the certificates of a PEM text (RFC 7468 §5).
///
/// # Errors
/// A message for a person saying what is wrong with the PEM and what to do, for the
/// `selfSignedCertificate` field. It quotes nothing of the text: the certificate is kept as a
/// secret, and what was pasted may be a private key.
pub fn parse_pem_certificates(pem: &str) -> Result<Vec<CertificateDer<'static>>, String> {
    use rustls::pki_types::pem::Error as PemError;
    const PASTE: &str = "paste the whole certificate, from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----";
    let certs = CertificateDer::pem_slice_iter(pem.as_bytes()).collect::<Result<Vec<_>, _>>().map_err(|e| match e {
        PemError::MissingSectionEnd { .. } => {
            format!("the certificate stops before its -----END CERTIFICATE----- line: {PASTE}")
        }
        PemError::IllegalSectionStart { .. } => {
            format!("a -----BEGIN …----- line of the certificate is malformed: {PASTE}")
        }
        PemError::Base64Decode(_) => format!(
            "the lines between -----BEGIN CERTIFICATE----- and -----END CERTIFICATE----- are not valid base64 \
             (changed or cut while copying?): {PASTE}"
        ),
        PemError::SectionTooLarge => format!("the certificate is far too large to be one: {PASTE}"),
        _ => format!("the certificate cannot be read as PEM: {PASTE}"),
    })?;
    if certs.is_empty() {
        if pem.contains("PRIVATE KEY-----") {
            return Err("this is a private key, not a certificate: paste the server's certificate \
                        (-----BEGIN CERTIFICATE-----), never its private key"
                .to_owned());
        }
        return Err(format!("no certificate found: {PASTE}"));
    }
    for cert in &certs {
        webpki::EndEntityCert::try_from(cert).map_err(|_| {
            format!(
                "the text between -----BEGIN CERTIFICATE----- and -----END CERTIFICATE----- is not an X.509 \
                 certificate (cut short or changed?): {PASTE}"
            )
        })?;
    }
    Ok(certs)
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The system's trust roots.
pub(crate) fn system_roots() -> RootCertStore {
    let mut roots = RootCertStore::empty();
    let found = rustls_native_certs::load_native_certs();
    roots.add_parsable_certificates(found.certs);
    roots
}

/// A rustls client configuration trusting `roots`, and the `pinned` certificates for the
/// hosts in `pinned_for` only; presenting `identity` (a client certificate) when a server asks.
pub(crate) fn client_config(
    roots: &RootCertStore,
    pinned: Vec<CertificateDer<'static>>,
    pinned_for: &[url::Host<String>],
    identity: Option<&super::client_cert::ClientIdentity>,
) -> Result<rustls::ClientConfig> {
    let provider = provider();
    if roots.is_empty() && pinned.is_empty() {
        return Err(Error::Tls(
            "no trusted root certificates were found on this system: install the ca-certificates package".into(),
        ));
    }
    let verifier = |roots: RootCertStore| -> Result<Option<Arc<WebPkiServerVerifier>>> {
        if roots.is_empty() {
            return Ok(None);
        }
        WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
            .build()
            .map(Some)
            .map_err(|e| Error::Tls(e.to_string()))
    };
    let system = verifier(roots.clone())?;
    let with_pins = if pinned.is_empty() {
        None
    } else {
        let mut extended = roots.clone();
        extended.add_parsable_certificates(pinned.iter().cloned());
        verifier(extended)?
    };
    let hosts = if pinned.is_empty() { Vec::new() } else { pinned_for.iter().filter_map(server_name).collect() };
    let verifier = Arc::new(PinnedOrWebPki { pinned, hosts, system, with_pins, provider: provider.clone() });
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Tls(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    match identity {
        None => Ok(builder.with_no_client_auth()),
        Some(identity) => builder.with_client_auth_cert(identity.chain.clone(), identity.key()).map_err(|_| {
            Error::field(
                super::client_cert::KEY,
                "the client certificate's key cannot be used for TLS: use an RSA, ECDSA (P-256, P-384) or Ed25519 key",
            )
        }),
    }
}

/// For a host the pin is for: accepts a server whose certificate is exactly a pinned one, and
/// otherwise verifies with the pinned certificates added to the roots (a pinned real CA).
/// For any other host: verifies with the system's roots only.
#[derive(Debug)]
struct PinnedOrWebPki {
    pinned: Vec<CertificateDer<'static>>,
    /// The hosts `pinned` is trusted for.
    hosts: Vec<ServerName<'static>>,
    /// The system's roots; `None` when the system has none (then only pinned hosts work).
    system: Option<Arc<WebPkiServerVerifier>>,
    /// The system's roots and the pinned certificates.
    with_pins: Option<Arc<WebPkiServerVerifier>>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for PinnedOrWebPki {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let pinned_host = self.hosts.iter().any(|host| host == server_name);
        if pinned_host && self.pinned.iter().any(|pin| pin.as_ref() == end_entity.as_ref()) {
            return Ok(ServerCertVerified::assertion());
        }
        let webpki = if pinned_host { self.with_pins.as_ref() } else { self.system.as_ref() };
        match webpki {
            Some(webpki) => webpki.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now),
            None => Err(rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer)),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_are_localhost_127_slash_8_and_ipv6_one() {
        let loopback = |url: &str| is_loopback(&url::Url::parse(url).unwrap());
        for url in ["http://localhost:1", "http://LOCALHOST", "http://127.0.0.1", "http://127.255.0.9", "http://[::1]"]
        {
            assert!(loopback(url), "{url}");
        }
        assert!(loopback("http://2130706433/"), "the URL parser normalises numeric hosts");
        for url in ["http://localhost.", "http://x.localhost", "http://0.0.0.0", "http://128.0.0.1", "http://[::2]"] {
            assert!(!loopback(url), "{url}");
        }
        assert!(!loopback("http://localhost.evil.example"), "a name that starts like localhost");
    }

    #[test]
    fn garbage_is_not_a_certificate() {
        assert!(parse_pem_certificates("hello").unwrap_err().contains("no certificate found"));
        let broken = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assert!(parse_pem_certificates(broken).is_err());
    }

    /// Each way a pasted certificate goes wrong gets words a person can act on, never the
    /// library's (`TrailingData(SignedData)`, `base64 decode error`), and never the pasted text.
    #[test]
    fn a_bad_pem_is_explained_in_words_and_quotes_none_of_it() {
        let generated = latchkey_testkit::openssl_self_signed("localhost");
        let real = generated.cert_pem.clone();
        let body: Vec<&str> = real.lines().filter(|l| !l.starts_with("-----")).collect();
        let cases = [
            (
                "cut before the end",
                real.lines().take(4).collect::<Vec<_>>().join("\n"),
                "stops before its -----END CERTIFICATE----- line",
            ),
            (
                "bytes changed",
                format!("-----BEGIN CERTIFICATE-----\n{}!!\n-----END CERTIFICATE-----\n", body[0]),
                "not valid base64",
            ),
            (
                "a valid base64 that is no certificate",
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".to_owned(),
                "is not an X.509 certificate",
            ),
            (
                "a certificate cut short in its middle",
                format!("-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n", body[..2].join("\n")),
                "is not an X.509 certificate",
            ),
            ("a private key", generated.key_pem.clone(), "this is a private key, not a certificate"),
        ];
        for (what, pem, expected) in cases {
            let message = parse_pem_certificates(&pem).expect_err(what);
            assert!(message.contains(expected), "{what}: {message}");
            for library in ["TrailingData", "SignedData", "BadDer", "base64 decode error", "section", "[", "Error"] {
                assert!(!message.contains(library), "{what}: the library's words `{library}` in: {message}");
            }
            for line in pem.lines().filter(|l| !l.starts_with("-----") && l.len() > 8) {
                assert!(!message.contains(line), "{what}: the pasted text is quoted in: {message}");
            }
        }
        assert_eq!(parse_pem_certificates(&real).map(|c| c.len()), Ok(1), "the uncut certificate is fine");
    }
}
