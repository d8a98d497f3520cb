//! Import and export of datasources as JSON, in the shape the UI edits (DESIGN.md "Data
//! model"). Export leaves secret values out unless asked (a set slot is written as the
//! `{"set": true}` marker, so that re-importing one's own export keeps what is stored while the
//! secrets' destinations are unchanged); import reports malformed input by
//! line and column without echoing values (a mistyped secret must not end up in a message).

use serde_json::Value;

use crate::model::{Datasource, DatasourceConfig, Environment, EnvironmentConfig, VariableValue};
use crate::{Error, Result, SecretField};

/// Parses one datasource from JSON text.
///
/// # Errors
/// [`Error::Format`] saying where and what is wrong; values from the input are not repeated.
pub fn parse_datasource(text: &str) -> Result<DatasourceConfig> {
    parse(text, "a datasource")
}

/// Parses one environment (`{"name", "production", "variables": [{"key", "value", "secret"}]}`).
///
/// # Errors
/// As [`parse_datasource`].
pub fn parse_environment(text: &str) -> Result<EnvironmentConfig> {
    parse(text, "an environment")
}

fn parse<T: serde::de::DeserializeOwned>(text: &str, kind: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| {
        let what = match e.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                "the file is not valid JSON".to_owned()
            }
            serde_json::error::Category::Data => format!("the JSON is not {kind}"),
            serde_json::error::Category::Io => "the file could not be read".to_owned(),
        };
        Error::Format(format!("{what} (line {}, column {}): {}", e.line(), e.column(), without_values(&e.to_string())))
    })
}

/// The environment as a file, secret values as `view` says. No id: it belongs to the vault.
pub fn export_environment(environment: &Environment, view: SecretView) -> Value {
    let mut value = serde_json::to_value(&environment.config).expect("an environment always serializes");
    let Some(Value::Array(rows)) = value.get_mut("variables") else { return value };
    for (row, variable) in rows.iter_mut().zip(&environment.config.variables) {
        if let VariableValue::Secret(field) = &variable.value {
            show_secret(row, std::iter::once("value"), field, view, Absent::Null);
        }
    }
    value
}

/// Parses one datasource for import and, for OAuth 2.0 with an `issuer`, fills its empty
/// endpoints by discovery.
///
/// # Errors
/// As [`parse_datasource`] and [`crate::oauth::discovery::discover`].
pub async fn parse_for_import(text: &str, transport: &crate::http::Transport) -> Result<DatasourceConfig> {
    let mut config = parse_datasource(text)?;
    crate::oauth::discovery::fill_datasource_from_issuer(transport, &mut config).await?;
    Ok(config)
}

/// serde's messages quote offending values (`invalid type: string "…"`); keep the kind, drop
/// the value. Field and variant names (`unknown field `x``) are kept: they are not secrets.
///
/// The value is cut as a whole, not by matching its quotes: serde writes a string with `Debug`,
/// so an escaped `\"` inside it would end a naive quote early, and the value may itself contain
/// `, expected` or ` at line `.
pub(crate) fn without_values(message: &str) -> String {
    // serde_json appends the position last.
    let message = message.rsplit_once(" at line ").map_or(message, |(m, _)| m);
    if !(message.starts_with("invalid type")
        || message.starts_with("invalid value")
        || message.starts_with("invalid length"))
    {
        return message.to_owned();
    }
    // `KIND: WHAT "VALUE", expected EXPECTATION`: the expectation is the types' own text and
    // comes last; the value starts at its opening quote or backtick.
    let (head, tail) = message.rsplit_once(", expected").unwrap_or((message, ""));
    let head = head.split(['"', '`']).next().unwrap_or(head).trim_end();
    if tail.is_empty() {
        head.to_owned()
    } else {
        format!("{head}, expected{tail}")
    }
}

/// How secret slots appear in an exported or shown datasource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretView {
    /// Values left out, set slots as `{"set": true}`: the file can be shared, and importing it
    /// back keeps the stored values where their destinations are unchanged.
    Marker,
    /// `"<set>"` where a value is stored: for showing a datasource to a person.
    Mask,
    /// The values themselves (when loaded): a full backup.
    Reveal,
}

/// Shown instead of a stored secret by [`SecretView::Mask`].
pub const MASK: &str = "<set>";

/// The datasource as a file, with secret slots as `view` says (and, for one resolved in an
/// environment, its secret variables' values `<redacted>` unless `view` reveals). No ids or timestamps: those
/// belong to the store that imports it.
pub fn export_datasource(datasource: &Datasource, view: SecretView) -> Value {
    let mut value = serde_json::to_value(&datasource.config).expect("a datasource config always serializes");
    for (slot, field) in datasource.config.secret_slots() {
        show_secret(&mut value, slot.split('.'), field, view, Absent::Remove);
    }
    for (name, overrides) in &datasource.config.environments {
        for (slot, field) in overrides.secret_slots() {
            let path = ["environments", name.as_str()].into_iter().chain(slot.split('.'));
            // An override's field stays (as null): leaving it out would mean "as the base".
            show_secret(&mut value, path, field, view, Absent::Null);
        }
    }
    if datasource.config.environments.is_empty() {
        if let Value::Object(map) = &mut value {
            map.remove("environments");
        }
    }
    // Resolved in an environment, a text may hold a secret variable's value.
    if view != SecretView::Reveal && datasource.environment.is_some() {
        crate::http::Redaction::of(&datasource.redacted_values()).apply_json(&mut value);
    }
    value
}

/// What [`show_secret`] writes for a value it does not show.
#[derive(Clone, Copy)]
enum Absent {
    Remove,
    Null,
}

/// Writes the secret `field` at `path` in `value` as `view` says (or leaves it out as `absent`).
fn show_secret<'p>(
    value: &mut Value,
    path: impl Iterator<Item = &'p str>,
    field: &SecretField,
    view: SecretView,
    absent: Absent,
) {
    let mut path: Vec<&str> = path.collect();
    let last = path.pop().expect("slot names are not empty");
    let Some(Value::Object(parent)) = path.iter().try_fold(value, |v, key| v.get_mut(*key)) else {
        return;
    };
    match (view, field.value()) {
        (SecretView::Reveal, Some(secret)) => {
            parent.insert(last.to_owned(), Value::String(secret.expose().to_owned()));
        }
        (SecretView::Mask, _) if field.is_set() => {
            parent.insert(last.to_owned(), Value::String(MASK.to_owned()));
        }
        (SecretView::Marker, _) if field.is_set() => {
            parent.insert(last.to_owned(), serde_json::json!({ "set": true }));
        }
        _ => match absent {
            Absent::Remove => {
                parent.remove(last);
            }
            Absent::Null => {
                parent.insert(last.to_owned(), Value::Null);
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_do_not_repeat_values() {
        let err = parse_datasource(r#"{"name":"x","url":"https://a","auth":{"type":"bearer","token":12345678}}"#)
            .unwrap_err();
        assert!(!err.to_string().contains("12345678"), "{err}");
        assert!(err.to_string().contains("invalid type: integer"), "{err}");
        let err = parse_datasource(r#"{"name":"x","auth":{"type":"bearer","token":"a","extra":true}}"#).unwrap_err();
        assert!(err.to_string().contains("unknown field `extra`"), "{err}");
        let err = parse_datasource("{ not json").unwrap_err();
        assert!(err.to_string().starts_with("the file is not valid JSON (line 1"), "{err}");
    }

    #[test]
    fn export_leaves_secrets_out_unless_asked() {
        let config = parse_datasource(r#"{"name":"x","url":"https://a.example","signatureSecret":"sig-1","auth":{"type":"basic","username":"u","password":"pw-1"}}"#).unwrap();
        let datasource = Datasource::unsaved("ds_1", config);
        let without = export_datasource(&datasource, SecretView::Marker);
        assert_eq!(without["auth"]["password"], serde_json::json!({"set": true}), "a set slot is marked");
        assert!(!without.to_string().contains("pw-1") && !without.to_string().contains("sig-1"), "{without}");
        assert_eq!(without.get("selfSignedCertificate"), None, "an empty slot is left out");
        let masked = export_datasource(&datasource, SecretView::Mask);
        assert_eq!(masked["auth"]["password"], MASK);
        assert!(!masked.to_string().contains("pw-1"));
        let with = export_datasource(&datasource, SecretView::Reveal);
        assert_eq!(with["auth"]["password"], "pw-1");
        assert_eq!(with["signatureSecret"], "sig-1");
        assert_eq!(
            parse_datasource(&with.to_string()).unwrap(),
            datasource.config,
            "an export with secrets imports back the same"
        );
    }
}
