//! Pure preparation of a request through a datasource: nothing here touches the network.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

use super::signature;
use crate::model::{AuthConfig, Datasource, KeyPlacement, KeyValue, MultipartPart, RequestBody, RequestSpec};
use crate::{Error, Result, Secret};

/// Shown in place of every secret value.
pub const REDACTED: &str = "<redacted>";

/// A request ready to send: every value final, secrets marked for redaction.
#[derive(Debug)]
pub struct PreparedRequest {
    pub method: Method,
    pub url: Url,
    /// Values that carry credentials are marked sensitive (`HeaderValue::is_sensitive`).
    pub headers: HeaderMap,
    pub body: PreparedBody,
    /// Names of query parameters that carry credentials.
    sensitive_params: Vec<String>,
}

/// The body as it will be sent; files are opened only when sending.
#[derive(Debug, Clone, PartialEq)]
pub enum PreparedBody {
    Empty,
    Bytes(Vec<u8>),
    Multipart(Vec<MultipartPart>),
    File(std::path::PathBuf),
}

/// The request as sent, with every secret shown as `<redacted>`: safe to print and to show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SentRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<KeyValue>,
    /// The body as text, or a description such as `<file /tmp/a.bin>`.
    pub body: String,
}

/// Builds the request `spec` through `datasource`: the path joined to the base URL (or a
/// same-origin absolute URL), the datasource's headers and query parameters under the
/// request's own, then authentication (with `token` for OAuth 2.0) and the signature header.
///
/// # Errors
/// [`Error::Invalid`] for a bad request, [`Error::CrossOrigin`] for a URL on another origin,
/// [`Error::NotAuthorized`] when an OAuth 2.0 datasource gets no token.
pub fn prepare(datasource: &Datasource, spec: &RequestSpec, token: Option<&Secret>) -> Result<PreparedRequest> {
    let config = &datasource.config;
    spec.validate().map_err(Error::Invalid)?;
    let method = Method::from_bytes(spec.method_or_default().as_bytes()).expect("validated above");
    let base = config.base_url()?;
    let (mut url, path_params) = target_url(&base, &spec.path)?;

    // Query: the base URL's own, then the datasource's rows, then the request's (path query and
    // rows), a request parameter replacing the datasource's of the same name.
    let mut params: Vec<(String, String)> = base.query_pairs().into_owned().collect();
    params.extend(config.query_params.iter().map(|kv| (kv.key.trim().to_owned(), kv.value.clone())));
    let request_params: Vec<(String, String)> = path_params
        .into_iter()
        .chain(spec.query_params.iter().map(|kv| (kv.key.trim().to_owned(), kv.value.clone())))
        .collect();
    let datasource_len = params.len();
    let overridden: Vec<&str> = request_params.iter().map(|(k, _)| k.as_str()).collect();
    let mut index = 0;
    params.retain(|(key, _)| {
        index += 1;
        index > datasource_len || !overridden.contains(&key.as_str())
    });
    params.extend(request_params.iter().cloned());

    // Headers: the datasource's, then the request's replacing those of the same name.
    let mut headers = HeaderMap::new();
    for (i, kv) in config.headers.iter().enumerate() {
        let name = header_name(&kv.key)?;
        if name == reqwest::header::HOST {
            // Saved before Host rows were refused: never send credentials to another virtual host.
            return Err(Error::field(
                format!("headers[{i}].key"),
                "the Host header comes from the URL: remove this row",
            ));
        }
        headers.append(name, header_value(&kv.value, None)?);
    }
    let mut seen_in_request: Vec<HeaderName> = Vec::new();
    for kv in &spec.headers {
        let name = header_name(&kv.key)?;
        let value = header_value(&kv.value, None)?;
        if seen_in_request.contains(&name) {
            headers.append(name, value);
        } else {
            headers.insert(name.clone(), value);
            seen_in_request.push(name);
        }
    }

    let mut sensitive_params = Vec::new();
    let mut set_param = |params: &mut Vec<(String, String)>, key: &str, value: &str| {
        params.retain(|(k, _)| k != key);
        params.push((key.to_owned(), value.to_owned()));
        sensitive_params.push(key.to_owned());
    };
    match &config.auth {
        AuthConfig::None => {}
        AuthConfig::Basic(basic) => {
            let password = basic.password.value().map(Secret::expose).unwrap_or("");
            let credentials = zeroize::Zeroizing::new(format!("{}:{password}", basic.username));
            let value = zeroize::Zeroizing::new(format!("Basic {}", BASE64.encode(credentials.as_bytes())));
            headers.insert(AUTHORIZATION, header_value(&value, Some("auth.password"))?);
        }
        AuthConfig::ApiKey(key) => {
            let value = key.value.value().ok_or_else(|| missing(datasource, "auth.value"))?;
            match key.add_to {
                KeyPlacement::Header => {
                    let full = zeroize::Zeroizing::new(prefixed(&key.header_prefix, value.expose()));
                    headers.insert(header_name(&key.key)?, header_value(&full, Some("auth.value"))?);
                }
                KeyPlacement::Query => set_param(&mut params, key.key.trim(), value.expose()),
            }
        }
        AuthConfig::Bearer(bearer) => {
            let value = bearer.token.value().ok_or_else(|| missing(datasource, "auth.token"))?;
            let full = zeroize::Zeroizing::new(prefixed("Bearer", value.expose()));
            headers.insert(AUTHORIZATION, header_value(&full, Some("auth.token"))?);
        }
        AuthConfig::OAuth2(oauth) => {
            let token = token.ok_or_else(|| Error::NotAuthorized(config.name.clone()))?;
            match oauth.add_token_to {
                KeyPlacement::Header => {
                    let full = zeroize::Zeroizing::new(prefixed(&oauth.header_prefix, token.expose()));
                    headers.insert(AUTHORIZATION, header_value(&full, Some("auth"))?);
                }
                // RFC 6750 §2.3: the URI query parameter is `access_token`.
                KeyPlacement::Query => set_param(&mut params, "access_token", token.expose()),
            }
        }
    }

    if params.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(params.iter());
    }

    if config.send_signature_header {
        let secret = config.signature_secret.value().ok_or_else(|| missing(datasource, "signatureSecret"))?;
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let jwt = signature::sign(secret, method.as_str(), &url, now);
        headers
            .insert(HeaderName::from_static(signature::SIGNATURE_HEADER), header_value(&jwt, Some("signatureSecret"))?);
    }

    let body = match &spec.body {
        RequestBody::None => PreparedBody::Empty,
        RequestBody::Json { text } => {
            default_content_type(&mut headers, "application/json");
            PreparedBody::Bytes(text.as_bytes().to_vec())
        }
        RequestBody::Raw { text, content_type } => {
            default_content_type(
                &mut headers,
                if content_type.is_empty() { "text/plain; charset=utf-8" } else { content_type },
            );
            PreparedBody::Bytes(text.as_bytes().to_vec())
        }
        RequestBody::FormUrlencoded { fields } => {
            default_content_type(&mut headers, "application/x-www-form-urlencoded");
            let encoded = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(fields.iter().map(|kv| (kv.key.as_str(), kv.value.as_str())))
                .finish();
            PreparedBody::Bytes(encoded.into_bytes())
        }
        RequestBody::Multipart { parts } => {
            // reqwest writes the Content-Type with the boundary.
            headers.remove(CONTENT_TYPE);
            PreparedBody::Multipart(parts.clone())
        }
        RequestBody::Binary { path, content_type } => {
            default_content_type(
                &mut headers,
                if content_type.is_empty() { "application/octet-stream" } else { content_type },
            );
            PreparedBody::File(path.into())
        }
    };

    Ok(PreparedRequest { method, url, headers, body, sensitive_params })
}

impl PreparedBody {
    /// Whether the body can be sent a second time: bytes can; files only when they are
    /// regular files (not a pipe or standard input).
    pub fn is_replayable(&self) -> bool {
        let regular = |path: &std::path::Path| std::fs::metadata(path).is_ok_and(|m| m.is_file());
        match self {
            PreparedBody::Empty | PreparedBody::Bytes(_) => true,
            PreparedBody::File(path) => regular(path),
            PreparedBody::Multipart(parts) => {
                parts.iter().all(|part| part.file.as_deref().is_none_or(|f| regular(std::path::Path::new(f))))
            }
        }
    }
}

impl PreparedRequest {
    /// The request with credentials replaced by `<redacted>`.
    pub fn redacted(&self) -> SentRequest {
        let mut url = self.url.clone();
        let pairs: Vec<(String, String)> = self.url.query_pairs().into_owned().collect();
        if !pairs.is_empty() {
            let shown: Vec<String> = pairs
                .iter()
                .map(|(k, v)| {
                    let value = if self.sensitive_params.contains(k) { REDACTED.to_owned() } else { encode(v) };
                    format!("{}={value}", encode(k))
                })
                .collect();
            url.set_query(None);
            url.set_fragment(None);
            let mut text = url.to_string();
            text.push('?');
            text.push_str(&shown.join("&"));
            return self.with_url(text);
        }
        self.with_url(url.to_string())
    }

    fn with_url(&self, url: String) -> SentRequest {
        let headers = self
            .headers
            .iter()
            .map(|(name, value)| {
                let shown = if value.is_sensitive() {
                    REDACTED.to_owned()
                } else {
                    String::from_utf8_lossy(value.as_bytes()).into_owned()
                };
                KeyValue::new(name.as_str(), shown)
            })
            .collect();
        let body = match &self.body {
            PreparedBody::Empty => String::new(),
            PreparedBody::Bytes(bytes) => String::from_utf8_lossy(bytes).into_owned(),
            PreparedBody::Multipart(parts) => parts
                .iter()
                .map(|p| match &p.file {
                    Some(file) => format!("{}=<file {file}>", p.key),
                    None => format!("{}={}", p.key, p.value),
                })
                .collect::<Vec<_>>()
                .join("\n"),
            PreparedBody::File(path) => format!("<file {}>", path.display()),
        };
        SentRequest { method: self.method.to_string(), url, headers, body }
    }

    /// True when the body can be sent again as it was (not streamed from a file).
    pub fn is_replayable(&self) -> bool {
        matches!(self.body, PreparedBody::Empty | PreparedBody::Bytes(_))
    }
}

fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Joins `path` to `base`, or accepts an absolute URL on the same origin. Returns the URL
/// without query and the path's own query parameters.
fn target_url(base: &Url, path: &str) -> Result<(Url, Vec<(String, String)>)> {
    let path = path.trim();
    if let Ok(absolute) = Url::parse(path) {
        if absolute.origin() != base.origin() || !matches!(absolute.scheme(), "http" | "https") {
            return Err(Error::CrossOrigin { requested: origin_of(&absolute), origin: origin_of(base) });
        }
        let params = absolute.query_pairs().into_owned().collect();
        let mut url = absolute;
        url.set_query(None);
        url.set_fragment(None);
        return Ok((url, params));
    }
    let (path_part, query_part) = path.split_once('?').unwrap_or((path, ""));
    let params = url::form_urlencoded::parse(query_part.as_bytes()).into_owned().collect();
    let mut url = base.clone();
    url.set_query(None);
    let trimmed = path_part.trim_start_matches('/');
    if !trimmed.is_empty() {
        let joined = format!("{}/{trimmed}", base.path().trim_end_matches('/'));
        url.set_path(&joined);
    }
    Ok((url, params))
}

fn origin_of(url: &Url) -> String {
    url.origin().ascii_serialization()
}

fn prefixed(prefix: &str, value: &str) -> String {
    let prefix = prefix.trim();
    if prefix.is_empty() {
        value.to_owned()
    } else {
        format!("{prefix} {value}")
    }
}

fn header_name(name: &str) -> Result<HeaderName> {
    HeaderName::from_bytes(name.trim().as_bytes())
        .map_err(|_| Error::field("headers", format!("`{name}` is not a valid header name")))
}

/// A header value; `credential` names the field of a secret one (marked sensitive, and named in
/// the error without being quoted).
fn header_value(value: &str, credential: Option<&str>) -> Result<HeaderValue> {
    let mut value = HeaderValue::from_str(value).map_err(|_| match credential {
        Some(field) => {
            Error::field(field, "contains line breaks or control characters, which cannot be sent in a header")
        }
        None => Error::field("headers", "a header value contains line breaks or control characters"),
    })?;
    value.set_sensitive(credential.is_some());
    Ok(value)
}

fn default_content_type(headers: &mut HeaderMap, content_type: &str) {
    if !headers.contains_key(CONTENT_TYPE) {
        if let Ok(value) = HeaderValue::from_str(content_type) {
            headers.insert(CONTENT_TYPE, value);
        }
    }
}

fn missing(datasource: &Datasource, slot: &str) -> Error {
    Error::field(
        slot,
        format!("datasource `{}` has no value for `{slot}`: set it and save again", datasource.config.name),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ApiKeyAuth, BasicAuth, BearerAuth, DatasourceConfig, OAuth2Config};

    fn datasource(auth: AuthConfig) -> Datasource {
        Datasource::unsaved(
            "ds_test",
            DatasourceConfig {
                name: "Example".into(),
                url: "https://api.example.com/v1/?api-version=2".into(),
                headers: vec![KeyValue::new("X-Team", "core"), KeyValue::new("Accept", "text/plain")],
                query_params: vec![KeyValue::new("region", "eu"), KeyValue::new("page", "1")],
                auth,
                ..Default::default()
            },
        )
    }

    fn get(path: &str) -> RequestSpec {
        RequestSpec { path: path.into(), ..Default::default() }
    }

    #[test]
    fn joins_the_path_and_merges_the_request_over_the_datasource() {
        let mut spec = get("/items?page=3");
        spec.headers = vec![KeyValue::new("accept", "application/json")];
        spec.query_params = vec![KeyValue::new("sort", "name")];
        let prepared = prepare(&datasource(AuthConfig::None), &spec, None).unwrap();
        assert_eq!(prepared.url.as_str(), "https://api.example.com/v1/items?api-version=2&region=eu&page=3&sort=name");
        assert_eq!(
            prepared.headers.get_all("accept").iter().collect::<Vec<_>>(),
            ["application/json"],
            "the request's header replaces the datasource's"
        );
        assert_eq!(prepared.headers["x-team"], "core", "datasource headers are inherited");
    }

    #[test]
    fn basic_auth_is_an_rfc7617_header() {
        let auth = AuthConfig::Basic(BasicAuth { username: "aladdin".into(), password: "open sesame".into() });
        let prepared = prepare(&datasource(auth), &get("/"), None).unwrap();
        assert_eq!(prepared.headers[AUTHORIZATION], "Basic YWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assert!(prepared.headers[AUTHORIZATION].is_sensitive());
    }

    #[test]
    fn api_keys_go_to_a_prefixed_header_or_the_query() {
        let mut key = ApiKeyAuth {
            key: "X-Api-Key".into(),
            value: "k-123".into(),
            header_prefix: "Token".into(),
            ..Default::default()
        };
        let prepared = prepare(&datasource(AuthConfig::ApiKey(key.clone())), &get("/"), None).unwrap();
        assert_eq!(prepared.headers["x-api-key"], "Token k-123");
        key.add_to = KeyPlacement::Query;
        key.key = "api_key".into();
        let prepared = prepare(&datasource(AuthConfig::ApiKey(key)), &get("/?api_key=spoof"), None).unwrap();
        let keys: Vec<_> =
            prepared.url.query_pairs().filter(|(k, _)| k == "api_key").map(|(_, v)| v.into_owned()).collect();
        assert_eq!(keys, ["k-123"], "the configured key replaces one in the path");
        assert!(prepared.redacted().url.contains("api_key=<redacted>"), "{}", prepared.redacted().url);
    }

    #[test]
    fn oauth_tokens_follow_placement_and_prefix() {
        let token = Secret::new("tok-1");
        let mut oauth = OAuth2Config::default();
        let prepared =
            prepare(&datasource(AuthConfig::OAuth2(Box::new(oauth.clone()))), &get("/"), Some(&token)).unwrap();
        assert_eq!(prepared.headers[AUTHORIZATION], "Bearer tok-1");
        oauth.header_prefix = String::new();
        let prepared =
            prepare(&datasource(AuthConfig::OAuth2(Box::new(oauth.clone()))), &get("/"), Some(&token)).unwrap();
        assert_eq!(prepared.headers[AUTHORIZATION], "tok-1", "an empty prefix sends the bare token");
        oauth.add_token_to = KeyPlacement::Query;
        let prepared =
            prepare(&datasource(AuthConfig::OAuth2(Box::new(oauth.clone()))), &get("/"), Some(&token)).unwrap();
        assert!(prepared.url.query_pairs().any(|(k, v)| k == "access_token" && v == "tok-1"));
        assert!(matches!(
            prepare(&datasource(AuthConfig::OAuth2(Box::new(oauth))), &get("/"), None),
            Err(Error::NotAuthorized(_))
        ));
    }

    #[test]
    fn other_origins_are_refused_before_anything_is_built() {
        let auth = AuthConfig::Bearer(BearerAuth { token: "t".into() });
        for url in
            ["https://evil.example.net/v1/items", "http://api.example.com/v1/items", "https://api.example.com:8443/v1"]
        {
            let err = prepare(&datasource(auth.clone()), &get(url), None).unwrap_err();
            assert!(matches!(err, Error::CrossOrigin { .. }), "{url}: {err}");
        }
        let same = prepare(&datasource(auth), &get("https://api.example.com/other?x=1"), None).unwrap();
        assert_eq!(same.url.path(), "/other", "a same-origin URL is used as given");
    }

    #[test]
    fn a_credential_with_a_line_break_is_named_by_its_field_and_not_quoted() {
        // Validation refuses these on save; a value stored before that check still fails here.
        let bearer = AuthConfig::Bearer(BearerAuth { token: "tok\r\nX-Injected: 1".into() });
        let key = AuthConfig::ApiKey(ApiKeyAuth { key: "X-Key".into(), value: "k\n".into(), ..Default::default() });
        for (auth, field) in [(bearer, "auth.token"), (key, "auth.value")] {
            let Err(Error::Invalid(errors)) = prepare(&datasource(auth), &get("/"), None) else {
                panic!("{field}: accepted")
            };
            assert_eq!(errors[0].field, field);
            assert!(
                !errors[0].message.contains("tok") && !errors[0].message.contains("Injected"),
                "{}",
                errors[0].message
            );
        }
    }

    #[test]
    fn redaction_hides_credentials_only() {
        let auth = AuthConfig::Bearer(BearerAuth { token: "tok-secret".into() });
        let sent = prepare(&datasource(auth), &get("/"), None).unwrap().redacted();
        let text = serde_json::to_string(&sent).unwrap();
        assert!(!text.contains("tok-secret"), "{text}");
        assert!(sent.headers.iter().any(|h| h.key == "authorization" && h.value == REDACTED));
        assert!(sent.headers.iter().any(|h| h.key == "x-team" && h.value == "core"));
    }

    #[test]
    fn bodies_get_a_default_content_type() {
        let mut spec = get("/");
        spec.method = "post".into();
        spec.body = RequestBody::FormUrlencoded { fields: vec![KeyValue::new("a b", "c&d")] };
        let prepared = prepare(&datasource(AuthConfig::None), &spec, None).unwrap();
        assert_eq!(prepared.method, Method::POST);
        assert_eq!(prepared.headers[CONTENT_TYPE], "application/x-www-form-urlencoded");
        assert_eq!(prepared.body, PreparedBody::Bytes(b"a+b=c%26d".to_vec()));
    }
}
