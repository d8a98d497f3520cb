//! The loopback redirect receiver (RFC 8252 §7.3): a listener on 127.0.0.1 that waits for the
//! one callback at `/callback` carrying this attempt's `state`, answers the browser with a
//! small page, and closes on success, error or timeout. A callback without this attempt's
//! `state` is answered with an error page, reported and ignored: only the provider the person
//! is talking to can end the attempt. Other paths (a browser asking for `/favicon.ico`) get a
//! 404. Connections are served concurrently, at most [`MAX_CONNECTIONS`] at a time, each with
//! [`HEAD_TIMEOUT`] to send its request head, so idle connections cannot starve the callback.
//! Checking a callback is `callback`'s.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;

use super::authorization::PendingAuthorization;
use super::callback::{AuthorizationError, Callback};
use crate::{Error, Result, Secret};

/// How long the listener waits for the browser unless told otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);
/// A request head larger than this is not a callback.
const MAX_HEAD: usize = 16 * 1024;
/// How long one connection may take to send its request head.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections served at once; more wait in the kernel's backlog until one is done.
pub const MAX_CONNECTIONS: usize = 32;
/// How long writing an answer page may take.
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);

/// A bound loopback listener, not yet waiting.
#[derive(Debug)]
pub struct RedirectListener {
    listener: TcpListener,
    port: u16,
}

/// A connection whose request head was read (`target` is `None` when it was not a `GET` head
/// in time), holding its connection slot.
struct Arrived {
    stream: TcpStream,
    target: Option<String>,
    slot: OwnedSemaphorePermit,
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

    /// Waits for the callback of `pending` and returns its code. Callbacks that are not for
    /// this attempt (wrong or missing `state`) are answered with an error page, handed to
    /// `ignored` and otherwise ignored. The listener is closed when this returns, whatever the
    /// outcome, so a replayed or second callback finds nothing.
    ///
    /// # Errors
    /// [`Error::Authorization`]: a provider error, an `iss` that is not the issuer's, no code,
    /// or no callback within `timeout` ([`AuthorizationError::TimedOut`], naming the Redirect
    /// URL to register).
    pub async fn wait(
        self,
        pending: &PendingAuthorization,
        timeout: Duration,
        ignored: impl FnMut(&AuthorizationError),
    ) -> Result<Secret> {
        let redirect_uri = self.redirect_uri();
        match tokio::time::timeout(timeout, self.serve(pending, ignored)).await {
            Ok(result) => result,
            Err(_) => Err(Error::Authorization(AuthorizationError::timed_out(timeout, &redirect_uri))),
        }
    }

    async fn serve(
        self,
        pending: &PendingAuthorization,
        mut ignored: impl FnMut(&AuthorizationError),
    ) -> Result<Secret> {
        let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
        let (arrived_tx, mut arrived) = mpsc::channel::<Arrived>(MAX_CONNECTIONS);
        // Readers and answer writers; dropped (so aborted, their connections closed) on return.
        let mut tasks = JoinSet::new();
        loop {
            let next_connection = async {
                let slot = slots.clone().acquire_owned().await.expect("the semaphore is never closed");
                (slot, self.listener.accept().await)
            };
            tokio::select! {
                (slot, accepted) = next_connection => {
                    let Ok((stream, _)) = accepted else {
                        // Out of file descriptors, say: let connections finish rather than spin.
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        continue;
                    };
                    let arrived_tx = arrived_tx.clone();
                    tasks.spawn(async move {
                        let mut stream = stream;
                        let target = tokio::time::timeout(HEAD_TIMEOUT, read_target(&mut stream)).await;
                        let target = target.ok().and_then(std::result::Result::ok);
                        let _ = arrived_tx.send(Arrived { stream, target, slot }).await;
                    });
                }
                Some(Arrived { mut stream, target, slot }) = arrived.recv() => {
                    let Some(target) = target else {
                        let text = "This is not a request Latchkey understands.";
                        tasks.spawn(answer(stream, slot, "400 Bad Request", "Not a callback", text.to_owned()));
                        continue;
                    };
                    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
                    if path != "/callback" {
                        let text = "Latchkey waits for the provider at /callback.";
                        tasks.spawn(answer(stream, slot, "404 Not Found", "Not found", text.to_owned()));
                        continue;
                    }
                    let result = pending.accept(Callback::from_query(query));
                    match &result {
                        Err(Error::Authorization(reason)) if !reason.ends_attempt() => {
                            ignored(reason);
                            let text = "This link is not for the current attempt, so Latchkey ignored it and is still \
                                        waiting for the provider. If you started an authorization, finish it in the \
                                        tab the provider opened, or start it again in Latchkey.";
                            tasks.spawn(answer(stream, slot, "400 Bad Request", "Not for this attempt", text.to_owned()));
                            continue;
                        }
                        Ok(_) => {
                            let text = "Latchkey received the authorization. You can close this tab and return to Latchkey.";
                            let _ = tokio::time::timeout(WRITE_TIMEOUT, respond(&mut stream, "200 OK", "Authorized", text)).await;
                        }
                        Err(err) => {
                            let text = format!("Latchkey did not authorize: {err}. You can close this tab.");
                            let page = respond(&mut stream, "400 Bad Request", "Authorization failed", &text);
                            let _ = tokio::time::timeout(WRITE_TIMEOUT, page).await;
                        }
                    }
                    return result;
                }
                Some(_) = tasks.join_next() => {}
            }
        }
    }
}

/// Writes an answer page and closes the connection, then frees its slot.
async fn answer(
    mut stream: TcpStream,
    slot: OwnedSemaphorePermit,
    status: &'static str,
    title: &'static str,
    text: String,
) {
    let _ = tokio::time::timeout(WRITE_TIMEOUT, respond(&mut stream, status, title, &text)).await;
    drop(slot);
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
