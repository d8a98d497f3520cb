//! The loopback redirect receiver (RFC 8252 §7.3): a listener on 127.0.0.1 that waits for the
//! one callback at `/callback` carrying this attempt's `state`, answers the browser with a
//! small page, and closes on success, error or timeout. Other paths (a browser asking for
//! `/favicon.ico`) get a 404 and do not end the attempt.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::authorization::PendingAuthorization;
use super::callback::{AuthorizationError, Callback};
use crate::{Error, Result, Secret};

/// How long the listener waits for the browser unless told otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);
/// A request head larger than this is not a callback.
const MAX_HEAD: usize = 16 * 1024;
/// How long one connection may take to send its request head.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// A bound loopback listener, not yet waiting.
#[derive(Debug)]
pub struct RedirectListener {
    listener: TcpListener,
    port: u16,
}

impl RedirectListener {
    /// Binds 127.0.0.1:`port` (0 = any free port).
    ///
    /// # Errors
    /// [`AuthorizationError::PortUnavailable`] when the port is taken or not allowed.
    pub async fn bind(port: u16) -> Result<RedirectListener> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.map_err(|e| {
            Error::Authorization(AuthorizationError::PortUnavailable { port, reason: e.kind().to_string() })
        })?;
        let port = listener.local_addr().map_err(|e| Error::io("loopback listener", e))?.port();
        Ok(RedirectListener { listener, port })
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT/callback`, the Redirect URL to register with the provider.
    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}/callback", self.port)
    }

    /// Waits for the callback of `pending` and returns its code. The listener is closed when
    /// this returns, whatever the outcome, so a replayed or second callback finds nothing.
    ///
    /// # Errors
    /// [`Error::Authorization`]: wrong or missing state, a provider error, no code, or no
    /// callback within `timeout`.
    pub async fn wait(self, pending: &PendingAuthorization, timeout: Duration) -> Result<Secret> {
        match tokio::time::timeout(timeout, self.serve(pending)).await {
            Ok(result) => result,
            Err(_) => {
                Err(Error::Authorization(AuthorizationError::TimedOut(timeout.as_millis().div_ceil(1000) as u64)))
            }
        }
    }

    async fn serve(self, pending: &PendingAuthorization) -> Result<Secret> {
        loop {
            let Ok((mut stream, _)) = self.listener.accept().await else { continue };
            let Ok(Ok(target)) = tokio::time::timeout(READ_TIMEOUT, read_target(&mut stream)).await else {
                let _ = respond(
                    &mut stream,
                    "400 Bad Request",
                    "Not a callback",
                    "This is not a request Latchkey understands.",
                )
                .await;
                continue;
            };
            let (path, query) = target.split_once('?').unwrap_or((&target, ""));
            if path != "/callback" {
                let _ =
                    respond(&mut stream, "404 Not Found", "Not found", "Latchkey waits for the provider at /callback.")
                        .await;
                continue;
            }
            let result = pending.accept(Callback::from_query(query));
            let _ = match &result {
                Ok(_) => {
                    respond(
                        &mut stream,
                        "200 OK",
                        "Authorized",
                        "Latchkey received the authorization. You can close this tab and return to Latchkey.",
                    )
                    .await
                }
                Err(err) => {
                    let text = format!("Latchkey did not authorize: {err}. You can close this tab.");
                    respond(&mut stream, "400 Bad Request", "Authorization failed", &text).await
                }
            };
            return result;
        }
    }
}

/// Reads the request head and returns the request target of a `GET`.
async fn read_target(stream: &mut TcpStream) -> std::io::Result<String> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && !head.windows(2).any(|w| w == b"\n\n") {
        let n = stream.read(&mut buf).await?;
        if n == 0 || head.len() + n > MAX_HEAD {
            return Err(std::io::ErrorKind::InvalidData.into());
        }
        head.extend_from_slice(&buf[..n]);
    }
    let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = std::str::from_utf8(line).map_err(|_| std::io::ErrorKind::InvalidData)?;
    match line.trim_end().split(' ').collect::<Vec<_>>().as_slice() {
        ["GET", target, version] if version.starts_with("HTTP/1.") => Ok((*target).to_owned()),
        _ => Err(std::io::ErrorKind::InvalidData.into()),
    }
}

async fn respond(stream: &mut TcpStream, status: &str, title: &str, text: &str) -> std::io::Result<()> {
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} · Latchkey</title>\
         <style>body{{font:16px system-ui,sans-serif;max-width:36em;margin:4em auto;padding:0 1em;color-scheme:light dark}}</style>\
         </head><body><h1>{title}</h1><p>{}</p></body></html>",
        escape_html(text)
    );
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
