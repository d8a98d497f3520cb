//! What the `latchkey` end-to-end tests share: a private data directory in a temp dir and the
//! binary run on it.
#![allow(dead_code)] // each test file uses its own part

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use latchkey_testkit::files_under;

pub struct Env {
    dir: tempfile::TempDir,
}

/// The proxy variables a datasource's `"system"` proxy reads: removed from every run, so a
/// machine's own proxy never carries the tests' loopback traffic (tests/proxy.rs sets them).
pub const PROXY_VARS: [&str; 8] =
    ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"];

impl Env {
    pub fn new() -> Self {
        Env { dir: tempfile::tempdir().unwrap() }
    }

    pub fn data(&self) -> &Path {
        self.dir.path()
    }

    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("latchkey").unwrap();
        cmd.arg("--data-dir")
            .arg(self.data().join("data"))
            .args(args)
            .env("LATCHKEY_KEYRING", "off")
            .env_remove("LATCHKEY_DATA_DIR");
        for var in PROXY_VARS {
            cmd.env_remove(var);
        }
        cmd
    }

    /// The binary as a plain process (to run several at once, or read its output as it comes).
    pub fn process(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("latchkey"));
        cmd.arg("--data-dir")
            .arg(self.data().join("data"))
            .args(args)
            .env("LATCHKEY_KEYRING", "off")
            .env_remove("LATCHKEY_DATA_DIR")
            .stdin(std::process::Stdio::null());
        for var in PROXY_VARS {
            cmd.env_remove(var);
        }
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "latchkey {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn import(&self, json: &str) -> Output {
        self.cmd(&["datasource", "import", "-"]).write_stdin(json).output().unwrap()
    }

    pub fn file(&self, name: &str, content: &[u8]) -> String {
        let path = self.data().join(name);
        std::fs::write(&path, content).unwrap();
        path.display().to_string()
    }
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Fails when any of `values` (secrets, named `what` in the message by their position only) is
/// in a file under `dir`, in plain text.
pub fn assert_in_no_file(dir: &Path, values: &[String], what: &str) {
    let files = files_under(dir);
    assert!(!files.is_empty(), "no files under {} to search", dir.display());
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        for (i, value) in values.iter().enumerate() {
            assert!(
                !bytes.windows(value.len()).any(|w| w == value.as_bytes()),
                "{what} #{} found in {}",
                i + 1,
                path.display()
            );
        }
    }
}

/// An authorization-code datasource for the provider's native client: PKCE, any free loopback
/// port, `prompt=consent` so the provider grants `offline_access` (as Google wants it).
pub fn authorization_code(name: &str, provider: &latchkey_testkit::oidc::OidcProvider) -> String {
    serde_json::json!({
        "name": name,
        "url": provider.issuer(),
        "auth": {
            "type": "oauth2",
            "grantType": "authorization_code",
            "issuer": provider.issuer(),
            "clientId": latchkey_testkit::oidc::NATIVE_CLIENT,
            "scopes": "openid, offline_access",
            "customAuthParams": [{"key": "prompt", "value": "consent"}],
            "loopbackPort": 0,
        }
    })
    .to_string()
}
