//! A datasource's proxy (`proxy`): `"system"` (the default: the environment's `HTTPS_PROXY`,
//! `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY`), `"none"`, or an explicit proxy
//! `{"url", "username", "password"}` whose password is a sealed secret slot (`proxy.password`).
//! Here are the configuration and its validation only; which proxy a request goes through, and
//! what its failures mean, is `http::proxy`'s.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::datasource::secret_slot::PROXY_PASSWORD;
use crate::{FieldError, SecretField};

/// Where the requests of a datasource go first. Serialized as `"system"`, `"none"` or an object.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(untagged)]
pub enum ProxyConfig {
    Mode(ProxyMode),
    Custom(CustomProxy),
}

impl Default for ProxyConfig {
    fn default() -> Self {
        ProxyConfig::Mode(ProxyMode::System)
    }
}

/// `"system"`: the proxy the environment variables name; `"none"`: never a proxy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ProxyMode {
    System,
    None,
}

/// An explicit HTTP proxy; https targets go through it with CONNECT (RFC 9110 §9.3.6).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct CustomProxy {
    /// `http://host:port` (or `https://`), with no path and no credentials.
    pub url: String,
    /// RFC 7617 Basic credentials for the proxy (`Proxy-Authorization`), when it asks.
    pub username: String,
    pub password: SecretField,
}

impl<'de> Deserialize<'de> for ProxyConfig {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        const SHAPE: &str =
            r#"`proxy` is "system", "none" or {"url": "http://host:port", "username": …, "password": …}"#;
        match Value::deserialize(deserializer)? {
            Value::Null => Ok(ProxyConfig::default()),
            Value::String(mode) => match mode.as_str() {
                "system" => Ok(ProxyConfig::Mode(ProxyMode::System)),
                "none" => Ok(ProxyConfig::Mode(ProxyMode::None)),
                // The text is not quoted: import errors never repeat the input's values.
                _ => Err(serde::de::Error::custom(format!("unknown proxy: {SHAPE}"))),
            },
            object @ Value::Object(_) => CustomProxy::deserialize(object)
                .map(ProxyConfig::Custom)
                .map_err(|e| serde::de::Error::custom(format!("{e}: {SHAPE}"))),
            _ => Err(serde::de::Error::custom(SHAPE)),
        }
    }
}

impl ProxyConfig {
    /// Whether this is the default (`"system"`), which is not written, so that files without the
    /// field and files written by older versions stay the same.
    pub fn is_system(&self) -> bool {
        *self == ProxyConfig::Mode(ProxyMode::System)
    }

    /// The explicit proxy, if this is one.
    pub fn custom(&self) -> Option<&CustomProxy> {
        match self {
            ProxyConfig::Custom(custom) => Some(custom),
            ProxyConfig::Mode(_) => None,
        }
    }

    pub(crate) fn secret_slots_mut(&mut self) -> Vec<(&'static str, &mut SecretField)> {
        match self {
            ProxyConfig::Custom(custom) => vec![(PROXY_PASSWORD, &mut custom.password)],
            ProxyConfig::Mode(_) => vec![],
        }
    }

    pub(crate) fn secret_slots(&self) -> Vec<(&'static str, &SecretField)> {
        match self {
            ProxyConfig::Custom(custom) => vec![(PROXY_PASSWORD, &custom.password)],
            ProxyConfig::Mode(_) => vec![],
        }
    }

    /// The explicit proxy's URL, parsed. Only valid after [`ProxyConfig::validate`] succeeded.
    ///
    /// # Errors
    /// A message for `proxy.url`.
    pub fn parsed_url(&self) -> Option<Result<url::Url, String>> {
        self.custom().map(|custom| parse_proxy_url(&custom.url))
    }

    pub(crate) fn validate(&self, errors: &mut Vec<FieldError>) {
        let Some(custom) = self.custom() else { return };
        if let Err(message) = parse_proxy_url(&custom.url) {
            errors.push(FieldError::new("proxy.url", message));
        }
        if custom.username.contains(':') {
            errors.push(FieldError::new("proxy.username", "a proxy username cannot contain `:` (RFC 7617 §2)"));
        }
        if custom.password.is_set() && custom.username.trim().is_empty() {
            errors.push(FieldError::new(
                "proxy.password",
                "a proxy password goes with a username: enter proxy.username too, or remove the password",
            ));
        }
    }
}

/// Parses an explicit proxy URL: `http://` or `https://`, a host, an explicit port, nothing else.
fn parse_proxy_url(raw: &str) -> Result<url::Url, String> {
    let fix = "enter the proxy as http://host:port, for example http://proxy.example.com:3128";
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(format!("the proxy URL is empty: {fix}"));
    }
    if !trimmed.contains("://") {
        return Err(format!("the proxy URL does not start with http:// or https://: {fix}"));
    }
    let url = url::Url::parse(trimmed).map_err(|e| format!("{}: {fix}", super::datasource::url_problem(trimmed, e)))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err("put the proxy's credentials in proxy.username and proxy.password, not in the URL".to_owned());
    }
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("`{}` proxies are not supported: {fix}", url.scheme()));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("the proxy URL has no host: {fix}"));
    }
    if !has_explicit_port(trimmed) {
        return Err(format!("the proxy URL has no port (proxies rarely listen on 80 or 443): {fix}"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(format!("a proxy URL has no path, query or #fragment: {fix}"));
    }
    Ok(url)
}

/// Whether the authority of `raw` (after `://`, before any `/`, `?` or `#`) ends in `:port`;
/// the URL parser drops a port that is the scheme's default, so this reads the text.
fn has_explicit_port(raw: &str) -> bool {
    let rest = raw.split_once("://").map_or(raw, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_and_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let after_host = match host_and_port.rfind(']') {
        Some(end) => &host_and_port[end + 1..],
        None => host_and_port,
    };
    after_host.rsplit_once(':').is_some_and(|(_, port)| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<ProxyConfig, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    fn custom(url: &str) -> ProxyConfig {
        ProxyConfig::Custom(CustomProxy { url: url.into(), ..CustomProxy::default() })
    }

    fn fields(proxy: &ProxyConfig) -> Vec<String> {
        let mut errors = Vec::new();
        proxy.validate(&mut errors);
        errors.into_iter().map(|e| format!("{}: {}", e.field, e.message)).collect()
    }

    #[test]
    fn three_forms_and_the_default_is_not_written() {
        assert_eq!(parse(r#""system""#), Ok(ProxyConfig::default()));
        assert_eq!(parse(r#""none""#), Ok(ProxyConfig::Mode(ProxyMode::None)));
        assert_eq!(parse("null"), Ok(ProxyConfig::default()));
        let explicit =
            parse(r#"{"url":"http://proxy.example:3128","username":"u","password":"hunter2-proxy"}"#).unwrap();
        let ProxyConfig::Custom(c) = &explicit else { panic!("an object is an explicit proxy") };
        assert_eq!((c.url.as_str(), c.username.as_str()), ("http://proxy.example:3128", "u"));
        let written = serde_json::to_string(&explicit).unwrap();
        assert_eq!(written, r#"{"url":"http://proxy.example:3128","username":"u","password":{"set":true}}"#);
        assert!(!format!("{explicit:?}").contains("hunter2-proxy"), "Debug redacts the password");
        assert_eq!(serde_json::to_string(&ProxyConfig::Mode(ProxyMode::None)).unwrap(), r#""none""#);
        for bad in [r#""socks""#, "3", r#"{"url":"http://p:1","pass":"x"}"#] {
            let message = parse(bad).unwrap_err();
            assert!(message.contains(r#""system", "none""#), "{bad}: {message}");
            assert!(!message.contains("socks"), "the input's value is not repeated: {message}");
        }
    }

    #[test]
    fn the_url_is_a_scheme_a_host_and_a_port_and_nothing_else() {
        for ok in ["http://proxy.example:3128", "https://10.0.0.1:443", "http://[::1]:8080/", " http://p:80 "] {
            assert_eq!(fields(&custom(ok)), Vec::<String>::new(), "{ok}");
        }
        let cases = [
            ("", "empty"),
            ("proxy.example:3128", "proxy URL"),
            ("socks5://p:1080", "`socks5` proxies"),
            ("http://proxy.example", "no port"),
            ("http://proxy.example:3128/path", "no path"),
            ("http://proxy.example:3128?x=1", "no path, query"),
        ];
        for (url, expected) in cases {
            let found = fields(&custom(url));
            assert!(
                found.len() == 1 && found[0].starts_with("proxy.url: ") && found[0].contains(expected),
                "{url}: {found:?}"
            );
        }
        let found = fields(&custom("http://user:s3cret-in-url@proxy.example:3128"));
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("proxy.username and proxy.password"), "{found:?}");
        assert!(!found[0].contains("s3cret-in-url"), "the URL's password is never quoted: {found:?}");
    }

    #[test]
    fn a_password_needs_a_username() {
        let proxy = ProxyConfig::Custom(CustomProxy {
            url: "http://p.example:3128".into(),
            username: String::new(),
            password: "pw".into(),
        });
        let found = fields(&proxy);
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("proxy.password: "), "{found:?}");
        assert_eq!(proxy.secret_slots().len(), 1, "the password is a secret slot");
        assert!(ProxyConfig::default().secret_slots().is_empty());
    }
}
