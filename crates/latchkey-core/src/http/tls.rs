//! TLS trust. Verification is always on: the system's roots, plus — for a datasource with a
//! self-signed certificate — that exact certificate, pinned for that datasource's client only.
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

/// Parses the certificates of a PEM text.
///
/// # Errors
/// A message saying what is wrong with the PEM, for the `selfSignedCertificate` field.
pub fn parse_pem_certificates(pem: &str) -> Result<Vec<CertificateDer<'static>>, String> {
    let fix = "paste the certificate in PEM form (-----BEGIN CERTIFICATE----- …)";
    let certs = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("the certificate is not valid PEM ({e}): {fix}"))?;
    if certs.is_empty() {
        return Err(format!("no certificate found: {fix}"));
    }
    for cert in &certs {
        webpki::EndEntityCert::try_from(cert)
            .map_err(|e| format!("the PEM holds something that is not an X.509 certificate ({e:?}): {fix}"))?;
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

/// A rustls client configuration trusting `roots` and the `pinned` certificates.
pub(crate) fn client_config(
    roots: &RootCertStore,
    pinned: Vec<CertificateDer<'static>>,
) -> Result<rustls::ClientConfig> {
    let provider = provider();
    let mut roots = roots.clone();
    roots.add_parsable_certificates(pinned.iter().cloned());
    if roots.is_empty() {
        return Err(Error::Tls(
            "no trusted root certificates were found on this system: install the ca-certificates package".into(),
        ));
    }
    let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| Error::Tls(e.to_string()))?;
    let verifier = Arc::new(PinnedOrWebPki { pinned, webpki, provider: provider.clone() });
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Tls(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(config)
}

/// Accepts a server whose certificate is exactly a pinned one; otherwise verifies as usual.
#[derive(Debug)]
struct PinnedOrWebPki {
    pinned: Vec<CertificateDer<'static>>,
    webpki: Arc<WebPkiServerVerifier>,
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
        if self.pinned.iter().any(|pin| pin.as_ref() == end_entity.as_ref()) {
            return Ok(ServerCertVerified::assertion());
        }
        self.webpki.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
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
    fn garbage_is_not_a_certificate() {
        assert!(parse_pem_certificates("hello").unwrap_err().contains("no certificate found"));
        let broken = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assert!(parse_pem_certificates(broken).is_err());
    }
}
