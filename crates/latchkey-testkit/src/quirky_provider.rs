//! `QuirkyProvider`: a hand-written OAuth 2.0 provider for the QUIRKS ONLY. The end-to-end tests
//! use the certified `oidc-provider` from npm for everything a conforming provider does; this
//! fake exists solely for what that real provider never shows but providers in the wild do:
//! form-encoded token responses (GitHub), `expires_in` as a string or missing, `token_type` in
//! odd case, refresh responses without a refresh token, rotated refresh tokens, refused refresh
//! tokens, 5xx answers, HTML error pages, malformed JSON, oversized bodies, dropped
//! connections, slow answers, redirects from the token endpoint, an API that refuses a token
//! still valid, RFC 8414 metadata without an OpenID Connect document, and revocation that
//! fails. Do not grow it into a general provider: add a conforming behaviour's test against
//! `oidc-provider` instead.
//!
//! Endpoints: `POST /token` (RFC 6749 §3.2), `/api…` (accepts only currently valid access
//! tokens, RFC 6750), `POST /revoke` (RFC 7009), `GET /.well-known/oauth-authorization-server`
//! (RFC 8414) while `/.well-known/openid-configuration` answers 404. There is no authorization
//! endpoint: tests exchange any non-empty code. Any client id is accepted; the secret is
//! checked only when [`Quirks::client_secret`] is set.

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::{STANDARD as BASE64, URL_SAFE_NO_PAD as BASE64URL};
use base64::Engine as _;
use serde_json::{json, Map, Value};

use crate::routes::{Handler, RecordedRequest, Reply};
use crate::server::TestServer;

/// The `error_description` of a refresh refused with [`Quirks::refuse_refresh`].
pub const REFUSED_REFRESH_REASON: &str = "the resource owner revoked this grant";

/// How `expires_in` is written in token responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExpiresIn {
    /// `"expires_in": 3600` (RFC 6749 §5.1).
    #[default]
    Number,
    /// `"expires_in": "3600"`.
    String,
    /// No `expires_in` at all (the token still expires at the provider).
    Missing,
}

/// How token responses are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResponseFormat {
    #[default]
    Json,
    /// `application/x-www-form-urlencoded`, whatever the request's `Accept` says.
    Form,
    /// GitHub: form-encoded unless the request sent `Accept: application/json`.
    FormUnlessAcceptJson,
}

/// What a refresh response carries as `refresh_token`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RefreshTokenOnRefresh {
    /// The same refresh token again.
    #[default]
    Same,
    /// A new refresh token; the old one is then refused with `invalid_grant`.
    Rotate,
    /// None; the old one stays valid.
    Omit,
}

/// A token endpoint answer that is not a token response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrokenAnswer {
    /// A sign-in page with this status, quoting the request back (as debug pages do).
    HtmlPage { status: u16 },
    /// A 200 JSON answer cut off after the access token.
    MalformedJson,
    /// A 200 JSON answer padded to `bytes` bytes.
    Oversized { bytes: usize },
    /// A 302 to `location`.
    Redirect { location: String },
}

/// How the provider misbehaves. Set per test with [`QuirkyProvider::set`]; the defaults are a
/// plain provider issuing JSON bearer tokens that live an hour.
#[derive(Debug, Clone)]
pub struct Quirks {
    /// Lifetime of issued access tokens, in seconds.
    pub lifetime_secs: u64,
    pub expires_in: ExpiresIn,
    pub format: ResponseFormat,
    /// `token_type` as written in responses.
    pub token_type: String,
    /// Issue access tokens as (unsigned) JWTs whose `exp` claim is the expiry.
    pub jwt_access_tokens: bool,
    pub on_refresh: RefreshTokenOnRefresh,
    /// Issue a refresh token with the client credentials grant (RFC 6749 §4.4.3 says not to).
    pub refresh_token_with_client_credentials: bool,
    /// Refuse every refresh with `invalid_grant` and [`REFUSED_REFRESH_REASON`].
    pub refuse_refresh: bool,
    /// When set, token and revocation calls must authenticate with this client secret (in
    /// the body or a Basic header); others get `invalid_client`.
    pub client_secret: Option<String>,
    /// Drop the connection without answering for the next N token calls.
    pub resets: u32,
    /// Answer 503 (an HTML page quoting the request) to the next N token calls.
    pub server_errors: u32,
    /// Answer every token call with this instead of a token response.
    pub broken: Option<BrokenAnswer>,
    /// Wait this long before answering token calls.
    pub delay: Option<Duration>,
    /// Refuse the next N valid access tokens at `/api` with 401.
    pub api_rejections: u32,
    /// Status of revocation answers; a non-2xx status revokes nothing.
    pub revocation_status: u16,
}

impl Default for Quirks {
    fn default() -> Self {
        Quirks {
            lifetime_secs: 3600,
            expires_in: ExpiresIn::Number,
            format: ResponseFormat::Json,
            token_type: "Bearer".to_owned(),
            jwt_access_tokens: false,
            on_refresh: RefreshTokenOnRefresh::Same,
            refresh_token_with_client_credentials: false,
            refuse_refresh: false,
            client_secret: None,
            resets: 0,
            server_errors: 0,
            broken: None,
            delay: None,
            api_rejections: 0,
            revocation_status: 200,
        }
    }
}

/// One RFC 7009 revocation request as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revocation {
    pub token: String,
    pub token_type_hint: Option<String>,
}

/// What the provider has issued and seen.
#[derive(Default)]
struct Ledger {
    /// Valid access tokens and when they expire.
    access: HashMap<String, Instant>,
    refresh: HashSet<String>,
    /// Token calls by `grant_type` (empty when none was given).
    calls: HashMap<String, usize>,
    revocations: Vec<Revocation>,
}

struct State {
    /// Known once the server runs; the metadata needs it.
    base_url: OnceLock<String>,
    quirks: Mutex<Quirks>,
    ledger: Mutex<Ledger>,
    issued: AtomicU64,
    /// Every token value written into any answer, broken ones included.
    handed_out: Mutex<Vec<String>>,
    random: RandomState,
}

/// The fake provider on a loopback [`TestServer`]. See the module docs for what it is for.
pub struct QuirkyProvider {
    server: TestServer,
    state: Arc<State>,
}

impl QuirkyProvider {
    /// Starts the provider on 127.0.0.1 with default [`Quirks`].
    pub fn start() -> QuirkyProvider {
        let state = Arc::new(State {
            base_url: OnceLock::new(),
            quirks: Mutex::default(),
            ledger: Mutex::default(),
            issued: AtomicU64::new(0),
            handed_out: Mutex::default(),
            random: RandomState::new(),
        });
        let answering = state.clone();
        let handler: Handler = Arc::new(move |req: &RecordedRequest| answering.answer(req));
        let server = TestServer::with_handler(handler);
        state.base_url.set(server.base_url()).expect("set once");
        QuirkyProvider { server, state }
    }

    /// Changes the quirks for the calls that follow.
    pub fn set(&self, change: impl FnOnce(&mut Quirks)) {
        change(&mut self.state.quirks.lock().unwrap());
    }

    /// `http://127.0.0.1:PORT`, which is also the issuer.
    pub fn issuer(&self) -> String {
        self.server.base_url()
    }

    /// `issuer()` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        self.server.url(path)
    }

    pub fn token_url(&self) -> String {
        self.url("/token")
    }

    pub fn revocation_url(&self) -> String {
        self.url("/revoke")
    }

    /// The API base URL; every path under it checks the access token.
    pub fn api_url(&self) -> String {
        self.url("/api")
    }

    pub fn server(&self) -> &TestServer {
        &self.server
    }

    /// Token calls received with `grant_type` (`authorization_code`, `refresh_token`, …),
    /// answered or not.
    pub fn token_calls(&self, grant_type: &str) -> usize {
        self.state.ledger.lock().unwrap().calls.get(grant_type).copied().unwrap_or(0)
    }

    /// All token calls received, whatever their grant type.
    pub fn all_token_calls(&self) -> usize {
        self.state.ledger.lock().unwrap().calls.values().sum()
    }

    /// The recorded requests to `path`, in order.
    pub fn requests_to(&self, path: &str) -> Vec<RecordedRequest> {
        self.server.requests().into_iter().filter(|r| r.path == path).collect()
    }

    /// The recorded requests under `/api`, in order.
    pub fn api_requests(&self) -> Vec<RecordedRequest> {
        self.server.requests().into_iter().filter(|r| is_api(&r.path)).collect()
    }

    /// The revocation requests received, in order.
    pub fn revocations(&self) -> Vec<Revocation> {
        self.state.ledger.lock().unwrap().revocations.clone()
    }

    /// Every access and refresh token value the provider wrote into an answer (also into
    /// malformed or oversized ones), for checking that none leaks into an error.
    pub fn tokens_handed_out(&self) -> Vec<String> {
        self.state.handed_out.lock().unwrap().clone()
    }

    /// Whether `/api` would accept `access_token` now (ignoring [`Quirks::api_rejections`]).
    pub fn accepts(&self, access_token: &str) -> bool {
        self.state.ledger.lock().unwrap().access.get(access_token).is_some_and(|expiry| Instant::now() < *expiry)
    }

    /// Whether `refresh_token` would be accepted now.
    pub fn accepts_refresh(&self, refresh_token: &str) -> bool {
        self.state.ledger.lock().unwrap().refresh.contains(refresh_token)
    }
}

fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

fn oauth_error(status: u16, error: &str, description: &str) -> Reply {
    Reply::json(status, &json!({ "error": error, "error_description": description }))
}

/// An HTML page quoting the request (its `Authorization` header and body) back, like a
/// gateway's or framework's debug page.
fn html_page(status: u16, title: &str, req: &RecordedRequest) -> Reply {
    let authorization = req.header("authorization").map(|a| format!("Authorization: {a}\n")).unwrap_or_default();
    let quoted = format!("{authorization}{}", String::from_utf8_lossy(&req.body));
    let page = format!(
        "<!DOCTYPE html>\n<html><head><title>{title}</title></head>\n<body><h1>{title}</h1>\n<pre>{quoted}</pre>\n\
         </body></html>\n"
    );
    Reply::new(status, "text/html; charset=utf-8", page)
}

impl State {
    fn answer(&self, req: &RecordedRequest) -> Reply {
        match (req.method.as_str(), req.path.as_str()) {
            ("POST", "/token") => self.token(req),
            ("POST", "/revoke") => self.revoke(req),
            ("GET", "/.well-known/oauth-authorization-server") => {
                let base = self.base_url.get().map_or("", String::as_str);
                Reply::json(
                    200,
                    &json!({
                        "issuer": base,
                        "authorization_endpoint": format!("{base}/authorize"),
                        "token_endpoint": format!("{base}/token"),
                        "revocation_endpoint": format!("{base}/revoke"),
                        "scopes_supported": ["read", "write"],
                        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials", "password"],
                    }),
                )
            }
            (_, path) if is_api(path) => self.api(req),
            // `/.well-known/openid-configuration` among them: this is no OpenID provider.
            _ => Reply::new(404, "text/plain", "not found"),
        }
    }

    fn token(&self, req: &RecordedRequest) -> Reply {
        let grant = req.form_value("grant_type").unwrap_or_default();
        *self.ledger.lock().unwrap().calls.entry(grant.clone()).or_default() += 1;
        let mut quirks = self.quirks.lock().unwrap();
        if quirks.resets > 0 {
            quirks.resets -= 1;
            return Reply::Reset;
        }
        let reply = if quirks.server_errors > 0 {
            quirks.server_errors -= 1;
            html_page(503, "503 Service Temporarily Unavailable", req)
        } else {
            self.token_answer(req, &grant, &quirks)
        };
        match quirks.delay {
            Some(delay) => reply.after(delay),
            None => reply,
        }
    }

    fn token_answer(&self, req: &RecordedRequest, grant: &str, quirks: &Quirks) -> Reply {
        match &quirks.broken {
            Some(BrokenAnswer::HtmlPage { status }) => return html_page(*status, "Sign in", req),
            Some(BrokenAnswer::MalformedJson) => {
                let body = format!(r#"{{"access_token":"{}","token_type":"Bearer","expi"#, self.fresh("at"));
                return Reply::new(200, "application/json", body);
            }
            Some(BrokenAnswer::Oversized { bytes }) => {
                let mut body = format!(r#"{{"access_token":"{}","padding":""#, self.fresh("at")).into_bytes();
                body.resize(bytes.saturating_sub(2).max(body.len()), b'x');
                body.extend_from_slice(b"\"}");
                return Reply::new(200, "application/json", body);
            }
            Some(BrokenAnswer::Redirect { location }) => {
                return Reply::new(302, "text/plain", "moved").with_header("location", location);
            }
            None => {}
        }
        if let Some(refusal) = check_client(req, quirks) {
            return refusal;
        }
        let mut ledger = self.ledger.lock().unwrap();
        let refresh = match grant {
            "authorization_code" if req.form_value("code").is_some_and(|c| !c.is_empty()) => Some(self.fresh("rt")),
            "authorization_code" => return oauth_error(400, "invalid_request", "code is missing"),
            "password" => {
                let given = |key| req.form_value(key).is_some_and(|v| !v.is_empty());
                if !given("username") || !given("password") {
                    return oauth_error(400, "invalid_grant", "username and password are required");
                }
                Some(self.fresh("rt"))
            }
            "client_credentials" => quirks.refresh_token_with_client_credentials.then(|| self.fresh("rt")),
            "refresh_token" => {
                let old = req.form_value("refresh_token").unwrap_or_default();
                if quirks.refuse_refresh {
                    return oauth_error(400, "invalid_grant", REFUSED_REFRESH_REASON);
                }
                if !ledger.refresh.contains(&old) {
                    return oauth_error(400, "invalid_grant", "unknown, spent or revoked refresh token");
                }
                match quirks.on_refresh {
                    RefreshTokenOnRefresh::Same => Some(old),
                    RefreshTokenOnRefresh::Omit => None,
                    RefreshTokenOnRefresh::Rotate => {
                        ledger.refresh.remove(&old);
                        Some(self.fresh("rt"))
                    }
                }
            }
            _ => return oauth_error(400, "unsupported_grant_type", "this grant type is not offered"),
        };
        let lifetime = Duration::from_secs(quirks.lifetime_secs);
        let access = if quirks.jwt_access_tokens { self.fresh_jwt(lifetime) } else { self.fresh("at") };
        ledger.access.insert(access.clone(), Instant::now() + lifetime);
        if let Some(refresh) = &refresh {
            ledger.refresh.insert(refresh.clone());
        }
        drop(ledger);

        let mut fields = Map::new();
        fields.insert("access_token".into(), access.into());
        fields.insert("token_type".into(), quirks.token_type.clone().into());
        let expires_in = match quirks.expires_in {
            ExpiresIn::Number => Some(Value::from(quirks.lifetime_secs)),
            ExpiresIn::String => Some(Value::from(quirks.lifetime_secs.to_string())),
            ExpiresIn::Missing => None,
        };
        if let Some(expires_in) = expires_in {
            fields.insert("expires_in".into(), expires_in);
        }
        if let Some(refresh) = refresh {
            fields.insert("refresh_token".into(), refresh.into());
        }
        let asked_json = req.header("accept").is_some_and(|a| a.contains("application/json"));
        let form = match quirks.format {
            ResponseFormat::Json => false,
            ResponseFormat::Form => true,
            ResponseFormat::FormUnlessAcceptJson => !asked_json,
        };
        if !form {
            return Reply::json(200, &Value::Object(fields));
        }
        let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields.iter().map(|(k, v)| (k.as_str(), text(v))))
            .finish();
        Reply::new(200, "application/x-www-form-urlencoded; charset=utf-8", body)
    }

    /// RFC 7009 §2: records the request; a 2xx answer (the configured status) invalidates the
    /// token, whatever its kind.
    fn revoke(&self, req: &RecordedRequest) -> Reply {
        let quirks = self.quirks.lock().unwrap().clone();
        let token = req.form_value("token").unwrap_or_default();
        let mut ledger = self.ledger.lock().unwrap();
        ledger
            .revocations
            .push(Revocation { token: token.clone(), token_type_hint: req.form_value("token_type_hint") });
        if let Some(refusal) = check_client(req, &quirks) {
            return refusal;
        }
        if !(200..300).contains(&quirks.revocation_status) {
            return html_page(quirks.revocation_status, "Revocation is unavailable", req);
        }
        ledger.access.remove(&token);
        ledger.refresh.remove(&token);
        Reply::new(quirks.revocation_status, "text/plain", "")
    }

    /// RFC 6750: the access token from the `Authorization: Bearer` header (any case of
    /// `Bearer`) or the `access_token` query parameter.
    fn api(&self, req: &RecordedRequest) -> Reply {
        let from_header = req.header("authorization").and_then(|v| {
            let (scheme, token) = v.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_owned())
        });
        let token =
            from_header.or_else(|| req.query_pairs().into_iter().find(|(k, _)| k == "access_token").map(|p| p.1));
        let valid = token
            .as_ref()
            .is_some_and(|t| self.ledger.lock().unwrap().access.get(t).is_some_and(|expiry| Instant::now() < *expiry));
        let mut quirks = self.quirks.lock().unwrap();
        if !valid || quirks.api_rejections > 0 {
            if valid {
                quirks.api_rejections -= 1;
            }
            return Reply::json(401, &json!({ "message": "invalid token" }))
                .with_header("www-authenticate", r#"Bearer error="invalid_token""#);
        }
        Reply::json(200, &json!({ "ok": true, "path": req.path, "bodyLength": req.body.len() }))
    }

    /// `{prefix}-{n}-{16 hex digits}`: unique by the counter, unguessable enough for tests.
    fn fresh(&self, prefix: &str) -> String {
        let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        let mut hasher = self.random.build_hasher();
        hasher.write_u64(n);
        hasher.write_u128(SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
        let token = format!("{prefix}-{n}-{:016x}", hasher.finish());
        self.handed_out.lock().unwrap().push(token.clone());
        token
    }

    /// An unsigned JWT (`alg: none`) whose `exp` is now + `lifetime`.
    fn fresh_jwt(&self, lifetime: Duration) -> String {
        let exp = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970") + lifetime;
        let header = BASE64URL.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let claims = json!({ "exp": exp.as_secs(), "sub": "quirky", "jti": self.fresh("jwt") });
        let payload = BASE64URL.encode(claims.to_string());
        let token = format!("{header}.{payload}.unsigned");
        self.handed_out.lock().unwrap().push(token.clone());
        token
    }
}

/// `invalid_client` (RFC 6749 §5.2) when a client secret is required and not the one sent,
/// in the body or in a Basic header (§2.3.1).
fn check_client(req: &RecordedRequest, quirks: &Quirks) -> Option<Reply> {
    let expected = quirks.client_secret.as_ref()?;
    let from_header = req.header("authorization").and_then(|v| {
        let encoded = v.strip_prefix("Basic ")?;
        let decoded = String::from_utf8(BASE64.decode(encoded.trim()).ok()?).ok()?;
        let (_, secret) = decoded.split_once(':')?;
        url::form_urlencoded::parse(format!("s={secret}").as_bytes()).next().map(|(_, v)| v.into_owned())
    });
    let given = from_header.or_else(|| req.form_value("client_secret"));
    if given.as_ref() == Some(expected) {
        return None;
    }
    Some(
        oauth_error(401, "invalid_client", "client authentication failed")
            .with_header("www-authenticate", r#"Basic realm="token""#),
    )
}
