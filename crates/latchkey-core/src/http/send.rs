//! Sending a prepared request and capturing the response: status, headers, body (in memory up
//! to a cap, then in a temp file), time to first byte and total time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use rustls::RootCertStore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;
use ts_rs::TS;

use super::prepare::{PreparedBody, PreparedRequest, SentRequest};
use super::proxy::ProxySettings;
use super::{client_cert, tls};
use crate::model::{Datasource, KeyValue, ProxyConfig};
use crate::{Error, Result};

/// Limits of one send.
#[derive(Debug, Clone)]
pub struct SendOptions {
    /// Bodies larger than this go to a temp file instead of memory.
    pub memory_limit: usize,
    pub timeout: Duration,
}

impl Default for SendOptions {
    fn default() -> Self {
        SendOptions { memory_limit: 8 * 1024 * 1024, timeout: Duration::from_secs(300) }
    }
}

/// What came back.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    /// The canonical reason phrase of the status, when it has one.
    pub reason: String,
    pub version: String,
    pub headers: Vec<KeyValue>,
    pub body: ResponseBody,
    /// Body size in bytes.
    pub size: u64,
    pub timings: Timings,
    /// The request as sent, credentials redacted.
    pub sent: SentRequest,
}

/// A response body: in memory, or in a temp file deleted when this is dropped.
#[derive(Debug)]
pub enum ResponseBody {
    Memory(Vec<u8>),
    File(tempfile::NamedTempFile),
}

/// Milliseconds from sending until the response head arrived, and until the body ended.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Timings {
    pub first_byte_ms: f64,
    pub total_ms: f64,
}

/// The datasource's pinned certificate, trusted for the host of its URL; with
/// `useSelfSignedCertForAuth` (and `for_auth`) also for the hosts of its token and revocation
/// endpoints and its Issuer.
fn pin(datasource: &Datasource, for_auth: bool) -> Option<tls::Pin<'_>> {
    let pem = datasource.config.self_signed_certificate.value()?.expose();
    let host = |raw: &str| url::Url::parse(raw.trim()).ok().and_then(|url| url.host().map(|h| h.to_owned()));
    let mut hosts: Vec<url::Host<String>> = host(&datasource.config.url).into_iter().collect();
    if let (true, crate::model::AuthConfig::OAuth2(oauth)) = (for_auth, &datasource.config.auth) {
        if oauth.use_self_signed_cert_for_auth {
            let endpoints = [&oauth.access_token_url, &oauth.revocation_url, &oauth.issuer];
            hosts.extend(endpoints.into_iter().filter_map(|raw| host(raw)));
        }
    }
    hosts.dedup();
    Some(tls::Pin { pem, hosts })
}

/// The datasource's client certificate and key (mutual TLS), checked as on save: presented to
/// its URL's origin and to its OAuth endpoints when they ask for one.
///
/// # Errors
/// [`Error::Invalid`] on `clientCertificate`, `clientCertificateKey` or
/// `clientCertificatePassphrase` before anything is sent.
fn identity(datasource: &Datasource) -> Result<Option<client_cert::ClientIdentity>> {
    let config = &datasource.config;
    client_cert::load(
        &config.client_certificate,
        &config.client_certificate_key,
        &config.client_certificate_passphrase,
        client_cert::now(),
    )
    .map_err(Error::Invalid)
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport").finish_non_exhaustive()
    }
}

#[derive(Clone, Copy)]
enum Redirects {
    SameOrigin,
    Never,
}

/// A client and the proxy settings it was built with, to explain the proxy's failures.
#[derive(Debug, Clone)]
pub struct ProxiedClient {
    pub client: reqwest::Client,
    pub(crate) proxy: ProxySettings,
}

impl ProxiedClient {
    /// The error for a failed send of `url`: the proxy's explanation when it is to blame.
    pub fn error(&self, url: &url::Url, err: reqwest::Error) -> Error {
        self.proxy.explain(url, &err).unwrap_or_else(|| err.into())
    }

    /// For a plain http target: an error when the response came from the proxy itself (see
    /// `http::proxy`).
    ///
    /// # Errors
    /// [`Error::Proxy`].
    pub fn check_response(&self, url: &url::Url, response: &reqwest::Response) -> Result<()> {
        self.proxy.check_response(url, response.status().as_u16(), response.headers())
    }
}

/// HTTP clients, one per trust and proxy configuration, reused across requests.
#[derive(Clone, Default)]
pub struct Transport {
    roots: Arc<OnceLock<RootCertStore>>,
    clients: Arc<Mutex<HashMap<[u8; 32], reqwest::Client>>>,
}

impl Transport {
    pub fn new() -> Self {
        Self::default()
    }

    /// A client for requests of `datasource`: its pinned certificate trusted for the host of its
    /// URL, redirects followed within the origin only, its client certificate and its proxy.
    fn client_for(&self, datasource: &Datasource, https: bool) -> Result<(reqwest::Client, ProxySettings)> {
        let proxy = ProxySettings::from_env(&datasource.config.proxy)?;
        let identity = identity(datasource)?;
        Ok((self.client(pin(datasource, false), identity.as_ref(), https, Redirects::SameOrigin, &proxy)?, proxy))
    }

    /// A client for token and revocation calls made for `datasource`: its pinned certificate
    /// trusted for the host of its URL, and for the hosts of the token and revocation endpoints
    /// only with `useSelfSignedCertForAuth`; every other host is checked against the system's
    /// roots. Redirects are never followed (a token endpoint that redirects is misconfigured or
    /// hostile). The datasource's proxy, as for its API requests.
    ///
    /// # Errors
    /// [`Error::Invalid`] for an unparseable pinned certificate or proxy, or a client certificate
    /// that cannot be used, [`Error::Tls`].
    ///
    /// The datasource's client certificate is presented when the endpoint asks for one (RFC 8705),
    /// and, as [`Transport::issuer_client_for`], to its Issuer for discovery.
    pub fn token_client_for(&self, datasource: &Datasource, https: bool) -> Result<ProxiedClient> {
        let proxy = ProxySettings::from_env(&datasource.config.proxy)?;
        let identity = identity(datasource)?;
        let client = self.client(pin(datasource, true), identity.as_ref(), https, Redirects::Never, &proxy)?;
        Ok(ProxiedClient { client, proxy })
    }

    /// A client for the discovery of `datasource`'s Issuer: trust, client certificate and proxy
    /// as [`Transport::token_client_for`] (the Issuer is one of its OAuth endpoints).
    ///
    /// # Errors
    /// As [`Transport::token_client_for`].
    pub fn issuer_client_for(&self, datasource: &Datasource) -> Result<ProxiedClient> {
        self.token_client_for(datasource, true)
    }

    /// A client trusting the system roots only and following no redirects (discovery of an
    /// Issuer that belongs to no saved datasource), through `proxy` (the form's).
    ///
    /// # Errors
    /// [`Error::Tls`] when no TLS configuration can be built; [`Error::Invalid`] for a proxy
    /// that cannot be used.
    pub fn discovery_client(&self, proxy: &ProxyConfig) -> Result<ProxiedClient> {
        let proxy = ProxySettings::from_env(proxy)?;
        Ok(ProxiedClient { client: self.client(None, None, true, Redirects::Never, &proxy)?, proxy })
    }

    fn client(
        &self,
        pin: Option<tls::Pin<'_>>,
        identity: Option<&client_cert::ClientIdentity>,
        https: bool,
        redirects: Redirects,
        proxy: &ProxySettings,
    ) -> Result<reqwest::Client> {
        // An https:// proxy is reached over TLS too, with the same verification.
        let https = https || proxy.uses_tls();
        let mut hasher = Sha256::new();
        hasher.update([redirects as u8]);
        proxy.fingerprint(&mut hasher);
        if let (true, Some(identity)) = (https, identity) {
            // The certificate and key are part of the configuration: another key, another client.
            hasher.update(b"client certificate\0");
            for cert in &identity.chain {
                hasher.update(cert.as_ref());
                hasher.update(b"\0");
            }
            hasher.update(identity.key().secret_der());
            hasher.update(b"\0");
        }
        if https {
            match &pin {
                Some(pin) => {
                    hasher.update(b"pinned\0");
                    hasher.update(pin.pem.as_bytes());
                    for host in &pin.hosts {
                        hasher.update(b"\0");
                        hasher.update(host.to_string().as_bytes());
                    }
                }
                None => hasher.update(b"system roots"),
            }
        }
        let fingerprint: [u8; 32] = hasher.finalize().into();
        if let Some(client) = self.clients.lock().expect("client cache lock").get(&fingerprint) {
            return Ok(client.clone());
        }
        let policy = match redirects {
            Redirects::SameOrigin => same_origin_redirects(),
            Redirects::Never => reqwest::redirect::Policy::none(),
        };
        let builder = reqwest::Client::builder().redirect(policy).connect_timeout(Duration::from_secs(30));
        let mut builder = proxy.apply(builder)?;
        if https {
            let (pinned, hosts) = match &pin {
                Some(pin) => (
                    tls::parse_pem_certificates(pin.pem).map_err(|m| Error::field("selfSignedCertificate", m))?,
                    pin.hosts.as_slice(),
                ),
                None => (Vec::new(), &[][..]),
            };
            let roots = self.roots.get_or_init(tls::system_roots);
            builder = builder.use_preconfigured_tls(tls::client_config(roots, pinned, hosts, identity)?);
        }
        let client = builder.build().map_err(|e| Error::Tls(e.to_string()))?;
        self.clients.lock().expect("client cache lock").insert(fingerprint, client.clone());
        Ok(client)
    }

    /// Sends `request` with `datasource`'s trust configuration.
    ///
    /// Credentials never go over plain http to a host that is not a loopback host unless the
    /// datasource allows insecure http, whatever the URL (an absolute one, or a datasource
    /// stored before the check on save).
    ///
    /// # Errors
    /// [`Error::Invalid`] on `url` for a refused plain-http URL; [`Error::Network`] /
    /// [`Error::Tls`] for transport failures (never with the URL, which may carry a key),
    /// [`Error::Io`] for body files.
    pub async fn send(
        &self,
        datasource: &Datasource,
        request: PreparedRequest,
        options: &SendOptions,
    ) -> Result<Response> {
        if !datasource.config.tls_policy_allows(&request.url) {
            return Err(Error::field(
                "url",
                format!(
                    "refused to send this datasource's credentials over plain http to {}: use https://…, or tick \
                     Allow insecure HTTP (`allowInsecureHttp`) if the server has no TLS",
                    request.url.host_str().unwrap_or_default()
                ),
            ));
        }
        let sent = request.redacted();
        let (client, proxy) = self.client_for(datasource, request.url.scheme() == "https")?;
        let url = request.url.clone();
        let mut builder = client
            .request(request.method.clone(), request.url.clone())
            .headers(request.headers.clone())
            .timeout(options.timeout);
        builder = match request.body {
            PreparedBody::Empty => builder,
            PreparedBody::Bytes(bytes) => builder.body(bytes),
            PreparedBody::File(path) => {
                let file = tokio::fs::File::open(&path).await.map_err(|e| Error::io(&path, e))?;
                match regular_file_len(&file, &path).await? {
                    Some(len) => builder.header(reqwest::header::CONTENT_LENGTH, len),
                    // A pipe or standard input has no length up front: it goes chunked.
                    None => builder,
                }
                .body(reqwest::Body::from(file))
            }
            PreparedBody::Multipart(parts) => {
                let mut form = reqwest::multipart::Form::new();
                for (i, part) in parts.iter().enumerate() {
                    let mut piece = match &part.file {
                        Some(path) => {
                            let file = tokio::fs::File::open(path).await.map_err(|e| Error::io(path, e))?;
                            let len = regular_file_len(&file, path).await?;
                            let name = std::path::Path::new(path)
                                .file_name()
                                .map(|n| n.to_string_lossy().into_owned())
                                .unwrap_or_default();
                            let body = reqwest::Body::from(file);
                            match len {
                                Some(len) => reqwest::multipart::Part::stream_with_length(body, len),
                                None => reqwest::multipart::Part::stream(body),
                            }
                            .file_name(name)
                        }
                        None => reqwest::multipart::Part::text(part.value.clone()),
                    };
                    if !part.content_type.is_empty() {
                        // `RequestSpec::validate` (run by `prepare`) has refused a bad one already.
                        piece = piece.mime_str(&part.content_type).map_err(|_| {
                            Error::field(
                                format!("body.parts[{i}].contentType"),
                                format!("`{}` is not a media type", part.content_type),
                            )
                        })?;
                    }
                    form = form.part(part.key.clone(), piece);
                }
                builder.multipart(form)
            }
        };

        let started = Instant::now();
        let mut response = builder.send().await.map_err(|e| proxy.explain(&url, &e).unwrap_or_else(|| e.into()))?;
        let first_byte = started.elapsed();
        let status = response.status();
        proxy.check_response(&url, status.as_u16(), response.headers())?;
        let version = format!("{:?}", response.version());
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| KeyValue::new(name.as_str(), String::from_utf8_lossy(value.as_bytes())))
            .collect();

        let mut memory = Vec::new();
        let mut spill: Option<(tempfile::NamedTempFile, tokio::fs::File)> = None;
        let mut size = 0u64;
        while let Some(chunk) = response.chunk().await? {
            size += chunk.len() as u64;
            if let Some((_, file)) = spill.as_mut() {
                file.write_all(&chunk).await.map_err(|e| Error::io("response body temp file", e))?;
            } else if memory.len() + chunk.len() > options.memory_limit {
                let temp = tempfile::Builder::new()
                    .prefix("latchkey-body-")
                    .tempfile()
                    .map_err(|e| Error::io("temp dir", e))?;
                let mut file = tokio::fs::File::from_std(temp.reopen().map_err(|e| Error::io(temp.path(), e))?);
                file.write_all(&memory).await.map_err(|e| Error::io(temp.path(), e))?;
                file.write_all(&chunk).await.map_err(|e| Error::io(temp.path(), e))?;
                memory = Vec::new();
                spill = Some((temp, file));
            } else {
                memory.extend_from_slice(&chunk);
            }
        }
        let body = match spill {
            Some((temp, mut file)) => {
                file.flush().await.map_err(|e| Error::io(temp.path(), e))?;
                ResponseBody::File(temp)
            }
            None => ResponseBody::Memory(memory),
        };
        let total = started.elapsed();
        Ok(Response {
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or("").to_owned(),
            version,
            headers,
            body,
            size,
            timings: Timings { first_byte_ms: millis(first_byte), total_ms: millis(total) },
            sent,
        })
    }
}

/// The length of `file` when it is a regular file; `None` for a pipe or standard input, whose
/// metadata says 0 whatever will be read from it.
async fn regular_file_len(file: &tokio::fs::File, path: impl AsRef<std::path::Path>) -> Result<Option<u64>> {
    let metadata = file.metadata().await.map_err(|e| Error::io(path, e))?;
    Ok(metadata.is_file().then_some(metadata.len()))
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// Follows redirects only within the origin of the first URL, so credentials never leave it;
/// a redirect elsewhere is returned as the response.
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let first = attempt.previous().first().map(|u| u.origin());
        if attempt.previous().len() >= 10 || first.as_ref() != Some(&attempt.url().origin()) {
            attempt.stop()
        } else {
            attempt.follow()
        }
    })
}

impl ResponseBody {
    /// Reads the whole body into memory (for display of small bodies and tests).
    ///
    /// # Errors
    /// [`Error::Io`] when the temp file cannot be read.
    pub fn to_vec(&self) -> Result<Vec<u8>> {
        match self {
            ResponseBody::Memory(bytes) => Ok(bytes.clone()),
            ResponseBody::File(file) => std::fs::read(file.path()).map_err(|e| Error::io(file.path(), e)),
        }
    }
}
