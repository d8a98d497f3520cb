//! "Copy as cURL": a prepared request as a curl command line, secrets redacted unless the
//! person asks for them. The command with secrets is a [`Secret`]: the desktop app puts it on
//! the clipboard itself and never hands it to the page.

use super::{PreparedBody, PreparedRequest};
use crate::Secret;

impl PreparedRequest {
    /// A `curl` command that sends this request, every credential and secret variable value
    /// reading `<redacted>` as in [`PreparedRequest::redacted`]: safe to show.
    pub fn curl_command(&self) -> String {
        self.curl_words(false)
    }

    /// The `curl` command with the credentials (and secret variable values) themselves, ready to
    /// paste into a shell.
    pub fn curl_command_with_secrets(&self) -> Secret {
        Secret::new(self.curl_words(true))
    }

    fn curl_words(&self, reveal_secrets: bool) -> String {
        let shown = self.redacted();
        let redaction = self.redaction();
        let text = |text: &str| if reveal_secrets { text.to_owned() } else { redaction.apply(text).into_owned() };
        let url = if reveal_secrets { self.url.to_string() } else { shown.url.clone() };
        let mut words = vec!["curl".to_owned()];
        if self.method != reqwest::Method::GET {
            words.push("-X".to_owned());
            words.push(self.method.to_string());
        }
        words.push(quote(&url));
        for (i, (name, value)) in self.headers.iter().enumerate() {
            let value = if reveal_secrets {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            } else {
                shown.headers[i].value.clone()
            };
            words.push("-H".to_owned());
            words.push(quote(&format!("{name}: {value}")));
        }
        match &self.body {
            PreparedBody::Empty => {}
            PreparedBody::Bytes(bytes) => {
                words.push("--data-raw".to_owned());
                words.push(quote(&text(&String::from_utf8_lossy(bytes))));
            }
            PreparedBody::File(path) => {
                words.push("--data-binary".to_owned());
                words.push(quote(&text(&format!("@{}", path.display()))));
            }
            PreparedBody::Multipart(parts) => {
                for part in parts {
                    let mut field = match &part.file {
                        Some(file) => format!("{}=@{file}", part.key),
                        None => format!("{}={}", part.key, part.value),
                    };
                    if !part.content_type.is_empty() {
                        field.push_str(&format!(";type={}", part.content_type));
                    }
                    words.push("-F".to_owned());
                    words.push(quote(&text(&field)));
                }
            }
        }
        words.join(" ")
    }
}

/// POSIX shell single quoting.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use crate::model::{Datasource, KeyValue, RequestBody, RequestSpec};
    use crate::transfer::parse_datasource;
    use crate::Secret;

    fn datasource(json: &str) -> Datasource {
        Datasource::unsaved("ds_curl", parse_datasource(json).unwrap())
    }

    #[test]
    fn credentials_are_redacted_unless_revealed_and_quoting_survives_the_shell() {
        let ds = datasource(
            r#"{"name":"C","url":"https://api.example.com/v1","auth":{"type":"apiKey","key":"key","value":"k-SECRET","addTo":"query"},
                "headers":[{"key":"X-Team","value":"it's ours"}]}"#,
        );
        let spec = RequestSpec {
            method: "POST".into(),
            path: "/items".into(),
            body: RequestBody::Json { text: r#"{"a":"b'c"}"#.into() },
            headers: vec![KeyValue::new("Accept", "application/json")],
            ..Default::default()
        };
        let prepared = crate::http::prepare(&ds, &spec, None, SystemTime::now()).unwrap();
        let hidden = prepared.curl_command();
        assert!(!hidden.contains("k-SECRET"), "{hidden}");
        assert!(hidden.contains("key=<redacted>"), "{hidden}");
        assert!(hidden.starts_with("curl -X POST 'https://api.example.com/v1/items?key=<redacted>'"), "{hidden}");
        assert!(hidden.contains(r"-H 'x-team: it'\''s ours'"), "{hidden}");
        assert!(hidden.contains(r#"--data-raw '{"a":"b'\''c"}'"#), "{hidden}");
        let shown = prepared.curl_command_with_secrets();
        assert!(shown.expose().contains("key=k-SECRET"), "the command with secrets has the key");
        assert_eq!(format!("{shown:?}"), "<redacted>", "the command with secrets prints as redacted");

        let bearer = datasource(
            r#"{"name":"B","url":"https://api.example.com","auth":{"type":"oauth2","grantType":"client_credentials","accessTokenUrl":"https://id.example.com/t","clientId":"c"}}"#,
        );
        let prepared =
            crate::http::prepare(&bearer, &RequestSpec::default(), Some(&Secret::new("tok-123")), SystemTime::now())
                .unwrap();
        assert!(prepared.curl_command().contains("'authorization: <redacted>'"));
        assert!(prepared.curl_command_with_secrets().expose().contains("'authorization: Bearer tok-123'"));
        assert!(!prepared.curl_command().contains("tok-123"), "the redacted command has no token");
        assert!(!prepared.curl_command().contains("-X"), "GET needs no -X");
    }
}
