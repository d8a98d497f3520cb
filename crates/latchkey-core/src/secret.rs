//! `Secret`, the one type that holds a secret value in memory, and `SecretField`, how a
//! secret slot of a datasource is edited and shown without ever showing the value.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use ts_rs::TS;
use zeroize::Zeroize;

/// A secret string: redacted in `Debug`, never serialized, wiped from memory on drop.
/// Read it with [`Secret::expose`], a name chosen so that every read stands out in review.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// A secret slot of a datasource.
///
/// In JSON: a string sets the value; `{"set": true}` means "keep the value already stored";
/// absent or `null` means no value. It serializes only as `{"set": true}` (or is skipped when
/// empty), so the value cannot leave through serialization.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SecretField {
    #[default]
    Empty,
    /// A value exists in the vault but was not loaded.
    Stored,
    Value(Secret),
}

impl SecretField {
    pub fn is_empty(&self) -> bool {
        matches!(self, SecretField::Empty)
    }

    pub fn is_set(&self) -> bool {
        !self.is_empty()
    }

    /// The value, when it has been loaded from the vault or given as input.
    pub fn value(&self) -> Option<&Secret> {
        match self {
            SecretField::Value(secret) => Some(secret),
            _ => None,
        }
    }
}

impl From<&str> for SecretField {
    fn from(value: &str) -> Self {
        SecretField::Value(Secret::new(value))
    }
}

/// `{"set": true}`: the marker that stands in for a secret in everything that is shown.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SetMarker {
    set: bool,
}

impl Serialize for SecretField {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            SecretField::Empty => serializer.serialize_none(),
            _ => SetMarker { set: true }.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for SecretField {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SlotVisitor;

        impl<'de> serde::de::Visitor<'de> for SlotVisitor {
            type Value = SecretField;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(r#"a string, null, or {"set": true} to keep the stored value"#)
            }

            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<SecretField, E> {
                Ok(if value.is_empty() { SecretField::Empty } else { SecretField::Value(Secret::new(value)) })
            }

            fn visit_string<E: serde::de::Error>(self, value: String) -> Result<SecretField, E> {
                Ok(if value.is_empty() { SecretField::Empty } else { SecretField::Value(Secret(value)) })
            }

            fn visit_none<E: serde::de::Error>(self) -> Result<SecretField, E> {
                Ok(SecretField::Empty)
            }

            fn visit_unit<E: serde::de::Error>(self) -> Result<SecretField, E> {
                Ok(SecretField::Empty)
            }

            fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<SecretField, D::Error> {
                deserializer.deserialize_any(self)
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<SecretField, A::Error> {
                let marker = SetMarker::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(if marker.set { SecretField::Stored } else { SecretField::Empty })
            }
        }

        deserializer.deserialize_any(SlotVisitor)
    }
}

/// On the UI side a secret slot is written as a string and read back as `{ set: true }`.
impl TS for SecretField {
    type WithoutGenerics = Self;
    type OptionInnerType = Self;

    fn name(_: &ts_rs::Config) -> String {
        "SecretField".to_owned()
    }

    fn inline(_: &ts_rs::Config) -> String {
        "string | { set: boolean } | null".to_owned()
    }

    fn docs() -> Option<String> {
        Some("/**\n * A secret slot: write a string to set it; reads only say whether it is set.\n */\n".to_owned())
    }

    fn decl(cfg: &ts_rs::Config) -> String {
        format!("type SecretField = {};", Self::inline(cfg))
    }

    fn decl_concrete(cfg: &ts_rs::Config) -> String {
        Self::decl(cfg)
    }

    fn output_path() -> Option<std::path::PathBuf> {
        Some("SecretField.ts".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let secret = Secret::new("hunter2-marker");
        assert_eq!(format!("{secret:?}"), "<redacted>");
        let field = SecretField::Value(secret);
        assert!(!format!("{field:?}").contains("hunter2"), "SecretField's Debug must redact");
    }

    #[test]
    fn serializes_only_whether_it_is_set() {
        let json = serde_json::to_string(&SecretField::from("hunter2-marker")).unwrap();
        assert_eq!(json, r#"{"set":true}"#);
        assert_eq!(serde_json::to_string(&SecretField::Empty).unwrap(), "null");
    }

    #[test]
    fn reads_values_markers_and_nothing() {
        let parse = |s: &str| serde_json::from_str::<SecretField>(s).unwrap();
        assert_eq!(parse(r#""abc""#), SecretField::from("abc"));
        assert_eq!(parse(r#"{"set":true}"#), SecretField::Stored);
        assert_eq!(parse("null"), SecretField::Empty);
        assert_eq!(parse(r#""""#), SecretField::Empty, "an empty string is no secret");
        let err = serde_json::from_str::<SecretField>("1234").unwrap_err().to_string();
        assert!(err.contains(r#"expected a string, null, or {"set": true}"#), "{err}");
    }
}
