//! The device authorization endpoint's answer (RFC 8628 §3.2, or an RFC 6749 §5.2 error)
//! through `latchkey_core::oauth::device::parse_device_authorization`.
//!
//! Input: a first line `STATUS CONTENT-TYPE`, then the body (any bytes). Besides "no panic", it
//! checks what the parser promises: a code only from a 2xx with a non-empty `device_code`, a
//! `user_code` fit to show (no control characters, at most 64 characters) and an http(s)
//! verification page; an interval of 1 s to 1 h; and neither the request's client secret nor the
//! answer's `device_code` in an error's text (no body is ever quoted). The seeds carry
//! `DEVICE_CODE` and quote it in error answers.
#![no_main]

use latchkey_core::oauth::device::parse_device_authorization;
use latchkey_core::oauth::token_client::TokenErrorKind;
use libfuzzer_sys::fuzz_target;

/// A device code as Google issues them; the seed corpus has error answers carrying and quoting it.
const DEVICE_CODE: &str = "AH-1Ng3yRz0d3v1c3C0d3_Qx9k2LmN4pR7sT";
/// The client secret the request carried.
const CLIENT_SECRET: &str = "GOCSPX-s&cret:/+ x";

fn split_input(data: &[u8]) -> (u16, String, &[u8]) {
    let (head, body) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (&data[..0], data),
    };
    let head = String::from_utf8_lossy(head);
    let (status, content_type) = head.split_once(' ').unwrap_or((&head, ""));
    let status = status.trim().parse::<u16>().unwrap_or(200);
    (status, content_type.to_owned(), body)
}

/// Every spelling of `secret` that would let a reader recover it.
fn spellings(secret: &str) -> Vec<String> {
    let form: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    let json = secret.replace('/', "\\/");
    vec![secret.to_owned(), form, json]
}

/// The `device_code` member of a JSON body, when it is a long token-like string: one that no
/// fixed text of a message could contain by chance (messages have spaces between words).
fn long_device_code(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let code = value.get("device_code")?.as_str()?.trim().to_owned();
    (code.len() >= 24 && code.chars().all(|c| c.is_ascii_alphanumeric() || "-_.~".contains(c))).then_some(code)
}

fuzz_target!(|data: &[u8]| {
    let (status, content_type, body) = split_input(data);
    match parse_device_authorization(status, &content_type, body, &[CLIENT_SECRET]) {
        Ok(code) => {
            assert!((200..300).contains(&status), "a device code from HTTP {status}");
            assert!(!code.device_code.expose().is_empty());
            assert!(!code.user_code.is_empty() && code.user_code.chars().count() <= 64);
            assert!(!code.user_code.chars().any(char::is_control), "user_code {:?}", code.user_code);
            for page in std::iter::once(&code.verification_uri).chain(code.verification_uri_complete.as_ref()) {
                let url = url::Url::parse(page).expect("a verification page is a URL");
                assert!(matches!(url.scheme(), "http" | "https"), "{page}");
            }
            assert!((1..=3600).contains(&code.interval), "interval {}", code.interval);
            assert!(code.expires_in > 0);
            let _ = code.page_to_open();
            // Debug shows the other fields as they are; the device code only as `<redacted>`.
            let shown =
                format!("{:?} {:?} {:?}", code.user_code, code.verification_uri, code.verification_uri_complete);
            if code.device_code.expose() == DEVICE_CODE && !shown.contains(DEVICE_CODE) {
                assert!(!format!("{code:?}").contains(DEVICE_CODE), "Debug shows the device code");
            }
        }
        Err(err) => {
            assert_eq!(err.status, status);
            if err.kind == TokenErrorKind::Provider && (200..300).contains(&status) {
                assert!(err.error.is_some(), "a 2xx is a provider error only with `error`");
            }
            let text = format!(
                "{} | {} | {} | {} | {}",
                err,
                err.error.as_deref().unwrap_or(""),
                err.description.as_deref().unwrap_or(""),
                err.error_uri.as_deref().unwrap_or(""),
                err.content_type
            );
            // The answer's own device code is secret; a text that merely looks like one, in an
            // answer without a `device_code`, is not (fuzzing found that case: the parser cannot
            // know it, and nothing was issued).
            let mut secrets = vec![CLIENT_SECRET.to_owned()];
            secrets.extend(long_device_code(body));
            for secret in &secrets {
                for spelling in spellings(secret) {
                    assert!(!text.contains(&spelling), "an error leaks {spelling:?}: {text:?}");
                }
            }
            let _ = latchkey_core::Error::from(err).to_string();
        }
    }
});
