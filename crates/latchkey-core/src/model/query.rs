//! Saved queries of a datasource, and the request a person sends through it: method, path
//! (or same-origin URL), headers, query parameters and a body.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{check_header_rows, check_param_rows, KeyValue};
use crate::FieldError;

/// What a person asks to send through a datasource.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct RequestSpec {
    /// `GET` when empty.
    pub method: String,
    /// A path joined to the datasource URL, or an absolute URL on the datasource's origin.
    pub path: String,
    pub headers: Vec<KeyValue>,
    pub query_params: Vec<KeyValue>,
    pub body: RequestBody,
}

/// A request body, tagged by `type`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum RequestBody {
    #[default]
    None,
    /// Sent as `application/json` unless a Content-Type header says otherwise.
    Json {
        text: String,
    },
    /// Text sent as is; `text/plain` unless `contentType` or a header says otherwise.
    Raw {
        text: String,
        #[serde(default)]
        content_type: String,
    },
    FormUrlencoded {
        fields: Vec<KeyValue>,
    },
    Multipart {
        parts: Vec<MultipartPart>,
    },
    /// The bytes of a file, streamed (e.g. a Dropbox upload).
    Binary {
        path: String,
        #[serde(default)]
        content_type: String,
    },
}

/// One part of a multipart/form-data body: a text value or a file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct MultipartPart {
    pub key: String,
    pub value: String,
    /// When set, the part is this file's content and `value` is ignored.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    pub content_type: String,
}

/// A named request kept with its datasource.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SavedQuery {
    pub id: String,
    pub datasource_id: super::DatasourceId,
    pub name: String,
    /// The folder it belongs to (`A/B` for a nested one), as imported; none for most.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub group: Option<String>,
    #[serde(flatten)]
    pub request: RequestSpec,
    #[ts(type = "number")]
    pub created_at: i64,
    #[ts(type = "number")]
    pub updated_at: i64,
}

impl RequestSpec {
    /// The method, upper-cased; `GET` when none was given.
    pub fn method_or_default(&self) -> String {
        let method = self.method.trim();
        if method.is_empty() {
            "GET".to_owned()
        } else {
            method.to_ascii_uppercase()
        }
    }

    /// Whether the method only reads (GET, HEAD, OPTIONS): what a production environment sends
    /// without asking first.
    pub fn is_safe_method(&self) -> bool {
        matches!(self.method_or_default().as_str(), "GET" | "HEAD" | "OPTIONS")
    }

    /// Checks the parts that do not depend on the datasource.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if reqwest::Method::from_bytes(self.method_or_default().as_bytes()).is_err() {
            errors.push(FieldError::new(
                "method",
                format!("`{}` is not an HTTP method: use GET, POST, PUT, PATCH, DELETE…", self.method),
            ));
        }
        check_header_rows(&self.headers, "headers", &mut errors);
        check_param_rows(&self.query_params, "queryParams", &mut errors);
        match &self.body {
            RequestBody::Json { text } => {
                if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
                    errors.push(FieldError::new(
                        "body.text",
                        format!(
                            "the JSON body is not valid JSON (line {}, column {}): fix it or choose the Raw body",
                            e.line(),
                            e.column()
                        ),
                    ));
                }
            }
            RequestBody::Multipart { parts } => {
                for (i, part) in parts.iter().enumerate() {
                    if part.key.trim().is_empty() {
                        errors.push(FieldError::new(format!("body.parts[{i}].key"), "a multipart part needs a name"));
                    }
                    if !part.content_type.is_empty() && !is_media_type(&part.content_type) {
                        errors.push(FieldError::new(
                            format!("body.parts[{i}].contentType"),
                            format!(
                                "`{}` is not a media type: write type/subtype (text/plain, image/png), or leave it \
                                 empty",
                                part.content_type
                            ),
                        ));
                    }
                }
            }
            RequestBody::Binary { path, .. } if path.trim().is_empty() => {
                errors.push(FieldError::new("body.path", "choose the file to send"));
            }
            _ => {}
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// Whether `text` is a media type a multipart part can be sent with: the same parse reqwest
/// applies when it writes the part.
fn is_media_type(text: &str) -> bool {
    reqwest::multipart::Part::text("").mime_str(text).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_json_bodies_name_the_body_field() {
        let spec = RequestSpec { body: RequestBody::Json { text: "{\"a\": }".into() }, ..Default::default() };
        let errors = spec.validate().unwrap_err();
        assert_eq!(errors[0].field, "body.text");
    }

    #[test]
    fn bodies_round_trip_in_camel_case() {
        let body: RequestBody =
            serde_json::from_str(r#"{"type":"formUrlencoded","fields":[{"key":"a","value":"1"}]}"#).unwrap();
        assert_eq!(body, RequestBody::FormUrlencoded { fields: vec![KeyValue::new("a", "1")] });
        let text =
            serde_json::to_string(&RequestBody::Binary { path: "/tmp/x".into(), content_type: String::new() }).unwrap();
        assert_eq!(text, r#"{"type":"binary","path":"/tmp/x","contentType":""}"#);
    }

    #[test]
    fn multipart_content_types_are_checked_under_their_part() {
        let part = |content_type: &str| MultipartPart {
            key: "file".into(),
            value: "x".into(),
            content_type: content_type.into(),
            ..Default::default()
        };
        let spec = RequestSpec {
            body: RequestBody::Multipart { parts: vec![part("text/plain"), part(""), part("not a type")] },
            ..Default::default()
        };
        let errors = spec.validate().unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].field, "body.parts[2].contentType");
        assert!(errors[0].message.contains("`not a type` is not a media type"), "{}", errors[0].message);
    }

    #[test]
    fn methods_are_checked() {
        let spec = RequestSpec { method: "GE T".into(), ..Default::default() };
        assert_eq!(spec.validate().unwrap_err()[0].field, "method");
        assert_eq!(RequestSpec::default().method_or_default(), "GET");
    }
}
