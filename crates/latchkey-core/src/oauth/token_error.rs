//! Token errors: what went wrong at the token or revocation endpoint, keeping the provider's
//! words (RFC 6749 §5.2 `error` as a [`ProviderErrorCode`], `error_description`, `error_uri`)
//! and saying what to check. Error texts never quote a body: only the §5.2 fields, scrubbed of
//! every secret the request carried in any spelling ([`scrub`]), or else the content type and
//! length.

use super::token_request::{KeyAssertion, TokenCall};
use super::token_response::MAX_RESPONSE;
use crate::error::ProviderError;
use crate::Error;

/// RFC 6749 §5.2 `error` (and RFC 7009 §2.2.1's `unsupported_token_type`); `Other` keeps an
/// extension code as the provider wrote it (scrubbed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderErrorCode {
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
    InvalidScope,
    UnsupportedTokenType,
    /// RFC 8628 §3.5: the person has not finished yet; poll again.
    AuthorizationPending,
    /// RFC 8628 §3.5: poll again, 5 s more slowly.
    SlowDown,
    /// RFC 8628 §3.5: the person denied the authorization.
    AccessDenied,
    /// RFC 8628 §3.5: the device code expired.
    ExpiredToken,
    Other(String),
}

impl ProviderErrorCode {
    /// The code for the (scrubbed) `error` value `text`.
    pub fn new(text: &str) -> Self {
        match text {
            "invalid_request" => ProviderErrorCode::InvalidRequest,
            "invalid_client" => ProviderErrorCode::InvalidClient,
            "invalid_grant" => ProviderErrorCode::InvalidGrant,
            "unauthorized_client" => ProviderErrorCode::UnauthorizedClient,
            "unsupported_grant_type" => ProviderErrorCode::UnsupportedGrantType,
            "invalid_scope" => ProviderErrorCode::InvalidScope,
            "unsupported_token_type" => ProviderErrorCode::UnsupportedTokenType,
            "authorization_pending" => ProviderErrorCode::AuthorizationPending,
            "slow_down" => ProviderErrorCode::SlowDown,
            "access_denied" => ProviderErrorCode::AccessDenied,
            "expired_token" => ProviderErrorCode::ExpiredToken,
            other => ProviderErrorCode::Other(other.to_owned()),
        }
    }

    /// The code as the provider sent it.
    pub fn as_str(&self) -> &str {
        match self {
            ProviderErrorCode::InvalidRequest => "invalid_request",
            ProviderErrorCode::InvalidClient => "invalid_client",
            ProviderErrorCode::InvalidGrant => "invalid_grant",
            ProviderErrorCode::UnauthorizedClient => "unauthorized_client",
            ProviderErrorCode::UnsupportedGrantType => "unsupported_grant_type",
            ProviderErrorCode::InvalidScope => "invalid_scope",
            ProviderErrorCode::UnsupportedTokenType => "unsupported_token_type",
            ProviderErrorCode::AuthorizationPending => "authorization_pending",
            ProviderErrorCode::SlowDown => "slow_down",
            ProviderErrorCode::AccessDenied => "access_denied",
            ProviderErrorCode::ExpiredToken => "expired_token",
            ProviderErrorCode::Other(text) => text,
        }
    }
}

impl std::fmt::Display for ProviderErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Reads as the code's text, so `err.error.as_deref()` gives the provider's `error`.
impl std::ops::Deref for ProviderErrorCode {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

/// How many characters of a provider's `error`, `error_description` and `error_uri` are shown.
const SHOWN_CHARS: usize = 300;
/// How many characters of a provider's text are searched for secrets (more than are shown, so
/// a secret straddling the cut is still found).
const CHECKED_CHARS: usize = 4096;
/// What went wrong at the token endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenErrorKind {
    /// An RFC 6749 §5.2 error response.
    Provider,
    /// The answer is not a token response (an HTML page, other text, malformed JSON).
    NotATokenResponse,
    /// A success without an `access_token`.
    MissingAccessToken,
    /// A device authorization answer without this field, or with one that cannot be used.
    MissingField(AnswerField),
    TooLarge,
    /// The endpoint answered with a redirect, which token calls never follow.
    Redirected,
    /// 5xx, timeouts and connection failures, after the bounded retries.
    Unavailable,
    /// The proxy the call goes through is unreachable, asks for credentials or refused it;
    /// `detail` says which and what to do. Never retried.
    Proxy,
}

/// A field of a device authorization answer (RFC 8628 §3.2) that was missing or unusable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerField {
    DeviceCode,
    UserCode,
    VerificationUri,
}

impl AnswerField {
    /// The field as RFC 8628 names it.
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerField::DeviceCode => "device_code",
            AnswerField::UserCode => "user_code",
            AnswerField::VerificationUri => "verification_uri",
        }
    }
}

/// A refusal or unusable answer from the token endpoint, with the provider's words kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenError {
    pub kind: TokenErrorKind,
    pub call: TokenCall,
    /// RFC 6749 §5.2 `error` (an extension code scrubbed).
    pub error: Option<ProviderErrorCode>,
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
    pub detail: Box<str>,
    /// A refresh whose client authentication was set apart from Client Authentication.
    pub refresh_differs: bool,
    /// A call the client certificate authenticated (`tls_client_auth`, `self_signed_tls_client_auth`).
    pub client_certificate: bool,
    /// The audience of the `private_key_jwt` assertion the request carried, if it did (boxed:
    /// the error travels in every token `Result`).
    pub key_assertion: Option<Box<KeyAssertion>>,
}

impl TokenError {
    pub(crate) fn new(kind: TokenErrorKind, call: TokenCall, status: u16) -> Self {
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
            detail: Box::default(),
            refresh_differs: false,
            client_certificate: false,
            key_assertion: None,
        }
    }

    /// The same error, describing the answer `body` of type `content_type` by its type and size.
    pub(crate) fn answered(mut self, content_type: &str, body: &[u8], secrets: &[&str]) -> Self {
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
            TokenCall::DeviceAuthorization => "Device Authorization URL",
            _ => "Access Token URL",
        }
    }

    /// The provider's own error, for the UI.
    pub fn provider_error(&self) -> Option<ProviderError> {
        self.error.as_ref().map(|error| ProviderError {
            error: error.to_string(),
            description: self.description.clone(),
            status: Some(self.status),
        })
    }

    /// The setting most likely wrong, as a field path: for a refresh the provider refused as
    /// `invalid_client` (it accepted the client when it issued the tokens), "Send client
    /// credentials with (on refresh token)"; for a refused `private_key_jwt` assertion, the key.
    pub fn field(&self) -> Option<&'static str> {
        use ProviderErrorCode as Code;
        match (self.call, &self.error) {
            (TokenCall::Refresh, Some(Code::InvalidClient | Code::UnauthorizedClient | Code::InvalidRequest)) => {
                Some("auth.refreshClientAuthentication")
            }
            (TokenCall::Revocation, _) => None,
            (_, Some(Code::InvalidClient)) if self.key_assertion.is_some() => Some("auth.clientAssertionKey"),
            (_, Some(Code::InvalidClient)) => Some("auth.clientAuthentication"),
            (_, Some(Code::InvalidScope)) => Some("auth.scopes"),
            _ => None,
        }
    }

    /// Whether the provider said the grant (code, refresh token, password) is no good.
    pub fn is_invalid_grant(&self) -> bool {
        self.error == Some(ProviderErrorCode::InvalidGrant)
    }

    /// What a person should check, after what happened.
    fn advice(&self) -> String {
        let grant = match self.call {
            TokenCall::AuthorizationCode => "authorization code",
            TokenCall::Refresh => "refresh token",
            TokenCall::ClientCredentials => "client credentials",
            TokenCall::Password => "password",
            TokenCall::Revocation => "revocation",
            TokenCall::DeviceAuthorization | TokenCall::DeviceCode => "device code",
        };
        use ProviderErrorCode as Code;
        match &self.error {
            Some(Code::InvalidClient) if self.call == TokenCall::Refresh && self.refresh_differs => {
                "the provider accepted this client when it issued the tokens, but the refresh sends the client \
                 credentials another way: set Send client credentials with (on refresh token) to Same as Client \
                 Authentication"
                    .into()
            }
            Some(Code::InvalidClient) if self.client_certificate && self.call != TokenCall::Refresh => {
                "the provider did not accept the client certificate for this Client ID: check that it registered \
                 this certificate (tls_client_auth: its subject; self_signed_tls_client_auth: the certificate \
                 itself) and that the Client Authentication is the method it registered"
                    .into()
            }
            Some(Code::InvalidClient) if self.key_assertion.is_some() && !self.refresh_differs => {
                self.key_assertion_advice()
            }
            Some(Code::InvalidClient) if self.call == TokenCall::Refresh => {
                "the provider accepted this client when it issued the tokens and refuses it now: check Send client \
                 credentials with (on refresh token), and whether the Client Secret was changed at the provider"
                    .into()
            }
            Some(Code::InvalidClient) => "check the Client ID and Client Secret, and Client Authentication (body, \
                                      Basic header or client_secret_jwt)"
                .into(),
            Some(Code::InvalidGrant) => match self.call {
                TokenCall::Password => "check the Username and Password".into(),
                TokenCall::AuthorizationCode => "the code was refused (expired, already used, or the Redirect URL \
                                                 or PKCE setting does not match): authorize again"
                    .into(),
                TokenCall::Refresh => "the refresh token was refused (expired or revoked): authorize again".into(),
                TokenCall::DeviceCode => {
                    "the device code was refused (expired or already used): authorize again".into()
                }
                _ => "the provider refused the grant: check the client's settings at the provider".into(),
            },
            Some(Code::InvalidScope) => {
                "check the Scopes: the provider does not allow one of them for this client".into()
            }
            Some(Code::UnauthorizedClient) => format!(
                "this client may not use the {grant} grant: allow it for the client at the provider, or choose \
                 another Grant Type"
            ),
            Some(Code::UnsupportedGrantType) => {
                format!("the provider does not offer the {grant} grant at this Access Token URL")
            }
            Some(Code::AccessDenied) => "the person denied the authorization: authorize again and allow access".into(),
            Some(Code::ExpiredToken) => "the code expired: authorize again".into(),
            Some(Code::AuthorizationPending | Code::SlowDown) => {
                "the provider is still waiting for the person to enter the code".into()
            }
            Some(Code::InvalidRequest) => "the provider found the request malformed: check the Access Token URL, \
                                        Client Authentication, Audience and Resource"
                .into(),
            Some(_) => "check the datasource's OAuth settings against the provider's documentation".into(),
            None => match self.kind {
                TokenErrorKind::NotATokenResponse
                | TokenErrorKind::MissingAccessToken
                | TokenErrorKind::MissingField(_)
                | TokenErrorKind::Redirected => {
                    format!("probably the wrong {}: check it", self.endpoint())
                }
                TokenErrorKind::TooLarge => format!("this is not a token endpoint: check the {}", self.endpoint()),
                TokenErrorKind::Unavailable => "the provider may be down or unreachable; try again later".into(),
                TokenErrorKind::Proxy => "check the datasource's proxy".into(),
                TokenErrorKind::Provider => format!("check the {}", self.endpoint()),
            },
        }
    }
}

impl TokenError {
    /// What to check when the provider refused a `private_key_jwt` assertion: the registered
    /// public key, the algorithm and Key ID, and the audience (providers accept the token
    /// endpoint as they publish it, or their issuer).
    fn key_assertion_advice(&self) -> String {
        let Some(assertion) = &self.key_assertion else { return String::new() };
        let audience = assertion.audience.join(" and ");
        let fix = if assertion.issuer_set {
            "check the Issuer and the Access Token URL against the provider's metadata"
        } else {
            "set the Issuer (most providers accept their issuer URL as the audience), or use the token \
             endpoint exactly as the provider publishes it"
        };
        format!(
            "the provider did not accept the private_key_jwt client assertion: check the Client ID, and that the \
             public key registered for this client at the provider is the one shown under Public key to register \
             (with that Algorithm and Key ID); the assertion was addressed to {audience}: if the provider expects \
             another audience, {fix}"
        )
    }
}

impl std::fmt::Display for TokenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} failed: ", self.call.describe())?;
        if self.kind == TokenErrorKind::Proxy {
            // The proxy's message names the proxy and the fix already.
            return write!(f, "{}", self.detail);
        }
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
            (TokenErrorKind::MissingField(field), None) => {
                write!(f, "HTTP {} but the answer has no usable `{}`", self.status, field.as_str())?;
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
            (TokenErrorKind::Proxy, None) => write!(f, "{}", self.detail)?,
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

pub(crate) fn looks_like_html(body: &[u8]) -> bool {
    let start = String::from_utf8_lossy(&body[..body.len().min(64)]).trim_start().to_ascii_lowercase();
    start.starts_with("<!doctype html") || start.starts_with("<html") || start.starts_with('<')
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
pub(crate) fn media_type(content_type: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::token_response::parse_token_response;

    fn parse(
        status: u16,
        content_type: &str,
        body: &str,
    ) -> std::result::Result<crate::oauth::token_response::TokenResponse, TokenError> {
        parse_token_response(TokenCall::Refresh, status, content_type, body.as_bytes(), &["old-refresh"])
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
    fn provider_error_codes_are_an_enum_with_extensions_kept() {
        for text in ["invalid_request", "invalid_client", "invalid_grant", "unauthorized_client"]
            .into_iter()
            .chain(["unsupported_grant_type", "invalid_scope", "unsupported_token_type", "bad_verification_code"])
            .chain(["authorization_pending", "slow_down", "access_denied", "expired_token"])
        {
            let code = ProviderErrorCode::new(text);
            assert_eq!((code.as_str(), code.to_string().as_str()), (text, text));
        }
        assert_eq!(ProviderErrorCode::new("invalid_client"), ProviderErrorCode::InvalidClient);
        assert_eq!(ProviderErrorCode::new("slow_down"), ProviderErrorCode::SlowDown, "RFC 8628 §3.5");
        assert_eq!(ProviderErrorCode::new("slow_dawn"), ProviderErrorCode::Other("slow_dawn".into()));
        let err = parse(401, "application/json", r#"{"error":"invalid_client"}"#).unwrap_err();
        assert_eq!(err.error, Some(ProviderErrorCode::InvalidClient));
        assert_eq!(err.field(), Some("auth.refreshClientAuthentication"), "a refresh names the refresh setting");
    }

    #[test]
    fn a_refused_private_key_jwt_assertion_names_the_key_and_the_audience() {
        let refused = |issuer_set: bool| {
            let mut err = parse(401, "application/json", r#"{"error":"invalid_client"}"#).unwrap_err();
            err.call = TokenCall::ClientCredentials;
            let mut audience = vec!["https://id.example.com/oauth/token".to_owned()];
            if issuer_set {
                audience.push("https://id.example.com".to_owned());
            }
            err.key_assertion = Some(Box::new(KeyAssertion { audience, issuer_set }));
            err
        };
        let without = refused(false);
        assert_eq!(without.field(), Some("auth.clientAssertionKey"));
        let text = without.to_string();
        assert!(text.contains("Public key to register") && text.contains("set the Issuer"), "{text}");
        assert!(text.contains("addressed to https://id.example.com/oauth/token:"), "{text}");
        let text = refused(true).to_string();
        assert!(text.contains("https://id.example.com/oauth/token and https://id.example.com"), "{text}");
        assert!(
            text.contains("check the Issuer and the Access Token URL") && !text.contains("set the Issuer"),
            "{text}"
        );
    }
}
