//! Insomnia exports (export format 4, as JSON or YAML) as an import plan: each workspace's
//! requests, grouped by the base URL they call, become datasources named after the workspace;
//! its environments become Latchkey environments; each request's authentication (its own, or
//! its folder's when it inherits) is mapped, and the one most requests of a datasource use
//! becomes the datasource's.
//!
//! Variables: Insomnia's `{{ _.name }}` and `{{ name }}` are written as Latchkey's `{{name}}`
//! in what a saved query sends (path, query, headers, bodies), resolved when it is sent. What
//! the datasource itself holds (its URL, its authentication) is resolved here, with the
//! workspace's base environment, its first sub-environment and the request's folders: Latchkey
//! checks a datasource in every environment of the vault, where the file's variables are
//! unknown. A URL that another environment resolves differently is that environment's override.
//! Template tags (`{% response … %}`, `{% uuid %}`…) have no Latchkey equivalent: a URL with one
//! drops its request, a header or parameter with one is dropped, a body keeps it as written,
//! and a secret with one is left to enter; each is listed with the reason.
//!
//! What does not belong here: the newer Insomnia v5 YAML (refused, with how to export v4),
//! storing the plan (`Store::apply_import`).

use std::collections::BTreeMap;

use base64::Engine;
use serde_json::Value;

use super::{
    free_name, origin_of, DatasourceAction, Dropped, ImportPlan, PlannedDatasource, PlannedEnvironment, PlannedQuery,
    Source,
};
use crate::model::{
    is_variable_name, ApiKeyAuth, AuthConfig, AuthType, BasicAuth, BearerAuth, ClientAuthentication, ConfigOverrides,
    DatasourceConfig, DatasourceSummary, EnvironmentConfig, GrantType, KeyPlacement, KeyValue, MultipartPart,
    OAuth2Config, RequestBody, RequestSpec, Variable,
};
use crate::{Error, FieldError, Result, SecretField};

/// How deep `{{a}}` → `{{b}}` → … is followed, and folders are nested, before giving up.
const DEPTH: usize = 16;

/// The longest text resolving variables may make.
const MAX_RESOLVED: usize = 1 << 20;

/// The name of a workspace the file refers to but does not contain (Insomnia's own importers
/// write `__WORKSPACE_ID__` parents).
const UNNAMED_WORKSPACE: &str = "Insomnia";

fn refused(file: &str, item: &str, message: impl Into<String>) -> Error {
    Error::Invalid(vec![FieldError::new(format!("{file}, {item}"), message)])
}

fn text<'v>(value: &'v Value, key: &str) -> &'v str {
    value.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn flag(value: &Value, key: &str) -> bool {
    value.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// How a resource is named in the plan: its type, its name, its id.
fn item_of(resource: &Value) -> String {
    let kind = text(resource, "_type").replace('_', " ");
    let name = text(resource, "name");
    let id = text(resource, "_id");
    match (name.is_empty(), id.is_empty()) {
        (false, false) => format!("{kind} `{name}` ({id})"),
        (false, true) => format!("{kind} `{name}`"),
        (true, false) => format!("{kind} {id}"),
        (true, true) => kind,
    }
}

/// Text with Insomnia's variables written the Latchkey way, and what it uses that Latchkey
/// cannot: template tags (by name) and expressions that are no variable (`{{ a | upper }}`).
#[derive(Debug, Default)]
struct Rewritten {
    text: String,
    /// `response`, `uuid`, … and `{{ expression }}`s, as `tag `name`` / `expression`.
    unsupported: Vec<String>,
}

/// `{{ _.name }}`, `{{_.name}}`, `{{ name }}` → `{{name}}`; `{% tag … %}` is kept and named.
fn rewrite(input: &str) -> Rewritten {
    let mut out = Rewritten { text: String::with_capacity(input.len()), unsupported: Vec::new() };
    let mut rest = input;
    loop {
        let var = rest.find("{{");
        let tag = rest.find("{%");
        let at = match (var, tag) {
            (None, None) => break,
            (Some(v), Some(t)) => v.min(t),
            (Some(v), None) => v,
            (None, Some(t)) => t,
        };
        let is_tag = tag == Some(at);
        let close = if is_tag { "%}" } else { "}}" };
        let Some(len) = rest[at + 2..].find(close) else {
            // Not closed: literal text, and what follows is still looked at.
            out.text.push_str(&rest[..at + 2]);
            rest = &rest[at + 2..];
            continue;
        };
        let inner = rest[at + 2..at + 2 + len].trim();
        out.text.push_str(&rest[..at]);
        let whole = &rest[at..at + 2 + len + 2];
        if is_tag {
            let name: String = inner.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            out.unsupported.push(format!("the template tag `{}`", if name.is_empty() { "?" } else { &name }));
            out.text.push_str(whole);
        } else {
            let name = inner.strip_prefix("_.").unwrap_or(inner).trim();
            if is_variable_name(name) {
                out.text.push_str("{{");
                out.text.push_str(name);
                out.text.push_str("}}");
            } else {
                out.unsupported.push("an expression that is no variable".to_owned());
                out.text.push_str(whole);
            }
        }
        rest = &rest[at + 2 + len + 2..];
    }
    out.text.push_str(rest);
    out
}

/// Variables by name (already rewritten), for resolving what the datasource holds.
type Vars = BTreeMap<String, String>;

/// `text` (rewritten) with every known `{{name}}` replaced, followed up to [`DEPTH`] times;
/// `None` when a variable stays unknown (its name is returned).
fn resolve(text: &str, vars: &Vars) -> std::result::Result<String, String> {
    let mut current = text.to_owned();
    for _ in 0..DEPTH {
        let names = crate::variables::used_names(&current);
        if names.is_empty() {
            return Ok(current);
        }
        let mut changed = false;
        for name in names {
            if let Some(value) = vars.get(&name) {
                current = current.replace(&format!("{{{{{name}}}}}"), value);
                changed = true;
                if current.len() > MAX_RESOLVED {
                    // `{{a}}` = `{{a}}{{a}}`…: not a value anyone meant.
                    return Err(name);
                }
            } else {
                return Err(name);
            }
        }
        if !changed {
            break;
        }
    }
    match crate::variables::used_names(&current).into_iter().next() {
        Some(name) => Err(name),
        None => Ok(current),
    }
}

/// Whether a header carries an API key by its name (`X-API-Key`, `Api-Key`, `X-Auth-Token`…).
fn is_key_header(name: &str) -> bool {
    matches!(
        name.trim().to_ascii_lowercase().as_str(),
        "x-api-key" | "api-key" | "apikey" | "x-apikey" | "x-auth-token" | "x-access-token" | "private-token"
    )
}

/// Whether a variable's name says it holds a secret (its value is sealed as a secret variable).
fn looks_secret(name: &str) -> bool {
    let squashed: String = name.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
    ["token", "secret", "password", "passwd", "apikey", "privatekey", "credential"].iter().any(|w| squashed.contains(w))
}

/// The file as JSON (read as JSON, else as YAML).
fn read(source: Source<'_>) -> Result<Value> {
    super::lean::document(source, super::lean::everything)
}

/// An Insomnia environment's `data` as variables: nested objects flattened as `a.b` (how
/// Insomnia refers to them, `{{ _.a.b }}`), numbers and booleans as text; arrays and names
/// that cannot be variable names are dropped.
fn flatten(data: &Value, prefix: &str, item: &str, out: &mut Vec<(String, String)>, dropped: &mut Vec<Dropped>) {
    let Some(map) = data.as_object() else { return };
    for (key, value) in map {
        let name = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        let drop = |dropped: &mut Vec<Dropped>, reason: &str| {
            dropped.push(Dropped {
                item: item.to_owned(),
                what: format!("variable `{name}`"),
                reason: reason.to_owned(),
            });
        };
        match value {
            Value::Object(_) => flatten(value, &name, item, out, dropped),
            Value::Array(_) => drop(dropped, "a list has no Latchkey equivalent: variables are text"),
            _ if !is_variable_name(&name) => drop(
                dropped,
                "not a Latchkey variable name (a letter or _, then letters, digits, _, - or .): rename it",
            ),
            Value::String(s) => out.push((name, rewrite(s).text)),
            Value::Null => out.push((name, String::new())),
            other => out.push((name, other.to_string())),
        }
    }
}

/// One workspace of the file and what belongs to it.
#[derive(Default)]
struct Workspace<'v> {
    id: String,
    name: String,
    base: Vec<(String, String)>,
    subs: Vec<SubEnvironment>,
    requests: Vec<&'v Value>,
}

/// Variables as the file gives them, in order.
type Pairs = Vec<(String, String)>;

/// A sub-environment of a workspace's base environment.
struct SubEnvironment {
    name: String,
    vars: Pairs,
    /// `isPrivate` in Insomnia.
    private: bool,
    item: String,
}

/// A request group, as its children see it.
struct Folder<'v> {
    workspace: String,
    name: String,
    parent: String,
    vars: Vec<(String, String)>,
    auth: Option<&'v Value>,
    headers: Option<&'v Value>,
}

/// What one request's authentication maps to.
enum MappedAuth {
    /// The mapping, how, the fields still to enter (with why), and notes for the dropped list.
    Mapped(AuthConfig, String, Vec<FieldError>, Vec<(String, String)>),
    /// Not supported: why.
    Unsupported(String),
}

/// The workspace's request groups by id.
type Folders<'v> = BTreeMap<String, Folder<'v>>;

/// The ancestors of `parent`, nearest first (up to [`DEPTH`]).
fn chain<'f, 'v>(folders: &'f Folders<'v>, mut parent: &'f str) -> Vec<&'f Folder<'v>> {
    let mut out = Vec::new();
    while let Some(folder) = folders.get(parent) {
        if out.len() >= DEPTH {
            break;
        }
        out.push(folder);
        parent = &folder.parent;
    }
    out
}

/// Plans the import of an Insomnia export.
///
/// # Errors
/// [`Error::Format`] when the text does not read; [`Error::Invalid`] naming the file and the
/// item for an export Latchkey does not read (another export format, Insomnia v5) or a request
/// whose mapped authentication a save would refuse.
pub fn plan(source: Source<'_>, existing: &[DatasourceSummary]) -> Result<ImportPlan> {
    let file = source.name;
    let root = read(source)?;
    let v5 = text(&root, "type");
    if v5.contains("insomnia.rest/") {
        return Err(refused(
            file,
            "/type",
            format!(
                "`{v5}` is Insomnia's v5 YAML, which Latchkey does not read: export it again as \
                 \"Insomnia v4 (JSON)\" in Insomnia's export dialog"
            ),
        ));
    }
    if text(&root, "_type") != "export" {
        return Err(refused(
            file,
            "/_type",
            "not an Insomnia export (`_type: export`): export the collection from Insomnia as \"Insomnia v4 (JSON)\"",
        ));
    }
    match root.get("__export_format").and_then(Value::as_u64) {
        Some(4) => {}
        other => {
            let found = other.map_or_else(|| "none".to_owned(), |v| v.to_string());
            return Err(refused(
                file,
                "/__export_format",
                format!("export format {found} is not read (only 4): export it again from a current Insomnia as \"Insomnia v4 (JSON)\""),
            ));
        }
    }
    let Some(resources) = root.get("resources").and_then(Value::as_array) else {
        return Err(refused(file, "/resources", "the export has no `resources` list: export it again from Insomnia"));
    };
    let resources: Vec<&Value> = resources.iter().filter(|r| r.is_object()).collect();
    let by_id: BTreeMap<&str, &Value> =
        resources.iter().map(|r| (text(r, "_id"), *r)).filter(|(id, _)| !id.is_empty()).collect();
    let mut dropped = Vec::new();

    // Which workspace each resource belongs to: the end of its chain of parents.
    let workspace_of = |resource: &Value| -> String {
        let mut current = resource;
        for _ in 0..=DEPTH * 4 {
            if text(current, "_type") == "workspace" {
                return text(current, "_id").to_owned();
            }
            let parent = text(current, "parentId");
            match by_id.get(parent) {
                Some(next) => current = next,
                None => return parent.to_owned(),
            }
        }
        String::new()
    };
    let mut workspaces: Vec<Workspace> = Vec::new();
    let mut folders: Folders<'_> = BTreeMap::new();
    let mut environments: Vec<&Value> = Vec::new();
    for resource in &resources {
        let item = item_of(resource);
        let drop = |dropped: &mut Vec<Dropped>, reason: &str| {
            dropped.push(Dropped {
                item: item.clone(),
                what: text(resource, "_type").to_owned(),
                reason: reason.to_owned(),
            });
        };
        match text(resource, "_type") {
            "workspace" => workspaces.push(Workspace {
                id: text(resource, "_id").to_owned(),
                name: text(resource, "name").trim().to_owned(),
                ..Default::default()
            }),
            "request_group" => {
                let mut vars = Vec::new();
                if let Some(data) = resource.get("environment") {
                    flatten(data, "", &item, &mut vars, &mut dropped);
                }
                let auth = resource.get("authentication").filter(|a| a.as_object().is_some_and(|m| !m.is_empty()));
                let id = text(resource, "_id");
                if id.is_empty() {
                    continue;
                }
                folders.insert(
                    id.to_owned(),
                    Folder {
                        workspace: workspace_of(resource),
                        name: text(resource, "name").trim().to_owned(),
                        parent: text(resource, "parentId").to_owned(),
                        vars,
                        auth,
                        headers: resource.get("headers"),
                    },
                );
            }
            "request" => {}
            "environment" => environments.push(resource),
            "cookie_jar" => drop(&mut dropped, "cookies are not imported: a browser session's secrets are not stored"),
            "api_spec" => drop(
                &mut dropped,
                "the API spec is not part of a datasource: save its contents as a file and import that as OpenAPI",
            ),
            "grpc_request" | "proto_file" | "proto_directory" => {
                drop(&mut dropped, "gRPC is not supported: Latchkey sends HTTP requests")
            }
            "websocket_request" | "websocket_payload" | "socketio_request" | "socketio_payload" => {
                drop(&mut dropped, "WebSocket and Socket.IO are not supported: Latchkey sends HTTP requests")
            }
            "unit_test_suite" | "unit_test" => drop(&mut dropped, "tests are not imported: Latchkey runs no scripts"),
            "client_certificate" => drop(
                &mut dropped,
                "client certificates are not carried by an export: add it to the datasource under Client certificate",
            ),
            "plugin" => drop(&mut dropped, "plugins are not imported: Latchkey runs no plugins"),
            "" => drop(&mut dropped, "a resource without `_type` is not imported"),
            _ => drop(&mut dropped, "this kind of Insomnia resource is not imported"),
        }
    }
    // Environments: a base one per workspace, and its sub-environments.
    for env in &environments {
        let parent = text(env, "parentId");
        let item = item_of(env);
        let mut vars = Vec::new();
        if let Some(data) = env.get("data") {
            flatten(data, "", &item, &mut vars, &mut dropped);
        }
        let ws_id = workspace_of(env);
        let ws = workspace_entry(&mut workspaces, &ws_id);
        if by_id.get(parent).is_some_and(|p| text(p, "_type") == "environment") {
            ws.subs.push(SubEnvironment {
                name: text(env, "name").trim().to_owned(),
                vars,
                private: flag(env, "isPrivate"),
                item,
            });
        } else {
            for (k, v) in vars {
                ws.base.retain(|(name, _)| *name != k);
                ws.base.push((k, v));
            }
        }
    }
    for resource in &resources {
        if text(resource, "_type") == "request" {
            let ws_id = workspace_of(resource);
            workspace_entry(&mut workspaces, &ws_id).requests.push(*resource);
        }
    }

    let mut planned_envs: Vec<PlannedEnvironment> = Vec::new();
    let mut datasources: Vec<PlannedDatasource> = Vec::new();
    for ws in &workspaces {
        let ws_name = if ws.name.is_empty() { UNNAMED_WORKSPACE.to_owned() } else { ws.name.clone() };
        // Every folder's variables, for the environments (the first of a name wins).
        let mut folder_vars: Vec<(String, String)> = Vec::new();
        for (id, folder) in &folders {
            if folder.workspace != ws.id {
                continue;
            }
            for (k, v) in &folder.vars {
                match folder_vars.iter().find(|(name, _)| name == k) {
                    Some((_, old)) if old != v => dropped.push(Dropped {
                        item: format!("request group `{}` ({id})", folder.name),
                        what: format!("variable `{k}`"),
                        reason: "another folder defines it with another value, which is kept: Latchkey variables \
                                 belong to an environment, not a folder"
                            .to_owned(),
                    }),
                    Some(_) => {}
                    None => folder_vars.push((k.clone(), v.clone())),
                }
            }
        }
        // The Latchkey environments: one per sub-environment (base + sub + folders), or one
        // for the base environment when there is none.
        let env_name = |sub: Option<&str>| -> String {
            let clean =
                |s: &str| s.replace(['.', '[', ']'], "-").chars().filter(|c| !c.is_control()).collect::<String>();
            match sub {
                Some(sub) => format!("{} / {}", clean(&ws_name).trim(), clean(sub).trim()),
                None => clean(&ws_name).trim().to_owned(),
            }
        };
        let mut ws_envs: Vec<(String, Vars)> = Vec::new();
        let merged = |sub: &[(String, String)]| -> Vec<(String, String)> {
            let mut all: Vec<(String, String)> = ws.base.clone();
            for (k, v) in sub.iter().chain(folder_vars.iter()) {
                all.retain(|(name, _)| name != k);
                all.push((k.clone(), v.clone()));
            }
            all
        };
        let mut secret_names: Vec<String> = Vec::new();
        let mut env_sources: Vec<(String, Pairs, String)> = Vec::new();
        if ws.subs.is_empty() {
            if !ws.base.is_empty() || !folder_vars.is_empty() {
                env_sources.push((env_name(None), merged(&[]), format!("base environment of workspace `{ws_name}`")));
            }
        } else {
            for SubEnvironment { name: sub, vars, private, item } in &ws.subs {
                let item = if *private {
                    format!("{item} (private in Insomnia, imported all the same)")
                } else {
                    item.clone()
                };
                env_sources.push((env_name(Some(sub)), merged(vars), item));
            }
        }
        // Names are unique in the plan (two sub-environments may share one).
        for i in 0..env_sources.len() {
            let base = env_sources[i].0.trim().trim_end_matches('/').trim().to_owned();
            let base = if base.is_empty() { UNNAMED_WORKSPACE.to_owned() } else { base };
            let taken = |n: &str| {
                planned_envs.iter().any(|e| e.config.name.eq_ignore_ascii_case(n))
                    || env_sources[..i].iter().any(|(other, _, _)| other.eq_ignore_ascii_case(n))
            };
            let name = if taken(&base) {
                (2..).map(|n| format!("{base} {n}")).find(|n| !taken(n)).expect("some number is free")
            } else {
                base
            };
            env_sources[i].0 = name;
        }
        for (name, vars, _) in &env_sources {
            ws_envs.push((name.clone(), vars.iter().cloned().collect()));
        }
        // What the datasources are resolved with: the base, the first sub-environment, folders.
        let primary: Vars = match ws.subs.first() {
            Some(first) => merged(&first.vars).into_iter().collect(),
            None => merged(&[]).into_iter().collect(),
        };

        // Requests, grouped by base URL.
        let mut groups: Vec<Group> = Vec::new();
        for request in ws.requests.iter().copied() {
            let item = item_of(request);
            let ancestors = chain(&folders, text(request, "parentId"));
            let mut vars = primary.clone();
            for folder in ancestors.iter().rev() {
                for (k, v) in &folder.vars {
                    vars.insert(k.clone(), v.clone());
                }
            }
            let Some(mapped) = map_request(request, &item, &ancestors, &vars, &mut dropped) else { continue };
            // The same base in the other environments: an override where it differs.
            let mut overrides = BTreeMap::new();
            if let Some(leading) = &mapped.leading {
                for (env, env_vars) in &ws_envs {
                    let mut env_vars = env_vars.clone();
                    for folder in ancestors.iter().rev() {
                        for (k, v) in &folder.vars {
                            env_vars.insert(k.clone(), v.clone());
                        }
                    }
                    if let Ok(url) = resolve(&format!("{{{{{leading}}}}}"), &env_vars) {
                        let url = url.trim().trim_end_matches('/').to_owned();
                        if url != mapped.base && origin_of(&url).is_some() {
                            overrides.insert(env.clone(), url);
                        }
                    }
                }
            }
            for used in &mapped.secret_vars {
                if !secret_names.contains(used) {
                    secret_names.push(used.clone());
                }
            }
            let group = ancestors.iter().rev().map(|f| f.name.as_str()).collect::<Vec<_>>().join("/");
            let index = match groups.iter().position(|g| g.base == mapped.base) {
                Some(i) => i,
                None => {
                    groups.push(Group {
                        base: mapped.base.clone(),
                        overrides,
                        requests: Vec::new(),
                        item: item.clone(),
                    });
                    groups.len() - 1
                }
            };
            groups[index].requests.push((mapped, group, item));
        }
        for (name, vars, item) in env_sources {
            // Latchkey resolves a variable's value once: references between variables are
            // resolved here, where they can be.
            let all: Vars = vars.iter().cloned().collect();
            let variables = vars
                .into_iter()
                .map(|(k, v)| (k, resolve(&v, &all).unwrap_or(v)))
                .map(|(k, v)| {
                    if looks_secret(&k) || secret_names.contains(&k) {
                        Variable::secret(
                            k,
                            if v.is_empty() { SecretField::Empty } else { SecretField::from(v.as_str()) },
                        )
                    } else {
                        Variable::plain(k, v)
                    }
                })
                .collect();
            planned_envs
                .push(PlannedEnvironment { config: EnvironmentConfig { name, production: false, variables }, item });
        }
        let several = groups.len() > 1;
        for g in groups {
            let host = url::Url::parse(&g.base).ok().and_then(|u| u.host_str().map(str::to_owned)).unwrap_or_default();
            let base_name = if several { format!("{ws_name} ({host})") } else { ws_name.clone() };
            datasources.push(datasource(g, &base_name, existing, &datasources, &mut dropped)?);
        }
    }
    Ok(ImportPlan {
        source: file.to_owned(),
        format: super::Format::Insomnia,
        datasources,
        environments: planned_envs,
        dropped,
    })
}

fn workspace_entry<'w, 'v>(workspaces: &'w mut Vec<Workspace<'v>>, id: &str) -> &'w mut Workspace<'v> {
    if let Some(i) = workspaces.iter().position(|w| w.id == id) {
        return &mut workspaces[i];
    }
    workspaces.push(Workspace { id: id.to_owned(), ..Default::default() });
    workspaces.last_mut().expect("just pushed")
}

/// The requests of one workspace that call the same base URL.
struct Group {
    base: String,
    /// The base URL in the environments where it differs.
    overrides: BTreeMap<String, String>,
    requests: Vec<(MappedRequest, String, String)>,
    item: String,
}

/// One request, mapped.
struct MappedRequest {
    name: String,
    /// The datasource's URL: a leading variable's value, else the origin.
    base: String,
    /// The variable the URL starts with, when it does.
    leading: Option<String>,
    request: RequestSpec,
    auth: MappedAuth,
    /// Variables a secret field of its authentication took its value from.
    secret_vars: Vec<String>,
}

/// Maps a request, or drops it (returning `None`) when its URL cannot make a datasource.
fn map_request(
    request: &Value,
    item: &str,
    ancestors: &[&Folder<'_>],
    vars: &Vars,
    dropped: &mut Vec<Dropped>,
) -> Option<MappedRequest> {
    let mut drop = |what: String, reason: String| dropped.push(Dropped { item: item.to_owned(), what, reason });
    let url = rewrite(text(request, "url").trim());
    if let Some(tag) = url.unsupported.first() {
        drop(
            "request".to_owned(),
            format!("its URL uses {tag}, which Latchkey has no equivalent for: write the URL out"),
        );
        return None;
    }
    let url = url.text;
    if url.is_empty() {
        drop("request".to_owned(), "it has no URL".to_owned());
        return None;
    }
    // The base: a leading `{{var}}`'s value, else the URL's origin.
    let leading = url
        .strip_prefix("{{")
        .and_then(|rest| rest.split_once("}}"))
        .map(|(name, _)| name.to_owned())
        .filter(|name| is_variable_name(name));
    let undefined = |name: &str| {
        format!(
            "its URL uses `{{{{{name}}}}}`, which none of the file's environments defines: define it in Insomnia and \
             export again"
        )
    };
    let not_absolute = "its URL is not an absolute http(s) URL (with the file's first environment): make it one";
    let leading_value = leading.as_ref().and_then(|name| resolve(&format!("{{{{{name}}}}}"), vars).ok());
    let (base, rest) = match (&leading, leading_value) {
        (Some(name), Some(value)) if origin_of(value.trim()).is_some() => {
            (value.trim().trim_end_matches('/').to_owned(), url[name.len() + 4..].to_owned())
        }
        (Some(name), None) => {
            drop("request".to_owned(), undefined(name));
            return None;
        }
        _ => {
            // The origin is what comes before the path; the rest keeps its references.
            let Some(scheme_end) = url.find("://") else {
                drop("request".to_owned(), not_absolute.to_owned());
                return None;
            };
            let end = url[scheme_end + 3..].find(['/', '?', '#']).map_or(url.len(), |i| scheme_end + 3 + i);
            let prefix = match resolve(&url[..end], vars) {
                Ok(prefix) => prefix,
                Err(name) => {
                    drop("request".to_owned(), undefined(&name));
                    return None;
                }
            };
            let Some(absolute) =
                url::Url::parse(prefix.trim()).ok().filter(|u| u.has_host() && matches!(u.scheme(), "http" | "https"))
            else {
                drop("request".to_owned(), not_absolute.to_owned());
                return None;
            };
            // A prefix whose variable held a path (`{{scheme}}://{{host}}{{base_path}}`): that
            // path goes first.
            let origin = absolute.origin().ascii_serialization();
            let mut rest = absolute.path().trim_end_matches('/').to_owned();
            rest.push_str(url[end..].split('#').next().unwrap_or_default());
            (origin, rest)
        }
    };
    let (path, inline_query) = match rest.split_once('?') {
        Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
        None => (rest, None),
    };
    let path = if path.is_empty() || path.starts_with('/') { path } else { format!("/{path}") };
    let mut query_params = Vec::new();
    if let Some(query) = inline_query {
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| {
                url::form_urlencoded::parse(format!("a={s}").as_bytes())
                    .next()
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_default()
            };
            query_params.push(KeyValue::new(decode(k), decode(v)));
        }
    }
    // Parameters, headers (the folders' first, nearest last; the request's own win).
    rows(request.get("parameters"), "query parameter", &mut query_params, &mut drop);
    let mut headers = Vec::new();
    for folder in ancestors.iter().rev() {
        let mut from_folder = Vec::new();
        rows(folder.headers, "header", &mut from_folder, &mut drop);
        for h in from_folder {
            headers.retain(|old: &KeyValue| !old.key.eq_ignore_ascii_case(&h.key));
            headers.push(h);
        }
    }
    let mut own = Vec::new();
    rows(request.get("headers"), "header", &mut own, &mut drop);
    for h in own {
        headers.retain(|old: &KeyValue| !old.key.eq_ignore_ascii_case(&h.key));
        headers.push(h);
    }
    let mut header_auth = None;
    headers.retain(|h| {
        let name = h.key.trim().to_ascii_lowercase();
        match name.as_str() {
            "authorization" => {
                header_auth = Some(h.value.clone());
                false
            }
            "cookie" => {
                drop(
                    "header `Cookie`".to_owned(),
                    "cookies are not imported: a browser session's secrets are not stored".to_owned(),
                );
                false
            }
            "host" | "content-length" => {
                drop(
                    format!("header `{}`", h.key),
                    "it comes from the URL and the body when the request is sent".to_owned(),
                );
                false
            }
            _ => true,
        }
    });
    let body = body(request.get("body"), &mut drop);
    // Authentication: the request's own, else (`{}`, or none given) the nearest folder's.
    let own_auth = request.get("authentication").filter(|a| a.as_object().is_some_and(|m| !m.is_empty()));
    let auth_value = own_auth.or_else(|| ancestors.iter().find_map(|f| f.auth));
    let mut secret_vars = Vec::new();
    let auth = match (auth_value, header_auth) {
        (Some(a), header) => {
            if header.is_some() {
                drop(
                    "header `Authorization`".to_owned(),
                    "the request also has authentication, which is used: one credential per request".to_owned(),
                );
            }
            map_auth(a, vars, &mut secret_vars)
        }
        (None, Some(value)) => authorization_header(&value, vars, &mut secret_vars),
        (None, None) => match headers.iter().position(|h| is_key_header(&h.key)) {
            // An API key in a plain header is the request's credential, so that it is sealed.
            Some(i) => {
                let header = headers.remove(i);
                let mut setup = Vec::new();
                let value = secret(&header.value, "auth.value", vars, &mut secret_vars, &mut setup);
                MappedAuth::Mapped(
                    AuthConfig::ApiKey(ApiKeyAuth {
                        key: header.key.clone(),
                        value,
                        add_to: KeyPlacement::Header,
                        header_prefix: String::new(),
                    }),
                    format!("the {} header became an API key sent in that header", header.key),
                    setup,
                    Vec::new(),
                )
            }
            None => MappedAuth::Mapped(AuthConfig::None, "none".to_owned(), Vec::new(), Vec::new()),
        },
    };
    let name = match text(request, "name").trim() {
        "" => format!("{} {path}", text(request, "method").to_ascii_uppercase()),
        n => n.to_owned(),
    };
    Some(MappedRequest {
        name,
        base,
        leading,
        request: RequestSpec {
            method: match text(request, "method").trim() {
                "" => "GET".to_owned(),
                m => m.to_ascii_uppercase(),
            },
            path,
            headers,
            query_params,
            body,
        },
        auth,
        secret_vars,
    })
}

/// Insomnia's `[{name, value, disabled}]` rows into `out`; disabled rows, rows with a template
/// tag and empty rows are left out (the first two listed).
fn rows(list: Option<&Value>, kind: &str, out: &mut Vec<KeyValue>, drop: &mut impl FnMut(String, String)) {
    for row in list.and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default() {
        let name = text(row, "name").trim();
        let value = rewrite(text(row, "value"));
        if name.is_empty() && value.text.is_empty() {
            continue;
        }
        if flag(row, "disabled") {
            drop(format!("{kind} `{name}`"), "disabled in Insomnia (a saved query has no disabled rows)".to_owned());
            continue;
        }
        let key = rewrite(name);
        match value.unsupported.first().or(key.unsupported.first()) {
            Some(tag) => drop(
                format!("{kind} `{name}`"),
                format!("its value uses {tag}, which Latchkey has no equivalent for: add it by hand"),
            ),
            None => out.push(KeyValue::new(key.text, value.text)),
        }
    }
}

/// The request body: JSON (GraphQL too, as its JSON), form fields, multipart text parts, other
/// text with its media type. Files are not in an export and are dropped.
fn body(body: Option<&Value>, drop: &mut impl FnMut(String, String)) -> RequestBody {
    let Some(body) = body.filter(|b| b.is_object()) else { return RequestBody::None };
    let mime = text(body, "mimeType").trim().to_ascii_lowercase();
    let mime = mime.split(';').next().unwrap_or_default().trim().to_owned();
    let raw = rewrite(text(body, "text"));
    let params = body.get("params").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let note_tags = |drop: &mut dyn FnMut(String, String), tags: &[String]| {
        if let Some(tag) = tags.first() {
            drop("body".to_owned(), format!("it uses {tag}, which is sent as written: replace it by hand"));
        }
    };
    match mime.as_str() {
        "application/x-www-form-urlencoded" | "multipart/form-data" => {
            let multipart = mime == "multipart/form-data";
            let mut fields = Vec::new();
            let mut parts = Vec::new();
            for p in params {
                let name = text(p, "name").trim();
                if flag(p, "disabled") {
                    drop(format!("body field `{name}`"), "disabled in Insomnia".to_owned());
                    continue;
                }
                if text(p, "type") == "file" {
                    drop(
                        format!("body field `{name}`"),
                        "a file is not carried by an export: add the file to the query".to_owned(),
                    );
                    continue;
                }
                let value = rewrite(text(p, "value"));
                if let Some(tag) = value.unsupported.first() {
                    drop(
                        format!("body field `{name}`"),
                        format!("its value uses {tag}, which Latchkey has no equivalent for: add it by hand"),
                    );
                    continue;
                }
                if name.is_empty() && value.text.is_empty() {
                    continue;
                }
                if multipart {
                    parts.push(MultipartPart { key: name.to_owned(), value: value.text, ..Default::default() });
                } else {
                    fields.push(KeyValue::new(name, value.text));
                }
            }
            if multipart {
                RequestBody::Multipart { parts }
            } else {
                RequestBody::FormUrlencoded { fields }
            }
        }
        "application/octet-stream" if !text(body, "fileName").is_empty() || raw.text.is_empty() => {
            if !text(body, "fileName").is_empty() {
                drop("body".to_owned(), "a file is not carried by an export: choose the file in the query".to_owned());
            }
            RequestBody::None
        }
        "application/graphql" => {
            note_tags(drop, &raw.unsupported);
            // Insomnia keeps `{"query": …, "variables": …}` as the text: that is the JSON sent.
            match serde_json::from_str::<Value>(&raw.text) {
                Ok(Value::Object(_)) => RequestBody::Json { text: raw.text },
                _ => RequestBody::Json {
                    text: serde_json::to_string(&serde_json::json!({ "query": raw.text })).unwrap_or_default(),
                },
            }
        }
        _ if raw.text.is_empty() => RequestBody::None,
        m if m.contains("json") => {
            note_tags(drop, &raw.unsupported);
            if serde_json::from_str::<serde::de::IgnoredAny>(&raw.text).is_ok() {
                RequestBody::Json { text: raw.text }
            } else {
                // `{"n": {{count}}}` is JSON only once resolved: sent as raw JSON.
                RequestBody::Raw { text: raw.text, content_type: mime.clone() }
            }
        }
        m => {
            note_tags(drop, &raw.unsupported);
            RequestBody::Raw { text: raw.text, content_type: m.to_owned() }
        }
    }
}

/// A secret field's value: `{{var}}`s resolved (the variables noted), or empty with why when a
/// template tag or an unknown variable leaves nothing to seal.
fn secret(value: &str, field: &str, vars: &Vars, used: &mut Vec<String>, setup: &mut Vec<FieldError>) -> SecretField {
    let written = rewrite(value.trim());
    if let Some(tag) = written.unsupported.first() {
        setup.push(FieldError::new(
            field,
            format!("enter it: the file's value uses {tag}, which Latchkey has no equivalent for"),
        ));
        return SecretField::Empty;
    }
    let names = crate::variables::used_names(&written.text);
    match resolve(&written.text, vars) {
        Ok(v) if v.is_empty() => SecretField::Empty,
        Ok(v) if super::curl::is_placeholder(&v) => {
            setup
                .push(FieldError::new(field, "enter it: the file has a placeholder (`<YOUR_TOKEN>`, `YOUR_API_KEY`…)"));
            SecretField::Empty
        }
        Ok(v) => {
            used.extend(names);
            SecretField::from(v.as_str())
        }
        Err(name) => {
            setup.push(FieldError::new(
                field,
                format!("enter it: the file's `{{{{{name}}}}}` is defined in none of its environments"),
            ));
            SecretField::Empty
        }
    }
}

/// A non-secret field: resolved, or as written (with the unknown variable noted) when it cannot be.
fn plain(value: &str, field: &str, vars: &Vars, notes: &mut Vec<(String, String)>) -> String {
    let written = rewrite(value.trim());
    if let Some(tag) = written.unsupported.first() {
        notes.push((field.to_owned(), format!("its value uses {tag}, which Latchkey has no equivalent for: enter it")));
        return String::new();
    }
    match resolve(&written.text, vars) {
        Ok(v) => v,
        Err(name) => {
            notes.push((
                field.to_owned(),
                format!("`{{{{{name}}}}}` is defined in none of the file's environments: enter the value"),
            ));
            String::new()
        }
    }
}

/// An `Authorization` header of a request without authentication: `Bearer` → a bearer token,
/// another scheme → an API key in that header with the scheme as its prefix (so it is sealed).
fn authorization_header(value: &str, vars: &Vars, used: &mut Vec<String>) -> MappedAuth {
    let (scheme, rest) = value.trim().split_once(' ').map_or(("", value.trim()), |(s, r)| (s, r.trim()));
    let mut setup = Vec::new();
    if scheme.eq_ignore_ascii_case("bearer") {
        let token = secret(rest, "auth.token", vars, used, &mut setup);
        return MappedAuth::Mapped(
            AuthConfig::Bearer(BearerAuth { token }),
            "the Authorization: Bearer header became bearer token authentication".to_owned(),
            setup,
            Vec::new(),
        );
    }
    let value = secret(rest, "auth.value", vars, used, &mut setup);
    MappedAuth::Mapped(
        AuthConfig::ApiKey(ApiKeyAuth {
            key: "Authorization".to_owned(),
            value,
            add_to: KeyPlacement::Header,
            header_prefix: scheme.to_owned(),
        }),
        "the Authorization header became an API key sent in that header".to_owned(),
        setup,
        Vec::new(),
    )
}

/// Maps an Insomnia `authentication` object.
fn map_auth(auth: &Value, vars: &Vars, used: &mut Vec<String>) -> MappedAuth {
    let kind = text(auth, "type");
    // Exports of old Insomnia versions have Basic as `{username, password}` without a type.
    let kind = if kind.is_empty() && auth.get("username").is_some() { "basic" } else { kind };
    if flag(auth, "disabled") && kind != "none" {
        return MappedAuth::Unsupported(format!("its {kind} authentication is disabled in Insomnia"));
    }
    let mut setup = Vec::new();
    let mut notes = Vec::new();
    let config = match kind {
        "none" | "" => return MappedAuth::Mapped(AuthConfig::None, "none".to_owned(), Vec::new(), Vec::new()),
        "basic" => {
            let username = plain(text(auth, "username"), "auth.username", vars, &mut notes);
            let password = secret(text(auth, "password"), "auth.password", vars, used, &mut setup);
            if password.is_empty() && setup.is_empty() && !username.is_empty() {
                // A key as the username and no password (as many APIs take it): the same Basic
                // header, from a sealed API key, so that the key is not kept in plain text.
                used.extend(crate::variables::used_names(&rewrite(text(auth, "username")).text));
                let header = base64::engine::general_purpose::STANDARD.encode(format!("{username}:"));
                return MappedAuth::Mapped(
                    AuthConfig::ApiKey(ApiKeyAuth {
                        key: "Authorization".to_owned(),
                        value: SecretField::from(header.as_str()),
                        add_to: KeyPlacement::Header,
                        header_prefix: "Basic".to_owned(),
                    }),
                    "Insomnia's basic authentication with an empty password (a key as the username), as an API key \
                     sending the same Authorization: Basic header, so that the key is sealed"
                        .to_owned(),
                    setup,
                    notes,
                );
            }
            AuthConfig::Basic(BasicAuth { username, password })
        }
        "bearer" => {
            let prefix = text(auth, "prefix").trim();
            if prefix.is_empty() || prefix.eq_ignore_ascii_case("bearer") {
                AuthConfig::Bearer(BearerAuth {
                    token: secret(text(auth, "token"), "auth.token", vars, used, &mut setup),
                })
            } else {
                AuthConfig::ApiKey(ApiKeyAuth {
                    key: "Authorization".to_owned(),
                    value: secret(text(auth, "token"), "auth.value", vars, used, &mut setup),
                    add_to: KeyPlacement::Header,
                    header_prefix: prefix.to_owned(),
                })
            }
        }
        "apikey" => {
            let add_to = match text(auth, "addTo") {
                "" | "header" => KeyPlacement::Header,
                "queryParams" => KeyPlacement::Query,
                other => {
                    return MappedAuth::Unsupported(format!(
                        "an API key added to `{other}` is not supported (only header or query)"
                    ))
                }
            };
            AuthConfig::ApiKey(ApiKeyAuth {
                key: plain(text(auth, "key"), "auth.key", vars, &mut notes),
                value: secret(text(auth, "value"), "auth.value", vars, used, &mut setup),
                add_to,
                header_prefix: String::new(),
            })
        }
        "oauth2" => {
            let grant = match text(auth, "grantType") {
                "authorization_code" => GrantType::AuthorizationCode,
                "client_credentials" => GrantType::ClientCredentials,
                "password" => GrantType::Password,
                "implicit" => {
                    return MappedAuth::Unsupported(
                        "the OAuth 2.0 implicit grant is not supported (it is deprecated): switch the client to the \
                         authorization code grant"
                            .to_owned(),
                    )
                }
                "" => return MappedAuth::Unsupported("its OAuth 2.0 authentication names no grant type".to_owned()),
                other => return MappedAuth::Unsupported(format!("the OAuth 2.0 grant `{other}` is not supported")),
            };
            let scopes = plain(text(auth, "scope"), "auth.scopes", vars, &mut notes)
                .split([' ', ','])
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            let prefix = text(auth, "tokenPrefix").trim();
            let mut o = OAuth2Config {
                grant_type: grant,
                access_token_url: plain(text(auth, "accessTokenUrl"), "auth.accessTokenUrl", vars, &mut notes),
                client_id: plain(text(auth, "clientId"), "auth.clientId", vars, &mut notes),
                client_secret: secret(text(auth, "clientSecret"), "auth.clientSecret", vars, used, &mut setup),
                scopes,
                audience: plain(text(auth, "audience"), "auth.audience", vars, &mut notes),
                resource: plain(text(auth, "resource"), "auth.resource", vars, &mut notes),
                header_prefix: if prefix.is_empty() { "Bearer".to_owned() } else { prefix.to_owned() },
                // Insomnia sends the client's credentials in the Basic header unless told
                // to put them in the body.
                client_authentication: if flag(auth, "credentialsInBody") {
                    ClientAuthentication::Body
                } else {
                    ClientAuthentication::BasicHeader
                },
                // PKCE stays on unless the request turned it off: providers ignore it when
                // they do not support it.
                pkce: auth.get("usePkce").and_then(Value::as_bool).unwrap_or(true),
                ..Default::default()
            };
            if grant == GrantType::AuthorizationCode {
                o.authorization_url = plain(text(auth, "authorizationUrl"), "auth.authorizationUrl", vars, &mut notes);
            }
            if grant == GrantType::Password {
                o.username = plain(text(auth, "username"), "auth.username", vars, &mut notes);
                o.password = secret(text(auth, "password"), "auth.password", vars, used, &mut setup);
            }
            if !text(auth, "redirectUrl").trim().is_empty() {
                notes.push((
                    "auth.redirectUrl".to_owned(),
                    "Latchkey receives the authorization at its own loopback Redirect URL \
                     (http://127.0.0.1:8976/callback): register that one with the provider"
                        .to_owned(),
                ));
            }
            if text(auth, "pkceMethod") == "plain" {
                notes.push(("auth.pkceMethod".to_owned(), "Latchkey's PKCE uses S256, never plain".to_owned()));
            }
            for ignored in ["state", "responseType", "origin"] {
                let value = text(auth, ignored).trim();
                let default = ignored == "responseType" && value == "code";
                if !value.is_empty() && !default {
                    notes.push((format!("auth.{ignored}"), "not used by Latchkey's OAuth 2.0 client".to_owned()));
                }
            }
            AuthConfig::OAuth2(Box::new(o))
        }
        "digest" | "ntlm" | "hawk" | "asap" | "netrc" | "iam" | "oauth1" => {
            return MappedAuth::Unsupported(format!(
                "`{kind}` authentication is not supported (Latchkey has Basic, API key, bearer and OAuth 2.0)"
            ))
        }
        other => return MappedAuth::Unsupported(format!("`{other}` authentication is not supported")),
    };
    let how = match &config {
        AuthConfig::OAuth2(o) => format!("Insomnia's OAuth 2.0 {} grant", grant_name(o.grant_type)),
        AuthConfig::ApiKey(k) if kind == "bearer" => format!(
            "Insomnia's bearer token with the prefix {}, as an API key in the Authorization header",
            k.header_prefix
        ),
        other => format!("Insomnia's {} authentication", other.kind().as_str()),
    };
    MappedAuth::Mapped(config, how, setup, notes)
}

/// An authentication without its OAuth 2.0 scopes: what tells two requests' clients apart.
fn identity(auth: &AuthConfig) -> AuthConfig {
    let mut auth = auth.clone();
    if let AuthConfig::OAuth2(o) = &mut auth {
        o.scopes.clear();
    }
    auth
}

fn grant_name(grant: GrantType) -> &'static str {
    match grant {
        GrantType::AuthorizationCode => "authorization code",
        GrantType::ClientCredentials => "client credentials",
        GrantType::Password => "password",
        GrantType::DeviceCode => "device code",
    }
}

/// The datasource of a group: its authentication is the one most of its requests use.
fn datasource(
    g: Group,
    base_name: &str,
    existing: &[DatasourceSummary],
    planned: &[PlannedDatasource],
    dropped: &mut Vec<Dropped>,
) -> Result<PlannedDatasource> {
    // Count each mapped authentication (by value); the most used wins, a credential over none
    // on a tie, the first seen on a further tie.
    let identities: Vec<Option<AuthConfig>> = g
        .requests
        .iter()
        .map(|(r, _, _)| match &r.auth {
            MappedAuth::Mapped(auth, ..) => Some(identity(auth)),
            MappedAuth::Unsupported(_) => None,
        })
        .collect();
    let mut counts: Vec<(usize, usize)> = Vec::new(); // (index of the first request with it, count)
    for (i, auth) in identities.iter().enumerate() {
        let Some(auth) = auth else { continue };
        match counts.iter_mut().find(|(first, _)| identities[*first].as_ref() == Some(auth)) {
            Some((_, n)) => *n += 1,
            None => counts.push((i, 1)),
        }
    }
    let is_none = |i: usize| matches!(&g.requests[i].0.auth, MappedAuth::Mapped(AuthConfig::None, ..));
    let chosen =
        counts.iter().copied().max_by(|a, b| a.1.cmp(&b.1).then(is_none(b.0).cmp(&is_none(a.0))).then(b.0.cmp(&a.0)));
    let picked = chosen.and_then(|(i, n)| match &g.requests[i] {
        (MappedRequest { auth: MappedAuth::Mapped(auth, how, setup, notes), .. }, _, item) => {
            Some((auth, how, setup, notes, item, n))
        }
        _ => None,
    });
    let (auth, how, mut needs_setup, notes, from) = match picked {
        Some((auth, how, setup, notes, item, n)) => {
            let how = if auth == &AuthConfig::None {
                "none: most of its requests have no authentication".to_owned()
            } else {
                format!("{how}, used by {n} of its {} requests (from {item})", g.requests.len())
            };
            (auth.clone(), how, setup.clone(), notes.clone(), item.clone())
        }
        None => (
            AuthConfig::None,
            "none: no request's authentication is supported".to_owned(),
            Vec::new(),
            Vec::new(),
            g.item.clone(),
        ),
    };
    // OAuth 2.0 that differs only in scopes is one client: its token asks for every scope.
    let mut auth = auth;
    let mut how = how;
    if let AuthConfig::OAuth2(o) = &mut auth {
        let same = identity(&AuthConfig::OAuth2(o.clone()));
        for (r, _, _) in &g.requests {
            if let MappedAuth::Mapped(AuthConfig::OAuth2(other), ..) = &r.auth {
                if identity(&AuthConfig::OAuth2(other.clone())) == same {
                    for scope in &other.scopes {
                        if !o.scopes.contains(scope) {
                            o.scopes.push(scope.clone());
                        }
                    }
                }
            }
        }
        if !o.scopes.is_empty() {
            how.push_str(&format!("; scopes: {} (those of all its requests)", o.scopes.join(" ")));
        }
    }
    for (field, reason) in notes {
        dropped.push(Dropped { item: from.clone(), what: field, reason });
    }
    let joined = existing.iter().find(|d| d.url.trim().trim_end_matches('/') == g.base);
    let taken: Vec<&str> = planned.iter().map(|d| d.config.name.as_str()).collect();
    let name = match joined {
        Some(d) => d.name.clone(),
        None => free_name(base_name, existing, &taken),
    };
    let joined_with_auth = joined.is_some_and(|d| d.auth_type != AuthType::None);
    let mut config = DatasourceConfig { name: name.clone(), url: g.base.clone(), auth, ..Default::default() };
    for (env, url) in &g.overrides {
        config.environments.insert(env.clone(), ConfigOverrides { url: Some(url.clone()), ..Default::default() });
    }
    let mut queries: Vec<PlannedQuery> = Vec::new();
    for (r, group, item) in g.requests {
        match &r.auth {
            MappedAuth::Unsupported(why) => {
                dropped.push(Dropped { item: item.clone(), what: "authentication".to_owned(), reason: why.clone() })
            }
            MappedAuth::Mapped(a, ..) if identity(a) != identity(&config.auth) => dropped.push(Dropped {
                item: item.clone(),
                what: format!("{} authentication", a.kind().as_str()),
                reason: format!(
                    "`{name}` uses the authentication most of its requests use ({}): one per datasource",
                    config.auth.kind().as_str()
                ),
            }),
            MappedAuth::Mapped(..) => {}
        }
        let taken: Vec<&str> = queries.iter().map(|q| q.name.as_str()).collect();
        let query_name = if taken.iter().any(|t| t.eq_ignore_ascii_case(&r.name)) {
            (2..)
                .map(|n| format!("{} ({n})", r.name))
                .find(|n| !taken.iter().any(|t| t.eq_ignore_ascii_case(n)))
                .expect("free")
        } else {
            r.name.clone()
        };
        queries.push(PlannedQuery {
            name: query_name,
            group: if group.is_empty() { None } else { Some(group) },
            request: r.request,
            item,
        });
    }
    let (action, sets_auth, auth_mapping) = match joined {
        Some(d) if joined_with_auth => {
            if config.auth != AuthConfig::None {
                dropped.push(Dropped {
                    item: from.clone(),
                    what: format!("{} authentication", config.auth.kind().as_str()),
                    reason: format!(
                        "`{}` already has its own authentication, which is kept: edit it there to change it",
                        d.name
                    ),
                });
            }
            (
                DatasourceAction::Join,
                false,
                format!("kept: the existing datasource's {} authentication", d.auth_type.as_str()),
            )
        }
        Some(_) => (DatasourceAction::Join, config.auth != AuthConfig::None, how),
        None => (DatasourceAction::Create, false, how),
    };
    let mut setup: Vec<FieldError> = config.auth.missing_identifiers();
    setup.append(&mut needs_setup);
    for e in config.missing_secrets() {
        if !setup.iter().any(|s| s.field == e.field) {
            setup.push(FieldError::new(e.field, format!("{}: the file has none", e.message)));
        }
    }
    // Only a created (or auth-setting) datasource needs what its authentication lacks.
    if action == DatasourceAction::Join && !sets_auth {
        setup.clear();
    }
    // What a save would refuse is refused by `import::plan`, naming `from`.
    let secrets = super::carried_secrets(&config);
    Ok(PlannedDatasource {
        action,
        existing_id: joined.map(|d| d.id.clone()),
        config,
        sets_auth,
        queries,
        auth_mapping,
        secrets,
        needs_setup: setup,
        item: from,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn export(resources: Value) -> String {
        json!({"_type": "export", "__export_format": 4, "resources": resources}).to_string()
    }

    fn plan_of(text: &str) -> ImportPlan {
        crate::import::plan(Source { name: "ins.json", text }, Some(crate::import::Format::Insomnia), &[])
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn refusal(text: &str) -> String {
        crate::import::plan(Source { name: "ins.json", text }, None, &[]).unwrap_err().to_string()
    }

    fn workspace() -> Value {
        json!({"_id": "wrk_1", "_type": "workspace", "name": "Shop", "parentId": null})
    }

    fn request(id: &str, parent: &str, url: &str, auth: Value) -> Value {
        json!({"_id": id, "_type": "request", "parentId": parent, "name": id, "method": "get", "url": url,
               "authentication": auth, "headers": [], "parameters": [], "body": {}})
    }

    fn dropped<'p>(plan: &'p ImportPlan, what: &str) -> &'p Dropped {
        plan.dropped.iter().find(|d| d.what == what).unwrap_or_else(|| panic!("`{what}` dropped: {:#?}", plan.dropped))
    }

    #[test]
    fn variables_and_tags_are_rewritten_or_named() {
        let r = rewrite("{{ _.base_url }}/a/{{id}}?q={{ _.user.name }}&x={{ a | upper }}");
        assert_eq!(r.text, "{{base_url}}/a/{{id}}?q={{user.name}}&x={{ a | upper }}");
        assert_eq!(r.unsupported, ["an expression that is no variable"]);
        let r = rewrite("Bearer {% response 'body', 'req_1', 'b64::JC50b2tlbg==::46b', 'never', 60 %}");
        assert!(r.text.contains("{% response"), "a tag is kept as written: {}", r.text);
        assert_eq!(r.unsupported, ["the template tag `response`"]);
        assert_eq!(rewrite("{% uuid 'v4' %}").unsupported, ["the template tag `uuid`"]);
        assert_eq!(rewrite("{{ open {% now %}").unsupported, ["the template tag `now`"], "after an unclosed {{ too");
        let doubling: Vars = [("a".to_owned(), "{{a}}{{a}}".to_owned())].into();
        assert_eq!(resolve("{{a}}", &doubling).unwrap_err(), "a", "a value that doubles forever ends");
        let vars: Vars = [("a".to_owned(), "{{b}}/x".to_owned()), ("b".to_owned(), "https://h".to_owned())].into();
        assert_eq!(resolve("{{a}}/y", &vars).unwrap(), "https://h/x/y", "references are followed");
        assert_eq!(resolve("{{c}}", &vars).unwrap_err(), "c");
        let looped: Vars = [("a".to_owned(), "{{a}}".to_owned())].into();
        assert!(resolve("{{a}}", &looped).is_err(), "a loop ends");
    }

    #[test]
    fn a_workspace_becomes_a_datasource_per_base_url_with_its_requests_and_folders() {
        let text = export(json!([
            workspace(),
            {"_id": "fld_1", "_type": "request_group", "parentId": "wrk_1", "name": "Orders",
             "headers": [{"name": "X-Tenant", "value": "{{ _.tenant }}"}]},
            {"_id": "fld_2", "_type": "request_group", "parentId": "fld_1", "name": "Refunds"},
            {"_id": "req_1", "_type": "request", "parentId": "fld_2", "name": "Refund", "method": "post",
             "url": "{{ _.base_url }}/orders/{{ _.id }}/refund?reason=late%20delivery",
             "parameters": [{"name": "notify", "value": "yes"}, {"name": "dry", "value": "1", "disabled": true}],
             "headers": [{"name": "Accept", "value": "application/json"}, {"name": "X-Tenant", "value": "t-2"},
                         {"name": "Cookie", "value": "sid=abc"}, {"name": "Host", "value": "x"},
                         {"name": "X-Off", "value": "1", "disabled": true}, {"name": "", "value": ""}],
             "body": {"mimeType": "application/json", "text": "{\"amount\": 1}"}, "authentication": {}},
            request("req_2", "wrk_1", "https://cdn.example.com/assets/logo.png", json!({})),
            request("req_3", "wrk_1", "https://CDN.example.com/assets/{{file}}", json!({})),
            {"_id": "env_base", "_type": "environment", "parentId": "wrk_1", "name": "Base Environment",
             "data": {"base_url": "https://api.shop.example/v1/", "tenant": "t-1", "id": "42"}},
        ]));
        let plan = plan_of(&text);
        assert_eq!(plan.datasources.len(), 2, "{:#?}", plan.datasources);
        let api = &plan.datasources[0];
        assert_eq!(
            (api.config.name.as_str(), api.config.url.as_str()),
            ("Shop (api.shop.example)", "https://api.shop.example/v1")
        );
        assert_eq!(api.action, DatasourceAction::Create);
        let q = &api.queries[0];
        assert_eq!((q.name.as_str(), q.group.as_deref()), ("Refund", Some("Orders/Refunds")));
        assert_eq!(q.request.method, "POST");
        assert_eq!(q.request.path, "/orders/{{id}}/refund", "references in what the query sends are kept");
        assert_eq!(q.request.query_params, [KeyValue::new("reason", "late delivery"), KeyValue::new("notify", "yes")]);
        assert_eq!(
            q.request.headers,
            [KeyValue::new("Accept", "application/json"), KeyValue::new("X-Tenant", "t-2")],
            "the folder's headers, the request's own winning"
        );
        assert_eq!(q.request.body, RequestBody::Json { text: "{\"amount\": 1}".into() });
        assert_eq!(
            dropped(&plan, "query parameter `dry`").reason,
            "disabled in Insomnia (a saved query has no disabled rows)"
        );
        assert!(dropped(&plan, "header `Cookie`").reason.contains("cookies are not imported"));
        assert!(dropped(&plan, "header `Host`").reason.contains("from the URL"));
        assert!(dropped(&plan, "header `X-Off`").reason.contains("disabled"));
        let cdn = &plan.datasources[1];
        assert_eq!(
            (cdn.config.name.as_str(), cdn.config.url.as_str()),
            ("Shop (cdn.example.com)", "https://cdn.example.com")
        );
        assert_eq!(
            cdn.queries.iter().map(|q| q.request.path.as_str()).collect::<Vec<_>>(),
            ["/assets/logo.png", "/assets/{{file}}"]
        );
        assert_eq!(cdn.queries[0].group, None);
        // The base environment is the workspace's environment.
        assert_eq!(plan.environments.len(), 1);
        let env = &plan.environments[0].config;
        assert_eq!(env.name, "Shop");
        assert_eq!(env.variable("tenant"), Some(&Variable::plain("tenant", "t-1")));
        // One datasource only: named after the workspace.
        let one = export(json!([workspace(), request("r", "wrk_1", "https://a.example/x", json!({}))]));
        assert_eq!(plan_of(&one).datasources[0].config.name, "Shop");
    }

    #[test]
    fn sub_environments_become_environments_and_a_differing_base_url_their_override() {
        let text = export(json!([
            workspace(),
            request("req_1", "wrk_1", "{{ base_url }}/items", json!({})),
            {"_id": "env_base", "_type": "environment", "parentId": "wrk_1", "name": "Base",
             "data": {"base_url": "https://{{ _.host }}/v2", "host": "api.example.com", "user": {"name": "ann", "roles": ["a"]},
                      "api_token": "tok-1", "bad name": "x", "retries": 3, "debug": true, "none": null}},
            {"_id": "env_prod", "_type": "environment", "parentId": "env_base", "name": "Production", "data": {}},
            {"_id": "env_stg", "_type": "environment", "parentId": "env_base", "name": "Staging v2.1",
             "isPrivate": true, "data": {"host": "staging.example.com"}},
            {"_id": "env_nameless", "_type": "environment", "parentId": "env_base", "name": " ", "data": {}},
            {"_id": "env_again", "_type": "environment", "parentId": "env_base", "name": "Production", "data": {}},
        ]));
        let plan = plan_of(&text);
        let ds = &plan.datasources[0];
        assert_eq!(ds.config.url, "https://api.example.com/v2", "resolved with the base and the first sub-environment");
        assert_eq!(ds.queries[0].request.path, "/items");
        let names: Vec<&str> = plan.environments.iter().map(|e| e.config.name.as_str()).collect();
        assert_eq!(
            names,
            ["Shop / Production", "Shop / Staging v2-1", "Shop", "Shop / Production 2"],
            "`.` cannot be in an environment's name; names are unique"
        );
        assert_eq!(ds.config.environments.len(), 1, "{:?}", ds.config.environments);
        assert_eq!(
            ds.config.environments["Shop / Staging v2-1"].url.as_deref(),
            Some("https://staging.example.com/v2")
        );
        assert!(
            plan.environments[1].item.contains("private in Insomnia, imported all the same"),
            "{}",
            plan.environments[1].item
        );
        let staging = &plan.environments[1].config;
        assert_eq!(staging.variable("host"), Some(&Variable::plain("host", "staging.example.com")));
        assert_eq!(
            staging.variable("base_url"),
            Some(&Variable::plain("base_url", "https://staging.example.com/v2")),
            "Latchkey resolves a value once: references between variables are resolved on import"
        );
        assert_eq!(
            staging.variable("user.name"),
            Some(&Variable::plain("user.name", "ann")),
            "nested data is flattened"
        );
        assert_eq!(staging.variable("retries"), Some(&Variable::plain("retries", "3")));
        assert_eq!(staging.variable("debug"), Some(&Variable::plain("debug", "true")));
        assert_eq!(staging.variable("none"), Some(&Variable::plain("none", "")));
        assert!(
            staging.variable("api_token").is_some_and(Variable::is_secret),
            "a secret-looking name is a secret variable"
        );
        assert!(dropped(&plan, "variable `user.roles`").reason.contains("a list"));
        assert!(dropped(&plan, "variable `bad name`").reason.contains("not a Latchkey variable name"));
        assert!(!format!("{plan:?}").contains("tok-1"), "a secret variable's value is never shown");
    }

    #[test]
    fn folder_authentication_is_inherited_and_the_most_used_one_is_the_datasources() {
        let bearer = json!({"type": "bearer", "token": "t-secret"});
        let text = export(json!([
            workspace(),
            {"_id": "fld_1", "_type": "request_group", "parentId": "wrk_1", "name": "Api", "authentication": bearer},
            request("inherits", "fld_1", "https://api.example/a", json!({})),
            request("also", "fld_1", "https://api.example/b", json!({})),
            request("own", "fld_1", "https://api.example/c", json!({"type": "apikey", "key": "X-Key", "value": "k-1"})),
            request("none", "fld_1", "https://api.example/d", json!({"type": "none"})),
            request("digest", "fld_1", "https://api.example/e", json!({"type": "digest", "username": "u", "password": "p"})),
        ]));
        let plan = plan_of(&text);
        let ds = &plan.datasources[0];
        assert_eq!(ds.config.auth, AuthConfig::Bearer(BearerAuth { token: SecretField::from("t-secret") }));
        assert!(ds.auth_mapping.contains("used by 2 of its 5 requests"), "{}", ds.auth_mapping);
        assert_eq!(ds.secrets, ["auth.token"]);
        assert_eq!(ds.queries.len(), 5, "requests whose authentication differs are still queries");
        let own = plan.dropped.iter().find(|d| d.item.contains("`own`")).unwrap();
        assert_eq!(own.what, "apiKey authentication");
        assert!(own.reason.contains("one per datasource"), "{}", own.reason);
        assert!(plan.dropped.iter().any(|d| d.item.contains("`none`") && d.what == "none authentication"));
        let digest = plan.dropped.iter().find(|d| d.item.contains("`digest`")).unwrap();
        assert!(digest.reason.contains("`digest` authentication is not supported"), "{}", digest.reason);
        let shown = format!("{plan:?}{}", serde_json::to_string(&plan).unwrap());
        assert!(!shown.contains("t-secret") && !shown.contains("k-1"), "secrets are never shown");
        // A tie: a credential over none.
        let tie = export(json!([
            workspace(),
            request("a", "wrk_1", "https://a.example/a", json!({})),
            request("b", "wrk_1", "https://a.example/b", json!({"type": "basic", "username": "u", "password": "p"}))
        ]));
        assert_eq!(plan_of(&tie).datasources[0].config.auth.kind(), AuthType::Basic);
    }

    #[test]
    fn basic_bearer_and_api_key_authentication_are_mapped() {
        let one = |auth: Value| {
            let plan = plan_of(&export(json!([workspace(), request("r", "wrk_1", "https://a.example/x", auth)])));
            plan.datasources[0].clone()
        };
        let ds = one(json!({"type": "basic", "username": "ann", "password": "pw"}));
        assert_eq!(ds.config.auth, AuthConfig::Basic(BasicAuth { username: "ann".into(), password: "pw".into() }));
        let ds = one(json!({"username": "key_123", "password": ""}));
        let AuthConfig::ApiKey(k) = &ds.config.auth else { panic!("{:?}", ds.config.auth) };
        assert_eq!(
            (k.key.as_str(), k.header_prefix.as_str()),
            ("Authorization", "Basic"),
            "a key as the username is sealed"
        );
        assert_eq!(k.value, SecretField::from("a2V5XzEyMzo="));
        let ds = one(json!({"type": "bearer", "token": "t", "prefix": ""}));
        assert_eq!(ds.config.auth.kind(), AuthType::Bearer);
        let ds = one(json!({"type": "bearer", "token": "<YOUR_TOKEN>"}));
        assert_eq!(ds.config.auth, AuthConfig::Bearer(BearerAuth { token: SecretField::Empty }));
        assert!(ds.needs_setup[0].field == "auth.token" && ds.needs_setup[0].message.contains("placeholder"));
        assert!(ds.secrets.is_empty());
        let ds = one(json!({"type": "bearer", "token": "t", "prefix": "Token"}));
        let AuthConfig::ApiKey(k) = &ds.config.auth else { panic!() };
        assert_eq!((k.key.as_str(), k.header_prefix.as_str()), ("Authorization", "Token"));
        let ds = one(json!({"type": "apikey", "key": "api_key", "value": "v", "addTo": "queryParams"}));
        assert!(
            matches!(&ds.config.auth, AuthConfig::ApiKey(k) if k.add_to == KeyPlacement::Query && k.key == "api_key")
        );
        let ds = one(json!({"type": "apikey", "key": "X-Key", "value": "v"}));
        assert!(matches!(&ds.config.auth, AuthConfig::ApiKey(k) if k.add_to == KeyPlacement::Header));
        let plan = plan_of(&export(json!([
            workspace(),
            request(
                "r",
                "wrk_1",
                "https://a.example/x",
                json!({"type": "apikey", "key": "sid", "value": "v", "addTo": "cookie"})
            )
        ])));
        assert!(plan.dropped[0].reason.contains("added to `cookie` is not supported"), "{:?}", plan.dropped);
        let ds = one(json!({"type": "bearer", "token": "t", "disabled": true}));
        assert_eq!(ds.config.auth, AuthConfig::None, "disabled authentication is not used");
        for kind in ["ntlm", "hawk", "asap", "netrc", "iam", "oauth1", "something"] {
            let plan = plan_of(&export(json!([
                workspace(),
                request("r", "wrk_1", "https://a.example/x", json!({"type": kind}))
            ])));
            assert!(plan.dropped[0].reason.contains(&format!("`{kind}` authentication is not supported")), "{kind}");
            assert_eq!(plan.datasources[0].config.auth, AuthConfig::None);
        }
        // An Authorization header of a request without authentication is its credential.
        let mut r = request("r", "wrk_1", "https://a.example/x", json!({}));
        r["headers"] = json!([{"name": "Authorization", "value": "Bearer h-tok"}]);
        let ds = plan_of(&export(json!([workspace(), r]))).datasources[0].clone();
        assert_eq!(ds.config.auth, AuthConfig::Bearer(BearerAuth { token: "h-tok".into() }));
        assert!(ds.queries[0].request.headers.is_empty(), "the token does not stay in a plain header");
        let mut r = request("r", "wrk_1", "https://a.example/x", json!({}));
        r["headers"] = json!([{"name": "X-API-Key", "value": "k-plain"}, {"name": "Accept", "value": "*/*"}]);
        let ds = plan_of(&export(json!([workspace(), r]))).datasources[0].clone();
        assert_eq!(
            ds.config.auth,
            AuthConfig::ApiKey(ApiKeyAuth {
                key: "X-API-Key".into(),
                value: "k-plain".into(),
                add_to: KeyPlacement::Header,
                header_prefix: String::new()
            })
        );
        assert_eq!(ds.queries[0].request.headers, [KeyValue::new("Accept", "*/*")], "the key is sealed, not kept");
    }

    #[test]
    fn oauth2_grants_urls_and_client_authentication_are_mapped() {
        let oauth = |extra: Value| {
            let mut auth = json!({"type": "oauth2", "grantType": "authorization_code",
                "authorizationUrl": "https://id.example/authorize", "accessTokenUrl": "https://id.example/token",
                "clientId": "{{ _.client_id }}", "clientSecret": "{{ _.client_secret }}", "scope": "read write",
                "redirectUrl": "https://app.example/cb"});
            for (k, v) in extra.as_object().unwrap() {
                auth[k] = v.clone();
            }
            let env = json!({"_id": "env", "_type": "environment", "parentId": "wrk_1", "name": "Base",
                "data": {"client_id": "cid", "client_secret": "cs-1"}});
            plan_of(&export(json!([workspace(), env, request("r", "wrk_1", "https://api.example/x", auth)])))
        };
        let plan = oauth(
            json!({"usePkce": true, "audience": "https://api.example", "resource": "urn:r", "tokenPrefix": "Token"}),
        );
        let ds = &plan.datasources[0];
        let AuthConfig::OAuth2(o) = &ds.config.auth else { panic!("{:?}", ds.config.auth) };
        assert_eq!(o.grant_type, GrantType::AuthorizationCode);
        assert_eq!(
            (o.authorization_url.as_str(), o.access_token_url.as_str()),
            ("https://id.example/authorize", "https://id.example/token")
        );
        assert_eq!(o.client_id, "cid", "a client id from a variable is resolved");
        assert_eq!(o.client_secret, SecretField::from("cs-1"), "a secret from a variable is resolved and sealed");
        assert_eq!(ds.secrets, ["auth.clientSecret"]);
        assert_eq!(o.scopes, ["read", "write"]);
        assert_eq!(
            (o.audience.as_str(), o.resource.as_str(), o.header_prefix.as_str()),
            ("https://api.example", "urn:r", "Token")
        );
        assert!(o.pkce);
        assert_eq!(o.client_authentication, ClientAuthentication::BasicHeader, "Insomnia's default");
        assert!(dropped(&plan, "auth.redirectUrl").reason.contains("loopback Redirect URL"));
        let env = &plan.environments[0].config;
        assert!(
            env.variable("client_secret").is_some_and(Variable::is_secret),
            "a variable a secret comes from is secret"
        );
        let plan = oauth(json!({"grantType": "client_credentials", "credentialsInBody": true, "usePkce": false}));
        let AuthConfig::OAuth2(o) = &plan.datasources[0].config.auth else { panic!() };
        assert_eq!((o.grant_type, o.client_authentication), (GrantType::ClientCredentials, ClientAuthentication::Body));
        assert_eq!(o.authorization_url, "", "client credentials have no authorization URL");
        let plan = oauth(json!({"grantType": "password", "username": "ann", "password": "{{ _.nope }}"}));
        let ds = &plan.datasources[0];
        let AuthConfig::OAuth2(o) = &ds.config.auth else { panic!() };
        assert_eq!((o.grant_type, o.username.as_str()), (GrantType::Password, "ann"));
        assert_eq!(o.password, SecretField::Empty);
        let setup = ds.needs_setup.iter().find(|e| e.field == "auth.password").unwrap();
        assert!(setup.message.contains("`{{nope}}` is defined in none of its environments"), "{}", setup.message);
        let plan = oauth(json!({"grantType": "implicit"}));
        assert!(dropped(&plan, "authentication").reason.contains("implicit grant is not supported"));
        assert_eq!(plan.datasources[0].config.auth, AuthConfig::None);
        let plan = oauth(json!({"clientSecret": "{% prompt 'secret' %}"}));
        let ds = &plan.datasources[0];
        let setup = ds.needs_setup.iter().find(|e| e.field == "auth.clientSecret").unwrap();
        assert!(setup.message.contains("the template tag `prompt`"), "{}", setup.message);
        // Requests that differ only in scopes share one client asking for all of them.
        let env = json!({"_id": "env", "_type": "environment", "parentId": "wrk_1", "name": "Base", "data": {"client_id": "c"}});
        let auth = |scope: &str| {
            json!({"type": "oauth2", "grantType": "client_credentials",
            "accessTokenUrl": "https://id.example/token", "clientId": "{{ client_id }}", "scope": scope})
        };
        let plan = plan_of(&export(json!([
            workspace(),
            env,
            request("a", "wrk_1", "https://api.example/a", auth("read")),
            request("b", "wrk_1", "https://api.example/b", auth("read write"))
        ])));
        let AuthConfig::OAuth2(o) = &plan.datasources[0].config.auth else { panic!() };
        assert_eq!(o.scopes, ["read", "write"]);
        assert!(plan.dropped.is_empty(), "{:?}", plan.dropped);
        assert!(
            plan.datasources[0].auth_mapping.contains("used by 2 of its 2 requests"),
            "{}",
            plan.datasources[0].auth_mapping
        );
    }

    #[test]
    fn bodies_are_mapped_and_files_dropped() {
        let with_body = |body: Value| {
            let mut r = request("r", "wrk_1", "https://a.example/x", json!({}));
            r["body"] = body;
            let plan = plan_of(&export(json!([workspace(), r])));
            (plan.datasources[0].queries[0].request.body.clone(), plan.dropped)
        };
        let (body, _) = with_body(json!({"mimeType": "application/json", "text": "{\"n\": {{ _.count }}}"}));
        assert_eq!(
            body,
            RequestBody::Raw { text: "{\"n\": {{count}}}".into(), content_type: "application/json".into() },
            "JSON only once resolved"
        );
        let (body, dropped) = with_body(json!({"mimeType": "application/x-www-form-urlencoded", "params": [
            {"name": "a", "value": "{{ _.x }}"}, {"name": "b", "value": "2", "disabled": true}]}));
        assert_eq!(body, RequestBody::FormUrlencoded { fields: vec![KeyValue::new("a", "{{x}}")] });
        assert_eq!(dropped[0].what, "body field `b`");
        let (body, dropped) = with_body(json!({"mimeType": "multipart/form-data", "params": [
            {"name": "title", "value": "Report"}, {"name": "file", "type": "file", "fileName": "/home/ann/r.pdf"}]}));
        assert_eq!(
            body,
            RequestBody::Multipart {
                parts: vec![MultipartPart { key: "title".into(), value: "Report".into(), ..Default::default() }]
            }
        );
        assert!(
            dropped[0].what == "body field `file`" && dropped[0].reason.contains("not carried by an export"),
            "{dropped:?}"
        );
        assert!(!format!("{dropped:?}").contains("/home/ann"), "a local path is not shown");
        let (body, dropped) = with_body(json!({"mimeType": "application/octet-stream", "fileName": "/tmp/big.zip"}));
        assert_eq!(body, RequestBody::None);
        assert_eq!(dropped[0].what, "body");
        let (body, _) = with_body(
            json!({"mimeType": "application/graphql", "text": "{\"query\":\"{ me { id } }\",\"variables\":{}}"}),
        );
        assert_eq!(body, RequestBody::Json { text: "{\"query\":\"{ me { id } }\",\"variables\":{}}".into() });
        let (body, _) = with_body(json!({"mimeType": "application/graphql", "text": "{ me { id } }"}));
        assert_eq!(body, RequestBody::Json { text: "{\"query\":\"{ me { id } }\"}".into() });
        let (body, _) = with_body(json!({"mimeType": "application/xml", "text": "<a/>"}));
        assert_eq!(body, RequestBody::Raw { text: "<a/>".into(), content_type: "application/xml".into() });
        let (body, _) = with_body(json!({"text": "hello"}));
        assert_eq!(body, RequestBody::Raw { text: "hello".into(), content_type: String::new() });
        let (body, dropped) =
            with_body(json!({"mimeType": "application/json", "text": "{\"id\": \"{% uuid 'v4' %}\"}"}));
        assert!(
            matches!(body, RequestBody::Json { ref text } if text.contains("{% uuid")),
            "kept as written: {body:?}"
        );
        assert!(
            dropped[0].what == "body"
                && dropped[0].reason.contains("the template tag `uuid`, which is sent as written"),
            "{dropped:?}"
        );
        let (body, _) = with_body(json!({}));
        assert_eq!(body, RequestBody::None);
    }

    #[test]
    fn template_tags_and_unknown_variables_drop_what_they_are_in() {
        let mut tagged = request("tagged", "wrk_1", "https://a.example/x", json!({}));
        tagged["headers"] = json!([{"name": "X-Id", "value": "{% uuid 'v4' %}"}, {"name": "X-Ok", "value": "1"}]);
        let text = export(json!([
            workspace(),
            tagged,
            request("url_tag", "wrk_1", "{% response 'url', 'req_1' %}/x", json!({})),
            request("unknown", "wrk_1", "{{ _.nowhere }}/x", json!({})),
            request("empty", "wrk_1", "", json!({})),
            request("relative", "wrk_1", "/only/a/path", json!({})),
        ]));
        let plan = plan_of(&text);
        assert_eq!(plan.datasources.len(), 1);
        assert_eq!(plan.datasources[0].queries[0].request.headers, [KeyValue::new("X-Ok", "1")]);
        assert!(dropped(&plan, "header `X-Id`").reason.contains("the template tag `uuid`"));
        let reason =
            |id: &str| plan.dropped.iter().find(|d| d.item.contains(&format!("`{id}`"))).unwrap().reason.clone();
        assert!(reason("url_tag").contains("its URL uses the template tag `response`"), "{}", reason("url_tag"));
        assert!(
            reason("unknown").contains("`{{nowhere}}`, which none of the file's environments defines"),
            "{}",
            reason("unknown")
        );
        assert_eq!(reason("empty"), "it has no URL");
        assert!(reason("relative").contains("not an absolute http(s) URL"), "{}", reason("relative"));
    }

    #[test]
    fn other_resources_are_dropped_naming_the_item() {
        let text = export(json!([
            workspace(),
            {"_id": "jar_1", "_type": "cookie_jar", "parentId": "wrk_1", "name": "Default Jar", "cookies": [{"value": "c-secret"}]},
            {"_id": "spc_1", "_type": "api_spec", "parentId": "wrk_1", "fileName": "Shop", "contents": "openapi: 3.0.0"},
            {"_id": "greq_1", "_type": "grpc_request", "parentId": "wrk_1", "name": "Ping"},
            {"_id": "ws-req_1", "_type": "websocket_request", "parentId": "wrk_1", "name": "Live"},
            {"_id": "uts_1", "_type": "unit_test_suite", "parentId": "wrk_1", "name": "Suite"},
            {"_id": "ut_1", "_type": "unit_test", "parentId": "uts_1", "name": "Returns 200"},
            {"_id": "x_1", "_type": "mock_server", "parentId": "wrk_1", "name": "Mock"},
        ]));
        let plan = plan_of(&text);
        let item = |what: &str| dropped(&plan, what).item.clone();
        assert_eq!(item("cookie_jar"), "cookie jar `Default Jar` (jar_1)");
        assert!(dropped(&plan, "api_spec").reason.contains("import that as OpenAPI"));
        assert_eq!(item("grpc_request"), "grpc request `Ping` (greq_1)");
        assert!(dropped(&plan, "websocket_request").reason.contains("WebSocket"));
        assert!(dropped(&plan, "unit_test").reason.contains("tests are not imported"));
        assert_eq!(item("unit_test_suite"), "unit test suite `Suite` (uts_1)");
        assert!(dropped(&plan, "mock_server").reason.contains("not imported"));
        assert!(!format!("{plan:?}").contains("c-secret"));
        assert!(plan.datasources.is_empty());
    }

    #[test]
    fn yaml_and_a_missing_workspace_are_read() {
        let text = "_type: export\n__export_format: 4\nresources:\n  - _id: req_1\n    _type: request\n    parentId: __WORKSPACE_ID__\n    name: Ping\n    method: GET\n    url: https://a.example/ping\n";
        let plan = crate::import::plan(Source { name: "ins.yaml", text }, None, &[]).unwrap();
        assert_eq!(plan.format, crate::import::Format::Insomnia);
        assert_eq!(plan.datasources[0].config.name, "Insomnia", "a workspace the file does not have");
        assert_eq!(plan.datasources[0].queries[0].request.path, "/ping");
    }

    #[test]
    fn an_existing_datasource_on_the_same_url_is_joined() {
        let existing = [crate::import::listed("ds_1", "Mine", "https://a.example/", AuthType::Bearer)];
        let text = export(json!([
            workspace(),
            request("r", "wrk_1", "https://a.example/x", json!({"type": "bearer", "token": "t"}))
        ]));
        let plan = super::plan(Source { name: "ins.json", text: &text }, &existing).unwrap();
        let ds = &plan.datasources[0];
        assert_eq!((ds.action, ds.config.name.as_str(), ds.sets_auth), (DatasourceAction::Join, "Mine", false));
        assert!(ds.auth_mapping.starts_with("kept: the existing datasource's bearer"), "{}", ds.auth_mapping);
        assert!(plan.dropped.iter().any(|d| d.reason.contains("`Mine` already has its own authentication")));
    }

    #[test]
    fn refusals_name_the_file_and_what_to_do() {
        let err = refusal("type: collection.insomnia.rest/5.0\nname: Shop\ncollection: []\n");
        assert!(err.contains("ins.json, /type") && err.contains("export it again as \"Insomnia v4 (JSON)\""), "{err}");
        let err = refusal(r#"{"_type": "export", "__export_format": 3, "resources": []}"#);
        assert!(err.contains("ins.json, /__export_format: export format 3 is not read (only 4)"), "{err}");
        let err = refusal(r#"{"_type": "export", "__export_format": 4}"#);
        assert!(err.contains("ins.json, /resources"), "{err}");
        let err = crate::import::plan(
            Source { name: "ins.json", text: r#"{"resources": []}"# },
            Some(crate::import::Format::Insomnia),
            &[],
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("ins.json, /_type: not an Insomnia export"), "{err}");
        let err = crate::import::plan(
            Source { name: "ins.json", text: "_type: [" },
            Some(crate::import::Format::Insomnia),
            &[],
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("ins.json: not JSON nor YAML"), "{err}");
        // What a save would refuse, by the request it came from; no secret in the message.
        let auth = json!({"type": "oauth2", "grantType": "client_credentials", "accessTokenUrl": "ftp://id.example/t",
            "clientId": "c", "clientSecret": "cs-secret"});
        let err = refusal(&export(json!([workspace(), request("r", "wrk_1", "https://a.example/x", auth)])));
        assert!(err.contains("ins.json, request `r` (r): auth.accessTokenUrl"), "{err}");
        assert!(!err.contains("cs-secret"));
        let auth = json!({"type": "bearer", "token": "line\nbreak-secret"});
        let err = refusal(&export(json!([workspace(), request("r", "wrk_1", "https://a.example/x", auth)])));
        assert!(err.contains("auth.token") && !err.contains("break-secret"), "{err}");
    }
}
