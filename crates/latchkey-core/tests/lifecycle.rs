//! The token client and the token lifecycle over real HTTP, with a real SQLite store in a temp
//! dir, against the testkit's `QuirkyProvider`. That fake is for QUIRKS ONLY: provider
//! behaviour the certified `oidc-provider` (used by the end-to-end tests) never shows, such as
//! form-encoded answers, odd `expires_in`, rotated or refused refresh tokens, 5xx, HTML pages,
//! dropped connections and redirects. Conforming OAuth 2.0 flows are tested against
//! `oidc-provider`, not here. Request building and response parsing as such are unit-tested
//! in `token_client.rs`; these tests are about what happens over the wire and in the store.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use latchkey_core::http::{execute, SendOptions, Transport};
use latchkey_core::model::{Datasource, OAuth2Config, RequestBody, RequestSpec, TokenState, TokenStatus};
use latchkey_core::oauth::token_client::{jwt_expiry, TokenErrorKind};
use latchkey_core::oauth::{authorization, discovery, TokenClient, TokenClientOptions, TokenError, TokenLifecycle};
use latchkey_core::store::TokenRecord;
use latchkey_core::transfer::parse_datasource;
use latchkey_core::vault::key::KeyringUse;
use latchkey_core::{DataDir, Error, Secret, Store};
use latchkey_testkit::{
    BrokenAnswer, ExpiresIn, Quirks, QuirkyProvider, RefreshTokenOnRefresh, ResponseFormat, Revocation,
    REFUSED_REFRESH_REASON,
};

/// With characters that form encoding changes, so a secret quoted back from a form body is
/// recognisable only encoded.
const CLIENT_SECRET: &str = "MARKER-CS/51f0+&=x y";
const PASSWORD: &str = "MARKER-PW-8c2e";

/// Fast retries so failure tests stay quick.
fn fast() -> TokenClientOptions {
    TokenClientOptions { timeout: Duration::from_secs(10), attempts: 3, backoff: Duration::from_millis(10) }
}

/// A provider, a store in a temp dir with one OAuth 2.0 datasource pointing at it, and a
/// lifecycle over both.
struct Fixture {
    provider: QuirkyProvider,
    store: Store,
    lifecycle: TokenLifecycle,
    ds: Datasource,
    dir: tempfile::TempDir,
}

impl Fixture {
    /// `grant` is the datasource's grant type; `extra` more `auth` members (`,"k":v…`).
    async fn new(grant: &str, extra: &str, quirks: impl FnOnce(&mut Quirks)) -> Fixture {
        Fixture::with_options(grant, extra, fast(), quirks).await
    }

    async fn with_options(
        grant: &str,
        extra: &str,
        options: TokenClientOptions,
        quirks: impl FnOnce(&mut Quirks),
    ) -> Fixture {
        let provider = QuirkyProvider::start();
        provider.set(quirks);
        let json = format!(
            r#"{{"name":"Quirky","url":"{api}","auth":{{"type":"oauth2","grantType":"{grant}",
              "accessTokenUrl":"{token}","authorizationUrl":"{authorize}","clientId":"quirky-client",
              "clientSecret":"{CLIENT_SECRET}","username":"ann","password":"{PASSWORD}"{extra}}}}}"#,
            api = provider.api_url(),
            token = provider.token_url(),
            authorize = provider.url("/authorize"),
        );
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_with(&DataDir::at(dir.path()), KeyringUse::Off).await.expect("open store");
        let created = store.create_datasource(parse_datasource(&json).expect("valid datasource")).await.unwrap();
        let ds = store.datasource_with_secrets(&created.id).await.unwrap();
        let lifecycle = TokenLifecycle::new(store.clone(), TokenClient::new(Transport::new(), options));
        Fixture { provider, store, lifecycle, ds, dir }
    }

    /// Tokens the first time: the code exchange (any code is good at the provider), or a
    /// direct grant.
    async fn authorize(&self) -> latchkey_core::Result<TokenState> {
        let oauth = latchkey_core::oauth::OAuthDatasource::of(&self.ds).unwrap();
        if !oauth.needs_person() {
            return self.lifecycle.fetch_now(&self.ds).await;
        }
        let pending = authorization::start(oauth, "http://127.0.0.1:9/callback").unwrap();
        self.lifecycle.complete(oauth, &pending, &Secret::new("code-from-the-browser")).await
    }

    async fn record(&self) -> TokenRecord {
        self.store.tokens(&self.ds).await.unwrap().expect("tokens stored")
    }

    async fn access(&self) -> String {
        self.record().await.access_token.expect("an access token").expose().to_owned()
    }

    async fn refresh(&self) -> String {
        self.record().await.refresh_token.expect("a refresh token").expose().to_owned()
    }

    async fn status(&self) -> TokenStatus {
        self.lifecycle.state(&self.ds).await.unwrap().status
    }

    /// Makes the stored access token look expired to the lifecycle (the provider still
    /// honours it), without waiting. The refresh token stays as it is.
    async fn expire_now(&self) {
        common::make_due(&self.store, &self.ds).await;
    }

    /// The refresh-token values sent to the token endpoint, in order.
    fn refresh_tokens_sent(&self) -> Vec<String> {
        self.provider
            .requests_to("/token")
            .iter()
            .filter(|r| r.form_value("grant_type").as_deref() == Some("refresh_token"))
            .map(|r| r.form_value("refresh_token").unwrap_or_default())
            .collect()
    }

    /// Neither the message nor the Debug form of `err` holds the client secret (as is,
    /// form-encoded, or as Basic credentials), the password or any token the provider handed
    /// out.
    fn assert_quiet(&self, err: &Error) {
        let (shown, debug) = (err.to_string(), format!("{err:?}"));
        let encoded: String = url::form_urlencoded::byte_serialize(CLIENT_SECRET.as_bytes()).collect();
        let basic = BASE64.encode(format!("quirky-client:{encoded}"));
        let mut secrets = vec![CLIENT_SECRET.to_owned(), encoded, basic, PASSWORD.to_owned()];
        secrets.extend(self.provider.tokens_handed_out());
        for secret in &secrets {
            assert!(!shown.contains(secret.as_str()), "`{secret}` leaked into the message: {shown}");
            assert!(!debug.contains(secret.as_str()), "`{secret}` leaked into the Debug output: {debug}");
        }
    }
}

fn token_error(err: &Error) -> &TokenError {
    match err {
        Error::Token(token) => token,
        other => panic!("expected a token endpoint error, got {other:?}"),
    }
}

fn get(path: &str) -> RequestSpec {
    RequestSpec { path: path.into(), ..Default::default() }
}

// --- Token responses that deviate from RFC 6749 §5.1 -------------------------------------

#[tokio::test]
async fn a_form_encoded_token_response_is_read_and_json_is_asked_for() {
    let fx = Fixture::new("client_credentials", "", |q| q.format = ResponseFormat::Form).await;
    let state = fx.authorize().await.unwrap();
    let request = &fx.provider.requests_to("/token")[0];
    assert_eq!(request.header("accept"), Some("application/json"), "token calls ask for JSON (GitHub obliges)");
    assert_eq!(state.status, TokenStatus::Authorized);
    assert_eq!(state.token_type, "Bearer");
    assert_eq!(state.expires_at.unwrap() - state.obtained_at.unwrap(), 3_600_000, "expires_in read from the form");
    assert!(fx.provider.accepts(&fx.access().await), "the stored token is the one issued, decoded from the form");
}

#[tokio::test]
async fn expires_in_as_a_string_is_understood() {
    let fx = Fixture::new("client_credentials", "", |q| {
        q.expires_in = ExpiresIn::String;
        q.lifetime_secs = 1234;
    })
    .await;
    let state = fx.authorize().await.unwrap();
    assert_eq!(state.expires_at.unwrap() - state.obtained_at.unwrap(), 1_234_000, "\"1234\" is 1234 seconds");
}

#[tokio::test]
async fn a_missing_expires_in_falls_back_to_the_override_then_the_jwt_exp_then_unknown() {
    let overridden =
        Fixture::new("client_credentials", r#","expiresInOverride":777"#, |q| q.expires_in = ExpiresIn::Missing).await;
    let state = overridden.authorize().await.unwrap();
    assert_eq!(state.expires_at.unwrap() - state.obtained_at.unwrap(), 777_000, "the datasource's override is used");

    let jwt = Fixture::new("client_credentials", "", |q| {
        q.expires_in = ExpiresIn::Missing;
        q.jwt_access_tokens = true;
        q.lifetime_secs = 900;
    })
    .await;
    let state = jwt.authorize().await.unwrap();
    let exp = jwt_expiry(&jwt.access().await).expect("the provider issued a JWT with exp");
    assert_eq!(state.expires_at, Some(exp * 1000), "without an override, the JWT's exp is the expiry");
    let lifetime = exp * 1000 - state.obtained_at.unwrap();
    assert!((895_000..=901_000).contains(&lifetime), "exp is about 900 s ahead: {lifetime} ms");

    let unknown = Fixture::new("client_credentials", "", |q| q.expires_in = ExpiresIn::Missing).await;
    let state = unknown.authorize().await.unwrap();
    assert_eq!(state.expires_at, None, "an opaque token without expires_in has an unknown expiry");
    let first = unknown.access().await;
    for _ in 0..3 {
        let token = unknown.lifecycle.access_token(&unknown.ds).await.unwrap();
        assert_eq!(token.expose(), first, "an unknown expiry is never due");
    }
    assert_eq!(unknown.provider.all_token_calls(), 1, "no token call until a 401 says so");
}

#[tokio::test]
async fn an_upper_case_bearer_token_type_works() {
    let fx = Fixture::new("authorization_code", "", |q| q.token_type = "BEARER".into()).await;
    let state = fx.authorize().await.unwrap();
    assert_eq!(state.token_type, "BEARER", "the token type is kept as the provider wrote it");
    let response =
        execute(&Transport::new(), &fx.ds, &get("/me"), &fx.lifecycle, &SendOptions::default()).await.unwrap();
    assert_eq!(response.status, 200, "the API accepts the token");
    let sent = fx.provider.api_requests()[0].header("authorization").unwrap().to_owned();
    assert_eq!(sent, format!("Bearer {}", fx.access().await));
}

// --- Refresh tokens -----------------------------------------------------------------------

#[tokio::test]
async fn a_refresh_response_without_a_refresh_token_keeps_the_old_one() {
    let fx = Fixture::new("authorization_code", "", |q| q.on_refresh = RefreshTokenOnRefresh::Omit).await;
    fx.authorize().await.unwrap();
    let (first_access, refresh) = (fx.access().await, fx.refresh().await);
    fx.expire_now().await;
    let second = fx.lifecycle.access_token(&fx.ds).await.unwrap();
    assert_ne!(second.expose(), first_access, "refreshed");
    assert_eq!(fx.refresh().await, refresh, "the refresh token is kept when the answer has none");
    assert!(fx.lifecycle.state(&fx.ds).await.unwrap().has_refresh_token);
    fx.expire_now().await;
    fx.lifecycle.access_token(&fx.ds).await.expect("the kept refresh token still works");
    assert_eq!(fx.refresh_tokens_sent(), vec![refresh.clone(), refresh], "both refreshes used the kept token");
}

#[tokio::test]
async fn a_rotated_refresh_token_is_stored_and_the_old_one_is_never_sent_again() {
    let fx = Fixture::new("authorization_code", "", |q| q.on_refresh = RefreshTokenOnRefresh::Rotate).await;
    fx.authorize().await.unwrap();
    let first = fx.refresh().await;
    fx.expire_now().await;
    fx.lifecycle.access_token(&fx.ds).await.unwrap();
    let second = fx.refresh().await;
    assert_ne!(second, first, "the rotated refresh token is stored");
    assert!(!fx.provider.accepts_refresh(&first), "the provider has spent the old one");
    fx.expire_now().await;
    fx.lifecycle.access_token(&fx.ds).await.expect("the second refresh uses the rotated token");
    assert_eq!(fx.refresh_tokens_sent(), vec![first, second], "each refresh token is sent once");
    assert_eq!(fx.status().await, TokenStatus::Authorized);
}

#[tokio::test]
async fn a_short_lived_token_is_refreshed_at_half_its_lifetime_before_it_expires() {
    let fx = Fixture::new("authorization_code", "", |q| q.lifetime_secs = 4).await;
    let start = Instant::now();
    fx.authorize().await.unwrap();
    let first = fx.access().await;

    tokio::time::sleep_until((start + Duration::from_millis(500)).into()).await;
    let early = fx.lifecycle.access_token(&fx.ds).await.unwrap();
    assert_eq!(early.expose(), first, "a 4 s token is used as it is in its first 2 s");
    assert_eq!(fx.provider.token_calls("refresh_token"), 0);

    tokio::time::sleep_until((start + Duration::from_millis(2_600)).into()).await;
    let late = fx.lifecycle.access_token(&fx.ds).await.unwrap();
    assert_ne!(late.expose(), first, "past half its lifetime (margin min(60 s, 2 s)) the token is refreshed");
    assert_eq!(fx.provider.token_calls("refresh_token"), 1);
    assert!(fx.provider.accepts(&first), "the refresh came before the old token expired at the provider");
}

#[tokio::test]
async fn a_refused_refresh_token_needs_reauthorization_with_the_providers_reason() {
    let fx = Fixture::new("authorization_code", "", |_| {}).await;
    fx.authorize().await.unwrap();
    fx.provider.set(|q| q.refuse_refresh = true);
    fx.expire_now().await;
    let err = fx.lifecycle.access_token(&fx.ds).await.unwrap_err();
    let Error::NeedsReauthorization { reason, .. } = &err else { panic!("expected NeedsReauthorization: {err:?}") };
    assert!(reason.contains(REFUSED_REFRESH_REASON), "the provider's words are kept: {reason}");
    fx.assert_quiet(&err);

    let state = fx.lifecycle.state(&fx.ds).await.unwrap();
    assert_eq!(state.status, TokenStatus::NeedsReauthorization);
    assert!(state.reason.as_deref().unwrap_or("").contains(REFUSED_REFRESH_REASON), "{state:?}");
    let record = fx.record().await;
    assert!(record.access_token.is_none() && record.refresh_token.is_none(), "refused tokens are dropped");

    let again = fx.lifecycle.access_token(&fx.ds).await.unwrap_err();
    assert!(matches!(again, Error::NeedsReauthorization { .. }), "{again:?}");
    assert_eq!(fx.provider.token_calls("refresh_token"), 1, "a refused grant is not tried again");
}

#[tokio::test]
async fn client_credentials_and_password_fetch_again_when_the_refresh_token_is_refused() {
    for grant in ["client_credentials", "password"] {
        let fx = Fixture::new(grant, "", |q| q.refresh_token_with_client_credentials = true).await;
        fx.authorize().await.unwrap();
        let first = fx.access().await;
        fx.refresh().await; // the provider issued one
        fx.provider.set(|q| q.refuse_refresh = true);
        fx.expire_now().await;
        let token = fx.lifecycle.access_token(&fx.ds).await.expect("a new token without a person");
        assert_ne!(token.expose(), first, "{grant}");
        assert_eq!(fx.provider.token_calls("refresh_token"), 1, "{grant}: the refresh was tried once");
        assert_eq!(fx.provider.token_calls(grant), 2, "{grant}: then the grant was used again");
        assert_eq!(fx.status().await, TokenStatus::Authorized, "{grant}");
    }
}

#[tokio::test]
async fn the_password_grant_sends_username_and_password() {
    let fx = Fixture::new("password", "", |_| {}).await;
    fx.authorize().await.unwrap();
    let request = &fx.provider.requests_to("/token")[0];
    assert_eq!(request.header("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(request.form_value("grant_type").as_deref(), Some("password"));
    assert_eq!(request.form_value("username").as_deref(), Some("ann"));
    assert_eq!(request.form_value("password").as_deref(), Some(PASSWORD));
    assert_eq!(request.form_value("client_secret").as_deref(), Some(CLIENT_SECRET), "body client authentication");
}

// --- Failures at the token endpoint ---------------------------------------------------------

#[tokio::test]
async fn server_errors_and_dropped_connections_are_retried() {
    for fault in ["5xx", "reset"] {
        let fx = Fixture::new("client_credentials", "", |q| match fault {
            "5xx" => q.server_errors = 2,
            _ => q.resets = 2,
        })
        .await;
        fx.authorize().await.unwrap_or_else(|e| panic!("{fault}: the third attempt should succeed: {e}"));
        assert_eq!(fx.provider.token_calls("client_credentials"), 3, "{fault}: two failures, then success");
        assert_eq!(fx.status().await, TokenStatus::Authorized, "{fault}");
    }
}

#[tokio::test]
async fn lasting_server_errors_and_dropped_connections_fail_after_the_attempts() {
    for fault in ["5xx", "reset"] {
        let fx = Fixture::new("client_credentials", "", |q| match fault {
            "5xx" => q.server_errors = 100,
            _ => q.resets = 100,
        })
        .await;
        let err = fx.authorize().await.unwrap_err();
        assert_eq!(token_error(&err).kind, TokenErrorKind::Unavailable, "{fault}: {err}");
        assert_eq!(fx.provider.token_calls("client_credentials"), 3, "{fault}: `attempts` calls in all");
        let message = err.to_string();
        assert!(message.contains("try again later"), "{fault}: {message}");
        match fault {
            "5xx" => assert!(message.contains("HTTP 503"), "{message}"),
            _ => assert!(message.contains("after 3 attempts"), "{message}"),
        }
        fx.assert_quiet(&err); // the 503 page quotes the request, client secret included
        assert_eq!(fx.status().await, TokenStatus::NotAuthorized, "{fault}: nothing is stored");
    }
}

#[tokio::test]
async fn a_failed_refresh_leaves_the_stored_tokens_as_they_were() {
    let fx = Fixture::new("authorization_code", "", |_| {}).await;
    fx.authorize().await.unwrap();
    fx.expire_now().await;
    let before = fx.record().await;
    fx.provider.set(|q| q.server_errors = 100);
    let err = fx.lifecycle.access_token(&fx.ds).await.unwrap_err();
    assert_eq!(token_error(&err).kind, TokenErrorKind::Unavailable, "{err}");
    fx.assert_quiet(&err); // the 503 page quotes the refresh token
    let after = fx.record().await;
    assert_eq!(after.generation, before.generation, "nothing was written");
    assert_eq!(after.status, TokenStatus::Authorized, "a provider outage is not a refusal");
    assert_eq!(after.refresh_token.unwrap().expose(), before.refresh_token.unwrap().expose());
}

#[tokio::test]
async fn invalid_client_is_not_retried_and_points_at_the_client_credentials() {
    let fx = Fixture::new("client_credentials", "", |q| q.client_secret = Some("the-right-secret".into())).await;
    let err = fx.authorize().await.unwrap_err();
    let token = token_error(&err);
    assert_eq!((token.error.as_deref(), token.status), (Some("invalid_client"), 401));
    assert_eq!(fx.provider.token_calls("client_credentials"), 1, "a refusal is not retried");
    assert!(err.to_string().contains("check the Client ID and Client Secret"), "{err}");
    fx.assert_quiet(&err);
    assert_eq!(fx.status().await, TokenStatus::NotAuthorized);
}

#[tokio::test]
async fn an_html_page_says_the_token_url_is_probably_wrong() {
    for (status, client_authentication) in [(200, "body"), (404, "body"), (404, "basic_header")] {
        let case = format!("HTTP {status}, client authentication {client_authentication}");
        let extra = format!(r#","clientAuthentication":"{client_authentication}""#);
        let fx = Fixture::new("password", &extra, |q| q.broken = Some(BrokenAnswer::HtmlPage { status })).await;
        let err = fx.authorize().await.unwrap_err();
        assert_eq!(token_error(&err).kind, TokenErrorKind::NotATokenResponse, "{case}");
        let message = err.to_string();
        assert!(message.contains("HTML page") && message.contains("Access Token URL"), "{case}: {message}");
        assert_eq!(fx.provider.all_token_calls(), 1, "{case}: not retried");
        fx.assert_quiet(&err); // the page quotes the request: client credentials and password
        assert_eq!(fx.status().await, TokenStatus::NotAuthorized, "{case}");
    }
}

#[tokio::test]
async fn malformed_json_is_a_clear_error_that_quotes_nothing() {
    let fx = Fixture::new("client_credentials", "", |q| q.broken = Some(BrokenAnswer::MalformedJson)).await;
    let err = fx.authorize().await.unwrap_err();
    assert_eq!(token_error(&err).kind, TokenErrorKind::NotATokenResponse);
    let message = err.to_string();
    assert!(message.contains("not a token response") && message.contains("Access Token URL"), "{message}");
    fx.assert_quiet(&err); // the cut-off answer carried an access token
    assert_eq!(fx.status().await, TokenStatus::NotAuthorized);
}

#[tokio::test]
async fn a_10_mb_answer_is_refused_with_a_bounded_error() {
    let fx = Fixture::new("client_credentials", "", |q| {
        q.broken = Some(BrokenAnswer::Oversized { bytes: 10 * 1024 * 1024 });
    })
    .await;
    let err = fx.authorize().await.unwrap_err();
    assert_eq!(token_error(&err).kind, TokenErrorKind::TooLarge);
    let message = err.to_string();
    assert!(message.contains("larger than 1024 KiB"), "{message}");
    assert!(message.len() < 1_000 && format!("{err:?}").len() < 2_000, "the error stays small: {message}");
    fx.assert_quiet(&err);
    assert_eq!(fx.status().await, TokenStatus::NotAuthorized);
}

#[tokio::test]
async fn a_slow_token_endpoint_times_out() {
    let options =
        TokenClientOptions { timeout: Duration::from_millis(300), attempts: 2, backoff: Duration::from_millis(10) };
    let fx =
        Fixture::with_options("client_credentials", "", options, |q| q.delay = Some(Duration::from_secs(20))).await;
    let err = fx.authorize().await.unwrap_err();
    assert_eq!(token_error(&err).kind, TokenErrorKind::Unavailable);
    assert!(err.to_string().contains("timed out"), "{err}");
    assert_eq!(fx.provider.token_calls("client_credentials"), 2, "a timeout is transient: retried up to `attempts`");
    assert_eq!(fx.status().await, TokenStatus::NotAuthorized);
}

#[tokio::test]
async fn a_redirect_from_the_token_endpoint_is_not_followed() {
    let fx = Fixture::new("client_credentials", "", |_| {}).await;
    let elsewhere = fx.provider.url("/elsewhere/token");
    fx.provider.set(|q| q.broken = Some(BrokenAnswer::Redirect { location: elsewhere }));
    let err = fx.authorize().await.unwrap_err();
    assert_eq!((token_error(&err).kind.clone(), token_error(&err).status), (TokenErrorKind::Redirected, 302));
    assert!(err.to_string().contains("never follow"), "{err}");
    assert!(fx.provider.requests_to("/elsewhere/token").is_empty(), "the redirect target saw no request");
    assert_eq!(fx.status().await, TokenStatus::NotAuthorized);
}

// --- The request engine's one renewal after 401 ---------------------------------------------

#[tokio::test]
async fn a_401_on_a_token_believed_valid_renews_once_and_retries_once() {
    let fx = Fixture::new("authorization_code", "", |_| {}).await;
    fx.authorize().await.unwrap();
    let first = fx.access().await;
    fx.provider.set(|q| q.api_rejections = 1);
    let response =
        execute(&Transport::new(), &fx.ds, &get("/things"), &fx.lifecycle, &SendOptions::default()).await.unwrap();
    assert_eq!(response.status, 200, "the retry with the renewed token succeeds");
    assert_eq!(fx.provider.token_calls("refresh_token"), 1, "exactly one renewal");
    let calls = fx.provider.api_requests();
    assert_eq!(calls.len(), 2, "the request went once, then once more");
    let renewed = fx.access().await;
    assert_ne!(renewed, first);
    assert_eq!(calls[0].header("authorization"), Some(format!("Bearer {first}").as_str()));
    assert_eq!(calls[1].header("authorization"), Some(format!("Bearer {renewed}").as_str()));
}

#[cfg(unix)]
#[tokio::test]
async fn a_body_that_cannot_be_sent_twice_is_not_retried_after_401() {
    let fx = Fixture::new("authorization_code", "", |_| {}).await;
    fx.authorize().await.unwrap();
    let first = fx.access().await;
    fx.provider.set(|q| q.api_rejections = 1);
    // A named pipe, as `--body-file -` (standard input) gives: it can be read only once.
    let pipe = fx.dir.path().join("body.pipe");
    let made = std::process::Command::new("mkfifo").arg(&pipe).status().expect("run mkfifo");
    assert!(made.success(), "mkfifo failed");
    let writer_path = pipe.clone();
    let writer = std::thread::spawn(move || std::fs::write(writer_path, b"streamed once").expect("write the pipe"));
    let spec = RequestSpec {
        method: "POST".into(),
        path: "/upload".into(),
        body: RequestBody::Binary { path: pipe.display().to_string(), content_type: String::new() },
        ..Default::default()
    };
    let response = execute(&Transport::new(), &fx.ds, &spec, &fx.lifecycle, &SendOptions::default()).await.unwrap();
    writer.join().unwrap();
    assert_eq!(response.status, 401, "the 401 is returned as it is");
    assert_eq!(fx.provider.api_requests().len(), 1, "no retry: the body cannot be sent again");
    assert_eq!(fx.provider.api_requests()[0].body, b"streamed once");
    assert_eq!(fx.provider.token_calls("refresh_token"), 0, "no renewal without a retry");
    assert_eq!(fx.access().await, first);
}

// --- One refresh for many callers -----------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_concurrent_callers_share_one_refresh() {
    let fx = Fixture::new("authorization_code", "", |_| {}).await;
    fx.authorize().await.unwrap();
    let expired = fx.access().await;
    fx.expire_now().await;
    let ds = Arc::new(fx.ds.clone());
    let tasks: Vec<_> = (0..1_000)
        .map(|_| {
            let (lifecycle, ds) = (fx.lifecycle.clone(), ds.clone());
            tokio::spawn(async move { lifecycle.access_token(&ds).await.map(|t| t.expose().to_owned()) })
        })
        .collect();
    let mut tokens = Vec::with_capacity(tasks.len());
    for task in tasks {
        tokens.push(task.await.unwrap().expect("every caller gets a token"));
    }
    assert_eq!(fx.provider.token_calls("refresh_token"), 1, "1,000 concurrent callers must share one refresh");
    assert_eq!(fx.provider.all_token_calls(), 2, "the code exchange and the one refresh");
    assert_ne!(tokens[0], expired);
    assert!(tokens.iter().all(|t| *t == tokens[0]), "all 1,000 callers got the same new token");
    assert_eq!(tokens[0], fx.access().await);
}

// --- Logout ---------------------------------------------------------------------------------

#[tokio::test]
async fn logout_revokes_both_tokens_and_forgets_them() {
    let fx = Fixture::new("authorization_code", "", |_| {}).await;
    let fx = Fixture { ds: with_revocation_url(&fx).await, ..fx };
    fx.authorize().await.unwrap();
    let (access, refresh) = (fx.access().await, fx.refresh().await);
    let outcome = fx.lifecycle.logout(&fx.ds).await.unwrap();
    assert_eq!(outcome.revoked, vec!["refresh_token", "access_token"]);
    assert!(outcome.failures.is_empty(), "{:?}", outcome.failures);
    assert_eq!(
        fx.provider.revocations(),
        vec![
            Revocation { token: refresh.clone(), token_type_hint: Some("refresh_token".into()) },
            Revocation { token: access.clone(), token_type_hint: Some("access_token".into()) },
        ],
        "RFC 7009 §2.1: token and token_type_hint"
    );
    let request = &fx.provider.requests_to("/revoke")[0];
    assert_eq!(request.header("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(request.form_value("client_id").as_deref(), Some("quirky-client"), "the client authenticates");
    assert!(!fx.provider.accepts(&access) && !fx.provider.accepts_refresh(&refresh), "revoked at the provider");
    assert_eq!(fx.status().await, TokenStatus::NotAuthorized, "forgotten locally");
    assert!(matches!(fx.lifecycle.access_token(&fx.ds).await, Err(Error::NotAuthorized(_))));
}

#[tokio::test]
async fn logout_forgets_the_tokens_even_when_revocation_fails() {
    let fx = Fixture::new("authorization_code", "", |q| q.revocation_status = 503).await;
    let fx = Fixture { ds: with_revocation_url(&fx).await, ..fx };
    fx.authorize().await.unwrap();
    let (access, refresh) = (fx.access().await, fx.refresh().await);
    let outcome = fx.lifecycle.logout(&fx.ds).await.unwrap();
    assert!(outcome.revoked.is_empty());
    assert_eq!(outcome.failures.len(), 2, "{:?}", outcome.failures);
    let tried: Vec<String> = fx.provider.revocations().into_iter().map(|r| r.token).collect();
    assert!(tried.contains(&access) && tried.contains(&refresh), "both revocations were attempted");
    for failure in &outcome.failures {
        for secret in [access.as_str(), refresh.as_str(), CLIENT_SECRET] {
            assert!(!failure.contains(secret), "`{secret}` leaked into: {failure}");
        }
    }
    assert!(fx.provider.accepts(&access), "the provider did not revoke it");
    assert_eq!(fx.status().await, TokenStatus::NotAuthorized, "forgotten locally all the same");
    assert!(fx.store.tokens(&fx.ds).await.unwrap().is_none());
}

/// The fixture's datasource with the provider's Revocation URL set (stored, as the app would).
async fn with_revocation_url(fx: &Fixture) -> Datasource {
    let mut config = fx.ds.config.clone();
    let latchkey_core::model::AuthConfig::OAuth2(oauth) = &mut config.auth else { unreachable!() };
    oauth.revocation_url = fx.provider.revocation_url();
    fx.store.update_datasource(&fx.ds.id, config).await.unwrap();
    fx.store.datasource_with_secrets(&fx.ds.id).await.unwrap()
}

// --- Discovery ------------------------------------------------------------------------------

#[tokio::test]
async fn discovery_uses_rfc8414_metadata_when_there_is_no_openid_configuration() {
    let provider = QuirkyProvider::start();
    let transport = Transport::new();
    let mut config = OAuth2Config { issuer: provider.issuer(), ..Default::default() };
    discovery::fill_from_issuer(&transport, &mut config).await.unwrap();
    assert_eq!(config.access_token_url, provider.token_url());
    assert_eq!(config.authorization_url, provider.url("/authorize"));
    assert_eq!(config.revocation_url, provider.revocation_url());
    let paths: Vec<String> = provider.server().requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        ["/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"],
        "RFC 8414 first, then OpenID Connect (404 here) for what the first lacks"
    );
}

// --- Save and Test ----------------------------------------------------------------------------

/// The editor's Save and Test after only non-auth fields changed (a header, the name): the save
/// keeps the tokens (their destinations did not move), and a token fetch that then fails leaves
/// the working token in place. The fake provider stands in for an outage: the real one never
/// answers 503.
#[tokio::test]
async fn save_and_test_with_only_non_auth_changes_keeps_a_working_token_when_the_fetch_fails() {
    let fx = Fixture::new("client_credentials", "", |_| {}).await;
    fx.authorize().await.unwrap();
    let working = fx.access().await;

    // What the editor sends: secrets as {"set": true}, one header added, the name changed.
    let mut edited: latchkey_core::model::DatasourceConfig =
        serde_json::from_value(serde_json::to_value(&fx.ds.config).unwrap()).unwrap();
    edited.name = "Quirky renamed".into();
    edited.headers.push(latchkey_core::model::KeyValue::new("Accept", "application/json"));
    let saved = fx.store.update_datasource(&fx.ds.id, edited).await.unwrap();
    assert_eq!(saved.tokens_dropped, None, "a header and a name move no destination: the tokens stay");
    let ds = fx.store.datasource_with_secrets(&fx.ds.id).await.unwrap();

    fx.provider.set(|q| q.server_errors = 100);
    let err = fx.lifecycle.fetch_now(&ds).await.unwrap_err();
    assert_eq!(token_error(&err).kind, TokenErrorKind::Unavailable, "{err}");
    assert_eq!(fx.access().await, working, "the failed test fetch left the working token stored");
    assert_eq!(fx.lifecycle.state(&ds).await.unwrap().status, TokenStatus::Authorized);
    let calls = fx.provider.all_token_calls();
    assert_eq!(fx.lifecycle.access_token(&ds).await.unwrap().expose(), working, "requests still use it");
    assert_eq!(fx.provider.all_token_calls(), calls, "without asking the provider again");
}
