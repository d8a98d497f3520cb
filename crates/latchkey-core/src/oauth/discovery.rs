//! Endpoint discovery from an issuer: OpenID Connect Discovery 1.0 §4
//! (`/.well-known/openid-configuration`), then RFC 8414 §3
//! (`/.well-known/oauth-authorization-server`, inserted before the issuer's path).

use serde::Deserialize;
use url::Url;

use crate::http::Transport;
use crate::model::OAuth2Config;
use crate::{Error, Result};

/// RFC 8414 §2 metadata, the fields Latchkey uses.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
pub struct ProviderMetadata {
    pub issuer: String,
    #[serde(default)]
    pub authorization_endpoint: Option<String>,
    pub token_endpoint: String,
    #[serde(default)]
    pub revocation_endpoint: Option<String>,
    #[serde(default)]
    pub scopes_supported: Vec<String>,
}

/// The metadata URLs to try for `issuer`, in order.
pub fn metadata_urls(issuer: &Url) -> Vec<Url> {
    let path = issuer.path().trim_end_matches('/');
    let mut oidc = issuer.clone();
    oidc.set_path(&format!("{path}/.well-known/openid-configuration"));
    let mut rfc8414 = issuer.clone();
    rfc8414.set_path(&format!("/.well-known/oauth-authorization-server{path}"));
    for url in [&mut oidc, &mut rfc8414] {
        url.set_query(None);
        url.set_fragment(None);
    }
    vec![oidc, rfc8414]
}

/// Fetches the metadata of `issuer`.
///
/// # Errors
/// [`Error::Invalid`] on `auth.issuer` when neither document is found, is not metadata, or
/// names another issuer (RFC 8414 §3.3); [`Error::Network`] when the issuer is unreachable.
pub async fn discover(transport: &Transport, issuer: &str) -> Result<ProviderMetadata> {
    let fix = "check the Issuer (for example https://accounts.google.com)";
    let issuer_url = Url::parse(issuer.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
        .ok_or_else(|| Error::field("auth.issuer", format!("`{issuer}` is not an absolute URL: {fix}")))?;
    let client = transport.system_client()?;
    let mut tried = Vec::new();
    for url in metadata_urls(&issuer_url) {
        let response = client.get(url.clone()).header("Accept", "application/json").send().await?;
        let status = response.status();
        if !status.is_success() {
            tried.push(format!("{} answered HTTP {}", url.path(), status.as_u16()));
            continue;
        }
        let bytes = response.bytes().await?;
        let metadata: ProviderMetadata = serde_json::from_slice(&bytes).map_err(|e| {
            Error::field("auth.issuer", format!("{} is not provider metadata ({e}): {fix}", url.path()))
        })?;
        if metadata.issuer.trim_end_matches('/') != issuer.trim().trim_end_matches('/') {
            return Err(Error::field(
                "auth.issuer",
                format!("the metadata names the issuer `{}`, not `{issuer}`: use that Issuer", metadata.issuer),
            ));
        }
        return Ok(metadata);
    }
    Err(Error::field("auth.issuer", format!("no provider metadata found ({}): {fix}", tried.join("; "))))
}

impl ProviderMetadata {
    /// Fills the endpoint fields of `config` that are empty.
    pub fn fill(&self, config: &mut OAuth2Config) {
        let fill = |field: &mut String, value: Option<&String>| {
            if field.trim().is_empty() {
                if let Some(value) = value {
                    field.clone_from(value);
                }
            }
        };
        fill(&mut config.authorization_url, self.authorization_endpoint.as_ref());
        fill(&mut config.access_token_url, Some(&self.token_endpoint));
        fill(&mut config.revocation_url, self.revocation_endpoint.as_ref());
    }
}

/// When `config` names an issuer, fills its empty endpoints from the issuer's metadata.
///
/// # Errors
/// As [`discover`].
pub async fn fill_from_issuer(transport: &Transport, config: &mut OAuth2Config) -> Result<()> {
    if config.issuer.trim().is_empty() {
        return Ok(());
    }
    let needed = config.access_token_url.trim().is_empty()
        || config.authorization_url.trim().is_empty()
        || config.revocation_url.trim().is_empty();
    if needed {
        discover(transport, &config.issuer).await?.fill(config);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc8414_inserts_the_well_known_part_before_the_issuer_path() {
        let urls = metadata_urls(&Url::parse("https://id.example.com/tenant/1/").unwrap());
        assert_eq!(urls[0].as_str(), "https://id.example.com/tenant/1/.well-known/openid-configuration");
        assert_eq!(urls[1].as_str(), "https://id.example.com/.well-known/oauth-authorization-server/tenant/1");
        let urls = metadata_urls(&Url::parse("https://id.example.com").unwrap());
        assert_eq!(urls[1].as_str(), "https://id.example.com/.well-known/oauth-authorization-server");
    }

    #[test]
    fn only_empty_fields_are_filled() {
        let metadata = ProviderMetadata {
            issuer: "https://id.example.com".into(),
            authorization_endpoint: Some("https://id.example.com/auth".into()),
            token_endpoint: "https://id.example.com/token".into(),
            revocation_endpoint: None,
            scopes_supported: vec![],
        };
        let mut config = OAuth2Config { access_token_url: "https://custom/token".into(), ..Default::default() };
        metadata.fill(&mut config);
        assert_eq!(config.access_token_url, "https://custom/token");
        assert_eq!(config.authorization_url, "https://id.example.com/auth");
        assert_eq!(config.revocation_url, "");
    }
}
