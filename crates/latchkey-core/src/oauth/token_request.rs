//! Token requests, prepared as plain values (STYLE 13): each grant's form body (RFC 6749
//! §4.1.3, §4.3.2, §4.4.2, §6), revocation (RFC 7009 §2.1), and the client authentication they
//! carry (RFC 6749 §2.3.1, or a client assertion per RFC 7523 §2.2 and OIDC Core §9: HS256 with
//! the secret, or signed with the client's private key, `client_key`).
//! Pure: the clock is passed in; only the assertion's `jti` is drawn at random. Sending is the
//! token client's.

use std::borrow::Cow;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use url::Url;
use zeroize::Zeroizing;

use super::client_key::{self, AssertionKey};
use crate::model::{ClientAuthentication, GrantType, OAuth2Config, RefreshClientAuthentication};
use crate::{Error, Result, Secret};

/// RFC 7523 §2.2: the `client_assertion_type` of a JWT client assertion.
pub const JWT_BEARER_ASSERTION: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// How long a client assertion is valid, in seconds (OIDC Core §9 asks for a short time).
pub const CLIENT_ASSERTION_LIFETIME: u64 = 300;

/// Which call a token request is, for messages and advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenCall {
    AuthorizationCode,
    Refresh,
    ClientCredentials,
    Password,
    Revocation,
    /// RFC 8628 §3.1: asking for a device code (not a token call, but authenticated alike).
    DeviceAuthorization,
    /// RFC 8628 §3.4: polling for the tokens of a device code.
    DeviceCode,
}

impl TokenCall {
    /// The grant as RFC 6749 names it (`revocation` for RFC 7009), for the token call log.
    pub fn grant(self) -> &'static str {
        match self {
            TokenCall::AuthorizationCode => "authorization_code",
            TokenCall::Refresh => "refresh_token",
            TokenCall::ClientCredentials => "client_credentials",
            TokenCall::Password => "password",
            TokenCall::Revocation => "revocation",
            TokenCall::DeviceAuthorization => "device_authorization",
            TokenCall::DeviceCode => "device_code",
        }
    }

    pub(crate) fn describe(self) -> &'static str {
        match self {
            TokenCall::AuthorizationCode => "exchanging the authorization code",
            TokenCall::Refresh => "refreshing the access token",
            TokenCall::ClientCredentials => "fetching a token (client credentials)",
            TokenCall::Password => "fetching a token (password grant)",
            TokenCall::Revocation => "revoking the token",
            TokenCall::DeviceAuthorization => "requesting a device code",
            TokenCall::DeviceCode => "fetching the tokens of the device code",
        }
    }
}

/// A prepared request to the token or revocation endpoint: a form POST, optionally with
/// HTTP Basic client authentication. `Debug` shows no values.
pub struct TokenRequest {
    pub call: TokenCall,
    pub url: Url,
    /// The field of `url` (`auth.accessTokenUrl`, `auth.revocationUrl`), for errors.
    pub url_field: &'static str,
    /// The whole `Authorization` header value (`Basic …`), when the client authenticates so.
    pub authorization: Option<Zeroizing<String>>,
    pub form: Vec<(Cow<'static, str>, Zeroizing<String>)>,
    /// The secret values this request carries, removed from any error text.
    secrets: Vec<Zeroizing<String>>,
    /// A refresh whose client authentication was set apart from Client Authentication.
    pub(crate) refresh_differs: bool,
    /// Whether the client certificate authenticates this call (RFC 8705 §2).
    pub(crate) client_certificate: bool,
    /// The `private_key_jwt` assertion's audience, when the request carries one.
    pub(crate) key_assertion: Option<KeyAssertion>,
}

/// What a `private_key_jwt` assertion was addressed to, for explaining a refusal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyAssertion {
    /// The token endpoint (the `aud`), and the issuer when `auth.issuer` is set.
    pub audience: Vec<String>,
    pub issuer_set: bool,
}

impl std::fmt::Debug for TokenRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenRequest")
            .field("call", &self.call)
            .field("url", &self.url.as_str())
            .field("basic_auth", &self.authorization.is_some())
            .field("form", &self.form.iter().map(|(k, _)| k.as_ref()).collect::<Vec<_>>())
            .finish()
    }
}

impl TokenRequest {
    pub(super) fn new(call: TokenCall, url: &str, field: &'static str) -> Result<TokenRequest> {
        let url = Url::parse(url.trim())
            .map_err(|_| Error::field(field, "not an absolute URL: enter the provider's endpoint URL"))?;
        Ok(TokenRequest {
            call,
            url,
            url_field: field,
            authorization: None,
            form: Vec::new(),
            secrets: Vec::new(),
            refresh_differs: false,
            client_certificate: false,
            key_assertion: None,
        })
    }

    pub(super) fn param(&mut self, key: &'static str, value: &str) {
        self.form.push((Cow::Borrowed(key), Zeroizing::new(value.to_owned())));
    }

    pub(super) fn secret_param(&mut self, key: &'static str, value: &str) {
        self.param(key, value);
        self.secrets.push(Zeroizing::new(value.to_owned()));
    }

    /// The secret values carried, for scrubbing error text.
    pub(crate) fn secret_values(&self) -> Vec<&str> {
        self.secrets.iter().map(|s| s.as_str()).collect()
    }

    /// The form body, `application/x-www-form-urlencoded`.
    pub fn body(&self) -> Zeroizing<String> {
        Zeroizing::new(
            url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(self.form.iter().map(|(k, v)| (k.as_ref(), v.as_str())))
                .finish(),
        )
    }

    /// The endpoint as the token call log shows it: scheme, host, port and path; never a query,
    /// user info or fragment, which could carry a key.
    pub fn endpoint(&self) -> String {
        let mut url = self.url.clone();
        url.set_query(None);
        url.set_fragment(None);
        let _ = url.set_username("");
        let _ = url.set_password(None);
        url.to_string()
    }

    /// The value of form parameter `key`, for tests and scrubbing.
    pub fn param_value(&self, key: &str) -> Option<&str> {
        self.form.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// The client authentication `method` (RFC 6749 §2.3.1 for the secret-based ones). A client
    /// without a secret (a public client) always sends its `client_id` in the body, except with
    /// `client_secret_jwt`, which needs the secret to sign; `private_key_jwt` needs the key. With
    /// `tls_client_auth` and `self_signed_tls_client_auth` (RFC 8705 §2) the client certificate,
    /// presented by the transport, authenticates: only `client_id` goes in the body, never the secret.
    pub(super) fn authenticate_client(
        &mut self,
        config: &OAuth2Config,
        method: ClientAuthentication,
        now: u64,
    ) -> Result<()> {
        if method == ClientAuthentication::PrivateKeyJwt {
            let Some(text) = config.client_assertion_key.value() else {
                return Err(Error::field(
                    client_key::KEY_FIELD,
                    "private_key_jwt signs the client assertion with the client's private key: enter it, or choose \
                     another Client Authentication",
                ));
            };
            let key = AssertionKey::for_config(text, config).map_err(|e| Error::Invalid(vec![e]))?;
            let (assertion, audience) = private_key_assertion(config, &key, now)?;
            self.param("client_id", &config.client_id);
            self.param("client_assertion_type", JWT_BEARER_ASSERTION);
            self.secret_param("client_assertion", &assertion);
            self.key_assertion = Some(KeyAssertion { audience, issuer_set: !config.issuer.trim().is_empty() });
            return Ok(());
        }
        match (config.client_secret.value(), method) {
            (_, ClientAuthentication::TlsClientAuth | ClientAuthentication::SelfSignedTlsClientAuth) => {
                self.param("client_id", &config.client_id);
                self.client_certificate = true;
            }
            (Some(secret), ClientAuthentication::BasicHeader) => {
                let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
                let pair = Zeroizing::new(format!("{}:{}", encode(&config.client_id), encode(secret.expose())));
                let credentials = Zeroizing::new(BASE64.encode(pair.as_bytes()));
                self.authorization = Some(Zeroizing::new(format!("Basic {}", credentials.as_str())));
                self.secrets.push(Zeroizing::new(secret.expose().to_owned()));
                self.secrets.push(credentials);
            }
            (Some(secret), ClientAuthentication::Body) => {
                self.param("client_id", &config.client_id);
                self.secret_param("client_secret", secret.expose());
            }
            (Some(secret), ClientAuthentication::ClientSecretJwt) => {
                let assertion = client_secret_assertion(config, secret, now)?;
                self.param("client_id", &config.client_id);
                self.param("client_assertion_type", JWT_BEARER_ASSERTION);
                self.secret_param("client_assertion", &assertion);
                self.secrets.push(Zeroizing::new(secret.expose().to_owned()));
            }
            (None, ClientAuthentication::ClientSecretJwt) => {
                return Err(Error::field(
                    "auth.clientSecret",
                    "client_secret_jwt signs the client assertion with the Client Secret: enter it, or choose \
                     another Client Authentication",
                ));
            }
            (None, _) | (_, ClientAuthentication::PrivateKeyJwt) => self.param("client_id", &config.client_id),
        }
        Ok(())
    }

    pub(super) fn audience_and_resource(&mut self, config: &OAuth2Config) {
        if !config.audience.is_empty() {
            self.param("audience", &config.audience);
        }
        if !config.resource.is_empty() {
            self.param("resource", &config.resource);
        }
    }

    pub(super) fn scope(&mut self, config: &OAuth2Config) {
        if !config.scopes.is_empty() {
            self.param("scope", &config.scope_param());
        }
    }

    /// `auth.customTokenParams`; their names were checked against [`RESERVED_TOKEN_PARAMS`] on save.
    pub(super) fn custom_params(&mut self, config: &OAuth2Config) {
        for row in &config.custom_token_params {
            let key = row.key.trim();
            if !key.is_empty() && !RESERVED_TOKEN_PARAMS.contains(&key) {
                self.form.push((Cow::Owned(key.to_owned()), Zeroizing::new(row.value.clone())));
            }
        }
    }
}

/// Token request parameters Latchkey sets itself, which `auth.customTokenParams` may not name.
pub const RESERVED_TOKEN_PARAMS: &[&str] = &[
    "grant_type",
    "code",
    "redirect_uri",
    "code_verifier",
    "client_id",
    "client_secret",
    "client_assertion",
    "client_assertion_type",
    "refresh_token",
    "username",
    "password",
    "scope",
    "audience",
    "resource",
    "device_code",
    "token",
    "token_type_hint",
];

/// RFC 7523 §3 and OIDC Core §9 `client_secret_jwt`: an HS256 JWT signed with the client secret,
/// `iss` = `sub` = the client id, `aud` = the token endpoint, valid for
/// [`CLIENT_ASSERTION_LIFETIME`] from `now` (seconds since the epoch).
fn client_secret_assertion(config: &OAuth2Config, secret: &Secret, now: u64) -> Result<String> {
    let audience = token_endpoint(config)?;
    Ok(crate::http::signature::hs256(secret, &assertion_claims(config, audience.as_str().into(), now)))
}

/// The Access Token URL, which every client assertion is addressed to (revocation's too).
fn token_endpoint(config: &OAuth2Config) -> Result<Url> {
    Url::parse(config.access_token_url.trim()).map_err(|_| {
        Error::field(
            "auth.accessTokenUrl",
            "not an absolute URL: the client assertion is addressed to the token endpoint",
        )
    })
}

/// RFC 7523 §3 claims: `iss` = `sub` = the client id, `aud`, a fresh random `jti`, `iat` = `now`
/// and `exp` [`CLIENT_ASSERTION_LIFETIME`] later.
fn assertion_claims(config: &OAuth2Config, audience: serde_json::Value, now: u64) -> serde_json::Value {
    let jti: [u8; 16] = rand::random();
    serde_json::json!({
        "iss": config.client_id,
        "sub": config.client_id,
        "aud": audience,
        "jti": base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(jti),
        "iat": now,
        "exp": now + CLIENT_ASSERTION_LIFETIME,
    })
}

/// OIDC Core §9 `private_key_jwt`: the claims of [`assertion_claims`] signed with the client's
/// key; `aud` is the token endpoint, or with `auth.issuer` set, `[token endpoint, issuer]`
/// (RFC 7523 §3 lets the audience be either; providers accept one of them). Returns the JWS and
/// the audience.
pub fn private_key_assertion(config: &OAuth2Config, key: &AssertionKey, now: u64) -> Result<(String, Vec<String>)> {
    let mut audience = vec![token_endpoint(config)?.to_string()];
    let issuer = config.issuer.trim();
    if !issuer.is_empty() && !audience.iter().any(|a| a == issuer) {
        audience.push(issuer.to_owned());
    }
    let aud = match audience.as_slice() {
        [one] => serde_json::Value::from(one.as_str()),
        many => serde_json::Value::from(many.to_vec()),
    };
    Ok((key.sign_jwt(&assertion_claims(config, aud, now)), audience))
}

/// RFC 6749 §4.4.2 (client credentials) or §4.3.2 (password): a token without a browser.
/// `now`: seconds since the epoch, for a client assertion.
///
/// # Errors
/// [`Error::Invalid`] for an unusable Access Token URL, a grant that needs the browser, or
/// `client_secret_jwt` without a Client Secret.
pub fn direct_grant_request(config: &OAuth2Config, now: u64) -> Result<TokenRequest> {
    let call = match config.grant_type {
        GrantType::ClientCredentials => TokenCall::ClientCredentials,
        GrantType::Password => TokenCall::Password,
        GrantType::AuthorizationCode => {
            return Err(Error::field("auth.grantType", "the authorization code grant needs the browser: authorize"));
        }
        GrantType::DeviceCode => {
            return Err(Error::field(
                "auth.grantType",
                "the device code grant needs a person to enter the code: authorize",
            ));
        }
    };
    let mut request = TokenRequest::new(call, &config.access_token_url, "auth.accessTokenUrl")?;
    if call == TokenCall::Password {
        request.param("grant_type", "password");
        request.param("username", &config.username);
        request.secret_param("password", config.password.value().map(Secret::expose).unwrap_or(""));
    } else {
        request.param("grant_type", "client_credentials");
    }
    request.scope(config);
    request.audience_and_resource(config);
    request.custom_params(config);
    request.authenticate_client(config, config.client_authentication, now)?;
    Ok(request)
}

/// RFC 6749 §4.1.3 with RFC 7636 §4.5: exchanging the code for tokens.
///
/// # Errors
/// As [`direct_grant_request`].
pub fn code_request(
    config: &OAuth2Config,
    code: &Secret,
    redirect_uri: &str,
    code_verifier: Option<&Secret>,
    now: u64,
) -> Result<TokenRequest> {
    let mut request = TokenRequest::new(TokenCall::AuthorizationCode, &config.access_token_url, "auth.accessTokenUrl")?;
    request.param("grant_type", "authorization_code");
    request.secret_param("code", code.expose());
    request.param("redirect_uri", redirect_uri);
    if let Some(verifier) = code_verifier {
        request.secret_param("code_verifier", verifier.expose());
    }
    request.audience_and_resource(config);
    request.custom_params(config);
    request.authenticate_client(config, config.client_authentication, now)?;
    Ok(request)
}

/// RFC 6749 §6: a new access token from the refresh token. The scope goes along only when
/// "Send scope with refresh token" is on, the custom token parameters only when "Send custom
/// token parameters with refresh" is; client credentials go as "Send client credentials with"
/// says, by default as Client Authentication does.
///
/// # Errors
/// As [`direct_grant_request`].
pub fn refresh_request(config: &OAuth2Config, refresh_token: &Secret, now: u64) -> Result<TokenRequest> {
    let mut request = TokenRequest::new(TokenCall::Refresh, &config.access_token_url, "auth.accessTokenUrl")?;
    request.param("grant_type", "refresh_token");
    request.secret_param("refresh_token", refresh_token.expose());
    if config.send_scope_with_refresh_token {
        request.scope(config);
    }
    if config.send_custom_token_params_with_refresh {
        request.custom_params(config);
    }
    let method = config.refresh_client_authentication_method();
    request.authenticate_client(config, method, now)?;
    request.refresh_differs = config.refresh_client_authentication != RefreshClientAuthentication::Same
        && method != config.client_authentication;
    Ok(request)
}

/// RFC 7009 §2.1: revoking `token` (`hint` is `refresh_token` or `access_token`).
///
/// # Errors
/// [`Error::Invalid`] for an unusable Revocation URL; as [`direct_grant_request`].
pub fn revocation_request(config: &OAuth2Config, token: &Secret, hint: &str, now: u64) -> Result<TokenRequest> {
    let mut request = TokenRequest::new(TokenCall::Revocation, &config.revocation_url, "auth.revocationUrl")?;
    request.secret_param("token", token.expose());
    request.param("token_type_hint", hint);
    request.authenticate_client(config, config.client_authentication, now)?;
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::token_response::parse_token_response;
    use crate::SecretField;

    const NOW: u64 = 1_700_000_000;

    fn config() -> OAuth2Config {
        OAuth2Config {
            access_token_url: "https://id.example.com/token".into(),
            client_id: "my client".into(),
            client_secret: SecretField::Value(Secret::new("s&cret:/+ x")),
            scopes: vec!["read".into(), "write".into()],
            ..Default::default()
        }
    }

    #[test]
    fn basic_header_form_urlencodes_id_and_secret_first() {
        let config = OAuth2Config { client_authentication: ClientAuthentication::BasicHeader, ..config() };
        let request =
            direct_grant_request(&OAuth2Config { grant_type: GrantType::ClientCredentials, ..config }, NOW).unwrap();
        let header = request.authorization.as_deref().unwrap();
        let decoded = BASE64.decode(header.strip_prefix("Basic ").unwrap()).unwrap();
        assert_eq!(String::from_utf8(decoded).unwrap(), "my+client:s%26cret%3A%2F%2B+x", "RFC 6749 §2.3.1");
        assert_eq!(request.param_value("client_secret"), None, "the secret goes in one place only");
        assert_eq!(request.param_value("scope"), Some("read write"));
    }

    #[test]
    fn certificate_methods_send_the_client_id_and_never_the_secret() {
        for method in [ClientAuthentication::TlsClientAuth, ClientAuthentication::SelfSignedTlsClientAuth] {
            let config =
                OAuth2Config { client_authentication: method, grant_type: GrantType::ClientCredentials, ..config() };
            let request = direct_grant_request(&config, 0).unwrap();
            assert_eq!(request.param_value("client_id"), Some("my client"), "{method:?}");
            assert_eq!(request.param_value("client_secret"), None, "{method:?}");
            assert!(!request.body().contains("cret"), "{method:?}: {}", request.body().as_str());
            assert!(request.authorization.is_none(), "{method:?}: no Basic header");
            let refresh = refresh_request(&config, &Secret::new("rt"), 0).unwrap();
            assert_eq!(refresh.param_value("client_secret"), None, "{method:?}: refreshes follow");
        }
    }

    #[test]
    fn body_authentication_and_public_clients() {
        let request =
            direct_grant_request(&OAuth2Config { grant_type: GrantType::ClientCredentials, ..config() }, NOW).unwrap();
        assert!(request.authorization.is_none());
        assert_eq!(request.param_value("client_id"), Some("my client"));
        assert_eq!(request.param_value("client_secret"), Some("s&cret:/+ x"));
        let public = OAuth2Config {
            client_secret: SecretField::Empty,
            client_authentication: ClientAuthentication::BasicHeader,
            ..config()
        };
        let request =
            code_request(&public, &Secret::new("c"), "http://127.0.0.1:1/callback", Some(&Secret::new("v")), NOW)
                .unwrap();
        assert!(request.authorization.is_none(), "a public client has no secret to put in a header");
        assert_eq!(request.param_value("client_id"), Some("my client"));
        assert_eq!(request.param_value("code_verifier"), Some("v"));
        assert_eq!(request.param_value("redirect_uri"), Some("http://127.0.0.1:1/callback"));
    }

    #[test]
    fn refresh_sends_scope_and_credentials_as_configured() {
        let refresh = Secret::new("r1");
        let plain = refresh_request(&config(), &refresh, NOW).unwrap();
        assert_eq!(plain.param_value("scope"), None, "scope only with Send scope with refresh token");
        assert_eq!(plain.param_value("client_secret"), Some("s&cret:/+ x"));
        let configured = OAuth2Config {
            send_scope_with_refresh_token: true,
            refresh_client_authentication: RefreshClientAuthentication::Header,
            ..config()
        };
        let request = refresh_request(&configured, &refresh, NOW).unwrap();
        assert_eq!(request.param_value("scope"), Some("read write"));
        assert!(request.authorization.is_some());
        assert_eq!(request.param_value("client_secret"), None);
        assert!(!format!("{request:?}").contains("r1"), "Debug shows no values");
    }

    #[test]
    fn refresh_follows_client_authentication_by_default_and_a_refused_one_names_the_setting() {
        let refresh = Secret::new("r1");
        let basic = OAuth2Config { client_authentication: ClientAuthentication::BasicHeader, ..config() };
        let request = refresh_request(&basic, &refresh, NOW).unwrap();
        assert!(request.authorization.is_some(), "Same: the Basic header, as Client Authentication");
        assert_eq!(request.param_value("client_secret"), None);
        let body = OAuth2Config { refresh_client_authentication: RefreshClientAuthentication::Body, ..basic.clone() };
        let request = refresh_request(&body, &refresh, NOW).unwrap();
        assert!(request.authorization.is_none(), "an explicit Body still wins");

        let answer = br#"{"error":"invalid_client"}"#;
        let refused = |request: &TokenRequest| {
            let mut err = parse_token_response(TokenCall::Refresh, 401, "application/json", answer, &[]).unwrap_err();
            err.refresh_differs = request.refresh_differs;
            err
        };
        let differs = refused(&request);
        assert_eq!(differs.field(), Some("auth.refreshClientAuthentication"));
        let text = differs.to_string();
        assert!(text.contains("set Send client credentials with (on refresh token) to Same"), "{text}");
        assert!(!text.contains("check the Client ID"), "the exchange worked with these credentials: {text}");
        let same = refused(&refresh_request(&basic, &refresh, NOW).unwrap()).to_string();
        assert!(same.contains("whether the Client Secret was changed"), "{same}");
    }

    #[test]
    fn the_logged_endpoint_has_no_query_user_info_or_fragment() {
        let config = OAuth2Config {
            access_token_url: "https://user:pw@id.example.com:8443/oauth/token?api_key=k1#frag".into(),
            ..config()
        };
        let request = refresh_request(&config, &Secret::new("r1"), NOW).unwrap();
        assert_eq!(request.endpoint(), "https://id.example.com:8443/oauth/token");
    }

    #[test]
    fn password_grant_carries_the_resource_owner() {
        let config = OAuth2Config {
            grant_type: GrantType::Password,
            username: "ann".into(),
            password: SecretField::Value(Secret::new("pw")),
            audience: "api".into(),
            ..config()
        };
        let request = direct_grant_request(&config, NOW).unwrap();
        assert_eq!(request.param_value("grant_type"), Some("password"));
        assert_eq!(request.param_value("username"), Some("ann"));
        assert_eq!(request.param_value("password"), Some("pw"));
        assert_eq!(request.param_value("audience"), Some("api"));
    }

    fn claims(assertion: &str, secret: &str) -> serde_json::Value {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
        use hmac::{Hmac, Mac};
        let parts: Vec<&str> = assertion.split('.').collect();
        assert_eq!(parts.len(), 3, "a compact JWS");
        let header: serde_json::Value = serde_json::from_slice(&B64URL.decode(parts[0]).unwrap()).unwrap();
        assert_eq!(header["alg"], "HS256");
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{}.{}", parts[0], parts[1]).as_bytes());
        mac.verify_slice(&B64URL.decode(parts[2]).unwrap()).expect("signed with the client secret");
        serde_json::from_slice(&B64URL.decode(parts[1]).unwrap()).unwrap()
    }

    /// One request of each token call `config` makes: client credentials, password, code
    /// exchange, refresh and revocation.
    fn every_call(config: &OAuth2Config) -> Vec<TokenRequest> {
        let secret = Secret::new("s1");
        vec![
            direct_grant_request(&OAuth2Config { grant_type: GrantType::ClientCredentials, ..config.clone() }, NOW)
                .unwrap(),
            direct_grant_request(&OAuth2Config { grant_type: GrantType::Password, ..config.clone() }, NOW).unwrap(),
            code_request(config, &secret, "http://127.0.0.1:1/callback", None, NOW).unwrap(),
            refresh_request(config, &secret, NOW).unwrap(),
            revocation_request(config, &secret, "refresh_token", NOW).unwrap(),
        ]
    }

    #[test]
    fn client_secret_jwt_sends_an_hs256_assertion_on_every_call() {
        let jwt = OAuth2Config {
            client_authentication: ClientAuthentication::ClientSecretJwt,
            grant_type: GrantType::ClientCredentials,
            revocation_url: "https://id.example.com/revoke".into(),
            ..config()
        };
        let requests = every_call(&jwt);
        let mut jtis = std::collections::HashSet::new();
        for request in &requests {
            assert!(request.authorization.is_none(), "{:?}", request.call);
            assert_eq!(request.param_value("client_secret"), None, "the secret itself is never sent");
            assert_eq!(request.param_value("client_id"), Some("my client"));
            assert_eq!(request.param_value("client_assertion_type"), Some(JWT_BEARER_ASSERTION));
            let claims = claims(request.param_value("client_assertion").unwrap(), "s&cret:/+ x");
            assert_eq!((claims["iss"].as_str(), claims["sub"].as_str()), (Some("my client"), Some("my client")));
            assert_eq!(claims["aud"], "https://id.example.com/token", "the token endpoint, for revocation too");
            assert_eq!(claims["iat"], NOW);
            assert!(claims["exp"].as_u64().unwrap() - NOW <= 300, "at most 5 minutes");
            assert!(jtis.insert(claims["jti"].as_str().unwrap().to_owned()), "a fresh jti each time");
            assert!(request.secret_values().contains(&request.param_value("client_assertion").unwrap()));
        }
        let no_secret = OAuth2Config { client_secret: SecretField::Empty, ..jwt };
        let err = direct_grant_request(&no_secret, NOW).unwrap_err();
        assert!(err.to_string().contains("auth.clientSecret") || format!("{err:?}").contains("auth.clientSecret"));
    }

    #[test]
    fn refresh_authentication_keeps_its_meaning_next_to_client_secret_jwt() {
        let jwt = OAuth2Config { client_authentication: ClientAuthentication::ClientSecretJwt, ..config() };
        let refresh = Secret::new("r1");
        let same = refresh_request(&jwt, &refresh, NOW).unwrap();
        assert!(same.param_value("client_assertion").is_some() && !same.refresh_differs, "Same follows");
        let header = OAuth2Config { refresh_client_authentication: RefreshClientAuthentication::Header, ..jwt };
        let request = refresh_request(&header, &refresh, NOW).unwrap();
        assert!(request.authorization.is_some() && request.param_value("client_assertion").is_none());
        assert!(request.refresh_differs);
    }

    #[test]
    fn custom_token_params_go_with_each_grant_and_with_refresh_only_when_asked() {
        let custom = OAuth2Config {
            custom_token_params: vec![
                crate::model::KeyValue::new("tenant", "t-1"),
                crate::model::KeyValue::new("grant_type", "evil"),
            ],
            ..config()
        };
        let code = Secret::new("c");
        for request in [
            direct_grant_request(&OAuth2Config { grant_type: GrantType::ClientCredentials, ..custom.clone() }, NOW)
                .unwrap(),
            direct_grant_request(&OAuth2Config { grant_type: GrantType::Password, ..custom.clone() }, NOW).unwrap(),
            code_request(&custom, &code, "http://127.0.0.1:1/callback", None, NOW).unwrap(),
        ] {
            assert_eq!(request.param_value("tenant"), Some("t-1"), "{:?}", request.call);
            assert!(request.body().contains("tenant=t-1"));
            assert_eq!(request.form.iter().filter(|(k, _)| k == "grant_type").count(), 1, "a reserved name never");
        }
        let refresh = refresh_request(&custom, &code, NOW).unwrap();
        assert_eq!(refresh.param_value("tenant"), None, "off by default on refresh");
        let with = OAuth2Config { send_custom_token_params_with_refresh: true, ..custom.clone() };
        assert_eq!(refresh_request(&with, &code, NOW).unwrap().param_value("tenant"), Some("t-1"));
        let revoke = OAuth2Config { revocation_url: "https://id.example.com/revoke".into(), ..with };
        assert_eq!(revocation_request(&revoke, &code, "access_token", NOW).unwrap().param_value("tenant"), None);
    }

    /// A P-256 key made by the openssl CLI, as PEM.
    fn p256_pem() -> String {
        let out = std::process::Command::new("openssl")
            .args(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"])
            .output()
            .expect("run openssl");
        String::from_utf8(out.stdout).unwrap()
    }

    fn jws_part(assertion: &str, i: usize) -> serde_json::Value {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
        serde_json::from_slice(&B64URL.decode(assertion.split('.').nth(i).unwrap()).unwrap()).unwrap()
    }

    #[test]
    fn private_key_jwt_signs_an_assertion_for_the_token_endpoint_on_every_call() {
        let jwt = OAuth2Config {
            client_authentication: ClientAuthentication::PrivateKeyJwt,
            client_assertion_key: SecretField::Value(Secret::new(p256_pem())),
            client_assertion_kid: "k1".into(),
            grant_type: GrantType::ClientCredentials,
            revocation_url: "https://id.example.com/revoke".into(),
            ..config()
        };
        let key = AssertionKey::for_config(jwt.client_assertion_key.value().unwrap(), &jwt).unwrap();
        let secret = Secret::new("s1");
        let with_issuer = OAuth2Config { issuer: "https://id.example.com".into(), ..jwt.clone() };
        let mut requests = every_call(&jwt);
        requests.push(revocation_request(&with_issuer, &secret, "refresh_token", NOW).unwrap());
        let mut jtis = std::collections::HashSet::new();
        for request in &requests {
            assert!(request.authorization.is_none(), "{:?}", request.call);
            assert_eq!(request.param_value("client_secret"), None, "the Client Secret is not sent");
            assert_eq!(request.param_value("client_id"), Some("my client"));
            assert_eq!(request.param_value("client_assertion_type"), Some(JWT_BEARER_ASSERTION));
            let assertion = request.param_value("client_assertion").unwrap();
            assert_eq!(jws_part(assertion, 0), serde_json::json!({"alg": "ES256", "typ": "JWT", "kid": "k1"}));
            let claims = jws_part(assertion, 1);
            assert_eq!((claims["iss"].as_str(), claims["sub"].as_str()), (Some("my client"), Some("my client")));
            assert_eq!(claims["iat"], NOW);
            assert!(claims["exp"].as_u64().unwrap() - NOW <= 300, "at most 5 minutes");
            assert!(jtis.insert(claims["jti"].as_str().unwrap().to_owned()), "a fresh jti each time");
            assert!(request.secret_values().contains(&assertion), "the assertion is scrubbed from errors");
            assert!(request.key_assertion.is_some());
        }
        let aud = |r: &TokenRequest| jws_part(r.param_value("client_assertion").unwrap(), 1)["aud"].clone();
        assert_eq!(aud(&requests[4]), "https://id.example.com/token", "the token endpoint, for revocation too");
        assert_eq!(aud(&requests[5]), serde_json::json!(["https://id.example.com/token", "https://id.example.com"]));
        let (signed, _) = private_key_assertion(&jwt, &key, NOW).unwrap();
        assert_eq!(signed.split('.').count(), 3);

        let no_key = OAuth2Config { client_assertion_key: SecretField::Empty, ..jwt.clone() };
        let Err(Error::Invalid(fields)) = direct_grant_request(&no_key, NOW) else { panic!("a field error") };
        assert_eq!(fields[0].field, "auth.clientAssertionKey");
        let wrong_alg = OAuth2Config { client_assertion_alg: crate::model::ClientAssertionAlg::RS256, ..jwt };
        let Err(Error::Invalid(fields)) = direct_grant_request(&wrong_alg, NOW) else { panic!("a field error") };
        assert_eq!(fields[0].field, "auth.clientAssertionAlg");
    }

    #[test]
    fn refresh_authentication_body_and_header_still_send_the_secret_next_to_private_key_jwt() {
        let jwt = OAuth2Config {
            client_authentication: ClientAuthentication::PrivateKeyJwt,
            client_assertion_key: SecretField::Value(Secret::new(p256_pem())),
            refresh_client_authentication: RefreshClientAuthentication::Body,
            ..config()
        };
        let request = refresh_request(&jwt, &Secret::new("r1"), NOW).unwrap();
        assert_eq!(request.param_value("client_secret"), Some("s&cret:/+ x"));
        assert!(request.param_value("client_assertion").is_none() && request.refresh_differs);
    }
}
