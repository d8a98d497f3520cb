//! Variables `{{name}}`: the one place they are resolved, for every caller (sending, the token
//! calls, validation on save). A datasource's non-secret fields and a request's path, query,
//! headers and text bodies are resolved from the active environment; a secret field may be a
//! whole `{{name}}`. An unknown variable is an error naming it and where it was used; `\{{` is a
//! literal `{{`; text between `{{` and `}}` that cannot be a variable name stays as it is.
//!
//! Resolution happens before a request is prepared, so the origin check sees the resolved URL.
//! What does not belong here: where environments are stored (the store) and merging a
//! datasource's per-environment overrides (`model::overrides`).

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::Value;

use crate::model::{is_variable_name, DatasourceConfig, EnvironmentConfig, RequestSpec, VariableValue};
use crate::{Error, FieldError, Result, Secret, SecretField};

/// The variables of one environment, values opened.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Variables {
    /// The environment's name, for messages.
    pub environment: String,
    values: HashMap<String, Resolved>,
}

#[derive(Debug, Clone, PartialEq)]
enum Resolved {
    Plain(String),
    Secret(Secret),
}

impl Variables {
    /// The variables of `environment`, whose secret values have been opened (a secret variable
    /// without a value resolves to the empty text).
    pub fn of(environment: &EnvironmentConfig) -> Variables {
        let values = environment
            .variables
            .iter()
            .map(|v| {
                let value = match &v.value {
                    VariableValue::Plain(text) => Resolved::Plain(text.clone()),
                    VariableValue::Secret(SecretField::Value(secret)) => Resolved::Secret(secret.clone()),
                    VariableValue::Secret(_) => Resolved::Secret(Secret::new("")),
                };
                (v.key.clone(), value)
            })
            .collect();
        Variables { environment: environment.name.clone(), values }
    }

    /// No variables, in no environment: `{{…}}` is left as it is (a datasource read outside an
    /// environment, as for export).
    pub fn none() -> Variables {
        Variables::default()
    }

    /// The values of the secret variables, to be shown as `<redacted>` wherever a request is shown.
    pub fn secret_values(&self) -> Vec<Secret> {
        self.values
            .values()
            .filter_map(|v| match v {
                Resolved::Secret(s) if !s.expose().is_empty() => Some(s.clone()),
                _ => None,
            })
            .collect()
    }

    /// The names of the variables, sorted (the tester offers them after `{{`).
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.values.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(|v| match v {
            Resolved::Plain(text) => text.as_str(),
            Resolved::Secret(secret) => secret.expose(),
        })
    }

    fn is_defined(&self) -> bool {
        !self.environment.is_empty()
    }
}

/// Whether `text` uses a variable (or an escaped `\{{`), i.e. whether resolving can change it.
pub fn uses_variables(text: &str) -> bool {
    text.contains("{{")
}

/// The names of the variables `text` uses, in order, with repeats.
pub fn used_names(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    scan(text, |piece| {
        if let Piece::Variable(name) = piece {
            names.push(name.to_owned());
        }
    });
    names
}

/// `text` with every `{{name}}` replaced by its value and every `\{{` by `{{`.
///
/// # Errors
/// A [`FieldError`] on `field` (described as `place` in the message) naming the first unknown
/// variable.
pub fn resolve_text<'t>(text: &'t str, vars: &Variables, field: &str, place: &str) -> Result<Cow<'t, str>, FieldError> {
    if !uses_variables(text) || !vars.is_defined() {
        return Ok(Cow::Borrowed(text));
    }
    let mut out = String::with_capacity(text.len());
    let mut unknown: Option<String> = None;
    scan(text, |piece| match piece {
        Piece::Text(t) => out.push_str(t),
        Piece::Variable(name) => match vars.get(name) {
            Some(value) => out.push_str(value),
            None => {
                unknown.get_or_insert_with(|| name.to_owned());
            }
        },
    });
    match unknown {
        None => Ok(Cow::Owned(out)),
        Some(name) => Err(unknown_variable(&name, vars, field, place)),
    }
}

fn unknown_variable(name: &str, vars: &Variables, field: &str, place: &str) -> FieldError {
    let env = &vars.environment;
    FieldError::new(
        field,
        format!(
            "`{{{{{name}}}}}` in {place} is not a variable of environment `{env}`: add `{name}` to {env}'s \
             variables, or write \\{{{{ for a literal {{{{"
        ),
    )
}

enum Piece<'t> {
    Text(&'t str),
    Variable(&'t str),
}

/// Splits `text` into literal pieces and variable names.
fn scan<'t>(text: &'t str, mut emit: impl FnMut(Piece<'t>)) {
    let mut rest = text;
    while let Some(at) = rest.find("{{") {
        if at > 0 && rest.as_bytes()[at - 1] == b'\\' {
            emit(Piece::Text(&rest[..at - 1]));
            emit(Piece::Text("{{"));
            rest = &rest[at + 2..];
            continue;
        }
        let Some(len) = rest[at + 2..].find("}}") else { break };
        let inner = &rest[at + 2..at + 2 + len];
        if let Some(open) = inner.find("{{") {
            // A later `{{` opens the variable (`{{a} and {{host}}`): keep the text before it.
            emit(Piece::Text(&rest[..at + 2 + open]));
            rest = &rest[at + 2 + open..];
            continue;
        }
        let name = inner.trim();
        if is_variable_name(name) {
            emit(Piece::Text(&rest[..at]));
            emit(Piece::Variable(name));
        } else {
            emit(Piece::Text(&rest[..at + 2 + len + 2]));
        }
        rest = &rest[at + 2 + len + 2..];
    }
    emit(Piece::Text(rest));
}

/// Resolves every string of a JSON value in place; `path` is the field path of `value`.
fn resolve_json(
    value: &mut Value,
    path: &str,
    vars: &Variables,
    describe: &dyn Fn(&str) -> String,
    errors: &mut Vec<FieldError>,
) {
    match value {
        Value::String(text) if uses_variables(text) => match resolve_text(text, vars, path, &describe(path)) {
            Ok(resolved) => *text = resolved.into_owned(),
            Err(error) => errors.push(error),
        },
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                resolve_json(item, &format!("{path}[{i}]"), vars, describe, errors);
            }
        }
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                let child = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                resolve_json(item, &child, vars, describe, errors);
            }
        }
        _ => {}
    }
}

/// `config` (an effective configuration, no per-environment overrides left) with its variables
/// resolved: every non-secret text but the name, and secret fields that are a whole `{{name}}`.
///
/// # Errors
/// [`Error::Invalid`] naming each unknown variable and the field it is in.
pub fn resolve_config(config: &DatasourceConfig, vars: &Variables) -> Result<DatasourceConfig> {
    if !vars.is_defined() {
        return Ok(config.clone());
    }
    let mut errors = Vec::new();
    let mut resolved = if config_uses_variables(config) {
        let mut json = serde_json::to_value(config).expect("a datasource config serializes");
        if let Value::Object(map) = &mut json {
            map.remove("name");
            map.remove("environments");
        }
        resolve_json(&mut json, "", vars, &|path| format!("the datasource's `{path}`"), &mut errors);
        let mut resolved: DatasourceConfig = serde_json::from_value(json)
            .map_err(|e| Error::Format(format!("a resolved variable made the datasource unreadable: {e}")))?;
        resolved.name = config.name.clone();
        // Secret slots came back as markers: put the values back.
        let originals: HashMap<&str, &SecretField> = config.secret_slots().into_iter().collect();
        for (slot, field) in resolved.secret_slots_mut() {
            if let Some(original) = originals.get(slot) {
                *field = (*original).clone();
            }
        }
        resolved
    } else {
        config.clone()
    };
    for (slot, field) in resolved.secret_slots_mut() {
        let SecretField::Value(secret) = field else { continue };
        if !uses_variables(secret.expose()) {
            continue;
        }
        match resolve_secret(secret.expose(), vars, slot) {
            Ok(value) => *field = SecretField::Value(value),
            Err(error) => errors.push(error),
        }
    }
    if errors.is_empty() {
        Ok(resolved)
    } else {
        Err(Error::Invalid(errors))
    }
}

/// [`resolve_config`] with unknown variables left as they are written (`{{name}}`): where
/// a configuration's destinations point as far as the variables say, for comparing them.
pub fn resolve_config_leaving_unknown(config: &DatasourceConfig, vars: &Variables) -> DatasourceConfig {
    let mut vars = vars.clone();
    let json = serde_json::to_string(config).expect("a datasource config serializes");
    for name in used_names(&json) {
        let written = format!("{{{{{name}}}}}");
        vars.values.entry(name).or_insert(Resolved::Plain(written));
    }
    resolve_config(config, &vars).unwrap_or_else(|_| config.clone())
}

/// A secret field's value `{{name}}`: the variable's value. Anything else with `{{` is an error
/// that does not quote the field (it is a secret).
fn resolve_secret(text: &str, vars: &Variables, slot: &str) -> Result<Secret, FieldError> {
    let trimmed = text.trim();
    let name = trimmed.strip_prefix("{{").and_then(|t| t.strip_suffix("}}")).map(str::trim);
    match name {
        Some(name) if is_variable_name(name) => match vars.get(name) {
            Some(value) => Ok(Secret::new(value)),
            None => Err(unknown_variable(name, vars, slot, &format!("the datasource's `{slot}`"))),
        },
        _ if trimmed.starts_with("\\{{") => Ok(Secret::new(text.replacen("\\{{", "{{", 1))),
        _ => Ok(Secret::new(text)),
    }
}

fn config_uses_variables(config: &DatasourceConfig) -> bool {
    let json = serde_json::to_string(config).expect("a datasource config serializes");
    uses_variables(&json)
}

/// `spec` with its variables resolved: path, query and header values (and names), and every text
/// body (JSON, raw, form fields, multipart text parts).
///
/// # Errors
/// [`Error::Invalid`] naming each unknown variable and the request field it is in.
pub fn resolve_request<'s>(spec: &'s RequestSpec, vars: &Variables) -> Result<Cow<'s, RequestSpec>> {
    if !vars.is_defined() {
        return Ok(Cow::Borrowed(spec));
    }
    let mut json = serde_json::to_value(spec).expect("a request serializes");
    if !json_uses_variables(&json) {
        return Ok(Cow::Borrowed(spec));
    }
    let mut errors = Vec::new();
    resolve_json(&mut json, "", vars, &|path| format!("the request's `{path}`"), &mut errors);
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let resolved = serde_json::from_value(json)
        .map_err(|e| Error::Format(format!("a resolved variable made the request unreadable: {e}")))?;
    Ok(Cow::Owned(resolved))
}

fn json_uses_variables(value: &Value) -> bool {
    match value {
        Value::String(text) => uses_variables(text),
        Value::Array(items) => items.iter().any(json_uses_variables),
        Value::Object(map) => map.values().any(json_uses_variables),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{KeyValue, MultipartPart, RequestBody, Variable};

    fn staging() -> Variables {
        Variables::of(&EnvironmentConfig {
            name: "staging".into(),
            production: false,
            variables: vec![
                Variable::plain("host", "staging.example.com"),
                Variable::plain("tenant", "t-42"),
                Variable::secret("apiKey", "k3y-staging".into()),
            ],
        })
    }

    #[test]
    fn text_is_resolved_escaped_and_left_alone_where_it_is_no_variable() {
        let vars = staging();
        let resolve = |text: &str| resolve_text(text, &vars, "path", "the path").map(Cow::into_owned);
        assert_eq!(resolve("https://{{host}}/v1").unwrap(), "https://staging.example.com/v1");
        assert_eq!(resolve("{{ tenant }}-{{tenant}}").unwrap(), "t-42-t-42", "spaces inside are allowed");
        assert_eq!(resolve(r"\{{host}} is {{host}}").unwrap(), "{{host}} is staging.example.com");
        assert_eq!(resolve("{{ not a name }} and {{").unwrap(), "{{ not a name }} and {{");
        assert_eq!(resolve("no variables").unwrap(), "no variables");
        assert_eq!(resolve("{{a} and {{host}}").unwrap(), "{{a} and staging.example.com", "a stray {{ hides nothing");
        assert_eq!(resolve("{{{{host}}}}").unwrap(), "{{staging.example.com}}");
        assert!(resolve("{{a} {{nope}}").is_err(), "nor an unknown variable after it");
        let error = resolve("/items/{{itemId}}").unwrap_err();
        assert_eq!(error.field, "path");
        assert!(
            error.message.contains("`{{itemId}}` in the path is not a variable of environment `staging`"),
            "{}",
            error.message
        );
        assert!(error.message.contains("write \\{{ for a literal"), "{}", error.message);
    }

    #[test]
    fn every_text_of_a_request_is_resolved() {
        let spec = RequestSpec {
            method: "POST".into(),
            path: "/tenants/{{tenant}}".into(),
            headers: vec![KeyValue::new("X-Key", "{{apiKey}}")],
            query_params: vec![KeyValue::new("host", "{{host}}")],
            body: RequestBody::Multipart {
                parts: vec![MultipartPart { key: "t".into(), value: "{{tenant}}".into(), ..Default::default() }],
            },
        };
        let resolved = resolve_request(&spec, &staging()).unwrap().into_owned();
        assert_eq!(resolved.path, "/tenants/t-42");
        assert_eq!(resolved.headers[0].value, "k3y-staging");
        assert_eq!(resolved.query_params[0].value, "staging.example.com");
        let RequestBody::Multipart { parts } = resolved.body else { panic!("still multipart") };
        assert_eq!(parts[0].value, "t-42");
        for body in [
            RequestBody::Json { text: r#"{"t":"{{tenant}}"}"#.into() },
            RequestBody::Raw { text: "t={{tenant}}".into(), content_type: String::new() },
            RequestBody::FormUrlencoded { fields: vec![KeyValue::new("t", "{{tenant}}")] },
        ] {
            let spec = RequestSpec { body, ..Default::default() };
            let text = serde_json::to_string(&resolve_request(&spec, &staging()).unwrap()).unwrap();
            assert!(text.contains("t-42") && !text.contains("{{"), "{text}");
        }
        let bad = RequestSpec { headers: vec![KeyValue::new("X", "{{nope}}")], ..Default::default() };
        let Err(Error::Invalid(errors)) = resolve_request(&bad, &staging()) else { panic!("unknown variable") };
        assert_eq!(errors[0].field, "headers[0].value");
        assert!(errors[0].message.contains("`{{nope}}` in the request's `headers[0].value`"), "{}", errors[0].message);
    }

    #[test]
    fn a_datasource_resolves_its_texts_and_whole_variable_secrets_but_not_its_name() {
        let config: DatasourceConfig = serde_json::from_value(serde_json::json!({
            "name": "{{host}} API",
            "url": "https://{{host}}/v1",
            "headers": [{"key": "X-Tenant", "value": "{{tenant}}"}],
            "auth": {"type": "apiKey", "key": "X-Api-Key", "value": "{{apiKey}}", "addTo": "header"}
        }))
        .unwrap();
        let resolved = resolve_config(&config, &staging()).unwrap();
        assert_eq!(resolved.name, "{{host}} API", "the name is never resolved");
        assert_eq!(resolved.url, "https://staging.example.com/v1");
        assert_eq!(resolved.headers[0].value, "t-42");
        let value = resolved.secret_slots().into_iter().find(|(s, _)| *s == "auth.value").unwrap().1.clone();
        assert_eq!(value, SecretField::from("k3y-staging"));
        let literal: DatasourceConfig =
            serde_json::from_value(serde_json::json!({"name": "x", "url": "https://a.example", "auth": {"type": "bearer", "token": "abc{{x}}"}}))
                .unwrap();
        let kept = resolve_config(&literal, &staging()).unwrap();
        assert_eq!(
            kept.secret_slots()[2].1,
            &SecretField::from("abc{{x}}"),
            "only a whole {{name}} is a variable in a secret"
        );
        assert_eq!(staging().secret_values(), vec![Secret::new("k3y-staging")]);
    }

    #[test]
    fn outside_an_environment_nothing_is_resolved() {
        let spec = RequestSpec { path: "/{{x}}".into(), ..Default::default() };
        assert_eq!(resolve_request(&spec, &Variables::none()).unwrap().path, "/{{x}}");
        assert_eq!(used_names("a {{x}} \\{{y}} {{ z }}"), ["x", "z"]);
    }
}
