//! Authentication of a datasource: none, Basic, API key, Bearer token, OAuth 2.0.
//! Field meanings follow the Appsmith "Authenticated API" reference; the OAuth 2.0 flows
//! themselves live in the OAuth module, here is only their configuration.

use serde::{Deserialize, Deserializer, Serialize};
use ts_rs::TS;

use super::datasource::secret_slot;
use super::KeyValue;
use crate::{FieldError, SecretField};

/// Authentication, tagged by `type` in JSON.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type")]
pub enum AuthConfig {
    #[default]
    #[serde(rename = "none")]
    None,
    #[serde(rename = "basic")]
    Basic(BasicAuth),
    #[serde(rename = "apiKey")]
    ApiKey(ApiKeyAuth),
    #[serde(rename = "bearer")]
    Bearer(BearerAuth),
    #[serde(rename = "oauth2")]
    OAuth2(Box<OAuth2Config>),
}

/// The kind of an [`AuthConfig`], for lists and badges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum AuthType {
    #[serde(rename = "none")]
    None,
    #[serde(rename = "basic")]
    Basic,
    #[serde(rename = "apiKey")]
    ApiKey,
    #[serde(rename = "bearer")]
    Bearer,
    #[serde(rename = "oauth2")]
    OAuth2,
}

impl AuthType {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthType::None => "none",
            AuthType::Basic => "basic",
            AuthType::ApiKey => "apiKey",
            AuthType::Bearer => "bearer",
            AuthType::OAuth2 => "oauth2",
        }
    }
}

/// RFC 7617 Basic authentication.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct BasicAuth {
    pub username: String,
    pub password: SecretField,
}

/// A key sent in a header (with an optional prefix) or in the query string.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ApiKeyAuth {
    /// The header or query parameter name.
    pub key: String,
    pub value: SecretField,
    pub add_to: KeyPlacement,
    /// Put before the value in the header, separated by a space (e.g. `Token`).
    pub header_prefix: String,
}

/// Where a key or token goes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum KeyPlacement {
    #[default]
    Header,
    Query,
}

/// RFC 6750 §2.1 bearer token in the Authorization header.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct BearerAuth {
    pub token: SecretField,
}

/// RFC 6749 §1.3 grant types, and RFC 8628's device authorization grant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum GrantType {
    #[default]
    AuthorizationCode,
    ClientCredentials,
    Password,
    /// RFC 8628: a person enters a code shown by Latchkey on another device.
    DeviceCode,
}

impl GrantType {
    /// Whether tokens of this grant come from a person's authorization (the code and device
    /// grants): when they cannot be refreshed, the datasource needs that person again, where
    /// client credentials and password are simply fetched again.
    pub fn needs_person(self) -> bool {
        matches!(self, GrantType::AuthorizationCode | GrantType::DeviceCode)
    }
}

/// How the client authenticates at the token endpoint: RFC 6749 §2.3.1 (the secret in the body
/// or the Basic header), RFC 7523 §2.2 with an assertion (OIDC Core §9): HS256 signed with
/// the secret (`client_secret_jwt`) or signed with the client's private key (`private_key_jwt`),
/// or RFC 8705 §2 with the datasource's client certificate (`tls_client_auth`: a certificate
/// from a CA, registered by subject; `self_signed_tls_client_auth`: a self-signed one,
/// registered in the client's JWKS) and `client_id` in the body, no secret.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ClientAuthentication {
    #[default]
    Body,
    BasicHeader,
    ClientSecretJwt,
    TlsClientAuth,
    SelfSignedTlsClientAuth,
    PrivateKeyJwt,
}

impl ClientAuthentication {
    /// The name in files and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ClientAuthentication::Body => "body",
            ClientAuthentication::BasicHeader => "basic_header",
            ClientAuthentication::ClientSecretJwt => "client_secret_jwt",
            ClientAuthentication::TlsClientAuth => "tls_client_auth",
            ClientAuthentication::SelfSignedTlsClientAuth => "self_signed_tls_client_auth",
            ClientAuthentication::PrivateKeyJwt => "private_key_jwt",
        }
    }

    /// Whether the client authenticates with the datasource's client certificate (RFC 8705 §2).
    pub fn uses_client_certificate(self) -> bool {
        matches!(self, ClientAuthentication::TlsClientAuth | ClientAuthentication::SelfSignedTlsClientAuth)
    }
}

/// The JWS algorithm (RFC 7518 §3.1) of a `private_key_jwt` assertion; `ByKey` (the default)
/// picks the usual one for the key: RS256 for RSA, ES256 for P-256, EdDSA for Ed25519.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum ClientAssertionAlg {
    #[default]
    #[serde(rename = "by_key")]
    ByKey,
    RS256,
    PS256,
    ES256,
    EdDSA,
}

/// How client credentials are sent with a refresh-token request (RFC 6749 §6 refers to §2.3).
///
/// `Same` (the default) follows Client Authentication: a provider that enforces the method the
/// client registered (`client_secret_basic` or `client_secret_post`) refuses any other, so a
/// refresh sent differently from the code exchange fails with `invalid_client`. `Body` and
/// `Header` are for the providers that want refreshes authenticated otherwise.
///
/// Vaults from before `Same` existed stored `body` for every datasource (the old default, always
/// written out): migration `0006` turns a stored `body` into `same`, since it cannot tell a
/// choice from the default; with Client Authentication in the body that changes nothing, and
/// with the Basic header it is the fix. A stored `header` was always a choice and stays.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RefreshClientAuthentication {
    /// As Client Authentication says.
    #[default]
    Same,
    Body,
    Header,
}

/// Where the authorization code comes back (RFC 8252 §7.3 loopback, or the app's deep link).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RedirectKind {
    #[default]
    Loopback,
    DeepLink,
}

/// OAuth 2.0 configuration: every Appsmith field plus Nected's password grant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct OAuth2Config {
    pub grant_type: GrantType,
    /// Header (with `headerPrefix`) or the `access_token` query parameter (RFC 6750 §2.3).
    pub add_token_to: KeyPlacement,
    /// `Bearer` by default; empty sends the bare token.
    pub header_prefix: String,
    pub access_token_url: String,
    pub client_id: String,
    pub client_secret: SecretField,
    /// Entered comma-separated, sent space-separated (RFC 6749 §3.3).
    #[serde(deserialize_with = "scopes_from_list_or_text")]
    pub scopes: Vec<String>,
    pub authorization_url: String,
    /// RFC 8628 §3.1 device authorization endpoint, for the device code grant; discovered from
    /// the Issuer when empty.
    pub device_authorization_url: String,
    /// Extra parameters for the authorization request (e.g. Google `access_type=offline`).
    pub custom_auth_params: Vec<KeyValue>,
    /// Extra parameters for the body of every token request of the grant (not the authorization
    /// request's); on refresh too when `sendCustomTokenParamsWithRefresh` is on.
    pub custom_token_params: Vec<KeyValue>,
    pub send_custom_token_params_with_refresh: bool,
    pub client_authentication: ClientAuthentication,
    /// The private key that signs `private_key_jwt` assertions: PEM (PKCS#8, PKCS#1 or SEC1) or
    /// a private JWK as JSON text.
    pub client_assertion_key: SecretField,
    pub client_assertion_alg: ClientAssertionAlg,
    /// The `kid` of the assertion header and the public JWK; empty: the JWK's own `kid`, else none.
    pub client_assertion_kid: String,
    /// Token lifetime in seconds to assume when the provider gives none.
    #[ts(type = "number | null")]
    pub expires_in_override: Option<u64>,
    pub audience: String,
    /// RFC 8707 resource indicator.
    pub resource: String,
    pub send_scope_with_refresh_token: bool,
    pub refresh_client_authentication: RefreshClientAuthentication,
    /// Resource owner credentials for the password grant (RFC 6749 §4.3).
    pub username: String,
    pub password: SecretField,
    /// RFC 7636 PKCE with S256; on unless a provider rejects it.
    pub pkce: bool,
    pub redirect: RedirectKind,
    /// Port of the loopback redirect listener on 127.0.0.1 (RFC 8252 §7.3); 0 = any free port,
    /// for providers that accept any loopback port.
    pub loopback_port: u16,
    /// OpenID Connect / RFC 8414 issuer; when set, empty endpoint fields are discovered from it.
    pub issuer: String,
    /// RFC 7009 token revocation endpoint, used by logout when set.
    pub revocation_url: String,
    /// Appsmith's "Use self-signed certificate for authorization requests": trust the
    /// datasource's `selfSignedCertificate` for the token and revocation endpoints too, whatever
    /// their host. Off: the pin holds only for the host of the datasource URL.
    pub use_self_signed_cert_for_auth: bool,
}

/// The loopback port used when a datasource names none: the Redirect URL to register is
/// `http://127.0.0.1:8976/callback`.
pub const DEFAULT_LOOPBACK_PORT: u16 = 8976;

/// The deep link the desktop app receives authorization callbacks on.
pub const DEEP_LINK_REDIRECT_URI: &str = "latchkey://oauth/callback";

impl Default for OAuth2Config {
    fn default() -> Self {
        Self {
            grant_type: GrantType::default(),
            add_token_to: KeyPlacement::Header,
            header_prefix: "Bearer".to_owned(),
            access_token_url: String::new(),
            client_id: String::new(),
            client_secret: SecretField::Empty,
            scopes: Vec::new(),
            authorization_url: String::new(),
            device_authorization_url: String::new(),
            custom_auth_params: Vec::new(),
            custom_token_params: Vec::new(),
            send_custom_token_params_with_refresh: false,
            client_authentication: ClientAuthentication::default(),
            client_assertion_key: SecretField::Empty,
            client_assertion_alg: ClientAssertionAlg::default(),
            client_assertion_kid: String::new(),
            expires_in_override: None,
            audience: String::new(),
            resource: String::new(),
            send_scope_with_refresh_token: false,
            refresh_client_authentication: RefreshClientAuthentication::default(),
            username: String::new(),
            password: SecretField::Empty,
            pkce: true,
            redirect: RedirectKind::default(),
            loopback_port: DEFAULT_LOOPBACK_PORT,
            issuer: String::new(),
            revocation_url: String::new(),
            use_self_signed_cert_for_auth: false,
        }
    }
}

impl OAuth2Config {
    /// How a refresh-token request authenticates the client: as Client Authentication with
    /// `Same`, else the secret in the body or the Basic header (the two secret-based methods:
    /// with `private_key_jwt` too, `Body` and `Header` send the Client Secret).
    pub fn refresh_client_authentication_method(&self) -> ClientAuthentication {
        match self.refresh_client_authentication {
            RefreshClientAuthentication::Same => self.client_authentication,
            RefreshClientAuthentication::Body => ClientAuthentication::Body,
            RefreshClientAuthentication::Header => ClientAuthentication::BasicHeader,
        }
    }

    /// Whether a refresh-token request authenticates the client with the Basic header.
    pub fn refresh_uses_basic_header(&self) -> bool {
        self.refresh_client_authentication_method() == ClientAuthentication::BasicHeader
    }
}

fn scopes_from_list_or_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Wire {
        List(Vec<String>),
        Text(String),
    }
    let items = match Option::<Wire>::deserialize(deserializer)? {
        None => Vec::new(),
        Some(Wire::List(list)) => list,
        Some(Wire::Text(text)) => text.split([',', ' ']).map(str::to_owned).collect(),
    };
    Ok(items.into_iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect())
}

impl AuthConfig {
    pub fn kind(&self) -> AuthType {
        match self {
            AuthConfig::None => AuthType::None,
            AuthConfig::Basic(_) => AuthType::Basic,
            AuthConfig::ApiKey(_) => AuthType::ApiKey,
            AuthConfig::Bearer(_) => AuthType::Bearer,
            AuthConfig::OAuth2(_) => AuthType::OAuth2,
        }
    }

    pub(crate) fn secret_slots_mut(&mut self) -> Vec<(&'static str, &mut SecretField)> {
        match self {
            AuthConfig::None => vec![],
            AuthConfig::Basic(b) => vec![(secret_slot::PASSWORD, &mut b.password)],
            AuthConfig::ApiKey(k) => vec![(secret_slot::API_KEY_VALUE, &mut k.value)],
            AuthConfig::Bearer(b) => vec![(secret_slot::BEARER_TOKEN, &mut b.token)],
            AuthConfig::OAuth2(o) => {
                vec![
                    (secret_slot::CLIENT_SECRET, &mut o.client_secret),
                    (secret_slot::PASSWORD, &mut o.password),
                    (secret_slot::CLIENT_ASSERTION_KEY, &mut o.client_assertion_key),
                ]
            }
        }
    }

    pub(crate) fn secret_slots(&self) -> Vec<(&'static str, &SecretField)> {
        match self {
            AuthConfig::None => vec![],
            AuthConfig::Basic(b) => vec![(secret_slot::PASSWORD, &b.password)],
            AuthConfig::ApiKey(k) => vec![(secret_slot::API_KEY_VALUE, &k.value)],
            AuthConfig::Bearer(b) => vec![(secret_slot::BEARER_TOKEN, &b.token)],
            AuthConfig::OAuth2(o) => {
                vec![
                    (secret_slot::CLIENT_SECRET, &o.client_secret),
                    (secret_slot::PASSWORD, &o.password),
                    (secret_slot::CLIENT_ASSERTION_KEY, &o.client_assertion_key),
                ]
            }
        }
    }

    /// The secret fields this authentication needs that are empty (see
    /// [`super::DatasourceConfig::missing_secrets`]): an API key's value, a bearer token, the
    /// password grant's password, the Client Secret of `client_secret_jwt` and the private key
    /// of `private_key_jwt`. A Basic password may be empty (some APIs take a key as the username).
    pub fn missing_secrets(&self) -> Vec<FieldError> {
        let mut missing = Vec::new();
        match self {
            AuthConfig::None | AuthConfig::Basic(_) => {}
            AuthConfig::ApiKey(k) if k.value.is_empty() => {
                missing.push(FieldError::new(secret_slot::API_KEY_VALUE, "enter the API key"));
            }
            AuthConfig::Bearer(b) if b.token.is_empty() => {
                missing.push(FieldError::new(secret_slot::BEARER_TOKEN, "enter the bearer token"));
            }
            AuthConfig::ApiKey(_) | AuthConfig::Bearer(_) => {}
            AuthConfig::OAuth2(o) => {
                if o.grant_type == GrantType::Password && o.password.is_empty() {
                    missing.push(FieldError::new(secret_slot::PASSWORD, "enter the resource owner's password"));
                }
                if o.client_authentication == ClientAuthentication::ClientSecretJwt && o.client_secret.is_empty() {
                    missing.push(FieldError::new(secret_slot::CLIENT_SECRET, "enter the Client Secret"));
                }
                if o.client_authentication == ClientAuthentication::PrivateKeyJwt && o.client_assertion_key.is_empty() {
                    missing.push(FieldError::new(secret_slot::CLIENT_ASSERTION_KEY, "paste the client's private key"));
                }
            }
        }
        missing
    }

    /// The identifiers (not secrets) this authentication needs that are empty: an OAuth 2.0
    /// Client ID, the password grant's username, a Basic username. An import of a file that
    /// cannot know them (an OpenAPI description) stores the datasource as "needs setup" for
    /// them too; a normal save refuses them as before.
    pub fn missing_identifiers(&self) -> Vec<FieldError> {
        let mut missing = Vec::new();
        match self {
            AuthConfig::Basic(b) if b.username.is_empty() => {
                missing.push(FieldError::new("auth.username", "enter the username for Basic authentication"));
            }
            AuthConfig::OAuth2(o) => {
                if o.client_id.trim().is_empty() {
                    missing.push(FieldError::new("auth.clientId", "enter the Client ID your provider gave you"));
                }
                if o.grant_type == GrantType::Password && o.username.is_empty() {
                    missing.push(FieldError::new("auth.username", "enter the resource owner's username"));
                }
            }
            _ => {}
        }
        missing
    }

    pub(crate) fn validate(&self, errors: &mut Vec<FieldError>) {
        let mut require = |ok: bool, field: &str, message: &str| {
            if !ok {
                errors.push(FieldError::new(field, message));
            }
        };
        match self {
            AuthConfig::None => {}
            AuthConfig::Basic(b) => {
                require(!b.username.is_empty(), "auth.username", "enter the username for Basic authentication");
                require(!b.username.contains(':'), "auth.username", "a Basic username cannot contain `:`");
            }
            AuthConfig::ApiKey(k) => {
                require(
                    !k.key.trim().is_empty(),
                    "auth.key",
                    "enter the name of the header or query parameter that carries the key",
                );
                if k.add_to == KeyPlacement::Header
                    && reqwest::header::HeaderName::from_bytes(k.key.trim().as_bytes()).is_err()
                    && !k.key.trim().is_empty()
                {
                    require(
                        false,
                        "auth.key",
                        "not a valid header name: use letters, digits and - (no spaces or colons)",
                    );
                }
                require(k.value.is_set(), "auth.value", "enter the API key");
                if k.add_to == KeyPlacement::Header {
                    require(fits_a_header(&k.header_prefix), "auth.headerPrefix", LINE_BREAK);
                    require(k.value.value().is_none_or(|v| fits_a_header(v.expose())), "auth.value", LINE_BREAK);
                }
            }
            AuthConfig::Bearer(b) => {
                require(b.token.is_set(), "auth.token", "enter the bearer token");
                require(b.token.value().is_none_or(|v| fits_a_header(v.expose())), "auth.token", LINE_BREAK);
            }
            AuthConfig::OAuth2(o) => {
                o.validate(errors);
                if o.add_token_to == KeyPlacement::Header && !fits_a_header(&o.header_prefix) {
                    errors.push(FieldError::new("auth.headerPrefix", LINE_BREAK));
                }
            }
        }
    }
}

impl OAuth2Config {
    /// The Redirect URL to register with the provider; `port` is the loopback listener's actual
    /// port (it differs from `loopbackPort` only when that is 0).
    pub fn redirect_uri(&self, port: u16) -> String {
        match self.redirect {
            RedirectKind::Loopback => format!("http://127.0.0.1:{port}/callback"),
            RedirectKind::DeepLink => DEEP_LINK_REDIRECT_URI.to_owned(),
        }
    }

    /// The scopes as sent on the wire: space-separated (RFC 6749 §3.3).
    pub fn scope_param(&self) -> String {
        self.scopes.join(" ")
    }

    /// Whether a change from `self` to `other` makes tokens obtained with `self` meaningless
    /// (another provider, client, grant or scope set).
    pub fn same_token_identity(&self, other: &OAuth2Config) -> bool {
        self.access_token_url == other.access_token_url
            && self.client_id == other.client_id
            && self.grant_type == other.grant_type
            && self.scopes == other.scopes
            && self.username == other.username
            && self.audience == other.audience
            && self.resource == other.resource
    }

    fn validate(&self, errors: &mut Vec<FieldError>) {
        check_endpoint(&self.access_token_url, "auth.accessTokenUrl", "Access Token URL", errors);
        if !self.revocation_url.trim().is_empty() {
            check_endpoint(&self.revocation_url, "auth.revocationUrl", "Revocation URL", errors);
        }
        if !self.issuer.trim().is_empty() {
            check_endpoint(&self.issuer, "auth.issuer", "Issuer", errors);
        }
        if self.client_id.trim().is_empty() {
            errors.push(FieldError::new("auth.clientId", "enter the Client ID your provider gave you"));
        }
        match self.grant_type {
            GrantType::AuthorizationCode => {
                check_endpoint(&self.authorization_url, "auth.authorizationUrl", "Authorization URL", errors);
            }
            GrantType::Password => {
                if self.username.is_empty() {
                    errors.push(FieldError::new(
                        "auth.username",
                        "the password grant needs the resource owner's username",
                    ));
                }
                if self.password.is_empty() {
                    errors.push(FieldError::new(
                        "auth.password",
                        "the password grant needs the resource owner's password",
                    ));
                }
            }
            GrantType::ClientCredentials => {}
            GrantType::DeviceCode => {
                if self.device_authorization_url.trim().is_empty() && !self.issuer.trim().is_empty() {
                    // Discovered from the Issuer before the flow starts.
                } else {
                    check_endpoint(
                        &self.device_authorization_url,
                        "auth.deviceAuthorizationUrl",
                        "Device Authorization URL",
                        errors,
                    );
                }
            }
        }
        super::check_param_rows(&self.custom_auth_params, "auth.customAuthParams", errors);
        for (i, row) in self.custom_auth_params.iter().enumerate() {
            if let Some(fix) = reserved_auth_param(row.key.trim()) {
                errors.push(FieldError::new(format!("auth.customAuthParams[{i}].key"), fix));
            }
        }
        super::check_param_rows(&self.custom_token_params, "auth.customTokenParams", errors);
        for (i, row) in self.custom_token_params.iter().enumerate() {
            let key = row.key.trim();
            if crate::oauth::token_request::RESERVED_TOKEN_PARAMS.contains(&key) {
                errors.push(FieldError::new(
                    format!("auth.customTokenParams[{i}].key"),
                    format!(
                        "Latchkey sets `{key}` itself on token requests (from the grant, the client \
                         authentication or another field): remove this row"
                    ),
                ));
            }
        }
        if self.client_authentication == ClientAuthentication::ClientSecretJwt && self.client_secret.is_empty() {
            errors.push(FieldError::new(
                "auth.clientSecret",
                "client_secret_jwt signs the client assertion with the Client Secret: enter it, or choose another \
                 Client Authentication",
            ));
        }
        self.validate_assertion_key(errors);
        if self.expires_in_override == Some(0) {
            errors
                .push(FieldError::new("auth.expiresInOverride", "use a number of seconds above 0, or leave it empty"));
        }
    }
}

impl OAuth2Config {
    /// `private_key_jwt` needs a key, and a key given (not a kept `{"set": true}`, checked when
    /// it was saved) must be a usable private key fit for the chosen algorithm.
    fn validate_assertion_key(&self, errors: &mut Vec<FieldError>) {
        if self.client_authentication != ClientAuthentication::PrivateKeyJwt {
            return;
        }
        if self.client_assertion_key.is_empty() {
            errors.push(FieldError::new(
                "auth.clientAssertionKey",
                "private_key_jwt signs the client assertion with the client's private key: paste it (PEM or a \
                 private JWK), or choose another Client Authentication",
            ));
            return;
        }
        if let Some(text) = self.client_assertion_key.value() {
            if let Err(error) = crate::oauth::client_key::AssertionKey::for_config(text, self) {
                errors.push(error);
            }
        }
    }
}

/// The fix for a value sent in a header that cannot be (HTTP forbids line breaks there).
const LINE_BREAK: &str =
    "contains a line break or control character, which cannot be sent in a header: enter the value without it";

/// Whether `value` can be sent in an HTTP header (no line breaks or other control characters).
fn fits_a_header(value: &str) -> bool {
    reqwest::header::HeaderValue::from_str(value).is_ok()
}

/// Authorization-request parameters Latchkey sets itself, with the fix for a custom row that
/// names one: a replaced `state`, `redirect_uri` or PKCE challenge would make every callback
/// fail its checks, and the others have fields of their own.
fn reserved_auth_param(key: &str) -> Option<&'static str> {
    Some(match key {
        "state" | "redirect_uri" | "code_challenge" | "code_challenge_method" => {
            "Latchkey sets this parameter itself on every authorization to check the callback: remove this row"
        }
        "response_type" => "Latchkey always asks for `code`: remove this row",
        "client_id" => "the Client ID field sets this parameter: remove this row and fill in that field",
        "scope" => "the Scopes field sets this parameter: remove this row and list the scopes there",
        "audience" => "the Audience field sets this parameter: remove this row and fill in that field",
        "resource" => "the Resource field sets this parameter: remove this row and fill in that field",
        _ => return None,
    })
}

/// An OAuth endpoint (or the issuer): an absolute URL, over TLS unless its host is a loopback
/// host (RFC 6749 §3.1 and §3.2 require TLS; RFC 8252 §8.3 allows loopback without it).
fn check_endpoint(raw: &str, field: &str, label: &str, errors: &mut Vec<FieldError>) {
    let fix = format!("enter the provider's {label}, an absolute https URL");
    match url::Url::parse(raw.trim()) {
        _ if raw.trim().is_empty() => errors.push(FieldError::new(field, format!("{label} is empty: {fix}"))),
        Ok(url) if url.scheme() == "https" && url.has_host() => {}
        Ok(url) if url.scheme() == "http" && url.has_host() => {
            if !crate::http::tls::is_loopback(&url) {
                errors.push(FieldError::new(
                    field,
                    format!(
                        "the {label} uses plain http, which would send credentials unencrypted (RFC 6749 \
                         requires TLS): use https://{}… (http:// is accepted only for loopback hosts: \
                         127.0.0.1, ::1, localhost)",
                        url.host_str().unwrap_or_default()
                    ),
                ));
            }
        }
        Err(e) => errors.push(FieldError::new(field, format!("{}: {fix}", super::datasource::url_problem(raw, e)))),
        _ => errors.push(FieldError::new(field, format!("`{}` is not an https URL: {fix}", raw.trim()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oauth(json: &str) -> OAuth2Config {
        serde_json::from_str(json).unwrap()
    }

    fn field_names(auth: &AuthConfig) -> Vec<String> {
        let mut errors = Vec::new();
        auth.validate(&mut errors);
        errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn scopes_accept_comma_separated_text_and_lists() {
        assert_eq!(
            oauth(r#"{"scopes":"files.read, files.write,account"}"#).scopes,
            ["files.read", "files.write", "account"]
        );
        assert_eq!(oauth(r#"{"scopes":["openid","email"]}"#).scopes, ["openid", "email"]);
    }

    #[test]
    fn oauth_defaults_follow_the_design() {
        let o = oauth("{}");
        assert_eq!(o.header_prefix, "Bearer");
        assert!(o.pkce, "PKCE is on by default");
        assert_eq!(o.grant_type, GrantType::AuthorizationCode);
        assert_eq!(o.redirect, RedirectKind::Loopback);
    }

    #[test]
    fn each_grant_requires_its_fields() {
        let mut o = OAuth2Config::default();
        assert_eq!(
            field_names(&AuthConfig::OAuth2(Box::new(o.clone()))),
            ["auth.accessTokenUrl", "auth.clientId", "auth.authorizationUrl"]
        );
        o.grant_type = GrantType::ClientCredentials;
        assert_eq!(field_names(&AuthConfig::OAuth2(Box::new(o.clone()))), ["auth.accessTokenUrl", "auth.clientId"]);
        o.grant_type = GrantType::Password;
        o.access_token_url = "https://id.example.com/token".into();
        o.client_id = "abc".into();
        assert_eq!(field_names(&AuthConfig::OAuth2(Box::new(o.clone()))), ["auth.username", "auth.password"]);
        o.grant_type = GrantType::DeviceCode;
        assert_eq!(field_names(&AuthConfig::OAuth2(Box::new(o.clone()))), ["auth.deviceAuthorizationUrl"]);
        o.device_authorization_url = "http://id.example.com/device".into();
        assert_eq!(field_names(&AuthConfig::OAuth2(Box::new(o.clone()))), ["auth.deviceAuthorizationUrl"], "TLS");
        o.device_authorization_url = String::new();
        o.issuer = "https://id.example.com".into();
        assert!(field_names(&AuthConfig::OAuth2(Box::new(o.clone()))).is_empty(), "discovered from the Issuer");
        o.access_token_url = String::new();
        assert_eq!(field_names(&AuthConfig::OAuth2(Box::new(o))), ["auth.accessTokenUrl"]);
        assert!(GrantType::DeviceCode.needs_person() && !GrantType::Password.needs_person());
    }

    #[test]
    fn custom_auth_params_cannot_replace_what_latchkey_sets() {
        let mut o = oauth(
            r#"{"accessTokenUrl":"https://id.example.com/token","clientId":"abc",
            "authorizationUrl":"https://id.example.com/authorize"}"#,
        );
        o.custom_auth_params = ["prompt", "state", " redirect_uri ", "access_type", "code_challenge", "scope", "State"]
            .into_iter()
            .map(|key| KeyValue::new(key, "x"))
            .collect();
        let mut errors = Vec::new();
        AuthConfig::OAuth2(Box::new(o)).validate(&mut errors);
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "auth.customAuthParams[1].key",
                "auth.customAuthParams[2].key",
                "auth.customAuthParams[4].key",
                "auth.customAuthParams[5].key"
            ]
        );
        assert!(errors[0].message.contains("remove this row"), "{}", errors[0].message);
        assert!(errors[3].message.contains("Scopes field"), "{}", errors[3].message);
    }

    #[test]
    fn credentials_sent_in_a_header_cannot_hold_line_breaks() {
        let bearer: AuthConfig = serde_json::from_str(r#"{"type":"bearer","token":"abc\r\ndef"}"#).unwrap();
        assert_eq!(field_names(&bearer), ["auth.token"]);
        let key: AuthConfig =
            serde_json::from_str(r#"{"type":"apiKey","key":"X-Key","value":"abc\n","headerPrefix":"Key\n"}"#).unwrap();
        assert_eq!(field_names(&key), ["auth.headerPrefix", "auth.value"]);
        let in_query: AuthConfig =
            serde_json::from_str(r#"{"type":"apiKey","key":"k","value":"abc\n","addTo":"query"}"#).unwrap();
        assert!(field_names(&in_query).is_empty(), "a query parameter is percent-encoded");
        let stored: AuthConfig = serde_json::from_str(r#"{"type":"bearer","token":{"set":true}}"#).unwrap();
        assert!(field_names(&stored).is_empty(), "a stored value was checked when it was saved");
    }

    #[test]
    fn oauth_endpoints_need_tls_except_on_loopback_hosts() {
        let with = |url: &str| {
            let o = oauth(&format!(
                r#"{{"grantType":"client_credentials","clientId":"c","accessTokenUrl":"{url}",
                "revocationUrl":"{url}","issuer":"{url}"}}"#
            ));
            let mut errors = Vec::new();
            AuthConfig::OAuth2(Box::new(o)).validate(&mut errors);
            errors
        };
        for url in
            ["https://id.example.com/token", "http://127.0.0.1:9/token", "http://127.8.0.1/t", "http://[::1]:9/t"]
                .into_iter()
                .chain(["http://localhost:9/token", "http://LocalHost/token"])
        {
            assert_eq!(with(url), [], "{url} is accepted");
        }
        for url in ["http://id.example.com/token", "http://localhost./t", "http://a.localhost/t", "http://0.0.0.0/t"]
            .into_iter()
            .chain(["http://10.0.0.1/t", "http://[::ffff:7f00:1]/t"])
        {
            let errors = with(url);
            let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(fields, ["auth.accessTokenUrl", "auth.revocationUrl", "auth.issuer"], "{url} is refused");
            assert!(errors[0].message.contains("use https://"), "the fix is named: {}", errors[0].message);
        }
        let o = oauth(
            r#"{"clientId":"c","accessTokenUrl":"https://id.example.com/t","authorizationUrl":"http://id.example.com/a"}"#,
        );
        assert_eq!(field_names(&AuthConfig::OAuth2(Box::new(o))), ["auth.authorizationUrl"], "RFC 6749 §3.1");
    }

    #[test]
    fn unknown_auth_types_are_rejected() {
        let err = serde_json::from_str::<AuthConfig>(r#"{"type":"kerberos"}"#).unwrap_err();
        assert!(err.to_string().contains("unknown variant `kerberos`"), "{err}");
    }

    #[test]
    fn custom_token_params_cannot_name_what_latchkey_sets_and_client_secret_jwt_needs_the_secret() {
        let mut o = oauth(
            r#"{"grantType":"client_credentials","accessTokenUrl":"https://id.example.com/token","clientId":"abc",
            "clientAuthentication":"client_secret_jwt"}"#,
        );
        o.custom_token_params = ["tenant", "client_assertion", " grant_type ", "code_verifier", "Tenant"]
            .into_iter()
            .map(|key| KeyValue::new(key, "x"))
            .collect();
        let mut errors = Vec::new();
        AuthConfig::OAuth2(Box::new(o)).validate(&mut errors);
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "auth.customTokenParams[1].key",
                "auth.customTokenParams[2].key",
                "auth.customTokenParams[3].key",
                "auth.clientSecret"
            ]
        );
        assert!(errors[0].message.contains("remove this row"), "{}", errors[0].message);
    }

    #[test]
    fn private_key_jwt_needs_a_usable_key_checked_at_save() {
        let with = |extra: &str| {
            let o = oauth(&format!(
                r#"{{"grantType":"client_credentials","accessTokenUrl":"https://id.example.com/token","clientId":"c",
                "clientAuthentication":"private_key_jwt"{extra}}}"#
            ));
            let mut errors = Vec::new();
            AuthConfig::OAuth2(Box::new(o)).validate(&mut errors);
            errors
        };
        let missing = with("");
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].field, "auth.clientAssertionKey");
        assert!(missing[0].message.contains("private key"), "{}", missing[0].message);
        assert_eq!(with(r#","clientAssertionKey":"not a key""#)[0].field, "auth.clientAssertionKey");
        assert!(with(r#","clientAssertionKey":{"set":true}"#).is_empty(), "a stored key was checked when saved");
        let o = oauth(r#"{"clientAssertionAlg":"PS256","clientAssertionKid":"k"}"#);
        assert_eq!((o.client_assertion_alg, o.client_assertion_kid.as_str()), (ClientAssertionAlg::PS256, "k"));
        assert_eq!(oauth("{}").client_assertion_alg, ClientAssertionAlg::ByKey, "old configurations load");
        let json = serde_json::to_value(OAuth2Config::default()).unwrap();
        assert_eq!(json["clientAssertionAlg"], "by_key");
        assert!(json["clientAssertionKey"].is_null());
    }
}
