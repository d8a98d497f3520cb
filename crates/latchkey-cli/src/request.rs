//! `latchkey request NAME [METHOD] PATH …`: curl-like flags turned into a request spec, sent
//! through the core.

use clap::Args;
use latchkey_core::http::{execute, SendOptions, Transport};
use latchkey_core::model::{KeyValue, MultipartPart, RequestBody, RequestSpec};
use latchkey_core::oauth::TokenLifecycle;

use crate::output::{self, ResponseFormat};
use crate::{Failure, Outcome};

/// The methods a METHOD word may name; others go with `-X`.
const METHODS: [&str; 8] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"];

/// The flags that describe a request (shared with `query save`).
#[derive(Args, Clone)]
pub struct RequestFlags {
    /// [METHOD] PATH: METHOD is GET (the default; POST with a body), HEAD, POST, PUT, PATCH,
    /// DELETE, OPTIONS or TRACE; PATH is joined to the datasource URL (`/items` on
    /// `https://api.example.com/v1` is `https://api.example.com/v1/items`), or is an absolute URL on
    /// the datasource's own origin.
    #[arg(required = true, num_args = 1..=2, value_name = "[METHOD] PATH")]
    pub target: Vec<String>,
    /// A method of your own (e.g. PROPFIND), instead of a METHOD word.
    #[arg(short = 'X', long = "request", value_name = "METHOD")]
    pub method: Option<String>,
    /// A header, 'Name: value'; repeatable.
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// A query parameter, name=value; repeatable.
    #[arg(short = 'q', long = "query", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// A body: text, @FILE, or @- for standard input. JSON is sent as application/json,
    /// anything else as text/plain (a Content-Type header overrides both).
    #[arg(short = 'd', long = "data", value_name = "BODY", conflicts_with_all = ["data_binary", "form"])]
    pub data: Option<String>,
    /// The bytes of FILE as the body, streamed (application/octet-stream unless a header says otherwise).
    #[arg(long = "data-binary", value_name = "@FILE", conflicts_with = "form")]
    pub data_binary: Option<String>,
    /// A multipart/form-data part, name=value or name=@FILE; repeatable.
    #[arg(short = 'F', long = "form", value_name = "NAME=VALUE")]
    pub form: Vec<String>,
}

#[derive(Args)]
pub struct RequestArgs {
    /// The datasource's name.
    pub name: String,
    #[command(flatten)]
    pub flags: RequestFlags,
    #[command(flatten)]
    pub format: FormatFlags,
}

#[derive(Args)]
pub struct FormatFlags {
    /// Print the status line and headers before the body.
    #[arg(short = 'i', long = "include")]
    pub include: bool,
    /// Print one JSON object: status, headers, body (parsed when the answer is JSON, else a
    /// string), timings and the request as sent (credentials redacted).
    #[arg(long, conflicts_with = "include")]
    pub json: bool,
    /// Exit with 22 when the status is 400 or above.
    #[arg(short = 'f', long)]
    pub fail: bool,
}

impl RequestFlags {
    /// The request these flags describe.
    pub fn to_spec(&self) -> Result<RequestSpec, Failure> {
        let known = |word: &str| METHODS.iter().find(|m| m.eq_ignore_ascii_case(word)).map(|m| (*m).to_owned());
        let (method, path) = match (self.method.as_deref(), self.target.as_slice()) {
            (Some(custom), [path]) => (custom.to_owned(), path.clone()),
            (Some(_), _) => {
                return Err(Failure::usage("give the method either with -X or as a word before the path, not both"))
            }
            (None, [word]) if known(word).is_some() => {
                return Err(Failure::usage(format!(
                    "`{word}` is a method: give the path after it, e.g. `{word} /items`"
                )))
            }
            (None, [path]) => (String::new(), path.clone()),
            (None, [method, path]) => match known(method) {
                Some(method) => (method, path.clone()),
                None => {
                    return Err(Failure::usage(format!(
                        "`{method}` is not a method: use one of {}, or -X {method} for a method of your own",
                        METHODS.join(", ")
                    )))
                }
            },
            _ => return Err(Failure::usage("give [METHOD] PATH")),
        };
        let headers = self
            .headers
            .iter()
            .map(|h| {
                h.split_once(':')
                    .map(|(k, v)| KeyValue::new(k.trim(), v.trim()))
                    .ok_or_else(|| Failure::usage(format!("-H `{h}`: write headers as 'Name: value'")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let query_params = self
            .params
            .iter()
            .map(|q| q.split_once('=').map_or_else(|| KeyValue::new(q, ""), |(k, v)| KeyValue::new(k, v)))
            .collect();
        let body = if let Some(data) = &self.data {
            let text = match data.strip_prefix('@') {
                Some(file) => crate::datasource::read_input(&file.into())?,
                None => data.clone(),
            };
            if serde_json::from_str::<serde::de::IgnoredAny>(&text).is_ok() {
                RequestBody::Json { text }
            } else {
                RequestBody::Raw { text, content_type: String::new() }
            }
        } else if let Some(file) = &self.data_binary {
            let path = file.strip_prefix('@').unwrap_or(file).to_owned();
            RequestBody::Binary { path, content_type: String::new() }
        } else if !self.form.is_empty() {
            let parts = self
                .form
                .iter()
                .map(|f| {
                    let (key, value) = f
                        .split_once('=')
                        .ok_or_else(|| Failure::usage(format!("-F `{f}`: write parts as name=value or name=@FILE")))?;
                    Ok(match value.strip_prefix('@') {
                        Some(file) => MultipartPart { key: key.into(), file: Some(file.into()), ..Default::default() },
                        None => MultipartPart { key: key.into(), value: value.into(), ..Default::default() },
                    })
                })
                .collect::<Result<Vec<_>, Failure>>()?;
            RequestBody::Multipart { parts }
        } else {
            RequestBody::None
        };
        let method = if method.is_empty() && body != RequestBody::None { "POST".to_owned() } else { method };
        Ok(RequestSpec { method, path, headers, query_params, body })
    }
}

pub async fn run(lifecycle: &TokenLifecycle, args: RequestArgs) -> Outcome {
    let spec = args.flags.to_spec()?;
    send(lifecycle, &args.name, &spec, &args.format).await
}

/// Sends `spec` through the datasource `name`, its OAuth tokens kept alive by `lifecycle`,
/// and prints the response.
pub async fn send(lifecycle: &TokenLifecycle, name: &str, spec: &RequestSpec, format: &FormatFlags) -> Outcome {
    let datasource = lifecycle.store().datasource_with_secrets(name).await?;
    let response = execute(&Transport::new(), &datasource, spec, lifecycle, &SendOptions::default()).await?;
    output::response(
        &response,
        &ResponseFormat { include_head: format.include, json: format.json, fail_on_error_status: format.fail },
    )
}
