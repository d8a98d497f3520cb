//! Checks the `echo-server` binary: prints its base URL first, then serves
//! echo requests until killed. Test tooling only.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

#[test]
fn echo_server_binary_prints_url_and_serves() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_echo-server"))
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn echo-server");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let url = first.trim().to_owned();
    let addr = url.strip_prefix("http://").expect("http base URL");

    let mut stream = TcpStream::connect(addr).unwrap();
    stream.write_all(b"GET /bytes/10 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();

    assert!(raw.starts_with(b"HTTP/1.1 200 OK\r\n"), "{}", String::from_utf8_lossy(&raw));
    let expected: Vec<u8> = (0..10).map(latchkey_testkit::expected_bytes_byte).collect();
    assert!(raw.ends_with(&expected));
}
