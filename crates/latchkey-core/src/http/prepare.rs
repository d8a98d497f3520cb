//! Pure preparation of a request through a datasource: nothing here touches the network or
//! reads the clock (the time to sign with is passed in). [`prepare`] is a sequence of named
//! steps — resolve variables, merge the query, merge the headers, apply authentication, encode
//! the body, sign — each a function of its own below. What does not belong here: resolving the
//! datasource's own fields in an environment (the store's `datasource_in`, through
//! `crate::variables`) and sending (`send`).

use std::borrow::Cow;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;
use zeroize::Zeroizing;

use super::signature;
use crate::model::{
    AuthConfig, Datasource, DatasourceConfig, KeyPlacement, KeyValue, MultipartPart, RequestBody, RequestSpec,
};
use crate::variables::{resolve_request, Variables};
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
    /// Values of the environment's secret variables, shown as `<redacted>` wherever they are.
    secret_values: Vec<Secret>,
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

/// Builds the request `spec` through `datasource` (as the store's `datasource_in` resolved it):
/// the request's variables resolved from the datasource's environment, the path joined to the
/// base URL (or a same-origin absolute URL), the datasource's query parameters and headers
/// under the request's own, then authentication (with `token` for OAuth 2.0), the body, and
/// the signature header issued at `now`.
///
/// # Errors
/// [`Error::Invalid`] for a bad request or an unknown variable (naming it and the field it is
/// in), [`Error::CrossOrigin`] for a URL on another origin (checked after resolution, so a
/// variable cannot move the request elsewhere), [`Error::NotAuthorized`] when an OAuth 2.0
/// datasource gets no token.
pub fn prepare(
    datasource: &Datasource,
    spec: &RequestSpec,
    token: Option<&Secret>,
    now: SystemTime,
) -> Result<PreparedRequest> {
    let config = &datasource.config;
    needs_setup(datasource)?;
    let spec = resolve_variables(datasource, spec)?;
    spec.validate().map_err(Error::Invalid)?;
    let method = Method::from_bytes(spec.method_or_default().as_bytes()).expect("validated above");
    let base = config.base_url()?;
    let (mut url, path_params) = target_url(&base, &spec.path)?;
    let mut params = merge_query(&base, config, path_params, &spec);
    let mut headers = merge_headers(config, &spec)?;
    let sensitive_params = apply_auth(datasource, token, &mut headers, &mut params)?;
    set_query(&mut url, &params);
    let body = encode_body(&spec.body, &mut headers);
    sign(datasource, &method, &url, now, &mut headers)?;
    Ok(PreparedRequest { method, url, headers, body, sensitive_params, secret_values: datasource.redacted_values() })
}

/// Step 1: the request's variables resolved from the datasource's environment (none outside one).
fn resolve_variables<'s>(datasource: &Datasource, spec: &'s RequestSpec) -> Result<Cow<'s, RequestSpec>> {
    match &datasource.environment {
        Some(environment) => resolve_request(spec, &environment.variables),
        None => resolve_request(spec, &Variables::none()),
    }
}

/// Step 2, the query: the base URL's own, then the datasource's rows, then the request's (the
/// path's query and rows), a request parameter replacing the datasource's of the same name.
fn merge_query(
    base: &Url,
    config: &DatasourceConfig,
    path_params: Vec<(String, String)>,
    spec: &RequestSpec,
) -> Vec<(String, String)> {
    let mut params: Vec<(String, String)> = base.query_pairs().into_owned().collect();
    params.extend(config.query_params.iter().map(|kv| (kv.key.trim().to_owned(), kv.value.clone())));
    let request_params: Vec<(String, String)> = path_params
        .into_iter()
        .chain(spec.query_params.iter().map(|kv| (kv.key.trim().to_owned(), kv.value.clone())))
        .collect();
    let datasource_len = params.len();
    let mut index = 0;
    params.retain(|(key, _)| {
        index += 1;
        index > datasource_len || !request_params.iter().any(|(k, _)| k == key)
    });
    params.extend(request_params);
    params
}

/// Step 3, the headers: the datasource's, then the request's replacing those of the same name
/// (a name repeated within the request is sent repeated).
fn merge_headers(config: &DatasourceConfig, spec: &RequestSpec) -> Result<HeaderMap> {
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
    Ok(headers)
}

/// Step 4, authentication, last so that it replaces a header or parameter of the same name.
/// Returns the names of the query parameters that now carry credentials.
fn apply_auth(
    datasource: &Datasource,
    token: Option<&Secret>,
    headers: &mut HeaderMap,
    params: &mut Vec<(String, String)>,
) -> Result<Vec<String>> {
    let mut sensitive_params = Vec::new();
    let mut set_param = |key: &str, value: &str| {
        params.retain(|(k, _)| k != key);
        params.push((key.to_owned(), value.to_owned()));
        sensitive_params.push(key.to_owned());
    };
    match &datasource.config.auth {
        AuthConfig::None => {}
        AuthConfig::Basic(basic) => {
            let password = basic.password.value().map(Secret::expose).unwrap_or("");
            let credentials = Zeroizing::new(format!("{}:{password}", basic.username));
            let value = Zeroizing::new(format!("Basic {}", BASE64.encode(credentials.as_bytes())));
            headers.insert(AUTHORIZATION, header_value(&value, Some("auth.password"))?);
        }
        AuthConfig::ApiKey(key) => {
            let value = key.value.value().ok_or_else(|| missing(datasource, "auth.value"))?;
            match key.add_to {
                KeyPlacement::Header => {
                    let full = Zeroizing::new(prefixed(&key.header_prefix, value.expose()));
                    headers.insert(header_name(&key.key)?, header_value(&full, Some("auth.value"))?);
                }
                KeyPlacement::Query => set_param(key.key.trim(), value.expose()),
            }
        }
        AuthConfig::Bearer(bearer) => {
            let value = bearer.token.value().ok_or_else(|| missing(datasource, "auth.token"))?;
            let full = Zeroizing::new(prefixed("Bearer", value.expose()));
            headers.insert(AUTHORIZATION, header_value(&full, Some("auth.token"))?);
        }
        AuthConfig::OAuth2(oauth) => {
            let token = token.ok_or_else(|| Error::NotAuthorized(datasource.config.name.clone()))?;
            match oauth.add_token_to {
                KeyPlacement::Header => {
                    let full = Zeroizing::new(prefixed(&oauth.header_prefix, token.expose()));
                    headers.insert(AUTHORIZATION, header_value(&full, Some("auth"))?);
                }
                // RFC 6750 §2.3: the URI query parameter is `access_token`.
                KeyPlacement::Query => set_param("access_token", token.expose()),
            }
        }
    }
    Ok(sensitive_params)
}

fn set_query(url: &mut Url, params: &[(String, String)]) {
    if params.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(params.iter());
    }
}

/// Step 5, the body, with a default Content-Type unless a header gave one.
fn encode_body(body: &RequestBody, headers: &mut HeaderMap) -> PreparedBody {
    match body {
        RequestBody::None => PreparedBody::Empty,
        RequestBody::Json { text } => {
            default_content_type(headers, "application/json");
            PreparedBody::Bytes(text.as_bytes().to_vec())
        }
        RequestBody::Raw { text, content_type } => {
            default_content_type(
                headers,
                if content_type.is_empty() { "text/plain; charset=utf-8" } else { content_type },
            );
            PreparedBody::Bytes(text.as_bytes().to_vec())
        }
        RequestBody::FormUrlencoded { fields } => {
            default_content_type(headers, "application/x-www-form-urlencoded");
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
                headers,
                if content_type.is_empty() { "application/octet-stream" } else { content_type },
            );
            PreparedBody::File(path.into())
        }
    }
}

/// Step 6, the signature header (when the datasource sends one), issued at `now` over the
/// method and the final URL.
fn sign(datasource: &Datasource, method: &Method, url: &Url, now: SystemTime, headers: &mut HeaderMap) -> Result<()> {
    let config = &datasource.config;
    if !config.send_signature_header {
        return Ok(());
    }
    let secret = config.signature_secret.value().ok_or_else(|| missing(datasource, "signatureSecret"))?;
    let issued_at = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let jwt = signature::sign(secret, method.as_str(), url, issued_at);
    headers.insert(HeaderName::from_static(signature::SIGNATURE_HEADER), header_value(&jwt, Some("signatureSecret"))?);
    Ok(())
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

/// Every form a secret variable's value can take in a request as sent — as is, form-encoded
/// (query and form values), percent-encoded as in a URL path —, longest first. The one place
/// such values are replaced by `<redacted>`: the request as sent, Copy as cURL, a shown
/// configuration.
#[derive(Debug)]
pub struct Redaction {
    forms: Vec<String>,
}

impl Redaction {
    /// The redaction of `secrets` (empty ones are left out).
    pub fn of(secrets: &[Secret]) -> Redaction {
        let mut forms = Vec::new();
        for secret in secrets {
            let value = secret.expose();
            if value.is_empty() {
                continue;
            }
            forms.push(value.to_owned());
            forms.push(encode(value));
            let mut scratch = Url::parse("http://h/").expect("a valid URL");
            scratch.set_path(&format!("/{value}"));
            if let Some(in_path) = scratch.path().strip_prefix('/') {
                forms.push(in_path.to_owned());
            }
        }
        forms.retain(|form| !form.is_empty());
        forms.sort_unstable_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        forms.dedup();
        Redaction { forms }
    }

    /// Every string of `value` (a JSON document) redacted as [`Redaction::apply`] does.
    pub fn apply_json(&self, value: &mut serde_json::Value) {
        match value {
            serde_json::Value::String(text) => {
                if let Cow::Owned(redacted) = self.apply(text) {
                    *text = redacted;
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|item| self.apply_json(item)),
            serde_json::Value::Object(map) => map.values_mut().for_each(|item| self.apply_json(item)),
            _ => {}
        }
    }

    /// `text` with every form of every secret value replaced by `<redacted>`, in one pass.
    pub fn apply<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if !self.forms.iter().any(|form| text.contains(form.as_str())) {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        'scan: while let Some(ch) = rest.chars().next() {
            for form in &self.forms {
                if rest.starts_with(form.as_str()) {
                    out.push_str(REDACTED);
                    rest = &rest[form.len()..];
                    continue 'scan;
                }
            }
            out.push(ch);
            rest = &rest[ch.len_utf8()..];
        }
        Cow::Owned(out)
    }
}

impl PreparedRequest {
    /// The request with credentials replaced by `<redacted>`: the authentication's header or
    /// query parameter, and wherever a secret variable's value went (URL, header values, body).
    pub fn redacted(&self) -> SentRequest {
        let redaction = self.redaction();
        let headers = self
            .headers
            .iter()
            .map(|(name, value)| {
                let shown = if value.is_sensitive() {
                    REDACTED.to_owned()
                } else {
                    redaction.apply(&String::from_utf8_lossy(value.as_bytes())).into_owned()
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
        SentRequest {
            method: self.method.to_string(),
            url: redaction.apply(&self.shown_url()).into_owned(),
            headers,
            body: redaction.apply(&body).into_owned(),
        }
    }

    /// What hides the secret variables' values in this request.
    pub(super) fn redaction(&self) -> Redaction {
        Redaction::of(&self.secret_values)
    }

    /// The URL with the credential query parameters as `<redacted>`.
    fn shown_url(&self) -> String {
        let pairs: Vec<(String, String)> = self.url.query_pairs().into_owned().collect();
        if pairs.is_empty() {
            return self.url.to_string();
        }
        let shown: Vec<String> = pairs
            .iter()
            .map(|(k, v)| {
                let value = if self.sensitive_params.contains(k) { REDACTED.to_owned() } else { encode(v) };
                format!("{}={value}", encode(k))
            })
            .collect();
        let mut url = self.url.clone();
        url.set_query(None);
        url.set_fragment(None);
        format!("{url}?{}", shown.join("&"))
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

/// [`Error::NeedsSetup`] when the datasource lacks a secret its authentication needs.
///
/// # Errors
/// That one.
pub fn needs_setup(datasource: &Datasource) -> Result<()> {
    let missing = datasource.config.missing_secrets();
    if missing.is_empty() {
        return Ok(());
    }
    Err(Error::NeedsSetup { name: datasource.config.name.clone(), missing })
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
    use crate::model::{
        ActiveEnvironment, ApiKeyAuth, BasicAuth, BearerAuth, EnvironmentConfig, EnvironmentId, OAuth2Config, Variable,
    };

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

    /// A fixed clock: preparation is pure.
    fn now() -> SystemTime {
        UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000)
    }

    fn get(path: &str) -> RequestSpec {
        RequestSpec { path: path.into(), ..Default::default() }
    }

    #[test]
    fn joins_the_path_and_merges_the_request_over_the_datasource() {
        let mut spec = get("/items?page=3");
        spec.headers = vec![KeyValue::new("accept", "application/json")];
        spec.query_params = vec![KeyValue::new("sort", "name")];
        let prepared = prepare(&datasource(AuthConfig::None), &spec, None, now()).unwrap();
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
        let prepared = prepare(&datasource(auth), &get("/"), None, now()).unwrap();
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
        let prepared = prepare(&datasource(AuthConfig::ApiKey(key.clone())), &get("/"), None, now()).unwrap();
        assert_eq!(prepared.headers["x-api-key"], "Token k-123");
        key.add_to = KeyPlacement::Query;
        key.key = "api_key".into();
        let prepared = prepare(&datasource(AuthConfig::ApiKey(key)), &get("/?api_key=spoof"), None, now()).unwrap();
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
            prepare(&datasource(AuthConfig::OAuth2(Box::new(oauth.clone()))), &get("/"), Some(&token), now()).unwrap();
        assert_eq!(prepared.headers[AUTHORIZATION], "Bearer tok-1");
        oauth.header_prefix = String::new();
        let prepared =
            prepare(&datasource(AuthConfig::OAuth2(Box::new(oauth.clone()))), &get("/"), Some(&token), now()).unwrap();
        assert_eq!(prepared.headers[AUTHORIZATION], "tok-1", "an empty prefix sends the bare token");
        oauth.add_token_to = KeyPlacement::Query;
        let prepared =
            prepare(&datasource(AuthConfig::OAuth2(Box::new(oauth.clone()))), &get("/"), Some(&token), now()).unwrap();
        assert!(prepared.url.query_pairs().any(|(k, v)| k == "access_token" && v == "tok-1"));
        assert!(matches!(
            prepare(&datasource(AuthConfig::OAuth2(Box::new(oauth))), &get("/"), None, now()),
            Err(Error::NotAuthorized(_))
        ));
    }

    #[test]
    fn other_origins_are_refused_before_anything_is_built() {
        let auth = AuthConfig::Bearer(BearerAuth { token: "t".into() });
        for url in
            ["https://evil.example.net/v1/items", "http://api.example.com/v1/items", "https://api.example.com:8443/v1"]
        {
            let err = prepare(&datasource(auth.clone()), &get(url), None, now()).unwrap_err();
            assert!(matches!(err, Error::CrossOrigin { .. }), "{url}: {err}");
        }
        let same = prepare(&datasource(auth), &get("https://api.example.com/other?x=1"), None, now()).unwrap();
        assert_eq!(same.url.path(), "/other", "a same-origin URL is used as given");
    }

    #[test]
    fn a_credential_with_a_line_break_is_named_by_its_field_and_not_quoted() {
        // Validation refuses these on save; a value stored before that check still fails here.
        let bearer = AuthConfig::Bearer(BearerAuth { token: "tok\r\nX-Injected: 1".into() });
        let key = AuthConfig::ApiKey(ApiKeyAuth { key: "X-Key".into(), value: "k\n".into(), ..Default::default() });
        for (auth, field) in [(bearer, "auth.token"), (key, "auth.value")] {
            let Err(Error::Invalid(errors)) = prepare(&datasource(auth), &get("/"), None, now()) else {
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
        let sent = prepare(&datasource(auth), &get("/"), None, now()).unwrap().redacted();
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
        let prepared = prepare(&datasource(AuthConfig::None), &spec, None, now()).unwrap();
        assert_eq!(prepared.method, Method::POST);
        assert_eq!(prepared.headers[CONTENT_TYPE], "application/x-www-form-urlencoded");
        assert_eq!(prepared.body, PreparedBody::Bytes(b"a+b=c%26d".to_vec()));
    }

    /// `datasource(auth)` resolved in a `staging` environment with these variables.
    fn in_staging(auth: AuthConfig, variables: Vec<Variable>) -> Datasource {
        let env = EnvironmentConfig { name: "staging".into(), production: false, variables };
        let active = ActiveEnvironment {
            id: EnvironmentId::new("env_staging"),
            name: "staging".into(),
            production: false,
            variables: Variables::of(&env),
        };
        Datasource { environment: Some(std::sync::Arc::new(active)), ..datasource(auth) }
    }

    #[test]
    fn the_signature_is_issued_at_the_time_passed_in() {
        let mut ds = datasource(AuthConfig::None);
        ds.config.send_signature_header = true;
        ds.config.signature_secret = "sig-secret".into();
        let prepared = prepare(&ds, &get("/"), None, now()).unwrap();
        let jwt = prepared.headers[signature::SIGNATURE_HEADER].to_str().unwrap();
        let claims = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(jwt.split('.').nth(1).unwrap()).unwrap();
        let claims: serde_json::Value = serde_json::from_slice(&claims).unwrap();
        assert_eq!(claims["iat"], 1_700_000_000, "the clock is a parameter, not read inside: {claims}");
    }

    #[test]
    fn the_request_is_resolved_before_the_origin_check() {
        let vars = vec![
            Variable::plain("item", "42"),
            Variable::plain("elsewhere", "https://evil.example.net/v1/steal"),
            Variable::plain("same", "https://api.example.com/v1"),
        ];
        let ds = in_staging(AuthConfig::Bearer(BearerAuth { token: "t".into() }), vars);
        let mut spec = get("/items/{{item}}");
        spec.query_params = vec![KeyValue::new("q", "{{item}}")];
        let prepared = prepare(&ds, &spec, None, now()).unwrap();
        assert_eq!(prepared.url.path(), "/v1/items/42");
        assert!(prepared.url.query_pairs().any(|(k, v)| k == "q" && v == "42"), "{}", prepared.url);
        let err = prepare(&ds, &get("{{elsewhere}}"), None, now()).unwrap_err();
        assert!(matches!(err, Error::CrossOrigin { .. }), "a variable cannot move the request elsewhere: {err}");
        let same = prepare(&ds, &get("{{same}}/x"), None, now()).unwrap();
        assert_eq!(same.url.path(), "/v1/x", "a variable holding the datasource's own origin is fine");
        let Err(Error::Invalid(errors)) = prepare(&ds, &get("/items/{{nope}}"), None, now()) else {
            panic!("an unknown variable is refused")
        };
        assert_eq!(errors[0].field, "path");
        assert!(errors[0].message.contains("`{{nope}}`") && errors[0].message.contains("staging"), "{errors:?}");
    }

    #[test]
    fn secret_variable_values_are_redacted_wherever_they_went_and_sent_as_they_are() {
        let vars = vec![Variable::secret("apiKey", "s3cr et/é".into()), Variable::plain("team", "core")];
        let ds = in_staging(AuthConfig::None, vars);
        let spec = RequestSpec {
            method: "POST".into(),
            path: "/keys/{{apiKey}}".into(),
            headers: vec![KeyValue::new("X-Key", "k={{apiKey}}"), KeyValue::new("X-Team", "{{team}}")],
            query_params: vec![KeyValue::new("key", "{{apiKey}}")],
            body: RequestBody::Json { text: r#"{"key":"{{apiKey}}","team":"{{team}}"}"#.into() },
        };
        let prepared = prepare(&ds, &spec, None, now()).unwrap();
        assert_eq!(prepared.headers["x-key"], "k=s3cr et/é", "the real value is sent");
        assert_eq!(prepared.body, PreparedBody::Bytes(r#"{"key":"s3cr et/é","team":"core"}"#.as_bytes().to_vec()));
        assert!(prepared.url.query_pairs().any(|(k, v)| k == "key" && v == "s3cr et/é"), "{}", prepared.url);
        let sent = prepared.redacted();
        let text = serde_json::to_string(&sent).unwrap();
        for form in ["s3cr", "%C3%A9", "é"] {
            assert!(!text.contains(form), "`{form}` of the secret is shown: {text}");
        }
        assert_eq!(
            sent.url,
            "https://api.example.com/v1/keys/<redacted>?api-version=2&region=eu&page=1&key=<redacted>"
        );
        assert!(sent.headers.iter().any(|h| h.key == "x-key" && h.value == "k=<redacted>"), "{text}");
        assert!(sent.headers.iter().any(|h| h.key == "x-team" && h.value == "core"), "plain variables are shown");
        assert_eq!(sent.body, r#"{"key":"<redacted>","team":"core"}"#);

        let form = RequestSpec {
            method: "POST".into(),
            body: RequestBody::FormUrlencoded { fields: vec![KeyValue::new("key", "{{apiKey}}")] },
            ..get("/")
        };
        assert_eq!(prepare(&ds, &form, None, now()).unwrap().redacted().body, "key=<redacted>", "form-encoded too");
    }

    #[test]
    fn redaction_replaces_overlapping_values_in_one_pass() {
        let redaction = Redaction::of(&[Secret::new("abc"), Secret::new("abcdef"), Secret::new("e")]);
        assert_eq!(redaction.apply("x-abcdef-abc-e"), "x-<redacted>-<redacted>-<redacted>");
        assert!(matches!(redaction.apply("xyz, 123"), Cow::Borrowed(_)));
    }
}
