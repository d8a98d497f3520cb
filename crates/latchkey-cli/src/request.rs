//! `latchkey request NAME [METHOD] PATH …`: curl-like flags turned into a request spec, sent
//! through the core in the chosen environment; in a production environment a method that changes
//! things is confirmed first (`--yes`, or a question on the terminal).

use std::io::{BufRead, IsTerminal, Write};

use clap::Args;
use latchkey_core::http::{execute, SendOptions, Transport};
use latchkey_core::model::{Datasource, EnvironmentRef, KeyValue, MultipartPart, RequestBody, RequestSpec};
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
    #[command(flatten)]
    pub confirm: ConfirmFlags,
}

#[derive(Args)]
pub struct ConfirmFlags {
    /// Send without asking in a production environment (needed there for anything but GET, HEAD
    /// and OPTIONS when standard input is not a terminal).
    #[arg(short = 'y', long)]
    pub yes: bool,
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

pub async fn run(lifecycle: &TokenLifecycle, env: EnvironmentRef<'_>, args: RequestArgs) -> Outcome {
    let spec = args.flags.to_spec()?;
    send(lifecycle, &args.name, env, &spec, &args.format, &args.confirm).await
}

/// Sends `spec` through the datasource `name` as it is in environment `env`, its OAuth tokens
/// kept alive by `lifecycle`, and prints the response. In a production environment a method that
/// changes things goes only with `--yes` or the person's yes on the terminal.
pub async fn send(
    lifecycle: &TokenLifecycle,
    name: &str,
    env: EnvironmentRef<'_>,
    spec: &RequestSpec,
    format: &FormatFlags,
    confirm: &ConfirmFlags,
) -> Outcome {
    let datasource = lifecycle.store().datasource_in(name, env).await?;
    if datasource.needs_confirmation(spec) && !confirm.yes {
        confirm_production(&datasource, spec)?;
    }
    let response = execute(&Transport::new(), &datasource, spec, lifecycle, &SendOptions::default()).await?;
    output::response(
        &response,
        &ResponseFormat { include_head: format.include, json: format.json, fail_on_error_status: format.fail },
    )
}

/// Asks on the terminal whether to send `spec` through a datasource of a production environment;
/// without a terminal the answer is a usage error saying to add `--yes`.
fn confirm_production(datasource: &Datasource, spec: &RequestSpec) -> Result<(), Failure> {
    let method = spec.method_or_default();
    let target = shown_target(&datasource.config.url, &spec.path);
    let env = datasource.environment.as_ref().map_or("default", |e| e.name.as_str());
    let place = if env.eq_ignore_ascii_case("production") {
        "production".to_owned()
    } else {
        format!("`{env}` (a production environment)")
    };
    if !std::io::stdin().is_terminal() {
        return Err(Failure::usage(format!(
            "not sent: {method} to {target} in {place} must be confirmed, and standard input is not a \
             terminal to ask on: add --yes to send it"
        )));
    }
    eprint!("Send {method} to {target} in {place}? [y/N] ");
    std::io::stderr().flush().ok();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Failure { code: 1, message: format!("standard input: {e}") })?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(Failure { code: 1, message: format!("not sent: {method} to {target} was not confirmed") })
    }
}

/// Where a request goes, for a person to read: the path joined to the base URL, without any
/// query (where a credential may be).
fn shown_target(base: &str, path: &str) -> String {
    let path = path.trim().split(['?', '#']).next().unwrap_or_default();
    if path.starts_with("https://") || path.starts_with("http://") {
        return path.to_owned();
    }
    let base = base.trim().split(['?', '#']).next().unwrap_or_default();
    match path.trim_start_matches('/') {
        "" => base.to_owned(),
        rest => format!("{}/{rest}", base.trim_end_matches('/')),
    }
}

#[cfg(test)]
mod tests {
    use super::shown_target;

    #[test]
    fn the_target_shown_has_no_query() {
        assert_eq!(shown_target("https://api.example.com/v1/?key=k", "/items?x=1"), "https://api.example.com/v1/items");
        assert_eq!(shown_target("https://api.example.com", ""), "https://api.example.com");
        assert_eq!(shown_target("https://api.example.com", "https://api.example.com/a?b"), "https://api.example.com/a");
    }
}
