//! The signature header: `X-Latchkey-Signature`, an HS256 JWT (RFC 7519, RFC 7515) signed with
//! the datasource's signature secret so the receiving API can tell the request came from
//! this datasource. Claims:
//!
//! | claim | value |
//! |---|---|
//! | `iss` | `"latchkey"` |
//! | `iat` | issue time, seconds since the epoch |
//! | `exp` | `iat` + 300 |
//! | `jti` | a random id, for replay detection |
//! | `htm` | the HTTP method (as in RFC 9449 §4.2) |
//! | `htu` | the target URL without query and fragment (as in RFC 9449 §4.2) |

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::Secret;

pub const SIGNATURE_HEADER: &str = "x-latchkey-signature";
/// How long a signature is valid, in seconds.
pub const SIGNATURE_LIFETIME: u64 = 300;

/// Signs the claims of one request.
pub fn sign(secret: &Secret, method: &str, url: &url::Url, issued_at: u64) -> String {
    let mut htu = url.clone();
    htu.set_query(None);
    htu.set_fragment(None);
    let jti: [u8; 12] = rand::random();
    let claims = serde_json::json!({
        "iss": "latchkey",
        "iat": issued_at,
        "exp": issued_at + SIGNATURE_LIFETIME,
        "jti": B64URL.encode(jti),
        "htm": method,
        "htu": htu.as_str(),
    });
    hs256(secret, &claims)
}

/// An HS256 JWT (RFC 7515 §3.1 compact form, RFC 7518 §3.2) of `claims` signed with `secret`:
/// the one signer of the signature header and of `client_secret_jwt` client assertions.
pub fn hs256(secret: &Secret, claims: &serde_json::Value) -> String {
    let signing_input =
        format!("{}.{}", B64URL.encode(br#"{"alg":"HS256","typ":"JWT"}"#), B64URL.encode(claims.to_string()));
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes()).expect("HMAC takes keys of any length");
    mac.update(signing_input.as_bytes());
    format!("{signing_input}.{}", B64URL.encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_verifies_and_names_the_request() {
        let url = url::Url::parse("https://api.example.com/v1/items?key=1").unwrap();
        let token = sign(&Secret::new("s3cret"), "POST", &url, 1_700_000_000);
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        let mut mac = Hmac::<Sha256>::new_from_slice(b"s3cret").unwrap();
        mac.update(format!("{}.{}", parts[0], parts[1]).as_bytes());
        mac.verify_slice(&B64URL.decode(parts[2]).unwrap()).expect("HS256 over header.claims with the secret");
        let claims: serde_json::Value = serde_json::from_slice(&B64URL.decode(parts[1]).unwrap()).unwrap();
        assert_eq!(claims["htm"], "POST");
        assert_eq!(claims["htu"], "https://api.example.com/v1/items", "query strings stay out of the claims");
        assert_eq!(claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(), SIGNATURE_LIFETIME);
    }
}
