//! `latchkey authorize`, `latchkey token` and `latchkey logout`: the OAuth 2.0 lifecycle of a
//! datasource from the command line. The flows are the core's; here are the browser, the
//! printing and the flags.

use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use latchkey_core::model::{TokenState, TokenStatus};
use latchkey_core::oauth::{self, redirect, TokenLifecycle};
use latchkey_core::store::now_millis;

use crate::{output, Outcome};

#[derive(Args)]
pub struct AuthorizeArgs {
    /// The datasource's name.
    pub name: String,
    /// Print the authorization URL instead of opening the browser.
    #[arg(long)]
    pub no_browser: bool,
    /// Seconds to wait for the provider's callback.
    #[arg(long, value_name = "SECS", default_value_t = redirect::DEFAULT_TIMEOUT.as_secs())]
    pub timeout: u64,
}

#[derive(Args)]
pub struct TokenArgs {
    pub name: String,
    #[arg(long, conflicts_with = "reveal")]
    pub json: bool,
    /// Print only a valid access token (refreshed if needed), for scripts.
    #[arg(long)]
    pub reveal: bool,
}

/// Authorization code: the browser flow. Client credentials and password: fetch a token now.
pub async fn authorize(lifecycle: &TokenLifecycle, args: AuthorizeArgs) -> Outcome {
    let datasource = lifecycle.store().datasource_with_secrets(&args.name).await?;
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
    eprintln!("Authorized `{}`: {}", datasource.config.name, describe(&state));
    Ok(ExitCode::SUCCESS)
}

/// Prints the token state, or with `--reveal` only a valid access token.
pub async fn token(lifecycle: &TokenLifecycle, args: TokenArgs) -> Outcome {
    let datasource = lifecycle.store().datasource_with_secrets(&args.name).await?;
    oauth::oauth_config(&datasource)?;
    if args.reveal {
        let token = lifecycle.access_token(&datasource).await?;
        println!("{}", token.expose());
        return Ok(ExitCode::SUCCESS);
    }
    let state = lifecycle.state(&datasource).await?;
    if args.json {
        return output::json(&state);
    }
    println!("{}", describe(&state));
    Ok(ExitCode::SUCCESS)
}

/// Forgets the tokens, revoking them where a Revocation URL is set.
pub async fn logout(lifecycle: &TokenLifecycle, name: &str) -> Outcome {
    let datasource = lifecycle.store().datasource_with_secrets(name).await?;
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
    eprintln!("Forgot the tokens of `{}`{revoked}", datasource.config.name);
    Ok(ExitCode::SUCCESS)
}

/// One line about a token state: "authorized · expires in 42 min · scopes: a b".
fn describe(state: &TokenState) -> String {
    match state.status {
        TokenStatus::NotAuthorized => "not authorized".to_owned(),
        TokenStatus::NeedsReauthorization => {
            format!("needs authorization again: {}", state.reason.as_deref().unwrap_or("no reason given"))
        }
        TokenStatus::Authorized => {
            let mut parts = vec!["authorized".to_owned()];
            parts.push(match state.expires_at {
                Some(at) if at <= now_millis() => "expired".to_owned(),
                Some(at) => format!("expires in {}", human_duration(at - now_millis())),
                None => "expiry unknown".to_owned(),
            });
            if !state.scopes.is_empty() {
                parts.push(format!("scopes: {}", state.scopes.join(" ")));
            }
            parts.push(if state.has_refresh_token { "refresh token: yes" } else { "refresh token: no" }.to_owned());
            parts.join(" · ")
        }
    }
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
