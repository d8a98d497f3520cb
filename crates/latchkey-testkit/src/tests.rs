//! Unit tests for the test server and certificate helper, using raw sockets
//! (and tokio-rustls for HTTPS) as clients so nothing else is needed.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::*;

struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("JSON body")
    }
}

/// Reads one response framed by `content-length` (the server always sends it).
fn read_response(r: &mut impl BufRead) -> Resp {
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    let status = line.split(' ').nth(1).expect("status line").parse().unwrap();
    let mut headers = Vec::new();
    loop {
        line.clear();
        r.read_line(&mut line).unwrap();
        match line.trim_end().split_once(':') {
            Some((n, v)) => headers.push((n.to_ascii_lowercase(), v.trim().to_owned())),
            None => break,
        }
    }
    let mut resp = Resp { status, headers, body: Vec::new() };
    let len = match status {
        204 | 304 => 0,
        _ => resp.header("content-length").expect("content-length").parse().unwrap(),
    };
    resp.body = vec![0; len];
    r.read_exact(&mut resp.body).unwrap();
    resp
}

fn connect(server: &TestServer) -> (TcpStream, BufReader<TcpStream>) {
    let stream = TcpStream::connect(("127.0.0.1", server.port())).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let reader = BufReader::new(stream.try_clone().unwrap());
    (stream, reader)
}

fn get(server: &TestServer, target: &str) -> Resp {
    let (mut stream, mut reader) = connect(server);
    write!(stream, "GET {target} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").unwrap();
    read_response(&mut reader)
}

#[test]
fn http_echo_records_method_path_query_headers_body_in_arrival_order() {
    let server = TestServer::http();
    assert!(server.base_url().starts_with("http://127.0.0.1:"));
    let (mut stream, mut reader) = connect(&server);
    stream
        .write_all(
            b"POST /submit/form?a=1&b=hello%20world&a=2 HTTP/1.1\r\nHost: t\r\nX-Multi: one\r\n\
              Content-Type: text/plain\r\nX-Multi: two\r\nContent-Length: 11\r\n\r\nhello body!",
        )
        .unwrap();
    let first = read_response(&mut reader);
    assert_eq!(first.status, 200);
    assert_eq!(first.header("content-type"), Some("application/json"));
    let echo = first.json();
    assert_eq!(echo["method"], "POST");
    assert_eq!(echo["path"], "/submit/form");
    assert_eq!(echo["query"], "a=1&b=hello%20world&a=2");
    assert_eq!(echo["queryPairs"], serde_json::json!([["a", "1"], ["b", "hello world"], ["a", "2"]]));
    assert_eq!(echo["headers"][1], serde_json::json!(["x-multi", "one"]));
    assert_eq!(echo["headers"][3], serde_json::json!(["x-multi", "two"]));
    assert_eq!(echo["body"], "hello body!");
    assert_eq!(echo["bodyBase64"], "aGVsbG8gYm9keSE=");
    assert_eq!(echo["bodyLength"], 11);

    // Same connection (keep-alive): a chunked body, then a GET.
    stream
        .write_all(
            b"PUT /two HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nX-B: 1\r\nX-A: 2\r\n\
              X-B: 3\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
        )
        .unwrap();
    assert_eq!(read_response(&mut reader).json()["body"], "hello world");
    stream.write_all(b"GET /three HTTP/1.1\r\nhost: t\r\nconnection: close\r\n\r\n").unwrap();
    assert_eq!(read_response(&mut reader).json()["query"], Value::Null);

    let reqs = server.requests();
    assert_eq!(server.request_count(), 3);
    let names = |r: &RecordedRequest| r.headers.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>();
    assert_eq!(
        names(&reqs[0]),
        ["host=t", "x-multi=one", "content-type=text/plain", "x-multi=two", "content-length=11"]
    );
    assert_eq!(reqs[0].header("X-MULTI"), Some("one"));
    assert_eq!(reqs[0].query_pairs()[1], ("b".into(), "hello world".into()));
    assert_eq!(reqs[0].body, b"hello body!");
    assert_eq!((reqs[1].method.as_str(), reqs[1].path.as_str()), ("PUT", "/two"));
    assert_eq!(names(&reqs[1]), ["host=t", "transfer-encoding=chunked", "x-b=1", "x-a=2", "x-b=3"]);
    assert_eq!(reqs[1].body, b"hello world");
    assert_eq!((reqs[2].method.as_str(), reqs[2].query.as_deref()), ("GET", None));
    assert_eq!(names(&reqs[2]), ["host=t", "connection=close"]);
}

#[test]
fn large_binary_body_is_read_fully() {
    let server = TestServer::http();
    let body: Vec<u8> = (0..8 * 1024 * 1024u32).map(|i| (i * 7 % 256) as u8).collect();
    let (mut stream, mut reader) = connect(&server);
    let head = format!("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: {}\r\n\r\n", body.len());
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(&body).unwrap();
    assert_eq!(read_response(&mut reader).json()["bodyLength"], body.len());
    assert!(server.requests()[0].body == body);
}

#[test]
fn bytes_route_streams_exactly_n_pattern_bytes() {
    let server = TestServer::http();
    for n in [0u64, 1, 65_536, 3 * 65_536 + 123] {
        let resp = get(&server, &format!("/bytes/{n}"));
        assert_eq!(resp.status, 200);
        assert_eq!(resp.header("content-type"), Some("application/octet-stream"));
        assert_eq!(resp.body.len() as u64, n);
        assert!(resp.body.iter().enumerate().all(|(i, b)| *b == expected_bytes_byte(i as u64)));
    }
    assert_eq!(expected_bytes_byte(251), 0);
    assert_eq!(expected_bytes_byte(250), 250);
}

#[test]
fn status_redirect_and_json_routes() {
    let server = TestServer::http();
    let teapot = get(&server, "/status/418?x=1");
    assert_eq!(teapot.status, 418);
    assert_eq!(teapot.json()["path"], "/status/418");
    assert_eq!(get(&server, "/status/204").status, 204);

    let redirect = get(&server, "/redirect?to=https%3A%2F%2Fexample.com%2Fa%3Fb%3D1");
    assert_eq!(redirect.status, 302);
    assert_eq!(redirect.header("location"), Some("https://example.com/a?b=1"));
    assert_eq!(get(&server, "/redirect").status, 400);

    for n in [1usize, 2, 50, 100_000, 1_000_003] {
        let resp = get(&server, &format!("/json/{n}"));
        assert_eq!(resp.header("content-type"), Some("application/json"));
        assert_eq!(resp.body.len(), n.max(2));
        let items = resp.json();
        let items = items.as_array().unwrap();
        assert!(n < 200 || items.len() > n / 100, "{n} bytes gave {} items", items.len());
        assert!(items.iter().enumerate().all(|(i, item)| item["id"] == i));
    }
    assert_eq!(server.request_count(), 9);
}

#[test]
fn dropping_the_server_stops_it_promptly() {
    let server = TestServer::http();
    let port = server.port();
    let (mut idle, mut reader) = connect(&server);
    idle.write_all(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n").unwrap();
    read_response(&mut reader); // the connection now idles in keep-alive
    let started = Instant::now();
    drop(server);
    assert!(started.elapsed() < Duration::from_secs(5), "drop took {:?}", started.elapsed());
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err(), "port {port} still accepts");
    let mut rest = Vec::new();
    assert_eq!(reader.read_to_end(&mut rest).unwrap_or(0), 0, "idle connection not closed");
}

#[tokio::test]
async fn usable_and_droppable_inside_an_async_test() {
    let server = TestServer::http();
    let mut tcp = tokio::net::TcpStream::connect(("127.0.0.1", server.port())).await.unwrap();
    tcp.write_all(b"DELETE /x/y HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").await.unwrap();
    let mut raw = Vec::new();
    tcp.read_to_end(&mut raw).await.unwrap();
    assert!(raw.starts_with(b"HTTP/1.1 200 OK\r\n"));
    assert_eq!(server.requests()[0].method, "DELETE");
    drop(server);
}

/// Trusts exactly one certificate, as a client pinned to it would.
#[derive(Debug)]
struct ExactCert(CertificateDer<'static>, Arc<CryptoProvider>);

impl ServerCertVerifier for ExactCert {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.0.as_ref() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General("not the pinned certificate".into()))
        }
    }

    fn verify_tls12_signature(
        &self,
        msg: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(msg, cert, dss, &self.1.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        msg: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(msg, cert, dss, &self.1.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.1.signature_verification_algorithms.supported_schemes()
    }
}

async fn https_exchange(server: &TestServer, trusted: &SelfSignedCert, request: &[u8]) -> std::io::Result<Vec<u8>> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(ExactCert(trusted.cert_der(), provider)))
        .with_no_client_auth();
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", server.port())).await?;
    let name = ServerName::try_from("localhost").unwrap();
    let mut tls = tokio_rustls::TlsConnector::from(Arc::new(config)).connect(name, tcp).await?;
    tls.write_all(request).await?;
    let mut raw = Vec::new();
    tls.read_to_end(&mut raw).await?;
    Ok(raw)
}

#[tokio::test]
async fn https_with_openssl_certificate_works_for_a_client_trusting_it() {
    let cert = openssl_self_signed("latchkey-test");
    assert!(cert.cert_path.exists() && cert.key_path.exists());
    assert!(cert.cert_pem.starts_with("-----BEGIN CERTIFICATE-----"));
    let server = TestServer::https(&cert);
    assert_eq!(server.base_url(), format!("https://localhost:{}", server.port()));

    let request = b"POST /secure?k=v HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\nConnection: close\r\n\r\nping";
    let raw = https_exchange(&server, &cert, request).await.expect("TLS exchange");
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    assert!(raw.starts_with(b"HTTP/1.1 200 OK\r\n"));
    let echo: Value = serde_json::from_slice(&raw[split + 4..]).unwrap();
    assert_eq!((echo["path"].as_str(), echo["body"].as_str()), (Some("/secure"), Some("ping")));
    let recorded = &server.requests()[0];
    assert_eq!(recorded.query_pairs(), [("k".to_owned(), "v".to_owned())]);
    assert_eq!(recorded.header("host"), Some("localhost"));

    // A client pinned to a different certificate must refuse this server.
    let other = openssl_self_signed("someone-else");
    assert!(https_exchange(&server, &other, request).await.is_err());
    assert_eq!(server.request_count(), 1);
}
