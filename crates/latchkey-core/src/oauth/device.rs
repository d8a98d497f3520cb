//! The device authorization grant (RFC 8628): the device authorization request (§3.1) and its
//! answer (§3.2), the polling token request (§3.4), and the polling loop (§3.5), which waits
//! `interval` between polls, slows down when told, and ends on a token, a denial or expiry.
//! Building and parsing are pure; the loop takes its clock and its poll as arguments, so its
//! pacing is tested without waiting. Sending is the token client's, storing the lifecycle's;
//! the entry point that joins them is [`super::authorize_device`].

use std::future::Future;
use std::time::Duration;

use serde_json::Value;
use url::Url;

use super::callback::AuthorizationError;
use super::token_error::{scrub, AnswerField, ProviderErrorCode, TokenError, TokenErrorKind};
use super::token_request::{TokenCall, TokenRequest};
use super::token_response::parse_fields;
use crate::model::OAuth2Config;
use crate::{Error, Result, Secret};

/// RFC 8628 §3.4: the `grant_type` of the polling token request.
pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// RFC 8628 §3.2: the polling interval when the provider names none, in seconds.
pub const DEFAULT_INTERVAL: u64 = 5;
/// RFC 8628 §3.5: how much longer to wait after each `slow_down`, in seconds.
pub const SLOW_DOWN_STEP: u64 = 5;
/// The lifetime assumed for a code whose answer has no `expires_in` (RFC 8628 §3.2 requires
/// one; Google's is 1800 s).
pub const DEFAULT_EXPIRES_IN: u64 = 1800;
/// Device authorization answers larger than this are refused (one is a few hundred bytes).
pub const MAX_DEVICE_RESPONSE: usize = 64 * 1024;
/// The longest user code shown; a longer one is not a user code.
const MAX_USER_CODE: usize = 64;

/// RFC 8628 §3.2: a device authorization response. `Debug` never shows the device code.
#[derive(Debug)]
pub struct DeviceCode {
    /// Sent back when polling; never shown.
    pub device_code: Secret,
    /// What the person enters on the verification page.
    pub user_code: String,
    /// Where the person enters the code (Google names it `verification_url`).
    pub verification_uri: String,
    /// The verification page with the code filled in, when the provider offers one.
    pub verification_uri_complete: Option<String>,
    /// Seconds until the code expires.
    pub expires_in: u64,
    /// Seconds to wait between polls.
    pub interval: u64,
}

impl DeviceCode {
    /// The page to open for the person: the one with the code filled in when there is one.
    pub fn page_to_open(&self) -> &str {
        self.verification_uri_complete.as_deref().unwrap_or(&self.verification_uri)
    }
}

/// RFC 8628 §3.1: asking `url` (the Device Authorization URL) for a device code, with the
/// scope, audience and resource, the custom token parameters, and the client authenticated as
/// on every token call. `now`: seconds since the epoch, for a client assertion.
///
/// # Errors
/// [`Error::Invalid`] on `auth.deviceAuthorizationUrl` for an unusable URL, and as
/// [`super::token_request::direct_grant_request`] for the client authentication.
pub fn device_authorization_request(config: &OAuth2Config, url: &str, now: u64) -> Result<TokenRequest> {
    let mut request = TokenRequest::new(TokenCall::DeviceAuthorization, url, "auth.deviceAuthorizationUrl")?;
    request.scope(config);
    request.audience_and_resource(config);
    request.custom_params(config);
    request.authenticate_client(config, config.client_authentication, now)?;
    Ok(request)
}

/// RFC 8628 §3.4: polling the token endpoint for the tokens of `device_code`.
///
/// # Errors
/// As [`device_authorization_request`], for the Access Token URL.
pub fn device_token_request(config: &OAuth2Config, device_code: &Secret, now: u64) -> Result<TokenRequest> {
    let mut request = TokenRequest::new(TokenCall::DeviceCode, &config.access_token_url, "auth.accessTokenUrl")?;
    request.param("grant_type", DEVICE_CODE_GRANT);
    request.secret_param("device_code", device_code.expose());
    request.audience_and_resource(config);
    request.custom_params(config);
    request.authenticate_client(config, config.client_authentication, now)?;
    Ok(request)
}

/// Reads the answer of the device authorization endpoint. `secrets` (those the request
/// carried) and any `device_code` in the answer are kept out of every error text; the body is
/// never quoted.
///
/// # Errors
/// A [`TokenError`] (call [`TokenCall::DeviceAuthorization`]) for an RFC 6749 §5.2 error in
/// any status, a non-2xx answer, an answer that is not JSON or form fields, one larger than
/// [`MAX_DEVICE_RESPONSE`], and one without a `device_code`, a `user_code` fit to show or an
/// http(s) `verification_uri`.
pub fn parse_device_authorization(
    status: u16,
    content_type: &str,
    body: &[u8],
    secrets: &[&str],
) -> std::result::Result<DeviceCode, TokenError> {
    let call = TokenCall::DeviceAuthorization;
    if body.len() > MAX_DEVICE_RESPONSE {
        return Err(TokenError::new(TokenErrorKind::TooLarge, call, status));
    }
    let fields = parse_fields(content_type, body);
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let get = |key: &str| fields.as_ref().and_then(|f| f.get(key)).and_then(text).filter(|s| !s.is_empty());
    let device_code = get("device_code").map(Secret::new);
    let mut all_secrets = secrets.to_vec();
    if let Some(code) = &device_code {
        all_secrets.push(code.expose());
    }

    if let Some(error) = get("error") {
        let mut err =
            TokenError::new(TokenErrorKind::Provider, call, status).answered(content_type, body, &all_secrets);
        err.error = Some(ProviderErrorCode::new(
            &scrub(&error, &all_secrets).unwrap_or_else(|| crate::http::REDACTED.to_owned()),
        ));
        err.description = get("error_description").map(|d| {
            scrub(&d, &all_secrets).unwrap_or_else(|| "not shown: it quoted a secret sent with the request".to_owned())
        });
        err.error_uri = get("error_uri").and_then(|uri| scrub(&uri, &all_secrets)).map(String::into_boxed_str);
        return Err(err);
    }
    if !(200..300).contains(&status) || fields.is_none() {
        let kind = if fields.is_some() { TokenErrorKind::Provider } else { TokenErrorKind::NotATokenResponse };
        return Err(TokenError::new(kind, call, status).answered(content_type, body, &all_secrets));
    }
    let missing = |field| TokenError::new(TokenErrorKind::MissingField(field), call, status);
    let device_code = device_code.ok_or_else(|| missing(AnswerField::DeviceCode))?;
    let user_code = get("user_code")
        .filter(|c| c.chars().count() <= MAX_USER_CODE && !c.chars().any(char::is_control))
        .ok_or_else(|| missing(AnswerField::UserCode))?;
    let page = |key: &str| {
        get(key)
            .and_then(|raw| Url::parse(&raw).ok())
            .filter(|url| matches!(url.scheme(), "https" | "http") && url.has_host())
            .map(String::from)
    };
    let verification_uri = page("verification_uri")
        .or_else(|| page("verification_url"))
        .ok_or_else(|| missing(AnswerField::VerificationUri))?;
    let seconds = |key: &str| {
        get(key).and_then(|s| s.parse::<f64>().ok()).filter(|s| s.is_finite() && *s >= 0.0).map(|s| s as u64)
    };
    Ok(DeviceCode {
        device_code,
        user_code,
        verification_uri,
        verification_uri_complete: page("verification_uri_complete").or_else(|| page("verification_url_complete")),
        expires_in: seconds("expires_in").filter(|s| *s > 0).unwrap_or(DEFAULT_EXPIRES_IN),
        interval: seconds("interval").unwrap_or(DEFAULT_INTERVAL).clamp(1, 3600),
    })
}

/// The time the polling loop sees and waits on; tests pass one that does not wait.
pub trait PollClock {
    /// Time since the code was issued.
    fn elapsed(&self) -> Duration;
    /// Waits `duration`.
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + Send;
}

/// The real clock, started when the code was issued.
#[derive(Debug, Clone, Copy)]
pub struct SystemClock {
    start: tokio::time::Instant,
}

impl SystemClock {
    pub fn start() -> Self {
        SystemClock { start: tokio::time::Instant::now() }
    }
}

impl PollClock for SystemClock {
    fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + Send {
        tokio::time::sleep(duration)
    }
}

/// What the polling loop reports while the person has not finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceProgress {
    /// The provider answered `authorization_pending`; `remaining` until the code expires.
    Pending { remaining: Duration },
    /// The provider answered `slow_down`: polls are now `interval` apart.
    SlowedDown { interval: Duration },
}

/// RFC 8628 §3.5: polls with `poll` every `interval` seconds of `code` until it gives tokens.
/// `authorization_pending` goes on, `slow_down` adds [`SLOW_DOWN_STEP`] seconds to the
/// interval; both are reported to `progress`. The loop ends when the code's `expires_in` has
/// passed. A caller cancels by dropping it (or by racing it against a signal): it stops at the
/// wait or poll it is in, and nothing is stored, since storing is the caller's.
///
/// # Errors
/// [`AuthorizationError::DeviceDenied`] for `access_denied`,
/// [`AuthorizationError::DeviceCodeExpired`] for `expired_token` or a passed deadline, and
/// any other error of `poll` as it is.
pub async fn poll_for_tokens<T, Fut>(
    code: &DeviceCode,
    clock: &impl PollClock,
    mut poll: impl FnMut() -> Fut,
    mut progress: impl FnMut(DeviceProgress),
) -> Result<T>
where
    Fut: Future<Output = Result<T>>,
{
    let deadline = Duration::from_secs(code.expires_in);
    let mut interval = Duration::from_secs(code.interval);
    loop {
        clock.sleep(interval).await;
        if clock.elapsed() >= deadline {
            return Err(Error::Authorization(AuthorizationError::DeviceCodeExpired));
        }
        let err = match poll().await {
            Ok(tokens) => return Ok(tokens),
            Err(Error::Token(err)) => err,
            Err(other) => return Err(other),
        };
        match &err.error {
            Some(ProviderErrorCode::AuthorizationPending) => {
                progress(DeviceProgress::Pending { remaining: deadline.saturating_sub(clock.elapsed()) });
            }
            Some(ProviderErrorCode::SlowDown) => {
                interval += Duration::from_secs(SLOW_DOWN_STEP);
                progress(DeviceProgress::SlowedDown { interval });
            }
            Some(ProviderErrorCode::AccessDenied) => {
                return Err(Error::Authorization(AuthorizationError::DeviceDenied { description: err.description }));
            }
            Some(ProviderErrorCode::ExpiredToken) => {
                return Err(Error::Authorization(AuthorizationError::DeviceCodeExpired));
            }
            _ => return Err(Error::Token(err)),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::{Cell, RefCell};

    use super::*;
    use crate::model::{ClientAuthentication, KeyValue};
    use crate::oauth::token_response::parse_token_response;
    use crate::SecretField;

    const NOW: u64 = 1_700_000_000;

    fn config() -> OAuth2Config {
        OAuth2Config {
            grant_type: crate::model::GrantType::DeviceCode,
            access_token_url: "https://id.example.com/token".into(),
            device_authorization_url: "https://id.example.com/device".into(),
            client_id: "tv".into(),
            client_secret: SecretField::Value(Secret::new("s3cret-value")),
            scopes: vec!["openid".into(), "offline_access".into()],
            audience: "api".into(),
            custom_token_params: vec![KeyValue::new("tenant", "t-1")],
            ..Default::default()
        }
    }

    #[test]
    fn the_device_authorization_request_carries_scope_and_the_client_authentication() {
        let request = device_authorization_request(&config(), "https://id.example.com/device", NOW).unwrap();
        assert_eq!(request.url.as_str(), "https://id.example.com/device");
        assert_eq!(request.param_value("scope"), Some("openid offline_access"));
        assert_eq!(request.param_value("audience"), Some("api"));
        assert_eq!(request.param_value("tenant"), Some("t-1"), "custom token parameters go along");
        assert_eq!(request.param_value("client_secret"), Some("s3cret-value"), "Client Authentication: body");
        assert_eq!(request.param_value("grant_type"), None, "RFC 8628 §3.1 has no grant_type");
        let basic = OAuth2Config { client_authentication: ClientAuthentication::BasicHeader, ..config() };
        let request = device_authorization_request(&basic, "https://id.example.com/device", NOW).unwrap();
        assert!(request.authorization.is_some() && request.param_value("client_secret").is_none());
        let jwt = OAuth2Config { client_authentication: ClientAuthentication::ClientSecretJwt, ..config() };
        let request = device_authorization_request(&jwt, "https://id.example.com/device", NOW).unwrap();
        assert!(request.param_value("client_assertion").is_some(), "the same client authentication as token calls");
        let err = device_authorization_request(&config(), "not a url", NOW).unwrap_err();
        assert!(format!("{err:?}").contains("auth.deviceAuthorizationUrl"), "{err:?}");
    }

    #[test]
    fn the_polling_request_names_the_grant_and_keeps_the_device_code_secret() {
        let request = device_token_request(&config(), &Secret::new("dev-code-123"), NOW).unwrap();
        assert_eq!(request.param_value("grant_type"), Some(DEVICE_CODE_GRANT));
        assert_eq!(request.param_value("device_code"), Some("dev-code-123"));
        assert_eq!(request.param_value("tenant"), Some("t-1"));
        assert_eq!(request.param_value("client_id"), Some("tv"));
        assert!(request.secret_values().contains(&"dev-code-123"), "scrubbed from error text");
        assert!(!format!("{request:?}").contains("dev-code-123"));
    }

    fn parse(status: u16, body: &str) -> std::result::Result<DeviceCode, TokenError> {
        parse_device_authorization(status, "application/json", body.as_bytes(), &["s3cret-value"])
    }

    #[test]
    fn answers_parse_with_google_spelling_and_defaults() {
        let code = parse(
            200,
            r#"{"device_code":"dc-1","user_code":"WDJB-MJHT","verification_uri":"https://id.example.com/device",
            "verification_uri_complete":"https://id.example.com/device?user_code=WDJB-MJHT","expires_in":900,"interval":"2"}"#,
        )
        .unwrap();
        assert_eq!((code.user_code.as_str(), code.expires_in, code.interval), ("WDJB-MJHT", 900, 2));
        assert_eq!(code.page_to_open(), "https://id.example.com/device?user_code=WDJB-MJHT");
        assert!(!format!("{code:?}").contains("dc-1"), "Debug hides the device code");
        let google = parse(
            200,
            r#"{"device_code":"dc-2","user_code":"ABC-DEF","verification_url":"https://www.google.com/device","expires_in":1800}"#,
        )
        .unwrap();
        assert_eq!(google.verification_uri, "https://www.google.com/device");
        assert_eq!(google.page_to_open(), "https://www.google.com/device");
        assert_eq!(google.interval, DEFAULT_INTERVAL, "RFC 8628 §3.2: 5 s when absent");
    }

    #[test]
    fn unusable_answers_are_explained_without_the_device_code() {
        let err = parse(400, r#"{"error":"invalid_client","error_description":"no client dc-secret-77"}"#).unwrap_err();
        assert!(err.to_string().contains("invalid_client") && err.to_string().contains("requesting a device code"));
        let err =
            parse(200, r#"{"error":"invalid_scope","device_code":"dc-secret-77","error_description":"dc-secret-77"}"#)
                .unwrap_err();
        assert!(!err.to_string().contains("dc-secret-77"), "{err}");
        let err = parse(200, "<html><body>login</body></html>").unwrap_err();
        assert_eq!(err.kind, TokenErrorKind::NotATokenResponse);
        assert!(err.to_string().contains("Device Authorization URL"), "{err}");
        let err =
            parse(200, r#"{"device_code":"dc-secret-77","user_code":"A","verification_uri":"javascript:alert(1)"}"#)
                .unwrap_err();
        assert_eq!(
            err.kind,
            TokenErrorKind::MissingField(AnswerField::VerificationUri),
            "only http(s) pages are opened"
        );
        assert!(!err.to_string().contains("dc-secret-77"), "{err}");
        let err = parse(200, r#"{"device_code":"d","user_code":"A\u001b[2J","verification_uri":"https://x.example"}"#)
            .unwrap_err();
        assert_eq!(err.kind, TokenErrorKind::MissingField(AnswerField::UserCode), "no terminal escapes are shown");
        let big = format!(r#"{{"device_code":"{}"}}"#, "x".repeat(MAX_DEVICE_RESPONSE));
        assert_eq!(parse(200, &big).unwrap_err().kind, TokenErrorKind::TooLarge);
    }

    /// A clock that only counts what the loop waited.
    #[derive(Default)]
    struct CountingClock {
        waited: Cell<Duration>,
        waits: RefCell<Vec<u64>>,
    }

    impl PollClock for CountingClock {
        fn elapsed(&self) -> Duration {
            self.waited.get()
        }

        fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + Send {
            self.waited.set(self.waited.get() + duration);
            self.waits.borrow_mut().push(duration.as_secs());
            std::future::ready(())
        }
    }

    fn answer(error: &str) -> Result<&'static str> {
        let body = format!(r#"{{"error":"{error}","error_description":"said {error}"}}"#);
        Err(parse_token_response(TokenCall::DeviceCode, 400, "application/json", body.as_bytes(), &[])
            .unwrap_err()
            .into())
    }

    fn code(expires_in: u64, interval: u64) -> DeviceCode {
        DeviceCode {
            device_code: Secret::new("dc"),
            user_code: "U".into(),
            verification_uri: "https://id.example.com/device".into(),
            verification_uri_complete: None,
            expires_in,
            interval,
        }
    }

    fn run(code: &DeviceCode, answers: &[&str]) -> (Result<&'static str>, Vec<u64>, Vec<DeviceProgress>) {
        let clock = CountingClock::default();
        let mut answers = answers.iter();
        let mut reported = Vec::new();
        let poll = || {
            let next = answers.next().copied();
            async move {
                match next {
                    Some("ok") | None => Ok("tokens"),
                    Some(error) => answer(error),
                }
            }
        };
        let result = futures_lite_block_on(poll_for_tokens(code, &clock, poll, |p| reported.push(p)));
        let waits = clock.waits.borrow().clone();
        (result, waits, reported)
    }

    fn futures_lite_block_on<F: Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(future)
    }

    #[test]
    fn pending_waits_the_interval_and_slow_down_adds_five_seconds() {
        let (result, waits, reported) =
            run(&code(600, 2), &["authorization_pending", "slow_down", "authorization_pending", "slow_down", "ok"]);
        assert_eq!(result.unwrap(), "tokens");
        assert_eq!(waits, [2, 2, 7, 7, 12], "each slow_down adds 5 s to every later wait (RFC 8628 §3.5)");
        assert_eq!(
            reported[1],
            DeviceProgress::SlowedDown { interval: Duration::from_secs(7) },
            "slowing down is reported"
        );
        assert!(matches!(reported[0], DeviceProgress::Pending { remaining } if remaining == Duration::from_secs(598)));
    }

    #[test]
    fn denial_expiry_and_other_errors_end_the_loop() {
        let (result, ..) = run(&code(600, 1), &["authorization_pending", "access_denied"]);
        let err = result.unwrap_err();
        assert!(
            matches!(&err, Error::Authorization(AuthorizationError::DeviceDenied { description: Some(d) }) if d == "said access_denied")
        );
        assert!(err.to_string().contains("the person denied"), "{err}");
        let (result, ..) = run(&code(600, 1), &["expired_token"]);
        let err = result.unwrap_err();
        assert!(err.to_string().contains("the code expired") && err.to_string().contains("authorize again"), "{err}");
        let (result, ..) = run(&code(600, 1), &["invalid_client"]);
        assert!(result.unwrap_err().to_string().contains("invalid_client"), "explained as the token client does");
        let pending = ["authorization_pending"; 20];
        let (result, waits, _) = run(&code(10, 3), &pending);
        assert!(matches!(result, Err(Error::Authorization(AuthorizationError::DeviceCodeExpired))));
        assert_eq!(waits.len(), 4, "the local deadline ends polling: 3 + 3 + 3 + 3 ≥ 10");
    }
}
