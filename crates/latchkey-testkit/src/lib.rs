//! Test-only parts for Latchkey: a loopback HTTP/1.1 (and HTTPS) echo server
//! that records every request, and self-signed certificates made with the
//! `openssl` binary. Used by tests and benchmarks only; never shipped.

mod cert;
mod routes;
mod server;
#[cfg(test)]
mod tests;

pub use cert::{openssl_self_signed, SelfSignedCert};
pub use routes::{expected_bytes_byte, RecordedRequest};
pub use server::TestServer;
