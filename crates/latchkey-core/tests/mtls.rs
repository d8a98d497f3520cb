//! Issue 11: client certificates (mutual TLS, RFC 8705) against the real `oidc-provider` in its
//! mutual-TLS mode (tests/oauth/provider.mjs with `PROVIDER_MTLS`: HTTPS asking for client
//! certificates, `features.mTLS` with `tls_client_auth`, `self_signed_tls_client_auth` and
//! certificate-bound access tokens). Every certificate is made here with the openssl CLI: a test
//! CA, the provider's certificate for 127.0.0.1 (pinned by the datasources with
//! `selfSignedCertificate` and `useSelfSignedCertForAuth`), a client certificate the CA signed
//! (registered by subject DN) and a self-signed one (registered in the client's JWKS as x5c).
//! The consent of the code grant is given in headless Chromium; the store is a real SQLite one
//! in a temp dir.

mod common;

use std::time::Duration;

use base64::Engine as _;
use common::make_due;
use latchkey_core::http::{execute, FixedToken, ResponseBody, SendOptions, Transport};
use latchkey_core::model::{Datasource, RequestSpec, TokenStatus};
use latchkey_core::oauth::{authorization, authorize_loopback, TokenClient, TokenClientOptions, TokenLifecycle};
use latchkey_core::transfer::parse_datasource;
use latchkey_core::vault::key::KeyringUse;
use latchkey_core::{DataDir, Error, Store};
use latchkey_testkit::oidc::MTLS_WEB_SELF_SIGNED_CLIENT;
use latchkey_testkit::oidc::{consent_browser, MtlsSetup, MTLS_CC_CLIENT, MTLS_SELF_SIGNED_CLIENT, MTLS_WEB_CLIENT};
use latchkey_testkit::{openssl_encrypt_pkcs8, openssl_self_signed, IssuedCert, OidcProvider, SelfSignedCert};
use latchkey_testkit::{TestCa, Validity};
use sha2::Digest as _;

const CLIENT_CN: &str = "latchkey mtls client";

/// The CA, the certificates and the provider of one test.
struct Fixture {
    ca: TestCa,
    client: IssuedCert,
    self_signed: SelfSignedCert,
    provider: OidcProvider,
    store: Store,
    lifecycle: TokenLifecycle,
    _dir: tempfile::TempDir,
}

impl Fixture {
    async fn start() -> Fixture {
        let ca = TestCa::new("latchkey test CA");
        let server = ca.issue("server", "127.0.0.1", &["subjectAltName=IP:127.0.0.1"], Validity::Days(3));
        let client = ca.issue("client", CLIENT_CN, &["extendedKeyUsage=clientAuth"], Validity::Days(3));
        let self_signed = openssl_self_signed("latchkey self-signed client");
        let setup = MtlsSetup {
            server_key: server.key_path.clone(),
            server_cert: server.cert_path.clone(),
            client_ca: ca.cert_path.clone(),
            subject_dn: format!("CN={CLIENT_CN}"),
            self_signed_cert: self_signed.cert_path.clone(),
        };
        let provider = OidcProvider::start_mtls(Duration::from_secs(3600), &setup);
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_with(&DataDir::at(dir.path()), KeyringUse::Off).await.expect("open the store");
        let token_client = TokenClient::new(Transport::new(), TokenClientOptions::default());
        let lifecycle = TokenLifecycle::new(store.clone(), token_client);
        Fixture { ca, client, self_signed, provider, store, lifecycle, _dir: dir }
    }

    /// A client credentials datasource on the provider for `client_id`, the provider's CA
    /// pinned, with `top` members (the client certificate fields) and `auth` members merged in.
    fn client_credentials(
        &self,
        client_id: &str,
        top: serde_json::Value,
        auth: serde_json::Value,
    ) -> serde_json::Value {
        let mut json = serde_json::json!({
            "name": format!("Machine {client_id}"),
            "url": self.provider.issuer(),
            "selfSignedCertificate": self.ca.cert_pem,
            "auth": {
                "type": "oauth2",
                "grantType": "client_credentials",
                "accessTokenUrl": self.provider.url("/token"),
                "clientId": client_id,
                "clientAuthentication": "tls_client_auth",
                "scopes": "api:read",
                "useSelfSignedCertForAuth": true,
            }
        });
        merge(&mut json, top, auth);
        json
    }

    /// The CA-signed client certificate and its key, as datasource members.
    fn client_certificate(&self) -> serde_json::Value {
        serde_json::json!({"clientCertificate": self.client.cert_pem, "clientCertificateKey": self.client.key_pem})
    }

    async fn stored(&self, json: &serde_json::Value) -> Datasource {
        let config = parse_datasource(&json.to_string()).expect("a valid datasource");
        let created = self.store.create_datasource(config).await.unwrap();
        self.store.datasource_with_secrets(&created.id).await.unwrap()
    }

    /// The field errors saving `json` gets.
    async fn refused(&self, json: &serde_json::Value) -> Vec<(String, String)> {
        let config = parse_datasource(&json.to_string()).expect("it parses");
        match self.store.create_datasource(config).await {
            Err(Error::Invalid(fields)) => fields.into_iter().map(|e| (e.field, e.message)).collect(),
            other => panic!("a field error, not {other:?}"),
        }
    }

    /// Status and JSON of `GET /api/whoami` through `datasource`, its token from the lifecycle.
    async fn whoami(&self, datasource: &Datasource) -> (u16, serde_json::Value) {
        let spec = RequestSpec { path: "/api/whoami".into(), ..Default::default() };
        let response =
            execute(&Transport::new(), datasource, &spec, &self.lifecycle, &SendOptions::default()).await.unwrap();
        let ResponseBody::Memory(body) = &response.body else { panic!("a small body stays in memory") };
        (response.status, serde_json::from_slice(body).expect("whoami answers JSON"))
    }

    fn token_calls(&self) -> u64 {
        let calls = self.provider.stats()["calls"].clone();
        calls
            .as_object()
            .unwrap()
            .iter()
            .filter(|(k, _)| k.starts_with("token"))
            .map(|(_, v)| v.as_u64().unwrap())
            .sum()
    }
}

fn merge(json: &mut serde_json::Value, top: serde_json::Value, auth: serde_json::Value) {
    for (target, members) in [(None, top), (Some("auth"), auth)] {
        if let serde_json::Value::Object(members) = members {
            for (key, value) in members {
                match target {
                    None => json[key] = value,
                    Some(auth) => json[auth][key] = value,
                }
            }
        }
    }
}

/// RFC 8705 §3.1: the base64url SHA-256 of the certificate's DER.
fn thumbprint(pem: &str) -> String {
    use rustls::pki_types::pem::PemObject;
    let der = rustls::pki_types::CertificateDer::from_pem_slice(pem.as_bytes()).unwrap();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(der.as_ref()))
}

#[tokio::test]
async fn tls_client_auth_gets_a_certificate_bound_token_that_works_only_with_the_certificate() {
    let fx = Fixture::start().await;
    let json = fx.client_credentials(MTLS_CC_CLIENT, fx.client_certificate(), serde_json::json!({}));
    let datasource = fx.stored(&json).await;
    let state = fx.lifecycle.fetch_now(&datasource).await.expect("the provider authenticates the certificate");
    assert_eq!(state.status, TokenStatus::Authorized);
    assert_eq!(fx.provider.client_calls(MTLS_CC_CLIENT, "token:client_credentials"), 1, "{}", fx.provider.stats());
    assert_eq!(fx.provider.errors(), Vec::<(String, String)>::new());

    // RFC 8705 §3: the token is bound to the certificate, and the API accepts it with it.
    let (status, who) = fx.whoami(&datasource).await;
    assert_eq!(status, 200, "{who}");
    assert_eq!(who["clientId"], MTLS_CC_CLIENT);
    assert_eq!(who["boundTo"], thumbprint(&fx.client.cert_pem), "cnf.x5t#S256 is the client certificate's");

    // The same token through a datasource without the certificate is refused.
    let token = fx.lifecycle.access_token(&datasource).await.unwrap();
    let bearer = serde_json::json!({
        "name": "Bearer only",
        "url": fx.provider.issuer(),
        "selfSignedCertificate": fx.ca.cert_pem,
        "auth": {"type": "bearer", "token": token.expose()},
    });
    let plain = fx.stored(&bearer).await;
    let spec = RequestSpec { path: "/api/whoami".into(), ..Default::default() };
    let response =
        execute(&Transport::new(), &plain, &spec, &FixedToken(token), &SendOptions::default()).await.unwrap();
    assert_eq!(response.status, 401, "a bound token without its certificate");
    assert_eq!(fx.provider.calls("api:unbound"), 1, "{}", fx.provider.stats());

    // Without the certificate the client cannot authenticate at all.
    let mut without = fx.client_credentials(MTLS_CC_CLIENT, serde_json::json!({}), serde_json::json!({}));
    without["name"] = "Machine without a certificate".into();
    without["auth"]["clientAuthentication"] = "body".into();
    let datasource = fx.stored(&without).await;
    let err = fx.lifecycle.fetch_now(&datasource).await.unwrap_err();
    let Error::Token(token) = &err else { panic!("a token error: {err}") };
    assert_eq!(token.error.as_deref(), Some("invalid_client"), "{err}");
    assert!(err.to_string().contains("check the Client ID and Client Secret"), "{err}");
}

#[tokio::test]
async fn self_signed_tls_client_auth_uses_the_certificate_registered_in_the_jwks() {
    let fx = Fixture::start().await;
    let own = serde_json::json!({
        "clientCertificate": fx.self_signed.cert_pem,
        "clientCertificateKey": fx.self_signed.key_pem,
    });
    let json = fx.client_credentials(
        MTLS_SELF_SIGNED_CLIENT,
        own,
        serde_json::json!({"clientAuthentication": "self_signed_tls_client_auth"}),
    );
    let datasource = fx.stored(&json).await;
    fx.lifecycle.fetch_now(&datasource).await.expect("the registered self-signed certificate authenticates");
    assert_eq!(fx.provider.client_calls(MTLS_SELF_SIGNED_CLIENT, "token:client_credentials"), 1);
    let (status, who) = fx.whoami(&datasource).await;
    assert_eq!((status, who["boundTo"].clone()), (200, thumbprint(&fx.self_signed.cert_pem).into()), "{who}");

    // Another certificate (the CA-signed one) is not the registered one.
    let mut other = fx.client_credentials(
        MTLS_SELF_SIGNED_CLIENT,
        fx.client_certificate(),
        serde_json::json!({"clientAuthentication": "self_signed_tls_client_auth"}),
    );
    other["name"] = "Machine with another certificate".into();
    let datasource = fx.stored(&other).await;
    let err = fx.lifecycle.fetch_now(&datasource).await.unwrap_err();
    assert!(matches!(&err, Error::Token(t) if t.error.as_deref() == Some("invalid_client")), "{err}");
    let message = err.to_string();
    assert!(message.contains("did not accept the client certificate for this Client ID"), "{message}");
    assert!(!message.contains("Client Secret"), "no secret is involved: {message}");
}

/// Authorizes a code-grant datasource of `client_id` authenticating with `method` and the
/// certificate `(cert, key)` in headless Chromium, refreshes once, calls the API with the bound
/// token and logs out (revocation presents the certificate too).
async fn code_grant_and_refresh(fx: &Fixture, client_id: &str, method: &str, (cert, key): (&str, &str)) {
    let mut json = fx.provider.code_datasource(
        "Web mTLS",
        client_id,
        serde_json::json!({
            "clientAuthentication": method,
            "scopes": "openid, offline_access, api:read",
            "customAuthParams": [{"key": "prompt", "value": "consent"}],
            "revocationUrl": fx.provider.url("/token/revocation"),
            "useSelfSignedCertForAuth": true,
        }),
    );
    merge(
        &mut json,
        serde_json::json!({"clientCertificate": cert, "clientCertificateKey": key}),
        serde_json::json!({}),
    );
    json["selfSignedCertificate"] = fx.ca.cert_pem.clone().into();
    let datasource = fx.stored(&json).await;
    let open = |pending: &authorization::PendingAuthorization| {
        let url = pending.url.to_string();
        std::thread::spawn(move || std::process::Command::new(consent_browser()).arg(url).status());
    };
    let state = authorize_loopback(&fx.lifecycle, &datasource, Duration::from_secs(90), open, |_| {})
        .await
        .expect("the code exchange with the client certificate works");
    assert!(state.has_refresh_token);
    let discovery = fx.provider.calls("discovery:certificate");
    assert!(discovery >= 1, "the Issuer's discovery presents the certificate: {}", fx.provider.stats());
    make_due(&fx.store, &datasource).await;
    fx.lifecycle.access_token(&datasource).await.expect("the refresh with the client certificate works");
    assert_eq!(fx.provider.client_calls(client_id, "token:authorization_code"), 1, "{}", fx.provider.stats());
    assert_eq!(fx.provider.client_calls(client_id, "token:refresh_token"), 1, "{}", fx.provider.stats());
    let (status, who) = fx.whoami(&datasource).await;
    assert_eq!((status, who["boundTo"].clone()), (200, thumbprint(cert).into()), "{who}");
    let logout = fx.lifecycle.logout(&datasource).await.unwrap();
    assert_eq!(logout.revoked, ["refresh_token", "access_token"], "{:?}", logout.failures);
    assert_eq!(fx.provider.client_calls(client_id, "revocation"), 2, "revocation presents the certificate too");
    assert_eq!(fx.provider.errors(), Vec::<(String, String)>::new());
}

#[tokio::test]
async fn the_code_grant_and_its_refresh_authenticate_with_tls_client_auth() {
    let fx = Fixture::start().await;
    let certificate = (fx.client.cert_pem.as_str(), fx.client.key_pem.as_str());
    code_grant_and_refresh(&fx, MTLS_WEB_CLIENT, "tls_client_auth", certificate).await;
}

#[tokio::test]
async fn the_code_grant_and_its_refresh_authenticate_with_self_signed_tls_client_auth() {
    let fx = Fixture::start().await;
    let certificate = (fx.self_signed.cert_pem.as_str(), fx.self_signed.key_pem.as_str());
    code_grant_and_refresh(&fx, MTLS_WEB_SELF_SIGNED_CLIENT, "self_signed_tls_client_auth", certificate).await;
}

#[tokio::test]
async fn an_encrypted_key_works_with_its_passphrase_and_is_a_field_error_without_it() {
    let fx = Fixture::start().await;
    let encrypted = openssl_encrypt_pkcs8(&fx.client.key_pem, "correct horse");
    assert!(encrypted.contains("ENCRYPTED PRIVATE KEY"), "{encrypted}");
    let with = |name: &str, passphrase: Option<&str>| {
        let mut top = serde_json::json!({"clientCertificate": fx.client.cert_pem, "clientCertificateKey": encrypted});
        if let Some(passphrase) = passphrase {
            top["clientCertificatePassphrase"] = passphrase.into();
        }
        let mut json = fx.client_credentials(MTLS_CC_CLIENT, top, serde_json::json!({}));
        json["name"] = name.into();
        json
    };
    for (name, passphrase) in [("No passphrase", None), ("Wrong passphrase", Some("wrong horse"))] {
        let errors = fx.refused(&with(name, passphrase)).await;
        let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["clientCertificatePassphrase"], "{name}: {errors:?}");
        assert!(!errors[0].1.contains("wrong horse"), "{}", errors[0].1);
    }
    assert_eq!(fx.token_calls(), 0, "nothing was sent");
    let datasource = fx.stored(&with("Right passphrase", Some("correct horse"))).await;
    assert!(datasource.config.client_certificate_key.is_set());
    fx.lifecycle.fetch_now(&datasource).await.expect("the decrypted key authenticates");
    assert_eq!(fx.provider.client_calls(MTLS_CC_CLIENT, "token:client_credentials"), 1);
}

#[tokio::test]
async fn a_key_of_another_certificate_or_an_expired_certificate_is_a_field_error_and_nothing_is_sent() {
    let fx = Fixture::start().await;
    let expired = fx.ca.issue(
        "expired",
        CLIENT_CN,
        &["extendedKeyUsage=clientAuth"],
        Validity::Between("20200101000000Z", "20200201000000Z"),
    );
    let cases = [
        (
            "Another key",
            fx.client.cert_pem.clone(),
            fx.self_signed.key_pem.clone(),
            "clientCertificateKey",
            "does not belong",
        ),
        ("Expired", expired.cert_pem.clone(), expired.key_pem.clone(), "clientCertificate", "expired on 2020-02-01"),
    ];
    for (name, cert, key, field, expected) in cases {
        let top = serde_json::json!({"clientCertificate": cert, "clientCertificateKey": key});
        let mut json = fx.client_credentials(MTLS_CC_CLIENT, top, serde_json::json!({}));
        json["name"] = name.into();
        let errors = fx.refused(&json).await;
        assert_eq!(errors.len(), 1, "{name}: {errors:?}");
        assert_eq!(errors[0].0, field, "{name}");
        assert!(errors[0].1.contains(expected), "{name}: {}", errors[0].1);

        // A stored datasource is checked again when it sends (here one never saved).
        let config = parse_datasource(&json.to_string()).unwrap();
        let err = fx.lifecycle.fetch_now(&Datasource::unsaved("ds_unsaved", config)).await.unwrap_err();
        let Error::Invalid(fields) = &err else { panic!("{name}: a field error at send, not {err}") };
        assert_eq!(fields[0].field, field, "{name}");
    }
    let json = fx.client_credentials(MTLS_CC_CLIENT, serde_json::json!({}), serde_json::json!({}));
    let errors = fx.refused(&json).await;
    assert_eq!(errors.iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>(), ["auth.clientAuthentication"]);
    assert_eq!(fx.token_calls(), 0, "nothing was sent: {}", fx.provider.stats());
}

#[tokio::test]
async fn the_key_is_sealed_follows_its_destinations_and_a_new_certificate_drops_the_bound_tokens() {
    let fx = Fixture::start().await;
    let json = fx.client_credentials(MTLS_CC_CLIENT, fx.client_certificate(), serde_json::json!({}));
    let datasource = fx.stored(&json).await;
    fx.lifecycle.fetch_now(&datasource).await.expect("a token");

    // Sealed: never in an export, the listing or Debug.
    let stored = fx.store.datasource(&datasource.id).await.unwrap();
    let exported = latchkey_core::transfer::export_datasource(&stored, latchkey_core::transfer::SecretView::Marker);
    assert_eq!(exported["clientCertificateKey"], serde_json::json!({"set": true}));
    assert_eq!(exported["clientCertificate"], fx.client.cert_pem.as_str(), "the certificate is no secret");
    let key_line = fx.client.key_pem.lines().nth(1).unwrap();
    assert!(!exported.to_string().contains(key_line));
    assert!(!format!("{datasource:?}").contains(key_line), "Debug redacts the key");

    // Kept (`{"set": true}`) while the URL moves: refused on the key, nothing stored.
    let mut kept: serde_json::Value = exported.clone();
    kept["url"] = "https://127.0.0.1:1".into(); // another origin, the same host (the pin stays)
    let config = parse_datasource(&kept.to_string()).unwrap();
    let err = fx.store.update_datasource(&datasource.id, config).await.unwrap_err();
    let Error::Invalid(fields) = &err else { panic!("a field error: {err}") };
    let fields: Vec<&str> = fields.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["clientCertificateKey"], "{err}");

    // The same key with another certificate is refused on the key (checked at send: the key is kept).
    let mut other = exported.clone();
    other["clientCertificate"] = fx.self_signed.cert_pem.clone().into();
    let saved =
        fx.store.update_datasource(&datasource.id, parse_datasource(&other.to_string()).unwrap()).await.unwrap();
    let dropped = saved.tokens_dropped.expect("the bound token is dropped with its certificate");
    assert!(dropped.contains("client certificate changed"), "{dropped}");
    let reloaded = fx.store.datasource_with_secrets(&datasource.id).await.unwrap();
    let err = fx.lifecycle.fetch_now(&reloaded).await.unwrap_err();
    let Error::Invalid(fields) = &err else { panic!("a field error at send: {err}") };
    assert_eq!(fields[0].field, "clientCertificateKey", "{err}");
    assert_eq!(fx.provider.client_calls(MTLS_CC_CLIENT, "token:client_credentials"), 1, "nothing more was sent");
}

#[tokio::test]
async fn an_import_discovers_the_endpoints_with_the_pin_and_the_client_certificate() {
    let fx = Fixture::start().await;
    let mut json = fx.client_credentials(MTLS_CC_CLIENT, fx.client_certificate(), serde_json::json!({}));
    json["auth"]["accessTokenUrl"] = "".into();
    json["auth"]["issuer"] = fx.provider.issuer().into();
    let config = latchkey_core::transfer::parse_for_import(&json.to_string(), &Transport::new())
        .await
        .expect("discovery trusts the pinned CA for the Issuer");
    let latchkey_core::model::AuthConfig::OAuth2(oauth) = &config.auth else { panic!("oauth2") };
    assert_eq!(oauth.access_token_url, fx.provider.url("/token"));
    let with_certificate = fx.provider.calls("discovery:certificate");
    assert!(with_certificate >= 1, "{}", fx.provider.stats());
    assert_eq!(with_certificate, fx.provider.calls("discovery"), "every metadata request presented it");
}
