//! A real HTTP proxy for tests: Debian's `tinyproxy` (scripts/setup.sh installs it), started in
//! the foreground on 127.0.0.1 with a configuration of the test's own in a temp dir: only
//! 127.0.0.1 may use it, `CONNECT` to any port is allowed (no `ConnectPort` lines), optional
//! `BasicAuth`, optional host filter, and a log at level `Connect` so a test can prove which
//! requests went through it. Stopped when dropped.

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How a [`Tinyproxy`] is configured.
#[derive(Debug, Clone, Default)]
pub struct TinyproxyOptions {
    /// `BasicAuth user password`: the proxy answers 407 without these credentials.
    pub basic_auth: Option<(String, String)>,
    /// Host names (extended regular expressions) the proxy refuses with 403 (`Filter`).
    pub filtered_hosts: Vec<String>,
}

/// A running tinyproxy; killed when dropped.
pub struct Tinyproxy {
    child: Child,
    port: u16,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

/// The tinyproxy binary.
const BINARY: &str = "/usr/bin/tinyproxy";

impl Tinyproxy {
    /// Starts a tinyproxy with no credentials and no filter.
    pub fn start() -> Tinyproxy {
        Self::start_with(TinyproxyOptions::default())
    }

    /// Starts a tinyproxy configured by `options`. The port is one the system just gave out
    /// (tinyproxy needs a fixed one); if another process takes it first, a few more are tried.
    pub fn start_with(options: TinyproxyOptions) -> Tinyproxy {
        assert!(std::path::Path::new(BINARY).exists(), "tinyproxy is not installed: run scripts/setup.sh first");
        let dir = tempfile::tempdir().expect("temp dir for tinyproxy");
        let log = dir.path().join("tinyproxy.log");
        let mut last = String::new();
        for _ in 0..5 {
            let port = free_port();
            let mut config = format!(
                "Port {port}\nListen 127.0.0.1\nAllow 127.0.0.1\nTimeout 30\nMaxClients 50\nLogLevel Connect\n\
                 LogFile \"{}\"\n",
                log.display()
            );
            if let Some((user, password)) = &options.basic_auth {
                config.push_str(&format!("BasicAuth {user} {password}\n"));
            }
            if !options.filtered_hosts.is_empty() {
                let filter = dir.path().join("filter");
                std::fs::write(&filter, options.filtered_hosts.join("\n") + "\n").expect("write the filter");
                config.push_str(&format!("Filter \"{}\"\nFilterType ere\n", filter.display()));
            }
            let config_path = dir.path().join("tinyproxy.conf");
            std::fs::write(&config_path, config).expect("write tinyproxy.conf");
            let mut child = Command::new(BINARY)
                .arg("-d")
                .arg("-c")
                .arg(&config_path)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("start tinyproxy");
            if wait_listening(&mut child, port) {
                return Tinyproxy { child, port, log, _dir: dir };
            }
            let _ = child.kill();
            let _ = child.wait();
            let mut stderr = String::new();
            if let Some(mut pipe) = child.stderr.take() {
                let _ = pipe.read_to_string(&mut stderr);
            }
            last = stderr;
        }
        panic!("tinyproxy did not start on a free port after 5 tries: {last}");
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// `127.0.0.1:PORT`.
    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// What the proxy logged so far: one `Request (file descriptor N): GET http://…` or
    /// `CONNECT host:port` line per request it handled.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The request lines (`GET http://127.0.0.1:1234/x HTTP/1.1`, `CONNECT 127.0.0.1:1234 HTTP/1.1`)
    /// the proxy received.
    pub fn requests(&self) -> Vec<String> {
        self.log()
            .lines()
            .filter_map(|line| line.split_once("): ").filter(|_| line.contains("Request (file descriptor")))
            .map(|(_, request)| request.trim().to_owned())
            .collect()
    }
}

impl Drop for Tinyproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port the system just gave out on 127.0.0.1 (bound, then released).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// A port on 127.0.0.1 that nothing listens on (for "the proxy cannot be reached").
pub fn closed_port() -> u16 {
    free_port()
}

/// Waits (at most 10 s) until tinyproxy accepts connections on `port`; `false` when it exited
/// (the port was taken) or never listened.
fn wait_listening(child: &mut Child, port: u16) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if matches!(child.try_wait(), Ok(Some(_))) {
            return false;
        }
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    false
}
