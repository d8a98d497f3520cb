//! A response as the request tester shows it: the head, a bounded text preview of the body (a
//! 50 MB answer must not reach the web view whole), an image preview, and ids to save the whole
//! body and to find the history entry.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use serde::Serialize;
use ts_rs::TS;

use super::{Response, ResponseBody, SentRequest, Timings};
use crate::model::KeyValue;
use crate::{Error, Result};

/// At most this much of a body is shown as text.
pub const TEXT_PREVIEW_LIMIT: usize = 1024 * 1024;
/// Images up to this size are previewed.
pub const IMAGE_PREVIEW_LIMIT: u64 = 5 * 1024 * 1024;

/// A response as the request tester shows it. Large bodies are cut to a preview; the whole
/// body stays with the app under `bodyId` for "Save to file".
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ResponseView {
    pub status: u16,
    pub reason: String,
    pub version: String,
    pub headers: Vec<KeyValue>,
    /// The `content-type` header, empty when absent.
    pub content_type: String,
    #[ts(type = "number")]
    pub size: u64,
    pub timings: Timings,
    pub sent: SentRequest,
    /// The body as UTF-8 text (lossy) up to the preview limit; `null` for images and other
    /// binary bodies.
    pub text: Option<String>,
    /// Whether `text` is only the first part of the body.
    pub truncated: bool,
    /// A `data:` URL for an image body small enough to preview.
    pub image_data_url: Option<String>,
    pub body_id: String,
    pub history_id: String,
}

impl ResponseView {
    /// The view of `response`, reading at most the preview limits of its body.
    ///
    /// # Errors
    /// [`Error::Io`] when a spilled body cannot be read.
    pub fn new(response: &Response, body_id: String, history_id: String) -> Result<ResponseView> {
        let content_type = response
            .headers
            .iter()
            .find(|h| h.key.eq_ignore_ascii_case("content-type"))
            .map(|h| h.value.clone())
            .unwrap_or_default();
        let mime = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        let image = mime.starts_with("image/");
        let (mut text, mut truncated, mut image_data_url) = (None, false, None);
        if image {
            if response.size <= IMAGE_PREVIEW_LIMIT {
                let bytes = head(&response.body, IMAGE_PREVIEW_LIMIT as usize)?;
                image_data_url = Some(format!("data:{mime};base64,{}", BASE64.encode(bytes)));
            }
        } else {
            let preview = head(&response.body, TEXT_PREVIEW_LIMIT)?;
            if !looks_binary(&mime, &preview) {
                truncated = response.size > preview.len() as u64;
                text = Some(String::from_utf8_lossy(&preview).into_owned());
            }
        }
        Ok(ResponseView {
            status: response.status,
            reason: response.reason.clone(),
            version: response.version.clone(),
            headers: response.headers.clone(),
            content_type,
            size: response.size,
            timings: response.timings,
            sent: response.sent.clone(),
            text,
            truncated,
            image_data_url,
            body_id,
            history_id,
        })
    }
}

impl ResponseBody {
    /// Copies the whole body to `path`.
    ///
    /// # Errors
    /// [`Error::Io`].
    pub fn save_to(&self, path: &std::path::Path) -> Result<()> {
        match self {
            ResponseBody::Memory(bytes) => std::fs::write(path, bytes),
            ResponseBody::File(file) => std::fs::copy(file.path(), path).map(|_| ()),
        }
        .map_err(|e| Error::io(path, e))
    }
}

/// The first `limit` bytes of a body, without reading a spilled body whole.
fn head(body: &ResponseBody, limit: usize) -> Result<Vec<u8>> {
    match body {
        ResponseBody::Memory(bytes) => Ok(bytes[..bytes.len().min(limit)].to_vec()),
        ResponseBody::File(file) => {
            use std::io::Read;
            let mut bytes = Vec::new();
            std::fs::File::open(file.path())
                .and_then(|f| f.take(limit as u64).read_to_end(&mut bytes))
                .map_err(|e| Error::io(file.path(), e))?;
            Ok(bytes)
        }
    }
}

/// Whether a body is not for showing as text: a binary media type, or NUL bytes early on.
fn looks_binary(mime: &str, preview: &[u8]) -> bool {
    let binary_type = matches!(mime, "application/octet-stream" | "application/pdf" | "application/zip")
        || mime.starts_with("audio/")
        || mime.starts_with("video/")
        || mime.starts_with("font/");
    binary_type || preview.iter().take(8192).any(|&b| b == 0)
}
