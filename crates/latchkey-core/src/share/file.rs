//! The two kinds of file in a shared folder, read and written:
//!
//! - `datasources/<slug>.json`: `{"id", "datasource": {…the file format, no secret fields…},
//!   "secrets": ["auth.clientSecret", "environments.production.auth.clientSecret"],
//!   "queries": [{"id", "name", "group"?, "request"}]}`;
//! - `environments/<slug>.json`: `{"id", "name", "production", "variables": [{"key", "value"} |
//!   {"key", "secret": true}]}`.
//!
//! No secret value and no `{"set": true}` marker is ever written: a secret is listed by name.
//! A file that carries one is refused, naming the field and never the value. Writing is
//! deterministic (struct field order, sorted lists, 2-space pretty JSON, a final newline), so a
//! vault exported twice gives the same bytes. Where the files go is `share::folder`'s.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{
    secret_slot, Datasource, DatasourceConfig, DatasourceId, Environment, EnvironmentConfig, EnvironmentId,
    RequestSpec, SavedQuery, Variable, VariableValue,
};
use crate::{FieldError, SecretField};

/// Every secret slot name an override can set (the base's names).
const SLOT_NAMES: [&str; 10] = [
    secret_slot::SIGNATURE_SECRET,
    secret_slot::SELF_SIGNED_CERTIFICATE,
    secret_slot::PASSWORD,
    secret_slot::API_KEY_VALUE,
    secret_slot::BEARER_TOKEN,
    secret_slot::CLIENT_SECRET,
    secret_slot::CLIENT_CERTIFICATE_KEY,
    secret_slot::CLIENT_CERTIFICATE_PASSPHRASE,
    secret_slot::PROXY_PASSWORD,
    secret_slot::CLIENT_ASSERTION_KEY,
];

/// A saved query as a datasource file lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QueryFile {
    pub id: String,
    pub name: String,
    /// The query's group (a Postman folder, an OpenAPI tag), written when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    pub request: RequestSpec,
}

/// A datasource as a shared folder has it: its configuration without secret values (base
/// secret slots empty; an override's listed secret left out), the secrets it uses by name
/// (sorted), and its queries by name.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedDatasource {
    pub id: DatasourceId,
    pub config: DatasourceConfig,
    pub secrets: Vec<String>,
    pub queries: Vec<QueryFile>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DatasourceFileIn {
    id: String,
    datasource: DatasourceConfig,
    #[serde(default)]
    secrets: Vec<String>,
    #[serde(default)]
    queries: Vec<QueryFile>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DatasourceFileOut<'a> {
    id: &'a DatasourceId,
    datasource: Value,
    secrets: &'a [String],
    queries: &'a [QueryFile],
}

/// Whether `name` is a secret field of `config`: one of its base slots (`auth.clientSecret`), or
/// `environments.<env>.<slot>` for an environment it overrides.
pub fn is_secret_of(config: &DatasourceConfig, name: &str) -> bool {
    if config.secret_slots().iter().any(|(slot, _)| *slot == name) {
        return true;
    }
    let Some((env, slot)) = name.strip_prefix("environments.").and_then(|rest| rest.split_once('.')) else {
        return false;
    };
    let Some(overrides) = config.environments.get(env) else { return false };
    if !SLOT_NAMES.contains(&slot) {
        return false;
    }
    // The proxy password of an environment belongs to its own proxy; any other slot to the
    // effective configuration there.
    if slot == secret_slot::PROXY_PASSWORD {
        return overrides.proxy.as_ref().is_some_and(|p| !p.secret_slots().is_empty());
    }
    config.effective(env).is_ok_and(|c| c.secret_slots().iter().any(|(s, _)| *s == slot))
}

impl SharedDatasource {
    /// The stored datasource as it is shared: the secrets it holds, and those it still needs
    /// (`needs_setup`, the row's list: what a teammate's folder said it uses), by name.
    pub fn from_local(datasource: &Datasource, queries: &[SavedQuery], needs_setup: &[String]) -> Self {
        let config = &datasource.config;
        let mut secrets: Vec<String> =
            config.secret_slots().into_iter().filter(|(_, f)| f.is_set()).map(|(s, _)| s.to_owned()).collect();
        for (env, overrides) in &config.environments {
            for (slot, field) in overrides.secret_slots() {
                if field.is_set() {
                    secrets.push(format!("environments.{env}.{slot}"));
                }
            }
        }
        secrets.extend(needs_setup.iter().filter(|n| is_secret_of(config, n)).cloned());
        secrets.sort();
        secrets.dedup();
        let mut queries: Vec<QueryFile> = queries
            .iter()
            .map(|q| QueryFile {
                id: q.id.clone(),
                name: q.name.clone(),
                group: q.group.clone(),
                request: q.request.clone(),
            })
            .collect();
        sort_queries(&mut queries);
        SharedDatasource { id: datasource.id.clone(), config: config.clone(), secrets, queries }
    }

    /// The configuration as written: every base secret field left out, and an override's secret
    /// field left out when it is listed or set (an unlisted `null` override stays: that
    /// environment has none).
    fn datasource_value(&self) -> Value {
        let mut value = serde_json::to_value(&self.config).expect("a datasource config always serializes");
        for (slot, _) in self.config.secret_slots() {
            remove_at(&mut value, slot.split('.'));
        }
        for (env, overrides) in &self.config.environments {
            for (slot, field) in overrides.secret_slots() {
                let name = format!("environments.{env}.{slot}");
                if field.is_set() || self.secrets.contains(&name) {
                    remove_at(&mut value, ["environments", env.as_str()].into_iter().chain(slot.split('.')));
                }
            }
        }
        value
    }

    /// The file's bytes.
    pub fn render(&self) -> Vec<u8> {
        let out = DatasourceFileOut {
            id: &self.id,
            datasource: self.datasource_value(),
            secrets: &self.secrets,
            queries: &self.queries,
        };
        pretty(&out)
    }

    /// The configuration to store, each listed secret kept (`{"set": true}`) when `keep` says
    /// so, else without a value.
    ///
    /// [`SharedDatasource::parse`] checked that this reads back, so it cannot fail after it.
    pub fn config_for_import(&self, keep: impl Fn(&str) -> bool) -> DatasourceConfig {
        self.try_config_for_import(keep).expect("a parsed shared file reads back with its secrets marked")
    }

    fn try_config_for_import(&self, keep: impl Fn(&str) -> bool) -> Result<DatasourceConfig, String> {
        let mut value = self.datasource_value();
        for name in &self.secrets {
            let marker = if keep(name) { serde_json::json!({ "set": true }) } else { Value::Null };
            set_at(&mut value, name.split('.'), marker);
        }
        serde_json::from_value(value).map_err(|e| crate::transfer::without_values(&e.to_string()))
    }

    /// Reads and checks a datasource file (`file` is its path in the folder, for errors).
    ///
    /// # Errors
    /// Each problem as a [`FieldError`] on `<file>, <where>` with the fix: JSON that does not
    /// read (line and column, no value repeated), an id that is not a datasource id, a secret
    /// value or marker in the file, an unknown secret name, queries without a name or id, or
    /// with the same name or id twice.
    pub fn parse(file: &str, bytes: &[u8]) -> Result<SharedDatasource, Vec<FieldError>> {
        let parsed: DatasourceFileIn = read_json(file, bytes, "a shared datasource file")?;
        let mut errors = Vec::new();
        let at = |pointer: &str| format!("{file}, {pointer}");
        if let Err(message) = check_id(&parsed.id, "ds_") {
            errors.push(FieldError::new(at("/id"), message));
        }
        let config = parsed.datasource;
        for (slot, field) in config.secret_slots() {
            if let Some(message) = carried(field, slot) {
                errors.push(FieldError::new(at(&format!("/datasource/{}", slot.replace('.', "/"))), message));
            }
        }
        for (env, overrides) in &config.environments {
            for (slot, field) in overrides.secret_slots() {
                if let Some(message) = carried(field, &format!("environments.{env}.{slot}")) {
                    let pointer =
                        format!("/datasource/environments/{}/{}", pointer_escape(env), slot.replace('.', "/"));
                    errors.push(FieldError::new(at(&pointer), message));
                }
            }
        }
        let mut secrets = parsed.secrets;
        for (i, name) in secrets.iter().enumerate() {
            if !is_secret_of(&config, name) {
                errors.push(FieldError::new(
                    at(&format!("/secrets/{i}")),
                    format!(
                        "`{name}` is not a secret field of this datasource (its authentication is {}): remove it, or \
                         name a field such as auth.token or environments.<name>.auth.clientSecret",
                        config.auth.kind().as_str()
                    ),
                ));
            }
        }
        secrets.sort();
        secrets.dedup();
        let mut queries = parsed.queries;
        for (i, query) in queries.iter().enumerate() {
            let item = |field: &str| at(&format!("/queries/{i}/{field}"));
            if let Err(message) = check_id(&query.id, "q_") {
                errors.push(FieldError::new(item("id"), message));
            } else if queries[..i].iter().any(|q| q.id == query.id) {
                errors.push(FieldError::new(item("id"), "this id is given twice: each query has its own"));
            }
            if query.name.trim().is_empty() || query.name.trim() != query.name {
                errors.push(FieldError::new(item("name"), "give the query a name, without spaces around it"));
            } else if queries[..i].iter().any(|q| q.name.eq_ignore_ascii_case(&query.name)) {
                errors.push(FieldError::new(
                    item("name"),
                    format!("two queries are named `{}` (names compare without case): rename one", query.name),
                ));
            }
            for e in query.request.validate().err().unwrap_or_default() {
                errors.push(FieldError::new(item(&format!("request/{}", pointer_of(&e.field))), e.message));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        sort_queries(&mut queries);
        let shared = SharedDatasource { id: DatasourceId::new(parsed.id), config, secrets, queries };
        for keep in [false, true] {
            if let Err(message) = shared.try_config_for_import(|_| keep) {
                return Err(vec![FieldError::new(
                    at("/secrets"),
                    format!(
                        "the secrets listed do not fit the datasource ({message}): remove the ones it does not use"
                    ),
                )]);
            }
        }
        Ok(shared)
    }
}

/// Queries by name (case-insensitively), then id: the order files list them in.
fn sort_queries(queries: &mut [QueryFile]) {
    queries.sort_by(|a, b| (a.name.to_ascii_lowercase(), &a.id).cmp(&(b.name.to_ascii_lowercase(), &b.id)));
}

/// Why a secret field of a shared file cannot be read, when it holds something.
fn carried(field: &SecretField, name: &str) -> Option<String> {
    match field {
        SecretField::Empty => None,
        SecretField::Value(_) => Some(format!(
            "this file carries a secret value (it was committed with the folder): remove the field and list \
             `{name}` in \"secrets\" instead, then change that secret where it was issued, since others have seen it"
        )),
        SecretField::Stored => Some(format!(
            "a {{\"set\": true}} marker means nothing in a shared folder: remove it and list `{name}` in \"secrets\""
        )),
    }
}

/// An environment as a shared folder has it: secret variables without values.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedEnvironment {
    pub id: EnvironmentId,
    /// Secret variables' values are [`SecretField::Empty`].
    pub config: EnvironmentConfig,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct EnvironmentFile {
    id: String,
    name: String,
    #[serde(default)]
    production: bool,
    #[serde(default)]
    variables: Vec<VariableFile>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct VariableFile {
    key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    value: Option<Value>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    secret: bool,
}

impl SharedEnvironment {
    pub fn from_local(environment: &Environment) -> Self {
        let mut config = environment.config.clone();
        for variable in &mut config.variables {
            if let VariableValue::Secret(field) = &mut variable.value {
                *field = SecretField::Empty;
            }
        }
        SharedEnvironment { id: environment.id.clone(), config }
    }

    /// The secret variables' names.
    pub fn secrets(&self) -> Vec<String> {
        self.config.variables.iter().filter(|v| v.is_secret()).map(|v| v.key.clone()).collect()
    }

    pub fn render(&self) -> Vec<u8> {
        let variables = self
            .config
            .variables
            .iter()
            .map(|v| match &v.value {
                VariableValue::Plain(text) => {
                    VariableFile { key: v.key.clone(), value: Some(Value::String(text.clone())), secret: false }
                }
                VariableValue::Secret(_) => VariableFile { key: v.key.clone(), value: None, secret: true },
            })
            .collect();
        pretty(&EnvironmentFile {
            id: self.id.to_string(),
            name: self.config.name.clone(),
            production: self.config.production,
            variables,
        })
    }

    /// The environment to store, each secret variable kept when `keep` says so.
    pub fn config_for_import(&self, keep: impl Fn(&str) -> bool) -> EnvironmentConfig {
        let mut config = self.config.clone();
        for variable in &mut config.variables {
            if let VariableValue::Secret(field) = &mut variable.value {
                *field = if keep(&variable.key) { SecretField::Stored } else { SecretField::Empty };
            }
        }
        config
    }

    /// Reads and checks an environment file.
    ///
    /// # Errors
    /// As [`SharedDatasource::parse`]: bad JSON, a bad id or name, a secret variable with a
    /// value, a plain one whose value is not text, bad or repeated variable names.
    pub fn parse(file: &str, bytes: &[u8]) -> Result<SharedEnvironment, Vec<FieldError>> {
        let parsed: EnvironmentFile = read_json(file, bytes, "a shared environment file")?;
        let at = |pointer: &str| format!("{file}, {pointer}");
        let mut errors = Vec::new();
        if let Err(message) = check_id(&parsed.id, "env_") {
            errors.push(FieldError::new(at("/id"), message));
        }
        let mut variables = Vec::new();
        for (i, variable) in parsed.variables.into_iter().enumerate() {
            let pointer = at(&format!("/variables/{i}/value"));
            match (variable.secret, variable.value) {
                (true, None | Some(Value::Null)) => variables.push(Variable::secret(variable.key, SecretField::Empty)),
                (true, Some(Value::String(s))) if s.is_empty() => {
                    variables.push(Variable::secret(variable.key, SecretField::Empty))
                }
                (true, Some(Value::Object(_))) => errors.push(FieldError::new(
                    pointer,
                    format!(
                        "a {{\"set\": true}} marker means nothing in a shared folder: remove \"value\" from `{}`",
                        variable.key
                    ),
                )),
                (true, Some(_)) => errors.push(FieldError::new(
                    pointer,
                    format!(
                        "this file carries the value of the secret variable `{}` (it was committed with the folder): \
                         remove \"value\", then change that secret where it was issued, since others have seen it",
                        variable.key
                    ),
                )),
                (false, None | Some(Value::Null)) => variables.push(Variable::plain(variable.key, "")),
                (false, Some(Value::String(text))) => variables.push(Variable::plain(variable.key, text)),
                (false, Some(_)) => errors.push(FieldError::new(
                    pointer,
                    format!(
                        "the value of `{}` is text (a secret variable is written {{\"key\": …, \"secret\": true}} \
                         without its value)",
                        variable.key
                    ),
                )),
            }
        }
        let config = EnvironmentConfig { name: parsed.name, production: parsed.production, variables };
        for e in config.validate().err().unwrap_or_default() {
            errors.push(FieldError::new(at(&format!("/{}", pointer_of(&e.field))), e.message));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(SharedEnvironment { id: EnvironmentId::new(parsed.id), config })
    }
}

/// Reads `bytes` as `T`, an error naming the file, the line and column, and what is wrong
/// without repeating a value from the file.
fn read_json<T: serde::de::DeserializeOwned>(file: &str, bytes: &[u8], kind: &str) -> Result<T, Vec<FieldError>> {
    serde_json::from_slice(bytes).map_err(|e| {
        let what = match e.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                "the file is not valid JSON: fix it (or restore it from git)".to_owned()
            }
            serde_json::error::Category::Data => {
                format!("the JSON is not {kind}: {}", crate::transfer::without_values(&e.to_string()))
            }
            serde_json::error::Category::Io => "the file could not be read".to_owned(),
        };
        vec![FieldError::new(format!("{file}, line {}, column {}", e.line(), e.column()), what)]
    })
}

/// Whether `id` is an id of the kind `prefix` names (`ds_`, `env_`, `q_`).
fn check_id(id: &str, prefix: &str) -> Result<(), String> {
    let rest = id.strip_prefix(prefix).unwrap_or_default();
    if rest.is_empty() || rest.len() > 64 || !rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        let kind = match prefix {
            "ds_" => "a datasource",
            "env_" => "an environment",
            _ => "a query",
        };
        return Err(format!(
            "`{id}` is not {kind} id ({prefix} and letters or digits): keep the id export wrote, or remove the item \
             and export it again"
        ));
    }
    Ok(())
}

/// A dotted field path (`headers[1].key`) as a JSON pointer's tail (`headers/1/key`).
pub fn pointer_of(field: &str) -> String {
    field.replace('[', "/").replace(']', "").replace('.', "/")
}

fn pointer_escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn pretty<T: Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).expect("a shared file always serializes");
    bytes.push(b'\n');
    bytes
}

/// Removes the member at `path` (object keys) from `value`, if there.
fn remove_at<'p>(value: &mut Value, path: impl Iterator<Item = &'p str>) {
    let mut path: Vec<&str> = path.collect();
    let Some(last) = path.pop() else { return };
    if let Some(Value::Object(parent)) = path.iter().try_fold(value, |v, key| v.get_mut(*key)) {
        parent.shift_remove(last);
    }
}

/// Sets the member at `path` to `new`, making the objects on the way.
fn set_at<'p>(value: &mut Value, path: impl Iterator<Item = &'p str>, new: Value) {
    let mut path: Vec<&str> = path.collect();
    let Some(last) = path.pop() else { return };
    let mut at = value;
    for key in path {
        let Value::Object(map) = at else { return };
        at = map.entry(key.to_owned()).or_insert_with(|| Value::Object(serde_json::Map::new()));
    }
    if let Value::Object(map) = at {
        map.insert(last.to_owned(), new);
    }
}
