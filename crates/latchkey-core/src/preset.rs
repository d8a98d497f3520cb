//! Providers to start a datasource from ("Start from a provider"): the endpoints, scopes and
//! custom parameters each one needs, as `shared/reference/appsmith-authorization-code-integrations.md`
//! describes for Dropbox, Google and Zoho, and the same for GitHub, Salesforce, Microsoft Entra
//! and any OpenID Connect issuer. Each endpoint is the one its provider documents; the page is
//! named above each preset. A provider without an RFC 7009 revocation endpoint has none here,
//! and Disconnect then says the tokens were only forgotten.

use serde::Serialize;
use ts_rs::TS;

use crate::model::{KeyValue, OAuth2Config};

/// A provider to start a datasource from: URLs, scopes and custom parameters filled in.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Preset {
    pub id: String,
    pub name: String,
    /// Where to find the client id and secret, in one line.
    pub hint: String,
    /// The API's base URL, when the provider has one.
    pub url: String,
    pub auth: OAuth2Config,
    /// The person enters an issuer and the endpoints are discovered (generic OpenID Connect).
    pub needs_issuer: bool,
}

struct Spec {
    id: &'static str,
    name: &'static str,
    hint: &'static str,
    url: &'static str,
    authorization_url: &'static str,
    access_token_url: &'static str,
    revocation_url: &'static str,
    scopes: &'static [&'static str],
    custom: &'static [(&'static str, &'static str)],
}

const SPECS: &[Spec] = &[
    // Endpoints: developers.google.com/identity/protocols/oauth2/native-app (authorization,
    // token, and revocation at oauth2.googleapis.com/revoke with a form `token`).
    Spec {
        id: "google",
        name: "Google",
        hint: "Google Cloud console › APIs & Services › Credentials › your OAuth client (type Desktop app): Client ID and Client secret.",
        url: "https://docs.googleapis.com/",
        authorization_url: "https://accounts.google.com/o/oauth2/v2/auth",
        access_token_url: "https://oauth2.googleapis.com/token",
        revocation_url: "https://oauth2.googleapis.com/revoke",
        scopes: &["https://www.googleapis.com/auth/documents", "https://www.googleapis.com/auth/drive"],
        // Without both, Google issues no refresh token (or only on the first consent).
        custom: &[("access_type", "offline"), ("prompt", "consent")],
    },
    // Endpoints: dropbox.com/developers/documentation/http/documentation (oauth2/authorize,
    // oauth2/token, and /2/auth/token/revoke, which disables the token and its refresh token);
    // token_access_type: developers.dropbox.com/oauth-guide. Dropbox's revocation is an RPC
    // call authenticated with the access token itself, not an RFC 7009 form: until the core
    // sends that shape, Disconnect reports the provider's refusal and forgets the tokens here.
    Spec {
        id: "dropbox",
        name: "Dropbox",
        hint: "Dropbox App Console › your app › Settings: App key is the Client ID, App secret the Client secret.",
        url: "https://content.dropboxapi.com/",
        authorization_url: "https://www.dropbox.com/oauth2/authorize",
        access_token_url: "https://api.dropboxapi.com/oauth2/token",
        revocation_url: "https://api.dropboxapi.com/2/auth/token/revoke",
        scopes: &["files.content.write"],
        // Without it Dropbox issues short-lived tokens and no refresh token.
        custom: &[("token_access_type", "offline")],
    },
    // Endpoints: zoho.com/accounts/protocol/oauth/web-apps/authorization.html and
    // zoho.com/accounts/protocol/oauth/revoke-refresh-token.html (POST oauth/v2/token/revoke
    // with `token`), on the data centre's accounts domain.
    Spec {
        id: "zoho",
        name: "Zoho",
        hint: "Zoho API Console › your client › Client Secret tab. Use your data centre's domain (.com, .eu, .in …) in every URL.",
        url: "https://campaigns.zoho.com/api",
        authorization_url: "https://accounts.zoho.com/oauth/v2/auth",
        access_token_url: "https://accounts.zoho.com/oauth/v2/token",
        revocation_url: "https://accounts.zoho.com/oauth/v2/token/revoke",
        scopes: &["ZohoCampaigns.campaign.ALL"],
        custom: &[("access_type", "offline"), ("prompt", "consent")],
    },
    // Endpoints: docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps.
    // GitHub has no RFC 7009 endpoint (tokens are deleted through its REST API with the app's
    // credentials), so no Revocation URL.
    Spec {
        id: "github",
        name: "GitHub",
        hint: "GitHub › Settings › Developer settings › OAuth Apps › your app: Client ID, and Generate a new client secret.",
        url: "https://api.github.com",
        authorization_url: "https://github.com/login/oauth/authorize",
        access_token_url: "https://github.com/login/oauth/access_token",
        revocation_url: "",
        scopes: &["read:user", "repo"],
        custom: &[],
    },
    // Endpoints: help.salesforce.com, "OAuth Endpoints" (remoteaccess_oauth_endpoints) and
    // "Revoke OAuth Tokens" (remoteaccess_revoke_token: POST services/oauth2/revoke, form `token`).
    Spec {
        id: "salesforce",
        name: "Salesforce",
        hint: "Salesforce Setup › App Manager › your connected app › View › Manage Consumer Details: Consumer Key and Secret. Set URL to your instance.",
        url: "https://login.salesforce.com/services/data",
        authorization_url: "https://login.salesforce.com/services/oauth2/authorize",
        access_token_url: "https://login.salesforce.com/services/oauth2/token",
        revocation_url: "https://login.salesforce.com/services/oauth2/revoke",
        scopes: &["api", "refresh_token"],
        custom: &[],
    },
    // Endpoints: learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow (the
    // `common` tenant). The Microsoft identity platform has no token revocation endpoint.
    Spec {
        id: "microsoft",
        name: "Microsoft Entra ID",
        hint: "Entra admin center › App registrations › your app: Application (client) ID; Certificates & secrets › New client secret.",
        url: "https://graph.microsoft.com/v1.0",
        authorization_url: "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
        access_token_url: "https://login.microsoftonline.com/common/oauth2/v2.0/token",
        revocation_url: "",
        scopes: &["offline_access", "https://graph.microsoft.com/User.Read"],
        custom: &[],
    },
];

/// Every preset, the generic OpenID Connect issuer last.
pub fn presets() -> Vec<Preset> {
    let mut presets: Vec<Preset> = SPECS
        .iter()
        .map(|spec| Preset {
            id: spec.id.to_owned(),
            name: spec.name.to_owned(),
            hint: spec.hint.to_owned(),
            url: spec.url.to_owned(),
            auth: OAuth2Config {
                authorization_url: spec.authorization_url.to_owned(),
                access_token_url: spec.access_token_url.to_owned(),
                revocation_url: spec.revocation_url.to_owned(),
                scopes: spec.scopes.iter().map(|s| (*s).to_owned()).collect(),
                custom_auth_params: spec.custom.iter().map(|(k, v)| KeyValue::new(*k, *v)).collect(),
                ..OAuth2Config::default()
            },
            needs_issuer: false,
        })
        .collect();
    presets.push(Preset {
        id: "oidc".to_owned(),
        name: "OpenID Connect issuer".to_owned(),
        hint: "Enter the issuer URL; the endpoints come from its discovery document. The client comes from your provider's admin console.".to_owned(),
        url: String::new(),
        auth: OAuth2Config { scopes: vec!["openid".to_owned(), "offline_access".to_owned()], ..OAuth2Config::default() },
        needs_issuer: true,
    });
    presets
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AuthConfig, DatasourceConfig, GrantType};

    #[test]
    fn every_fixed_preset_with_a_client_id_is_a_valid_authorization_code_datasource() {
        for preset in presets().into_iter().filter(|p| !p.needs_issuer) {
            let mut auth = preset.auth.clone();
            auth.client_id = "client".into();
            assert_eq!(auth.grant_type, GrantType::AuthorizationCode);
            let config = DatasourceConfig {
                name: preset.name.clone(),
                url: preset.url.clone(),
                auth: AuthConfig::OAuth2(Box::new(auth)),
                ..DatasourceConfig::default()
            };
            assert_eq!(config.validate(), Ok(()), "{}", preset.id);
        }
    }

    #[test]
    fn revocation_urls_are_the_documented_ones_and_none_where_there_is_none() {
        let all = presets();
        let revocation = |id: &str| all.iter().find(|p| p.id == id).unwrap().auth.revocation_url.clone();
        assert_eq!(revocation("dropbox"), "https://api.dropboxapi.com/2/auth/token/revoke", "Dropbox documents one");
        assert_eq!(revocation("google"), "https://oauth2.googleapis.com/revoke");
        assert_eq!(revocation("zoho"), "https://accounts.zoho.com/oauth/v2/token/revoke");
        assert_eq!(revocation("salesforce"), "https://login.salesforce.com/services/oauth2/revoke");
        assert_eq!(revocation("github"), "", "GitHub has no RFC 7009 endpoint");
        assert_eq!(revocation("microsoft"), "", "the Microsoft identity platform has none");
    }

    #[test]
    fn google_and_dropbox_ask_for_refresh_tokens_as_their_documents_say() {
        let all = presets();
        let custom = |id: &str| all.iter().find(|p| p.id == id).unwrap().auth.custom_auth_params.clone();
        assert!(custom("google").contains(&KeyValue::new("access_type", "offline")));
        assert!(custom("google").contains(&KeyValue::new("prompt", "consent")));
        assert_eq!(custom("dropbox"), vec![KeyValue::new("token_access_type", "offline")]);
    }
}
