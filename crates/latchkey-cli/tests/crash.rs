//! Crash safety of the token lifecycle: `latchkey` is killed with SIGKILL at random points while
//! it refreshes an OAuth 2.0 token at a provider that rotates refresh tokens and refuses a spent
//! one (oidc-provider, tests/oauth/provider.mjs; reuse of a spent refresh token revokes the whole
//! grant there), 100 times. After every kill:
//!
//! - the database opens (`latchkey token NAME --json` in a fresh process) and the datasource is
//!   still `authorized` with a refresh token;
//! - what is stored is either exactly what was there before the kill or the complete result of
//!   the refresh (one new generation with the rotated refresh token), never a mix, and never new
//!   tokens without a refresh at the provider;
//! - a following `latchkey request NAME /api/whoami`, with the token made due again, refreshes
//!   with the stored refresh token and succeeds, within a deadline (no stale lock) — unless the
//!   kill fell in the one window no client can survive: the provider had already spent the old
//!   refresh token (its refresh count went up) while the rotated one was still on its way or in
//!   the process's memory, not committed (the generation did not move). Only then may the
//!   datasource end up `needs_reauthorization`, and then it must, with the provider's refusal as
//!   the reason; the test authorizes it again and goes on.
//!
//! Instead of waiting for the access token to expire, the test makes the stored token due through
//! the core's store (as the core's own lifecycle tests do), so every run refreshes. Consent is
//! given over plain HTTP rather than in headless Chromium, so that re-authorizing costs
//! milliseconds, not seconds.
//!
//! The delays come from a seeded PRNG; the seed is printed, and `LATCHKEY_CRASH_SEED=N` runs the
//! same delays again (the processes' own timing still varies).
//!
//! The cross-process single flight per environment (issue 10) is here too: several `latchkey
//! token --reveal --env staging` processes at once make one refresh at the provider, by
//! staging's client, and leave the default environment's tokens as they were.

#![cfg(target_os = "linux")] // SIGKILL, and /proc/net/tcp to see the provider's open connections

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use common::Env;
use latchkey_core::model::TokenStatus;
use latchkey_core::store::{now_millis, NewTokens, TokenRecord};
use latchkey_core::vault::key::KeyringUse;
use latchkey_core::{DataDir, Store};
use latchkey_testkit::oidc::{NATIVE_CLIENT, WEB_BASIC_CLIENT};
use latchkey_testkit::OidcProvider;

const KILLS: usize = 100;
const NAME: &str = "Rotating";
/// How long any one `latchkey` run may take before the test calls it stuck (a stale lock).
const RUN_DEADLINE: Duration = Duration::from_secs(30);

/// splitmix64: small, seedable, good enough for delays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..=max`.
    fn up_to(&mut self, max: u64) -> u64 {
        self.next() % (max + 1)
    }
}

/// Where a kill landed, as seen from the provider and the database afterwards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Landing {
    /// The provider never saw a refresh: the old refresh token is still good.
    BeforeRefresh,
    /// The provider rotated the refresh token, the process died before committing it.
    MidRefresh,
    /// The rotated tokens were committed; the process died before it was done.
    AfterCommit,
    /// The process had finished by itself before the kill.
    Finished,
}

#[derive(Default)]
struct Counts {
    before_refresh: usize,
    mid_refresh: usize,
    after_commit: usize,
    finished: usize,
    follow_ups_ok: usize,
    needs_reauthorization: usize,
}

impl Counts {
    fn add(&mut self, landing: Landing) {
        match landing {
            Landing::BeforeRefresh => self.before_refresh += 1,
            Landing::MidRefresh => self.mid_refresh += 1,
            Landing::AfterCommit => self.after_commit += 1,
            Landing::Finished => self.finished += 1,
        }
    }
}

/// A finished `latchkey` run.
struct Run {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl Run {
    fn describe(&self) -> String {
        format!("{}; stdout: {}; stderr: {}", self.status, self.stdout.trim(), self.stderr.trim())
    }
}

fn spawn(env: &Env, args: &[&str]) -> Child {
    env.process(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("start latchkey")
}

/// Waits for `child`, killing it and failing the test past [`RUN_DEADLINE`]: a run that hangs
/// (on a lock nobody holds any more, say) is a failure, not a slow test.
fn finish(mut child: Child, what: &str) -> Run {
    let deadline = Instant::now() + RUN_DEADLINE;
    loop {
        if child.try_wait().expect("poll latchkey").is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let run = collect(child);
            panic!("{what} still ran after {RUN_DEADLINE:?} (stuck on a lock?): {}", run.describe());
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    collect(child)
}

fn collect(mut child: Child) -> Run {
    let status = child.wait().expect("reap latchkey");
    let mut stdout = String::new();
    let mut stderr = String::new();
    if let Some(mut out) = child.stdout.take() {
        out.read_to_string(&mut stdout).expect("read stdout");
    }
    if let Some(mut err) = child.stderr.take() {
        err.read_to_string(&mut stderr).expect("read stderr");
    }
    Run { status, stdout, stderr }
}

fn run(env: &Env, args: &[&str], context: &str) -> Run {
    finish(spawn(env, args), &format!("{context}: `latchkey {}`", args.join(" ")))
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// The token state as a fresh `latchkey` process reads it: this is where "the database opens"
/// is checked, with the migrations and the vault key check every run does.
fn shown_state(env: &Env, context: &str) -> serde_json::Value {
    let out = run(env, &["token", NAME, "--json"], context);
    assert!(out.status.success(), "{context}: the data directory no longer opens: {}", out.describe());
    json(&out.stdout)
}

/// The provider's refresh count and how many errors it answered.
fn stats(provider: &OidcProvider) -> (u64, usize) {
    let stats = provider.stats();
    (stats["calls"]["token:refresh_token"].as_u64().unwrap_or(0), stats["errors"].as_array().map_or(0, Vec::len))
}

/// [`stats`] once no request of a killed process can still be on its way. A killed process's
/// request may already sit in the provider's socket (the kernel delivers what was sent before
/// the kill): wait until the provider holds no open connection any more (node closes one only
/// after answering its request, and counts the call before answering), then until the numbers
/// hold still.
fn settled_stats(provider: &OidcProvider) -> (u64, usize) {
    let port: u16 = provider.issuer().rsplit(':').next().and_then(|p| p.parse().ok()).expect("the provider's port");
    let deadline = Instant::now() + Duration::from_secs(10);
    while open_connections(port) > 0 {
        assert!(Instant::now() < deadline, "the provider still holds a connection after 10 s");
        std::thread::sleep(Duration::from_millis(2));
    }
    let mut last = stats(provider);
    loop {
        std::thread::sleep(Duration::from_millis(15));
        let now = stats(provider);
        if now == last {
            return now;
        }
        assert!(Instant::now() < deadline, "the provider's numbers keep changing");
        last = now;
    }
}

/// Connections accepted on 127.0.0.1:`port` that are not closed yet (established, or closed by
/// the other side but not yet by the provider), from /proc/net/tcp.
fn open_connections(port: u16) -> usize {
    let table = std::fs::read_to_string("/proc/net/tcp").expect("read /proc/net/tcp");
    let local = format!("0100007F:{port:04X}");
    table
        .lines()
        .skip(1)
        .filter(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            // st: 01 ESTABLISHED, 03 SYN_RECV, 08 CLOSE_WAIT
            fields.len() > 3 && fields[1] == local && matches!(fields[3], "01" | "03" | "08")
        })
        .count()
}

/// `latchkey authorize NAME --no-browser`, the person being [`consent`]: the first
/// authorization, and again after each kill that lost a rotated refresh token.
fn authorize(env: &Env, provider: &OidcProvider) {
    authorize_in(env, provider, &[]);
}

/// [`authorize`] with more arguments (`--env staging`).
fn authorize_in(env: &Env, provider: &OidcProvider, more: &[&str]) {
    let mut args = vec!["authorize", NAME, "--no-browser", "--timeout", "60"];
    args.extend_from_slice(more);
    let mut child =
        env.process(&args).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("start latchkey authorize");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let url = lines
        .by_ref()
        .take(10)
        .map(|line| line.expect("read stderr"))
        .find(|line| line.starts_with(&provider.url("/auth?")))
        .expect("the authorization URL is printed");
    consent(&url);
    let rest: Vec<String> = lines.map(|line| line.expect("read stderr")).collect();
    let out = finish(child, "`latchkey authorize`");
    assert!(out.status.success(), "authorize failed: {rest:?}");
    assert!(rest.iter().any(|l| l.starts_with(&format!("Authorized `{NAME}`"))), "{rest:?}");
}

/// What `tests/oauth/consent.mjs` does in headless Chromium, over plain HTTP (a browser launch
/// per authorization would take most of this test's time): follows the provider's redirects
/// with its cookies, signs in as alice on the development login form, gives consent, and
/// follows the final redirect to the CLI's loopback callback.
fn consent(url: &str) {
    let mut cookies: Vec<(String, String)> = Vec::new();
    let mut request = (url.to_owned(), None::<&str>);
    for _ in 0..12 {
        let (target, form) = request;
        let (status, headers, body) = http(&target, form, &cookies);
        for (name, value) in &headers {
            if name == "set-cookie" {
                let pair = value.split(';').next().unwrap_or_default();
                if let Some((name, value)) = pair.split_once('=') {
                    cookies.retain(|(n, _)| n != name);
                    cookies.push((name.trim().to_owned(), value.trim().to_owned()));
                }
            }
        }
        let location = headers.iter().find(|(name, _)| name == "location").map(|(_, value)| value.clone());
        request = match (status, location) {
            (300..=399, Some(location)) => {
                let next = if location.starts_with('/') { format!("{}{location}", origin(&target)) } else { location };
                if next.contains("/callback?") {
                    // The CLI's loopback listener: it answers and takes the code.
                    let (status, _, page) = http(&next, None, &[]);
                    assert_eq!(status, 200, "the callback page: {page}");
                    assert!(next.contains("code="), "the provider sent no code: {next}");
                    return;
                }
                (next, None)
            }
            (200, _) if body.contains(r#"name="prompt" value="login""#) => {
                (target, Some("prompt=login&login=alice&password=any+password"))
            }
            (200, _) if body.contains(r#"name="prompt" value="consent""#) => (target, Some("prompt=consent")),
            _ => panic!("consent: unexpected answer {status} from {target}: {body}"),
        };
    }
    panic!("consent: too many redirects");
}

/// `http://host:port` of an absolute http URL.
fn origin(url: &str) -> &str {
    let rest = url.strip_prefix("http://").expect("an http URL");
    &url[..7 + rest.find('/').unwrap_or(rest.len())]
}

/// One HTTP/1.1 request (a form POST when `form` is given) with `cookies`: the status, the
/// headers (names in lowercase) and the body.
fn http(url: &str, form: Option<&str>, cookies: &[(String, String)]) -> (u16, Vec<(String, String)>, String) {
    let host = &origin(url)[7..];
    let path = &url[origin(url).len()..];
    let path = if path.is_empty() { "/" } else { path };
    let mut stream = TcpStream::connect(host).unwrap_or_else(|e| panic!("connect to {host}: {e}"));
    stream.set_read_timeout(Some(Duration::from_secs(20))).expect("read timeout");
    let mut head = format!(
        "{} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nAccept: text/html\r\n",
        if form.is_some() { "POST" } else { "GET" }
    );
    if !cookies.is_empty() {
        let jar: Vec<String> = cookies.iter().map(|(name, value)| format!("{name}={value}")).collect();
        head.push_str(&format!("Cookie: {}\r\n", jar.join("; ")));
    }
    if let Some(form) = form {
        head.push_str(&format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
            form.len()
        ));
    }
    head.push_str("\r\n");
    head.push_str(form.unwrap_or_default());
    stream.write_all(head.as_bytes()).expect("send the request");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read the answer");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split_whitespace().nth(1)).and_then(|s| s.parse().ok()).unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    (status, headers, body.to_owned())
}

/// The test's own view of the database, through the core (the vault key is in a file).
struct Db {
    runtime: tokio::runtime::Runtime,
    store: Store,
    id: latchkey_core::model::DatasourceId,
}

impl Db {
    fn open(data: &Path) -> Db {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let dir = DataDir::resolve(Some(data.to_owned())).unwrap();
        let store = runtime.block_on(Store::open_with(&dir, KeyringUse::Off)).expect("the test opens the store");
        let id = runtime.block_on(store.datasource(NAME)).expect("the datasource").id;
        Db { runtime, store, id }
    }

    fn record(&self) -> TokenRecord {
        self.runtime
            .block_on(async { self.store.tokens(&self.store.datasource(&self.id).await?).await })
            .expect("read the tokens")
            .expect("tokens are stored")
    }

    /// Makes the stored access token due (obtained a minute ago, expired a second ago), keeping
    /// the refresh token: the next run must refresh. Returns the record as it now is.
    fn make_due(&self) -> TokenRecord {
        let record = self.record();
        assert_eq!(record.status, TokenStatus::Authorized);
        let now = now_millis();
        let tokens = NewTokens {
            access_token: record.access_token.expect("an access token"),
            refresh_token: None, // keeps the stored one
            token_type: record.token_type,
            scope: record.scope,
            obtained_at: now - 60_000,
            expires_at: Some(now - 1_000),
        };
        let datasource = self.runtime.block_on(self.store.datasource(&self.id)).expect("the datasource");
        self.runtime.block_on(self.store.save_tokens(&datasource, &tokens)).expect("make the token due");
        self.record()
    }
}

impl Db {
    /// The datasource in the environment `name`.
    fn datasource_in(&self, name: &str) -> latchkey_core::model::Datasource {
        self.runtime.block_on(self.store.datasource_in(&self.id, name)).expect("the datasource in the environment")
    }

    /// [`Db::record`] in the environment `name`.
    fn record_in(&self, name: &str) -> TokenRecord {
        let datasource = self.datasource_in(name);
        self.runtime.block_on(self.store.tokens(&datasource)).expect("read the tokens").expect("tokens are stored")
    }

    /// [`Db::make_due`] in the environment `name`.
    fn make_due_in(&self, name: &str) -> TokenRecord {
        let datasource = self.datasource_in(name);
        let record = self.record_in(name);
        assert_eq!(record.status, TokenStatus::Authorized, "{name}");
        let now = now_millis();
        let tokens = NewTokens {
            access_token: record.access_token.expect("an access token"),
            refresh_token: None,
            token_type: record.token_type,
            scope: record.scope,
            obtained_at: now - 60_000,
            expires_at: Some(now - 1_000),
        };
        self.runtime.block_on(self.store.save_tokens(&datasource, &tokens)).expect("make the token due");
        self.record_in(name)
    }
}

fn refresh_token(record: &TokenRecord) -> String {
    record.refresh_token.as_ref().map(|t| t.expose().to_owned()).unwrap_or_default()
}

#[test]
fn sigkill_during_refresh_never_loses_a_committed_rotated_refresh_token() {
    let started = Instant::now();
    let seed = std::env::var("LATCHKEY_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
    });
    println!("crash test seed: {seed} (LATCHKEY_CRASH_SEED={seed} repeats these delays)");
    let mut rng = Rng(seed);

    let provider = OidcProvider::start(Duration::from_secs(3600));
    let env = Env::new();
    let out = env.import(&common::authorization_code(NAME, &provider));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    authorize(&env, &provider);
    let db = Db::open(&env.data().join("data"));
    let mut authorizations = 1;
    let mut in_authorizing = Duration::ZERO;

    // How long an uninterrupted refreshing run takes here: the kills are spread over 1.5 times
    // that (the median, as a cold first run can take much longer), so that they land before, during
    // and after the refresh, and after the end.
    let mut took = Vec::new();
    for command in [["token", NAME, "--reveal"], ["request", NAME, "/api/whoami"]] {
        for _ in 0..3 {
            let before = db.make_due();
            let refreshes = provider.calls("token:refresh_token");
            let clock = Instant::now();
            let out = run(&env, &command, "calibration");
            took.push(clock.elapsed());
            assert!(out.status.success(), "calibration run: {}", out.describe());
            assert_eq!(provider.calls("token:refresh_token"), refreshes + 1, "every run refreshes");
            assert!(refresh_token(&db.record()) != refresh_token(&before), "the refresh token rotates");
        }
    }
    took.sort();
    let median = took[took.len() / 2];
    let max_delay = (median.as_millis() as u64 * 3 / 2).max(20);
    println!("an uninterrupted refreshing run takes {median:.1?} (median; {took:.1?}); kill delays 0..={max_delay} ms");

    let mut counts = Counts::default();
    let mut during: Vec<String> = Vec::new();
    for kill in 1..=KILLS {
        let before = db.make_due();
        let (refreshes_before, errors_before) = stats(&provider);
        let delay = rng.up_to(max_delay);
        let command: [&str; 3] =
            if rng.next() & 1 == 0 { ["token", NAME, "--reveal"] } else { ["request", NAME, "/api/whoami"] };
        let context = format!("kill {kill} (seed {seed}, `latchkey {}` killed after {delay} ms)", command.join(" "));

        let mut child = spawn(&env, &command);
        std::thread::sleep(Duration::from_millis(delay));
        let finished = child.try_wait().expect("poll latchkey").is_some();
        if !finished {
            child.kill().expect("SIGKILL latchkey");
        }
        let killed = collect(child);
        if finished {
            assert!(killed.status.success(), "{context}: the run that was not killed failed: {}", killed.describe());
        }

        // The database opens and the datasource is still authorized, with a refresh token.
        let shown = shown_state(&env, &context);
        assert_eq!(shown["status"], "authorized", "{context}: {shown}");
        assert_eq!(shown["hasRefreshToken"], true, "{context}: {shown}");

        // The killed process did at most one refresh, without an error, and stored either nothing
        // or the whole result of it.
        let (refreshes, errors) = settled_stats(&provider);
        let after = db.record();
        assert_eq!(errors, errors_before, "{context}: the killed run met a provider error: {:?}", provider.errors());
        let refreshed = match refreshes - refreshes_before {
            0 => false,
            1 => true,
            n => panic!("{context}: {n} refreshes from one run"),
        };
        let committed = after.generation != before.generation;
        if committed {
            assert_eq!(after.generation, before.generation + 1, "{context}: one commit");
            assert!(refreshed, "{context}: new tokens were stored without a refresh at the provider");
            let rotated = refresh_token(&after) != refresh_token(&before);
            assert!(rotated, "{context}: committed, but the rotated refresh token is not what is stored");
            assert!(after.obtained_at > before.obtained_at, "{context}: the new access token is stored");
        } else {
            let kept = refresh_token(&after) == refresh_token(&before);
            assert!(kept, "{context}: the refresh token changed without a new generation");
            assert_eq!(after.obtained_at, before.obtained_at, "{context}");
        }
        let landing = match (finished, refreshed, committed) {
            (true, _, _) => {
                assert!(committed, "{context}: a finished run committed its refresh");
                Landing::Finished
            }
            (false, false, _) => Landing::BeforeRefresh,
            (false, true, false) => Landing::MidRefresh,
            (false, true, true) => Landing::AfterCommit,
        };
        counts.add(landing);
        if landing == Landing::MidRefresh {
            during.push(format!("kill {kill}: `{}` after {delay} ms", command[0]));
        }

        // The next run refreshes with whatever refresh token is stored.
        db.make_due();
        let follow_up = run(&env, &["request", NAME, "/api/whoami"], &context);
        let (refreshes_after, errors_after) = stats(&provider);
        if landing == Landing::MidRefresh {
            // The provider spent the stored refresh token and its successor died with the
            // process: the provider refuses the spent one, and the datasource must say so.
            assert_eq!(follow_up.status.code(), Some(3), "{context}: follow-up: {}", follow_up.describe());
            assert!(
                follow_up.stderr.contains("needs to be authorized again")
                    && follow_up.stderr.contains("refused the refresh token"),
                "{context}: follow-up: {}",
                follow_up.describe()
            );
            assert_eq!(errors_after, errors + 1, "{context}: one invalid_grant for the spent token");
            let shown = shown_state(&env, &context);
            assert_eq!(shown["status"], "needs_reauthorization", "{context}: {shown}");
            let reason = shown["reason"].as_str().unwrap_or_default();
            assert!(reason.contains("refused the refresh token"), "{context}: the reason says why: {shown}");
            assert_eq!(shown["hasRefreshToken"], false, "{context}: the spent token is dropped: {shown}");
            counts.needs_reauthorization += 1;
            let clock = Instant::now();
            authorize(&env, &provider);
            in_authorizing += clock.elapsed();
            authorizations += 1;
            assert_eq!(shown_state(&env, &context)["status"], "authorized", "{context}: authorized again");
        } else {
            // The stored refresh token is the live one: refreshing with it works.
            assert!(
                follow_up.status.success(),
                "{context} ({landing:?}): the stored refresh token was not the live one; follow-up: {}\n\
                 provider errors: {:?}",
                follow_up.describe(),
                provider.errors()
            );
            assert_eq!(json(&follow_up.stdout)["accountId"], "alice", "{context}");
            assert_eq!(refreshes_after, refreshes + 1, "{context}: the follow-up refreshed");
            assert_eq!(errors_after, errors, "{context}: no spent refresh token was sent");
            counts.follow_ups_ok += 1;
        }
    }

    // Every provider error is the one invalid_grant of a kill in the window.
    let errors = provider.errors();
    assert_eq!(errors.len(), counts.needs_reauthorization, "{errors:?}");
    assert!(errors.iter().all(|(route, error)| route == "token" && error == "invalid_grant"), "{errors:?}");
    assert_eq!(counts.needs_reauthorization, counts.mid_refresh);

    // And at the end the datasource works.
    let last = run(&env, &["token", NAME, "--reveal"], "after the kills");
    assert!(last.status.success(), "{}", last.describe());

    println!(
        "seed {seed}: {KILLS} kills, test took {:.1?} in all, {:.1?} of it in {} authorizations after the first",
        started.elapsed(),
        in_authorizing,
        authorizations - 1
    );
    println!(
        "  landed before the refresh reached the provider: {}\n  \
         during the refresh (provider rotated, not committed): {}\n  \
         after the rotated tokens were committed: {}\n  \
         after the run had finished by itself: {}",
        counts.before_refresh, counts.mid_refresh, counts.after_commit, counts.finished
    );
    println!(
        "  follow-ups that refreshed and succeeded: {}; needs_reauthorization (with a reason): {}",
        counts.follow_ups_ok, counts.needs_reauthorization
    );
    for line in &during {
        println!("    {line}");
    }
    assert_eq!(
        counts.before_refresh + counts.mid_refresh + counts.after_commit + counts.finished,
        KILLS,
        "every kill is counted"
    );
}

/// The cross-process single flight per environment (issue 10): `default` authorizes with the
/// provider's public native client, `staging` overrides the client with the confidential
/// `web-basic` one (so the provider's per-client counts tell the environments apart). While only
/// staging's token is due, several `latchkey token NAME --reveal --env staging` processes run at
/// once: the provider sees ONE refresh, by staging's client; every process prints the same new
/// token; default's tokens do not move. Then both are due and processes run in both environments
/// at once: one refresh per environment.
#[test]
fn processes_refreshing_in_one_environment_at_once_make_one_refresh_there_and_leave_the_other() {
    const PROCESSES: usize = 4;
    let provider = OidcProvider::start(Duration::from_secs(3600));
    let env = Env::new();
    let created = run(&env, &["env", "create", "staging"], "create staging");
    assert!(created.status.success(), "{}", created.describe());
    let mut json: serde_json::Value = serde_json::from_str(&common::authorization_code(NAME, &provider)).unwrap();
    json["environments"] = serde_json::json!({"staging": {"auth": {
        "clientId": WEB_BASIC_CLIENT.0,
        "clientSecret": WEB_BASIC_CLIENT.1,
        "clientAuthentication": "basic_header",
    }}});
    let out = env.import(&json.to_string());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    authorize(&env, &provider);
    authorize_in(&env, &provider, &["--env", "staging"]);
    assert_eq!(provider.client_calls(NATIVE_CLIENT, "token:authorization_code"), 1, "default's client");
    assert_eq!(provider.client_calls(WEB_BASIC_CLIENT.0, "token:authorization_code"), 1, "staging's client");
    let db = Db::open(&env.data().join("data"));
    let refreshes = |client: &str| provider.client_calls(client, "token:refresh_token");

    // Only staging is due, three rounds.
    for round in 1..=3_u64 {
        let default = db.record_in("default");
        let before = db.make_due_in("staging");
        let children: Vec<Child> =
            (0..PROCESSES).map(|_| spawn(&env, &["token", NAME, "--reveal", "--env", "staging"])).collect();
        let printed: Vec<String> = children
            .into_iter()
            .map(|child| {
                let out = finish(child, "`latchkey token --reveal --env staging`");
                assert!(out.status.success(), "round {round}: {}", out.describe());
                out.stdout.trim().to_owned()
            })
            .collect();
        let after = db.record_in("staging");
        assert_eq!(
            refreshes(WEB_BASIC_CLIENT.0),
            round,
            "round {round}: ONE refresh in staging for {PROCESSES} processes"
        );
        assert_eq!(refreshes(NATIVE_CLIENT), 0, "round {round}: none in default");
        assert_eq!(after.generation, before.generation + 1, "round {round}: staging committed once");
        assert_ne!(refresh_token(&after), refresh_token(&before), "round {round}: staging's refresh token rotated");
        let token = after.access_token.as_ref().expect("an access token").expose();
        assert!(printed.iter().all(|p| p == token), "round {round}: every process printed staging's one new token");
        let now = db.record_in("default");
        assert_eq!(now.generation, default.generation, "round {round}: default's tokens were not written");
        assert_eq!(now.access_token.as_ref().map(|t| t.expose()), default.access_token.as_ref().map(|t| t.expose()));
        assert_eq!(refresh_token(&now), refresh_token(&default), "round {round}: default's refresh token is the same");
        assert_eq!(now.obtained_at, default.obtained_at, "round {round}: default's obtained_at is the same");
    }

    // Both due: processes in both environments at once, one refresh each.
    let (default, staging) = (db.make_due_in("default"), db.make_due_in("staging"));
    let children: Vec<(&str, Child)> = (0..PROCESSES)
        .flat_map(|_| ["default", "staging"])
        .map(|name| (name, spawn(&env, &["token", NAME, "--reveal", "--env", name])))
        .collect();
    for (name, child) in children {
        let out = finish(child, "`latchkey token --reveal --env`");
        assert!(out.status.success(), "{name}: {}", out.describe());
        let stored = db.record_in(name);
        assert_eq!(out.stdout.trim(), stored.access_token.as_ref().unwrap().expose(), "{name}: its own new token");
    }
    assert_eq!(refreshes(NATIVE_CLIENT), 1, "one refresh in default");
    assert_eq!(refreshes(WEB_BASIC_CLIENT.0), 4, "one more refresh in staging");
    assert_eq!(db.record_in("default").generation, default.generation + 1);
    assert_eq!(db.record_in("staging").generation, staging.generation + 1);
    assert_eq!(provider.errors(), Vec::<(String, String)>::new(), "no spent refresh token was sent");
}
