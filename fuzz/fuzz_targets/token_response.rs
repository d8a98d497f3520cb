//! The token endpoint's answer (RFC 6749 §5.1 / §5.2, JSON or form-encoded) through
//! `latchkey_core::oauth::token_client::parse_token_response`.
//!
//! Input: a first line `STATUS CONTENT-TYPE`, then the body (any bytes). Besides "no panic",
//! it checks what the parser promises: a token only from a 2xx with a non-empty, trimmed
//! `access_token`; scopes normalised to single spaces; and the request's secrets never in an
//! error's text (raw, form-encoded or JSON-escaped spelling; no body is ever quoted).
#![no_main]

use latchkey_core::oauth::token_client::{parse_token_response, TokenCall, TokenErrorKind};
use libfuzzer_sys::fuzz_target;

/// What a refresh request carries: the refresh token (Google's start with `1//`) and a client
/// secret with characters that form-encoding changes. The seed corpus has bodies quoting them.
const REFRESH_TOKEN: &str = "1//0gLx-r3fr3sh_T0ken";
const CLIENT_SECRET: &str = "GOCSPX-s&cret:/+ x";
const SECRETS: [&str; 2] = [REFRESH_TOKEN, CLIENT_SECRET];

const CALLS: [TokenCall; 5] = [
    TokenCall::AuthorizationCode,
    TokenCall::Refresh,
    TokenCall::ClientCredentials,
    TokenCall::Password,
    TokenCall::Revocation,
];

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

fn assert_no_secret(what: &str, text: &str) {
    for secret in SECRETS {
        for spelling in spellings(secret) {
            assert!(!text.contains(&spelling), "{what} leaks a request secret ({spelling:?}): {text:?}");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let (status, content_type, body) = split_input(data);
    match parse_token_response(TokenCall::Refresh, status, &content_type, body, &SECRETS) {
        Ok(token) => {
            assert!((200..300).contains(&status), "a token from HTTP {status}");
            let access = token.access_token.expose();
            assert!(!access.is_empty() && access.trim() == access, "access_token {access:?}");
            assert_eq!(token.token_type.trim(), token.token_type);
            if let Some(refresh) = &token.refresh_token {
                assert!(!refresh.expose().is_empty());
            }
            if let Some(scope) = &token.scope {
                assert!(!scope.is_empty(), "an empty scope is no scope");
                assert!(scope.split(' ').all(|s| !s.is_empty() && !s.contains(',')), "scope {scope:?}");
            }
            for now in [0, 1_700_000_000_000, i64::MAX, i64::MIN, -1] {
                for over in [None, Some(0), Some(3600), Some(u64::MAX)] {
                    let _ = latchkey_core::oauth::lifecycle::expires_at(&token, now, over);
                }
            }
        }
        Err(mut err) => {
            assert_eq!(err.status, status);
            if err.kind == TokenErrorKind::Provider && (200..300).contains(&status) {
                assert!(err.error.is_some(), "a 2xx is a provider error only with `error`");
            }
            assert_no_secret("error", err.error.as_deref().unwrap_or(""));
            assert_no_secret("error_description", err.description.as_deref().unwrap_or(""));
            assert_no_secret("error_uri", err.error_uri.as_deref().unwrap_or(""));
            assert_no_secret("content type", &err.content_type);
            for call in CALLS {
                err.call = call;
                assert_no_secret("message", &err.to_string());
                let _ = err.provider_error();
                let _ = err.is_invalid_grant();
            }
            let _ = latchkey_core::Error::from(err).to_string();
        }
    }
});
