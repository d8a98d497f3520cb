//! Environments of a vault (`staging`, `production`, …): a name, a production marker, and
//! variables, some secret. This is also their file format (`latchkey env import/export`). Where
//! variables are used is `crate::variables`; storing and sealing them is the store's.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use ts_rs::TS;

use super::EnvironmentId;
use crate::{FieldError, SecretField};

/// The name of the environment a new vault has.
pub const DEFAULT_ENVIRONMENT: &str = "default";

/// An environment as a person edits it and as it travels as a file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct EnvironmentConfig {
    pub name: String,
    /// Sending anything but GET, HEAD or OPTIONS asks first, and the app shows it unmistakably.
    pub production: bool,
    #[ts(as = "Vec<VariableJson>")]
    pub variables: Vec<Variable>,
}

/// A stored environment.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Environment {
    pub id: EnvironmentId,
    #[ts(type = "number")]
    pub created_at: i64,
    #[ts(type = "number")]
    pub updated_at: i64,
    #[serde(flatten)]
    pub config: EnvironmentConfig,
}

/// One row of the environment list (the switcher).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentSummary {
    pub id: EnvironmentId,
    pub name: String,
    pub production: bool,
    /// How many variables it has (secret ones included).
    pub variables: usize,
}

/// A variable: `{"key", "value", "secret"}`. A secret one's value follows the rules of every
/// other secret: a string sets it, `{"set": true}` keeps the stored one, `null` is none; it is
/// sealed bound to the environment and the key and never shown again.
#[derive(Debug, Clone, PartialEq)]
pub struct Variable {
    pub key: String,
    pub value: VariableValue,
}

/// A variable's value: text anyone may read, or a secret.
#[derive(Debug, Clone, PartialEq)]
pub enum VariableValue {
    Plain(String),
    Secret(SecretField),
}

impl Variable {
    pub fn plain(key: impl Into<String>, value: impl Into<String>) -> Self {
        Variable { key: key.into(), value: VariableValue::Plain(value.into()) }
    }

    pub fn secret(key: impl Into<String>, value: SecretField) -> Self {
        Variable { key: key.into(), value: VariableValue::Secret(value) }
    }

    pub fn is_secret(&self) -> bool {
        matches!(self.value, VariableValue::Secret(_))
    }
}

/// The JSON shape of a [`Variable`] (and its TypeScript type).
#[derive(Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(rename = "Variable")]
pub struct VariableJson {
    key: String,
    #[serde(default)]
    #[ts(type = "string | { set: boolean } | null")]
    value: serde_json::Value,
    #[serde(default)]
    secret: bool,
}

impl Serialize for Variable {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (value, secret) = match &self.value {
            VariableValue::Plain(text) => (serde_json::Value::String(text.clone()), false),
            VariableValue::Secret(field) => (serde_json::to_value(field).map_err(serde::ser::Error::custom)?, true),
        };
        VariableJson { key: self.key.clone(), value, secret }.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Variable {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let json = VariableJson::deserialize(deserializer)?;
        let value = if json.secret {
            VariableValue::Secret(SecretField::deserialize(json.value).map_err(D::Error::custom)?)
        } else {
            match json.value {
                serde_json::Value::String(text) => VariableValue::Plain(text),
                serde_json::Value::Null => VariableValue::Plain(String::new()),
                _ => {
                    return Err(D::Error::custom(format!(
                        "variable `{}`: a value is text (mark the variable \"secret\": true for a secret one)",
                        json.key
                    )))
                }
            }
        };
        Ok(Variable { key: json.key, value })
    }
}

/// Whether `key` can be a variable name: a letter or `_`, then letters, digits, `_`, `-`, `.`.
pub fn is_variable_name(key: &str) -> bool {
    let mut chars = key.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

impl EnvironmentConfig {
    /// Checks the name and the variables (names valid and unique). Name uniqueness across the
    /// vault is the store's.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if let Err(message) = check_environment_name(&self.name) {
            errors.push(FieldError::new("name", message));
        }
        for (i, variable) in self.variables.iter().enumerate() {
            if !is_variable_name(&variable.key) {
                errors.push(FieldError::new(
                    format!("variables[{i}].key"),
                    format!(
                        "`{}` cannot be a variable name: start with a letter or _, then use letters, digits, _, - or .",
                        variable.key
                    ),
                ));
            } else if self.variables[..i].iter().any(|v| v.key == variable.key) {
                errors.push(FieldError::new(
                    format!("variables[{i}].key"),
                    format!("`{}` is defined twice: remove one of the rows", variable.key),
                ));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The variable named `key`.
    pub fn variable(&self, key: &str) -> Option<&Variable> {
        self.variables.iter().find(|v| v.key == key)
    }
}

/// Why `name` cannot name an environment, if it cannot.
pub fn check_environment_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("give the environment a name, such as staging".to_owned());
    }
    if name.trim() != name {
        return Err("remove the spaces around the name".to_owned());
    }
    if name.chars().any(|c| c.is_control() || c == '.' || c == '[' || c == ']') {
        return Err(format!("`{name}` cannot name an environment: leave out ., [, ] and control characters"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_read_and_write_the_file_format() {
        let json = r#"{"name":"staging","production":false,"variables":[
            {"key":"host","value":"staging.example.com"},
            {"key":"apiKey","value":"s3cr3t","secret":true},
            {"key":"kept","value":{"set":true},"secret":true},
            {"key":"none","value":null,"secret":true}]}"#;
        let env: EnvironmentConfig = serde_json::from_str(json).unwrap();
        assert_eq!(env.variables[0].value, VariableValue::Plain("staging.example.com".into()));
        assert_eq!(env.variables[1].value, VariableValue::Secret("s3cr3t".into()));
        assert_eq!(env.variables[2].value, VariableValue::Secret(SecretField::Stored));
        assert_eq!(env.variables[3].value, VariableValue::Secret(SecretField::Empty));
        let written = serde_json::to_string(&env).unwrap();
        assert!(!written.contains("s3cr3t"), "a secret value never serializes: {written}");
        assert!(written.contains(r#"{"key":"apiKey","value":{"set":true},"secret":true}"#), "{written}");
        assert!(format!("{env:?}").contains("<redacted>") && !format!("{env:?}").contains("s3cr3t"));
    }

    #[test]
    fn a_plain_value_must_be_text_and_names_must_be_usable() {
        let err = serde_json::from_str::<Variable>(r#"{"key":"n","value":{"set":true}}"#).unwrap_err();
        assert!(err.to_string().contains("mark the variable"), "{err}");
        let env = EnvironmentConfig {
            name: " qa".into(),
            variables: vec![Variable::plain("ok", "1"), Variable::plain("1bad", "2"), Variable::plain("ok", "3")],
            ..Default::default()
        };
        let fields: Vec<String> = env.validate().unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "variables[1].key", "variables[2].key"]);
    }
}
