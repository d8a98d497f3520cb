//! A real OAuth 2.0 provider for tests: `oidc-provider` from npm, started as a Node process
//! (`tests/oauth/provider.mjs`) on 127.0.0.1, and the headless-Chromium "system browser" that
//! gives consent on its pages (`tests/oauth/browser.sh`). See the scripts for the clients and
//! the test routes (`/api/whoami`, `/test/stats`, `/test/issued`).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Client credentials client authenticating with HTTP Basic; its secret needs RFC 6749 §2.3.1
/// form-encoding before base64.
pub const BASIC_CLIENT: (&str, &str) = ("cc-basic", "basic secret/+:%&");
/// Client credentials client authenticating in the request body.
pub const POST_CLIENT: (&str, &str) = ("cc-post", "post secret/+:%&");
/// Public native client: authorization code with PKCE, any loopback port, rotating refresh tokens.
pub const NATIVE_CLIENT: &str = "native-app";
/// Confidential authorization-code client registered as `client_secret_basic`: the provider
/// refuses its secret sent in the body (`invalid_client`), refreshes included.
pub const WEB_BASIC_CLIENT: (&str, &str) = ("web-basic", "web basic secret/+:%&");

/// Client credentials client authenticating with `client_secret_jwt` (an HS256 assertion).
pub const JWT_CLIENT: (&str, &str) = ("cc-jwt", "cc jwt secret/+:%& 0123456789abcdefghij");
/// Authorization-code client (with refresh) authenticating with `client_secret_jwt`.
pub const WEB_JWT_CLIENT: (&str, &str) = ("web-jwt", "web jwt secret/+:%& 0123456789abcdefghij");

/// Mutual-TLS clients of [`OidcProvider::start_mtls`] (RFC 8705 §2), their access tokens bound
/// to the certificate (§3): client credentials with `tls_client_auth` (a certificate from the
/// test CA, registered by subject DN)…
pub const MTLS_CC_CLIENT: &str = "mtls-cc";
/// …the code grant with refresh and `tls_client_auth`…
pub const MTLS_WEB_CLIENT: &str = "mtls-web";
/// …client credentials with `self_signed_tls_client_auth` (the certificate in its JWKS)…
pub const MTLS_SELF_SIGNED_CLIENT: &str = "mtls-self";
/// …and the code grant with refresh and `self_signed_tls_client_auth`.
pub const MTLS_WEB_SELF_SIGNED_CLIENT: &str = "mtls-web-self";

/// What [`OidcProvider::start_mtls`] needs: the server's key and certificate (for 127.0.0.1),
/// the CA it verifies client certificates with, the subject DN `tls_client_auth` clients are
/// registered with (RFC 4514, e.g. `CN=latchkey client`), and the self-signed certificate the
/// `self_signed_tls_client_auth` client is registered with.
#[derive(Debug, Clone)]
pub struct MtlsSetup {
    pub server_key: PathBuf,
    pub server_cert: PathBuf,
    pub client_ca: PathBuf,
    pub subject_dn: String,
    pub self_signed_cert: PathBuf,
}

/// Public client of the device authorization grant (RFC 8628), with refresh tokens.
pub const DEVICE_CLIENT: &str = "device-app";
/// Confidential client of the device authorization grant, registered as `client_secret_basic`.
pub const DEVICE_BASIC_CLIENT: (&str, &str) = ("device-basic", "device basic secret/+:%&");
/// How the provider counts the polling token calls of the device grant.
pub const DEVICE_TOKEN_CALLS: &str = "token:urn:ietf:params:oauth:grant-type:device_code";

/// The repository root (tests and scripts live there).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("repository root")
}

/// The `$BROWSER` command that gives (or with `LATCHKEY_TEST_CONSENT=deny`, refuses) consent in
/// headless Chromium.
pub fn consent_browser() -> PathBuf {
    repo_root().join("tests/oauth/browser.sh")
}

/// The `$BROWSER` command that, given a device grant's verification page, confirms the code,
/// signs in and gives consent (or with `LATCHKEY_TEST_CONSENT=deny`, aborts) in headless
/// Chromium.
pub fn device_consent_browser() -> PathBuf {
    repo_root().join("tests/oauth/device_browser.sh")
}

/// `json` (a datasource) with the members of `auth` (an object) set in its `auth`.
pub fn with_auth(mut json: serde_json::Value, auth: serde_json::Value) -> serde_json::Value {
    if let serde_json::Value::Object(members) = auth {
        for (key, value) in members {
            json["auth"][key] = value;
        }
    }
    json
}

/// A running oidc-provider; stopped when dropped.
pub struct OidcProvider {
    child: Child,
    stdin: Option<ChildStdin>,
    issuer: String,
    /// Where the test routes are served: the provider's port, or in mutual-TLS mode a plain-http
    /// one of their own.
    test_port: u16,
    log: Arc<Mutex<String>>,
}

impl OidcProvider {
    /// Starts a provider whose access tokens live `access_ttl` (whole seconds).
    pub fn start(access_ttl: Duration) -> OidcProvider {
        OidcProvider::start_with(access_ttl, &[])
    }

    /// Starts a provider in mutual-TLS mode (RFC 8705): HTTPS on 127.0.0.1 with `setup`'s server
    /// certificate, asking for client certificates, with `features.mTLS` on and the clients
    /// [`MTLS_CC_CLIENT`], [`MTLS_WEB_CLIENT`], [`MTLS_SELF_SIGNED_CLIENT`] and
    /// [`MTLS_WEB_SELF_SIGNED_CLIENT`]. Its issuer is
    /// `https://127.0.0.1:PORT`; [`OidcProvider::stats`] still works (over plain http).
    pub fn start_mtls(access_ttl: Duration, setup: &MtlsSetup) -> OidcProvider {
        let option = serde_json::json!({
            "key": setup.server_key,
            "cert": setup.server_cert,
            "ca": setup.client_ca,
            "subjectDn": setup.subject_dn,
            "selfSigned": setup.self_signed_cert,
        });
        OidcProvider::start_with(access_ttl, &[("PROVIDER_MTLS", &option.to_string())])
    }

    /// [`OidcProvider::start`] with more options of `provider.mjs` (`PROVIDER_DEVICE_TTL`,
    /// `PROVIDER_DEVICE_INTERVAL`, `PROVIDER_MTLS`).
    pub fn start_with(access_ttl: Duration, options: &[(&str, &str)]) -> OidcProvider {
        let root = repo_root();
        assert!(
            root.join("node_modules/oidc-provider").is_dir(),
            "oidc-provider is not installed: run scripts/setup.sh (npm ci) first"
        );
        let mut child = Command::new("node")
            .arg(root.join("tests/oauth/provider.mjs"))
            .env("PROVIDER_ACCESS_TTL", access_ttl.as_secs().max(1).to_string())
            .envs(options.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start node tests/oauth/provider.mjs");
        let mut stdout = BufReader::new(child.stdout.take().expect("provider stdout"));
        let mut first = String::new();
        stdout.read_line(&mut first).expect("read the provider's address");
        // Keep reading both streams for as long as the provider runs: it logs now and then, and
        // a closed pipe would kill it (EPIPE).
        let log = Arc::new(Mutex::new(String::new()));
        drain(stdout, log.clone());
        drain(BufReader::new(child.stderr.take().expect("provider stderr")), log.clone());
        let ready: serde_json::Value = serde_json::from_str(&first)
            .unwrap_or_else(|e| panic!("the provider did not start (printed {first:?}): {e}"));
        let issuer = ready["issuer"].as_str().expect("issuer").to_owned();
        let test_port = u16::try_from(ready["testPort"].as_u64().expect("testPort")).expect("port fits");
        let stdin = child.stdin.take();
        OidcProvider { child, stdin, issuer, test_port, log }
    }

    /// What the provider printed so far, without its development-mode warnings.
    pub fn log(&self) -> String {
        let log = self.log.lock().expect("provider log");
        log.lines().filter(|l| !l.contains("WARNING")).collect::<Vec<_>>().join("\n")
    }

    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// `issuer` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.issuer)
    }

    /// An authorization-code datasource `name` on this provider for `client_id` (Issuer and
    /// endpoints set, any free loopback port), with `auth` members merged in (scopes, secret,
    /// client authentication, custom parameters…): the JSON the tests import.
    pub fn code_datasource(&self, name: &str, client_id: &str, auth: serde_json::Value) -> serde_json::Value {
        let json = serde_json::json!({
            "name": name,
            "url": self.issuer(),
            "auth": {
                "type": "oauth2",
                "grantType": "authorization_code",
                "issuer": self.issuer(),
                "authorizationUrl": self.url("/auth"),
                "accessTokenUrl": self.url("/token"),
                "clientId": client_id,
                "loopbackPort": 0,
            }
        });
        with_auth(json, auth)
    }

    /// A device code datasource `name` on this provider for `client_id` (Issuer, Access Token
    /// URL and Device Authorization URL set, scopes `openid offline_access` so a refresh token
    /// comes), with `auth` members merged in.
    pub fn device_datasource(&self, name: &str, client_id: &str, auth: serde_json::Value) -> serde_json::Value {
        let json = serde_json::json!({
            "name": name,
            "url": self.issuer(),
            "auth": {
                "type": "oauth2",
                "grantType": "device_code",
                "issuer": self.issuer(),
                "accessTokenUrl": self.url("/token"),
                "deviceAuthorizationUrl": self.url("/device/auth"),
                "clientId": client_id,
                "scopes": "openid,offline_access",
            }
        });
        with_auth(json, auth)
    }

    /// What the provider did so far: `{"calls": {route or "token:GRANT": n}, "errors": [...], "clients":
    /// {client_id: {route or "token:GRANT": n}}}`.
    pub fn stats(&self) -> serde_json::Value {
        self.test_route("/test/stats")
    }

    /// Every secret value the flows so far produced: the tokens and codes the provider issued
    /// and the PKCE verifiers it received, for tests that check none is stored or shown.
    pub fn issued(&self) -> Vec<String> {
        let issued = self.test_route("/test/issued");
        let kinds = issued.as_object().expect("issued values by kind");
        kinds
            .values()
            .flat_map(|values| values.as_array().cloned().unwrap_or_default())
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    }

    /// Registers a client with the provider's dynamic client registration (RFC 7591 §3.1):
    /// `metadata` as the request body; returns the answer (with the `client_id` it was given).
    /// Panics unless the provider answers 201. The plain-http provider only (in mutual-TLS mode
    /// the test port serves the test routes alone).
    pub fn register(&self, metadata: &serde_json::Value) -> serde_json::Value {
        let body = metadata.to_string();
        let request = format!(
            "POST /reg HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            self.test_port,
            body.len()
        );
        let (status, answer) = self.exchange(&request);
        assert_eq!(status, 201, "the provider registers the client: {answer}");
        answer
    }

    /// The provider's own reasons for the token and revocation calls it refused
    /// (`error_detail`, which it does not send to clients).
    pub fn error_details(&self) -> Vec<String> {
        let stats = self.stats();
        stats["errorDetails"]
            .as_array()
            .map_or_else(Vec::new, |d| d.iter().map(|e| e["detail"].as_str().unwrap_or_default().to_owned()).collect())
    }

    /// The JSON a test-only route of the provider answers.
    fn test_route(&self, path: &str) -> serde_json::Value {
        let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n", self.test_port);
        self.exchange(&request).1
    }

    /// Sends the raw HTTP/1.1 `request` and reads the status and the JSON body of the answer.
    fn exchange(&self, request: &str) -> (u16, serde_json::Value) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.test_port))
            .unwrap_or_else(|e| panic!("the provider is gone ({e}); it printed:\n{}", self.log()));
        stream.set_read_timeout(Some(Duration::from_secs(10))).expect("read timeout");
        stream.write_all(request.as_bytes()).expect("ask the provider");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("read the answer");
        let text = String::from_utf8_lossy(&raw);
        let (head, body) = text.split_once("\r\n\r\n").expect("an HTTP response");
        let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("an HTTP status");
        let json = serde_json::from_str(body).unwrap_or_else(|e| panic!("the provider answers JSON ({e}): {body}"));
        (status, json)
    }

    /// How many calls `key` ("token:refresh_token", "revocation", "api", …) had.
    pub fn calls(&self, key: &str) -> u64 {
        self.stats()["calls"][key].as_u64().unwrap_or(0)
    }

    /// How many calls `key` ("token:client_credentials", "token:refresh_token", …) the client
    /// `client_id` made, as the provider authenticated it.
    pub fn client_calls(&self, client_id: &str, key: &str) -> u64 {
        self.stats()["clients"][client_id][key].as_u64().unwrap_or(0)
    }

    /// The OAuth errors the provider answered, as `(route, error)`.
    pub fn errors(&self) -> Vec<(String, String)> {
        let stats = self.stats();
        let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
        stats["errors"]
            .as_array()
            .map_or_else(Vec::new, |errors| errors.iter().map(|e| (text(&e["route"]), text(&e["error"]))).collect())
    }
}

fn drain(mut stream: impl BufRead + Send + 'static, log: Arc<Mutex<String>>) {
    std::thread::spawn(move || {
        let mut line = String::new();
        while stream.read_line(&mut line).is_ok_and(|n| n > 0) {
            log.lock().expect("provider log").push_str(&line);
            line.clear();
        }
    });
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        drop(self.stdin.take()); // the provider exits when its stdin closes
        for _ in 0..50 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
