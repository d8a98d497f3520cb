//! Reading a JSON or YAML document into a [`Value`] while leaving out what an importer never
//! reads: a description of a thousand operations is mostly response bodies and schemas, and a
//! full tree of it takes ten times the file in memory. A [`Rule`] says, from the keys that lead
//! to a member, whether to keep it, skip it, or keep only some of its members.

use serde::de::{self, DeserializeSeed, EnumAccess, IgnoredAny, MapAccess, SeqAccess, VariantAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::Source;
use crate::{Error, Result};

/// What to do with one member of an object.
pub(crate) enum Part {
    Keep,
    Skip,
    /// Keep the member, and of its own members (when it is an object) only these.
    Only(&'static [&'static str]),
}

/// Decides on the member `key` of the object that `path` (the keys from the root; `[]` for an
/// array's element) leads to.
pub(crate) type Rule = fn(path: &[String], key: &str) -> Part;

/// Keeps every member (for a reader that needs the whole document).
pub(crate) fn everything(_: &[String], _: &str) -> Part {
    Part::Keep
}

/// The input read as JSON, else as YAML, with `rule`.
///
/// # Errors
/// [`Error::Format`] naming the file (and the YAML line) when it is neither.
pub(crate) fn document(source: Source<'_>, rule: Rule) -> Result<Value> {
    if let Ok(value) = json(source.text, rule) {
        return Ok(value);
    }
    yaml(source.text, rule).map_err(|e| {
        let at = e.location().map(|l| format!(" at line {}", l.line())).unwrap_or_default();
        Error::Format(format!("{}: not JSON nor YAML{at}: fix the syntax there", source.name))
    })
}

/// The JSON text read with `rule`.
///
/// # Errors
/// `serde_json`'s, for text that is not JSON.
pub(crate) fn json(text: &str, rule: Rule) -> serde_json::Result<Value> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = Node { rule, path: &mut Vec::new(), only: None }.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// The YAML text read with `rule` (keys that are numbers or booleans become their text; tags
/// are dropped, their values kept).
///
/// # Errors
/// `serde_yaml_ng`'s, for text that is not YAML.
pub(crate) fn yaml(text: &str, rule: Rule) -> std::result::Result<Value, serde_yaml_ng::Error> {
    Node { rule, path: &mut Vec::new(), only: None }.deserialize(serde_yaml_ng::Deserializer::from_str(text))
}

struct Node<'p> {
    rule: Rule,
    path: &'p mut Vec<String>,
    only: Option<&'static [&'static str]>,
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON or YAML value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_newtype_struct<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        self.path.push(String::new());
        while let Some(item) = seq.next_element_seed(Node { rule: self.rule, path: &mut *self.path, only: None })? {
            items.push(item);
        }
        self.path.pop();
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key_seed(Key)? {
            let part = match self.only {
                Some(only) if !only.contains(&key.as_str()) => Part::Skip,
                _ => (self.rule)(self.path, &key),
            };
            let only = match part {
                Part::Skip => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
                Part::Keep => None,
                Part::Only(members) => Some(members),
            };
            self.path.push(key);
            let value = map.next_value_seed(Node { rule: self.rule, path: &mut *self.path, only })?;
            let key = self.path.pop().expect("pushed above");
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }

    /// A YAML tag (`!Ref x`): its value.
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        let (_, variant): (IgnoredAny, _) = data.variant()?;
        variant.newtype_variant_seed(self)
    }
}

/// An object's key as text, whatever scalar it is in YAML.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = String;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl Visitor<'_> for Key {
    type Value = String;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_bool<E>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i64<E>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_f64<E>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_unit<E>(self) -> Result<String, E> {
        Ok("null".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(path: &[String], key: &str) -> Part {
        match (path, key) {
            (_, "skip") => Part::Skip,
            ([], "head") => Part::Only(&["example"]),
            _ => Part::Keep,
        }
    }

    #[test]
    fn members_are_kept_skipped_or_kept_in_part_in_json_and_yaml() {
        let json_text =
            r#"{"a": [1, {"skip": {"big": [1,2,3]}, "b": 2.5}], "head": {"example": {"x": 1}, "type": "object"}}"#;
        let want = serde_json::json!({"a": [1, {"b": 2.5}], "head": {"example": {"x": 1}}});
        assert_eq!(json(json_text, rule).unwrap(), want);
        let yaml_text = "a:\n  - 1\n  - skip: {big: [1, 2, 3]}\n    b: 2.5\nhead:\n  example: {x: 1}\n  type: object\n";
        assert_eq!(yaml(yaml_text, rule).unwrap(), want);
        let keys = yaml("200: ok\ntrue: yes\n~: n\nt: !Tag v\n", rule).unwrap();
        assert_eq!(keys, serde_json::json!({"200": "ok", "true": "yes", "null": "n", "t": "v"}));
        assert!(json("{\"a\": 1} trailing", rule).is_err());
    }
}
