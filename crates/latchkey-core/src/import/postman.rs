//! Postman Collections (v2.0 and v2.1) and Postman environment files as an import plan.
//!
//! A collection's requests become saved queries, grouped by origin into datasources (one per
//! origin, named after the collection, with the host added when it spans several); a query's
//! group is its folder path (`A/B`). Authentication is resolved as Postman does (request, then
//! its folders, then the collection; `inherit` and a missing `auth` look further up, `noauth`
//! stops): a datasource takes the authentication most of its requests resolve to, and each
//! request resolving to another is listed in `dropped`. An `Authorization` (or API key) header
//! of a request without authentication is that request's authentication, never a stored header.
//!
//! Collection variables become an environment named after the collection, so `{{var}}` in
//! paths, headers and bodies keeps working there; a variable in a URL's host (`{{baseUrl}}/x`)
//! is resolved through the collection's value to find the origin (the datasource's URL is that
//! origin, and the query's path is the rest). A secret (password, token, client secret, API
//! key) is sealed; a whole `{{name}}` is kept as that reference (Latchkey resolves it from the
//! active environment); a placeholder or a value mixing text and variables is "needs setup".
//!
//! Scripts, response examples, `protocolProfileBehavior`, disabled rows, file parts and the
//! authentication types Latchkey does not have are dropped with the reason, naming the item
//! (`folder/request name`).

use serde_json::Value;

use super::curl::{header_credential, is_placeholder, unique_query_name};
use super::{
    free_name, origin_of, DatasourceAction, Dropped, ImportPlan, PlannedDatasource, PlannedEnvironment, PlannedQuery,
    Source,
};
use crate::model::{
    is_variable_name, ApiKeyAuth, AuthConfig, AuthType, BasicAuth, BearerAuth, ClientAuthentication, DatasourceConfig,
    DatasourceSummary, EnvironmentConfig, GrantType, KeyPlacement, KeyValue, MultipartPart, OAuth2Config, RequestBody,
    RequestSpec, Variable,
};
use crate::{Error, FieldError, Result, SecretField};

/// Plans the import of a Postman collection or environment file.
///
/// # Errors
/// [`Error::Format`] when the text is not JSON; [`Error::Invalid`] naming the file, the item
/// and the fix for a collection of another version, one without requests Latchkey can place,
/// and what a save would refuse (a token URL that is not a URL…).
pub fn plan(source: Source<'_>, existing: &[DatasourceSummary]) -> Result<ImportPlan> {
    let root: Value = serde_json::from_str(source.text).map_err(|e| {
        Error::Format(format!(
            "{}: not JSON (line {}, column {}): fix the syntax there, or export the collection again",
            source.name,
            e.line(),
            e.column()
        ))
    })?;
    if root.get("_postman_variable_scope").is_some() {
        return environment_file(source, &root);
    }
    collection(source, &root, existing)
}

fn refused(file: &str, item: &str, message: impl Into<String>) -> Error {
    Error::Invalid(vec![FieldError::new(format!("{file}, {item}"), message)])
}

/// A member's text: a string as is, a number or boolean written out, anything else empty.
fn text_of(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

fn text(value: &Value, key: &str) -> String {
    text_of(value.get(key))
}

fn is_disabled(row: &Value) -> bool {
    row.get("disabled").and_then(Value::as_bool) == Some(true)
        || row.get("enabled").and_then(Value::as_bool) == Some(false)
}

/// An environment's name from a Postman name: without `.`, `[`, `]` and control characters.
fn environment_name(name: &str) -> String {
    let cleaned: String =
        name.chars().map(|c| if c.is_control() || matches!(c, '.' | '[' | ']') { ' ' } else { c }).collect();
    let cleaned = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    if cleaned.is_empty() {
        "postman".to_owned()
    } else {
        cleaned
    }
}

/// Variables from Postman rows (`{key, value, type, disabled|enabled}`; v2.0 names the key
/// `id`), a `secret` one sealed; the rows that cannot be variables are dropped.
fn variables(rows: &[Value], item: &str, dropped: &mut Vec<Dropped>) -> Vec<Variable> {
    let mut out: Vec<Variable> = Vec::new();
    for row in rows {
        let key = match text(row, "key") {
            k if k.is_empty() => text(row, "id"),
            k => k,
        };
        let drop = |dropped: &mut Vec<Dropped>, reason: String| {
            dropped.push(Dropped { item: item.to_owned(), what: format!("variable {key}"), reason });
        };
        if key.is_empty() {
            continue;
        }
        if is_disabled(row) {
            drop(dropped, "it is disabled in Postman".to_owned());
        } else if !is_variable_name(&key) {
            drop(
                dropped,
                "Latchkey variable names start with a letter or _, then letters, digits, _, - or .: rename it"
                    .to_owned(),
            );
        } else if out.iter().any(|v| v.key == key) {
            drop(dropped, "it is defined twice: the first one is kept".to_owned());
        } else if text(row, "type") == "secret" {
            let value = text(row, "value");
            let field = if value.is_empty() { SecretField::Empty } else { SecretField::from(value.as_str()) };
            out.push(Variable::secret(key, field));
        } else {
            out.push(Variable::plain(key, text(row, "value")));
        }
    }
    out
}

/// A Postman environment (or globals) file: an environment with its variables.
fn environment_file(source: Source<'_>, root: &Value) -> Result<ImportPlan> {
    let scope = text(root, "_postman_variable_scope");
    if scope != "environment" && scope != "globals" {
        return Err(refused(
            source.name,
            "_postman_variable_scope",
            format!("a Postman `{scope}` file is not an environment: export an environment (or the globals)"),
        ));
    }
    let name = match text(root, "name") {
        n if n.trim().is_empty() => scope.clone(),
        n => n,
    };
    let name = environment_name(&name);
    let mut dropped = Vec::new();
    let rows = root.get("values").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let variables = variables(rows, &format!("environment {name}"), &mut dropped);
    Ok(ImportPlan {
        source: source.name.to_owned(),
        format: super::Format::Postman,
        datasources: Vec::new(),
        environments: vec![PlannedEnvironment {
            config: EnvironmentConfig { name: name.clone(), production: false, variables },
            item: format!("environment {name}"),
        }],
        dropped,
    })
}

/// An authentication as a request resolves it, with where it was defined.
#[derive(Clone)]
struct Resolved {
    auth: AuthConfig,
    /// How it was mapped, in a few words.
    how: String,
    /// The item that defines it (`collection X`, a folder path, a request).
    at: String,
}

impl Resolved {
    fn none(at: &str, how: &str) -> Resolved {
        Resolved { auth: AuthConfig::None, how: how.to_owned(), at: at.to_owned() }
    }
}

/// One request, mapped and placed on its origin.
struct Request {
    item: String,
    name: String,
    group: Option<String>,
    origin: String,
    host: String,
    spec: RequestSpec,
    auth: Resolved,
}

/// What walking a collection gathers.
struct Walk {
    /// The collection's variables (for the hosts of URLs and the auth URLs).
    vars: Vec<Variable>,
    /// Path variables' values (`url.variable`), added to the environment when not defined there.
    path_vars: Vec<Variable>,
    requests: Vec<Request>,
    dropped: Vec<Dropped>,
    /// Requests dropped because their URL cannot be placed: (item, reason).
    unplaced: Vec<(String, String)>,
}

impl Walk {
    fn drop(&mut self, item: &str, what: impl Into<String>, reason: impl Into<String>) {
        self.dropped.push(Dropped { item: item.to_owned(), what: what.into(), reason: reason.into() });
    }

    fn var(&self, key: &str) -> Option<String> {
        self.vars.iter().chain(&self.path_vars).find(|v| v.key == key).and_then(|v| match &v.value {
            crate::model::VariableValue::Plain(text) => Some(text.clone()),
            crate::model::VariableValue::Secret(_) => None,
        })
    }

    /// `text` with every `{{name}}` the collection defines replaced by its value (several
    /// rounds, for variables made of variables).
    fn substitute(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for _ in 0..4 {
            let names = crate::variables::used_names(&out);
            if names.is_empty() {
                break;
            }
            let mut changed = false;
            for name in names {
                if let Some(value) = self.var(&name) {
                    let next = out.replace(&format!("{{{{{name}}}}}", name = name), &value);
                    changed |= next != out;
                    out = next;
                }
            }
            if !changed {
                break;
            }
        }
        out
    }
}

fn collection(source: Source<'_>, root: &Value, existing: &[DatasourceSummary]) -> Result<ImportPlan> {
    let file = source.name;
    let info = root.get("info").cloned().unwrap_or(Value::Null);
    let schema = text(&info, "schema");
    if schema.contains("/v1.") || root.get("requests").is_some() && root.get("item").is_none() {
        return Err(refused(
            file,
            "info.schema",
            "Postman Collection v1 is not supported: export the collection again as v2.1 (Export, Collection v2.1)",
        ));
    }
    let Some(items) = root.get("item").and_then(Value::as_array) else {
        return Err(refused(file, "item", "no `item` list: this is not a Postman collection (export it as v2.1)"));
    };
    let title = match text(&info, "name") {
        n if n.trim().is_empty() => "Postman collection".to_owned(),
        n => n.trim().to_owned(),
    };
    let label = format!("collection {title}");
    let mut walk = Walk {
        vars: Vec::new(),
        path_vars: Vec::new(),
        requests: Vec::new(),
        dropped: Vec::new(),
        unplaced: Vec::new(),
    };
    let rows = root.get("variable").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    walk.vars = variables(rows, &label, &mut walk.dropped);
    dropped_parts(&mut walk, root, &label);
    let top = Resolved::none(&label, "none: the collection sets no authentication");
    let auth = own_auth(&mut walk, root.get("auth"), &label).unwrap_or(top);
    walk_items(&mut walk, items, &[], &auth, 0);

    if walk.requests.is_empty() {
        if let Some((item, reason)) = walk.unplaced.first() {
            return Err(refused(file, item, format!("no request can be imported: {reason}")));
        }
    }
    let datasources = datasources(&mut walk, &title, existing);
    let mut environments = Vec::new();
    let mut env_vars = std::mem::take(&mut walk.vars);
    for v in std::mem::take(&mut walk.path_vars) {
        if !env_vars.iter().any(|e| e.key == v.key) {
            env_vars.push(v);
        }
    }
    if !env_vars.is_empty() {
        let name = environment_name(&title);
        environments.push(PlannedEnvironment {
            config: EnvironmentConfig { name, production: false, variables: env_vars },
            item: format!("{label}, variable"),
        });
    }
    let plan = ImportPlan {
        source: file.to_owned(),
        format: super::Format::Postman,
        datasources,
        environments,
        dropped: walk.dropped,
    };
    Ok(plan)
}

/// Drops what an item (or the collection) has that Latchkey does not run or keep: scripts,
/// `protocolProfileBehavior`.
fn dropped_parts(walk: &mut Walk, item: &Value, label: &str) {
    for event in item.get("event").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default() {
        let exec = event.pointer("/script/exec");
        let has_code = match exec {
            Some(Value::Array(lines)) => lines.iter().any(|l| l.as_str().is_some_and(|l| !l.trim().is_empty())),
            Some(Value::String(code)) => !code.trim().is_empty(),
            _ => false,
        };
        if has_code {
            let what = match text(event, "listen").as_str() {
                "prerequest" => "pre-request script".to_owned(),
                "test" => "test script".to_owned(),
                other => format!("`{other}` script"),
            };
            walk.drop(
                label,
                what,
                "Latchkey runs no scripts: set what the script computes in the query or an environment",
            );
        }
    }
    if item.get("protocolProfileBehavior").and_then(Value::as_object).is_some_and(|o| !o.is_empty()) {
        walk.drop(
            label,
            "protocolProfileBehavior",
            "Postman's protocol settings (redirects, TLS, body on GET) are not imported: Latchkey's own rules apply",
        );
    }
}

fn walk_items(walk: &mut Walk, items: &[Value], folders: &[String], inherited: &Resolved, depth: usize) {
    for item in items {
        let name = text(item, "name").trim().to_owned();
        let mut path = folders.to_vec();
        if let Some(children) = item.get("item").and_then(Value::as_array) {
            path.push(if name.is_empty() { "folder".to_owned() } else { name.replace('/', "-") });
            let label = path.join("/");
            dropped_parts(walk, item, &label);
            if depth >= 32 {
                walk.drop(&label, "folder", "folders nest deeper than 32: move its requests up");
                continue;
            }
            let auth = own_auth(walk, item.get("auth"), &label).unwrap_or_else(|| inherited.clone());
            walk_items(walk, children, &path, &auth, depth + 1);
        } else if let Some(request) = item.get("request") {
            let shown = if name.is_empty() { "request".to_owned() } else { name.clone() };
            path.push(shown);
            let label = path.join("/");
            dropped_parts(walk, item, &label);
            let examples = item.get("response").and_then(Value::as_array).map_or(0, Vec::len);
            if examples > 0 {
                walk.drop(
                    &label,
                    format!("{examples} saved response example{}", if examples == 1 { "" } else { "s" }),
                    "examples are not imported: send the query to see a response",
                );
            }
            let auth = match request.get("auth") {
                Some(auth) => own_auth(walk, Some(auth), &label).unwrap_or_else(|| inherited.clone()),
                None => inherited.clone(),
            };
            request_item(walk, request, &name, &label, folders, auth);
        } else {
            let label = if name.is_empty() { path.join("/") } else { [path.clone(), vec![name]].concat().join("/") };
            walk.drop(&label, "item", "it is neither a folder (`item`) nor a request (`request`)");
        }
    }
}

/// The authentication `auth` defines, or `None` when it inherits (absent, `null`, `inherit`).
fn own_auth(walk: &mut Walk, auth: Option<&Value>, at: &str) -> Option<Resolved> {
    let auth = auth.filter(|a| a.is_object())?;
    let kind = text(auth, "type");
    match kind.as_str() {
        "" | "inherit" => None,
        "noauth" => Some(Resolved::none(at, "none (`noauth`)")),
        _ => Some(match map_auth(walk, auth, &kind, at) {
            Ok(resolved) => resolved,
            Err(reason) => {
                walk.drop(at, format!("{kind} authentication"), reason.clone());
                Resolved::none(at, &format!("none: {reason}"))
            }
        }),
    }
}

/// The parameters of an auth of `kind`: v2.1 rows `[{key, value, type}]`, or a v2.0 object.
fn auth_params(auth: &Value, kind: &str) -> Vec<(String, Value)> {
    match auth.get(kind) {
        Some(Value::Array(rows)) => rows
            .iter()
            .filter_map(|r| {
                r.get("key")
                    .and_then(Value::as_str)
                    .map(|k| (k.to_owned(), r.get("value").cloned().unwrap_or(Value::Null)))
            })
            .collect(),
        Some(Value::Object(map)) => map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        _ => Vec::new(),
    }
}

/// A parameter's text; an object (Postman keeps `audience` as `{id: value}`) gives its first
/// text value.
fn param(params: &[(String, Value)], key: &str) -> String {
    match params.iter().find(|(k, _)| k == key).map(|(_, v)| v) {
        Some(Value::Object(map)) => map.values().find_map(Value::as_str).unwrap_or_default().trim().to_owned(),
        other => text_of(other).trim().to_owned(),
    }
}

/// A secret from the collection: sealed; a whole `{{name}}` kept as that reference; empty (so
/// "needs setup") for a placeholder or text mixed with variables.
fn secret(walk: &mut Walk, value: &str, field: &str, at: &str) -> SecretField {
    let v = value.trim();
    if v.is_empty() || is_placeholder(v) {
        return SecretField::Empty;
    }
    let names = crate::variables::used_names(v);
    let whole = names.len() == 1 && v == format!("{{{{{}}}}}", names[0]);
    if !names.is_empty() && !whole {
        walk.drop(
            at,
            field,
            "it mixes text with {{variables}}: Latchkey resolves a secret only when it is a whole {{name}}; enter it \
             (needs setup)",
        );
        return SecretField::Empty;
    }
    SecretField::from(v)
}

fn map_auth(walk: &mut Walk, auth: &Value, kind: &str, at: &str) -> std::result::Result<Resolved, String> {
    let params = auth_params(auth, kind);
    let p = |key: &str| param(&params, key);
    let (auth, how) = match kind {
        "basic" => {
            let password = secret(walk, &p("password"), "basic password", at);
            (AuthConfig::Basic(BasicAuth { username: p("username"), password }), "Basic authentication".to_owned())
        }
        "bearer" => {
            let token = secret(walk, &p("token"), "bearer token", at);
            (AuthConfig::Bearer(BearerAuth { token }), "bearer token".to_owned())
        }
        "apikey" => {
            let key = p("key");
            if key.is_empty() {
                return Err("the API key names no header or parameter (`key`): set it on the datasource".to_owned());
            }
            let add_to = match p("in").as_str() {
                "" | "header" => KeyPlacement::Header,
                "query" => KeyPlacement::Query,
                other => return Err(format!("an API key in `{other}` is not supported (header or query)")),
            };
            let value = secret(walk, &p("value"), "API key value", at);
            let place = if add_to == KeyPlacement::Header { "header" } else { "query parameter" };
            let how = format!("API key in the {place} `{key}`");
            (AuthConfig::ApiKey(ApiKeyAuth { key, value, add_to, header_prefix: String::new() }), how)
        }
        "oauth2" => oauth2(walk, &params, at)?,
        "digest" | "hawk" | "awsv4" | "ntlm" | "edgegrid" | "oauth1" | "akamai" | "asap" | "jwt" => {
            return Err(format!(
                "`{kind}` authentication is not one Latchkey has (none, Basic, API key, bearer, OAuth 2.0): the \
                 datasource is left without authentication; set one by hand"
            ))
        }
        other => return Err(format!("`{other}` is not a Postman authentication type Latchkey knows")),
    };
    Ok(Resolved { auth, how, at: at.to_owned() })
}

/// OAuth 2.0 settings (`grant_type`, `authUrl`, `accessTokenUrl`, `clientId`, `clientSecret`,
/// `scope`, `audience`, `resource`, `client_authentication`, `addTokenTo`, `headerPrefix`,
/// `username`/`password`, `authRequestParams`, `tokenRequestParams`, `refreshRequestParams`).
/// An entry holding only a token Postman obtained (no token URL, authorization URL or client)
/// is that token as a bearer token (or the `access_token` query parameter).
fn oauth2(walk: &mut Walk, params: &[(String, Value)], at: &str) -> std::result::Result<(AuthConfig, String), String> {
    let p = |key: &str| param(params, key);
    let add_to = if p("addTokenTo") == "queryParams" { KeyPlacement::Query } else { KeyPlacement::Header };
    let prefix = params.iter().any(|(k, _)| k == "headerPrefix").then(|| p("headerPrefix"));
    let configured = ["accessTokenUrl", "authUrl", "clientId"].iter().any(|k| !p(k).is_empty());
    if !configured {
        let token = secret(walk, &p("accessToken"), "OAuth 2.0 access token", at);
        return Ok(match (add_to, prefix.as_deref()) {
            (KeyPlacement::Query, _) => (
                AuthConfig::ApiKey(ApiKeyAuth {
                    key: "access_token".to_owned(),
                    value: token,
                    add_to,
                    header_prefix: String::new(),
                }),
                "an OAuth 2.0 token without its settings (no token URL): the token as the `access_token` query \
                 parameter"
                    .to_owned(),
            ),
            (KeyPlacement::Header, None | Some("Bearer")) => (
                AuthConfig::Bearer(BearerAuth { token }),
                "an OAuth 2.0 token without its settings (no token URL): the token as a bearer token".to_owned(),
            ),
            (KeyPlacement::Header, Some(prefix)) => (
                AuthConfig::ApiKey(ApiKeyAuth {
                    key: "Authorization".to_owned(),
                    value: token,
                    add_to,
                    header_prefix: prefix.to_owned(),
                }),
                format!(
                    "an OAuth 2.0 token without its settings (no token URL): the token in the Authorization \
                     header with the prefix `{prefix}`"
                ),
            ),
        });
    }
    let grant_name = match p("grant_type") {
        g if g.is_empty() => "authorization_code".to_owned(),
        g => g,
    };
    let grant_type = match grant_name.as_str() {
        "authorization_code" | "authorization_code_with_pkce" => GrantType::AuthorizationCode,
        "client_credentials" => GrantType::ClientCredentials,
        "password_credentials" | "password" => GrantType::Password,
        "implicit" => {
            return Err("the OAuth 2.0 implicit grant is not supported (OAuth 2.0 Security BCP): use the \
                        authorization code grant with PKCE; the datasource is left without authentication"
                .to_owned())
        }
        other => return Err(format!("the OAuth 2.0 grant `{other}` is not one Latchkey has")),
    };
    let client_authentication = match p("client_authentication").as_str() {
        "body" => ClientAuthentication::Body,
        _ => ClientAuthentication::BasicHeader,
    };
    let mut o = OAuth2Config {
        grant_type,
        add_token_to: add_to,
        header_prefix: prefix.unwrap_or_else(|| "Bearer".to_owned()),
        access_token_url: walk.substitute(&p("accessTokenUrl")),
        authorization_url: if grant_type == GrantType::AuthorizationCode {
            walk.substitute(&p("authUrl"))
        } else {
            String::new()
        },
        client_id: p("clientId"),
        scopes: p("scope").split([' ', ',']).filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        audience: p("audience"),
        resource: p("resource"),
        client_authentication,
        pkce: true,
        ..Default::default()
    };
    o.client_secret = secret(walk, &p("clientSecret"), "OAuth 2.0 client secret", at);
    if grant_type == GrantType::Password {
        o.username = p("username");
        o.password = secret(walk, &p("password"), "OAuth 2.0 password", at);
    }
    let rows = |key: &str| -> Vec<Value> {
        params.iter().find(|(k, _)| k == key).and_then(|(_, v)| v.as_array().cloned()).unwrap_or_default()
    };
    for row in rows("authRequestParams") {
        if !is_disabled(&row) && !text(&row, "key").is_empty() {
            o.custom_auth_params.push(KeyValue::new(text(&row, "key"), text(&row, "value")));
        }
    }
    for row in rows("tokenRequestParams") {
        if is_disabled(&row) || text(&row, "key").is_empty() {
            continue;
        }
        match text(&row, "send_as").as_str() {
            "" | "request_body" => o.custom_token_params.push(KeyValue::new(text(&row, "key"), text(&row, "value"))),
            other => walk.drop(
                at,
                format!("token request parameter {}", text(&row, "key")),
                format!("sent as `{other}` in Postman: Latchkey sends custom token parameters in the request body"),
            ),
        }
    }
    let refresh: Vec<KeyValue> = rows("refreshRequestParams")
        .iter()
        .filter(|r| !is_disabled(r) && !text(r, "key").is_empty())
        .map(|r| KeyValue::new(text(r, "key"), text(r, "value")))
        .collect();
    if !refresh.is_empty() {
        if refresh == o.custom_token_params {
            o.send_custom_token_params_with_refresh = true;
        } else {
            walk.drop(
                at,
                "refreshRequestParams",
                "Latchkey sends the token request's custom parameters with a refresh, or none: turn on \"send with \
                 refresh\" if these are the same",
            );
        }
    }
    let refresh_url = walk.substitute(&p("refreshTokenUrl"));
    if !refresh_url.is_empty() && refresh_url != o.access_token_url {
        walk.drop(at, "refreshTokenUrl", "Latchkey refreshes tokens at the token URL");
    }
    if !p("redirect_uri").is_empty() {
        walk.drop(
            at,
            "redirect_uri",
            "Latchkey receives the authorization on its own redirect URL (http://127.0.0.1:8976/callback by \
             default): register that one with the provider",
        );
    }
    if p("challengeAlgorithm") == "plain" {
        walk.drop(at, "challengeAlgorithm", "Latchkey's PKCE uses S256 only");
    }
    for token in ["accessToken", "refreshToken", "id_token"] {
        if !p(token).is_empty() {
            walk.drop(at, token, "a token Postman obtained is not imported: Latchkey gets its own when you authorize");
        }
    }
    for (key, value) in params {
        let empty = matches!(value, Value::Null) || value.as_str().is_some_and(|s| s.trim().is_empty());
        if !empty && !OAUTH2_KNOWN.contains(&key.as_str()) {
            walk.drop(at, format!("OAuth 2.0 setting {key}"), "not a setting Latchkey has");
        }
    }
    let how = format!("OAuth 2.0 {grant_name} grant");
    Ok((AuthConfig::OAuth2(Box::new(o)), how))
}

/// The OAuth 2.0 settings read above, or dropped there with their own reason, and Postman's
/// bookkeeping with nothing to carry (a state, a verifier, the token's name): no other drop.
const OAUTH2_KNOWN: [&str; 29] = [
    "grant_type",
    "addTokenTo",
    "headerPrefix",
    "accessTokenUrl",
    "authUrl",
    "clientId",
    "clientSecret",
    "scope",
    "audience",
    "resource",
    "client_authentication",
    "username",
    "password",
    "authRequestParams",
    "tokenRequestParams",
    "refreshRequestParams",
    "refreshTokenUrl",
    "redirect_uri",
    "challengeAlgorithm",
    "accessToken",
    "refreshToken",
    "id_token",
    "tokenName",
    "useBrowser",
    "tokenType",
    "state",
    "code_verifier",
    "client_id",
    "tokenId",
];

/// Where a request's URL points, split for a datasource and a query.
struct Placed {
    origin: String,
    host: String,
    path: String,
    query: Vec<(String, String, bool)>,
}

/// Places a Postman URL (a string, or `{raw, protocol, host, port, path, query, variable}`):
/// the variables of its scheme and host resolved through the collection's values, `:name`
/// path segments as `{{name}}`. A URL without a scheme is taken as `https://`.
fn place(walk: &mut Walk, url: &Value, item: &str) -> std::result::Result<Placed, String> {
    let (raw, rows) = match url {
        Value::String(s) => (s.trim().to_owned(), None),
        Value::Object(_) => {
            let raw = text(url, "raw").trim().to_owned();
            let raw = if raw.is_empty() { url_from_parts(url) } else { raw };
            (raw, url.get("query").and_then(Value::as_array))
        }
        _ => (String::new(), None),
    };
    for var in url.get("variable").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default() {
        let key = text(var, "key");
        let value = text(var, "value");
        if key.is_empty() || value.is_empty() || !is_variable_name(&key) {
            continue;
        }
        match walk.path_vars.iter().chain(&walk.vars).find(|v| v.key == key) {
            None => walk.path_vars.push(Variable::plain(key, value)),
            Some(v) if v.value != crate::model::VariableValue::Plain(value) => walk.drop(
                item,
                format!("path variable {key}"),
                "its value differs from the one the environment already has: the environment's is kept",
            ),
            Some(_) => {}
        }
    }
    if raw.is_empty() {
        return Err("it has no URL: give it one in Postman and export again".to_owned());
    }
    let without_fragment = raw.split('#').next().unwrap_or_default();
    let (base, query_text) = without_fragment.split_once('?').unwrap_or((without_fragment, ""));
    // Resolve the variables of the scheme and host (and a base URL variable holding a path).
    let mut base = base.to_owned();
    for _ in 0..8 {
        let start = base.find("://").map_or(0, |i| i + 3);
        let end = base[start..].find('/').map_or(base.len(), |i| start + i);
        let Some(name) = crate::variables::used_names(&base[..end]).into_iter().next() else { break };
        let Some(value) = walk.var(&name) else {
            return Err(format!(
                "its URL's host is the variable `{{{{{name}}}}}`, which the collection does not define: add \
                 `{name}` to the collection's variables (Edit collection, Variables) and export again"
            ));
        };
        base = base.replacen(&format!("{{{{{name}}}}}"), value.trim().trim_end_matches('/'), 1);
    }
    let (scheme, rest) = match base.split_once("://") {
        Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest.to_owned()),
        None => ("https".to_owned(), base.clone()),
    };
    if scheme != "http" && scheme != "https" {
        return Err(format!("its URL is not http(s) (`{scheme}:`): Latchkey sends HTTP requests only"));
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest.as_str(), ""),
    };
    let origin_url = format!("{scheme}://{authority}/");
    let parsed = url::Url::parse(&origin_url).ok().filter(|u| u.has_host() && u.username().is_empty());
    let Some(parsed) = parsed else {
        return Err(format!("`{authority}` is not a host: fix the request's URL"));
    };
    let origin = parsed.origin().ascii_serialization();
    let host = parsed.host_str().unwrap_or_default().to_owned();
    let path: Vec<String> = path
        .split('/')
        .map(|seg| match seg.strip_prefix(':') {
            Some(name) if !name.is_empty() => format!("{{{{{name}}}}}"),
            _ => seg.to_owned(),
        })
        .collect();
    let path = match path.join("/") {
        p if p.is_empty() => "/".to_owned(),
        p => p,
    };
    let query = match rows {
        Some(rows) => rows
            .iter()
            .filter(|r| r.get("key").is_some_and(|k| !k.is_null()))
            .map(|r| (text(r, "key"), text(r, "value"), is_disabled(r)))
            .collect(),
        None => query_text
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (k.to_owned(), v.to_owned(), false)
            })
            .collect(),
    };
    Ok(Placed { origin, host, path, query })
}

/// The URL of a Postman URL object without `raw`.
fn url_from_parts(url: &Value) -> String {
    let join = |key: &str, sep: &str| match url.get(key) {
        Some(Value::Array(parts)) => parts.iter().map(|p| text_of(Some(p))).collect::<Vec<_>>().join(sep),
        other => text_of(other),
    };
    let host = join("host", ".");
    if host.is_empty() {
        return String::new();
    }
    let protocol = text(url, "protocol");
    let port = text(url, "port");
    let path = join("path", "/");
    let mut out = String::new();
    if !protocol.is_empty() {
        out.push_str(protocol.trim_end_matches(':'));
        out.push_str("://");
    }
    out.push_str(host.trim_end_matches('/'));
    if !port.is_empty() {
        out.push(':');
        out.push_str(&port);
    }
    if !path.is_empty() {
        out.push('/');
        out.push_str(path.trim_start_matches('/'));
    }
    out
}

/// Whether a request with only this header (or parameter, or part) passes the checks of a save:
/// the reason when it does not.
fn refusal_alone(spec: &RequestSpec) -> Option<String> {
    spec.validate().err().and_then(|e| e.into_iter().next()).map(|e| e.message)
}

fn request_item(walk: &mut Walk, request: &Value, name: &str, label: &str, folders: &[String], mut auth: Resolved) {
    let (method, url) = match request {
        Value::String(url) => ("GET".to_owned(), Value::String(url.clone())),
        _ => (text(request, "method"), request.get("url").cloned().unwrap_or(Value::Null)),
    };
    let placed = match place(walk, &url, label) {
        Ok(placed) => placed,
        Err(reason) => {
            walk.drop(label, "request", reason.clone());
            walk.unplaced.push((label.to_owned(), reason));
            return;
        }
    };
    let mut spec = RequestSpec { method: method.trim().to_ascii_uppercase(), path: placed.path, ..Default::default() };
    for (key, value, disabled) in placed.query {
        if disabled {
            walk.drop(label, format!("query parameter {key}"), "it is disabled in Postman");
            continue;
        }
        let row = KeyValue::new(key.clone(), value);
        if let Some(reason) = refusal_alone(&RequestSpec { query_params: vec![row.clone()], ..Default::default() }) {
            walk.drop(label, format!("query parameter {key}"), reason);
        } else {
            spec.query_params.push(row);
        }
    }
    let header_rows: Vec<(String, String, bool)> = match request.get("header") {
        Some(Value::Array(rows)) => rows.iter().map(|r| (text(r, "key"), text(r, "value"), is_disabled(r))).collect(),
        Some(Value::String(lines)) => lines
            .lines()
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned(), false))
            .collect(),
        _ => Vec::new(),
    };
    for (key, value, disabled) in header_rows {
        let what = format!("header {key}");
        if key.trim().is_empty() {
            continue;
        }
        if disabled {
            walk.drop(label, what, "it is disabled in Postman");
            continue;
        }
        let scheme = value.split_whitespace().next().unwrap_or_default().to_ascii_lowercase();
        let signed = ["aws4-hmac-sha256", "digest", "oauth", "hawk", "ntlm", "negotiate", "eg1-hmac-sha256"];
        if key.eq_ignore_ascii_case("authorization") && signed.contains(&scheme.as_str()) {
            walk.drop(
                label,
                what,
                "a signature Postman computed for one request (AWS, Digest, OAuth 1.0, Hawk, NTLM, EdgeGrid): it \
                 cannot be sent again and is not stored",
            );
            continue;
        }
        if let Some(credential) = header_credential(&key, &value) {
            if auth.auth == AuthConfig::None {
                let how = credential.how;
                let mut found = Resolved { auth: credential.auth, how, at: label.to_owned() };
                if let AuthConfig::Basic(b) = &mut found.auth {
                    b.password = match b.password.value() {
                        Some(p) => secret(walk, p.expose(), "basic password", label),
                        None => SecretField::Empty,
                    };
                }
                auth = found;
            } else {
                walk.drop(
                    label,
                    what,
                    format!(
                        "the request's authentication ({}, from {}) sends the credential: the header is not stored",
                        auth.how, auth.at
                    ),
                );
            }
            continue;
        }
        let lower = key.to_ascii_lowercase();
        if lower == "cookie" {
            walk.drop(
                label,
                what,
                "cookies are a session's secrets: they are not stored; use the datasource's authentication",
            );
            continue;
        }
        let row = KeyValue::new(key.clone(), value);
        if let Some(reason) = refusal_alone(&RequestSpec { headers: vec![row.clone()], ..Default::default() }) {
            walk.drop(label, what, reason);
        } else {
            spec.headers.push(row);
        }
    }
    if let Some(body) = request.get("body").filter(|b| b.is_object()) {
        spec.body = body_of(walk, body, label, &spec.headers);
    }
    for key in ["proxy", "certificate"] {
        if request.get(key).is_some_and(|v| !v.is_null()) {
            walk.drop(label, key, "a request's own proxy or certificate is not imported: set it on the datasource");
        }
    }
    let name = if name.is_empty() { format!("{} {}", spec.method_or_default(), spec.path) } else { name.to_owned() };
    let group = (!folders.is_empty()).then(|| folders.join("/"));
    walk.requests.push(Request {
        item: label.to_owned(),
        name,
        group,
        origin: placed.origin,
        host: placed.host,
        spec,
        auth,
    });
}

fn body_of(walk: &mut Walk, body: &Value, label: &str, headers: &[KeyValue]) -> RequestBody {
    if body.get("disabled").and_then(Value::as_bool) == Some(true) {
        walk.drop(label, "body", "it is disabled in Postman");
        return RequestBody::None;
    }
    let rows = |key: &str| body.get(key).and_then(Value::as_array).cloned().unwrap_or_default();
    match text(body, "mode").as_str() {
        "" => RequestBody::None,
        "raw" => {
            let raw = text(body, "raw");
            if raw.trim().is_empty() {
                return RequestBody::None;
            }
            let language = body.pointer("/options/raw/language").and_then(Value::as_str).unwrap_or_default();
            let json_header = headers
                .iter()
                .any(|h| h.key.eq_ignore_ascii_case("content-type") && h.value.to_ascii_lowercase().contains("json"));
            let valid_json = serde_json::from_str::<serde::de::IgnoredAny>(&raw).is_ok();
            let content_type = match language {
                "json" => "application/json",
                "xml" => "application/xml",
                "html" => "text/html",
                "javascript" => "application/javascript",
                _ => "",
            };
            if valid_json && (language == "json" || (language.is_empty() && json_header)) {
                RequestBody::Json { text: raw }
            } else {
                RequestBody::Raw { text: raw, content_type: content_type.to_owned() }
            }
        }
        "urlencoded" => {
            let mut fields = Vec::new();
            for row in rows("urlencoded") {
                let key = text(&row, "key");
                if is_disabled(&row) {
                    walk.drop(label, format!("form field {key}"), "it is disabled in Postman");
                } else if !key.is_empty() {
                    fields.push(KeyValue::new(key, text(&row, "value")));
                }
            }
            RequestBody::FormUrlencoded { fields }
        }
        "formdata" => {
            let mut parts = Vec::new();
            for row in rows("formdata") {
                let key = text(&row, "key");
                let what = format!("form part {key}");
                if is_disabled(&row) {
                    walk.drop(label, what, "it is disabled in Postman");
                } else if text(&row, "type") == "file" {
                    walk.drop(
                        label,
                        what,
                        "a file part names a file on the machine it was exported from: choose the file in the query",
                    );
                } else if !key.is_empty() {
                    let part = MultipartPart {
                        key,
                        value: text(&row, "value"),
                        file: None,
                        content_type: text(&row, "contentType"),
                    };
                    let alone = RequestSpec {
                        body: RequestBody::Multipart { parts: vec![part.clone()] },
                        ..Default::default()
                    };
                    match refusal_alone(&alone) {
                        Some(reason) => walk.drop(label, what, reason),
                        None => parts.push(part),
                    }
                }
            }
            RequestBody::Multipart { parts }
        }
        "file" => {
            walk.drop(
                label,
                "file body",
                "it names a file on the machine it was exported from: choose the file in the query (a binary body)",
            );
            RequestBody::None
        }
        "graphql" => {
            let graphql = body.get("graphql").cloned().unwrap_or(Value::Null);
            let mut json = serde_json::Map::new();
            json.insert("query".to_owned(), Value::String(text(&graphql, "query")));
            match graphql.get("variables") {
                Some(Value::String(vars)) if !vars.trim().is_empty() => match serde_json::from_str::<Value>(vars) {
                    Ok(value) => {
                        json.insert("variables".to_owned(), value);
                    }
                    Err(_) => walk.drop(
                        label,
                        "GraphQL variables",
                        "they are not valid JSON: add them to the query's JSON body by hand",
                    ),
                },
                Some(value @ Value::Object(_)) => {
                    json.insert("variables".to_owned(), value.clone());
                }
                _ => {}
            }
            RequestBody::Json { text: Value::Object(json).to_string() }
        }
        other => {
            walk.drop(
                label,
                format!("{other} body"),
                "not a body mode Postman exports (raw, urlencoded, formdata, file, graphql)",
            );
            RequestBody::None
        }
    }
}

/// The datasources: one per origin, its authentication the one most of its requests resolve to.
fn datasources(walk: &mut Walk, title: &str, existing: &[DatasourceSummary]) -> Vec<PlannedDatasource> {
    let mut origins: Vec<(String, String)> = Vec::new();
    for r in &walk.requests {
        if !origins.iter().any(|(o, _)| *o == r.origin) {
            origins.push((r.origin.clone(), r.host.clone()));
        }
    }
    let several = origins.len() > 1;
    let mut out: Vec<PlannedDatasource> = Vec::new();
    let requests = std::mem::take(&mut walk.requests);
    for (origin, host) in origins {
        let mine: Vec<&Request> = requests.iter().filter(|r| r.origin == origin).collect();
        // The most common resolved authentication (the first seen on a tie).
        let mut counts: Vec<(&Resolved, usize)> = Vec::new();
        for r in &mine {
            match counts.iter_mut().find(|(a, _)| a.auth == r.auth.auth) {
                Some((_, n)) => *n += 1,
                None => counts.push((&r.auth, 1)),
            }
        }
        let best = counts.iter().map(|(_, n)| *n).max().unwrap_or(0);
        let chosen = counts
            .iter()
            .find(|(_, n)| *n == best)
            .map(|(a, _)| (*a).clone())
            .unwrap_or_else(|| Resolved::none(&mine[0].item, "none"));
        let joined = existing.iter().find(|d| origin_of(&d.url).as_deref() == Some(origin.as_str()));
        let taken: Vec<&str> = out.iter().map(|d| d.config.name.as_str()).collect();
        let name = match joined {
            Some(d) => d.name.clone(),
            None if several => free_name(&format!("{title} ({host})"), existing, &taken),
            None => free_name(title, existing, &taken),
        };
        let mut queries: Vec<PlannedQuery> = Vec::new();
        for r in &mine {
            if r.auth.auth != chosen.auth {
                walk.drop(
                    &r.item,
                    "authentication",
                    format!(
                        "it resolves to {} (from {}), its datasource `{name}` uses {} (from {}): the query is imported \
                         and sent with the datasource's",
                        r.auth.how, r.auth.at, chosen.how, chosen.at
                    ),
                );
            }
            let taken: Vec<&str> = queries.iter().map(|q| q.name.as_str()).collect();
            queries.push(PlannedQuery {
                name: unique_query_name(&r.name, &taken),
                group: r.group.clone(),
                request: r.spec.clone(),
                item: r.item.clone(),
            });
        }
        let joined_with_auth = joined.is_some_and(|d| d.auth_type != AuthType::None);
        let (auth, auth_mapping) = if joined_with_auth {
            if chosen.auth != AuthConfig::None {
                walk.drop(
                    &chosen.at,
                    "authentication",
                    format!("`{name}` already has its own authentication, which is kept: edit it there to change it"),
                );
            }
            let kind = joined.map_or("", |d| d.auth_type.as_str());
            (AuthConfig::None, format!("kept: the existing datasource's {kind} authentication"))
        } else {
            let n = mine.iter().filter(|r| r.auth.auth == chosen.auth).count();
            (chosen.auth.clone(), format!("{}, from {} ({n} of {} requests)", chosen.how, chosen.at, mine.len()))
        };
        let config = DatasourceConfig { name, url: origin.clone(), auth, ..Default::default() };
        let secrets = super::carried_secrets(&config);
        let mut needs_setup = config.auth.missing_identifiers();
        for mut e in config.missing_secrets() {
            if !needs_setup.iter().any(|n| n.field == e.field) {
                e.message.push_str(": the collection carries none (or a placeholder)");
                needs_setup.push(e);
            }
        }
        let item = if chosen.auth == AuthConfig::None { mine[0].item.clone() } else { chosen.at.clone() };
        out.push(PlannedDatasource {
            action: if joined.is_some() { DatasourceAction::Join } else { DatasourceAction::Create },
            existing_id: joined.map(|d| d.id.clone()),
            sets_auth: joined.is_some() && !joined_with_auth && config.auth != AuthConfig::None,
            config,
            queries,
            auth_mapping,
            secrets,
            needs_setup,
            item,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::VariableValue;
    use serde_json::json;

    const V21: &str = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json";
    const V20: &str = "https://schema.getpostman.com/json/collection/v2.0.0/collection.json";

    fn collection(schema: &str, body: Value) -> String {
        let mut c = json!({"info": {"name": "Shop", "schema": schema}});
        c.as_object_mut().unwrap().extend(body.as_object().unwrap().clone());
        c.to_string()
    }

    fn plan_of(text: &str) -> ImportPlan {
        crate::import::plan(Source { name: "shop.json", text }, None, &[]).unwrap()
    }

    fn refusal(text: &str) -> String {
        crate::import::plan(Source { name: "shop.json", text }, None, &[]).unwrap_err().to_string()
    }

    fn req(name: &str, request: Value) -> Value {
        json!({"name": name, "request": request})
    }

    fn dropped<'p>(plan: &'p ImportPlan, item: &str) -> Vec<&'p Dropped> {
        plan.dropped.iter().filter(|d| d.item == item).collect()
    }

    fn has_drop(plan: &ImportPlan, item: &str, what: &str, reason: &str) -> bool {
        plan.dropped.iter().any(|d| d.item == item && d.what == what && d.reason.contains(reason))
    }

    fn oauth(plan: &ImportPlan) -> OAuth2Config {
        match &plan.datasources[0].config.auth {
            AuthConfig::OAuth2(o) => (**o).clone(),
            other => panic!("not OAuth 2.0: {other:?}"),
        }
    }

    #[test]
    fn folders_become_groups_and_requests_queries() {
        for schema in [V20, V21] {
            let text = collection(
                schema,
                json!({"item": [
                    req("Top", json!({"method": "get", "url": "https://api.shop.example/health"})),
                    {"name": "Orders", "item": [
                        {"name": "Admin", "item": [req("Delete order", json!({"method": "DELETE",
                            "url": "https://api.shop.example/orders/:id"}))]},
                        req("List", json!({"method": "GET", "url": {"raw": "https://api.shop.example/orders?page=2&size=",
                            "query": [{"key": "page", "value": "2"}, {"key": "size", "value": "", "disabled": true}]}}))
                    ]}
                ]}),
            );
            let plan = plan_of(&text);
            assert_eq!(plan.format, crate::import::Format::Postman);
            assert_eq!(plan.datasources.len(), 1);
            let ds = &plan.datasources[0];
            assert_eq!(ds.config.name, "Shop");
            assert_eq!(ds.config.url, "https://api.shop.example");
            let q: Vec<(&str, Option<&str>, &str, &str)> = ds
                .queries
                .iter()
                .map(|q| (q.name.as_str(), q.group.as_deref(), q.request.method.as_str(), q.request.path.as_str()))
                .collect();
            assert_eq!(
                q,
                [
                    ("Top", None, "GET", "/health"),
                    ("Delete order", Some("Orders/Admin"), "DELETE", "/orders/{{id}}"),
                    ("List", Some("Orders"), "GET", "/orders"),
                ]
            );
            assert_eq!(ds.queries[1].item, "Orders/Admin/Delete order");
            assert_eq!(ds.queries[2].request.query_params, [KeyValue::new("page", "2")]);
            assert!(has_drop(&plan, "Orders/List", "query parameter size", "disabled"));
        }
    }

    #[test]
    fn url_objects_without_raw_are_put_together_from_their_parts() {
        let text = collection(
            V20,
            json!({"item": [req("One", json!({"method": "GET", "url": {"protocol": "https", "host": ["api", "shop", "example"],
                "port": "8443", "path": ["v1", ":sku"], "variable": [{"key": "sku", "value": "A-1"}]}}))]}),
        );
        let plan = plan_of(&text);
        assert_eq!(plan.datasources[0].config.url, "https://api.shop.example:8443");
        assert_eq!(plan.datasources[0].queries[0].request.path, "/v1/{{sku}}");
        let env = &plan.environments[0].config;
        assert_eq!(env.variable("sku").unwrap().value, VariableValue::Plain("A-1".into()), "the path variable's value");
        // A request given as a bare URL string, and a URL without a scheme (taken as https).
        let text = collection(
            V21,
            json!({"item": [req("Bare", json!("api.shop.example/x")), {"name": "S", "request": "https://b.example/y"}]}),
        );
        let plan = plan_of(&text);
        assert_eq!(plan.datasources[0].config.url, "https://api.shop.example");
        assert_eq!(plan.datasources[1].queries[0].request.method, "GET");
    }

    #[test]
    fn a_base_url_variable_resolves_the_origin_and_the_variables_make_an_environment() {
        let text = collection(
            V21,
            json!({"variable": [{"key": "baseUrl", "value": "https://api.shop.example/v2/"}, {"key": "limit", "value": 10},
                    {"key": "apiSecret", "value": "env-secret-991", "type": "secret"}, {"key": "off", "value": "x", "disabled": true},
                    {"key": "bad name", "value": "x"}],
                "item": [req("List", json!({"method": "GET", "url": "{{baseUrl}}/items?limit={{limit}}",
                    "header": [{"key": "X-Trace", "value": "{{limit}}"}]}))]}),
        );
        let plan = plan_of(&text);
        let ds = &plan.datasources[0];
        assert_eq!(ds.config.url, "https://api.shop.example");
        assert_eq!(ds.queries[0].request.path, "/v2/items", "the base URL's path stays in the query");
        assert_eq!(
            ds.queries[0].request.query_params,
            [KeyValue::new("limit", "{{limit}}")],
            "other variables are kept"
        );
        assert_eq!(ds.queries[0].request.headers, [KeyValue::new("X-Trace", "{{limit}}")]);
        let env = &plan.environments[0].config;
        assert_eq!(env.name, "Shop");
        let keys: Vec<&str> = env.variables.iter().map(|v| v.key.as_str()).collect();
        assert_eq!(keys, ["baseUrl", "limit", "apiSecret"]);
        assert_eq!(env.variable("limit").unwrap().value, VariableValue::Plain("10".into()));
        assert!(env.variable("apiSecret").unwrap().is_secret(), "a secret variable is sealed");
        assert!(!serde_json::to_string(&plan).unwrap().contains("env-secret-991"));
        assert!(has_drop(&plan, "collection Shop", "variable off", "disabled"));
        assert!(has_drop(&plan, "collection Shop", "variable bad name", "rename it"));
    }

    #[test]
    fn an_undefined_host_variable_drops_the_request_and_refuses_when_nothing_is_left() {
        let text = collection(V21, json!({"item": [req("A", json!({"url": "{{host}}/a"}))]}));
        let err = refusal(&text);
        assert!(err.contains("shop.json, A: no request can be imported"), "{err}");
        assert!(err.contains("`{{host}}`") && err.contains("add `host` to the collection's variables"), "{err}");
        let text = collection(
            V21,
            json!({"item": [req("A", json!({"url": "{{host}}/a"})), req("B", json!({"url": "https://b.example"})),
                req("C", json!({"method": "GET"})), req("D", json!({"url": "ftp://files.example/x"}))]}),
        );
        let plan = plan_of(&text);
        assert_eq!(plan.query_count(), 1);
        assert_eq!(plan.datasources[0].queries[0].request.path, "/");
        assert!(has_drop(&plan, "A", "request", "does not define"));
        assert!(has_drop(&plan, "C", "request", "no URL"));
        assert!(has_drop(&plan, "D", "request", "not http(s)"));
    }

    #[test]
    fn several_origins_make_several_datasources_named_with_their_host() {
        let text = collection(
            V21,
            json!({"item": [req("A", json!({"url": "https://a.example/1"})), req("B", json!({"url": "https://b.example/2"})),
                req("A2", json!({"url": "https://a.example/3"})), req("A2", json!({"url": "https://a.example/4"}))]}),
        );
        let plan = plan_of(&text);
        let names: Vec<&str> = plan.datasources.iter().map(|d| d.config.name.as_str()).collect();
        assert_eq!(names, ["Shop (a.example)", "Shop (b.example)"]);
        let queries: Vec<&str> = plan.datasources[0].queries.iter().map(|q| q.name.as_str()).collect();
        assert_eq!(queries, ["A", "A2", "A2 (2)"], "names are unique within a datasource");
    }

    #[test]
    fn an_existing_datasource_on_the_origin_is_joined() {
        let existing = [crate::import::listed("ds_1", "Mine", "https://api.shop.example/v1", AuthType::Bearer)];
        let text = collection(
            V21,
            json!({"auth": {"type": "bearer", "bearer": [{"key": "token", "value": "tok-77"}]},
                "item": [req("A", json!({"url": "https://api.shop.example/a"}))]}),
        );
        let plan = plan(Source { name: "shop.json", text: &text }, &existing).unwrap();
        let ds = &plan.datasources[0];
        assert_eq!(
            (ds.action, ds.existing_id.as_ref(), ds.sets_auth),
            (DatasourceAction::Join, Some(&existing[0].id), false)
        );
        assert_eq!(ds.config.name, "Mine");
        assert!(ds.secrets.is_empty());
        assert!(has_drop(&plan, "collection Shop", "authentication", "already has its own authentication"));
    }

    #[test]
    fn headers_bodies_and_their_modes_map_to_the_request() {
        let text = collection(
            V21,
            json!({"item": [
                req("Json", json!({"method": "POST", "url": "https://a.example/j",
                    "header": [{"key": "Content-Type", "value": "application/json"}, {"key": "X-Off", "value": "1", "disabled": true},
                        {"key": "Host", "value": "evil.example"}, {"key": "Cookie", "value": "sid=1"}],
                    "body": {"mode": "raw", "raw": "{\"a\": 1}", "options": {"raw": {"language": "json"}}}})),
                req("Templated", json!({"method": "POST", "url": "https://a.example/t",
                    "body": {"mode": "raw", "raw": "{\"n\": {{n}}}", "options": {"raw": {"language": "json"}}}})),
                req("Xml", json!({"method": "POST", "url": "https://a.example/x",
                    "body": {"mode": "raw", "raw": "<a/>", "options": {"raw": {"language": "xml"}}}})),
                req("Form", json!({"method": "POST", "url": "https://a.example/f",
                    "body": {"mode": "urlencoded", "urlencoded": [{"key": "a", "value": "1"}, {"key": "b", "value": "2", "disabled": true}]}})),
                req("Multi", json!({"method": "POST", "url": "https://a.example/m",
                    "body": {"mode": "formdata", "formdata": [{"key": "t", "value": "v", "type": "text"},
                        {"key": "f", "type": "file", "src": "/home/me/a.png"}, {"key": "c", "value": "v", "contentType": "not a type"}]}})),
                req("Gql", json!({"method": "POST", "url": "https://a.example/graphql",
                    "body": {"mode": "graphql", "graphql": {"query": "{ me { id } }", "variables": "{\"x\": 1}"}}})),
                req("Bin", json!({"method": "PUT", "url": "https://a.example/b", "body": {"mode": "file", "file": {"src": "/tmp/x"}}})),
                req("Weird", json!({"method": "PUT", "url": "https://a.example/w", "body": {"mode": "telepathy"}})),
                req("Off", json!({"method": "PUT", "url": "https://a.example/o", "body": {"mode": "raw", "raw": "x", "disabled": true}})),
            ]}),
        );
        let plan = plan_of(&text);
        let q = |name: &str| plan.datasources[0].queries.iter().find(|q| q.name == name).unwrap().request.clone();
        let json = q("Json");
        assert_eq!(json.headers, [KeyValue::new("Content-Type", "application/json")]);
        assert_eq!(json.body, RequestBody::Json { text: "{\"a\": 1}".into() });
        assert!(has_drop(&plan, "Json", "header X-Off", "disabled"));
        assert!(has_drop(&plan, "Json", "header Host", ""));
        assert!(has_drop(&plan, "Json", "header Cookie", "not stored"));
        assert_eq!(
            q("Templated").body,
            RequestBody::Raw { text: "{\"n\": {{n}}}".into(), content_type: "application/json".into() },
            "JSON with a bare variable is not JSON yet: raw, sent as JSON"
        );
        assert_eq!(q("Xml").body, RequestBody::Raw { text: "<a/>".into(), content_type: "application/xml".into() });
        assert_eq!(q("Form").body, RequestBody::FormUrlencoded { fields: vec![KeyValue::new("a", "1")] });
        assert!(has_drop(&plan, "Form", "form field b", "disabled"));
        let RequestBody::Multipart { parts } = q("Multi").body else { panic!() };
        assert_eq!(parts.iter().map(|p| p.key.as_str()).collect::<Vec<_>>(), ["t"]);
        assert!(has_drop(&plan, "Multi", "form part f", "choose the file"));
        assert!(has_drop(&plan, "Multi", "form part c", "is not a media type"));
        let RequestBody::Json { text } = q("Gql").body else { panic!() };
        assert_eq!(
            serde_json::from_str::<Value>(&text).unwrap(),
            json!({"query": "{ me { id } }", "variables": {"x": 1}})
        );
        assert_eq!(q("Bin").body, RequestBody::None);
        assert!(has_drop(&plan, "Bin", "file body", "choose the file"));
        assert!(has_drop(&plan, "Weird", "telepathy body", "not a body mode"));
        assert!(has_drop(&plan, "Off", "body", "disabled"));
    }

    #[test]
    fn scripts_examples_and_protocol_settings_are_dropped_naming_the_item() {
        let script = |listen: &str| json!({"listen": listen, "script": {"exec": ["pm.environment.set('a', 1)"]}});
        let text = collection(
            V21,
            json!({"event": [script("prerequest"), {"listen": "test", "script": {"exec": [""]}}],
                "item": [{"name": "F", "event": [script("test")], "item": [
                    {"name": "R", "event": [script("prerequest")], "protocolProfileBehavior": {"disableBodyPruning": true},
                     "request": {"url": "https://a.example", "proxy": {"host": "p"}}, "response": [{"name": "ok"}, {"name": "bad"}]}]}]}),
        );
        let plan = plan_of(&text);
        assert!(has_drop(&plan, "collection Shop", "pre-request script", "runs no scripts"));
        assert_eq!(dropped(&plan, "collection Shop").len(), 1, "an empty script is nothing to drop");
        assert!(has_drop(&plan, "F", "test script", "runs no scripts"));
        assert!(has_drop(&plan, "F/R", "pre-request script", "runs no scripts"));
        assert!(has_drop(&plan, "F/R", "protocolProfileBehavior", "not imported"));
        assert!(has_drop(&plan, "F/R", "2 saved response examples", "not imported"));
        assert!(has_drop(&plan, "F/R", "proxy", "set it on the datasource"));
    }

    #[test]
    fn auth_is_inherited_from_folders_and_the_collection_and_noauth_stops_it() {
        for (schema, bearer, basic) in [
            (
                V21,
                json!([{"key": "token", "value": "tok-coll-1"}]),
                json!([{"key": "username", "value": "u"}, {"key": "password", "value": "pw-folder-2"}]),
            ),
            (V20, json!({"token": "tok-coll-1"}), json!({"username": "u", "password": "pw-folder-2"})),
        ] {
            let text = collection(
                schema,
                json!({"auth": {"type": "bearer", "bearer": bearer},
                "item": [
                    req("Inherits", json!({"url": "https://a.example/1"})),
                    req("Explicit inherit", json!({"url": "https://a.example/2", "auth": {"type": "inherit"}})),
                    req("Null", json!({"url": "https://a.example/3", "auth": null})),
                    {"name": "Basic folder", "auth": {"type": "basic", "basic": basic}, "item": [
                        req("In folder", json!({"url": "https://a.example/4"})),
                        req("Opted out", json!({"url": "https://a.example/5", "auth": {"type": "noauth"}}))]}
                ]}),
            );
            let plan = plan_of(&text);
            let ds = &plan.datasources[0];
            assert_eq!(
                ds.config.auth,
                AuthConfig::Bearer(BearerAuth { token: "tok-coll-1".into() }),
                "3 of 5 requests"
            );
            assert_eq!(ds.secrets, ["auth.token"]);
            assert!(
                ds.auth_mapping.contains("bearer token, from collection Shop (3 of 5 requests)"),
                "{}",
                ds.auth_mapping
            );
            assert_eq!(ds.queries.len(), 5, "every request is imported");
            assert!(has_drop(
                &plan,
                "Basic folder/In folder",
                "authentication",
                "resolves to Basic authentication (from Basic folder)"
            ));
            assert!(has_drop(&plan, "Basic folder/Opted out", "authentication", "resolves to none (`noauth`)"));
            let shown = format!("{:?} {}", plan, serde_json::to_string(&plan).unwrap());
            assert!(!shown.contains("tok-coll-1") && !shown.contains("pw-folder-2"), "secrets are never shown");
        }
    }

    #[test]
    fn basic_bearer_and_api_keys_map_with_their_secrets_sealed() {
        let one = |auth: Value| {
            plan_of(&collection(V21, json!({"item": [req("R", json!({"url": "https://a.example", "auth": auth}))]})))
        };
        let plan = one(
            json!({"type": "basic", "basic": [{"key": "username", "value": "ann"}, {"key": "password", "value": "pw-1"}]}),
        );
        assert_eq!(
            plan.datasources[0].config.auth,
            AuthConfig::Basic(BasicAuth { username: "ann".into(), password: "pw-1".into() })
        );
        assert_eq!(plan.datasources[0].secrets, ["auth.password"]);
        let plan = one(
            json!({"type": "apikey", "apikey": [{"key": "key", "value": "X-Key"}, {"key": "value", "value": "k-1"}, {"key": "in", "value": "query"}]}),
        );
        assert_eq!(
            plan.datasources[0].config.auth,
            AuthConfig::ApiKey(ApiKeyAuth {
                key: "X-Key".into(),
                value: "k-1".into(),
                add_to: KeyPlacement::Query,
                header_prefix: String::new()
            })
        );
        assert_eq!(plan.datasources[0].secrets, ["auth.value"]);
        let plan = one(json!({"type": "apikey", "apikey": {"key": "X-Key", "value": "k-2"}}));
        let AuthConfig::ApiKey(k) = &plan.datasources[0].config.auth else { panic!() };
        assert_eq!(k.add_to, KeyPlacement::Header, "header by default");
        // A whole {{variable}} is kept as that reference; a placeholder or mixed text needs setup.
        let plan = one(json!({"type": "bearer", "bearer": [{"key": "token", "value": "{{token}}"}]}));
        assert_eq!(plan.datasources[0].config.auth, AuthConfig::Bearer(BearerAuth { token: "{{token}}".into() }));
        assert!(plan.datasources[0].needs_setup.is_empty());
        for value in ["<your token>", "pre-{{token}}", ""] {
            let plan = one(json!({"type": "bearer", "bearer": [{"key": "token", "value": value}]}));
            assert_eq!(
                plan.datasources[0].config.auth,
                AuthConfig::Bearer(BearerAuth { token: SecretField::Empty }),
                "{value}"
            );
            assert_eq!(plan.datasources[0].needs_setup[0].field, "auth.token");
            assert!(plan.datasources[0].needs_setup[0].message.contains("the collection carries none"));
        }
        let plan = one(json!({"type": "bearer", "bearer": [{"key": "token", "value": "pre-{{token}}"}]}));
        assert!(has_drop(&plan, "R", "bearer token", "whole {{name}}"));
        for (params, reason) in [
            (json!([{"key": "value", "value": "k"}]), "names no header or parameter"),
            (
                json!([{"key": "key", "value": "k"}, {"key": "in", "value": "cookie"}]),
                "an API key in `cookie` is not supported",
            ),
        ] {
            let plan = one(json!({"type": "apikey", "apikey": params}));
            assert_eq!(plan.datasources[0].config.auth, AuthConfig::None);
            assert!(has_drop(&plan, "R", "apikey authentication", reason), "{:?}", plan.dropped);
        }
    }

    #[test]
    fn an_authorization_header_is_the_request_authentication_not_a_stored_header() {
        let text = collection(
            V20,
            json!({"item": [req("R", json!({"url": "https://a.example", "header": "Authorization: Bearer hdr-tok-5\nAccept: application/json"})),
                req("S", json!({"url": "https://a.example", "header": [{"key": "X-API-Key", "value": "k-9"}],
                    "auth": {"type": "basic", "basic": {"username": "u", "password": "p"}}}))]}),
        );
        let plan = plan_of(&text);
        let ds = &plan.datasources[0];
        assert_eq!(ds.config.auth, AuthConfig::Bearer(BearerAuth { token: "hdr-tok-5".into() }), "the first of a tie");
        assert_eq!(ds.queries[0].request.headers, [KeyValue::new("Accept", "application/json")]);
        assert!(ds.queries[1].request.headers.is_empty(), "a credential header is never stored in a query");
        assert!(has_drop(&plan, "S", "header X-API-Key", "the header is not stored"));
        assert!(!format!("{plan:?}").contains("hdr-tok-5"));
        let text = collection(
            V21,
            json!({"item": [req("Signed", json!({"url": "https://a.example", "header": [{"key": "Authorization", "value": "Digest username=\"u\", response=\"f3f7\""}]}))]}),
        );
        let plan = plan_of(&text);
        assert_eq!(plan.datasources[0].config.auth, AuthConfig::None);
        assert!(plan.datasources[0].queries[0].request.headers.is_empty());
        assert!(has_drop(&plan, "Signed", "header Authorization", "cannot be sent again"));
    }

    fn oauth_plan(schema: &str, params: Value) -> ImportPlan {
        plan_of(&collection(
            schema,
            json!({"auth": {"type": "oauth2", "oauth2": params}, "item": [req("Me", json!({"url": "https://api.shop.example/me"}))]}),
        ))
    }

    fn rows(map: Value) -> Value {
        Value::Array(
            map.as_object().unwrap().iter().map(|(k, v)| json!({"key": k, "value": v, "type": "string"})).collect(),
        )
    }

    #[test]
    fn oauth2_settings_map_in_v2_0_objects_and_v2_1_rows() {
        let settings = json!({
            "grant_type": "authorization_code_with_pkce", "authUrl": "https://id.shop.example/authorize",
            "accessTokenUrl": "https://id.shop.example/token", "clientId": "cid", "clientSecret": "cs-oauth-3",
            "scope": "read write", "audience": {"6b1c": "https://api.shop.example"}, "client_authentication": "body",
            "addTokenTo": "queryParams", "headerPrefix": "Token", "redirect_uri": "https://oauth.pstmn.io/v1/callback",
            "accessToken": "at-postman-4", "tokenName": "t", "challengeAlgorithm": "S256", "useBrowser": true,
            "authRequestParams": [{"key": "access_type", "value": "offline", "enabled": true, "send_as": "request_url"},
                {"key": "off", "value": "1", "enabled": false}],
            "tokenRequestParams": [{"key": "tenant", "value": "t1", "enabled": true, "send_as": "request_body"},
                {"key": "hdr", "value": "h", "enabled": true, "send_as": "request_header"}],
            "refreshRequestParams": [{"key": "tenant", "value": "t1", "enabled": true, "send_as": "request_body"}],
            "somethingNew": "x"
        });
        for params in [settings.clone(), rows(settings)] {
            let plan = oauth_plan(V21, params);
            let o = oauth(&plan);
            assert_eq!(o.grant_type, GrantType::AuthorizationCode);
            assert!(o.pkce);
            assert_eq!(o.authorization_url, "https://id.shop.example/authorize");
            assert_eq!(o.access_token_url, "https://id.shop.example/token");
            assert_eq!(o.client_id, "cid");
            assert_eq!(o.client_secret, SecretField::from("cs-oauth-3"));
            assert_eq!(o.scopes, ["read", "write"]);
            assert_eq!(o.audience, "https://api.shop.example");
            assert_eq!(o.client_authentication, ClientAuthentication::Body);
            assert_eq!((o.add_token_to, o.header_prefix.as_str()), (KeyPlacement::Query, "Token"));
            assert_eq!(o.custom_auth_params, [KeyValue::new("access_type", "offline")]);
            assert_eq!(o.custom_token_params, [KeyValue::new("tenant", "t1")]);
            assert!(o.send_custom_token_params_with_refresh, "the same params on refresh");
            let ds = &plan.datasources[0];
            assert_eq!(ds.secrets, ["auth.clientSecret"]);
            let at = "collection Shop";
            assert!(has_drop(&plan, at, "redirect_uri", "register that one"));
            assert!(has_drop(&plan, at, "accessToken", "Latchkey gets its own"));
            assert!(has_drop(&plan, at, "token request parameter hdr", "request body"));
            assert!(has_drop(&plan, at, "OAuth 2.0 setting somethingNew", "not a setting"));
            assert!(!has_drop(&plan, at, "OAuth 2.0 setting tokenName", ""));
            let shown = format!("{plan:?} {}", serde_json::to_string(&plan).unwrap());
            assert!(!shown.contains("cs-oauth-3") && !shown.contains("at-postman-4"));
        }
    }

    #[test]
    fn oauth2_grants_client_authentication_and_refusals() {
        let base =
            |grant: &str| json!({"grant_type": grant, "accessTokenUrl": "https://id.example/token", "clientId": "c"});
        let plan = oauth_plan(V20, base("client_credentials"));
        let o = oauth(&plan);
        assert_eq!(o.grant_type, GrantType::ClientCredentials);
        assert_eq!(o.client_authentication, ClientAuthentication::BasicHeader, "Postman's default is the Basic header");
        assert_eq!((o.add_token_to, o.header_prefix.as_str()), (KeyPlacement::Header, "Bearer"));
        let mut password = base("password_credentials");
        password["username"] = json!("ann");
        password["password"] = json!("pw-grant-6");
        let plan = oauth_plan(V20, password);
        let o = oauth(&plan);
        assert_eq!((o.grant_type, o.username.as_str()), (GrantType::Password, "ann"));
        assert_eq!(plan.datasources[0].secrets, ["auth.password"]);
        let plan = oauth_plan(V20, base("password_credentials"));
        assert!(plan.datasources[0].needs_setup.iter().any(|e| e.field == "auth.password"));
        let mut no_client = base("authorization_code");
        no_client["authUrl"] = json!("https://id.example/auth");
        no_client["clientId"] = json!("");
        let plan = oauth_plan(V20, no_client);
        assert!(
            plan.datasources[0].needs_setup.iter().any(|e| e.field == "auth.clientId"),
            "{:?}",
            plan.datasources[0].needs_setup
        );
        // Token URLs through collection variables.
        let text = collection(
            V21,
            json!({"variable": [{"key": "idp", "value": "https://id.example"}],
            "auth": {"type": "oauth2", "oauth2": rows(json!({"grant_type": "client_credentials", "accessTokenUrl": "{{idp}}/token", "clientId": "c"}))},
            "item": [req("Me", json!({"url": "https://a.example/me"}))]}),
        );
        assert_eq!(oauth(&plan_of(&text)).access_token_url, "https://id.example/token");
        // The implicit grant, and an unknown one: dropped, no authentication.
        for grant in ["implicit", "magic"] {
            let plan = oauth_plan(V20, base(grant));
            assert_eq!(plan.datasources[0].config.auth, AuthConfig::None, "{grant}");
            assert!(has_drop(&plan, "collection Shop", "oauth2 authentication", grant));
        }
        // A token URL that is not one is refused, naming where the auth is and the fix.
        let mut bad = base("client_credentials");
        bad["accessTokenUrl"] = json!("exampleAccessTokenUrl");
        let err = crate::import::plan(
            Source { name: "shop.json", text: &collection(V20, json!({"auth": {"type": "oauth2", "oauth2": bad}, "item": [req("Me", json!({"url": "https://a.example"}))]})) },
            None,
            &[],
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("shop.json, collection Shop: auth.accessTokenUrl"), "{err}");
        assert!(err.contains("an absolute https URL"), "{err}");
    }

    #[test]
    fn oauth2_settings_latchkey_cannot_follow_are_dropped_with_the_reason() {
        let plan = oauth_plan(
            V20,
            json!({"grant_type": "client_credentials", "accessTokenUrl": "https://id.example/token", "clientId": "c",
                "refreshTokenUrl": "https://id.example/refresh", "challengeAlgorithm": "plain", "refreshToken": "rt-13",
                "tokenRequestParams": [{"key": "a", "value": "1", "send_as": "request_url"}],
                "refreshRequestParams": [{"key": "other", "value": "2"}]}),
        );
        let o = oauth(&plan);
        assert!(o.custom_token_params.is_empty() && !o.send_custom_token_params_with_refresh);
        let at = "collection Shop";
        assert!(has_drop(&plan, at, "refreshTokenUrl", "refreshes tokens at the token URL"));
        assert!(has_drop(&plan, at, "challengeAlgorithm", "S256 only"));
        assert!(has_drop(&plan, at, "refreshToken", "Latchkey gets its own"));
        assert!(has_drop(&plan, at, "token request parameter a", "request body"));
        assert!(has_drop(&plan, at, "refreshRequestParams", "or none"));
        assert!(!format!("{plan:?}").contains("rt-13"));
    }

    #[test]
    fn credentials_over_plain_http_are_refused_naming_where_the_auth_is() {
        let text = collection(
            V21,
            json!({"item": [{"name": "F", "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "t-14"}]},
                "item": [req("R", json!({"url": "http://api.shop.example/x"}))]}]}),
        );
        let err = refusal(&text);
        assert!(err.contains("shop.json, F: url"), "{err}");
        assert!(!err.contains("t-14"));
        let loopback = collection(
            V21,
            json!({"auth": {"type": "bearer", "bearer": [{"key": "token", "value": "t-14"}]},
                "item": [req("R", json!({"url": "http://127.0.0.1:8080/x"}))]}),
        );
        assert_eq!(plan_of(&loopback).datasources[0].config.url, "http://127.0.0.1:8080");
    }

    #[test]
    fn an_oauth2_entry_with_only_a_token_is_that_token() {
        let plan = oauth_plan(V20, json!({"accessToken": "tok-only-8", "addTokenTo": "header"}));
        assert_eq!(plan.datasources[0].config.auth, AuthConfig::Bearer(BearerAuth { token: "tok-only-8".into() }));
        let plan = oauth_plan(V21, rows(json!({"accessToken": "tok-only-8", "addTokenTo": "queryParams"})));
        assert_eq!(
            plan.datasources[0].config.auth,
            AuthConfig::ApiKey(ApiKeyAuth {
                key: "access_token".into(),
                value: "tok-only-8".into(),
                add_to: KeyPlacement::Query,
                header_prefix: String::new()
            })
        );
        let plan = oauth_plan(V21, rows(json!({"accessToken": "tok-only-8", "headerPrefix": "token"})));
        assert_eq!(
            plan.datasources[0].config.auth,
            AuthConfig::ApiKey(ApiKeyAuth {
                key: "Authorization".into(),
                value: "tok-only-8".into(),
                add_to: KeyPlacement::Header,
                header_prefix: "token".into()
            })
        );
        let plan = oauth_plan(V21, rows(json!({"addTokenTo": "header"})));
        assert_eq!(plan.datasources[0].needs_setup[0].field, "auth.token", "no token: a bearer token to enter");
    }

    #[test]
    fn other_auth_types_are_dropped_and_leave_no_authentication() {
        for kind in ["digest", "hawk", "awsv4", "ntlm", "edgegrid", "oauth1", "akamai", "somethingelse"] {
            let text = collection(
                V21,
                json!({"item": [req("R", json!({"url": "https://a.example", "auth": {"type": kind, kind: [{"key": "secretKey", "value": "sk-10"}]}}))]}),
            );
            let plan = plan_of(&text);
            assert_eq!(plan.datasources[0].config.auth, AuthConfig::None, "{kind}");
            assert!(has_drop(&plan, "R", &format!("{kind} authentication"), ""), "{kind}: {:?}", plan.dropped);
            assert!(!format!("{plan:?}").contains("sk-10"));
        }
    }

    #[test]
    fn environment_files_become_environments_with_secret_values_sealed() {
        let text = json!({"name": "Shop Prod.eu", "_postman_variable_scope": "environment", "values": [
            {"key": "baseUrl", "value": "https://api.shop.example", "enabled": true},
            {"key": "token", "value": "env-tok-11", "type": "secret", "enabled": true},
            {"key": "old", "value": "x", "enabled": false}]})
        .to_string();
        let plan = plan_of(&text);
        assert!(plan.datasources.is_empty());
        let env = &plan.environments[0].config;
        assert_eq!(env.name, "Shop Prod eu", "`.` cannot be in an environment's name");
        assert_eq!(env.variable("baseUrl").unwrap().value, VariableValue::Plain("https://api.shop.example".into()));
        assert_eq!(env.variable("token").unwrap().value, VariableValue::Secret("env-tok-11".into()));
        assert!(env.variable("old").is_none());
        assert!(has_drop(&plan, "environment Shop Prod eu", "variable old", "disabled"));
        assert!(!serde_json::to_string(&plan).unwrap().contains("env-tok-11"));
        let err = refusal(&json!({"_postman_variable_scope": "collection"}).to_string());
        assert!(err.contains("_postman_variable_scope") && err.contains("not an environment"), "{err}");
    }

    #[test]
    fn other_versions_and_broken_files_are_refused_with_the_fix() {
        let err = refusal(&json!({"info": {"name": "Old", "_postman_id": "1", "schema": "https://schema.getpostman.com/json/collection/v1.0.0/collection.json"}, "requests": []}).to_string());
        assert!(
            err.contains(
                "shop.json, info.schema: Postman Collection v1 is not supported: export the collection again as v2.1"
            ),
            "{err}"
        );
        let err = refusal(&json!({"info": {"name": "No items", "schema": V21}}).to_string());
        assert!(err.contains("shop.json, item: no `item` list"), "{err}");
        let err = crate::import::plan(
            Source { name: "shop.json", text: "{\"info\": " },
            Some(crate::import::Format::Postman),
            &[],
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("shop.json: not JSON (line 1"), "{err}");
        let err = refusal(&collection(
            V21,
            json!({"item": [req("Bad method", json!({"method": "GE T", "url": "https://a.example"}))]}),
        ));
        assert!(err.contains("shop.json, Bad method: method"), "{err}");
        assert_eq!(
            crate::import::Format::detect(&json!({"info": {"_postman_id": "x"}, "item": []}).to_string()),
            Some(crate::import::Format::Postman)
        );
    }
}
