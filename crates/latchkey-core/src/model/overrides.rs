//! A datasource's per-environment overrides (`"environments": {"staging": {…}}`) and the
//! effective configuration they make: the base with an environment's overrides applied. Lists
//! replace, `auth` fields merge, and an `auth.type` other than the base's replaces the whole
//! `auth`. Variables are resolved afterwards (`crate::variables`); storing and sealing an
//! override's secrets is the store's.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use ts_rs::TS;

use super::datasource::secret_slot;
use super::{AuthConfig, DatasourceConfig, KeyValue, ProxyConfig};
use crate::{FieldError, SecretField};

/// The fields of a datasource one environment sets differently. Only what differs is written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ConfigOverrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub allow_insecure_http: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub headers: Option<Vec<KeyValue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub query_params: Option<Vec<KeyValue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub send_signature_header: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    #[ts(optional)]
    pub signature_secret: Option<SecretField>,
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    #[ts(optional)]
    pub self_signed_certificate: Option<SecretField>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub client_certificate: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    #[ts(optional)]
    pub client_certificate_key: Option<SecretField>,
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    #[ts(optional)]
    pub client_certificate_passphrase: Option<SecretField>,
    /// Fields of `auth`, merged into the base's; with another `type`, the whole `auth`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "Record<string, unknown>")]
    pub auth: Option<AuthOverride>,
    /// The whole `proxy`, replacing the base's.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub proxy: Option<ProxyConfig>,
}

/// An override's secret field as given: `null` too is an override (to no value), so a present
/// field is always `Some`; an absent one stays `None` (the default).
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<SecretField>, D::Error> {
    SecretField::deserialize(deserializer).map(Some)
}

/// Overridden fields of `auth`. Secret fields (`password`, `value`, `token`, `clientSecret`,
/// `clientAssertionKey`) are kept apart as [`SecretField`]s, so they are sealed, redacted and
/// never serialized.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuthOverride {
    fields: Map<String, Value>,
    secrets: BTreeMap<String, SecretField>,
}

/// The `auth` fields that hold secrets, with their slot names.
const AUTH_SECRETS: [(&str, &str); 5] = [
    ("password", secret_slot::PASSWORD),
    ("value", secret_slot::API_KEY_VALUE),
    ("token", secret_slot::BEARER_TOKEN),
    ("clientSecret", secret_slot::CLIENT_SECRET),
    ("clientAssertionKey", secret_slot::CLIENT_ASSERTION_KEY),
];

fn auth_secret_slot(key: &str) -> Option<&'static str> {
    AUTH_SECRETS.iter().find(|(k, _)| *k == key).map(|(_, slot)| *slot)
}

impl AuthOverride {
    /// An override of the non-secret `fields` (a JSON object's members) and `secrets` (by field
    /// name, such as `clientSecret`).
    pub fn new(fields: Map<String, Value>, secrets: impl IntoIterator<Item = (String, SecretField)>) -> Self {
        let mut auth = AuthOverride { fields: Map::new(), secrets: secrets.into_iter().collect() };
        for (key, value) in fields {
            auth.insert(key, value);
        }
        auth
    }

    fn insert(&mut self, key: String, value: Value) {
        if auth_secret_slot(&key).is_some() {
            let field = SecretField::deserialize(value).unwrap_or(SecretField::Empty);
            self.secrets.insert(key, field);
        } else {
            self.fields.insert(key, value);
        }
    }

    /// The overridden field names (secret ones included), as `auth.<name>` paths.
    pub fn field_paths(&self) -> Vec<String> {
        self.fields.keys().chain(self.secrets.keys()).map(|k| format!("auth.{k}")).collect()
    }

    /// Whether this override sets `type` to something other than `base_type`.
    fn replaces(&self, base: &AuthConfig) -> bool {
        self.fields.get("type").and_then(Value::as_str).is_some_and(|t| t != base.kind().as_str())
    }

    /// The base's `auth` with this override applied.
    fn apply(&self, base: &AuthConfig) -> Result<AuthConfig, String> {
        let replaces = self.replaces(base);
        let mut json = match (replaces, serde_json::to_value(base)) {
            (false, Ok(Value::Object(map))) => map,
            _ => Map::new(),
        };
        for (key, value) in &self.fields {
            json.insert(key.clone(), value.clone());
        }
        for (key, field) in &self.secrets {
            json.insert(key.clone(), serde_json::to_value(field).expect("a secret marker serializes"));
        }
        let mut auth: AuthConfig = serde_json::from_value(Value::Object(json)).map_err(|e| e.to_string())?;
        let base_slots: BTreeMap<&str, &SecretField> = base.secret_slots().into_iter().collect();
        for (slot, field) in auth.secret_slots_mut() {
            let key = slot.strip_prefix("auth.").unwrap_or(slot);
            if let Some(own) = self.secrets.get(key) {
                *field = own.clone();
            } else if !replaces {
                *field = base_slots.get(slot).map(|f| (*f).clone()).unwrap_or_default();
            }
        }
        Ok(auth)
    }
}

impl Serialize for AuthOverride {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = self.fields.clone();
        for (key, field) in &self.secrets {
            map.insert(key.clone(), serde_json::to_value(field).map_err(serde::ser::Error::custom)?);
        }
        map.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for AuthOverride {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = Map::<String, Value>::deserialize(deserializer)?;
        let mut auth = AuthOverride::default();
        for (key, value) in map {
            if auth_secret_slot(&key).is_some() {
                let field = SecretField::deserialize(value).map_err(serde::de::Error::custom)?;
                auth.secrets.insert(key, field);
            } else {
                auth.fields.insert(key, value);
            }
        }
        Ok(auth)
    }
}

impl ConfigOverrides {
    /// Whether nothing is overridden.
    pub fn is_empty(&self) -> bool {
        *self == ConfigOverrides::default()
    }

    /// The field paths this override sets, as validation names them (`url`, `auth.clientId`).
    pub fn field_paths(&self) -> Vec<String> {
        let mut paths = Vec::new();
        let mut add = |set: bool, path: &str| {
            if set {
                paths.push(path.to_owned());
            }
        };
        add(self.url.is_some(), "url");
        add(self.allow_insecure_http.is_some(), "allowInsecureHttp");
        add(self.headers.is_some(), "headers");
        add(self.query_params.is_some(), "queryParams");
        add(self.send_signature_header.is_some(), "sendSignatureHeader");
        add(self.signature_secret.is_some(), "signatureSecret");
        add(self.self_signed_certificate.is_some(), "selfSignedCertificate");
        add(self.client_certificate.is_some(), "clientCertificate");
        add(self.client_certificate_key.is_some(), "clientCertificateKey");
        add(self.client_certificate_passphrase.is_some(), "clientCertificatePassphrase");
        add(self.proxy.is_some(), "proxy");
        if let Some(auth) = &self.auth {
            if auth.replaces_any() {
                paths.push("auth".to_owned());
            }
            paths.extend(auth.field_paths());
        }
        paths
    }

    /// Whether `field` (a validation path such as `headers[0].key` or `auth.clientId`) comes
    /// from this override rather than from the base.
    pub fn overrides(&self, field: &str) -> bool {
        self.field_paths().iter().any(|path| {
            field == path || field.starts_with(&format!("{path}.")) || field.starts_with(&format!("{path}["))
        })
    }

    /// The secret slots this override sets, with their stable names (as the base's).
    pub fn secret_slots_mut(&mut self) -> Vec<(&'static str, &mut SecretField)> {
        let mut slots = Vec::new();
        if let Some(field) = &mut self.signature_secret {
            slots.push((secret_slot::SIGNATURE_SECRET, field));
        }
        if let Some(field) = &mut self.self_signed_certificate {
            slots.push((secret_slot::SELF_SIGNED_CERTIFICATE, field));
        }
        if let Some(field) = &mut self.client_certificate_key {
            slots.push((secret_slot::CLIENT_CERTIFICATE_KEY, field));
        }
        if let Some(field) = &mut self.client_certificate_passphrase {
            slots.push((secret_slot::CLIENT_CERTIFICATE_PASSPHRASE, field));
        }
        if let Some(auth) = &mut self.auth {
            for (key, field) in &mut auth.secrets {
                if let Some(slot) = auth_secret_slot(key) {
                    slots.push((slot, field));
                }
            }
        }
        if let Some(proxy) = &mut self.proxy {
            slots.extend(proxy.secret_slots_mut());
        }
        slots
    }

    /// [`ConfigOverrides::secret_slots_mut`], read only.
    pub fn secret_slots(&self) -> Vec<(&'static str, &SecretField)> {
        let mut slots = Vec::new();
        if let Some(field) = &self.signature_secret {
            slots.push((secret_slot::SIGNATURE_SECRET, field));
        }
        if let Some(field) = &self.self_signed_certificate {
            slots.push((secret_slot::SELF_SIGNED_CERTIFICATE, field));
        }
        if let Some(field) = &self.client_certificate_key {
            slots.push((secret_slot::CLIENT_CERTIFICATE_KEY, field));
        }
        if let Some(field) = &self.client_certificate_passphrase {
            slots.push((secret_slot::CLIENT_CERTIFICATE_PASSPHRASE, field));
        }
        if let Some(auth) = &self.auth {
            for (key, field) in &auth.secrets {
                if let Some(slot) = auth_secret_slot(key) {
                    slots.push((slot, field));
                }
            }
        }
        if let Some(proxy) = &self.proxy {
            slots.extend(proxy.secret_slots());
        }
        slots
    }
}

impl AuthOverride {
    fn replaces_any(&self) -> bool {
        self.fields.contains_key("type")
    }
}

impl DatasourceConfig {
    /// The overrides of the environment `name` (compared case-insensitively), if any.
    pub fn overrides_of(&self, name: &str) -> Option<(&str, &ConfigOverrides)> {
        self.environments.iter().find(|(env, _)| env.eq_ignore_ascii_case(name)).map(|(env, o)| (env.as_str(), o))
    }

    /// The configuration in environment `name`: the base with that environment's overrides
    /// applied, and no overrides left. Variables are not resolved here.
    ///
    /// # Errors
    /// A [`FieldError`] on `environments.<name>.auth` when the merged `auth` is not valid.
    pub fn effective(&self, name: &str) -> Result<DatasourceConfig, FieldError> {
        let mut config = DatasourceConfig { environments: BTreeMap::new(), ..self.clone() };
        let Some((env, overrides)) = self.overrides_of(name) else { return Ok(config) };
        let set = |target: &mut String, value: &Option<String>| {
            if let Some(value) = value {
                target.clone_from(value);
            }
        };
        set(&mut config.url, &overrides.url);
        if let Some(value) = overrides.allow_insecure_http {
            config.allow_insecure_http = value;
        }
        if let Some(rows) = &overrides.headers {
            config.headers.clone_from(rows);
        }
        if let Some(rows) = &overrides.query_params {
            config.query_params.clone_from(rows);
        }
        if let Some(value) = overrides.send_signature_header {
            config.send_signature_header = value;
        }
        if let Some(field) = &overrides.signature_secret {
            config.signature_secret = field.clone();
        }
        if let Some(field) = &overrides.self_signed_certificate {
            config.self_signed_certificate = field.clone();
        }
        set(&mut config.client_certificate, &overrides.client_certificate);
        if let Some(field) = &overrides.client_certificate_key {
            config.client_certificate_key = field.clone();
        }
        if let Some(field) = &overrides.client_certificate_passphrase {
            config.client_certificate_passphrase = field.clone();
        }
        if let Some(proxy) = &overrides.proxy {
            config.proxy = proxy.clone();
        }
        if let Some(auth) = &overrides.auth {
            config.auth = auth.apply(&self.auth).map_err(|message| {
                FieldError::new(format!("environments.{env}.auth"), format!("in {env}: {message}"))
            })?;
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AuthType;

    fn base() -> DatasourceConfig {
        serde_json::from_value(serde_json::json!({
            "name": "Shop",
            "url": "https://api.example.com/v1",
            "headers": [{"key": "X-A", "value": "1"}, {"key": "X-B", "value": "2"}],
            "auth": {"type": "oauth2", "grantType": "client_credentials", "accessTokenUrl": "https://id.example.com/token",
                     "clientId": "base-client", "clientSecret": "base-secret", "scopes": ["read"]},
            "environments": {
                "staging": {"url": "https://staging.example.com/v1", "headers": [{"key": "X-C", "value": "3"}],
                            "auth": {"clientId": "staging-client"}},
                "production": {"auth": {"clientSecret": "prod-secret"}},
                "legacy": {"auth": {"type": "bearer", "token": "legacy-token"}}
            }
        }))
        .unwrap()
    }

    fn secret(config: &DatasourceConfig, slot: &str) -> SecretField {
        config.secret_slots().into_iter().find(|(s, _)| *s == slot).map(|(_, f)| f.clone()).unwrap_or_default()
    }

    #[test]
    fn lists_replace_and_auth_fields_merge() {
        let config = base();
        let staging = config.effective("Staging").unwrap();
        assert_eq!(staging.url, "https://staging.example.com/v1");
        assert_eq!(staging.headers, vec![KeyValue::new("X-C", "3")], "a list replaces the base's");
        let crate::model::AuthConfig::OAuth2(oauth) = &staging.auth else { panic!("still oauth2") };
        assert_eq!(oauth.client_id, "staging-client");
        assert_eq!(oauth.scopes, ["read"], "fields not overridden come from the base");
        assert_eq!(secret(&staging, "auth.clientSecret"), SecretField::from("base-secret"));
        assert!(staging.environments.is_empty());

        let production = config.effective("production").unwrap();
        assert_eq!(production.url, "https://api.example.com/v1");
        assert_eq!(secret(&production, "auth.clientSecret"), SecretField::from("prod-secret"));
        assert_eq!(config.effective("nowhere").unwrap().environments.len(), 0, "no overrides: the base");
    }

    #[test]
    fn an_environment_can_have_a_client_certificate_of_its_own_and_its_key_stays_sealed() {
        let mut config = base();
        config.environments.insert(
            "mtls".into(),
            serde_json::from_value(serde_json::json!({
                "clientCertificate": "CERT",
                "clientCertificateKey": "KEY-SECRET",
                "clientCertificatePassphrase": null,
            }))
            .unwrap(),
        );
        let effective = config.effective("mtls").unwrap();
        assert_eq!(effective.client_certificate, "CERT");
        assert_eq!(secret(&effective, "clientCertificateKey"), SecretField::from("KEY-SECRET"));
        let overrides = &config.environments["mtls"];
        let slots: Vec<&str> = overrides.secret_slots().into_iter().map(|(slot, _)| slot).collect();
        assert_eq!(slots, ["clientCertificateKey", "clientCertificatePassphrase"]);
        assert!(overrides.overrides("clientCertificate") && overrides.overrides("clientCertificatePassphrase"));
        let written = serde_json::to_string(&config).unwrap();
        assert!(!written.contains("KEY-SECRET") && !format!("{config:?}").contains("KEY-SECRET"), "{written}");
        assert_eq!(config.effective("staging").unwrap().client_certificate, "", "others keep the base's (none)");
    }

    #[test]
    fn an_environment_replaces_the_whole_proxy_and_its_password_is_a_secret_slot() {
        let mut config = base();
        let staging: ConfigOverrides = serde_json::from_value(serde_json::json!({
            "proxy": {"url": "http://staging-proxy.example:3128", "username": "s", "password": "staging-proxy-pw"}
        }))
        .unwrap();
        config.environments.insert("staging".into(), staging);
        let effective = config.effective("staging").unwrap();
        assert_eq!(effective.proxy.custom().map(|p| p.url.as_str()), Some("http://staging-proxy.example:3128"));
        assert_eq!(secret(&effective, "proxy.password"), SecretField::from("staging-proxy-pw"));
        assert!(config.effective("production").unwrap().proxy.is_system(), "the base's proxy elsewhere");
        let overrides = &config.environments["staging"];
        assert!(
            overrides.overrides("proxy.url") && overrides.secret_slots().iter().any(|(s, _)| *s == "proxy.password")
        );
        let written = serde_json::to_string(overrides).unwrap();
        assert!(!written.contains("staging-proxy-pw") && written.contains(r#""password":{"set":true}"#), "{written}");
        let none: ConfigOverrides = serde_json::from_value(serde_json::json!({"proxy": "system"})).unwrap();
        assert_eq!(
            serde_json::to_string(&none).unwrap(),
            r#"{"proxy":"system"}"#,
            "an override writes even the default"
        );
    }

    #[test]
    fn another_auth_type_replaces_the_whole_auth() {
        let legacy = base().effective("legacy").unwrap();
        assert_eq!(legacy.auth.kind(), AuthType::Bearer);
        assert_eq!(secret(&legacy, "auth.token"), SecretField::from("legacy-token"));
        assert_eq!(secret(&legacy, "auth.clientSecret"), SecretField::Empty, "nothing of the base's auth is left");
    }

    #[test]
    fn an_override_that_breaks_auth_names_its_environment_and_secrets_never_serialize() {
        let mut config = base();
        config.environments.get_mut("staging").unwrap().auth =
            Some(serde_json::from_value(serde_json::json!({"grantType": "teleport"})).unwrap());
        let error = config.effective("staging").unwrap_err();
        assert_eq!(error.field, "environments.staging.auth");
        assert!(error.message.starts_with("in staging: "), "{}", error.message);
        let written = serde_json::to_string(&base()).unwrap();
        assert!(!written.contains("prod-secret") && !written.contains("legacy-token"), "{written}");
        assert!(written.contains(r#""production":{"auth":{"clientSecret":{"set":true}}}"#), "{written}");
        assert!(!format!("{:?}", base()).contains("prod-secret"));
        let staging = &base().environments["staging"];
        assert!(staging.overrides("headers[0].key") && staging.overrides("auth.clientId"));
        assert!(!staging.overrides("auth.scopes") && !staging.overrides("name"));
    }

    #[test]
    fn an_environment_may_have_its_own_assertion_key_kept_apart_as_a_secret() {
        let mut config = base();
        config.environments.insert(
            "keyed".into(),
            serde_json::from_value(serde_json::json!({"auth": {"clientAuthentication": "private_key_jwt",
                "clientAssertionKey": "-----BEGIN PRIVATE KEY-----\nKEY-MARKER\n-----END PRIVATE KEY-----"}}))
            .unwrap(),
        );
        let keyed = config.effective("keyed").unwrap();
        let expected = "-----BEGIN PRIVATE KEY-----\nKEY-MARKER\n-----END PRIVATE KEY-----";
        assert_eq!(secret(&keyed, "auth.clientAssertionKey"), SecretField::from(expected));
        assert_eq!(secret(&config.effective("staging").unwrap(), "auth.clientAssertionKey"), SecretField::Empty);
        let overrides = config.environments.get_mut("keyed").unwrap();
        assert_eq!(
            overrides.secret_slots_mut().iter().map(|(slot, _)| *slot).collect::<Vec<_>>(),
            ["auth.clientAssertionKey"]
        );
        let written = serde_json::to_string(&config).unwrap();
        assert!(!written.contains("KEY-MARKER") && !format!("{config:?}").contains("KEY-MARKER"), "{written}");
        assert!(written.contains(r#""clientAssertionKey":{"set":true}"#), "{written}");
    }
}
