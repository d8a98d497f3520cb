//! A datasource: base URL, shared headers and query parameters, signature header,
//! self-signed certificate and authentication. Also its validation and its secret slots.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{
    check_header_rows, check_param_rows, AuthConfig, AuthType, ConfigOverrides, DatasourceId, EnvironmentId, KeyValue,
    ProxyConfig, TokenStatus,
};
use crate::variables::Variables;
use crate::{FieldError, Secret, SecretField};

/// A datasource as a person edits it and as it is exported (DESIGN.md "Data model").
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct DatasourceConfig {
    pub name: String,
    /// Base URL: an absolute http(s) URL that request paths are appended to.
    pub url: String,
    /// Lets credentials go to a plain `http://` URL on a host that is not a loopback host.
    /// Off by default: such a URL is refused for a datasource with credentials.
    pub allow_insecure_http: bool,
    pub headers: Vec<KeyValue>,
    pub query_params: Vec<KeyValue>,
    /// Adds `X-Latchkey-Signature`, an HS256 JWT signed with `signatureSecret`.
    pub send_signature_header: bool,
    pub signature_secret: SecretField,
    /// A PEM certificate pinned for the host of `url` only (and for the OAuth endpoints with
    /// `auth.useSelfSignedCertForAuth`).
    pub self_signed_certificate: SecretField,
    /// The client certificate (mutual TLS, RFC 8705) as a PEM chain, end entity first: presented
    /// to the URL's origin and to the OAuth endpoints when they ask for one. Not a secret.
    pub client_certificate: String,
    /// Its private key: PKCS#8, PKCS#1 or SEC1 PEM, or an encrypted PKCS#8 `ENCRYPTED PRIVATE KEY`.
    pub client_certificate_key: SecretField,
    /// The passphrase of an encrypted key.
    pub client_certificate_passphrase: SecretField,
    pub auth: AuthConfig,
    /// The proxy of every call made for the datasource (API, token, revocation, discovery).
    /// `"system"` (the default) is not written.
    #[serde(skip_serializing_if = "ProxyConfig::is_system")]
    #[ts(as = "Option<ProxyConfig>", optional)]
    pub proxy: ProxyConfig,
    /// Per-environment overrides by environment name: only the fields that differ there.
    pub environments: BTreeMap<String, ConfigOverrides>,
}

/// A stored datasource: its configuration plus what only Rust sets.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Datasource {
    pub id: DatasourceId,
    #[ts(type = "number")]
    pub created_at: i64,
    #[ts(type = "number")]
    pub updated_at: i64,
    #[serde(flatten)]
    pub config: DatasourceConfig,
    /// The configuration generation this was read at (see the store's `save_tokens`); Rust's only.
    #[serde(skip)]
    #[ts(skip)]
    pub generation: i64,
    /// The environment `config` was resolved in (effective configuration, variables resolved),
    /// or `None` for the stored shape (base and overrides, as edited and exported). Tokens
    /// belong to a datasource and an environment: `None` means the `default` environment's.
    #[serde(skip)]
    #[ts(skip)]
    pub environment: Option<std::sync::Arc<ActiveEnvironment>>,
}

/// The environment a datasource was resolved in, with what a request needs from it.
#[derive(Debug, Clone, PartialEq)]
pub struct ActiveEnvironment {
    pub id: EnvironmentId,
    pub name: String,
    pub production: bool,
    pub variables: Variables,
}

impl Datasource {
    /// A datasource not read from a store (tests, previews): generation 0.
    pub fn unsaved(id: &str, config: DatasourceConfig) -> Datasource {
        Datasource { id: DatasourceId::new(id), created_at: 0, updated_at: 0, config, generation: 0, environment: None }
    }

    /// The environment whose tokens this datasource uses.
    pub fn environment_id(&self) -> EnvironmentId {
        self.environment.as_ref().map_or_else(|| EnvironmentId::new(EnvironmentId::DEFAULT), |e| e.id.clone())
    }

    /// The variables of its environment (none outside one).
    pub fn variables(&self) -> Variables {
        self.environment.as_ref().map_or_else(Variables::none, |e| e.variables.clone())
    }

    /// Secret variable values to show as `<redacted>` wherever a request through it is shown.
    pub fn redacted_values(&self) -> Vec<Secret> {
        self.environment.as_ref().map(|e| e.variables.secret_values()).unwrap_or_default()
    }

    /// Whether sending `spec` through it must be confirmed first: a method that changes things
    /// (not GET, HEAD or OPTIONS) in a production environment.
    pub fn needs_confirmation(&self, spec: &super::RequestSpec) -> bool {
        self.environment.as_ref().is_some_and(|e| e.production) && !spec.is_safe_method()
    }

    /// The key its tokens, locks and single flight are kept under: the datasource id, and the
    /// environment's id unless it is the `default` one (whose tokens predate environments).
    pub fn token_owner(&self) -> String {
        let env = self.environment_id();
        if env.is_default() {
            self.id.to_string()
        } else {
            format!("{}@{}", self.id, env)
        }
    }
}

/// What a save stored, and what it had to drop.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SavedDatasource {
    pub datasource: Datasource,
    /// Why the datasource's OAuth tokens were dropped (it is not authorized any more), when they
    /// were: their provider, client or a place they are sent to changed.
    pub tokens_dropped: Option<String>,
}

/// One row of the datasource list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DatasourceSummary {
    pub id: DatasourceId,
    pub name: String,
    pub url: String,
    pub auth_type: AuthType,
    #[ts(type = "number")]
    pub created_at: i64,
    #[ts(type = "number")]
    pub updated_at: i64,
    /// OAuth 2.0 only: the token status, for the sidebar badge.
    pub token_status: Option<TokenStatus>,
    /// OAuth 2.0 only: when the access token expires, milliseconds since the epoch.
    #[ts(type = "number | null")]
    pub token_expires_at: Option<i64>,
    /// OAuth 2.0 only: whether the last refresh (or re-fetch) failed, for the "Refresh failing"
    /// badge.
    #[ts(optional = nullable)]
    pub token_refresh_failing: Option<bool>,
    /// "Needs setup": the secret fields its authentication needs that have no value (an
    /// imported datasource whose file carried none), for the sidebar badge. Left out when none.
    /// Kept by every save in the row's `needs_setup` column (migration 0008).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<String>>", optional)]
    pub needs_setup: Vec<String>,
}

/// Names of secret slots. They are also the associated data the vault binds each sealed value
/// to, so they must never change once stored.
pub mod secret_slot {
    pub const SIGNATURE_SECRET: &str = "signatureSecret";
    pub const SELF_SIGNED_CERTIFICATE: &str = "selfSignedCertificate";
    pub const PASSWORD: &str = "auth.password";
    pub const API_KEY_VALUE: &str = "auth.value";
    pub const BEARER_TOKEN: &str = "auth.token";
    pub const CLIENT_SECRET: &str = "auth.clientSecret";
    pub const CLIENT_CERTIFICATE_KEY: &str = "clientCertificateKey";
    pub const CLIENT_CERTIFICATE_PASSPHRASE: &str = "clientCertificatePassphrase";
    pub const PROXY_PASSWORD: &str = "proxy.password";
    pub const CLIENT_ASSERTION_KEY: &str = "auth.clientAssertionKey";
}

impl DatasourceConfig {
    /// Every secret slot with its stable name (see [`secret_slot`]).
    pub fn secret_slots_mut(&mut self) -> Vec<(&'static str, &mut SecretField)> {
        let mut slots = vec![
            (secret_slot::SIGNATURE_SECRET, &mut self.signature_secret),
            (secret_slot::SELF_SIGNED_CERTIFICATE, &mut self.self_signed_certificate),
        ];
        slots.extend(self.auth.secret_slots_mut());
        slots.push((secret_slot::CLIENT_CERTIFICATE_KEY, &mut self.client_certificate_key));
        slots.push((secret_slot::CLIENT_CERTIFICATE_PASSPHRASE, &mut self.client_certificate_passphrase));
        slots.extend(self.proxy.secret_slots_mut());
        slots
    }

    pub fn secret_slots(&self) -> Vec<(&'static str, &SecretField)> {
        let mut slots = vec![
            (secret_slot::SIGNATURE_SECRET, &self.signature_secret),
            (secret_slot::SELF_SIGNED_CERTIFICATE, &self.self_signed_certificate),
        ];
        slots.extend(self.auth.secret_slots());
        slots.push((secret_slot::CLIENT_CERTIFICATE_KEY, &self.client_certificate_key));
        slots.push((secret_slot::CLIENT_CERTIFICATE_PASSPHRASE, &self.client_certificate_passphrase));
        slots.extend(self.proxy.secret_slots());
        slots
    }

    /// The base URL, parsed. Only valid after [`DatasourceConfig::validate`] succeeded.
    pub fn base_url(&self) -> crate::Result<url::Url> {
        parse_base_url(&self.url).map_err(|message| crate::Error::field("url", message))
    }

    /// Checks everything that can be checked without the store (name uniqueness is the
    /// store's). Returns every problem found, each naming its field.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.name.trim().is_empty() {
            errors.push(FieldError::new("name", "give the datasource a name"));
        } else if self.name.trim() != self.name {
            errors.push(FieldError::new("name", "remove the spaces around the name"));
        }
        match parse_base_url(&self.url) {
            Err(message) => errors.push(FieldError::new("url", message)),
            Ok(url) if !self.tls_policy_allows(&url) => errors.push(FieldError::new(
                "url",
                format!(
                    "plain http would send this datasource's credentials unencrypted to {}: use https://…, or \
                     tick Allow insecure HTTP (`allowInsecureHttp`) if the server has no TLS",
                    url.host_str().unwrap_or_default()
                ),
            )),
            Ok(_) => {}
        }
        check_header_rows(&self.headers, "headers", &mut errors);
        check_param_rows(&self.query_params, "queryParams", &mut errors);
        if self.send_signature_header && self.signature_secret.is_empty() {
            errors.push(FieldError::new(
                "signatureSecret",
                "enter the secret the signature header is signed with, or turn the signature header off",
            ));
        }
        if let Some(pem) = self.self_signed_certificate.value() {
            if let Err(message) = crate::http::tls::parse_pem_certificates(pem.expose()) {
                errors.push(FieldError::new("selfSignedCertificate", message));
            }
        }
        crate::http::client_cert::check(
            &self.client_certificate,
            &self.client_certificate_key,
            &self.client_certificate_passphrase,
            crate::http::client_cert::now(),
            &mut errors,
        );
        self.auth.validate(&mut errors);
        if let AuthConfig::OAuth2(oauth) = &self.auth {
            if oauth.client_authentication.uses_client_certificate() && self.client_certificate.trim().is_empty() {
                errors.push(FieldError::new(
                    "auth.clientAuthentication",
                    format!(
                        "{} authenticates the client with its client certificate: add one under Client certificate \
                         (mTLS), or choose another Client Authentication",
                        oauth.client_authentication.as_str()
                    ),
                ));
            }
        }
        self.proxy.validate(&mut errors);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

impl DatasourceConfig {
    /// [`DatasourceConfig::validate`] of the effective configuration in each of `environments`,
    /// its variables resolved (an unknown variable is an error). An error in a field an
    /// environment overrides is on `environments.<name>.<field>`; one found in some
    /// environments only says which (`in staging: …`). Overrides for an environment that does
    /// not exist are errors too.
    pub fn validate_in(&self, environments: &[Variables]) -> Result<(), Vec<FieldError>> {
        if environments.is_empty() {
            return self.validate();
        }
        let mut found: Vec<(FieldError, Vec<&str>)> = Vec::new();
        for name in self.environments.keys() {
            if !environments.iter().any(|v| v.environment.eq_ignore_ascii_case(name)) {
                let error = FieldError::new(
                    format!("environments.{name}"),
                    format!("there is no environment `{name}`: create it (latchkey env create {name}) or remove its overrides"),
                );
                found.push((error, Vec::new()));
            } else if self.environments.keys().filter(|k| k.eq_ignore_ascii_case(name)).count() > 1 {
                let error = FieldError::new(
                    format!("environments.{name}"),
                    format!("`{name}` is given twice (names compare without case): merge the two"),
                );
                found.push((error, Vec::new()));
            }
        }
        for vars in environments {
            let env = vars.environment.as_str();
            let overrides = self.overrides_of(env);
            let errors = match self.effective(env) {
                Err(error) => vec![error],
                Ok(effective) => match crate::variables::resolve_config(&effective, vars) {
                    Err(crate::Error::Invalid(errors)) => errors,
                    Err(other) => vec![FieldError::new(format!("environments.{env}"), format!("in {env}: {other}"))],
                    Ok(resolved) => resolved.validate().err().unwrap_or_default(),
                },
            };
            for mut error in errors {
                if let Some((key, o)) = overrides {
                    if !error.field.starts_with("environments.") && o.overrides(&error.field) {
                        error.field = format!("environments.{key}.{}", error.field);
                    }
                }
                match found.iter_mut().find(|(e, _)| *e == error) {
                    Some((_, envs)) => envs.push(env),
                    None => found.push((error, vec![env])),
                }
            }
        }
        let all = environments.len();
        let errors: Vec<FieldError> = found
            .into_iter()
            .map(|(mut error, envs)| {
                let named = envs
                    .iter()
                    .any(|env| error.message.contains(&format!("`{env}`")) || error.message.starts_with("in "));
                if !envs.is_empty() && envs.len() < all && !named {
                    error.message = format!("in {}: {}", envs.join(", "), error.message);
                }
                error
            })
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The secret fields its authentication (or signature header) needs that have no value:
    /// what makes a datasource "needs setup". Each error names the field and what to enter;
    /// [`DatasourceConfig::validate`] refuses them for a normal save, an import accepts them
    /// (`Store::apply_import`), and a request through such a datasource fails with
    /// [`crate::Error::NeedsSetup`] naming them.
    pub fn missing_secrets(&self) -> Vec<FieldError> {
        let mut missing = Vec::new();
        if self.send_signature_header && self.signature_secret.is_empty() {
            missing.push(FieldError::new(
                secret_slot::SIGNATURE_SECRET,
                "enter the secret the signature header is signed with",
            ));
        }
        missing.extend(self.auth.missing_secrets());
        missing
    }

    /// What the datasource still needs before it can send: [`DatasourceConfig::missing_secrets`],
    /// then the empty identifiers ([`super::AuthConfig::missing_identifiers`], a Client ID or a
    /// username) that an import from a file that cannot know them leaves for the person to enter.
    pub fn needs_setup(&self) -> Vec<FieldError> {
        let mut missing = self.missing_secrets();
        missing.extend(self.auth.missing_identifiers());
        missing
    }

    /// Whether the datasource sends credentials with its requests: any authentication, or the
    /// signature header.
    pub fn has_credentials(&self) -> bool {
        self.auth.kind() != AuthType::None || self.send_signature_header
    }

    /// Whether a request to `url` may go over plain http: it is https, or it carries no
    /// credentials, or its host is a loopback host, or the datasource allows insecure http.
    pub fn tls_policy_allows(&self, url: &url::Url) -> bool {
        url.scheme() != "http"
            || !self.has_credentials()
            || self.allow_insecure_http
            || crate::http::tls::is_loopback(url)
    }
}

fn parse_base_url(raw: &str) -> Result<url::Url, String> {
    let fix = "enter an absolute URL such as https://api.example.com/v1";
    if raw.trim().is_empty() {
        return Err(format!("the URL is empty: {fix}"));
    }
    let url = url::Url::parse(raw.trim()).map_err(|e| format!("{}: {fix}", url_problem(raw, e)))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("`{}` URLs are not supported: {fix}", url.scheme()));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("the URL has no host: {fix}"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("put credentials in the Authentication section, not in the URL".to_owned());
    }
    if url.fragment().is_some() {
        return Err("remove the #fragment from the URL".to_owned());
    }
    Ok(url)
}

/// Why `raw` is not a URL, in words for a person rather than the parser's ("relative URL
/// without a base"). The text is quoted only when it cannot hold a password (no `@`).
pub(crate) fn url_problem(raw: &str, error: url::ParseError) -> String {
    use url::ParseError as P;
    let trimmed = raw.trim();
    let quoted = if trimmed.contains('@') { "the URL".to_owned() } else { format!("`{trimmed}`") };
    let why = match error {
        P::RelativeUrlWithoutBase if trimmed.contains("://") => "it has no scheme before ://".to_owned(),
        // Suggest the https:// form only for text that could be a host and path.
        P::RelativeUrlWithoutBase if trimmed.contains('@') || trimmed.contains(char::is_whitespace) => {
            "it does not start with https:// or http://".to_owned()
        }
        P::RelativeUrlWithoutBase => {
            format!("it does not start with https:// or http:// (did you mean https://{trimmed}?)")
        }
        P::EmptyHost => "it has no host name after the scheme".to_owned(),
        P::InvalidPort => "its port is not a number from 1 to 65535".to_owned(),
        P::InvalidIpv4Address => "its IPv4 address is not four numbers from 0 to 255".to_owned(),
        P::InvalidIpv6Address => "its IPv6 address is not valid (write it in brackets: http://[::1]:8080)".to_owned(),
        P::InvalidDomainCharacter | P::IdnaError => "its host name has characters a host name cannot have".to_owned(),
        _ => "it cannot be read as a URL".to_owned(),
    };
    format!("{quoted} is not a URL: {why}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_that_is_not_one_is_explained_in_words_not_the_parsers() {
        let cases = [
            (
                "api.example.com/v1",
                "does not start with https:// or http:// (did you mean https://api.example.com/v1?)",
            ),
            ("not a url", "`not a url` is not a URL: it does not start with https:// or http://: enter"),
            ("https://api.example.com:99999", "port is not a number from 1 to 65535"),
            ("https://", "no host name"),
            ("http://[::1", "IPv6 address is not valid"),
            ("https://exa mple.com", "characters a host name cannot have"),
        ];
        for (raw, expected) in cases {
            let config = DatasourceConfig { url: raw.into(), ..valid() };
            let errors = config.validate().expect_err(raw);
            let message = &errors.iter().find(|e| e.field == "url").expect("an error on url").message;
            assert!(message.contains(expected), "{raw}: {message}");
            for parser in [
                "relative URL without a base",
                "invalid port number",
                "empty host",
                "invalid IPv6",
                "invalid domain character",
            ] {
                assert!(!message.contains(parser), "{raw}: the parser's words in: {message}");
            }
        }
        let with_password = DatasourceConfig { url: "https://ann:hunter2@api.example.com:99999".into(), ..valid() };
        let message = with_password.validate().unwrap_err()[0].message.clone();
        assert!(!message.contains("hunter2"), "a password typed into the URL is not quoted back: {message}");
    }

    fn valid() -> DatasourceConfig {
        DatasourceConfig { name: "Example".into(), url: "https://api.example.com/v1".into(), ..Default::default() }
    }

    fn fields(config: &DatasourceConfig) -> Vec<String> {
        config.validate().err().unwrap_or_default().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_minimal_datasource_is_valid() {
        assert_eq!(valid().validate(), Ok(()));
    }

    #[test]
    fn names_and_urls_are_checked() {
        let mut config = valid();
        config.name = " ".into();
        config.url = "/v1/items".into();
        assert_eq!(fields(&config), ["name", "url"]);
        config = valid();
        config.url = "ftp://example.com".into();
        assert_eq!(fields(&config), ["url"], "only http and https base URLs are allowed");
    }

    #[test]
    fn header_names_are_checked() {
        let mut config = valid();
        config.headers = vec![KeyValue::new("X-Good", "1"), KeyValue::new("Bad Header:", "2")];
        let errors = config.validate().unwrap_err();
        assert_eq!(errors[0].field, "headers[1].key");
        assert!(errors[0].message.contains("not a valid header name"), "{}", errors[0].message);
    }

    #[test]
    fn a_host_header_cannot_redirect_credentials_to_another_virtual_host() {
        let mut config = valid();
        config.headers = vec![KeyValue::new("X-Good", "1"), KeyValue::new(" HOST ", "evil.example")];
        let errors = config.validate().unwrap_err();
        assert_eq!(errors[0].field, "headers[1].key");
        assert!(errors[0].message.contains("comes from the URL"), "{}", errors[0].message);
        let request =
            crate::model::RequestSpec { headers: vec![KeyValue::new("host", "evil.example")], ..Default::default() };
        assert_eq!(request.validate().unwrap_err()[0].field, "headers[0].key", "nor a request's own header");
    }

    #[test]
    fn signature_needs_a_secret() {
        let mut config = valid();
        config.send_signature_header = true;
        assert_eq!(fields(&config), ["signatureSecret"]);
        config.signature_secret = "s3cret".into();
        assert_eq!(config.validate(), Ok(()));
    }

    #[test]
    fn credentials_go_over_plain_http_only_to_loopback_hosts_or_with_the_opt_in() {
        let bearer = |url: &str| DatasourceConfig {
            url: url.into(),
            auth: serde_json::from_str(r#"{"type":"bearer","token":"t0ken"}"#).unwrap(),
            ..valid()
        };
        let errors = bearer("http://api.example.com/v1").validate().unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "url");
        assert!(errors[0].message.contains("use https://…, or tick Allow insecure HTTP"), "{}", errors[0].message);
        assert!(!errors[0].message.contains("t0ken"));
        for url in ["http://127.0.0.1:8080", "http://localhost/v1", "http://[::1]:1", "https://api.example.com"] {
            assert_eq!(bearer(url).validate(), Ok(()), "{url}");
        }
        assert_eq!(
            DatasourceConfig { allow_insecure_http: true, ..bearer("http://api.example.com") }.validate(),
            Ok(())
        );
        let plain = DatasourceConfig { url: "http://api.example.com".into(), ..valid() };
        assert_eq!(plain.validate(), Ok(()), "without credentials nothing needs protecting");
        let signed = DatasourceConfig { send_signature_header: true, signature_secret: "s3cret".into(), ..plain };
        assert_eq!(fields(&signed), ["url"], "the signature header is a credential");
    }

    #[test]
    fn a_certificate_must_be_pem() {
        let mut config = valid();
        config.self_signed_certificate = "not a certificate".into();
        assert_eq!(fields(&config), ["selfSignedCertificate"]);
    }
}
