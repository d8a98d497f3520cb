//! Where each secret of a datasource can be sent, and what a change of configuration means for
//! the secrets and tokens already stored (DESIGN.md "A secret follows its destination").
//!
//! A stored secret is kept (`{"set": true}`) only while every place it can reach is unchanged:
//! - API credentials (Basic password, API key, bearer token, signature secret): the origin of the
//!   datasource URL, the certificate pinned for it, and for an API key where it goes (`addTo`);
//! - OAuth 2.0 client credentials (client secret, the `private_key_jwt` key, the password
//!   grant's password): the Access Token URL, the Revocation URL and, for the device grant, the
//!   Device Authorization URL, and the certificate pinned for them when
//!   `useSelfSignedCertForAuth` extends the pin there;
//! - the client certificate's key and passphrase (mutual TLS): the origin of the datasource URL
//!   and the certificate pinned for it, and the OAuth endpoints (Access Token URL, Revocation URL,
//!   Issuer) with the certificate pinned for them, since the key is presented to each of them;
//! - the pinned certificate itself: the host of the datasource URL;
//! - the explicit proxy's password (`proxy.password`): the proxy URL (it goes to the proxy only);
//! - every `auth.*` secret: the authentication type it was entered for, since two types share a
//!   slot name (`auth.password`) but send it to different places.
//!
//! Stored OAuth tokens follow the same idea: they are dropped when the token identity, the URL's
//! origin or pin, `addTokenTo`, the Revocation URL or the client certificate (a token bound to
//! one, RFC 8705 §3, is useless with another) changes. Deciding is pure; the store applies
//! it inside the transaction that saves.

use super::datasource::secret_slot;
use super::{AuthConfig, AuthType, DatasourceConfig, KeyPlacement, OAuth2Config};
use crate::{FieldError, Secret, SecretField};

/// The certificate pinned for a configuration's URL, as DER bytes (so that a re-wrapped PEM of
/// the same certificate is the same pin). `None` when no certificate is pinned.
pub type Pin = Option<Vec<Vec<u8>>>;

/// The pin a PEM text stands for. A text that is not a certificate counts as a pin of its own
/// (validation reports it separately).
pub fn pin_of(pem: Option<&Secret>) -> Pin {
    let pem = pem?;
    Some(match crate::http::tls::parse_pem_certificates(pem.expose()) {
        Ok(certs) => certs.into_iter().map(|c| c.as_ref().to_vec()).collect(),
        Err(_) => vec![pem.expose().as_bytes().to_vec()],
    })
}

/// A configuration as stored, with the pin its certificate slot holds.
#[derive(Debug, Clone, Copy)]
pub struct Stored<'a> {
    pub config: &'a DatasourceConfig,
    pub pin: &'a Pin,
}

/// What saving `new` over `old` does to what is stored.
#[derive(Debug, Default, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct DestinationCheck {
    /// Secrets the new configuration keeps (`{"set": true}`) although their destination
    /// changed: each is an error on its field; nothing may be stored.
    pub moved_secrets: Vec<FieldError>,
    /// Why stored OAuth tokens no longer belong to the new configuration, if they do not.
    pub tokens_dropped: Option<String>,
}

/// Compares the destinations of `old` (as stored) and `new` (about to be stored; its pin is the
/// new certificate value when one was entered, else the stored one, else none).
pub fn check(old: Stored<'_>, new: Stored<'_>) -> DestinationCheck {
    let mut result = DestinationCheck::default();
    let kind_changed = old.config.auth.kind() != new.config.auth.kind();
    let api_moved = api_moved(old, new);
    for (slot, field) in new.config.secret_slots() {
        if *field != SecretField::Stored {
            continue;
        }
        let label = label_of(slot, new.config.auth.kind());
        let why = if slot.starts_with("auth.") && kind_changed {
            Some(format!(
                "the authentication type changed ({} → {})",
                type_label(old.config.auth.kind()),
                type_label(new.config.auth.kind())
            ))
        } else {
            match slot {
                secret_slot::PROXY_PASSWORD => proxy_moved(old.config, new.config),
                secret_slot::SELF_SIGNED_CERTIFICATE => host_moved(old.config, new.config)
                    .map(|(from, to)| format!("the URL moved to another host ({from} → {to})")),
                secret_slot::CLIENT_SECRET | secret_slot::CLIENT_ASSERTION_KEY => oauth_endpoints_moved(old, new),
                secret_slot::PASSWORD if new.config.auth.kind() == AuthType::OAuth2 => oauth_endpoints_moved(old, new),
                secret_slot::API_KEY_VALUE => api_moved.clone().or_else(|| key_placement_moved(old.config, new.config)),
                secret_slot::CLIENT_CERTIFICATE_KEY | secret_slot::CLIENT_CERTIFICATE_PASSPHRASE => {
                    api_moved.clone().or_else(|| certificate_endpoints_moved(old, new))
                }
                _ => api_moved.clone(),
            }
        };
        if let Some(reason) = why {
            let verb = if slot == secret_slot::SELF_SIGNED_CERTIFICATE { "add" } else { "enter" };
            result.moved_secrets.push(FieldError::new(slot, format!("{reason}: {verb} the {label} again")));
        }
    }
    result.tokens_dropped = tokens_dropped(old, new, api_moved);
    result
}

/// Why API credentials may no longer go where they were entered for: another origin, or
/// another certificate trusted for it.
fn api_moved(old: Stored<'_>, new: Stored<'_>) -> Option<String> {
    let (from, to) = (origin(&old.config.url), origin(&new.config.url));
    if from != to {
        return Some(format!("the URL moved to another origin ({from} → {to})"));
    }
    if new.pin.is_some() && new.pin != old.pin {
        return Some("another self-signed certificate is now trusted for the URL".to_owned());
    }
    None
}

/// The OAuth endpoints a configuration presents its client certificate to: the Access Token URL,
/// the Revocation URL, the Device Authorization URL and the Issuer, those that are set.
fn oauth_endpoints(config: &DatasourceConfig) -> Vec<(&'static str, &str)> {
    let AuthConfig::OAuth2(o) = &config.auth else { return Vec::new() };
    [
        ("Access Token URL", &o.access_token_url),
        ("Revocation URL", &o.revocation_url),
        ("Device Authorization URL", &o.device_authorization_url),
        ("Issuer", &o.issuer),
    ]
    .into_iter()
    .filter(|(_, url)| !url.trim().is_empty())
    .map(|(label, url)| (label, url.as_str()))
    .collect()
}

/// Why the client certificate's key would now be presented somewhere new among the OAuth
/// endpoints (one that is added or changed), or to them with another pinned certificate.
fn certificate_endpoints_moved(old: Stored<'_>, new: Stored<'_>) -> Option<String> {
    let before = oauth_endpoints(old.config);
    for (label, url) in oauth_endpoints(new.config) {
        if !before.iter().any(|(_, known)| same_url(known, url)) {
            return Some(format!("the {label} changed ({})", origin(url)));
        }
    }
    auth_pin_moved(old, new)
}

/// The client certificate as DER (so a re-wrapped PEM of the same chain is the same), or the
/// text when it is not PEM.
fn client_certificate_of(config: &DatasourceConfig) -> Vec<Vec<u8>> {
    let pem = config.client_certificate.trim();
    if pem.is_empty() {
        return Vec::new();
    }
    match crate::http::tls::parse_pem_certificates(pem) {
        Ok(certs) => certs.into_iter().map(|c| c.as_ref().to_vec()).collect(),
        Err(_) => vec![pem.as_bytes().to_vec()],
    }
}

/// Why the proxy password may no longer go where it was entered for: another proxy URL, or no
/// explicit proxy before.
fn proxy_moved(old: &DatasourceConfig, new: &DatasourceConfig) -> Option<String> {
    let new_url = new.proxy.custom().map(|p| p.url.as_str())?;
    match old.proxy.custom() {
        None => Some("the datasource had no explicit proxy".to_owned()),
        Some(o) if !same_url(&o.url, new_url) => {
            Some(format!("the proxy URL changed ({} → {})", origin(&o.url), origin(new_url)))
        }
        Some(_) => None,
    }
}

fn key_placement_moved(old: &DatasourceConfig, new: &DatasourceConfig) -> Option<String> {
    match (&old.auth, &new.auth) {
        (AuthConfig::ApiKey(o), AuthConfig::ApiKey(n)) if o.add_to != n.add_to => {
            Some(format!("the key now goes in the {}", placement_label(n.add_to)))
        }
        _ => None,
    }
}

fn oauth_endpoints_moved(old: Stored<'_>, new: Stored<'_>) -> Option<String> {
    let (AuthConfig::OAuth2(o), AuthConfig::OAuth2(n)) = (&old.config.auth, &new.config.auth) else { return None };
    if !same_url(&o.access_token_url, &n.access_token_url) {
        return Some("the Access Token URL changed".to_owned());
    }
    if !n.revocation_url.trim().is_empty() && !same_url(&o.revocation_url, &n.revocation_url) {
        return Some("the Revocation URL changed".to_owned());
    }
    // The device authorization request authenticates the client as token requests do.
    if n.grant_type == super::GrantType::DeviceCode
        && !same_url(&o.device_authorization_url, &n.device_authorization_url)
    {
        return Some("the Device Authorization URL changed".to_owned());
    }
    auth_pin_moved(old, new)
}

/// Why the OAuth endpoints now trust another certificate: `useSelfSignedCertForAuth` extends the
/// pin to them, so turning it on or pinning another certificate with it on is a new destination.
fn auth_pin_moved(old: Stored<'_>, new: Stored<'_>) -> Option<String> {
    let (AuthConfig::OAuth2(o), AuthConfig::OAuth2(n)) = (&old.config.auth, &new.config.auth) else { return None };
    let old_pin = if o.use_self_signed_cert_for_auth { old.pin } else { &None };
    let trusted = n.use_self_signed_cert_for_auth && new.pin.is_some() && new.pin != old_pin;
    trusted
        .then(|| "another self-signed certificate is now trusted for the Access Token and Revocation URLs".to_owned())
}

fn tokens_dropped(old: Stored<'_>, new: Stored<'_>, api_moved: Option<String>) -> Option<String> {
    let (AuthConfig::OAuth2(o), AuthConfig::OAuth2(n)) = (&old.config.auth, &new.config.auth) else {
        return Some("the authentication is no longer OAuth 2.0".to_owned());
    };
    let reason = if !o.same_token_identity(n) {
        token_identity_change(o, n)
    } else if client_certificate_of(old.config) != client_certificate_of(new.config) {
        "the client certificate changed, and tokens bound to it work with no other".to_owned()
    } else if let Some(moved) = api_moved {
        moved
    } else if o.add_token_to != n.add_token_to {
        format!("the token now goes in the {}", placement_label(n.add_token_to))
    } else if !same_url(&o.revocation_url, &n.revocation_url) {
        "the Revocation URL changed".to_owned()
    } else {
        auth_pin_moved(old, new)?
    };
    Some(reason)
}

fn token_identity_change(o: &OAuth2Config, n: &OAuth2Config) -> String {
    let what = if o.access_token_url != n.access_token_url {
        "the Access Token URL"
    } else if o.client_id != n.client_id {
        "the Client ID"
    } else if o.grant_type != n.grant_type {
        "the grant type"
    } else if o.scopes != n.scopes {
        "the scopes"
    } else if o.username != n.username {
        "the username"
    } else if o.audience != n.audience {
        "the audience"
    } else {
        "the resource"
    };
    format!("{what} changed")
}

/// `scheme://host:port` of a URL, or the text itself when it does not parse.
fn origin(raw: &str) -> String {
    match url::Url::parse(raw.trim()) {
        Ok(url) => url.origin().ascii_serialization(),
        Err(_) => raw.trim().to_owned(),
    }
}

fn host_moved(old: &DatasourceConfig, new: &DatasourceConfig) -> Option<(String, String)> {
    let host = |raw: &str| url::Url::parse(raw.trim()).ok().and_then(|u| u.host_str().map(str::to_owned));
    let (from, to) = (host(&old.url), host(&new.url));
    (from != to).then(|| (from.unwrap_or_default(), to.unwrap_or_default()))
}

/// Whether two endpoint URLs are the same once parsed (so `HTTPS://Id.Example/token` equals
/// `https://id.example/token`); unparsable ones compare as text.
fn same_url(a: &str, b: &str) -> bool {
    match (url::Url::parse(a.trim()), url::Url::parse(b.trim())) {
        (Ok(a), Ok(b)) => a == b,
        _ => a.trim() == b.trim(),
    }
}

fn placement_label(placement: KeyPlacement) -> &'static str {
    match placement {
        KeyPlacement::Header => "header",
        KeyPlacement::Query => "query string",
    }
}

fn type_label(kind: AuthType) -> &'static str {
    match kind {
        AuthType::None => "none",
        AuthType::Basic => "Basic",
        AuthType::ApiKey => "API key",
        AuthType::Bearer => "Bearer token",
        AuthType::OAuth2 => "OAuth 2.0",
    }
}

/// How a person calls the secret in a slot.
fn label_of(slot: &str, kind: AuthType) -> String {
    match slot {
        secret_slot::SIGNATURE_SECRET => "signature secret",
        secret_slot::SELF_SIGNED_CERTIFICATE => "self-signed certificate",
        secret_slot::PASSWORD if kind == AuthType::OAuth2 => "resource owner's password",
        secret_slot::PASSWORD => "password",
        secret_slot::API_KEY_VALUE => "API key",
        secret_slot::BEARER_TOKEN => "token",
        secret_slot::CLIENT_SECRET => "client secret",
        secret_slot::CLIENT_CERTIFICATE_KEY => "client certificate key",
        secret_slot::CLIENT_CERTIFICATE_PASSPHRASE => "client certificate passphrase",
        secret_slot::PROXY_PASSWORD => "proxy password",
        secret_slot::CLIENT_ASSERTION_KEY => "private key (client assertion key)",
        other => other,
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transfer::parse_datasource;

    fn config(json: &str) -> DatasourceConfig {
        parse_datasource(json).unwrap()
    }

    fn run(old: &str, new: &str) -> DestinationCheck {
        let (old, new) = (config(old), config(new));
        check(Stored { config: &old, pin: &None }, Stored { config: &new, pin: &None })
    }

    fn fields(check: &DestinationCheck) -> Vec<&str> {
        check.moved_secrets.iter().map(|e| e.field.as_str()).collect()
    }

    const BEARER: &str = r#"{"name":"g","url":"https://api.github.com","auth":{"type":"bearer","token":{"set":true}}}"#;

    #[test]
    fn api_credentials_stay_on_their_origin() {
        let moved = run(BEARER, &BEARER.replace("https://api.github.com", "https://evil.example"));
        assert_eq!(fields(&moved), ["auth.token"], "a kept token cannot follow the URL to another host");
        let message = &moved.moved_secrets[0].message;
        assert!(message.contains("another origin") && message.contains("enter the token again"), "{message}");
        assert!(message.contains("https://evil.example"), "the new origin is named: {message}");
        for same in ["https://api.github.com/v3", "https://API.github.com:443/x?y=1"] {
            assert!(run(BEARER, &BEARER.replace("https://api.github.com", same)).moved_secrets.is_empty(), "{same}");
        }
        for other in ["http://api.github.com", "https://api.github.com:8443", "https://github.com"] {
            assert_eq!(
                fields(&run(BEARER, &BEARER.replace("https://api.github.com", other))),
                ["auth.token"],
                "{other}"
            );
        }
    }

    #[test]
    fn a_kept_proxy_password_stays_with_its_proxy() {
        let proxied = r#"{"name":"p","url":"https://api.example","proxy":{"url":"http://proxy.corp.example:3128",
            "username":"u","password":{"set":true}}}"#;
        let moved = run(proxied, &proxied.replace("proxy.corp.example:3128", "evil.example:3128"));
        assert_eq!(fields(&moved), ["proxy.password"], "a kept proxy password cannot follow the proxy URL elsewhere");
        let message = &moved.moved_secrets[0].message;
        assert!(
            message.contains("proxy URL changed") && message.contains("enter the proxy password again"),
            "{message}"
        );
        assert!(message.contains("http://evil.example:3128"), "the new proxy is named: {message}");
        assert_eq!(fields(&run(proxied, &proxied.replace(":3128", ":8080"))), ["proxy.password"], "another port");
        let same = proxied.replace("http://proxy.corp.example:3128", "HTTP://Proxy.Corp.Example:3128/");
        assert!(run(proxied, &same).moved_secrets.is_empty(), "the same URL written differently");
        assert!(
            run(proxied, &proxied.replace("https://api.example", "https://other.example")).moved_secrets.is_empty(),
            "the proxy password never goes to the API"
        );
        let system = r#"{"name":"p","url":"https://api.example"}"#;
        assert_eq!(fields(&run(system, proxied)), ["proxy.password"], "no password was entered for this proxy");
    }

    #[test]
    fn a_new_pin_moves_api_credentials() {
        let (old, new) = (config(BEARER), config(BEARER));
        let pin = Some(vec![b"cert".to_vec()]);
        let moved = check(Stored { config: &old, pin: &None }, Stored { config: &new, pin: &pin });
        assert_eq!(fields(&moved), ["auth.token"], "trusting another certificate for the host is a new destination");
        let same = check(Stored { config: &old, pin: &pin }, Stored { config: &new, pin: &pin });
        assert!(same.moved_secrets.is_empty());
        let removed = check(Stored { config: &old, pin: &pin }, Stored { config: &new, pin: &None });
        assert!(removed.moved_secrets.is_empty(), "dropping a pin only narrows what is trusted");
    }

    #[test]
    fn api_keys_also_keep_their_placement() {
        let header =
            r#"{"name":"k","url":"https://a.example","auth":{"type":"apiKey","key":"X-Key","value":{"set":true}}}"#;
        let query = header.replace(r#""value""#, r#""addTo":"query","value""#);
        let moved = run(header, &query);
        assert_eq!(fields(&moved), ["auth.value"]);
        assert!(moved.moved_secrets[0].message.contains("query string"), "{:?}", moved.moved_secrets);
    }

    #[test]
    fn secrets_never_move_between_auth_types() {
        let oauth = r#"{"name":"o","url":"https://a.example","auth":{"type":"oauth2","grantType":"password",
            "accessTokenUrl":"https://id.example/token","clientId":"c","username":"u","password":{"set":true}}}"#;
        let basic =
            r#"{"name":"o","url":"https://a.example","auth":{"type":"basic","username":"u","password":{"set":true}}}"#;
        let moved = run(oauth, basic);
        assert_eq!(fields(&moved), ["auth.password"], "a password-grant password is not a Basic password");
        assert!(moved.moved_secrets[0].message.contains("OAuth 2.0 → Basic"), "{:?}", moved.moved_secrets);
        assert_eq!(fields(&run(basic, oauth)), ["auth.password"]);
    }

    #[test]
    fn a_client_certificate_key_follows_the_url_and_every_oauth_endpoint() {
        let oauth = r#"{"name":"o","url":"https://api.example","clientCertificate":"CERT",
            "clientCertificateKey":{"set":true},"clientCertificatePassphrase":{"set":true},
            "auth":{"type":"oauth2","grantType":"client_credentials","clientAuthentication":"tls_client_auth",
            "accessTokenUrl":"https://id.example/token","clientId":"c"}}"#;
        let both = ["clientCertificateKey", "clientCertificatePassphrase"];
        assert!(run(oauth, oauth).moved_secrets.is_empty());
        let moved = run(oauth, &oauth.replace("https://api.example", "https://evil.example"));
        assert_eq!(fields(&moved), both, "the key is presented to the API's origin");
        assert!(moved.moved_secrets[0].message.contains("enter the client certificate key again"), "{moved:?}");
        let moved = run(oauth, &oauth.replace("https://id.example/token", "https://evil.example/token"));
        assert_eq!(fields(&moved), both, "and to the token endpoint");
        for (field, url) in [("revocationUrl", "https://evil.example/revoke"), ("issuer", "https://evil.example")] {
            let added = oauth.replace(r#""clientId":"c""#, &format!(r#""clientId":"c","{field}":"{url}""#));
            let moved = run(oauth, &added);
            assert_eq!(fields(&moved), both, "{field}");
            assert!(moved.moved_secrets[0].message.contains("evil.example"), "{moved:?}");
            assert!(run(&added, oauth).moved_secrets.is_empty(), "{field}: fewer places");
        }
        let plain = config(&oauth.replace(r#""type":"oauth2""#, r#""type":"oauth2","useSelfSignedCertForAuth":true"#));
        let (old, pin) = (config(oauth), Some(vec![b"cert".to_vec()]));
        let moved = check(Stored { config: &old, pin: &None }, Stored { config: &plain, pin: &pin });
        assert_eq!(fields(&moved), both, "another server certificate trusted");
    }

    #[test]
    fn tokens_are_dropped_when_the_client_certificate_changes() {
        let generated = latchkey_testkit::openssl_self_signed("client");
        let json = |cert: &str| {
            serde_json::json!({"name":"o","url":"https://api.example","clientCertificate":cert,
                "auth":{"type":"oauth2","grantType":"client_credentials","accessTokenUrl":"https://id.example/token",
                "clientId":"c"}})
            .to_string()
        };
        let same = run(&json(&generated.cert_pem), &json(&generated.cert_pem.replace('\n', "\r\n")));
        assert_eq!(same.tokens_dropped, None, "the same certificate, wrapped otherwise");
        let other = latchkey_testkit::openssl_self_signed("client");
        let dropped = run(&json(&generated.cert_pem), &json(&other.cert_pem)).tokens_dropped.unwrap();
        assert!(dropped.contains("client certificate changed"), "{dropped}");
        assert!(run(&json(""), &json(&other.cert_pem)).tokens_dropped.is_some(), "a certificate added");
    }

    #[test]
    fn client_credentials_follow_the_token_and_revocation_urls() {
        let oauth = r#"{"name":"o","url":"https://api.example","auth":{"type":"oauth2","grantType":"client_credentials",
            "accessTokenUrl":"https://id.example/token","revocationUrl":"https://id.example/revoke",
            "clientId":"c","clientSecret":{"set":true}}}"#;
        let moved = run(oauth, &oauth.replace("https://id.example/token", "https://evil.example/token"));
        assert_eq!(fields(&moved), ["auth.clientSecret"]);
        assert!(moved.moved_secrets[0].message.contains("Access Token URL"), "{:?}", moved.moved_secrets);
        let moved = run(oauth, &oauth.replace("https://id.example/revoke", "https://evil.example/revoke"));
        assert_eq!(fields(&moved), ["auth.clientSecret"], "logout posts the client secret to the Revocation URL");
        let no_revocation = oauth.replace("https://id.example/revoke", "");
        assert!(run(oauth, &no_revocation).moved_secrets.is_empty(), "no revocation sends the secret to fewer places");
        let api_moved = run(oauth, &oauth.replace("https://api.example", "https://other.example"));
        assert!(api_moved.moved_secrets.is_empty(), "the client secret never goes to the API");
        assert!(api_moved.tokens_dropped.unwrap().contains("another origin"), "but the access token does");
    }

    #[test]
    fn the_client_secret_follows_the_device_authorization_url() {
        let oauth = r#"{"name":"o","url":"https://api.example","auth":{"type":"oauth2","grantType":"device_code",
            "accessTokenUrl":"https://id.example/token","deviceAuthorizationUrl":"https://id.example/device",
            "clientId":"c","clientSecret":{"set":true}}}"#;
        assert!(run(oauth, oauth).moved_secrets.is_empty());
        let moved = run(oauth, &oauth.replace("https://id.example/device", "https://evil.example/device"));
        assert_eq!(fields(&moved), ["auth.clientSecret"], "the device authorization request carries the secret");
        assert!(moved.moved_secrets[0].message.contains("Device Authorization URL"), "{:?}", moved.moved_secrets);
        let emptied = run(oauth, &oauth.replace("https://id.example/device", ""));
        assert_eq!(fields(&emptied), ["auth.clientSecret"], "an empty one would be discovered: another destination");
        let code = oauth.replace("device_code", "authorization_code");
        assert!(
            run(oauth, &code.replace("https://id.example/device", "https://evil.example/device"))
                .moved_secrets
                .is_empty(),
            "the code grant never sends it there"
        );
    }

    #[test]
    fn tokens_are_dropped_when_any_of_their_destinations_changes() {
        let oauth = r#"{"name":"o","url":"https://api.example","auth":{"type":"oauth2","grantType":"client_credentials",
            "accessTokenUrl":"https://id.example/token","revocationUrl":"https://id.example/revoke","clientId":"c"}}"#;
        assert_eq!(run(oauth, oauth).tokens_dropped, None);
        assert_eq!(run(oauth, &oauth.replace(r#""name":"o""#, r#""name":"p""#)).tokens_dropped, None);
        let cases = [
            (oauth.replace("https://api.example", "https://evil.example"), "another origin"),
            (oauth.replace("https://id.example/revoke", "https://evil.example/revoke"), "Revocation URL"),
            (oauth.replace(r#""clientId":"c""#, r#""clientId":"c","addTokenTo":"query""#), "query string"),
            (oauth.replace(r#""clientId":"c""#, r#""clientId":"d""#), "Client ID"),
            (oauth.replace("https://id.example/token", "https://id.example/token2"), "Access Token URL"),
        ];
        for (new, reason) in cases {
            let dropped = run(oauth, &new).tokens_dropped.unwrap_or_default();
            assert!(dropped.contains(reason), "expected {reason:?}, got {dropped:?}");
        }
        assert!(run(oauth, BEARER).tokens_dropped.is_some());
    }

    #[test]
    fn a_pin_extended_to_the_oauth_endpoints_moves_the_client_secret() {
        let json = |extend: bool| {
            config(&format!(
                r#"{{"name":"o","url":"https://api.example","selfSignedCertificate":{{"set":true}},"auth":{{"type":"oauth2",
                "grantType":"client_credentials","accessTokenUrl":"https://id.example/token","clientId":"c",
                "clientSecret":{{"set":true}},"useSelfSignedCertForAuth":{extend}}}}}"#
            ))
        };
        let (off, on) = (json(false), json(true));
        let (pin, other) = (Some(vec![b"a".to_vec()]), Some(vec![b"b".to_vec()]));
        let stored = |config, pin| Stored { config, pin };
        let turned_on = check(stored(&off, &pin), stored(&on, &pin));
        assert!(fields(&turned_on).contains(&"auth.clientSecret"), "extending the pin to the token URL: {turned_on:?}");
        assert!(turned_on.tokens_dropped.is_some_and(|r| r.contains("Access Token and Revocation URLs")));
        assert!(check(stored(&on, &pin), stored(&on, &pin)).moved_secrets.is_empty(), "unchanged");
        let swapped = check(stored(&on, &pin), stored(&on, &other));
        assert!(fields(&swapped).contains(&"auth.clientSecret"), "another certificate for the token URL");
        assert!(check(stored(&on, &pin), stored(&off, &pin)).moved_secrets.is_empty(), "turning it off narrows trust");
    }

    #[test]
    fn the_pinned_certificate_stays_with_its_host() {
        let pinned = r#"{"name":"p","url":"https://internal.example:8443","selfSignedCertificate":{"set":true}}"#;
        assert!(run(pinned, &pinned.replace(":8443", ":9443")).moved_secrets.is_empty(), "same host, other port");
        let moved = run(pinned, &pinned.replace("internal.example", "evil.example"));
        assert_eq!(fields(&moved), ["selfSignedCertificate"]);
        assert!(moved.moved_secrets[0].message.contains("add the self-signed certificate again"), "{moved:?}");
    }

    #[test]
    fn the_assertion_key_follows_the_token_and_revocation_urls() {
        let oauth = r#"{"name":"o","url":"https://api.example","auth":{"type":"oauth2","grantType":"client_credentials",
            "accessTokenUrl":"https://id.example/token","revocationUrl":"https://id.example/revoke","clientId":"c",
            "clientAuthentication":"private_key_jwt","clientAssertionKey":{"set":true}}}"#;
        assert!(run(oauth, oauth).moved_secrets.is_empty());
        let moved = run(oauth, &oauth.replace("https://id.example/token", "https://evil.example/token"));
        assert_eq!(fields(&moved), ["auth.clientAssertionKey"], "a kept key cannot sign for another provider");
        let message = &moved.moved_secrets[0].message;
        assert!(message.contains("Access Token URL") && message.contains("enter the private key"), "{message}");
        let moved = run(oauth, &oauth.replace("https://id.example/revoke", "https://evil.example/revoke"));
        assert_eq!(fields(&moved), ["auth.clientAssertionKey"], "logout sends an assertion to the Revocation URL");
        assert!(run(oauth, &oauth.replace("https://api.example", "https://other.example")).moved_secrets.is_empty());
    }
}
