//! Token responses: RFC 6749 §5.1 read leniently (JSON or form bodies, numbers as strings),
//! errors inside any status (§5.2) handed to the token error module. Which expiry a response
//! implies is the lifecycle's choice.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL;
use base64::Engine;
use serde_json::Value;

use super::token_error::{looks_like_html, scrub, ProviderErrorCode, TokenError, TokenErrorKind};
use super::token_request::TokenCall;
use crate::Secret;

/// Token responses larger than this are refused (a token is a few KiB at most).
pub const MAX_RESPONSE: usize = 1024 * 1024;
/// A successful token response (RFC 6749 §5.1), leniently read.
#[derive(Debug)]
pub struct TokenResponse {
    /// The HTTP status it came with.
    pub status: u16,
    pub access_token: Secret,
    /// As the provider wrote it (`Bearer`, `bearer`); empty when it named none.
    pub token_type: String,
    pub expires_in: Option<u64>,
    pub refresh_token: Option<Secret>,
    /// The OpenID Connect ID token (OIDC Core §3.1.3.3), when one came.
    pub id_token: Option<Secret>,
    pub scope: Option<String>,
}

/// The `exp` claim (seconds) of a JWT's payload, without checking the signature: only used to
/// guess an expiry the provider did not state.
pub fn jwt_expiry(token: &str) -> Option<i64> {
    let mut parts = token.split('.');
    let (_, payload, _, None) = (parts.next()?, parts.next()?, parts.next()?, parts.next()) else { return None };
    let bytes = BASE64URL.decode(payload.trim_end_matches('=')).ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("exp")?.as_f64().filter(|e| e.is_finite() && *e > 0.0).map(|e| e as i64)
}

/// Reads a token endpoint's answer. `secrets` are removed from the provider's words kept
/// ([`scrub`]); the body is never kept.
///
/// # Errors
/// A [`TokenError`] for RFC 6749 §5.2 errors (whatever the status: some providers answer 200
/// with `error`), answers that are not token responses, and successes without a token.
pub fn parse_token_response(
    call: TokenCall,
    status: u16,
    content_type: &str,
    body: &[u8],
    secrets: &[&str],
) -> std::result::Result<TokenResponse, TokenError> {
    let fields = parse_fields(content_type, body);
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let get = |key: &str| fields.as_ref().and_then(|f| f.get(key)).and_then(text).filter(|s| !s.is_empty());

    if let Some(error) = get("error") {
        let mut err = TokenError::new(TokenErrorKind::Provider, call, status).answered(content_type, body, secrets);
        err.error =
            Some(ProviderErrorCode::new(&scrub(&error, secrets).unwrap_or_else(|| crate::http::REDACTED.to_owned())));
        err.description = get("error_description").map(|d| {
            scrub(&d, secrets).unwrap_or_else(|| "not shown: it quoted a secret sent with the request".to_owned())
        });
        err.error_uri = get("error_uri").and_then(|uri| scrub(&uri, secrets)).map(String::into_boxed_str);
        return Err(err);
    }
    if !(200..300).contains(&status) {
        let kind = if fields.is_some() { TokenErrorKind::Provider } else { TokenErrorKind::NotATokenResponse };
        return Err(TokenError::new(kind, call, status).answered(content_type, body, secrets));
    }
    let Some(_) = fields else {
        return Err(TokenError::new(TokenErrorKind::NotATokenResponse, call, status).answered(
            content_type,
            body,
            secrets,
        ));
    };
    let Some(access_token) = get("access_token") else {
        return Err(TokenError::new(TokenErrorKind::MissingAccessToken, call, status));
    };
    let expires_in = get("expires_in").and_then(|s| s.parse::<f64>().ok()).filter(|s| s.is_finite() && *s >= 0.0);
    Ok(TokenResponse {
        status,
        access_token: Secret::new(access_token),
        token_type: get("token_type").unwrap_or_default(),
        expires_in: expires_in.map(|s| s as u64),
        refresh_token: get("refresh_token").map(Secret::new),
        id_token: get("id_token").map(Secret::new),
        scope: get("scope").map(|s| s.split([' ', ',']).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ")),
    })
}

/// The body as a flat map: a JSON object, or form-encoded pairs (GitHub without
/// `Accept: application/json`). `None` when it is neither.
pub(super) fn parse_fields(content_type: &str, body: &[u8]) -> Option<serde_json::Map<String, Value>> {
    let trimmed = String::from_utf8_lossy(body);
    let trimmed = trimmed.trim();
    if trimmed.starts_with('{') {
        return match serde_json::from_str::<Value>(trimmed) {
            Ok(Value::Object(map)) => Some(map),
            _ => None,
        };
    }
    let form = content_type.to_ascii_lowercase().contains("application/x-www-form-urlencoded")
        || (!trimmed.is_empty()
            && !looks_like_html(body)
            && trimmed
                .split('&')
                .all(|pair| pair.split_once('=').is_some_and(|(k, _)| !k.is_empty() && !k.contains(' '))));
    form.then(|| {
        url::form_urlencoded::parse(trimmed.as_bytes())
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(status: u16, content_type: &str, body: &str) -> std::result::Result<TokenResponse, TokenError> {
        parse_token_response(TokenCall::Refresh, status, content_type, body.as_bytes(), &["old-refresh"])
    }
    #[test]
    fn rfc6749_json_and_deviations_parse() {
        let t = parse(
            200,
            "application/json",
            r#"{"access_token":"a","token_type":"bearer","expires_in":"3600","refresh_token":"r","scope":"x y"}"#,
        )
        .unwrap();
        assert_eq!((t.access_token.expose(), t.token_type.as_str(), t.expires_in), ("a", "bearer", Some(3600)));
        assert_eq!(t.refresh_token.unwrap().expose(), "r");
        let t =
            parse(200, "application/x-www-form-urlencoded", "access_token=gho_1&scope=repo%2Cgist&token_type=bearer")
                .unwrap();
        assert_eq!(t.access_token.expose(), "gho_1");
        assert_eq!(t.scope.as_deref(), Some("repo gist"));
        assert!(t.refresh_token.is_none() && t.expires_in.is_none());
        let t = parse(200, "text/plain", "access_token=x&expires_in=60").unwrap();
        assert_eq!(t.expires_in, Some(60), "form bodies are recognised without the content type");
    }

    #[test]
    fn html_and_garbage_point_at_the_token_url() {
        let err = parse(404, "text/html", "<!DOCTYPE html><html><body>Not Found</body></html>").unwrap_err();
        assert_eq!(err.kind, TokenErrorKind::NotATokenResponse);
        let message = err.to_string();
        assert!(message.contains("HTML page") && message.contains("Access Token URL"), "{message}");
        let err = parse(200, "application/json", r#"{"access_token": "zq9-secret"#).unwrap_err();
        assert_eq!(err.kind, TokenErrorKind::NotATokenResponse);
        assert!(!err.to_string().contains("zq9-secret"), "a 2xx body is never quoted: {err}");
        let err = parse(200, "application/json", r#"{"token_type":"bearer"}"#).unwrap_err();
        assert_eq!(err.kind, TokenErrorKind::MissingAccessToken);
    }
}
