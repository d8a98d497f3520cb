//! What the test server answers: the recorded-request type, the routes
//! (echo, `/bytes/{n}`, `/status/{code}`, `/redirect?to=`, `/json/{n}`), the
//! [`Reply`] a custom [`Handler`] gives instead, and a streaming response body
//! that never holds a large payload in memory.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};
use hyper::header::{HeaderValue, CONTENT_TYPE, LOCATION};
use hyper::{Response, StatusCode};

/// Size of each chunk of a streamed response body.
const CHUNK: usize = 64 * 1024;

/// One request as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    /// The raw query string (without `?`), if the request target had one.
    pub query: Option<String>,
    /// Lowercase names, in arrival order, repeated names kept.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    /// The query string split into percent-decoded `(key, value)` pairs.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        let query = self.query.as_deref().unwrap_or("");
        url::form_urlencoded::parse(query.as_bytes()).into_owned().collect()
    }

    /// The body split into percent-decoded `(key, value)` pairs, as an
    /// `application/x-www-form-urlencoded` body is.
    pub fn form_pairs(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(&self.body).into_owned().collect()
    }

    /// The first value of form field `key` in the body.
    pub fn form_value(&self, key: &str) -> Option<String> {
        self.form_pairs().into_iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The echo body: this request as JSON.
    fn echo_json(&self) -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "queryPairs": self.query_pairs(),
            "headers": self.headers,
            "body": String::from_utf8_lossy(&self.body),
            "bodyBase64": base64::engine::general_purpose::STANDARD.encode(&self.body),
            "bodyLength": self.body.len(),
        }))
        .expect("serialize echo JSON")
    }
}

/// Answers every request of a server made with [`crate::TestServer::with_handler`],
/// in place of the echo routes. Called on the server's thread; it must not block.
pub type Handler = Arc<dyn Fn(&RecordedRequest) -> Reply + Send + Sync>;

/// What a [`Handler`] answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// A response; `content-length` is added, `headers` are sent as given.
    Respond { status: u16, headers: Vec<(String, String)>, body: Vec<u8> },
    /// `reply`, after waiting `delay` (for client timeouts).
    Delayed { delay: Duration, reply: Box<Reply> },
    /// No answer: the connection is closed once the request is read.
    Reset,
}

impl Reply {
    /// A response with a `content-type`.
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        let headers = vec![("content-type".to_owned(), content_type.to_owned())];
        Reply::Respond { status, headers, body: body.into() }
    }

    /// A JSON response.
    pub fn json(status: u16, value: &serde_json::Value) -> Reply {
        Reply::new(status, "application/json", serde_json::to_vec(value).expect("serialize JSON reply"))
    }

    /// This reply with one more header (on the response it ends in; `Reset` has none).
    pub fn with_header(self, name: &str, value: &str) -> Reply {
        match self {
            Reply::Respond { status, mut headers, body } => {
                headers.push((name.to_ascii_lowercase(), value.to_owned()));
                Reply::Respond { status, headers, body }
            }
            Reply::Delayed { delay, reply } => {
                Reply::Delayed { delay, reply: Box::new(reply.with_header(name, value)) }
            }
            Reply::Reset => Reply::Reset,
        }
    }

    /// This reply after waiting `delay`.
    pub fn after(self, delay: Duration) -> Reply {
        Reply::Delayed { delay, reply: Box::new(self) }
    }
}

/// The hyper response for [`Reply::Respond`].
pub(crate) fn reply_response(status: u16, headers: Vec<(String, String)>, body: Vec<u8>) -> Response<Payload> {
    let mut resp = Response::new(Payload::Once(Some(body.into())));
    *resp.status_mut() = StatusCode::from_u16(status).expect("a valid status code in a Reply");
    for (name, value) in headers {
        let name = hyper::header::HeaderName::from_bytes(name.as_bytes()).expect("a valid header name in a Reply");
        let value = HeaderValue::from_str(&value).expect("a valid header value in a Reply");
        resp.headers_mut().append(name, value);
    }
    resp
}

/// Byte `i` of every `/bytes/{n}` response body.
pub fn expected_bytes_byte(i: u64) -> u8 {
    (i % 251) as u8
}

/// One period of the `/bytes/{n}` pattern: `PATTERN[i] == expected_bytes_byte(i)`.
const PATTERN: [u8; 251] = {
    let mut p = [0u8; 251];
    let mut i = 0;
    while i < 251 {
        p[i] = i as u8;
        i += 1;
    }
    p
};

/// Picks the response for a recorded request.
pub(crate) fn respond(req: &RecordedRequest) -> Response<Payload> {
    let getish = matches!(req.method.as_str(), "GET" | "HEAD");
    let number = |prefix: &str| req.path.strip_prefix(prefix).and_then(|n| n.parse::<u64>().ok());
    if let (true, Some(n)) = (getish, number("/bytes/")) {
        let body = Payload::Pattern { pos: 0, end: n };
        return reply(StatusCode::OK, "application/octet-stream", body);
    }
    if let (true, Some(n)) = (getish, number("/json/")) {
        let body = Payload::Json { next_id: 0, sent: 0, target: n.max(2) };
        return reply(StatusCode::OK, "application/json", body);
    }
    let echo = |status| reply(status, "application/json", Payload::Once(Some(req.echo_json().into())));
    if let Some(code) = number("/status/").filter(|c| (200..600).contains(c)) {
        let status = StatusCode::from_u16(code as u16).expect("status code in range");
        if matches!(code, 204 | 304) {
            return reply(status, "application/json", Payload::Once(None));
        }
        return echo(status);
    }
    if req.path == "/redirect" {
        let to = req.query_pairs().into_iter().find(|(k, _)| k == "to").map(|(_, v)| v);
        return match to.and_then(|to| HeaderValue::from_str(&to).ok()) {
            Some(location) => {
                let mut resp = echo(StatusCode::FOUND);
                resp.headers_mut().insert(LOCATION, location);
                resp
            }
            None => echo(StatusCode::BAD_REQUEST),
        };
    }
    echo(StatusCode::OK)
}

fn reply(status: StatusCode, content_type: &'static str, body: Payload) -> Response<Payload> {
    let mut resp = Response::new(body);
    *resp.status_mut() = status;
    resp.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp
}

/// A response body produced chunk by chunk, always with an exact length so
/// hyper sends `content-length`.
pub(crate) enum Payload {
    /// A small body sent in one frame (`None` once sent, or when empty).
    Once(Option<Bytes>),
    /// Bytes `pos..end` of the `/bytes/{n}` pattern.
    Pattern { pos: u64, end: u64 },
    /// A JSON array of objects, padded with spaces to exactly `target` bytes.
    Json { next_id: u64, sent: u64, target: u64 },
}

impl Payload {
    fn remaining(&self) -> u64 {
        match self {
            Payload::Once(b) => b.as_ref().map_or(0, |b| b.len() as u64),
            Payload::Pattern { pos, end } => end - pos,
            Payload::Json { sent, target, .. } => target - sent,
        }
    }

    fn next_chunk(&mut self) -> Option<Bytes> {
        match self {
            Payload::Once(b) => b.take().filter(|b| !b.is_empty()),
            Payload::Pattern { pos, end } => {
                let len = (*end - *pos).min(CHUNK as u64) as usize;
                let mut chunk = Vec::with_capacity(len);
                let mut at = (*pos % 251) as usize;
                while chunk.len() < len {
                    let take = (251 - at).min(len - chunk.len());
                    chunk.extend_from_slice(&PATTERN[at..at + take]);
                    at = 0;
                }
                *pos += len as u64;
                (len > 0).then(|| chunk.into())
            }
            Payload::Json { next_id, sent, target } => {
                if sent == target {
                    return None;
                }
                let mut out = String::with_capacity(CHUNK + 128);
                if *sent == 0 {
                    out.push('[');
                }
                while out.len() < CHUNK {
                    let sep = if *next_id == 0 { "" } else { "," };
                    let item = format!(
                        r#"{sep}{{"id":{next_id},"name":"item-{next_id}","tags":["alpha","beta"],"active":true}}"#
                    );
                    // Always leave room for the closing bracket.
                    if *sent + (out.len() + item.len() + 1) as u64 > *target {
                        let pad = (*target - *sent) as usize - out.len() - 1;
                        out.extend(std::iter::repeat_n(' ', pad));
                        out.push(']');
                        break;
                    }
                    out.push_str(&item);
                    *next_id += 1;
                }
                *sent += out.len() as u64;
                Some(out.into())
            }
        }
    }
}

impl Body for Payload {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.get_mut().next_chunk().map(|b| Ok(Frame::data(b))))
    }

    fn is_end_stream(&self) -> bool {
        self.remaining() == 0
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.remaining())
    }
}
