//! `latchkey authorize`, `latchkey token` and `latchkey logout`: the OAuth 2.0 lifecycle of a
//! datasource in an environment (tokens are kept per datasource and environment) from the command
//! line. The flows are the core's; here are the browser, the printing and the flags.

use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use latchkey_core::model::{
    rfc3339, Datasource, DecodedJwt, EnvironmentRef, GrantType, TokenCallEntry, TokenDetails, TokenState, TokenStatus,
    DEFAULT_ENVIRONMENT,
};
use latchkey_core::oauth::{self, redirect, TokenLifecycle};
use latchkey_core::store::now_millis;

use crate::{output, Outcome};

#[derive(Args)]
pub struct AuthorizeArgs {
    /// The datasource's name.
    pub name: String,
    /// Print the authorization URL (for the device code grant, the verification page) instead of
    /// opening the browser.
    #[arg(long)]
    pub no_browser: bool,
    /// Seconds to wait for the provider's callback. The device code grant waits as long as its
    /// code lives.
    #[arg(long, value_name = "SECS", default_value_t = redirect::DEFAULT_TIMEOUT.as_secs())]
    pub timeout: u64,
}

#[derive(Args)]
pub struct TokenArgs {
    /// The datasource's name.
    pub name: String,
    /// Print the token state as JSON: status, expiry (RFC 3339), scopes requested and granted,
    /// the last failed refresh, the decoded JWT header and claims, and the token call log.
    #[arg(long, conflicts_with = "reveal")]
    pub json: bool,
    /// Print the last 50 token calls (time, grant, status, duration, endpoint, the provider's
    /// error), newest first; with --json as a JSON array. No secret is in it.
    #[arg(long, conflicts_with = "reveal")]
    pub log: bool,
    /// Print only a valid access token (refreshed if needed), for scripts.
    #[arg(long)]
    pub reveal: bool,
}

/// Authorization code: the browser flow. Device code: the code to enter, and the wait.
/// Client credentials and password: fetch a token now.
pub async fn authorize(lifecycle: &TokenLifecycle, env: EnvironmentRef<'_>, args: AuthorizeArgs) -> Outcome {
    let datasource = lifecycle.store().datasource_in(&args.name, env).await?;
    if oauth::OAuthDatasource::of(&datasource)?.config.grant_type == GrantType::DeviceCode {
        let state = authorize_device(lifecycle, &datasource, args.no_browser).await?;
        report(&datasource, &state);
        return Ok(ExitCode::SUCCESS);
    }
    let timeout = Duration::from_secs(args.timeout.max(1));
    let open = |pending: &oauth::PendingAuthorization| {
        eprintln!("Redirect URL (register it with the provider): {}", pending.redirect_uri);
        let opened = !args.no_browser && oauth::browser::open(pending.url.as_str()).is_ok();
        if opened {
            eprintln!("Opened the browser. If nothing happened, open this URL:");
        } else {
            eprintln!("Open this URL in a browser to authorize:");
        }
        eprintln!("{}", pending.url);
        eprintln!("Waiting for the provider (up to {} s)…", timeout.as_secs());
    };
    // One line per callback that is not for this attempt; the wait goes on.
    let ignored = |reason: &oauth::AuthorizationError| eprintln!("latchkey: warning: {reason}");
    let state = oauth::authorize_loopback(lifecycle, &datasource, timeout, open, ignored).await?;
    report(&datasource, &state);
    Ok(ExitCode::SUCCESS)
}

/// One clean line: "Authorized `X` · expires in 59 min · scopes: a b · refresh token: yes".
fn report(datasource: &Datasource, state: &TokenState) {
    match state.status {
        TokenStatus::Authorized => eprintln!("Authorized {} · {}", titled(datasource), facts(state).join(" · ")),
        _ => eprintln!("{}: {}", titled(datasource), describe(state)),
    }
}

/// The device code grant (RFC 8628): one block with the code and the page, the page opened
/// unless `no_browser`, a line now and then while waiting. Ctrl-C ends the process, and with it
/// the wait: tokens are stored only once the provider has issued them, in one transaction.
async fn authorize_device(
    lifecycle: &TokenLifecycle,
    datasource: &Datasource,
    no_browser: bool,
) -> Result<TokenState, latchkey_core::Error> {
    let show = |code: &oauth::DeviceCode| {
        eprintln!();
        eprintln!(
            "To authorize {}, open {} on any device and enter the code:",
            titled(datasource),
            code.verification_uri
        );
        eprintln!();
        eprintln!("    {}", code.user_code);
        eprintln!();
        if let Some(complete) = &code.verification_uri_complete {
            eprintln!("(or open {complete}, which fills in the code)");
        }
        if !no_browser && oauth::browser::open(code.page_to_open()).is_ok() {
            eprintln!("Opened the browser at that page.");
        }
        eprintln!(
            "Waiting for the code to be entered (it expires in {})…",
            human_duration(i64::try_from(code.expires_in).unwrap_or(i64::MAX).saturating_mul(1000))
        );
    };
    // A line at most every minute or so: the remaining time, and when the provider slows us down.
    let mut last_shown: Option<u64> = None;
    let progress = |progress: oauth::DeviceProgress| match progress {
        oauth::DeviceProgress::Pending { remaining } => {
            let minutes = remaining.as_secs() / 60;
            if last_shown.is_some_and(|m| m != minutes) {
                eprintln!(
                    "Still waiting ({} left)…",
                    human_duration(i64::try_from(remaining.as_millis()).unwrap_or(i64::MAX))
                );
            }
            last_shown = Some(minutes);
        }
        oauth::DeviceProgress::SlowedDown { interval } => {
            eprintln!("The provider asked to poll more slowly: every {} s now.", interval.as_secs());
        }
    };
    oauth::authorize_device(lifecycle, datasource, show, progress, std::future::pending()).await
}

/// Prints the token state, or with `--reveal` only a valid access token.
pub async fn token(lifecycle: &TokenLifecycle, env: EnvironmentRef<'_>, args: TokenArgs) -> Outcome {
    let datasource = lifecycle.store().datasource_in(&args.name, env).await?;
    oauth::OAuthDatasource::of(&datasource)?;
    if args.reveal {
        let token = lifecycle.access_token(&datasource).await?;
        println!("{}", token.expose());
        return Ok(ExitCode::SUCCESS);
    }
    let details = lifecycle.details(&datasource).await?;
    if args.log {
        let calls: Vec<CallReport> = details.calls.iter().map(CallReport::from).collect();
        if args.json {
            return output::json(&calls);
        }
        if calls.is_empty() {
            eprintln!("No token calls yet for {}.", titled(&datasource));
        }
        for call in &details.calls {
            println!("{}", log_line(call));
        }
        return Ok(ExitCode::SUCCESS);
    }
    if args.json {
        return output::json(&TokenReport::from(&details));
    }
    println!("{}", describe(&details.state));
    if let Some(last) = &details.state.last_error {
        println!("refresh failing since {} ({} in a row): {}", rfc3339(last.at), last.failures, last.message);
    }
    if !details.missing_scopes.is_empty() {
        println!("requested but not granted: {}", details.missing_scopes.join(" "));
    }
    Ok(ExitCode::SUCCESS)
}

/// `latchkey token --json`: the token panel's contents with times as RFC 3339.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct TokenReport<'a> {
    status: TokenStatus,
    reason: Option<&'a str>,
    token_type: &'a str,
    /// Granted.
    scopes: &'a [String],
    requested_scopes: &'a [String],
    missing_scopes: &'a [String],
    obtained_at: Option<String>,
    expires_at: Option<String>,
    has_refresh_token: bool,
    last_error: Option<LastErrorReport<'a>>,
    access_token_jwt: Option<&'a DecodedJwt>,
    id_token: Option<&'a DecodedJwt>,
    calls: Vec<CallReport<'a>>,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct LastErrorReport<'a> {
    at: String,
    grant: &'a str,
    message: &'a str,
    error: Option<&'a str>,
    description: Option<&'a str>,
    field: Option<&'a str>,
    failures: u32,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct CallReport<'a> {
    at: String,
    grant: &'a str,
    endpoint: &'a str,
    status: Option<u16>,
    duration_ms: i64,
    error: Option<&'a str>,
    description: Option<&'a str>,
}

impl<'a> From<&'a TokenCallEntry> for CallReport<'a> {
    fn from(call: &'a TokenCallEntry) -> Self {
        CallReport {
            at: rfc3339(call.at),
            grant: &call.grant,
            endpoint: &call.endpoint,
            status: call.status,
            duration_ms: call.duration_ms,
            error: call.error.as_deref(),
            description: call.description.as_deref(),
        }
    }
}

impl<'a> From<&'a TokenDetails> for TokenReport<'a> {
    fn from(details: &'a TokenDetails) -> Self {
        let state = &details.state;
        TokenReport {
            status: state.status,
            reason: state.reason.as_deref(),
            token_type: &state.token_type,
            scopes: &state.scopes,
            requested_scopes: &details.requested_scopes,
            missing_scopes: &details.missing_scopes,
            obtained_at: state.obtained_at.map(rfc3339),
            expires_at: state.expires_at.map(rfc3339),
            has_refresh_token: state.has_refresh_token,
            last_error: state.last_error.as_ref().map(|last| LastErrorReport {
                at: rfc3339(last.at),
                grant: &last.grant,
                message: &last.message,
                error: last.error.as_deref(),
                description: last.description.as_deref(),
                field: last.field.as_deref(),
                failures: last.failures,
            }),
            access_token_jwt: details.access_token_jwt.as_ref(),
            id_token: details.id_token.as_ref(),
            calls: details.calls.iter().map(CallReport::from).collect(),
        }
    }
}

/// One line of `--log`: time, grant, status, duration, endpoint, and the provider's error.
fn log_line(call: &TokenCallEntry) -> String {
    let status = call.status.map_or_else(|| "-".to_owned(), |s| s.to_string());
    let mut line =
        format!("{}  {:<18}  {status:>3}  {:>6} ms  {}", rfc3339(call.at), call.grant, call.duration_ms, call.endpoint);
    match (&call.error, &call.description) {
        (Some(error), Some(description)) => line.push_str(&format!("  {error}: {description}")),
        (Some(error), None) => line.push_str(&format!("  {error}")),
        _ => {}
    }
    line
}

/// Forgets the tokens, revoking them where a Revocation URL is set.
pub async fn logout(lifecycle: &TokenLifecycle, env: EnvironmentRef<'_>, name: &str) -> Outcome {
    let datasource = lifecycle.store().datasource_in(name, env).await?;
    let outcome = lifecycle.logout(&datasource).await?;
    for failure in &outcome.failures {
        eprintln!("latchkey: revocation failed, forgot the token locally anyway: {failure}");
    }
    let revoked = if outcome.no_revocation_url {
        " locally; they were not revoked at the provider (the datasource has no Revocation URL)".to_owned()
    } else if outcome.revoked.is_empty() {
        String::new()
    } else {
        format!(" (revoked at the provider: {})", outcome.revoked.join(", "))
    };
    eprintln!("Forgot the tokens of {}{revoked}", titled(&datasource));
    Ok(ExitCode::SUCCESS)
}

/// "`Google`", or "`Google` in staging" outside the default environment.
fn titled(datasource: &Datasource) -> String {
    match &datasource.environment {
        Some(env) if !env.name.eq_ignore_ascii_case(DEFAULT_ENVIRONMENT) => {
            format!("`{}` in {}", datasource.config.name, env.name)
        }
        _ => format!("`{}`", datasource.config.name),
    }
}

/// One line about a token state: "authorized · expires in 42 min · scopes: a b".
fn describe(state: &TokenState) -> String {
    match state.status {
        TokenStatus::NotAuthorized => "not authorized".to_owned(),
        TokenStatus::NeedsReauthorization => {
            format!("needs authorization again: {}", state.reason.as_deref().unwrap_or("no reason given"))
        }
        TokenStatus::Authorized => format!("authorized · {}", facts(state).join(" · ")),
    }
}

/// What is known of an authorized token: its expiry, scopes and whether a refresh token is held.
fn facts(state: &TokenState) -> Vec<String> {
    let mut parts = vec![match state.expires_at {
        Some(at) if at <= now_millis() => "expired".to_owned(),
        Some(at) => format!("expires in {}", human_duration(at - now_millis())),
        None => "expiry unknown".to_owned(),
    }];
    if !state.scopes.is_empty() {
        parts.push(format!("scopes: {}", state.scopes.join(" ")));
    }
    parts.push(if state.has_refresh_token { "refresh token: yes" } else { "refresh token: no" }.to_owned());
    parts
}

fn human_duration(ms: i64) -> String {
    let seconds = ms / 1000;
    match seconds {
        s if s < 120 => format!("{s} s"),
        s if s < 7200 => format!("{} min", s / 60),
        s if s < 172_800 => format!("{} h", s / 3600),
        s => format!("{} days", s / 86_400),
    }
}
