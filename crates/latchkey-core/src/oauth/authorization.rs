//! The authorization request (RFC 6749 §4.1.1): a fresh `state`, a PKCE S256 pair (RFC 7636
//! §4.1–4.2), and the URL the browser opens. Pure apart from drawing randomness; receiving the
//! callback is `redirect`'s job, checking it is `callback`'s.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use url::Url;

use super::callback::IssuerCheck;
use crate::model::OAuth2Config;
use crate::{Error, Result, Secret};

/// An authorization attempt in progress: what the browser was sent to, and what the callback
/// and the code exchange need. Lives only in memory.
#[derive(Debug)]
pub struct PendingAuthorization {
    /// The datasource being authorized.
    pub datasource_id: crate::model::DatasourceId,
    /// The URL to open in the browser.
    pub url: Url,
    /// The `redirect_uri` sent, which the code exchange must repeat (RFC 6749 §4.1.3).
    pub redirect_uri: String,
    pub(crate) state: Secret,
    /// RFC 7636 §4.1 `code_verifier`; `None` when PKCE is switched off.
    pub(crate) code_verifier: Option<Secret>,
    /// What the callback's `iss` must be (RFC 9207 §2.4).
    pub(crate) issuer: IssuerCheck,
}

impl PendingAuthorization {
    /// Requires every callback to carry `iss`, as the issuer's metadata promises with
    /// `authorization_response_iss_parameter_supported` (RFC 9207 §3). Has no effect on a
    /// datasource without an Issuer.
    pub fn require_iss(&mut self) {
        self.issuer.required = true;
    }
}

/// 32 bytes from the OS CSPRNG, base64url without padding (43 characters, RFC 7636 §4.1).
fn random_token() -> Secret {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    Secret::new(BASE64URL.encode(bytes))
}

/// RFC 7636 §4.2: `BASE64URL(SHA256(ASCII(code_verifier)))`.
pub fn pkce_challenge(verifier: &str) -> String {
    BASE64URL.encode(Sha256::digest(verifier.as_bytes()))
}

/// Starts authorizing `datasource` with the callback coming to `redirect_uri`.
///
/// # Errors
/// [`Error::Invalid`] when the datasource is not OAuth 2.0 or its Authorization URL is unusable.
pub fn start(oauth: super::OAuthDatasource<'_>, redirect_uri: &str) -> Result<PendingAuthorization> {
    let (datasource, config) = (oauth.datasource, oauth.config);
    let state = random_token();
    let code_verifier = config.pkce.then(random_token);
    let url = authorization_url(config, redirect_uri, state.expose(), code_verifier.as_ref())?;
    Ok(PendingAuthorization {
        datasource_id: datasource.id.clone(),
        issuer: IssuerCheck::new(&config.issuer, &url),
        url,
        redirect_uri: redirect_uri.to_owned(),
        state,
        code_verifier,
    })
}

/// RFC 6749 §4.1.1 authorization request URL: the provider's own query kept, then
/// `response_type`, `client_id`, `redirect_uri`, `scope`, `state`, the PKCE challenge,
/// `audience` and `resource` when set, then the custom parameters (validation keeps them off
/// the names set here).
fn authorization_url(
    config: &OAuth2Config,
    redirect_uri: &str,
    state: &str,
    code_verifier: Option<&Secret>,
) -> Result<Url> {
    let mut url = Url::parse(config.authorization_url.trim()).map_err(|_| {
        Error::field("auth.authorizationUrl", "not an absolute URL: enter the provider's Authorization URL")
    })?;
    let mut params: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let mut set = |key: &str, value: &str| {
        params.retain(|(k, _)| k != key);
        params.push((key.to_owned(), value.to_owned()));
    };
    set("response_type", "code");
    set("client_id", &config.client_id);
    set("redirect_uri", redirect_uri);
    if !config.scopes.is_empty() {
        set("scope", &config.scope_param());
    }
    set("state", state);
    if let Some(verifier) = code_verifier {
        set("code_challenge", &pkce_challenge(verifier.expose()));
        set("code_challenge_method", "S256");
    }
    if !config.audience.is_empty() {
        set("audience", &config.audience);
    }
    if !config.resource.is_empty() {
        set("resource", &config.resource);
    }
    for kv in &config.custom_auth_params {
        set(kv.key.trim(), &kv.value);
    }
    url.query_pairs_mut().clear().extend_pairs(params);
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AuthConfig, Datasource, DatasourceConfig, KeyValue};

    fn datasource(config: OAuth2Config) -> Datasource {
        Datasource::unsaved(
            "ds_1",
            DatasourceConfig {
                name: "google".into(),
                url: "https://api.example.com".into(),
                auth: AuthConfig::OAuth2(Box::new(config)),
                ..Default::default()
            },
        )
    }

    fn query(url: &Url) -> Vec<(String, String)> {
        url.query_pairs().into_owned().collect()
    }

    #[test]
    fn rfc7636_appendix_b_challenge() {
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn the_url_carries_every_parameter_and_custom_ones_last() {
        let config = OAuth2Config {
            authorization_url: "https://id.example.com/auth?hd=example.com".into(),
            client_id: "client 1".into(),
            scopes: vec!["openid".into(), "email".into()],
            audience: "https://api.example.com".into(),
            custom_auth_params: vec![KeyValue::new("access_type", "offline"), KeyValue::new("prompt", "consent")],
            ..Default::default()
        };
        let pending =
            start(super::super::OAuthDatasource::of(&datasource(config)).unwrap(), "http://127.0.0.1:8976/callback")
                .unwrap();
        let q = query(&pending.url);
        let get = |k: &str| q.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
        assert_eq!(get("hd"), Some("example.com"), "the provider's own query is kept");
        assert_eq!(get("response_type"), Some("code"));
        assert_eq!(get("client_id"), Some("client 1"));
        assert_eq!(get("redirect_uri"), Some("http://127.0.0.1:8976/callback"));
        assert_eq!(get("scope"), Some("openid email"), "scopes go space-separated");
        assert_eq!(get("state"), Some(pending.state.expose()));
        assert_eq!(get("code_challenge_method"), Some("S256"));
        assert_eq!(
            get("code_challenge").map(str::to_owned),
            Some(pkce_challenge(pending.code_verifier.unwrap().expose()))
        );
        assert_eq!(get("audience"), Some("https://api.example.com"));
        assert_eq!(get("access_type"), Some("offline"));
        assert_eq!(q.last().map(|(k, _)| k.as_str()), Some("prompt"));
        assert!(pending.url.as_str().contains("scope=openid+email"), "{}", pending.url);
    }

    #[test]
    fn state_and_verifier_are_fresh_each_time_and_pkce_can_be_off() {
        let config = OAuth2Config { authorization_url: "https://id.example.com/auth".into(), ..Default::default() };
        let a = start(
            super::super::OAuthDatasource::of(&datasource(config.clone())).unwrap(),
            "http://127.0.0.1:1/callback",
        )
        .unwrap();
        let b = start(
            super::super::OAuthDatasource::of(&datasource(config.clone())).unwrap(),
            "http://127.0.0.1:1/callback",
        )
        .unwrap();
        assert_ne!(a.state.expose(), b.state.expose(), "state must be unguessable, so never repeated");
        assert_eq!(a.state.expose().len(), 43);
        assert_ne!(a.code_verifier.unwrap().expose(), b.code_verifier.unwrap().expose());
        let off = start(
            super::super::OAuthDatasource::of(&datasource(OAuth2Config { pkce: false, ..config })).unwrap(),
            "http://127.0.0.1:1/callback",
        )
        .unwrap();
        assert!(off.code_verifier.is_none());
        assert!(!query(&off.url).iter().any(|(k, _)| k.starts_with("code_challenge")), "{}", off.url);
    }
}
