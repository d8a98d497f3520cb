//! Inputs found by fuzzing (fuzz/, cargo-fuzz) that broke a promise of the parsers, kept as
//! tests. Each names the fuzz target that found it.

use latchkey_core::oauth::token_client::{parse_token_response, TokenCall, TokenError};
use latchkey_core::transfer::parse_datasource;

/// The secrets the `token_response` target's refresh request carries.
const REFRESH_TOKEN: &str = "1//0gLx-r3fr3sh_T0ken";
const CLIENT_SECRET: &str = "GOCSPX-s&cret:/+ x";

fn refused(status: u16, content_type: &str, body: &str) -> TokenError {
    parse_token_response(TokenCall::Refresh, status, content_type, body.as_bytes(), &[REFRESH_TOKEN, CLIENT_SECRET])
        .expect_err("not a token response")
}

fn assert_hidden(err: &TokenError, spellings: &[&str]) {
    let message = err.to_string();
    let description = err.description.as_deref().unwrap_or("");
    for spelling in spellings {
        assert!(!description.contains(spelling), "{spelling:?} in the description: {description:?}");
        assert!(!message.contains(spelling), "{spelling:?} in the message: {message}");
    }
}

/// token_response, crash-fd63779314c0d750d778c43d7f0aad6d8a0e72fe (an error page quoting the
/// refresh token as a JSON string with `/` escaped, as PHP's json_encode writes it).
#[test]
fn token_error_excerpt_hides_json_escaped_secrets() {
    let err =
        refused(404, "text/html", "<!DOCTYPE html><html><title>Not Foun/1\\/\\/0gLx-r3fr3sh_T0kend</title></html>");
    assert_hidden(&err, &["1\\/\\/0gLx-r3fr3sh_T0ken", "0gLx-r3fr3sh", "Not Foun"]);
    assert!(
        err.to_string().contains("an HTML page that is not a token response (text/html, "),
        "the page is described, not quoted: {err}"
    );

    let err = refused(
        401,
        "application/json",
        r#"{"message":"client GOCSPX-s&cret:\/+ x refused for 1\/\/0gLx-r3fr3sh_T0ken"}"#,
    );
    assert_hidden(&err, &["GOCSPX-s&cret:\\/+ x", "1\\/\\/0gLx-r3fr3sh_T0ken", "0gLx-r3fr3sh", "s&cret"]);
    // serde_json's own spelling (no `\/`) with an escaped quote.
    let err = parse_token_response(
        TokenCall::Password,
        400,
        "application/json",
        br#"{"detail":"password pa\"ss/w0rd rejected"}"#,
        &["pa\"ss/w0rd"],
    )
    .unwrap_err();
    assert!(!err.to_string().contains(r#"pa\"ss/w0rd"#), "{err}");
}

/// token_response: a secret with a space, split by a line break in the body, came back whole
/// in the message, which shows line breaks as spaces.
#[test]
fn token_error_message_hides_secrets_split_by_line_breaks() {
    let err = refused(400, "text/plain", "bad client\nGOCSPX-s&cret:/+\nx\r\n");
    assert_hidden(&err, &[CLIENT_SECRET]);
}

/// token_response: a secret straddling the end of the 512-byte excerpt was cut before it was
/// scrubbed, so all but its last bytes were shown.
#[test]
fn token_error_excerpt_hides_a_secret_cut_at_its_end() {
    for pad in 490..512 {
        let body = format!("{}{REFRESH_TOKEN} is not valid", "x".repeat(pad));
        let err = refused(400, "text/plain", &body);
        assert_hidden(&err, &[&REFRESH_TOKEN[..REFRESH_TOKEN.len() - 1], "1//0gLx-r3f"]);
        assert!(err.to_string().contains(&format!("{} bytes", body.len())), "{err}");
    }
}

fn import_error(text: &str) -> String {
    parse_datasource(text).expect_err("not a datasource").to_string()
}

/// datasource, crash-8b9c4721e70d022c4520e08e8025ce62d1855955 (a file that is one JSON string
/// of backslashes, a quote, then text): serde writes a string value with `Debug`, so an escaped
/// quote in it ended the quote early and the rest of the value was repeated in the import error.
#[test]
fn import_errors_do_not_repeat_values_with_quotes() {
    let message = import_error(r#""\\\\\\!\"{ WWW SECRET-T-pkey, eWWW.com/1""#);
    assert!(!message.contains("SECRET") && !message.contains("WWW"), "{message}");
    assert!(message.contains("invalid type: string, expected struct DatasourceConfig"), "{message}");
    let message = import_error(r#"{"name":"x","url":"https://a","auth":{"type":"oauth2","pkce":"a\"SECRET-1"}}"#);
    assert!(!message.contains("SECRET"), "{message}");
    assert!(message.contains("invalid type: string, expected a boolean"), "{message}");
}

/// datasource: a value containing `, expected` or ` at line ` was taken for the end of serde's
/// message, and what followed was repeated.
#[test]
fn import_errors_do_not_repeat_values_that_look_like_the_message() {
    for value in ["a, expected SECRET-2", "a at line 3 SECRET-3", "x, expected SECRET-4 at line 1"] {
        let json = serde_json::json!({ "name": "x", "auth": { "type": "bearer", "token": { "set": value } } });
        let message = import_error(&json.to_string());
        assert!(!message.contains("SECRET"), "{value:?}: {message}");
        assert!(message.contains("invalid type: string, expected a boolean"), "{message}");
    }
    let message = import_error(r#"{"name":"x","auth":{"type":"oauth2","loopbackPort":70000}}"#);
    assert!(message.contains("invalid value: integer, expected u16") && !message.contains("70000"), "{message}");
}
