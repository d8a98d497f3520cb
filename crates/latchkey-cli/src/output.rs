//! Printing: JSON to stdout, response heads and bodies like curl.

use std::io::Write;
use std::process::ExitCode;

use base64::Engine;
use latchkey_core::http::{Response, ResponseBody};

use crate::{Failure, Outcome};

pub fn json(value: &impl serde::Serialize) -> Outcome {
    let text = serde_json::to_string_pretty(value).expect("output values serialize");
    println!("{text}");
    Ok(ExitCode::SUCCESS)
}

/// Prints `items` as JSON with `--json`, else as aligned columns (or `empty` on stderr). Empty
/// cells at the end of a row are left out.
pub fn listing<T: serde::Serialize, const N: usize>(
    items: &[T],
    json_output: bool,
    empty: &str,
    columns: impl Fn(&T) -> [String; N],
) -> Outcome {
    if json_output {
        return json(&items);
    }
    if items.is_empty() {
        eprintln!("{empty}");
    }
    let rows: Vec<[String; N]> = items.iter().map(columns).collect();
    let widths: Vec<usize> = (0..N).map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0)).collect();
    for row in &rows {
        let used = row.iter().rposition(|cell| !cell.is_empty()).map_or(0, |last| last + 1);
        let cells: Vec<String> = row[..used]
            .iter()
            .enumerate()
            .map(|(i, cell)| if i + 1 == used { cell.clone() } else { format!("{cell:w$}", w = widths[i]) })
            .collect();
        println!("{}", cells.join("  "));
    }
    Ok(ExitCode::SUCCESS)
}

fn io_failure(e: std::io::Error) -> Failure {
    Failure { code: 1, message: format!("cannot write the response: {e}") }
}

/// How a response is printed.
pub struct ResponseFormat {
    pub include_head: bool,
    pub json: bool,
    pub fail_on_error_status: bool,
}

/// Prints `response` as asked; with `fail_on_error_status`, a status of 400 or above exits 22
/// (as `curl --fail` does).
pub fn response(response: &Response, format: &ResponseFormat) -> Outcome {
    let mut stdout = std::io::stdout().lock();
    if format.json {
        let bytes = response.body.to_vec().map_err(Failure::from)?;
        let is_json = response.headers.iter().any(|h| {
            h.key.eq_ignore_ascii_case("content-type") && {
                let media = h.value.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
                media == "application/json" || media.ends_with("+json")
            }
        });
        // A JSON answer comes as JSON, so `jq .body.items` works; other text as a string.
        let parsed = is_json.then(|| serde_json::from_slice::<serde_json::Value>(&bytes).ok()).flatten();
        let (body, encoding) = match (parsed, String::from_utf8(bytes)) {
            (Some(value), _) => (value, "json"),
            (None, Ok(text)) => (serde_json::Value::String(text), "utf8"),
            (None, Err(e)) => {
                (serde_json::Value::String(base64::engine::general_purpose::STANDARD.encode(e.as_bytes())), "base64")
            }
        };
        let sent = serde_json::to_value(&response.sent).expect("a sent request serializes");
        let value = serde_json::json!({
            "status": response.status,
            "reason": response.reason,
            "headers": response.headers,
            "body": body,
            "bodyEncoding": encoding,
            "size": response.size,
            "timings": response.timings,
            "request": sent,
        });
        writeln!(stdout, "{}", serde_json::to_string_pretty(&value).expect("serializes")).map_err(io_failure)?;
    } else {
        if format.include_head {
            let version = response.version.trim_start_matches("HTTP/");
            write!(stdout, "HTTP/{version} {} {}\r\n", response.status, response.reason).map_err(io_failure)?;
            for header in &response.headers {
                write!(stdout, "{}: {}\r\n", header.key, header.value).map_err(io_failure)?;
            }
            write!(stdout, "\r\n").map_err(io_failure)?;
        }
        match &response.body {
            ResponseBody::Memory(bytes) => stdout.write_all(bytes).map_err(io_failure)?,
            ResponseBody::File(file) => {
                let mut source = std::fs::File::open(file.path()).map_err(io_failure)?;
                std::io::copy(&mut source, &mut stdout).map_err(io_failure)?;
            }
        }
    }
    stdout.flush().map_err(io_failure)?;
    if format.fail_on_error_status && response.status >= 400 {
        return Ok(ExitCode::from(22));
    }
    Ok(ExitCode::SUCCESS)
}
