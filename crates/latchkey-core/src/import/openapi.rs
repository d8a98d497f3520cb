//! OpenAPI 3.0 / 3.1 descriptions (JSON or YAML) as an import plan: one datasource on the first
//! server, its
//! authentication from `components.securitySchemes`, and one saved query per operation.
//!
//! The first server's variables: the datasource's URL takes their defaults, and an environment
//! named after the API holds them as variables, with the datasource's URL there as
//! `https://{{var}}…` (an environment override), so switching to it templates the URL.
//!
//! A description never holds a secret, nor the identifiers of a client (a Client ID, a
//! username): the datasource is stored as "needs setup" for them, each listed with what to enter. Errors name the file and the JSON
//! pointer of what is refused. Local `$ref`s (`#/…`) are followed; other references are not.

use serde_json::Value;

use super::{
    free_name, lean, DatasourceAction, Dropped, ImportPlan, PlannedDatasource, PlannedEnvironment, PlannedQuery, Source,
};
use crate::model::{
    ApiKeyAuth, AuthConfig, BasicAuth, BearerAuth, ConfigOverrides, DatasourceConfig, DatasourceSummary,
    EnvironmentConfig, GrantType, KeyPlacement, KeyValue, OAuth2Config, RequestBody, RequestSpec, Variable,
    VariableValue,
};

use crate::{Error, FieldError, Result, SecretField};

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// An error on the JSON pointer `pointer` of `file`.
fn refused(file: &str, pointer: &str, message: impl Into<String>) -> Error {
    Error::Invalid(vec![FieldError::new(
        format!("{file}, {}", if pointer.is_empty() { "/" } else { pointer }),
        message,
    )])
}

/// `key` escaped for a JSON pointer (RFC 6901).
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// The document as JSON, read as JSON or else as YAML (YAML keys that are numbers, such as
/// response codes, become strings).
fn read(source: Source<'_>) -> Result<Value> {
    lean::document(source, read_part)
}

/// What of a description is read: not its responses, and of a schema only what a query takes
/// from it (its `example` and `default`, and a `$ref` to follow to them).
fn read_part(path: &[String], key: &str) -> lean::Part {
    const SCHEMA: &[&str] = &["example", "default", "$ref"];
    let at = |i: usize, name: &str| path.get(i).is_some_and(|k| k == name);
    match (path.len(), key) {
        (3, "responses") if at(0, "paths") => lean::Part::Skip,
        (0, "responses") | (1, "responses") if path.is_empty() || at(0, "components") => lean::Part::Skip,
        (2, _) if at(0, "components") && at(1, "schemas") => lean::Part::Only(SCHEMA),
        (1, _) if at(0, "definitions") => lean::Part::Only(SCHEMA),
        (_, "schema") => lean::Part::Only(SCHEMA),
        _ => lean::Part::Keep,
    }
}

/// The document being read, for following `$ref`s.
struct Doc<'a> {
    root: &'a Value,
    file: &'a str,
}

impl Doc<'_> {
    /// `value`, or what its local `$ref` points to (followed up to 16 times).
    fn deref<'v>(&'v self, mut value: &'v Value, pointer: &str) -> Result<&'v Value> {
        for _ in 0..16 {
            let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
                return Ok(value);
            };
            let Some(local) = reference.strip_prefix('#') else {
                return Err(refused(
                    self.file,
                    pointer,
                    format!(
                        "`$ref` to another file ({reference}) is not followed: bundle the description into one file"
                    ),
                ));
            };
            value = self.root.pointer(local).ok_or_else(|| {
                refused(
                    self.file,
                    pointer,
                    format!("`$ref` {reference} points to nothing in this file: fix the reference"),
                )
            })?;
        }
        Err(refused(self.file, pointer, "`$ref`s refer to each other in a loop: fix the references"))
    }
}

/// Plans the import of an OpenAPI description.
///
/// # Errors
/// [`Error::Format`] when the text does not read; [`Error::Invalid`] naming
/// the file and the JSON pointer of a refused part (no usable server, a broken `$ref`).
pub fn plan(source: Source<'_>, existing: &[DatasourceSummary]) -> Result<ImportPlan> {
    let root = read(source)?;
    let file = source.name;
    let root = match root.get("swagger") {
        None => root,
        Some(Value::String(v)) if v.starts_with("2.") => from_swagger2(&root, file)?,
        Some(other) => {
            let v = other.as_str().map_or_else(|| other.to_string(), str::to_owned);
            return Err(refused(
                file,
                "/swagger",
                format!("Swagger {v} is not supported: use Swagger 2.0 or OpenAPI 3"),
            ));
        }
    };
    let doc = Doc { root: &root, file };
    let version = match root.get("openapi") {
        Some(Value::String(v)) => v.clone(),
        Some(other) => other.to_string(),
        None => return Err(refused(file, "/openapi", "no `openapi` version: this is not an OpenAPI description")),
    };
    if !(version.starts_with("3.0") || version.starts_with("3.1")) {
        return Err(refused(file, "/openapi", format!("OpenAPI {version} is not supported: use 3.0 or 3.1")));
    }
    let mut dropped = Vec::new();
    let title = root.pointer("/info/title").and_then(Value::as_str).map(str::trim).filter(|t| !t.is_empty());

    // Servers: the first is the base URL; its variables become an environment's variables.
    let (url, variables, server_pointer) = server(&doc, &mut dropped)?;
    let base = substituted(&url, &variables);
    let host =
        url::Url::parse(&base).ok().and_then(|u| u.host_str().map(str::to_owned)).unwrap_or_else(|| "api".to_owned());
    let name = free_name(title.unwrap_or(&host), existing, &[]);

    let (auth, auth_mapping, mut needs_setup, scheme_pointer) = choose_auth(&doc, &mut dropped)?;
    let mut config = DatasourceConfig { name: name.clone(), url: base.clone(), auth, ..Default::default() };
    if base != url {
        config.environments.insert(name.clone(), ConfigOverrides { url: Some(url), ..Default::default() });
    }
    let mut queries = Vec::new();
    if let Some(paths) = root.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let item_pointer = format!("/paths/{}", escape(path));
            let item = doc.deref(item, &item_pointer)?;
            let shared = item.get("parameters");
            for method in METHODS {
                let Some(operation) = item.get(method) else { continue };
                let pointer = format!("{item_pointer}/{method}");
                queries.push(operation_query(&doc, path, method, operation, shared, &pointer, &queries)?);
            }
        }
    }
    let mut first = config.auth.missing_identifiers();
    first.append(&mut needs_setup);
    let mut needs_setup = first;
    for mut e in config.missing_secrets() {
        if !needs_setup_has(&needs_setup, &e.field) {
            e.message.push_str(": an OpenAPI description carries no secrets");
            needs_setup.push(e);
        }
    }
    // What the description set that a save would refuse, by the pointer it came from (an
    // issuer's endpoints are checked after discovery, by `import::plan_discovering`).
    let discovered = matches!(&config.auth, AuthConfig::OAuth2(o) if !o.issuer.is_empty());
    if let Err(found) = config.validate() {
        let refused: Vec<FieldError> = found
            .into_iter()
            .filter(|e| {
                let later = discovered && e.field.starts_with("auth.");
                !(later || needs_setup_has(&needs_setup, &e.field))
            })
            .map(|e| {
                let at =
                    if e.field.starts_with("auth.") { scheme_pointer.clone() } else { format!("{server_pointer}/url") };
                FieldError::new(format!("{file}, {at}: {}", e.field), e.message)
            })
            .collect();
        if !refused.is_empty() {
            return Err(Error::Invalid(refused));
        }
    }
    let environments = if variables.is_empty() {
        Vec::new()
    } else {
        vec![PlannedEnvironment {
            config: EnvironmentConfig { name: name.clone(), production: false, variables },
            item: format!("{server_pointer}/variables"),
        }]
    };
    Ok(ImportPlan {
        source: file.to_owned(),
        format: super::Format::Openapi,
        datasources: vec![PlannedDatasource {
            action: DatasourceAction::Create,
            existing_id: None,
            config,
            sets_auth: false,
            queries,
            auth_mapping,
            secrets: Vec::new(),
            needs_setup,
            item: "/".to_owned(),
        }],
        environments,
        dropped,
    })
}

/// `url` with each `{{var}}` of `variables` replaced by its value.
fn substituted(url: &str, variables: &[Variable]) -> String {
    let mut out = url.to_owned();
    for var in variables {
        if let VariableValue::Plain(value) = &var.value {
            out = out.replace(&format!("{{{{{}}}}}", var.key), value);
        }
    }
    out
}

/// A Swagger 2.0 document in the shape of OpenAPI 3 (what this module reads): `schemes`, `host`
/// and `basePath` as the server; `securityDefinitions` as security schemes (`accessCode` is the
/// authorization code flow, `application` client credentials); a `body` parameter's example as
/// the request body. Pointers in errors are then those of the OpenAPI 3 shape, except for `/host`.
fn from_swagger2(root: &Value, file: &str) -> Result<Value> {
    let doc = Doc { root, file };
    let mut out = serde_json::Map::new();
    out.insert("openapi".to_owned(), Value::from("3.0.0"));
    if let Some(info) = root.get("info") {
        out.insert("info".to_owned(), info.clone());
    }
    let host = text(root, "host");
    if host.is_empty() {
        return Err(refused(file, "/host", "no `host`: add the API's host (`host: api.example.com`)"));
    }
    let schemes: Vec<&str> = root
        .get("schemes")
        .and_then(Value::as_array)
        .map(|s| s.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let scheme = if schemes.is_empty() || schemes.contains(&"https") { "https" } else { schemes[0] };
    let url = format!("{scheme}://{host}{}", text(root, "basePath"));
    out.insert("servers".to_owned(), serde_json::json!([{ "url": url }]));
    if let Some(security) = root.get("security") {
        out.insert("security".to_owned(), security.clone());
    }
    let mut schemes_out = serde_json::Map::new();
    if let Some(defs) = root.get("securityDefinitions").and_then(Value::as_object) {
        for (key, def) in defs {
            let def = doc.deref(def, &format!("/securityDefinitions/{}", escape(key)))?;
            let converted = match text(def, "type") {
                "basic" => serde_json::json!({"type": "http", "scheme": "basic"}),
                "oauth2" => {
                    let flow = match text(def, "flow") {
                        "accessCode" => "authorizationCode",
                        "application" => "clientCredentials",
                        other => other,
                    };
                    let mut f = serde_json::Map::new();
                    for field in ["authorizationUrl", "tokenUrl", "scopes"] {
                        if let Some(v) = def.get(field) {
                            f.insert(field.to_owned(), v.clone());
                        }
                    }
                    serde_json::json!({"type": "oauth2", "flows": { flow: f }})
                }
                _ => def.clone(),
            };
            schemes_out.insert(key.clone(), converted);
        }
    }
    out.insert("components".to_owned(), serde_json::json!({ "securitySchemes": schemes_out }));
    let mut paths_out = serde_json::Map::new();
    if let Some(paths) = root.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let item_pointer = format!("/paths/{}", escape(path));
            let item = doc.deref(item, &item_pointer)?;
            let mut item_out = serde_json::Map::new();
            if let Some(shared) = item.get("parameters") {
                item_out
                    .insert("parameters".to_owned(), Value::Array(swagger2_parameters(&doc, shared, &item_pointer)?.0));
            }
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let pointer = format!("{item_pointer}/{method}");
                let mut op_out = doc.deref(op, &pointer)?.as_object().cloned().unwrap_or_default();
                if let Some(params) = op.get("parameters") {
                    let (params, body) = swagger2_parameters(&doc, params, &pointer)?;
                    op_out.insert("parameters".to_owned(), Value::Array(params));
                    if let Some(example) = body {
                        op_out.insert(
                            "requestBody".to_owned(),
                            serde_json::json!({"content": {"application/json": {"example": example}}}),
                        );
                    }
                }
                item_out.insert(method.to_owned(), Value::Object(op_out));
            }
            paths_out.insert(path.clone(), Value::Object(item_out));
        }
    }
    out.insert("paths".to_owned(), Value::Object(paths_out));
    Ok(Value::Object(out))
}

/// Swagger 2.0 parameters (their `$ref`s followed), without the `body` one, and that body's
/// example when it has one (`x-example`, or its schema's `example`).
fn swagger2_parameters(doc: &Doc<'_>, list: &Value, pointer: &str) -> Result<(Vec<Value>, Option<Value>)> {
    let mut params = Vec::new();
    let mut body = None;
    for (i, param) in list.as_array().map(Vec::as_slice).unwrap_or_default().iter().enumerate() {
        let at = format!("{pointer}/parameters/{i}");
        let param = doc.deref(param, &at)?;
        if text(param, "in") == "body" {
            body = match param.get("x-example") {
                Some(example) => Some(example.clone()),
                None => match param.get("schema") {
                    Some(schema) => doc.deref(schema, &format!("{at}/schema"))?.get("example").cloned(),
                    None => None,
                },
            };
        } else if text(param, "in") != "formData" {
            params.push(param.clone());
        }
    }
    Ok((params, body))
}

/// `{name}` → `{{name}}` (server URLs and paths).
fn templated(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let Some(len) = rest[open..].find('}') else { break };
        let inner = &rest[open + 1..open + len];
        out.push_str(&rest[..open]);
        if inner.starts_with('{') || inner.is_empty() {
            out.push_str(&rest[open..=open + len]);
        } else {
            out.push_str("{{");
            out.push_str(inner.trim());
            out.push_str("}}");
        }
        rest = &rest[open + len + 1..];
    }
    out.push_str(rest);
    out
}

/// The datasource's URL from `servers`, its variables, and the pointer of the server chosen.
fn server(doc: &Doc<'_>, dropped: &mut Vec<Dropped>) -> Result<(String, Vec<Variable>, String)> {
    let servers = doc.root.get("servers").and_then(Value::as_array).cloned().unwrap_or_default();
    if servers.is_empty() {
        return Err(refused(
            doc.file,
            "/servers",
            "no `servers`: add one with the API's absolute base URL (`servers: [{url: https://…}]`)",
        ));
    }
    let url_of = |server: &Value| server.get("url").and_then(Value::as_str).unwrap_or_default().trim().to_owned();
    // The first https server, else the first: a description listing `http://` first (Amazon's
    // do) would otherwise send credentials in the clear.
    let chosen = servers.iter().position(|s| url_of(s).starts_with("https://")).unwrap_or(0);
    let first = &servers[chosen];
    let url = templated(url_of(first).trim_end_matches('/'));
    let probe = url.replace("{{", "x").replace("}}", "x");
    if !matches!(url::Url::parse(&probe), Ok(u) if u.has_host() && matches!(u.scheme(), "http" | "https")) {
        return Err(refused(
            doc.file,
            &format!("/servers/{chosen}/url"),
            "the first server's URL is not an absolute http(s) URL: make it one (a relative URL has no host to call)",
        ));
    }
    let mut variables = Vec::new();
    if let Some(vars) = first.get("variables").and_then(Value::as_object) {
        for (key, var) in vars {
            let default = var.get("default").and_then(Value::as_str).unwrap_or_default();
            variables.push(Variable::plain(key.clone(), default));
        }
    }
    for (i, other) in servers.iter().enumerate().filter(|(i, _)| *i != chosen) {
        let reason = if i < chosen {
            "plain http: the first https server became the datasource's URL"
        } else {
            "only one server becomes the datasource's URL: edit the URL (or an environment) to use this one"
        };
        dropped.push(Dropped { item: format!("/servers/{i}"), what: url_of(other), reason: reason.to_owned() });
    }
    Ok((url, variables, format!("/servers/{chosen}")))
}

fn needs_setup_has(list: &[FieldError], field: &str) -> bool {
    list.iter().any(|e| e.field == field)
}

/// One candidate scheme mapped, or why it cannot be.
struct Mapped {
    auth: AuthConfig,
    how: String,
    needs_setup: Vec<FieldError>,
}

fn scopes_of(flow: &Value) -> Vec<String> {
    flow.get("scopes").and_then(Value::as_object).map(|s| s.keys().cloned().collect()).unwrap_or_default()
}

fn text<'v>(value: &'v Value, key: &str) -> &'v str {
    value.get(key).and_then(Value::as_str).unwrap_or_default().trim()
}

/// What `scheme` (at `pointer`) maps to, or the reason it does not.
fn map_scheme(
    name: &str,
    scheme: &Value,
    pointer: &str,
    dropped: &mut Vec<Dropped>,
) -> std::result::Result<Mapped, String> {
    match text(scheme, "type") {
        "apiKey" if !text(scheme, "x-amazon-apigateway-authtype").is_empty() => Err(format!(
            "an API Gateway authorizer (`x-amazon-apigateway-authtype: {}`) signs each request (AWS Signature \
             Version 4), which Latchkey does not do",
            text(scheme, "x-amazon-apigateway-authtype")
        )),
        "apiKey" => {
            let add_to = match text(scheme, "in") {
                "header" => KeyPlacement::Header,
                "query" => KeyPlacement::Query,
                other => return Err(format!("an API key in `{other}` is not supported (only header or query)")),
            };
            let key = text(scheme, "name");
            if key.is_empty() {
                return Err("the API key scheme names no parameter (`name`)".to_owned());
            }
            Ok(Mapped {
                how: format!(
                    "`{name}`: API key in the {} `{key}`",
                    if add_to == KeyPlacement::Header { "header" } else { "query parameter" }
                ),
                auth: AuthConfig::ApiKey(ApiKeyAuth {
                    key: key.to_owned(),
                    value: SecretField::Empty,
                    add_to,
                    header_prefix: String::new(),
                }),
                needs_setup: Vec::new(),
            })
        }
        "http" => match text(scheme, "scheme").to_ascii_lowercase().as_str() {
            "basic" => Ok(Mapped {
                how: format!("`{name}`: HTTP Basic"),
                auth: AuthConfig::Basic(BasicAuth { username: String::new(), password: SecretField::Empty }),
                needs_setup: vec![FieldError::new("auth.password", "enter the password (when the API asks for one)")],
            }),
            "bearer" => Ok(Mapped {
                how: format!("`{name}`: bearer token"),
                auth: AuthConfig::Bearer(BearerAuth { token: SecretField::Empty }),
                needs_setup: Vec::new(),
            }),
            other => Err(format!("HTTP `{other}` authentication is not supported (only basic and bearer)")),
        },
        "oauth2" => {
            let flows = scheme.get("flows").cloned().unwrap_or(Value::Null);
            let chosen = [
                ("authorizationCode", GrantType::AuthorizationCode),
                ("clientCredentials", GrantType::ClientCredentials),
                ("password", GrantType::Password),
            ]
            .into_iter()
            .find(|(key, _)| flows.get(*key).is_some());
            let Some((flow_key, grant)) = chosen else {
                return Err(
                    "none of its OAuth 2.0 flows is supported (authorizationCode, clientCredentials, password; \
                            the implicit flow is not)"
                        .to_owned(),
                );
            };
            let flow = &flows[flow_key];
            let o = OAuth2Config {
                grant_type: grant,
                access_token_url: text(flow, "tokenUrl").to_owned(),
                authorization_url: text(flow, "authorizationUrl").to_owned(),
                scopes: scopes_of(flow),
                ..Default::default()
            };
            let mut needs_setup = Vec::new();
            if grant != GrantType::Password {
                needs_setup.push(FieldError::new(
                    "auth.clientSecret",
                    "enter the Client Secret when your client has one: the description carries none",
                ));
            }
            let refresh = text(flow, "refreshUrl");
            let mut how = format!("`{name}`: OAuth 2.0 {flow_key} flow");
            if !refresh.is_empty() && refresh != o.access_token_url {
                how.push_str(" (its refreshUrl is not used: Latchkey refreshes at the token URL)");
                dropped.push(Dropped {
                    item: format!("{pointer}/flows/{flow_key}/refreshUrl"),
                    what: "refreshUrl".to_owned(),
                    reason: "Latchkey refreshes tokens at the token URL".to_owned(),
                });
            }
            if let Some(map) = flows.as_object() {
                for other in map.keys().filter(|k| k.as_str() != flow_key) {
                    dropped.push(Dropped {
                        item: format!("{pointer}/flows/{}", escape(other)),
                        what: format!("OAuth 2.0 {other} flow"),
                        reason: format!(
                            "one flow per datasource: {flow_key} was chosen (authorizationCode, then \
                                         clientCredentials, then password)"
                        ),
                    });
                }
            }
            Ok(Mapped { auth: AuthConfig::OAuth2(Box::new(o)), how, needs_setup })
        }
        "openIdConnect" => {
            let url = text(scheme, "openIdConnectUrl");
            if url.is_empty() {
                return Err("the OpenID Connect scheme has no `openIdConnectUrl`".to_owned());
            }
            let issuer = url.trim_end_matches('/').trim_end_matches("/.well-known/openid-configuration").to_owned();
            let o = OAuth2Config {
                grant_type: GrantType::AuthorizationCode,
                issuer: issuer.clone(),
                scopes: vec!["openid".to_owned()],
                ..Default::default()
            };
            Ok(Mapped {
                auth: AuthConfig::OAuth2(Box::new(o)),
                how: format!(
                    "`{name}`: OpenID Connect, authorization code flow with the issuer {issuer} (endpoints by discovery)"
                ),
                needs_setup: Vec::new(),
            })
        }
        "" => Err("the scheme has no `type`".to_owned()),
        other => Err(format!("`{other}` authentication is not supported")),
    }
}

/// The authentication: the first scheme Latchkey supports, taken in the order of the
/// top-level `security` requirements, then of `components.securitySchemes`.
/// Also returns the chosen scheme's pointer (empty for none), for errors in what it set.
fn choose_auth(doc: &Doc<'_>, dropped: &mut Vec<Dropped>) -> Result<(AuthConfig, String, Vec<FieldError>, String)> {
    let Some(schemes) = doc.root.pointer("/components/securitySchemes").and_then(Value::as_object) else {
        return Ok((
            AuthConfig::None,
            "none: the description has no securitySchemes".to_owned(),
            Vec::new(),
            String::new(),
        ));
    };
    let mut order: Vec<(String, bool)> = Vec::new();
    if let Some(requirements) = doc.root.get("security").and_then(Value::as_array) {
        for requirement in requirements {
            if let Some(map) = requirement.as_object() {
                for key in map.keys() {
                    if !order.iter().any(|(k, _)| k == key) && schemes.contains_key(key) {
                        order.push((key.clone(), true));
                    }
                }
            }
        }
    }
    for key in schemes.keys() {
        if !order.iter().any(|(k, _)| k == key) {
            order.push((key.clone(), false));
        }
    }
    let mut chosen: Option<(Mapped, String, bool)> = None;
    let mut unsupported = Vec::new();
    for (key, required) in order {
        let pointer = format!("/components/securitySchemes/{}", escape(&key));
        let scheme = doc.deref(&schemes[&key], &pointer)?;
        if chosen.is_some() {
            let reason = match map_scheme(&key, scheme, &pointer, &mut Vec::new()) {
                Ok(_) => format!(
                    "one authentication per datasource: `{}` was chosen",
                    chosen.as_ref().map(|c| c.1.as_str()).unwrap_or_default()
                ),
                Err(why) => why,
            };
            dropped.push(Dropped { item: pointer, what: format!("security scheme `{key}`"), reason });
            continue;
        }
        match map_scheme(&key, scheme, &pointer, dropped) {
            Ok(mapped) => chosen = Some((mapped, key, required)),
            Err(why) => {
                unsupported.push(key.clone());
                dropped.push(Dropped { item: pointer, what: format!("security scheme `{key}`"), reason: why });
            }
        }
    }
    let Some((mapped, key, required)) = chosen else {
        return Ok((
            AuthConfig::None,
            "none: no security scheme of the description is supported".to_owned(),
            Vec::new(),
            String::new(),
        ));
    };
    let mut how = mapped.how;
    how.push_str(if required {
        ", chosen as the first supported scheme of the description's `security` requirements"
    } else {
        ", chosen as the first supported scheme of components.securitySchemes (the description requires none)"
    });
    if !unsupported.is_empty() {
        how.push_str(&format!(" (skipped as unsupported: {})", unsupported.join(", ")));
    }
    Ok((mapped.auth, how, mapped.needs_setup, format!("/components/securitySchemes/{}", escape(&key))))
}

fn operation_query(
    doc: &Doc<'_>,
    path: &str,
    method: &str,
    operation: &Value,
    shared: Option<&Value>,
    pointer: &str,
    taken: &[PlannedQuery],
) -> Result<PlannedQuery> {
    let operation = doc.deref(operation, pointer)?;
    let mut query_params = Vec::new();
    let mut headers = Vec::new();
    let lists = [
        (shared, pointer.rsplit_once('/').map(|(p, _)| format!("{p}/parameters")).unwrap_or_default()),
        (operation.get("parameters"), format!("{pointer}/parameters")),
    ];
    for (list, list_pointer) in lists {
        let Some(list) = list.and_then(Value::as_array) else { continue };
        for (i, param) in list.iter().enumerate() {
            let param = doc.deref(param, &format!("{list_pointer}/{i}"))?;
            let required = param.get("required").and_then(Value::as_bool).unwrap_or(false);
            let name = text(param, "name");
            if !required || name.is_empty() {
                continue;
            }
            let value = param
                .get("example")
                .or_else(|| param.get("x-example"))
                .or_else(|| param.get("default"))
                .or_else(|| param.pointer("/schema/default"))
                .or_else(|| param.pointer("/schema/example"))
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .unwrap_or_else(|| format!("{{{{{name}}}}}"));
            match text(param, "in") {
                "query" => {
                    query_params.retain(|kv: &KeyValue| kv.key != name);
                    query_params.push(KeyValue::new(name, value));
                }
                "header" if !name.eq_ignore_ascii_case("authorization") => {
                    headers.retain(|kv: &KeyValue| kv.key != name);
                    headers.push(KeyValue::new(name, value));
                }
                _ => {}
            }
        }
    }
    let body = example_body(doc, operation, pointer)?;
    let base = match text(operation, "operationId") {
        "" => format!("{} {path}", method.to_ascii_uppercase()),
        id => id.to_owned(),
    };
    let name = if taken.iter().any(|q| q.name.eq_ignore_ascii_case(&base)) {
        (2..)
            .map(|n| format!("{base} ({n})"))
            .find(|n| !taken.iter().any(|q| q.name.eq_ignore_ascii_case(n)))
            .expect("free")
    } else {
        base
    };
    let group = operation.get("tags").and_then(Value::as_array).and_then(|t| t.first()).and_then(Value::as_str);
    Ok(PlannedQuery {
        name,
        group: group.map(str::to_owned),
        request: RequestSpec {
            method: method.to_ascii_uppercase(),
            path: templated(path),
            headers,
            query_params,
            body,
        },
        item: pointer.to_owned(),
    })
}

/// The JSON example of the operation's request body, when the description gives one.
fn example_body(doc: &Doc<'_>, operation: &Value, pointer: &str) -> Result<RequestBody> {
    let Some(body) = operation.get("requestBody") else { return Ok(RequestBody::None) };
    let body = doc.deref(body, &format!("{pointer}/requestBody"))?;
    let Some(content) = body.get("content").and_then(Value::as_object) else { return Ok(RequestBody::None) };
    let Some((media_type, media)) = content.iter().find(|(k, _)| k.contains("json")) else {
        return Ok(RequestBody::None);
    };
    let media_pointer = format!("{pointer}/requestBody/content/{}", escape(media_type));
    let example = match media.get("example") {
        Some(example) => Some(example.clone()),
        None => match media.get("examples").and_then(Value::as_object).and_then(|e| e.iter().next()) {
            Some((key, example)) => {
                let example = doc.deref(example, &format!("{media_pointer}/examples/{}", escape(key)))?;
                example.get("value").cloned()
            }
            None => match media.get("schema") {
                Some(schema) => doc.deref(schema, &format!("{media_pointer}/schema"))?.get("example").cloned(),
                None => None,
            },
        },
    };
    Ok(match example {
        Some(example) => RequestBody::Json { text: serde_json::to_string_pretty(&example).unwrap_or_default() },
        None => RequestBody::None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AuthType;

    fn plan_of(text: &str) -> Result<ImportPlan> {
        super::super::plan(Source { name: "api.yaml", text }, Some(super::super::Format::Openapi), &[])
    }

    const PETS: &str = r#"
openapi: 3.0.3
info: {title: Pets}
servers:
  - url: https://{region}.pets.example/v1/
    variables:
      region: {default: eu}
  - url: https://staging.pets.example/v1
paths:
  /pets/{petId}:
    parameters:
      - {name: petId, in: path, required: true}
    get:
      operationId: getPet
      tags: [pets]
      parameters:
        - {name: fields, in: query, required: true}
        - {name: page, in: query}
      responses:
        200: {description: ok}
    delete:
      responses:
        204: {description: gone}
  /pets:
    post:
      operationId: addPet
      requestBody:
        content:
          application/json:
            example: {name: Rex}
      responses:
        201: {description: ok}
"#;

    #[test]
    fn servers_paths_parameters_and_bodies_are_mapped() {
        let plan = plan_of(PETS).unwrap();
        let ds = &plan.datasources[0];
        assert_eq!(ds.config.name, "Pets");
        assert_eq!(ds.config.url, "https://eu.pets.example/v1");
        assert_eq!(ds.config.environments["Pets"].url.as_deref(), Some("https://{{region}}.pets.example/v1"));
        assert_eq!(plan.environments[0].config.name, "Pets");
        assert_eq!(plan.environments[0].config.variables, vec![Variable::plain("region", "eu")]);
        assert_eq!(plan.dropped[0].item, "/servers/1");
        let get = ds.queries.iter().find(|q| q.name == "getPet").unwrap();
        assert_eq!(get.request.path, "/pets/{{petId}}");
        assert_eq!(get.request.query_params, vec![KeyValue::new("fields", "{{fields}}")]);
        assert_eq!(get.group.as_deref(), Some("pets"));
        assert_eq!(get.item, "/paths/~1pets~1{petId}/get");
        assert!(ds.queries.iter().any(|q| q.name == "DELETE /pets/{petId}" && q.request.method == "DELETE"));
        let add = ds.queries.iter().find(|q| q.name == "addPet").unwrap();
        assert!(
            matches!(&add.request.body, RequestBody::Json { text } if text.contains("\"Rex\"")),
            "{:?}",
            add.request.body
        );
        assert_eq!(ds.config.auth, AuthConfig::None);
    }

    fn with_schemes(schemes: &str, security: &str) -> String {
        format!(
            "openapi: 3.1.0\ninfo: {{title: T}}\nservers: [{{url: 'https://api.example'}}]\n{security}\
             components:\n  securitySchemes:\n{schemes}"
        )
    }

    #[test]
    fn api_key_basic_and_bearer_schemes_are_mapped_as_needing_setup() {
        let plan = plan_of(&with_schemes("    k: {type: apiKey, in: query, name: key}\n", "")).unwrap();
        let ds = &plan.datasources[0];
        assert!(matches!(&ds.config.auth, AuthConfig::ApiKey(k) if k.key == "key" && k.add_to == KeyPlacement::Query));
        assert_eq!(ds.needs_setup.last().unwrap().field, "auth.value");
        assert!(ds.secrets.is_empty());
        let plan = plan_of(&with_schemes("    b: {type: http, scheme: basic}\n", "")).unwrap();
        assert_eq!(plan.datasources[0].config.auth.kind(), AuthType::Basic);
        let plan = plan_of(&with_schemes("    b: {type: http, scheme: bearer}\n", "")).unwrap();
        assert_eq!(plan.datasources[0].config.auth.kind(), AuthType::Bearer);
        assert_eq!(plan.datasources[0].needs_setup[0].field, "auth.token");
    }

    #[test]
    fn oauth2_flows_are_mapped_with_their_urls_and_scopes() {
        let schemes = "    o:\n      type: oauth2\n      flows:\n        implicit: {authorizationUrl: 'https://id.example/a', scopes: {}}\n        clientCredentials:\n          tokenUrl: https://id.example/token\n          refreshUrl: https://id.example/refresh\n          scopes: {read: r, write: w}\n";
        let plan = plan_of(&with_schemes(schemes, "")).unwrap();
        let ds = &plan.datasources[0];
        let AuthConfig::OAuth2(o) = &ds.config.auth else { panic!("{:?}", ds.config.auth) };
        assert_eq!(o.grant_type, GrantType::ClientCredentials);
        assert_eq!(o.access_token_url, "https://id.example/token");
        assert_eq!(o.scopes, ["read", "write"]);
        assert_eq!(o.client_id, "");
        assert!(ds.needs_setup.iter().any(|e| e.field == "auth.clientId"));
        assert!(plan.dropped.iter().any(|d| d.what == "refreshUrl"));
        assert!(plan.dropped.iter().any(|d| d.what == "OAuth 2.0 implicit flow"));
        let code = "    o:\n      type: oauth2\n      flows:\n        password: {tokenUrl: 'https://id.example/t', scopes: {}}\n        authorizationCode: {authorizationUrl: 'https://id.example/a', tokenUrl: 'https://id.example/t', scopes: {}}\n";
        let plan = plan_of(&with_schemes(code, "")).unwrap();
        let AuthConfig::OAuth2(o) = &plan.datasources[0].config.auth else { panic!() };
        assert_eq!(o.grant_type, GrantType::AuthorizationCode);
        assert_eq!(o.authorization_url, "https://id.example/a");
        let password = "    o: {type: oauth2, flows: {password: {tokenUrl: 'https://id.example/t', scopes: {}}}}\n";
        let plan = plan_of(&with_schemes(password, "")).unwrap();
        let AuthConfig::OAuth2(o) = &plan.datasources[0].config.auth else { panic!() };
        assert_eq!(o.grant_type, GrantType::Password);
        assert!(plan.datasources[0].needs_setup.iter().any(|e| e.field == "auth.password"));
    }

    #[test]
    fn open_id_connect_takes_the_issuer_from_its_url() {
        let schemes = "    oidc: {type: openIdConnect, openIdConnectUrl: 'https://id.example/.well-known/openid-configuration'}\n";
        // The endpoints come from discovery (`plan_discovering`), so the unchecked plan.
        let plan = super::plan(Source { name: "api.yaml", text: &with_schemes(schemes, "") }, &[]).unwrap();
        let AuthConfig::OAuth2(o) = &plan.datasources[0].config.auth else { panic!() };
        assert_eq!(o.issuer, "https://id.example");
        assert_eq!(o.grant_type, GrantType::AuthorizationCode);
        assert!(plan.datasources[0].auth_mapping.contains("OpenID Connect"));
    }

    #[test]
    fn the_plan_says_which_scheme_was_chosen_and_why() {
        let schemes = "    c: {type: apiKey, in: cookie, name: sid}\n    k: {type: apiKey, in: header, name: X-Key}\n    b: {type: http, scheme: bearer}\n";
        let plan = plan_of(&with_schemes(schemes, "security: [{c: []}, {b: []}]\n")).unwrap();
        let ds = &plan.datasources[0];
        assert_eq!(ds.config.auth.kind(), AuthType::Bearer);
        assert!(ds.auth_mapping.contains("`security` requirements"), "{}", ds.auth_mapping);
        assert!(ds.auth_mapping.contains("unsupported: c"), "{}", ds.auth_mapping);
        assert!(plan.dropped.iter().any(|d| d.what == "security scheme `k`" && d.reason.contains("`b` was chosen")));
        let plan = plan_of(&with_schemes(schemes, "")).unwrap();
        assert_eq!(plan.datasources[0].config.auth.kind(), AuthType::ApiKey);
        assert!(plan.datasources[0].auth_mapping.contains("requires none"));
    }

    #[test]
    fn refusals_name_the_file_and_the_pointer() {
        let err = plan_of("openapi: 3.0.0\ninfo: {title: T}\npaths: {}\n").unwrap_err().to_string();
        assert!(err.contains("api.yaml, /servers"), "{err}");
        let err = plan_of("openapi: 3.0.0\nservers: [{url: /v1}]\n").unwrap_err().to_string();
        assert!(err.contains("api.yaml, /servers/0/url"), "{err}");
        let err = plan_of("openapi: 2.5.0\n").unwrap_err().to_string();
        assert!(err.contains("api.yaml, /openapi"), "{err}");
        let err = plan_of("swagger: '2.0'\n").unwrap_err().to_string();
        assert!(err.contains("api.yaml, /host"), "{err}");
        let err = plan_of("swagger: '1.2'\n").unwrap_err().to_string();
        assert!(err.contains("api.yaml, /swagger"), "{err}");
        let broken =
            "openapi: 3.0.0\nservers: [{url: 'https://a.example'}]\npaths:\n  /a:\n    get: {$ref: '#/nowhere'}\n";
        let err = plan_of(broken).unwrap_err().to_string();
        assert!(err.contains("api.yaml, /paths/~1a/get") && err.contains("points to nothing"), "{err}");
        let looped = "openapi: 3.0.0\nservers: [{url: 'https://a.example'}]\ncomponents: {parameters: {P: {$ref: '#/components/parameters/P'}}}\npaths:\n  /a:\n    get: {parameters: [{$ref: '#/components/parameters/P'}]}\n";
        let err = plan_of(looped).unwrap_err().to_string();
        assert!(err.contains("api.yaml, /paths/~1a/get/parameters/0") && err.contains("in a loop"), "{err}");
        let other_file =
            "openapi: 3.0.0\nservers: [{url: 'https://a.example'}]\npaths:\n  /a: {$ref: 'other.yaml#/a'}\n";
        let err = plan_of(other_file).unwrap_err().to_string();
        assert!(err.contains("api.yaml, /paths/~1a") && err.contains("bundle the description"), "{err}");
        let plain = with_schemes("    b: {type: http, scheme: bearer}\n", "")
            .replace("https://api.example", "http://api.example");
        let err = plan_of(&plain).unwrap_err().to_string();
        assert!(err.contains("api.yaml, /servers/0/url: url: plain http"), "{err}");
        let bad = with_schemes(
            "    o: {type: oauth2, flows: {clientCredentials: {tokenUrl: 'ftp://id.example/t', scopes: {}}}}\n",
            "",
        );
        let err = plan_of(&bad).unwrap_err().to_string();
        assert!(err.contains("api.yaml, /components/securitySchemes/o: auth.accessTokenUrl"), "{err}");
        let err = plan_of("openapi: [\n").unwrap_err().to_string();
        assert!(err.contains("api.yaml: not JSON nor YAML"), "{err}");
    }

    #[test]
    fn an_https_server_is_chosen_over_a_plain_http_one_listed_first() {
        let doc = "openapi: 3.0.0\ninfo: {title: EC2}\nservers:\n  - url: 'http://ec2.{region}.example'\n    \
                   variables: {region: {default: us-east-1}}\n  - url: 'https://ec2.{region}.example'\n    \
                   variables: {region: {default: eu-west-1}}\n  - url: 'https://ec2.example'\n\
                   components: {securitySchemes: {hmac: {type: apiKey, name: Authorization, in: header, \
                   x-amazon-apigateway-authtype: awsSigv4}}}\nsecurity: [{hmac: []}]\npaths: {}\n";
        let plan = plan_of(doc).unwrap();
        let ds = &plan.datasources[0];
        assert_eq!(ds.config.url, "https://ec2.eu-west-1.example");
        assert_eq!(plan.environments[0].item, "/servers/1/variables");
        let reasons: Vec<(&str, &str)> = plan.dropped.iter().map(|d| (d.item.as_str(), d.reason.as_str())).collect();
        assert!(reasons.iter().any(|(i, r)| *i == "/servers/0" && r.starts_with("plain http")), "{reasons:?}");
        assert!(reasons.iter().any(|(i, r)| *i == "/servers/2" && r.starts_with("only one server")), "{reasons:?}");
        assert_eq!(ds.config.auth, AuthConfig::None, "a SigV4 authorizer is no API key");
        assert!(plan.dropped.iter().any(|d| d.reason.contains("AWS Signature Version 4")), "{:?}", plan.dropped);
    }

    #[test]
    fn swagger_2_is_read_as_its_openapi_3_shape() {
        let text = r#"
swagger: '2.0'
info: {title: Old}
host: old.example
basePath: /api
schemes: [http, https]
securityDefinitions:
  code: {type: oauth2, flow: accessCode, authorizationUrl: 'https://id.example/a', tokenUrl: 'https://id.example/t', scopes: {read: r}}
  app: {type: oauth2, flow: application, tokenUrl: 'https://id.example/t', scopes: {}}
  basic: {type: basic}
parameters:
  Limit: {name: limit, in: query, required: true, type: integer, default: 10}
paths:
  /things/{id}:
    put:
      operationId: putThing
      parameters:
        - {name: id, in: path, required: true, type: string}
        - {$ref: '#/parameters/Limit'}
        - {name: body, in: body, schema: {type: object, example: {a: 1}}}
      responses: {200: {description: ok}}
"#;
        let plan = plan_of(text).unwrap();
        let ds = &plan.datasources[0];
        assert_eq!(ds.config.url, "https://old.example/api");
        let AuthConfig::OAuth2(o) = &ds.config.auth else { panic!("{:?}", ds.config.auth) };
        assert_eq!(
            (o.grant_type, o.authorization_url.as_str()),
            (GrantType::AuthorizationCode, "https://id.example/a")
        );
        assert!(plan.dropped.iter().any(|d| d.what == "security scheme `app`"));
        let q = &ds.queries[0];
        assert_eq!((q.name.as_str(), q.request.path.as_str()), ("putThing", "/things/{{id}}"));
        assert_eq!(q.request.query_params, vec![KeyValue::new("limit", "10")]);
        assert!(
            matches!(&q.request.body, RequestBody::Json { text } if text.contains("\"a\": 1")),
            "{:?}",
            q.request.body
        );
    }
}
