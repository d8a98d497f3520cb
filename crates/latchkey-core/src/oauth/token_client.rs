//! The token client: sends prepared token and revocation requests ([`super::token_request`])
//! without following redirects, retrying transient failures, and reads the answers
//! ([`super::token_response`], [`super::token_error`]). Deciding *when* to call is the
//! lifecycle's job. The request, response and error types are re-exported here.

use std::time::Duration;

pub use super::token_error::{scrub, AnswerField, ProviderErrorCode, TokenError, TokenErrorKind};
pub use super::token_request::{
    code_request, direct_grant_request, refresh_request, revocation_request, TokenCall, TokenRequest,
};
pub use super::token_response::{jwt_expiry, parse_token_response, TokenResponse, MAX_RESPONSE};
use crate::http::{ProxiedClient, Transport};
use crate::model::Datasource;
use crate::{Error, Result};

/// One answer of the endpoint (status, content type, body), or why none came.
type Answer = std::result::Result<(u16, String, Vec<u8>), TokenError>;

/// Whether an answer ends the attempts or is worth another try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// Any answer but a 5xx.
    Final,
    /// Connect errors, timeouts, 5xx.
    Transient,
}

fn classify(answer: &Answer) -> Verdict {
    match answer {
        Ok((status, ..)) if (500..600).contains(status) => Verdict::Transient,
        Err(err) if err.kind == TokenErrorKind::Unavailable => Verdict::Transient,
        _ => Verdict::Final,
    }
}

/// How token calls are retried and bounded.
#[derive(Debug, Clone)]
pub struct TokenClientOptions {
    pub timeout: Duration,
    /// Attempts in all for transient failures (connect errors, timeouts, 5xx).
    pub attempts: u32,
    /// Delay before the second attempt; doubled for each further one.
    pub backoff: Duration,
}

impl Default for TokenClientOptions {
    fn default() -> Self {
        TokenClientOptions { timeout: Duration::from_secs(30), attempts: 3, backoff: Duration::from_millis(500) }
    }
}

/// Sends token and revocation requests.
#[derive(Clone, Debug, Default)]
pub struct TokenClient {
    transport: Transport,
    options: TokenClientOptions,
}

impl TokenClient {
    pub fn new(transport: Transport, options: TokenClientOptions) -> Self {
        TokenClient { transport, options }
    }

    /// Sends `request` for `datasource` (whose pinned certificate, if any, is trusted) and reads
    /// the token response. Transient failures are retried with backoff; other answers are not.
    ///
    /// # Errors
    /// [`Error::Token`] as [`parse_token_response`] and for unreachable endpoints.
    pub async fn exchange(&self, datasource: &Datasource, request: &TokenRequest) -> Result<TokenResponse> {
        let (status, content_type, body) = self.send(datasource, request).await?;
        let secrets = request.secret_values();
        parse_token_response(request.call, status, &content_type, &body, &secrets).map_err(|mut err| {
            err.refresh_differs = request.refresh_differs;
            err.client_certificate = request.client_certificate;
            err.key_assertion = request.key_assertion.clone().map(Box::new);
            err.into()
        })
    }

    /// Sends an RFC 7009 revocation request; success is any 2xx (§2.2).
    ///
    /// # Errors
    /// [`Error::Token`] when the endpoint refuses or cannot be reached.
    pub async fn revoke(&self, datasource: &Datasource, request: &TokenRequest) -> Result<()> {
        let (status, content_type, body) = self.send(datasource, request).await?;
        if (200..300).contains(&status) {
            return Ok(());
        }
        let secrets = request.secret_values();
        match parse_token_response(request.call, status, &content_type, &body, &secrets) {
            Err(mut err) => {
                err.client_certificate = request.client_certificate;
                err.key_assertion = request.key_assertion.clone().map(Box::new);
                Err(err.into())
            }
            Ok(_) => Ok(()),
        }
    }

    /// Sends `request` as [`TokenClient::exchange`] does and hands back the answer as it came
    /// (status, content type, body), for endpoints whose answers are not token responses (RFC
    /// 8628 §3.1 device authorization).
    ///
    /// # Errors
    /// [`Error::Token`] for unreachable endpoints and redirects.
    pub async fn send(&self, datasource: &Datasource, request: &TokenRequest) -> Result<(u16, String, Vec<u8>)> {
        // Checked on save too; this holds for datasources stored before that check.
        if request.url.scheme() != "https" && !crate::http::tls::is_loopback(&request.url) {
            return Err(Error::field(
                request.url_field,
                format!(
                    "refused to send client credentials or tokens over plain http to {}: use https:// (RFC 6749 \
                     §3.2 requires TLS; http:// is accepted only for loopback hosts)",
                    request.url.host_str().unwrap_or_default()
                ),
            ));
        }
        let client = self.transport.token_client_for(datasource, request.url.scheme() == "https")?;
        let attempts = self.options.attempts.max(1);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let answer = self.send_once(&client, request).await;
            let verdict = classify(&answer);
            match (verdict, answer) {
                (Verdict::Transient, _) if attempt < attempts => {
                    tokio::time::sleep(self.options.backoff * 2u32.saturating_pow(attempt - 1)).await;
                }
                (Verdict::Transient, Ok((status, content_type, body))) if attempt > 1 => {
                    let secrets = request.secret_values();
                    let mut err = match parse_token_response(request.call, status, &content_type, &body, &secrets) {
                        Err(err) => err,
                        Ok(_) => TokenError::new(TokenErrorKind::Unavailable, request.call, status),
                    };
                    if err.error.is_none() {
                        err.kind = TokenErrorKind::Unavailable;
                    }
                    err.detail = format!("after {attempt} attempts").into();
                    return Err(err.into());
                }
                (_, Ok(answer)) => return Ok(answer),
                (_, Err(mut err)) => {
                    if attempt > 1 {
                        err.detail = format!("{} (after {attempt} attempts)", err.detail).into();
                    }
                    return Err(err.into());
                }
            }
        }
    }

    async fn send_once(
        &self,
        client: &ProxiedClient,
        request: &TokenRequest,
    ) -> std::result::Result<(u16, String, Vec<u8>), TokenError> {
        let unavailable = |detail: String| {
            let mut err = TokenError::new(TokenErrorKind::Unavailable, request.call, 0);
            err.detail = detail.into();
            err
        };
        let proxy_error = |err: Error| match err {
            Error::Proxy(message) => {
                let mut err = TokenError::new(TokenErrorKind::Proxy, request.call, 0);
                err.detail = message.into();
                err
            }
            other => unavailable(other.to_string()),
        };
        let mut builder = client
            .client
            .post(request.url.clone())
            .header(reqwest::header::ACCEPT, "application/json")
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .timeout(self.options.timeout)
            .body(request.body().as_bytes().to_vec());
        if let Some(value) = &request.authorization {
            let mut value = reqwest::header::HeaderValue::from_str(value)
                .map_err(|_| unavailable("the client id or secret cannot be sent in a header".into()))?;
            value.set_sensitive(true);
            builder = builder.header(reqwest::header::AUTHORIZATION, value);
        }
        let mut response = builder.send().await.map_err(|e| proxy_error(client.error(&request.url, e)))?;
        client.check_response(&request.url, &response).map_err(proxy_error)?;
        let status = response.status().as_u16();
        if response.status().is_redirection() {
            return Err(TokenError::new(TokenErrorKind::Redirected, request.call, status));
        }
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| unavailable(Error::from(e).to_string()))? {
            if body.len() + chunk.len() > MAX_RESPONSE {
                return Err(TokenError::new(TokenErrorKind::TooLarge, request.call, status));
            }
            body.extend_from_slice(&chunk);
        }
        Ok((status, content_type, body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_5xx_and_unreachable_endpoints_are_worth_another_try() {
        let answer = |status: u16| -> Answer { Ok((status, String::new(), Vec::new())) };
        assert_eq!(classify(&answer(503)), Verdict::Transient);
        assert_eq!(classify(&answer(500)), Verdict::Transient);
        for status in [200, 302, 400, 401, 404] {
            assert_eq!(classify(&answer(status)), Verdict::Final, "{status}");
        }
        let error = |kind| -> Answer { Err(TokenError::new(kind, TokenCall::Refresh, 0)) };
        assert_eq!(classify(&error(TokenErrorKind::Unavailable)), Verdict::Transient);
        assert_eq!(classify(&error(TokenErrorKind::TooLarge)), Verdict::Final);
        assert_eq!(classify(&error(TokenErrorKind::Redirected)), Verdict::Final);
    }
}
