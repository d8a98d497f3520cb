//! The loopback test server: hyper 1 on its own thread and tokio runtime, so
//! sync tests (spawning CLI processes) and async tests can both use it.
//! Records every request before answering; shuts down when dropped. It answers
//! with the echo routes, or with a test's own [`Handler`].

use std::io;
use std::net::{SocketAddr, TcpListener as StdListener};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::thread::JoinHandle;

use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio_rustls::TlsAcceptor;

use crate::cert::SelfSignedCert;
use crate::routes::{reply_response, respond, Handler, Payload, RecordedRequest, Reply};

/// A real HTTP/1.1 (or HTTPS) server on 127.0.0.1. See the crate docs.
pub struct TestServer {
    addr: SocketAddr,
    scheme_host: &'static str,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

struct Shared {
    log: Mutex<Vec<RecordedRequest>>,
    recording: AtomicBool,
    /// Answers in place of the echo routes when set.
    handler: Option<Handler>,
}

impl TestServer {
    /// Plain HTTP on a random free port.
    pub fn http() -> TestServer {
        Self::bind_http(0).expect("start HTTP test server")
    }

    /// HTTP on `port` (0 = any free port), reporting bind errors.
    pub fn bind_http(port: u16) -> io::Result<TestServer> {
        Self::start(port, None, None)
    }

    /// Plain HTTP on a random free port, answering every request with
    /// `handler` instead of the echo routes. Requests are recorded as usual.
    pub fn with_handler(handler: Handler) -> TestServer {
        Self::start(0, None, Some(handler)).expect("start HTTP test server")
    }

    /// HTTPS on a random free port, presenting `cert`. The base URL uses the
    /// host `localhost` so the certificate's DNS name matches.
    pub fn https(cert: &SelfSignedCert) -> TestServer {
        let chain = CertificateDer::pem_slice_iter(cert.cert_pem.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .expect("parse certificate PEM");
        let key = PrivateKeyDer::from_pem_slice(cert.key_pem.as_bytes()).expect("parse key PEM");
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS protocol versions")
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .expect("server certificate and key");
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Self::start(0, Some(TlsAcceptor::from(Arc::new(config))), None).expect("start HTTPS test server")
    }

    fn start(port: u16, tls: Option<TlsAcceptor>, handler: Option<Handler>) -> io::Result<TestServer> {
        let listener = StdListener::bind(("127.0.0.1", port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let shared = Arc::new(Shared { log: Mutex::default(), recording: AtomicBool::new(true), handler });
        let (shutdown, stop) = oneshot::channel();
        let scheme_host = if tls.is_some() { "https://localhost" } else { "http://127.0.0.1" };
        let state = shared.clone();
        let thread = std::thread::Builder::new()
            .name(format!("latchkey-testkit-server-{}", addr.port()))
            .spawn(move || runtime.block_on(accept_loop(listener, tls, state, stop)))?;
        Ok(TestServer { addr, scheme_host, shared, shutdown: Some(shutdown), thread: Some(thread) })
    }

    /// `http://127.0.0.1:PORT` or `https://localhost:PORT`, no trailing slash.
    pub fn base_url(&self) -> String {
        format!("{}:{}", self.scheme_host, self.addr.port())
    }

    /// `base_url()` followed by `path` (which should start with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url())
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.log.lock().unwrap().clone()
    }

    pub fn request_count(&self) -> usize {
        self.shared.log.lock().unwrap().len()
    }

    /// Turns request recording on or off (a long-running benchmark server
    /// should not keep every body in memory).
    pub fn set_recording(&self, on: bool) {
        self.shared.recording.store(on, Ordering::SeqCst);
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.shutdown.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Accepts until told to stop; open connections end when the runtime drops.
async fn accept_loop(
    listener: StdListener,
    tls: Option<TlsAcceptor>,
    shared: Arc<Shared>,
    mut stop: oneshot::Receiver<()>,
) {
    let listener = TcpListener::from_std(listener).expect("register listener with tokio");
    loop {
        let tcp = tokio::select! {
            _ = &mut stop => return,
            accepted = listener.accept() => match accepted {
                Ok((tcp, _)) => tcp,
                Err(_) => continue,
            },
        };
        let _ = tcp.set_nodelay(true);
        let (tls, shared) = (tls.clone(), shared.clone());
        tokio::spawn(async move {
            match tls {
                Some(tls) => {
                    if let Ok(stream) = tls.accept(tcp).await {
                        serve_connection(stream, shared).await;
                    }
                }
                None => serve_connection(tcp, shared).await,
            }
        });
    }
}

async fn serve_connection<S>(io: S, shared: Arc<Shared>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let heads = Arc::new(Mutex::new(HeadTap { armed: true, ..HeadTap::default() }));
    let io = TokioIo::new(Tap { io, heads: heads.clone() });
    let service = service_fn(move |req| handle(req, shared.clone(), heads.clone()));
    let _ = http1::Builder::new().serve_connection(io, service).await;
}

async fn handle(
    req: Request<Incoming>,
    shared: Arc<Shared>,
    heads: Arc<Mutex<HeadTap>>,
) -> io::Result<Response<Payload>> {
    let (parts, body) = req.into_parts();
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes().to_vec(),
        Err(_) => {
            let mut resp = Response::new(Payload::Once(None));
            *resp.status_mut() = StatusCode::BAD_REQUEST;
            return Ok(resp);
        }
    };
    let raw_head = {
        let mut tap = heads.lock().unwrap();
        tap.armed = true; // the body is consumed: the next bytes are a new head
        tap.buf.clear();
        tap.head.take()
    };
    let headers = raw_head.and_then(|head| headers_in_arrival_order(&head, &parts)).unwrap_or_else(|| {
        let text = |v: &hyper::header::HeaderValue| String::from_utf8_lossy(v.as_bytes()).into();
        parts.headers.iter().map(|(n, v)| (n.as_str().to_owned(), text(v))).collect()
    });
    let recorded = RecordedRequest {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers,
        body,
    };
    if shared.recording.load(Ordering::SeqCst) {
        shared.log.lock().unwrap().push(recorded.clone());
    }
    let Some(handler) = &shared.handler else { return Ok(respond(&recorded)) };
    let mut reply = handler(&recorded);
    loop {
        match reply {
            Reply::Respond { status, headers, body } => return Ok(reply_response(status, headers, body)),
            Reply::Delayed { delay, reply: later } => {
                tokio::time::sleep(delay).await;
                reply = *later;
            }
            // hyper closes the connection, without a response, when the service fails.
            Reply::Reset => return Err(io::Error::new(io::ErrorKind::ConnectionReset, "reset by the handler")),
        }
    }
}

/// hyper's `HeaderMap` groups repeated names together, so the true arrival
/// order comes from the raw request head (seen by [`Tap`]). Returns `None`
/// when the head does not belong to this request.
fn headers_in_arrival_order(head: &[u8], parts: &hyper::http::request::Parts) -> Option<Vec<(String, String)>> {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.split("\r\n").filter(|l| !l.is_empty());
    let mut request_line = lines.next()?.split(' ');
    if request_line.next()? != parts.method.as_str() || request_line.next()? != parts.uri {
        return None;
    }
    let headers: Vec<(String, String)> = lines
        .map(|line| {
            let (name, value) = line.split_once(':')?;
            Some((name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        })
        .collect::<Option<_>>()?;
    (headers.len() == parts.headers.len()).then_some(headers)
}

/// Per-connection capture of the raw request head (up to the blank line).
#[derive(Default)]
struct HeadTap {
    armed: bool,
    buf: Vec<u8>,
    head: Option<Vec<u8>>,
}

impl HeadTap {
    fn feed(&mut self, data: &[u8]) {
        if !self.armed || data.is_empty() {
            return;
        }
        let from = self.buf.len().saturating_sub(3);
        self.buf.extend_from_slice(data);
        if let Some(i) = self.buf[from..].windows(4).position(|w| w == b"\r\n\r\n") {
            self.buf.truncate(from + i + 4);
            self.head = Some(std::mem::take(&mut self.buf));
            self.armed = false;
        } else if self.buf.len() > 1 << 20 {
            self.buf.clear();
            self.armed = false;
        }
    }
}

/// A stream wrapper that shows the bytes it reads to a [`HeadTap`].
struct Tap<S> {
    io: S,
    heads: Arc<Mutex<HeadTap>>,
}

impl<S: AsyncRead + Unpin> AsyncRead for Tap<S> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let me = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut me.io).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = polled {
            me.heads.lock().unwrap().feed(&buf.filled()[before..]);
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Tap<S> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, b: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, b)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}
