//! The token client: requests to the token endpoint (RFC 6749 §4.1.3, §4.3.2, §4.4.2, §6) and
//! the revocation endpoint (RFC 7009 §2.1), prepared as plain values first and then sent
//! without following redirects. Responses are parsed per RFC 6749 §5.1 with the common
//! deviations; refusals become [`TokenError`]s that keep the provider's words (§5.2) and say
//! what to check. Error texts never quote a body: only the §5.2 fields, scrubbed of every secret
//! the request carried in any spelling ([`scrub`]), or else the content type and length.
//! Deciding *when* to call is the lifecycle's job.

use std::time::Duration;

use base64::engine::general_purpose::{STANDARD as BASE64, URL_SAFE_NO_PAD as BASE64URL};
use base64::Engine;
use serde_json::Value;
use url::Url;
use zeroize::Zeroizing;

use crate::error::ProviderError;
use crate::http::Transport;
use crate::model::{ClientAuthentication, Datasource, GrantType, OAuth2Config, RefreshClientAuthentication};
use crate::{Error, Result, Secret};

/// Token responses larger than this are refused (a token is a few KiB at most).
pub const MAX_RESPONSE: usize = 1024 * 1024;
/// How many characters of a provider's `error`, `error_description` and `error_uri` are shown.
const SHOWN_CHARS: usize = 300;
/// How many characters of a provider's text are searched for secrets (more than are shown, so
/// a secret straddling the cut is still found).
const CHECKED_CHARS: usize = 4096;

/// Which call a token request is, for messages and advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenCall {
    AuthorizationCode,
    Refresh,
    ClientCredentials,
    Password,
    Revocation,
}

impl TokenCall {
    /// The grant as RFC 6749 names it (`revocation` for RFC 7009), for the token call log.
    pub fn grant(self) -> &'static str {
        match self {
            TokenCall::AuthorizationCode => "authorization_code",
            TokenCall::Refresh => "refresh_token",
            TokenCall::ClientCredentials => "client_credentials",
            TokenCall::Password => "password",
            TokenCall::Revocation => "revocation",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            TokenCall::AuthorizationCode => "exchanging the authorization code",
            TokenCall::Refresh => "refreshing the access token",
            TokenCall::ClientCredentials => "fetching a token (client credentials)",
            TokenCall::Password => "fetching a token (password grant)",
            TokenCall::Revocation => "revoking the token",
        }
    }
}

/// A prepared request to the token or revocation endpoint: a form POST, optionally with
/// HTTP Basic client authentication. `Debug` shows no values.
pub struct TokenRequest {
    pub call: TokenCall,
    pub url: Url,
    /// The field of `url` (`auth.accessTokenUrl`, `auth.revocationUrl`), for errors.
    pub url_field: &'static str,
    /// The whole `Authorization` header value (`Basic …`), when the client authenticates so.
    pub authorization: Option<Zeroizing<String>>,
    pub form: Vec<(&'static str, Zeroizing<String>)>,
    /// The secret values this request carries, removed from any error text.
    secrets: Vec<Zeroizing<String>>,
    /// A refresh whose client authentication was set apart from Client Authentication.
    refresh_differs: bool,
}

impl std::fmt::Debug for TokenRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenRequest")
            .field("call", &self.call)
            .field("url", &self.url.as_str())
            .field("basic_auth", &self.authorization.is_some())
            .field("form", &self.form.iter().map(|(k, _)| *k).collect::<Vec<_>>())
            .finish()
    }
}

impl TokenRequest {
    fn new(call: TokenCall, url: &str, field: &'static str) -> Result<TokenRequest> {
        let url = Url::parse(url.trim())
            .map_err(|_| Error::field(field, "not an absolute URL: enter the provider's endpoint URL"))?;
        Ok(TokenRequest {
            call,
            url,
            url_field: field,
            authorization: None,
            form: Vec::new(),
            secrets: Vec::new(),
            refresh_differs: false,
        })
    }

    fn param(&mut self, key: &'static str, value: &str) {
        self.form.push((key, Zeroizing::new(value.to_owned())));
    }

    fn secret_param(&mut self, key: &'static str, value: &str) {
        self.param(key, value);
        self.secrets.push(Zeroizing::new(value.to_owned()));
    }

    /// The secret values carried, for scrubbing error text.
    fn secret_values(&self) -> Vec<&str> {
        self.secrets.iter().map(|s| s.as_str()).collect()
    }

    /// The form body, `application/x-www-form-urlencoded`.
    pub fn body(&self) -> Zeroizing<String> {
        Zeroizing::new(
            url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(self.form.iter().map(|(k, v)| (*k, v.as_str())))
                .finish(),
        )
    }

    /// The endpoint as the token call log shows it: scheme, host, port and path; never a query,
    /// user info or fragment, which could carry a key.
    pub fn endpoint(&self) -> String {
        let mut url = self.url.clone();
        url.set_query(None);
        url.set_fragment(None);
        let _ = url.set_username("");
        let _ = url.set_password(None);
        url.to_string()
    }

    /// The value of form parameter `key`, for tests and scrubbing.
    pub fn param_value(&self, key: &str) -> Option<&str> {
        self.form.iter().find(|(k, _)| *k == key).map(|(_, v)| v.as_str())
    }

    /// RFC 6749 §2.3.1. `header`: id and secret form-urlencoded, joined by `:`, base64 in a
    /// Basic header. Otherwise both go in the body. A client without a secret (a public client)
    /// always sends its `client_id` in the body.
    fn authenticate_client(&mut self, config: &OAuth2Config, header: bool) {
        match config.client_secret.value() {
            Some(secret) if header => {
                let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
                let pair = Zeroizing::new(format!("{}:{}", encode(&config.client_id), encode(secret.expose())));
                let credentials = Zeroizing::new(BASE64.encode(pair.as_bytes()));
                self.authorization = Some(Zeroizing::new(format!("Basic {}", credentials.as_str())));
                self.secrets.push(Zeroizing::new(secret.expose().to_owned()));
                self.secrets.push(credentials);
            }
            Some(secret) => {
                self.param("client_id", &config.client_id);
                self.secret_param("client_secret", secret.expose());
            }
            None => self.param("client_id", &config.client_id),
        }
    }

    fn audience_and_resource(&mut self, config: &OAuth2Config) {
        if !config.audience.is_empty() {
            self.param("audience", &config.audience);
        }
        if !config.resource.is_empty() {
            self.param("resource", &config.resource);
        }
    }

    fn scope(&mut self, config: &OAuth2Config) {
        if !config.scopes.is_empty() {
            self.param("scope", &config.scope_param());
        }
    }
}

fn basic_header(config: &OAuth2Config) -> bool {
    config.client_authentication == ClientAuthentication::BasicHeader
}

/// RFC 6749 §4.4.2 (client credentials) or §4.3.2 (password): a token without a browser.
///
/// # Errors
/// [`Error::Invalid`] for an unusable Access Token URL or a grant that needs the browser.
pub fn direct_grant_request(config: &OAuth2Config) -> Result<TokenRequest> {
    let call = match config.grant_type {
        GrantType::ClientCredentials => TokenCall::ClientCredentials,
        GrantType::Password => TokenCall::Password,
        GrantType::AuthorizationCode => {
            return Err(Error::field("auth.grantType", "the authorization code grant needs the browser: authorize"));
        }
    };
    let mut request = TokenRequest::new(call, &config.access_token_url, "auth.accessTokenUrl")?;
    if call == TokenCall::Password {
        request.param("grant_type", "password");
        request.param("username", &config.username);
        request.secret_param("password", config.password.value().map(Secret::expose).unwrap_or(""));
    } else {
        request.param("grant_type", "client_credentials");
    }
    request.scope(config);
    request.audience_and_resource(config);
    request.authenticate_client(config, basic_header(config));
    Ok(request)
}

/// RFC 6749 §4.1.3 with RFC 7636 §4.5: exchanging the code for tokens.
///
/// # Errors
/// [`Error::Invalid`] for an unusable Access Token URL.
pub fn code_request(
    config: &OAuth2Config,
    code: &Secret,
    redirect_uri: &str,
    code_verifier: Option<&Secret>,
) -> Result<TokenRequest> {
    let mut request = TokenRequest::new(TokenCall::AuthorizationCode, &config.access_token_url, "auth.accessTokenUrl")?;
    request.param("grant_type", "authorization_code");
    request.secret_param("code", code.expose());
    request.param("redirect_uri", redirect_uri);
    if let Some(verifier) = code_verifier {
        request.secret_param("code_verifier", verifier.expose());
    }
    request.audience_and_resource(config);
    request.authenticate_client(config, basic_header(config));
    Ok(request)
}

/// RFC 6749 §6: a new access token from the refresh token. The scope goes along only when
/// "Send scope with refresh token" is on; client credentials go as "Send client credentials
/// with" says, by default as Client Authentication does.
///
/// # Errors
/// [`Error::Invalid`] for an unusable Access Token URL.
pub fn refresh_request(config: &OAuth2Config, refresh_token: &Secret) -> Result<TokenRequest> {
    let mut request = TokenRequest::new(TokenCall::Refresh, &config.access_token_url, "auth.accessTokenUrl")?;
    request.param("grant_type", "refresh_token");
    request.secret_param("refresh_token", refresh_token.expose());
    if config.send_scope_with_refresh_token {
        request.scope(config);
    }
    request.authenticate_client(config, config.refresh_uses_basic_header());
    request.refresh_differs = config.refresh_client_authentication != RefreshClientAuthentication::Same
        && config.refresh_uses_basic_header() != basic_header(config);
    Ok(request)
}

/// RFC 7009 §2.1: revoking `token` (`hint` is `refresh_token` or `access_token`).
///
/// # Errors
/// [`Error::Invalid`] for an unusable Revocation URL.
pub fn revocation_request(config: &OAuth2Config, token: &Secret, hint: &str) -> Result<TokenRequest> {
    let mut request = TokenRequest::new(TokenCall::Revocation, &config.revocation_url, "auth.revocationUrl")?;
    request.secret_param("token", token.expose());
    request.param("token_type_hint", hint);
    request.authenticate_client(config, basic_header(config));
    Ok(request)
}

/// A successful token response (RFC 6749 §5.1), leniently read.
#[derive(Debug)]
pub struct TokenResponse {
    /// The HTTP status it came with.
    pub status: u16,
    pub access_token: Secret,
    /// As the provider wrote it (`Bearer`, `bearer`); empty when it named none.
    pub token_type: String,
    pub expires_in: Option<u64>,
    pub refresh_token: Option<Secret>,
    /// The OpenID Connect ID token (OIDC Core §3.1.3.3), when one came.
    pub id_token: Option<Secret>,
    pub scope: Option<String>,
}

impl TokenResponse {
    /// When the access token expires (ms since the epoch): `expires_in`, else the configured
    /// override, else the `exp` claim when the token is a JWT, else unknown.
    pub fn expires_at(&self, now_ms: i64, expires_in_override: Option<u64>) -> Option<i64> {
        let seconds = self.expires_in.or(expires_in_override);
        match seconds {
            Some(s) => Some(now_ms.saturating_add((s.min(i64::MAX as u64 / 1000) as i64) * 1000)),
            None => jwt_expiry(self.access_token.expose()).map(|exp| exp.saturating_mul(1000)),
        }
    }
}

/// The `exp` claim (seconds) of a JWT's payload, without checking the signature: only used to
/// guess an expiry the provider did not state.
pub fn jwt_expiry(token: &str) -> Option<i64> {
    let mut parts = token.split('.');
    let (_, payload, _, None) = (parts.next()?, parts.next()?, parts.next()?, parts.next()) else { return None };
    let bytes = BASE64URL.decode(payload.trim_end_matches('=')).ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("exp")?.as_f64().filter(|e| e.is_finite() && *e > 0.0).map(|e| e as i64)
}

/// What went wrong at the token endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenErrorKind {
    /// An RFC 6749 §5.2 error response.
    Provider,
    /// The answer is not a token response (an HTML page, other text, malformed JSON).
    NotATokenResponse,
    /// A success without an `access_token`.
    MissingAccessToken,
    TooLarge,
    /// The endpoint answered with a redirect, which token calls never follow.
    Redirected,
    /// 5xx, timeouts and connection failures, after the bounded retries.
    Unavailable,
}

/// A refusal or unusable answer from the token endpoint, with the provider's words kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenError {
    pub kind: TokenErrorKind,
    pub call: TokenCall,
    /// RFC 6749 §5.2 `error`, scrubbed.
    pub error: Option<String>,
    /// RFC 6749 §5.2 `error_description`, scrubbed.
    pub description: Option<String>,
    /// RFC 6749 §5.2 `error_uri`, scrubbed.
    pub error_uri: Option<Box<str>>,
    /// HTTP status; 0 when no response came.
    pub status: u16,
    /// The answer's media type (`text/html`), without parameters; empty when none was given.
    /// The body itself is never kept: it may quote what was sent.
    pub content_type: Box<str>,
    /// The answer's length in bytes.
    pub length: usize,
    /// Whether the answer is an HTML page.
    pub html: bool,
    /// For `Unavailable`: what failed last.
    pub detail: String,
    /// A refresh whose client authentication was set apart from Client Authentication.
    pub refresh_differs: bool,
}

impl TokenError {
    fn new(kind: TokenErrorKind, call: TokenCall, status: u16) -> Self {
        TokenError {
            kind,
            call,
            error: None,
            description: None,
            error_uri: None,
            status,
            content_type: Box::default(),
            length: 0,
            html: false,
            detail: String::new(),
            refresh_differs: false,
        }
    }

    /// The same error, describing the answer `body` of type `content_type` by its type and size.
    fn answered(mut self, content_type: &str, body: &[u8], secrets: &[&str]) -> Self {
        let media = media_type(content_type);
        self.content_type = if reveals(&media, secrets) { "an unreadable content type".into() } else { media.into() };
        self.length = body.len();
        self.html = self.content_type.contains("html") || looks_like_html(body);
        self
    }

    /// The field of the endpoint this call went to.
    fn endpoint(&self) -> &'static str {
        match self.call {
            TokenCall::Revocation => "Revocation URL",
            _ => "Access Token URL",
        }
    }

    /// The provider's own error, for the UI.
    pub fn provider_error(&self) -> Option<ProviderError> {
        self.error.as_ref().map(|error| ProviderError {
            error: error.clone(),
            description: self.description.clone(),
            status: Some(self.status),
        })
    }

    /// The setting most likely wrong, as a field path: for a refresh the provider refused as
    /// `invalid_client` (it accepted the client when it issued the tokens), "Send client
    /// credentials with (on refresh token)".
    pub fn field(&self) -> Option<&'static str> {
        match (self.call, self.error.as_deref()) {
            (TokenCall::Refresh, Some("invalid_client" | "unauthorized_client" | "invalid_request")) => {
                Some("auth.refreshClientAuthentication")
            }
            (TokenCall::Revocation, _) => None,
            (_, Some("invalid_client")) => Some("auth.clientAuthentication"),
            (_, Some("invalid_scope")) => Some("auth.scopes"),
            _ => None,
        }
    }

    /// Whether the provider said the grant (code, refresh token, password) is no good.
    pub fn is_invalid_grant(&self) -> bool {
        self.error.as_deref() == Some("invalid_grant")
    }

    /// What a person should check, after what happened.
    fn advice(&self) -> String {
        let grant = match self.call {
            TokenCall::AuthorizationCode => "authorization code",
            TokenCall::Refresh => "refresh token",
            TokenCall::ClientCredentials => "client credentials",
            TokenCall::Password => "password",
            TokenCall::Revocation => "revocation",
        };
        match self.error.as_deref() {
            Some("invalid_client") if self.call == TokenCall::Refresh && self.refresh_differs => {
                "the provider accepted this client when it issued the tokens, but the refresh sends the client \
                 credentials another way: set Send client credentials with (on refresh token) to Same as Client \
                 Authentication"
                    .into()
            }
            Some("invalid_client") if self.call == TokenCall::Refresh => {
                "the provider accepted this client when it issued the tokens and refuses it now: check Send client \
                 credentials with (on refresh token), and whether the Client Secret was changed at the provider"
                    .into()
            }
            Some("invalid_client") => "check the Client ID and Client Secret, and Client Authentication (body or \
                                      Basic header)"
                .into(),
            Some("invalid_grant") => match self.call {
                TokenCall::Password => "check the Username and Password".into(),
                TokenCall::AuthorizationCode => "the code was refused (expired, already used, or the Redirect URL \
                                                 or PKCE setting does not match): authorize again"
                    .into(),
                TokenCall::Refresh => "the refresh token was refused (expired or revoked): authorize again".into(),
                _ => "the provider refused the grant: check the client's settings at the provider".into(),
            },
            Some("invalid_scope") => "check the Scopes: the provider does not allow one of them for this client".into(),
            Some("unauthorized_client") => format!(
                "this client may not use the {grant} grant: allow it for the client at the provider, or choose \
                 another Grant Type"
            ),
            Some("unsupported_grant_type") => {
                format!("the provider does not offer the {grant} grant at this Access Token URL")
            }
            Some("invalid_request") => "the provider found the request malformed: check the Access Token URL, \
                                        Client Authentication, Audience and Resource"
                .into(),
            Some(_) => "check the datasource's OAuth settings against the provider's documentation".into(),
            None => match self.kind {
                TokenErrorKind::NotATokenResponse | TokenErrorKind::MissingAccessToken | TokenErrorKind::Redirected => {
                    format!("probably the wrong {}: check it", self.endpoint())
                }
                TokenErrorKind::TooLarge => format!("this is not a token endpoint: check the {}", self.endpoint()),
                TokenErrorKind::Unavailable => "the provider may be down or unreachable; try again later".into(),
                TokenErrorKind::Provider => format!("check the {}", self.endpoint()),
            },
        }
    }
}

impl std::fmt::Display for TokenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} failed: ", self.call.describe())?;
        match (&self.kind, &self.error) {
            (_, Some(error)) => {
                write!(f, "the provider answered `{error}`")?;
                if let Some(description) = &self.description {
                    write!(f, " ({description})")?;
                }
                write!(f, ", HTTP {}", self.status)?;
                if let Some(uri) = &self.error_uri {
                    write!(f, " (see {uri})")?;
                }
            }
            (TokenErrorKind::NotATokenResponse, None) => {
                let what = if self.html { "an HTML page" } else { "something" };
                write!(f, "the endpoint answered HTTP {} with {what} that is not a token response", self.status)?;
            }
            (TokenErrorKind::MissingAccessToken, None) => {
                write!(f, "HTTP {} but the answer has no `access_token`", self.status)?;
            }
            (TokenErrorKind::TooLarge, None) => write!(f, "the answer is larger than {} KiB", MAX_RESPONSE / 1024)?,
            (TokenErrorKind::Redirected, None) => {
                write!(
                    f,
                    "the endpoint answered with a redirect (HTTP {}), which token calls never follow",
                    self.status
                )?;
            }
            (TokenErrorKind::Unavailable, None) if self.status > 0 => write!(f, "HTTP {}", self.status)?,
            (TokenErrorKind::Unavailable, None) => write!(f, "{}", self.detail)?,
            (TokenErrorKind::Provider, None) => write!(f, "HTTP {} without an OAuth error code", self.status)?,
        }
        let described = matches!(
            self.kind,
            TokenErrorKind::NotATokenResponse
                | TokenErrorKind::Provider
                | TokenErrorKind::MissingAccessToken
                | TokenErrorKind::Unavailable
        );
        if self.error.is_none() && self.status > 0 && described {
            let content_type = if self.content_type.is_empty() { "no content type" } else { &self.content_type };
            write!(f, " ({content_type}, {} bytes, not shown as it may quote what was sent)", self.length)?;
        }
        write!(f, ": {}", self.advice())?;
        Ok(())
    }
}

impl From<TokenError> for Error {
    fn from(err: TokenError) -> Self {
        Error::Token(Box::new(err))
    }
}

fn looks_like_html(body: &[u8]) -> bool {
    let start = String::from_utf8_lossy(&body[..body.len().min(64)]).trim_start().to_ascii_lowercase();
    start.starts_with("<!doctype html") || start.starts_with("<html") || start.starts_with('<')
}

/// Reads a token endpoint's answer. `secrets` are removed from the provider's words kept
/// ([`scrub`]); the body is never kept.
///
/// # Errors
/// A [`TokenError`] for RFC 6749 §5.2 errors (whatever the status: some providers answer 200
/// with `error`), answers that are not token responses, and successes without a token.
pub fn parse_token_response(
    call: TokenCall,
    status: u16,
    content_type: &str,
    body: &[u8],
    secrets: &[&str],
) -> std::result::Result<TokenResponse, TokenError> {
    let fields = parse_fields(content_type, body);
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let get = |key: &str| fields.as_ref().and_then(|f| f.get(key)).and_then(text).filter(|s| !s.is_empty());

    if let Some(error) = get("error") {
        let mut err = TokenError::new(TokenErrorKind::Provider, call, status).answered(content_type, body, secrets);
        err.error = Some(scrub(&error, secrets).unwrap_or_else(|| crate::http::REDACTED.to_owned()));
        err.description = get("error_description").map(|d| {
            scrub(&d, secrets).unwrap_or_else(|| "not shown: it quoted a secret sent with the request".to_owned())
        });
        err.error_uri = get("error_uri").and_then(|uri| scrub(&uri, secrets)).map(String::into_boxed_str);
        return Err(err);
    }
    if !(200..300).contains(&status) {
        let kind = if fields.is_some() { TokenErrorKind::Provider } else { TokenErrorKind::NotATokenResponse };
        return Err(TokenError::new(kind, call, status).answered(content_type, body, secrets));
    }
    let Some(_) = fields else {
        return Err(TokenError::new(TokenErrorKind::NotATokenResponse, call, status).answered(
            content_type,
            body,
            secrets,
        ));
    };
    let Some(access_token) = get("access_token") else {
        return Err(TokenError::new(TokenErrorKind::MissingAccessToken, call, status));
    };
    let expires_in = get("expires_in").and_then(|s| s.parse::<f64>().ok()).filter(|s| s.is_finite() && *s >= 0.0);
    Ok(TokenResponse {
        status,
        access_token: Secret::new(access_token),
        token_type: get("token_type").unwrap_or_default(),
        expires_in: expires_in.map(|s| s as u64),
        refresh_token: get("refresh_token").map(Secret::new),
        id_token: get("id_token").map(Secret::new),
        scope: get("scope").map(|s| s.split([' ', ',']).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ")),
    })
}

/// The body as a flat map: a JSON object, or form-encoded pairs (GitHub without
/// `Accept: application/json`). `None` when it is neither.
fn parse_fields(content_type: &str, body: &[u8]) -> Option<serde_json::Map<String, Value>> {
    let trimmed = String::from_utf8_lossy(body);
    let trimmed = trimmed.trim();
    if trimmed.starts_with('{') {
        return match serde_json::from_str::<Value>(trimmed) {
            Ok(Value::Object(map)) => Some(map),
            _ => None,
        };
    }
    let form = content_type.to_ascii_lowercase().contains("application/x-www-form-urlencoded")
        || (!trimmed.is_empty()
            && !looks_like_html(body)
            && trimmed
                .split('&')
                .all(|pair| pair.split_once('=').is_some_and(|(k, _)| !k.is_empty() && !k.contains(' '))));
    form.then(|| {
        url::form_urlencoded::parse(trimmed.as_bytes())
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect()
    })
}

/// A provider's text (`error`, `error_description`, `error_uri`) fit to show: each secret of
/// the request replaced where it appears as is, form- or percent-encoded (`+` or `%20`),
/// JSON-escaped (also `\/` and `\uXXXX`) or HTML-escaped; control characters and line breaks
/// made spaces; cut to [`SHOWN_CHARS`]. `None` when what remains still reveals a secret in some
/// other spelling, or split by line breaks or other characters ([`reveals`]): then nothing of
/// the text may be shown.
pub fn scrub(text: &str, secrets: &[&str]) -> Option<String> {
    let mut text: String = text.chars().take(CHECKED_CHARS).collect();
    for secret in secrets.iter().filter(|s| s.len() >= 4) {
        for spelling in spellings(secret) {
            text = text.replace(spelling.as_str(), crate::http::REDACTED);
        }
    }
    if reveals(&text, secrets) {
        return None;
    }
    // Control characters (line breaks, terminal escapes) and bidirectional overrides, which
    // could make the text read as something else, become spaces.
    let unsafe_char = |c: char| {
        c.is_control() || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    let shown: String = text.chars().map(|c| if unsafe_char(c) { ' ' } else { c }).take(SHOWN_CHARS).collect();
    Some(if text.chars().count() > SHOWN_CHARS { format!("{shown}…") } else { shown })
}

/// The exact spellings of `secret` an answer is likely to quote.
fn spellings(secret: &str) -> Vec<String> {
    let form: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    let percent = form.replace('+', "%20");
    let json = serde_json::to_string(secret).expect("a string serializes");
    let json = json[1..json.len() - 1].to_owned();
    let json_ascii: String = secret
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_string() } else { format!("\\u{:04x}", c as u32) })
        .collect();
    let html = secret
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;");
    let mut all = vec![secret.to_owned(), form, percent, json.replace('/', "\\/"), json, json_ascii, html];
    all.sort_by_key(|s| std::cmp::Reverse(s.len()));
    all.dedup();
    all
}

/// Whether `text` still reveals one of `secrets` once both are decoded the same way (percent-
/// and `\u` escapes, HTML entities, repeatedly) and reduced to their letters and digits, so
/// that neither another encoding nor line breaks, spaces or punctuation put in between hide
/// it: the whole secret, or any [`WINDOW`] letters and digits of a longer one.
fn reveals(text: &str, secrets: &[&str]) -> bool {
    let text: Vec<char> = canonical(text);
    let windows: std::collections::HashSet<&[char]> = text.windows(WINDOW).collect();
    secrets.iter().any(|secret| {
        let secret = canonical(secret);
        match secret.len() {
            0..4 => false,
            4..WINDOW => text.windows(secret.len()).any(|w| w == secret.as_slice()),
            _ => secret.windows(WINDOW).any(|w| windows.contains(w)),
        }
    })
}

/// How many letters and digits of a secret in a row are too many to show.
const WINDOW: usize = 10;

/// `text` decoded until it no longer changes (a few rounds at most), lower-cased, letters and
/// digits only.
fn canonical(text: &str) -> Vec<char> {
    let mut text = text.to_owned();
    for _ in 0..4 {
        let decoded = decode_html(&decode_backslash(&decode_percent(&text)));
        if decoded == text {
            break;
        }
        text = decoded;
    }
    text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

fn decode_percent(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, ..) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// JSON's (and most languages') backslash escapes: `\uXXXX`, `\/`, `\"`, `\\`, `\n` and kin.
fn decode_backslash(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some('u') => {
                chars.next();
                let hex: String = chars.clone().take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().filter(|_| hex.len() == 4) {
                    Some(code) => {
                        out.push(char::from_u32(code).unwrap_or(' '));
                        chars.nth(3);
                    }
                    None => out.push('u'),
                }
            }
            Some('n' | 'r' | 't' | 'b' | 'f') => {
                chars.next();
                out.push(' ');
            }
            Some(other) => {
                chars.next();
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// HTML character references: numeric ones, the five XML names and `&nbsp;`; other named ones
/// (which stand for punctuation or letters with accents) become a space.
fn decode_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[1..].find(|c: char| !c.is_ascii_alphanumeric() && c != '#').map(|i| i + 1);
        let Some(end) = end.filter(|&end| end > 1 && rest[end..].starts_with(';')) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..end];
        let decoded = if let Some(number) = name.strip_prefix('#') {
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => number.parse::<u32>().ok(),
            };
            code.and_then(char::from_u32).unwrap_or(' ')
        } else {
            match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                _ => ' ',
            }
        };
        out.push(decoded);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The media type of a `Content-Type` value (`text/html; charset=utf-8` → `text/html`), when it
/// looks like one; the header is the provider's text too, so nothing else of it is kept.
fn media_type(content_type: &str) -> String {
    let media = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let valid = media.len() <= 100
        && media.split_once('/').is_some_and(|(kind, sub)| {
            let token =
                |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c));
            token(kind) && token(sub)
        });
    if valid {
        media
    } else if media.is_empty() {
        String::new()
    } else {
        "an unreadable content type".to_owned()
    }
}

/// How token calls are retried and bounded.
#[derive(Debug, Clone)]
pub struct TokenClientOptions {
    pub timeout: Duration,
    /// Attempts in all for transient failures (connect errors, timeouts, 5xx).
    pub attempts: u32,
    /// Delay before the second attempt; doubled for each further one.
    pub backoff: Duration,
}

impl Default for TokenClientOptions {
    fn default() -> Self {
        TokenClientOptions { timeout: Duration::from_secs(30), attempts: 3, backoff: Duration::from_millis(500) }
    }
}

/// Sends token and revocation requests.
#[derive(Clone, Debug, Default)]
pub struct TokenClient {
    transport: Transport,
    options: TokenClientOptions,
}

impl TokenClient {
    pub fn new(transport: Transport, options: TokenClientOptions) -> Self {
        TokenClient { transport, options }
    }

    /// Sends `request` for `datasource` (whose pinned certificate, if any, is trusted) and reads
    /// the token response. Transient failures are retried with backoff; other answers are not.
    ///
    /// # Errors
    /// [`Error::Token`] as [`parse_token_response`] and for unreachable endpoints.
    pub async fn exchange(&self, datasource: &Datasource, request: &TokenRequest) -> Result<TokenResponse> {
        let (status, content_type, body) = self.send(datasource, request).await?;
        let secrets = request.secret_values();
        parse_token_response(request.call, status, &content_type, &body, &secrets).map_err(|mut err| {
            err.refresh_differs = request.refresh_differs;
            err.into()
        })
    }

    /// Sends an RFC 7009 revocation request; success is any 2xx (§2.2).
    ///
    /// # Errors
    /// [`Error::Token`] when the endpoint refuses or cannot be reached.
    pub async fn revoke(&self, datasource: &Datasource, request: &TokenRequest) -> Result<()> {
        let (status, content_type, body) = self.send(datasource, request).await?;
        if (200..300).contains(&status) {
            return Ok(());
        }
        let secrets = request.secret_values();
        match parse_token_response(request.call, status, &content_type, &body, &secrets) {
            Err(err) => Err(err.into()),
            Ok(_) => Ok(()),
        }
    }

    async fn send(&self, datasource: &Datasource, request: &TokenRequest) -> Result<(u16, String, Vec<u8>)> {
        // Checked on save too; this holds for datasources stored before that check.
        if request.url.scheme() != "https" && !crate::http::tls::is_loopback(&request.url) {
            return Err(Error::field(
                request.url_field,
                format!(
                    "refused to send client credentials or tokens over plain http to {}: use https:// (RFC 6749 \
                     §3.2 requires TLS; http:// is accepted only for loopback hosts)",
                    request.url.host_str().unwrap_or_default()
                ),
            ));
        }
        let client = self.transport.token_client_for(datasource, request.url.scheme() == "https")?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let outcome = self.send_once(&client, request).await;
            let transient = match &outcome {
                Ok((status, _, _)) => (500..600).contains(status),
                Err(err) => err.kind == TokenErrorKind::Unavailable,
            };
            if !transient || attempt >= self.options.attempts.max(1) {
                return match outcome {
                    Ok((status, ..)) if (500..600).contains(&status) && attempt > 1 => {
                        let (_, content_type, body) = outcome.expect("matched Ok");
                        let secrets = request.secret_values();
                        let mut err = match parse_token_response(request.call, status, &content_type, &body, &secrets) {
                            Err(err) => err,
                            Ok(_) => TokenError::new(TokenErrorKind::Unavailable, request.call, status),
                        };
                        if err.error.is_none() {
                            err.kind = TokenErrorKind::Unavailable;
                        }
                        err.detail = format!("after {attempt} attempts");
                        Err(err.into())
                    }
                    Ok(answer) => Ok(answer),
                    Err(mut err) => {
                        if attempt > 1 {
                            err.detail = format!("{} (after {attempt} attempts)", err.detail);
                        }
                        Err(err.into())
                    }
                };
            }
            tokio::time::sleep(self.options.backoff * 2u32.saturating_pow(attempt - 1)).await;
        }
    }

    async fn send_once(
        &self,
        client: &reqwest::Client,
        request: &TokenRequest,
    ) -> std::result::Result<(u16, String, Vec<u8>), TokenError> {
        let unavailable = |detail: String| {
            let mut err = TokenError::new(TokenErrorKind::Unavailable, request.call, 0);
            err.detail = detail;
            err
        };
        let mut builder = client
            .post(request.url.clone())
            .header(reqwest::header::ACCEPT, "application/json")
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .timeout(self.options.timeout)
            .body(request.body().as_bytes().to_vec());
        if let Some(value) = &request.authorization {
            let mut value = reqwest::header::HeaderValue::from_str(value)
                .map_err(|_| unavailable("the client id or secret cannot be sent in a header".into()))?;
            value.set_sensitive(true);
            builder = builder.header(reqwest::header::AUTHORIZATION, value);
        }
        let mut response = builder.send().await.map_err(|e| unavailable(Error::from(e).to_string()))?;
        let status = response.status().as_u16();
        if response.status().is_redirection() {
            return Err(TokenError::new(TokenErrorKind::Redirected, request.call, status));
        }
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| unavailable(Error::from(e).to_string()))? {
            if body.len() + chunk.len() > MAX_RESPONSE {
                return Err(TokenError::new(TokenErrorKind::TooLarge, request.call, status));
            }
            body.extend_from_slice(&chunk);
        }
        Ok((status, content_type, body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SecretField;

    fn config() -> OAuth2Config {
        OAuth2Config {
            access_token_url: "https://id.example.com/token".into(),
            client_id: "my client".into(),
            client_secret: SecretField::Value(Secret::new("s&cret:/+ x")),
            scopes: vec!["read".into(), "write".into()],
            ..Default::default()
        }
    }

    fn parse(status: u16, content_type: &str, body: &str) -> std::result::Result<TokenResponse, TokenError> {
        parse_token_response(TokenCall::Refresh, status, content_type, body.as_bytes(), &["old-refresh"])
    }

    #[test]
    fn basic_header_form_urlencodes_id_and_secret_first() {
        let config = OAuth2Config { client_authentication: ClientAuthentication::BasicHeader, ..config() };
        let request =
            direct_grant_request(&OAuth2Config { grant_type: GrantType::ClientCredentials, ..config }).unwrap();
        let header = request.authorization.as_deref().unwrap();
        let decoded = BASE64.decode(header.strip_prefix("Basic ").unwrap()).unwrap();
        assert_eq!(String::from_utf8(decoded).unwrap(), "my+client:s%26cret%3A%2F%2B+x", "RFC 6749 §2.3.1");
        assert_eq!(request.param_value("client_secret"), None, "the secret goes in one place only");
        assert_eq!(request.param_value("scope"), Some("read write"));
    }

    #[test]
    fn body_authentication_and_public_clients() {
        let request =
            direct_grant_request(&OAuth2Config { grant_type: GrantType::ClientCredentials, ..config() }).unwrap();
        assert!(request.authorization.is_none());
        assert_eq!(request.param_value("client_id"), Some("my client"));
        assert_eq!(request.param_value("client_secret"), Some("s&cret:/+ x"));
        let public = OAuth2Config {
            client_secret: SecretField::Empty,
            client_authentication: ClientAuthentication::BasicHeader,
            ..config()
        };
        let request =
            code_request(&public, &Secret::new("c"), "http://127.0.0.1:1/callback", Some(&Secret::new("v"))).unwrap();
        assert!(request.authorization.is_none(), "a public client has no secret to put in a header");
        assert_eq!(request.param_value("client_id"), Some("my client"));
        assert_eq!(request.param_value("code_verifier"), Some("v"));
        assert_eq!(request.param_value("redirect_uri"), Some("http://127.0.0.1:1/callback"));
    }

    #[test]
    fn refresh_sends_scope_and_credentials_as_configured() {
        let refresh = Secret::new("r1");
        let plain = refresh_request(&config(), &refresh).unwrap();
        assert_eq!(plain.param_value("scope"), None, "scope only with Send scope with refresh token");
        assert_eq!(plain.param_value("client_secret"), Some("s&cret:/+ x"));
        let configured = OAuth2Config {
            send_scope_with_refresh_token: true,
            refresh_client_authentication: RefreshClientAuthentication::Header,
            ..config()
        };
        let request = refresh_request(&configured, &refresh).unwrap();
        assert_eq!(request.param_value("scope"), Some("read write"));
        assert!(request.authorization.is_some());
        assert_eq!(request.param_value("client_secret"), None);
        assert!(!format!("{request:?}").contains("r1"), "Debug shows no values");
    }

    #[test]
    fn refresh_follows_client_authentication_by_default_and_a_refused_one_names_the_setting() {
        let refresh = Secret::new("r1");
        let basic = OAuth2Config { client_authentication: ClientAuthentication::BasicHeader, ..config() };
        let request = refresh_request(&basic, &refresh).unwrap();
        assert!(request.authorization.is_some(), "Same: the Basic header, as Client Authentication");
        assert_eq!(request.param_value("client_secret"), None);
        let body = OAuth2Config { refresh_client_authentication: RefreshClientAuthentication::Body, ..basic.clone() };
        let request = refresh_request(&body, &refresh).unwrap();
        assert!(request.authorization.is_none(), "an explicit Body still wins");

        let answer = br#"{"error":"invalid_client"}"#;
        let refused = |request: &TokenRequest| {
            let mut err = parse_token_response(TokenCall::Refresh, 401, "application/json", answer, &[]).unwrap_err();
            err.refresh_differs = request.refresh_differs;
            err
        };
        let differs = refused(&request);
        assert_eq!(differs.field(), Some("auth.refreshClientAuthentication"));
        let text = differs.to_string();
        assert!(text.contains("set Send client credentials with (on refresh token) to Same"), "{text}");
        assert!(!text.contains("check the Client ID"), "the exchange worked with these credentials: {text}");
        let same = refused(&refresh_request(&basic, &refresh).unwrap()).to_string();
        assert!(same.contains("whether the Client Secret was changed"), "{same}");
    }

    #[test]
    fn the_logged_endpoint_has_no_query_user_info_or_fragment() {
        let config = OAuth2Config {
            access_token_url: "https://user:pw@id.example.com:8443/oauth/token?api_key=k1#frag".into(),
            ..config()
        };
        let request = refresh_request(&config, &Secret::new("r1")).unwrap();
        assert_eq!(request.endpoint(), "https://id.example.com:8443/oauth/token");
    }

    #[test]
    fn password_grant_carries_the_resource_owner() {
        let config = OAuth2Config {
            grant_type: GrantType::Password,
            username: "ann".into(),
            password: SecretField::Value(Secret::new("pw")),
            audience: "api".into(),
            ..config()
        };
        let request = direct_grant_request(&config).unwrap();
        assert_eq!(request.param_value("grant_type"), Some("password"));
        assert_eq!(request.param_value("username"), Some("ann"));
        assert_eq!(request.param_value("password"), Some("pw"));
        assert_eq!(request.param_value("audience"), Some("api"));
    }

    #[test]
    fn rfc6749_json_and_deviations_parse() {
        let t = parse(
            200,
            "application/json",
            r#"{"access_token":"a","token_type":"bearer","expires_in":"3600","refresh_token":"r","scope":"x y"}"#,
        )
        .unwrap();
        assert_eq!((t.access_token.expose(), t.token_type.as_str(), t.expires_in), ("a", "bearer", Some(3600)));
        assert_eq!(t.refresh_token.unwrap().expose(), "r");
        let t =
            parse(200, "application/x-www-form-urlencoded", "access_token=gho_1&scope=repo%2Cgist&token_type=bearer")
                .unwrap();
        assert_eq!(t.access_token.expose(), "gho_1");
        assert_eq!(t.scope.as_deref(), Some("repo gist"));
        assert!(t.refresh_token.is_none() && t.expires_in.is_none());
        let t = parse(200, "text/plain", "access_token=x&expires_in=60").unwrap();
        assert_eq!(t.expires_in, Some(60), "form bodies are recognised without the content type");
    }

    #[test]
    fn expiry_falls_back_to_the_override_then_the_jwt() {
        let payload = BASE64URL.encode(br#"{"exp":2000000000,"sub":"x"}"#);
        let jwt = format!("eyJhbGciOiJIUzI1NiJ9.{payload}.sig");
        let t = parse(200, "application/json", &format!(r#"{{"access_token":"{jwt}"}}"#)).unwrap();
        assert_eq!(t.expires_at(1_000, Some(60)), Some(61_000));
        assert_eq!(t.expires_at(1_000, None), Some(2_000_000_000_000));
        let t = parse(200, "application/json", r#"{"access_token":"opaque"}"#).unwrap();
        assert_eq!(t.expires_at(1_000, None), None, "unknown expiry stays unknown");
    }

    #[test]
    fn provider_errors_keep_their_words_and_say_what_to_check() {
        let err =
            parse(400, "application/json", r#"{"error":"invalid_grant","error_description":"old-refresh is spent"}"#)
                .unwrap_err();
        assert!(err.is_invalid_grant());
        assert_eq!(err.description.as_deref(), Some("<redacted> is spent"), "request secrets are scrubbed");
        assert!(err.to_string().contains("authorize again"), "{err}");
        let err = parse_token_response(
            TokenCall::ClientCredentials,
            401,
            "application/json",
            br#"{"error":"invalid_client"}"#,
            &[],
        )
        .unwrap_err();
        assert!(err.to_string().contains("check the Client ID and Client Secret"), "{err}");
        let err =
            parse(200, "application/x-www-form-urlencoded", "error=bad_verification_code&error_description=expired")
                .unwrap_err();
        assert_eq!(err.error.as_deref(), Some("bad_verification_code"), "errors inside a 200 are errors");
    }

    #[test]
    fn a_secret_is_never_shown_in_any_spelling() {
        let secret = "MARKER pw/8c2e&x<y>\"1";
        let numeric: String = secret.chars().map(|c| format!("&#{};", c as u32)).collect();
        let hex: String = secret.chars().map(|c| format!("&#x{:X};", c as u32)).collect();
        let unicode: String = secret.chars().map(|c| format!("\\u{:04X}", c as u32)).collect();
        let percent: String = secret.bytes().map(|b| format!("%{b:02X}")).collect();
        let form: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        let twice: String = url::form_urlencoded::byte_serialize(form.as_bytes()).collect();
        let spellings = [
            secret.to_owned(),
            form.clone(),
            form.replace('+', "%20"),
            twice,
            percent,
            serde_json::to_string(secret).unwrap().replace('/', "\\/"),
            unicode,
            numeric,
            hex,
            "MARKER pw/8c2e&amp;x&lt;y&gt;&quot;1".to_owned(),
            "MARKER pw/8c\n2e&x<y>\"1".to_owned(),
            "MARK\r\nER p\nw/8c2e&x<y>\"1".to_owned(),
            "M A R K E R p w 8 c 2 e x y 1".to_owned(),
        ];
        for spelling in &spellings {
            let text = format!("the password {spelling} is wrong");
            let shown = scrub(&text, &[secret]).unwrap_or_default();
            assert!(!reveals(&shown, &[secret]), "{spelling:?} came through as {shown:?}");
            assert!(!shown.contains("8c2e") && !shown.contains("MARK"), "{spelling:?} came through as {shown:?}");
        }
        assert_eq!(
            scrub(&format!("the password {} is wrong", form.replace('+', "%20")), &[secret]).as_deref(),
            Some("the password <redacted> is wrong"),
            "an exact spelling is cut out and the rest kept"
        );
        assert_eq!(
            scrub("line one\nline\ttwo", &[secret]).as_deref(),
            Some("line one line two"),
            "no control characters"
        );
        assert_eq!(scrub("\u{1b}[2Jok\u{202e}txt", &[]).as_deref(), Some(" [2Jok txt"), "no escapes or bidi overrides");
        let long = "x".repeat(SHOWN_CHARS + 50);
        assert_eq!(scrub(&long, &[]).unwrap().chars().count(), SHOWN_CHARS + 1, "cut, with an ellipsis");
        let straddling = format!("{}{}", "y".repeat(SHOWN_CHARS - 9), spellings[4]);
        assert_eq!(scrub(&straddling, &[secret]), None, "a secret straddling the cut is found");
    }

    #[test]
    fn error_uri_and_content_type_are_the_providers_words_too() {
        let err = parse_token_response(
            TokenCall::Password,
            400,
            "application/json; charset=utf-8",
            br#"{"error":"invalid_grant","error_description":"wrong password hunter22","error_uri":"https://id.example.com/e?p=hunter22"}"#,
            &["hunter22"],
        )
        .unwrap_err();
        let message = err.to_string();
        assert!(!message.contains("hunter22"), "{message}");
        assert!(message.contains("(wrong password <redacted>)"), "{message}");
        assert!(message.contains("see https://id.example.com/e?p=<redacted>"), "{message}");
        assert!(message.contains("check the Username and Password"), "the advice stays: {message}");
        assert_eq!(media_type("Text/HTML; charset=utf-8"), "text/html");
        assert_eq!(media_type("text/html\r\nX: 1"), "an unreadable content type");
        assert_eq!(media_type(""), "");
    }

    #[test]
    fn other_bodies_are_described_by_type_and_length() {
        let body = "Bad Request: password=hunter22 client_secret=s3cret\n";
        let err = parse_token_response(TokenCall::Password, 400, "text/plain", body.as_bytes(), &["x"]).unwrap_err();
        let message = err.to_string();
        assert!(!message.contains("Bad Request") && !message.contains("hunter22"), "never the body: {message}");
        assert!(message.contains(&format!("(text/plain, {} bytes, not shown", body.len())), "{message}");
        assert!(message.contains("the wrong Access Token URL"), "{message}");
        let revoke = parse_token_response(TokenCall::Revocation, 404, "", b"nope", &[]).unwrap_err();
        assert!(revoke.to_string().contains("(no content type, 4 bytes"), "{revoke}");
        assert!(revoke.to_string().contains("the wrong Revocation URL"), "{revoke}");
    }

    #[test]
    fn html_and_garbage_point_at_the_token_url() {
        let err = parse(404, "text/html", "<!DOCTYPE html><html><body>Not Found</body></html>").unwrap_err();
        assert_eq!(err.kind, TokenErrorKind::NotATokenResponse);
        let message = err.to_string();
        assert!(message.contains("HTML page") && message.contains("Access Token URL"), "{message}");
        let err = parse(200, "application/json", r#"{"access_token": "zq9-secret"#).unwrap_err();
        assert_eq!(err.kind, TokenErrorKind::NotATokenResponse);
        assert!(!err.to_string().contains("zq9-secret"), "a 2xx body is never quoted: {err}");
        let err = parse(200, "application/json", r#"{"token_type":"bearer"}"#).unwrap_err();
        assert_eq!(err.kind, TokenErrorKind::MissingAccessToken);
    }
}
