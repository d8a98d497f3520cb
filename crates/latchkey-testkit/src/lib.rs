//! Test-only parts for Latchkey: a loopback HTTP/1.1 (and HTTPS) echo server that records every
//! request (or answers through a handler of its own), self-signed certificates made with
//! the `openssl` binary, and a real OAuth provider (`oidc-provider`, see
//! [`oidc`]). Used by tests and benchmarks only; never shipped.

mod cert;
pub mod oidc;
mod routes;
mod server;
#[cfg(test)]
mod tests;

pub use cert::{openssl_self_signed, SelfSignedCert};
pub use oidc::OidcProvider;
pub use routes::{expected_bytes_byte, RecordedRequest};
pub use server::TestServer;
