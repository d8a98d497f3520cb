//! Test-only parts for Latchkey: a loopback HTTP/1.1 (and HTTPS) echo server that records every
//! request (or answers through a handler of the test's own), self-signed certificates made with
//! the `openssl` binary, and OAuth providers: a real one (`oidc-provider`, see [`oidc`]) and a
//! quirky fake for what the real one never does; a real HTTP proxy (`tinyproxy`). Used by tests and benchmarks only; never shipped.

mod cert;
mod files;
pub mod oidc;
mod quirky_provider;
mod routes;
mod server;
#[cfg(test)]
mod tests;
pub mod tinyproxy;

pub use cert::{openssl_encrypt_pkcs8, openssl_self_signed, IssuedCert, SelfSignedCert, TestCa, Validity};
pub use files::files_under;
pub use oidc::{with_auth, OidcProvider};
pub use quirky_provider::{
    BrokenAnswer, ExpiresIn, Quirks, QuirkyProvider, RefreshTokenOnRefresh, ResponseFormat, Revocation,
    REFUSED_REFRESH_REASON,
};
pub use routes::{expected_bytes_byte, RecordedRequest};
pub use routes::{Handler, Reply};
pub use server::TestServer;
pub use tinyproxy::{Tinyproxy, TinyproxyOptions};
