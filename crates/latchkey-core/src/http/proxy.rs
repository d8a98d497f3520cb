//! Which proxy a call goes through, and what a proxy's failures mean. Every client of the
//! [`super::Transport`] (API requests, token, revocation and discovery calls) takes its proxy from
//! here, so all of them follow the same rules:
//!
//! - `"none"`: no proxy, whatever the environment says;
//! - `"system"`: the environment, read by Latchkey itself (not by reqwest) each time a client is
//!   looked up, so a changed environment gives another client: `HTTPS_PROXY` for https targets,
//!   `HTTP_PROXY` for http ones, `ALL_PROXY` for either when the specific one is not set (each
//!   in upper case first, then lower case, as reqwest and curl read them), and `NO_PROXY` with
//!   curl's rules: comma-separated host names (each matching itself and its subdomains, a
//!   leading `.` changing nothing), IP addresses, CIDR ranges, or `*`. There is no implicit
//!   bypass for loopback hosts: as with curl, put `localhost,127.0.0.1` in `NO_PROXY`;
//! - an explicit proxy: every call goes through it, with Basic credentials when given.
//!
//! https targets go through a `CONNECT` tunnel, so TLS (the pinned certificate, the roots, the
//! host name checked) is end to end exactly as without a proxy. Nothing here quotes a password.

use std::net::IpAddr;

use sha2::{Digest, Sha256};

use crate::model::{ProxyConfig, ProxyMode};
use crate::{Error, Result, Secret};

/// The environment variables read for `"system"`, in the order they are looked up.
const HTTPS_VARS: [&str; 2] = ["HTTPS_PROXY", "https_proxy"];
const HTTP_VARS: [&str; 2] = ["HTTP_PROXY", "http_proxy"];
const ALL_VARS: [&str; 2] = ["ALL_PROXY", "all_proxy"];
const NO_VARS: [&str; 2] = ["NO_PROXY", "no_proxy"];

/// One proxy URL and where it was configured (`proxy.url`, `HTTPS_PROXY`, …).
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Named {
    source: &'static str,
    url: url::Url,
}

/// The proxy settings of one client, resolved from a datasource's `proxy` (and, for
/// `"system"`, from the environment as it is now).
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum ProxySettings {
    Direct,
    System { http: Option<Named>, https: Option<Named>, no_proxy: String },
    Explicit { url: url::Url, username: String, password: Option<Secret> },
}

impl std::fmt::Debug for ProxySettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProxySettings::Direct => f.write_str("Direct"),
            ProxySettings::System { .. } => f.write_str("System"),
            ProxySettings::Explicit { url, .. } => write!(f, "Explicit({})", authority(url)),
        }
    }
}

/// Which proxy one URL goes through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Route {
    /// `host:port` of the proxy.
    pub proxy: String,
    /// Where it was configured: `proxy.url` or the environment variable.
    pub source: &'static str,
    /// Whether credentials are sent to the proxy.
    pub credentials: bool,
}

impl ProxySettings {
    /// The settings `config` stands for, the environment read through `var` for `"system"`.
    ///
    /// # Errors
    /// [`Error::Invalid`] on `proxy.url` for an explicit proxy URL that does not parse (a stored
    /// datasource was validated, so only a hand-made one); [`Error::Proxy`] for an environment
    /// variable that is not a proxy URL.
    pub fn of(config: &ProxyConfig, var: impl Fn(&str) -> Option<String>) -> Result<ProxySettings> {
        match config {
            ProxyConfig::Mode(ProxyMode::None) => Ok(ProxySettings::Direct),
            ProxyConfig::Mode(ProxyMode::System) => {
                let read = |names: [&'static str; 2]| -> Result<Option<Named>> {
                    let Some((source, raw)) =
                        names.iter().find_map(|name| var(name).filter(|v| !v.trim().is_empty()).map(|v| (*name, v)))
                    else {
                        return Ok(None);
                    };
                    parse_env_proxy(source, &raw).map(|url| Some(Named { source, url }))
                };
                let all = read(ALL_VARS)?;
                let http = read(HTTP_VARS)?.or_else(|| all.clone());
                let https = read(HTTPS_VARS)?.or(all);
                let no_proxy = NO_VARS.iter().find_map(|name| var(name)).unwrap_or_default();
                if http.is_none() && https.is_none() {
                    return Ok(ProxySettings::Direct);
                }
                Ok(ProxySettings::System { http, https, no_proxy })
            }
            ProxyConfig::Custom(custom) => {
                let url = config
                    .parsed_url()
                    .expect("an explicit proxy has a URL")
                    .map_err(|message| Error::field("proxy.url", message))?;
                Ok(ProxySettings::Explicit {
                    url,
                    username: custom.username.trim().to_owned(),
                    password: custom.password.value().cloned(),
                })
            }
        }
    }

    /// The settings of `config` with the process's environment.
    ///
    /// # Errors
    /// As [`ProxySettings::of`].
    pub fn from_env(config: &ProxyConfig) -> Result<ProxySettings> {
        Self::of(config, |name| std::env::var(name).ok())
    }

    /// Whether a proxy is reached over TLS (an `https://` proxy URL).
    pub fn uses_tls(&self) -> bool {
        match self {
            ProxySettings::Direct => false,
            ProxySettings::Explicit { url, .. } => url.scheme() == "https",
            ProxySettings::System { http, https, .. } => {
                [http, https].into_iter().flatten().any(|named| named.url.scheme() == "https")
            }
        }
    }

    /// Feeds what tells these settings apart into a client's cache key.
    pub fn fingerprint(&self, hasher: &mut Sha256) {
        match self {
            ProxySettings::Direct => hasher.update(b"direct\0"),
            ProxySettings::System { http, https, no_proxy } => {
                hasher.update(b"system\0");
                for named in [http, https] {
                    hasher.update(named.as_ref().map_or("", |n| n.url.as_str()).as_bytes());
                    hasher.update(b"\0");
                }
                hasher.update(no_proxy.as_bytes());
                hasher.update(b"\0");
            }
            ProxySettings::Explicit { url, username, password } => {
                hasher.update(b"explicit\0");
                for part in [url.as_str(), username, password.as_ref().map_or("", |p| p.expose())] {
                    hasher.update(Sha256::digest(part.as_bytes()));
                }
            }
        }
    }

    /// `builder` with these settings: no proxy at all, or the proxies they name (and nothing of
    /// reqwest's own reading of the environment).
    ///
    /// # Errors
    /// [`Error::Invalid`] on `proxy.url` when reqwest refuses the URL.
    pub fn apply(&self, builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder> {
        let builder = builder.no_proxy();
        let proxy = match self {
            ProxySettings::Direct => return Ok(builder),
            ProxySettings::System { .. } => {
                let settings = self.clone();
                reqwest::Proxy::custom(move |url| settings.proxy_url(url).cloned())
            }
            ProxySettings::Explicit { url, username, password } => {
                let proxy = reqwest::Proxy::all(url.clone())
                    .map_err(|_| Error::field("proxy.url", "this proxy URL cannot be used: enter http://host:port"))?;
                if username.is_empty() {
                    proxy
                } else {
                    proxy.basic_auth(username, password.as_ref().map_or("", |p| p.expose()))
                }
            }
        };
        Ok(builder.proxy(proxy))
    }

    /// The proxy `url` goes through, if any.
    fn proxy_url(&self, url: &url::Url) -> Option<&url::Url> {
        match self {
            ProxySettings::Direct => None,
            ProxySettings::Explicit { url: proxy, .. } => Some(proxy),
            ProxySettings::System { http, https, no_proxy } => {
                let named = if url.scheme() == "https" { https } else { http };
                let named = named.as_ref()?;
                (!no_proxy_matches(no_proxy, url)).then_some(&named.url)
            }
        }
    }

    /// Which proxy `url` goes through, for messages; `None` when it goes direct.
    pub fn route(&self, url: &url::Url) -> Option<Route> {
        let proxy = authority(self.proxy_url(url)?);
        Some(match self {
            ProxySettings::Explicit { username, .. } => {
                Route { proxy, source: "proxy.url", credentials: !username.is_empty() }
            }
            ProxySettings::System { http, https, .. } => {
                let named = if url.scheme() == "https" { https } else { http };
                let named = named.as_ref().expect("a routed URL has a proxy");
                Route { proxy, source: named.source, credentials: !named.url.username().is_empty() }
            }
            ProxySettings::Direct => unreachable!("direct URLs have no proxy"),
        })
    }

    /// What a failed send of `url` means when the proxy is to blame: unreachable, asking for
    /// credentials, or refusing the tunnel. `None` when the failure is not the proxy's (or
    /// there is no proxy), for the caller's own message.
    pub fn explain(&self, url: &url::Url, err: &reqwest::Error) -> Option<Error> {
        let route = self.route(url)?;
        let mut chain = err.to_string();
        let mut source = std::error::Error::source(err);
        while let Some(cause) = source {
            chain.push_str(": ");
            chain.push_str(&cause.to_string());
            source = cause.source();
        }
        // hyper-util's `TunnelError` is not exported: its messages are what there is to read.
        let problem = if chain.contains("proxy authorization required") {
            Problem::AuthenticationRequired(407)
        } else if chain.contains("tunnel error: failed to create underlying connection")
            || (url.scheme() == "http" && err.is_connect())
        {
            Problem::Unreachable(connect_reason(&chain))
        } else if chain.contains("tunnel error") {
            Problem::TunnelRefused
        } else {
            return None;
        };
        Some(Error::Proxy(route.describe(&problem, url)))
    }

    /// For a plain http target, a response that came from the proxy itself rather than the
    /// server: 407 (the proxy asks for credentials); 403 without `Via` (RFC 9110 §7.6.3: a proxy
    /// adds `Via` to what it forwards, so an answer without one is its own); and tinyproxy's 401
    /// without `Via` (it answers wrong credentials with 401 instead of 407, naming itself in
    /// `Server`). Any other answer is the server's, 401 included (the OAuth retry needs it).
    ///
    /// # Errors
    /// [`Error::Proxy`] saying so.
    pub fn check_response(&self, url: &url::Url, status: u16, headers: &reqwest::header::HeaderMap) -> Result<()> {
        if url.scheme() != "http" {
            return Ok(());
        }
        let Some(route) = self.route(url) else { return Ok(()) };
        let own = !headers.contains_key(reqwest::header::VIA);
        let tinyproxy = headers
            .get(reqwest::header::SERVER)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|server| server.starts_with("tinyproxy/"));
        let problem = match status {
            407 => Problem::AuthenticationRequired(status),
            401 if own && tinyproxy => Problem::AuthenticationRequired(status),
            403 if own => Problem::Refused(status),
            _ => return Ok(()),
        };
        Err(Error::Proxy(route.describe(&problem, url)))
    }
}

enum Problem {
    Unreachable(&'static str),
    /// With the status of the proxy's answer (407, or tinyproxy's 401).
    AuthenticationRequired(u16),
    TunnelRefused,
    Refused(u16),
}

impl Route {
    fn describe(&self, problem: &Problem, target: &url::Url) -> String {
        let Route { proxy, source, credentials } = self;
        let fix_route = if *source == "proxy.url" {
            "check proxy.url, or set proxy to \"system\" or \"none\"".to_owned()
        } else {
            format!("check {source}, add the host to NO_PROXY, or set the datasource's proxy to \"none\"")
        };
        match problem {
            Problem::Unreachable(why) => {
                format!("the proxy {proxy} (from {source}) cannot be reached ({why}): {fix_route}")
            }
            Problem::AuthenticationRequired(status) if *credentials => format!(
                "the proxy {proxy} (from {source}) refused the credentials (HTTP {status}): check proxy.username \
                 and proxy.password"
            ),
            Problem::AuthenticationRequired(status) => format!(
                "the proxy {proxy} (from {source}) asked for authentication (HTTP {status}): set proxy.username \
                 and proxy.password"
            ),
            // The answer to CONNECT is not passed on by reqwest: wrong credentials (tinyproxy
            // says 401 to them) and a refused host look the same.
            Problem::TunnelRefused if *credentials => format!(
                "the proxy {proxy} (from {source}) refused to open a tunnel (CONNECT) to {}: check proxy.username \
                 and proxy.password, and whether the proxy's rules allow this host or port",
                authority(target)
            ),
            Problem::TunnelRefused => format!(
                "the proxy {proxy} (from {source}) refused to open a tunnel (CONNECT) to {}: its rules may not \
                 allow this host or port, or it cannot reach it; ask the proxy's administrator, or {fix_route}",
                authority(target)
            ),
            Problem::Refused(status) => format!(
                "the proxy {proxy} (from {source}) refused the request to {} (HTTP {status}): its rules may not \
                 allow this host; ask the proxy's administrator, or {fix_route}",
                authority(target)
            ),
        }
    }
}

/// Why a connection failed, in a few words, from the error chain.
fn connect_reason(chain: &str) -> &'static str {
    if chain.contains("refused") {
        "connection refused"
    } else if chain.contains("dns error") || chain.contains("failed to lookup") {
        "its host name does not resolve"
    } else if chain.contains("timed out") || chain.contains("deadline") {
        "the connection timed out"
    } else {
        "the connection failed"
    }
}

/// `host:port` of a URL, the port given or the scheme's default.
fn authority(url: &url::Url) -> String {
    let host = match url.host() {
        Some(url::Host::Ipv6(ip)) => format!("[{ip}]"),
        Some(host) => host.to_string(),
        None => String::new(),
    };
    match url.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    }
}

/// A proxy URL from the environment: `http://host:port` or `host:port` (curl's default scheme).
fn parse_env_proxy(source: &'static str, raw: &str) -> Result<url::Url> {
    let raw = raw.trim();
    let with_scheme = if raw.contains("://") { raw.to_owned() } else { format!("http://{raw}") };
    url::Url::parse(&with_scheme)
        .ok()
        .filter(|url| matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|h| !h.is_empty()))
        .ok_or_else(|| {
            Error::Proxy(format!(
                "the environment variable {source} is not an http:// proxy URL such as http://proxy:3128: fix or \
                 unset it, or set the datasource's proxy to \"none\""
            ))
        })
}

/// Whether `NO_PROXY` (curl's rules, see the module's documentation) exempts `url`'s host.
pub(crate) fn no_proxy_matches(no_proxy: &str, url: &url::Url) -> bool {
    let Some(host) = url.host() else { return false };
    let ip: Option<IpAddr> = match &host {
        url::Host::Ipv4(ip) => Some((*ip).into()),
        url::Host::Ipv6(ip) => Some((*ip).into()),
        url::Host::Domain(_) => None,
    };
    let name = url.host_str().unwrap_or_default().trim_end_matches('.').to_ascii_lowercase();
    no_proxy.split(',').map(str::trim).filter(|e| !e.is_empty()).any(|entry| {
        if entry == "*" {
            return true;
        }
        let entry = entry.trim_start_matches('.').trim_end_matches('.').to_ascii_lowercase();
        if let Some(ip) = ip {
            let bare = entry.trim_start_matches('[').trim_end_matches(']');
            return match bare.split_once('/') {
                Some((net, bits)) => in_cidr(ip, net, bits),
                None => bare.parse::<IpAddr>().is_ok_and(|e| e == ip),
            };
        }
        name == entry || name.ends_with(&format!(".{entry}"))
    })
}

fn in_cidr(ip: IpAddr, net: &str, bits: &str) -> bool {
    let (Ok(net), Ok(bits)) = (net.parse::<IpAddr>(), bits.parse::<u32>()) else { return false };
    match (ip, net) {
        (IpAddr::V4(ip), IpAddr::V4(net)) if bits <= 32 => {
            let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
            u32::from(ip) & mask == u32::from(net) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) if bits <= 128 => {
            let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
            u128::from(ip) & mask == u128::from(net) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CustomProxy;

    fn url(raw: &str) -> url::Url {
        url::Url::parse(raw).unwrap()
    }

    fn system(vars: &[(&str, &str)]) -> ProxySettings {
        let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        ProxySettings::of(&ProxyConfig::default(), |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
            .unwrap()
    }

    fn via(settings: &ProxySettings, target: &str) -> Option<String> {
        settings.route(&url(target)).map(|r| format!("{} {}", r.source, r.proxy))
    }

    #[test]
    fn the_environment_names_a_proxy_per_scheme_with_all_proxy_as_the_fallback() {
        let env = system(&[("HTTPS_PROXY", "http://secure:3128"), ("http_proxy", "plain:8080")]);
        assert_eq!(via(&env, "https://api.example/x").as_deref(), Some("HTTPS_PROXY secure:3128"));
        assert_eq!(
            via(&env, "http://api.example/x").as_deref(),
            Some("http_proxy plain:8080"),
            "curl's default http://"
        );
        let env = system(&[("ALL_PROXY", "http://all:1"), ("HTTP_PROXY", "http://plain:2")]);
        assert_eq!(via(&env, "https://a.example").as_deref(), Some("ALL_PROXY all:1"));
        assert_eq!(via(&env, "http://a.example").as_deref(), Some("HTTP_PROXY plain:2"));
        assert_eq!(system(&[("NO_PROXY", "*")]), ProxySettings::Direct, "no proxy variable: direct");
        let upper_first = system(&[("HTTPS_PROXY", "http://upper:1"), ("https_proxy", "http://lower:2")]);
        assert_eq!(via(&upper_first, "https://a.example").as_deref(), Some("HTTPS_PROXY upper:1"));
        assert!(!env.uses_tls() && system(&[("HTTPS_PROXY", "https://tls-proxy:443")]).uses_tls(), "https:// proxies");
        let none = ProxySettings::of(&ProxyConfig::Mode(ProxyMode::None), |_| Some("http://p:1".into())).unwrap();
        assert_eq!(none, ProxySettings::Direct, "\"none\" ignores the environment");
        let bad = ProxySettings::of(&ProxyConfig::default(), |n| (n == "HTTPS_PROXY").then(|| "ftp://x:1".into()));
        assert!(bad.unwrap_err().to_string().contains("HTTPS_PROXY is not an http:// proxy URL"));
    }

    #[test]
    fn no_proxy_follows_curl_and_loopback_is_not_exempt_by_itself() {
        let matches = |list: &str, target: &str| no_proxy_matches(list, &url(target));
        assert!(matches("example.com", "https://example.com/x"));
        assert!(matches(".example.com", "https://api.example.com"), "a leading dot changes nothing");
        assert!(matches("example.com", "https://api.EXAMPLE.com"));
        assert!(!matches("example.com", "https://notexample.com"), "a suffix is not a subdomain");
        assert!(matches(" a.example , b.example ", "http://b.example:8080"));
        assert!(matches("*", "https://anything.example"));
        assert!(matches("127.0.0.1", "http://127.0.0.1:9/"));
        assert!(matches("10.0.0.0/8", "http://10.1.2.3/"));
        assert!(!matches("10.0.0.0/8", "http://11.1.2.3/"));
        assert!(matches("::1", "http://[::1]:80/") && matches("[::1]", "http://[::1]/"));
        assert!(matches("fd00::/8", "http://[fd12::1]/"));
        assert!(!matches("", "http://127.0.0.1/"), "no implicit bypass for loopback");
        assert!(!matches("localhost", "http://127.0.0.1/"), "names and addresses are compared as written");
        let env = system(&[("HTTP_PROXY", "http://p:1"), ("no_proxy", "localhost")]);
        assert_eq!(via(&env, "http://localhost:8080"), None);
        assert!(via(&env, "http://127.0.0.1:8080").is_some());
    }

    #[test]
    fn an_explicit_proxy_takes_every_url_and_its_password_stays_out_of_debug_and_messages() {
        let config = ProxyConfig::Custom(CustomProxy {
            url: "http://proxy.corp.example:3128".into(),
            username: "alice".into(),
            password: "hunter2-proxy".into(),
        });
        let settings = ProxySettings::of(&config, |_| None).unwrap();
        assert!(!format!("{settings:?}").contains("hunter2-proxy"));
        let route = settings.route(&url("https://api.example")).unwrap();
        assert_eq!(
            (route.proxy.as_str(), route.source, route.credentials),
            ("proxy.corp.example:3128", "proxy.url", true)
        );
        let message = route.describe(&Problem::AuthenticationRequired(407), &url("https://api.example"));
        assert!(message.contains("refused the credentials") && !message.contains("hunter2"), "{message}");
        let mut a = Sha256::new();
        settings.fingerprint(&mut a);
        let other = ProxyConfig::Custom(CustomProxy { password: "other".into(), ..config.custom().unwrap().clone() });
        let mut b = Sha256::new();
        ProxySettings::of(&other, |_| None).unwrap().fingerprint(&mut b);
        assert_ne!(a.finalize(), b.finalize(), "another password is another client");
    }

    #[test]
    fn only_the_proxys_own_answers_to_plain_http_become_its_errors() {
        use reqwest::header::{HeaderMap, HeaderValue, SERVER, VIA};
        let settings = system(&[("HTTP_PROXY", "http://p:3128")]);
        let target = url("http://api.example/x");
        let headers = |pairs: &[(reqwest::header::HeaderName, &'static str)]| {
            let mut map = HeaderMap::new();
            for (name, value) in pairs {
                map.insert(name.clone(), HeaderValue::from_static(value));
            }
            map
        };
        let own = headers(&[(SERVER, "tinyproxy/1.11.1")]);
        let forwarded = headers(&[(VIA, "1.1 proxy (tinyproxy/1.11.1)"), (SERVER, "nginx")]);
        assert!(settings.check_response(&target, 407, &forwarded).is_err(), "407 is always the proxy's");
        assert!(settings.check_response(&target, 403, &own).is_err());
        assert!(settings.check_response(&target, 401, &own).is_err(), "tinyproxy's 401 for wrong credentials");
        assert!(settings.check_response(&target, 403, &forwarded).is_ok(), "the server's 403, forwarded");
        assert!(settings.check_response(&target, 401, &forwarded).is_ok(), "the server's 401, forwarded");
        assert!(settings.check_response(&target, 401, &headers(&[(SERVER, "nginx")])).is_ok(), "a 401 is the server's");
        assert!(settings.check_response(&url("https://api.example"), 403, &own).is_ok(), "https: the tunnel decides");
        assert!(ProxySettings::Direct.check_response(&target, 407, &own).is_ok(), "no proxy, no proxy error");
    }

    #[test]
    fn the_environment_is_part_of_the_client_key() {
        let key = |settings: &ProxySettings| {
            let mut hasher = Sha256::new();
            settings.fingerprint(&mut hasher);
            hasher.finalize()
        };
        let a = system(&[("HTTPS_PROXY", "http://p:1")]);
        let b = system(&[("HTTPS_PROXY", "http://p:2")]);
        let c = system(&[("HTTPS_PROXY", "http://p:1"), ("NO_PROXY", "x")]);
        assert_ne!(key(&a), key(&b));
        assert_ne!(key(&a), key(&c));
        assert_ne!(key(&a), key(&ProxySettings::Direct));
    }
}
