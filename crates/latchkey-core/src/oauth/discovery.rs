//! Endpoint discovery from an issuer: RFC 8414 §3 (`/.well-known/oauth-authorization-server`,
//! inserted before the issuer's path) first, then OpenID Connect Discovery 1.0 §4
//! (`{issuer}/.well-known/openid-configuration`), as RFC 8414 §5 describes; what the first
//! document lacks is filled from the second. Bounded like token calls: each document at most
//! [`MAX_METADATA`] bytes, the whole discovery at most [`TIMEOUT`]. Applying the endpoints to a
//! configuration is [`ProviderMetadata::fill`]; nothing here stores anything.

use std::time::Duration;

use serde::Deserialize;
use url::Url;

use super::token_client::MAX_RESPONSE;
use crate::http::{ProxiedClient, Transport};
use crate::model::{AuthConfig, Datasource, DatasourceConfig, OAuth2Config, ProxyConfig};
use crate::{Error, Result};

/// The largest metadata document read, as for token answers.
pub const MAX_METADATA: usize = MAX_RESPONSE;
/// The longest a discovery may take, both documents included (the token calls' default).
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// RFC 8414 §2 metadata, the fields Latchkey uses.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
pub struct ProviderMetadata {
    pub issuer: String,
    #[serde(default)]
    pub authorization_endpoint: Option<String>,
    pub token_endpoint: String,
    /// RFC 8414 §2 (RFC 7009).
    #[serde(default)]
    pub revocation_endpoint: Option<String>,
    /// RFC 8628 §4.
    #[serde(default)]
    pub device_authorization_endpoint: Option<String>,
    /// RFC 8414 §2 (RFC 7662).
    #[serde(default)]
    pub introspection_endpoint: Option<String>,
    #[serde(default)]
    pub scopes_supported: Vec<String>,
    /// RFC 9207 §3: every authorization response carries `iss`. `None` when the document
    /// does not say.
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: Option<bool>,
}

/// The metadata URLs to try for `issuer`, in order: RFC 8414's, then OpenID Connect's.
pub fn metadata_urls(issuer: &Url) -> Vec<Url> {
    let path = issuer.path().trim_end_matches('/');
    let mut rfc8414 = issuer.clone();
    rfc8414.set_path(&format!("/.well-known/oauth-authorization-server{path}"));
    let mut oidc = issuer.clone();
    oidc.set_path(&format!("{path}/.well-known/openid-configuration"));
    for url in [&mut rfc8414, &mut oidc] {
        url.set_query(None);
        url.set_fragment(None);
    }
    vec![rfc8414, oidc]
}

/// Why one metadata URL gave nothing usable.
enum Miss {
    /// Not found, not metadata, too large: try the next URL.
    Unusable(String),
    /// A document for another issuer (RFC 8414 §3.3: it must not be used).
    OtherIssuer(String),
}

/// Fetches the metadata of `issuer`: the first usable document, with the endpoints it lacks
/// taken from the second when that names the same issuer.
///
/// # Errors
/// [`Error::Invalid`] on `auth.issuer` when no document is found, none is metadata, or they
/// name another issuer (RFC 8414 §3.3); [`Error::Network`] when the issuer is unreachable or
/// discovery takes longer than [`TIMEOUT`].
pub async fn discover(transport: &Transport, issuer: &str) -> Result<ProviderMetadata> {
    discover_within(transport, issuer, TIMEOUT).await
}

/// [`discover`] through `proxy` (the proxy of the datasource the issuer is for; [`discover`]
/// uses the system's).
///
/// # Errors
/// As [`discover`]; [`Error::Proxy`] when the proxy is to blame.
pub async fn discover_through(transport: &Transport, proxy: &ProxyConfig, issuer: &str) -> Result<ProviderMetadata> {
    discover_with(|| transport.discovery_client(proxy), issuer, TIMEOUT).await
}

/// [`discover`] with another overall time limit. When the second document does not come in
/// time, the first is used as it is.
///
/// # Errors
/// As [`discover`].
pub async fn discover_within(transport: &Transport, issuer: &str, timeout: Duration) -> Result<ProviderMetadata> {
    discover_with(|| transport.discovery_client(&ProxyConfig::default()), issuer, timeout).await
}

/// [`discover`] of `datasource`'s Issuer with the datasource's trust, client certificate and
/// proxy (an Issuer that asks for mutual TLS gets it, as its token endpoint does).
///
/// # Errors
/// As [`discover`], and the client certificate's and proxy's field errors.
pub async fn discover_for(transport: &Transport, datasource: &Datasource) -> Result<ProviderMetadata> {
    let AuthConfig::OAuth2(oauth) = &datasource.config.auth else {
        return Err(Error::field("auth.issuer", "only OAuth 2.0 datasources have an Issuer"));
    };
    discover_with(|| transport.issuer_client_for(datasource), &oauth.issuer, TIMEOUT).await
}

async fn discover_with(
    client: impl FnOnce() -> Result<ProxiedClient>,
    issuer: &str,
    timeout: Duration,
) -> Result<ProviderMetadata> {
    let fix = "check the Issuer (for example https://accounts.google.com)";
    let issuer_url = Url::parse(issuer.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
        .ok_or_else(|| Error::field("auth.issuer", format!("`{issuer}` is not an absolute URL: {fix}")))?;
    // Metadata fetched over plain http could be swapped on the way for endpoints that collect
    // the client secret: TLS unless the issuer is on this machine, as for the endpoints.
    if issuer_url.scheme() == "http" && !crate::http::tls::is_loopback(&issuer_url) {
        return Err(Error::field(
            "auth.issuer",
            "the Issuer uses plain http, so its metadata could be changed on the way: use https:// (http:// is \
             accepted only for loopback hosts: 127.0.0.1, ::1, localhost)",
        ));
    }
    let client = client()?;
    let deadline = tokio::time::Instant::now() + timeout;
    let mut found: Option<ProviderMetadata> = None;
    let mut misses = Vec::new();
    for url in metadata_urls(&issuer_url) {
        if found.as_ref().is_some_and(ProviderMetadata::is_complete) {
            break;
        }
        let Ok(fetched) = tokio::time::timeout_at(deadline, fetch(&client, &url, issuer)).await else {
            if found.is_some() {
                break;
            }
            return Err(Error::Network(format!(
                "discovery of `{}` took longer than {} s: check the Issuer, or enter the endpoints yourself",
                issuer.trim(),
                timeout.as_secs().max(1)
            )));
        };
        match (fetched, &mut found) {
            (Ok(Ok(metadata)), None) => found = Some(metadata),
            (Ok(Ok(metadata)), Some(first)) => first.complete_from(metadata),
            (Ok(Err(miss)), None) => misses.push(miss),
            (Err(unreachable), None) => return Err(unreachable),
            // A second document that is missing or unusable takes nothing from the first.
            (_, Some(_)) => {}
        }
    }
    if let Some(metadata) = found {
        return Ok(metadata);
    }
    if let Some(Miss::OtherIssuer(message)) = misses.iter().find(|m| matches!(m, Miss::OtherIssuer(_))) {
        return Err(Error::field("auth.issuer", message.clone()));
    }
    let tried: Vec<String> = misses
        .into_iter()
        .map(|m| match m {
            Miss::Unusable(reason) | Miss::OtherIssuer(reason) => reason,
        })
        .collect();
    Err(Error::field("auth.issuer", format!("no provider metadata found ({}): {fix}", tried.join("; "))))
}

/// One metadata document; the outer error is a failure to reach the issuer at all. The
/// caller bounds the time.
async fn fetch(client: &ProxiedClient, url: &Url, issuer: &str) -> Result<std::result::Result<ProviderMetadata, Miss>> {
    let mut response = client
        .client
        .get(url.clone())
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(|e| client.error(url, e))?;
    client.check_response(url, &response)?;
    let status = response.status();
    if !status.is_success() {
        return Ok(Err(Miss::Unusable(format!("{} answered HTTP {}", url.path(), status.as_u16()))));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > MAX_METADATA {
            return Ok(Err(Miss::Unusable(format!("{} is larger than {} KiB", url.path(), MAX_METADATA / 1024))));
        }
        body.extend_from_slice(&chunk);
    }
    let metadata: ProviderMetadata = match serde_json::from_slice(&body) {
        Ok(metadata) => metadata,
        // The serde message may quote the body; line and column are enough to find the fault.
        Err(e) => {
            let at = format!("line {} column {}", e.line(), e.column());
            return Ok(Err(Miss::Unusable(format!("{} is not provider metadata ({at})", url.path()))));
        }
    };
    if metadata.issuer.trim_end_matches('/') != issuer.trim().trim_end_matches('/') {
        return Ok(Err(Miss::OtherIssuer(format!(
            "the metadata at {} names the issuer `{}`, not `{}`: use that Issuer",
            url.path(),
            metadata.issuer,
            issuer.trim()
        ))));
    }
    Ok(Ok(metadata))
}

impl ProviderMetadata {
    /// Whether a second document could add nothing.
    fn is_complete(&self) -> bool {
        self.authorization_endpoint.is_some()
            && self.revocation_endpoint.is_some()
            && self.device_authorization_endpoint.is_some()
            && self.introspection_endpoint.is_some()
            && !self.scopes_supported.is_empty()
            && self.authorization_response_iss_parameter_supported.is_some()
    }

    /// Takes from `other` (for the same issuer) what this document lacks.
    fn complete_from(&mut self, other: ProviderMetadata) {
        let take = |mine: &mut Option<String>, theirs: Option<String>| {
            if mine.is_none() {
                *mine = theirs;
            }
        };
        take(&mut self.authorization_endpoint, other.authorization_endpoint);
        take(&mut self.revocation_endpoint, other.revocation_endpoint);
        take(&mut self.device_authorization_endpoint, other.device_authorization_endpoint);
        take(&mut self.introspection_endpoint, other.introspection_endpoint);
        if self.scopes_supported.is_empty() {
            self.scopes_supported = other.scopes_supported;
        }
        if self.authorization_response_iss_parameter_supported.is_none() {
            self.authorization_response_iss_parameter_supported = other.authorization_response_iss_parameter_supported;
        }
    }

    /// Whether every authorization response carries `iss` (RFC 9207 §3).
    pub fn promises_iss(&self) -> bool {
        self.authorization_response_iss_parameter_supported == Some(true)
    }

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
        if config.grant_type == crate::model::GrantType::DeviceCode {
            fill(&mut config.device_authorization_url, self.device_authorization_endpoint.as_ref());
        }
    }
}

/// When `config` names an issuer, fills its empty endpoints from the issuer's metadata, found
/// through the system proxy.
///
/// # Errors
/// As [`discover`].
pub async fn fill_from_issuer(transport: &Transport, config: &mut OAuth2Config) -> Result<()> {
    fill_from_issuer_through(transport, &ProxyConfig::default(), config).await
}

/// [`fill_from_issuer`] through `proxy`, the proxy of the datasource `config` belongs to.
///
/// # Errors
/// As [`discover_through`].
pub async fn fill_from_issuer_through(
    transport: &Transport,
    proxy: &ProxyConfig,
    config: &mut OAuth2Config,
) -> Result<()> {
    if config.issuer.trim().is_empty() {
        return Ok(());
    }
    let needed = config.access_token_url.trim().is_empty()
        || config.authorization_url.trim().is_empty()
        || config.revocation_url.trim().is_empty()
        || (config.grant_type == crate::model::GrantType::DeviceCode
            && config.device_authorization_url.trim().is_empty());
    if needed {
        discover_through(transport, proxy, &config.issuer).await?.fill(config);
    }
    Ok(())
}

/// [`fill_from_issuer`] for a whole datasource configuration (an import): discovery presents the
/// datasource's client certificate and trusts its pin as its token calls do.
///
/// # Errors
/// As [`discover_for`].
pub async fn fill_datasource_from_issuer(transport: &Transport, config: &mut DatasourceConfig) -> Result<()> {
    let AuthConfig::OAuth2(oauth) = &config.auth else { return Ok(()) };
    let needed = oauth.access_token_url.trim().is_empty()
        || oauth.authorization_url.trim().is_empty()
        || oauth.revocation_url.trim().is_empty();
    if oauth.issuer.trim().is_empty() || !needed {
        return Ok(());
    }
    let metadata = discover_for(transport, &Datasource::unsaved("import", config.clone())).await?;
    if let AuthConfig::OAuth2(oauth) = &mut config.auth {
        metadata.fill(oauth);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc8414_first_with_the_well_known_part_before_the_issuer_path() {
        let urls = metadata_urls(&Url::parse("https://id.example.com/tenant/1/").unwrap());
        assert_eq!(urls[0].as_str(), "https://id.example.com/.well-known/oauth-authorization-server/tenant/1");
        assert_eq!(urls[1].as_str(), "https://id.example.com/tenant/1/.well-known/openid-configuration");
        let urls = metadata_urls(&Url::parse("https://id.example.com").unwrap());
        assert_eq!(urls[0].as_str(), "https://id.example.com/.well-known/oauth-authorization-server");
        assert_eq!(urls[1].as_str(), "https://id.example.com/.well-known/openid-configuration");
    }

    fn metadata() -> ProviderMetadata {
        ProviderMetadata {
            issuer: "https://id.example.com".into(),
            authorization_endpoint: Some("https://id.example.com/auth".into()),
            token_endpoint: "https://id.example.com/token".into(),
            revocation_endpoint: None,
            device_authorization_endpoint: None,
            introspection_endpoint: None,
            scopes_supported: vec![],
            authorization_response_iss_parameter_supported: None,
        }
    }

    #[test]
    fn only_empty_fields_are_filled() {
        let mut config = OAuth2Config { access_token_url: "https://custom/token".into(), ..Default::default() };
        metadata().fill(&mut config);
        assert_eq!(config.access_token_url, "https://custom/token");
        assert_eq!(config.authorization_url, "https://id.example.com/auth");
        assert_eq!(config.revocation_url, "");
        assert_eq!(config.device_authorization_url, "", "only for the device grant");
        let mut device = OAuth2Config { grant_type: crate::model::GrantType::DeviceCode, ..Default::default() };
        ProviderMetadata { device_authorization_endpoint: Some("https://id.example.com/device".into()), ..metadata() }
            .fill(&mut device);
        assert_eq!(device.device_authorization_url, "https://id.example.com/device");
    }

    #[test]
    fn the_second_document_fills_only_what_the_first_lacks() {
        let mut first = metadata();
        let second = ProviderMetadata {
            authorization_endpoint: Some("https://elsewhere.example.com/auth".into()),
            token_endpoint: "https://elsewhere.example.com/token".into(),
            revocation_endpoint: Some("https://id.example.com/revoke".into()),
            device_authorization_endpoint: Some("https://id.example.com/device".into()),
            introspection_endpoint: Some("https://id.example.com/introspect".into()),
            authorization_response_iss_parameter_supported: Some(true),
            ..metadata()
        };
        first.complete_from(second);
        assert_eq!(first.authorization_endpoint.as_deref(), Some("https://id.example.com/auth"), "the first wins");
        assert_eq!(first.token_endpoint, "https://id.example.com/token", "the first wins");
        assert_eq!(first.revocation_endpoint.as_deref(), Some("https://id.example.com/revoke"));
        assert_eq!(first.device_authorization_endpoint.as_deref(), Some("https://id.example.com/device"));
        assert_eq!(first.introspection_endpoint.as_deref(), Some("https://id.example.com/introspect"));
        assert!(first.promises_iss());
    }
}
