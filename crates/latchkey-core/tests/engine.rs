//! The request engine against real loopback HTTP and HTTPS servers (the testkit echo server;
//! the HTTPS certificate is made with `openssl req -x509`, as people do).

use std::time::SystemTime;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use hmac::{Hmac, Mac};
use latchkey_core::http::{prepare, prepare_with, FixedToken, NoTokens, ResponseBody, SendOptions, Transport};
use latchkey_core::model::{Datasource, KeyValue, MultipartPart, RequestBody, RequestSpec};
use latchkey_core::transfer::parse_datasource;
use latchkey_core::{Error, Secret};
use latchkey_testkit::{expected_bytes_byte, openssl_self_signed, TestServer};
use sha2::Sha256;

fn datasource(json: &str) -> Datasource {
    Datasource::unsaved("ds_test", parse_datasource(json).unwrap())
}

fn get(path: &str) -> RequestSpec {
    RequestSpec { path: path.into(), ..Default::default() }
}

async fn send(ds: &Datasource, spec: &RequestSpec) -> latchkey_core::Result<latchkey_core::http::Response> {
    let prepared = prepare_with(ds, spec, &FixedToken(Secret::new("oauth-token-1"))).await?;
    Transport::new().send(ds, prepared, &SendOptions::default()).await
}

#[tokio::test]
async fn each_auth_type_lands_where_the_server_expects_it() {
    let server = TestServer::http();
    let url = server.base_url();
    let cases = [
        (
            r#"{"type":"basic","username":"aladdin","password":"open sesame"}"#,
            "header authorization",
            "Basic YWxhZGRpbjpvcGVuIHNlc2FtZQ==",
        ),
        (
            r#"{"type":"apiKey","key":"X-Api-Key","value":"k-1","headerPrefix":"Token"}"#,
            "header x-api-key",
            "Token k-1",
        ),
        (r#"{"type":"apiKey","key":"api_key","value":"k-2","addTo":"query"}"#, "query api_key", "k-2"),
        (r#"{"type":"bearer","token":"b-1"}"#, "header authorization", "Bearer b-1"),
        (
            r#"{"type":"oauth2","grantType":"client_credentials","accessTokenUrl":"https://t.example/token","clientId":"c"}"#,
            "header authorization",
            "Bearer oauth-token-1",
        ),
        (
            r#"{"type":"oauth2","grantType":"client_credentials","accessTokenUrl":"https://t.example/token","clientId":"c","headerPrefix":"JWT"}"#,
            "header authorization",
            "JWT oauth-token-1",
        ),
        (
            r#"{"type":"oauth2","grantType":"client_credentials","accessTokenUrl":"https://t.example/token","clientId":"c","addTokenTo":"query"}"#,
            "query access_token",
            "oauth-token-1",
        ),
    ];
    for (i, (auth, place, expected)) in cases.iter().enumerate() {
        let ds = datasource(&format!(r#"{{"name":"A","url":"{url}/api","auth":{auth}}}"#));
        let response = send(&ds, &get("/check")).await.unwrap();
        assert_eq!(response.status, 200);
        let recorded = &server.requests()[i];
        assert_eq!(recorded.path, "/api/check");
        let (kind, name) = place.split_once(' ').unwrap();
        let actual = match kind {
            "header" => recorded.header(name).map(str::to_owned),
            _ => recorded.query_pairs().into_iter().find(|(k, _)| k == name).map(|(_, v)| v),
        };
        assert_eq!(actual.as_deref(), Some(*expected), "{auth}: expected {place} = {expected}");
        let credential = expected.rsplit(' ').next().unwrap();
        let sent = serde_json::to_string(&response.sent).unwrap();
        assert!(!sent.contains(credential), "the request as shown must redact the credential: {sent}");
    }
}

#[tokio::test]
async fn oauth_without_a_token_is_not_sent() {
    let server = TestServer::http();
    let ds = datasource(&format!(
        r#"{{"name":"O","url":"{}","auth":{{"type":"oauth2","grantType":"client_credentials","accessTokenUrl":"https://t.example/token","clientId":"c"}}}}"#,
        server.base_url()
    ));
    let err = prepare_with(&ds, &get("/"), &NoTokens).await.unwrap_err();
    assert!(matches!(err, Error::NotAuthorized(_)), "{err}");
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn request_headers_and_params_override_the_datasource() {
    let server = TestServer::http();
    let ds = datasource(&format!(
        r#"{{"name":"M","url":"{}/v1?fixed=1","headers":[{{"key":"X-Env","value":"prod"}},{{"key":"X-Team","value":"core"}}],
            "queryParams":[{{"key":"page","value":"1"}},{{"key":"region","value":"eu"}}]}}"#,
        server.base_url()
    ));
    let spec = RequestSpec {
        method: "PATCH".into(),
        path: "items/7?page=2".into(),
        headers: vec![KeyValue::new("x-env", "staging")],
        query_params: vec![KeyValue::new("sort", "asc")],
        body: RequestBody::Json { text: r#"{"done":true}"#.into() },
    };
    send(&ds, &spec).await.unwrap();
    let recorded = &server.requests()[0];
    assert_eq!(recorded.method, "PATCH");
    assert_eq!(recorded.path, "/v1/items/7");
    assert_eq!(
        recorded.query.as_deref(),
        Some("fixed=1&region=eu&page=2&sort=asc"),
        "request params replace the datasource's of the same name"
    );
    assert_eq!(recorded.header("x-env"), Some("staging"), "the request's header wins");
    assert_eq!(recorded.headers.iter().filter(|(k, _)| k == "x-env").count(), 1);
    assert_eq!(recorded.header("x-team"), Some("core"), "datasource headers are inherited");
    assert_eq!(recorded.header("content-type"), Some("application/json"));
    assert_eq!(recorded.body, br#"{"done":true}"#);
}

#[tokio::test]
async fn the_signature_header_is_a_verifiable_hs256_jwt() {
    let server = TestServer::http();
    let ds = datasource(&format!(
        r#"{{"name":"S","url":"{}","sendSignatureHeader":true,"signatureSecret":"sig-secret"}}"#,
        server.base_url()
    ));
    let response =
        send(&ds, &RequestSpec { method: "DELETE".into(), path: "/things/1?x=y".into(), ..Default::default() })
            .await
            .unwrap();
    let jwt = server.requests()[0].header("x-latchkey-signature").expect("signature header sent").to_owned();
    let parts: Vec<&str> = jwt.split('.').collect();
    let header: serde_json::Value = serde_json::from_slice(&B64URL.decode(parts[0]).unwrap()).unwrap();
    assert_eq!(header["alg"], "HS256");
    let mut mac = Hmac::<Sha256>::new_from_slice(b"sig-secret").unwrap();
    mac.update(format!("{}.{}", parts[0], parts[1]).as_bytes());
    mac.verify_slice(&B64URL.decode(parts[2]).unwrap()).expect("the JWT verifies with the datasource's secret");
    let claims: serde_json::Value = serde_json::from_slice(&B64URL.decode(parts[1]).unwrap()).unwrap();
    assert_eq!(claims["htm"], "DELETE");
    assert_eq!(claims["htu"], format!("{}/things/1", server.base_url()));
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let iat = claims["iat"].as_u64().unwrap();
    assert!(iat <= now && now - iat < 600, "iat is the time of signing");
    assert_eq!(claims["exp"].as_u64().unwrap(), iat + 300);
    assert!(response.sent.headers.iter().any(|h| h.key == "x-latchkey-signature" && h.value == "<redacted>"));
}

#[tokio::test]
async fn a_self_signed_certificate_is_trusted_for_its_own_datasource_only() {
    let cert = openssl_self_signed("localhost");
    let server = TestServer::https(&cert);
    let pem_json = serde_json::to_string(&cert.cert_pem).unwrap();
    let pinned =
        datasource(&format!(r#"{{"name":"P","url":"{}","selfSignedCertificate":{pem_json}}}"#, server.base_url()));
    let plain = datasource(&format!(r#"{{"name":"Q","url":"{}"}}"#, server.base_url()));
    let transport = Transport::new();

    let ok = transport
        .send(&pinned, prepare(&pinned, &get("/hello"), None, SystemTime::now()).unwrap(), &SendOptions::default())
        .await
        .unwrap();
    assert_eq!(ok.status, 200, "the pinned openssl certificate (CA:TRUE) is accepted");

    let err = transport
        .send(&plain, prepare(&plain, &get("/hello"), None, SystemTime::now()).unwrap(), &SendOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Tls(_)), "without the certificate, verification refuses the server: {err}");

    let other = openssl_self_signed("localhost");
    let wrong = datasource(&format!(
        r#"{{"name":"W","url":"{}","selfSignedCertificate":{}}}"#,
        server.base_url(),
        serde_json::to_string(&other.cert_pem).unwrap()
    ));
    let err = transport
        .send(&wrong, prepare(&wrong, &get("/hello"), None, SystemTime::now()).unwrap(), &SendOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Tls(_)), "another certificate does not vouch for this server: {err}");
    assert_eq!(server.request_count(), 1, "only the trusted request reached the server");
}

#[tokio::test]
async fn credentials_never_go_to_another_origin() {
    let home = TestServer::http();
    let elsewhere = TestServer::http();
    let ds = datasource(&format!(
        r#"{{"name":"C","url":"{}","auth":{{"type":"bearer","token":"never-leaves"}}}}"#,
        home.base_url()
    ));

    let err = send(&ds, &get(&format!("{}/steal", elsewhere.base_url()))).await.unwrap_err();
    assert!(matches!(err, Error::CrossOrigin { .. }), "{err}");

    let redirect = format!("/redirect?to={}/steal", elsewhere.base_url());
    let response = send(&ds, &get(&redirect)).await.unwrap();
    assert_eq!(response.status, 302, "a redirect to another origin is returned, not followed");
    assert_eq!(elsewhere.request_count(), 0, "nothing reached the other origin");

    let same = send(&ds, &get(&format!("{}/here", home.base_url()))).await.unwrap();
    assert_eq!(same.status, 200, "an absolute URL on the datasource's origin is fine");
}

#[tokio::test]
async fn large_bodies_spill_to_a_temp_file() {
    let server = TestServer::http();
    let ds = datasource(&format!(r#"{{"name":"L","url":"{}"}}"#, server.base_url()));
    let size: u64 = 50 * 1024 * 1024;
    let prepared = prepare(&ds, &get(&format!("/bytes/{size}")), None, SystemTime::now()).unwrap();
    let response = Transport::new().send(&ds, prepared, &SendOptions::default()).await.unwrap();
    assert_eq!(response.size, size);
    let ResponseBody::File(file) = &response.body else { panic!("a 50 MiB body must not be kept in memory") };
    let bytes = std::fs::read(file.path()).unwrap();
    assert_eq!(bytes.len() as u64, size);
    assert!(bytes.iter().enumerate().step_by(4099).all(|(i, b)| *b == expected_bytes_byte(i as u64)), "content intact");
    assert!(response.timings.total_ms >= response.timings.first_byte_ms);

    let small = Transport::new()
        .send(&ds, prepare(&ds, &get("/bytes/1000"), None, SystemTime::now()).unwrap(), &SendOptions::default())
        .await
        .unwrap();
    assert!(matches!(small.body, ResponseBody::Memory(ref b) if b.len() == 1000));
}

#[tokio::test]
async fn files_go_up_as_binary_and_multipart_bodies() {
    let server = TestServer::http();
    let ds = datasource(&format!(r#"{{"name":"U","url":"{}"}}"#, server.base_url()));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("upload.bin");
    let content: Vec<u8> = (0..300_000u32).map(|i| (i % 253) as u8).collect();
    std::fs::write(&path, &content).unwrap();
    let file = path.display().to_string();

    let binary = RequestSpec {
        method: "POST".into(),
        path: "/upload".into(),
        body: RequestBody::Binary { path: file.clone(), content_type: String::new() },
        ..Default::default()
    };
    send(&ds, &binary).await.unwrap();
    let multipart = RequestSpec {
        method: "POST".into(),
        path: "/form".into(),
        body: RequestBody::Multipart {
            parts: vec![
                MultipartPart { key: "note".into(), value: "hello".into(), ..Default::default() },
                MultipartPart {
                    key: "file".into(),
                    file: Some(file),
                    content_type: "image/png".into(),
                    ..Default::default()
                },
            ],
        },
        ..Default::default()
    };
    send(&ds, &multipart).await.unwrap();

    let requests = server.requests();
    assert_eq!(requests[0].body, content, "the binary body is the file's bytes");
    assert_eq!(requests[0].header("content-type"), Some("application/octet-stream"));
    assert_eq!(requests[0].header("content-length"), Some("300000"));
    let form = &requests[1];
    assert!(form.header("content-type").unwrap().starts_with("multipart/form-data; boundary="));
    let body = &form.body;
    assert!(body.windows(content.len()).any(|w| w == content.as_slice()), "the file part carries the file");
    let text = String::from_utf8_lossy(body);
    assert!(text.contains("name=\"note\"") && text.contains("hello"));
    assert!(text.contains("filename=\"upload.bin\"") && text.contains("Content-Type: image/png"));
}
