//! `echo-server [--port N]`: runs the test echo server (see `latchkey-testkit`)
//! until killed, printing its base URL as the first line of stdout. Used by
//! benchmark scripts; test tooling only, never shipped.

use std::io::Write;

fn main() {
    let mut port: u16 = 0;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = match arg.as_str() {
            "--port" => args.next(),
            "-h" | "--help" => {
                println!("usage: echo-server [--port N]   (N = 0 picks a free port)");
                return;
            }
            other => other.strip_prefix("--port=").map(str::to_owned),
        };
        port = match value.as_deref().map(str::parse) {
            Some(Ok(p)) => p,
            _ => {
                eprintln!("echo-server: bad argument {arg:?} {value:?}; usage: echo-server [--port N]");
                std::process::exit(2);
            }
        };
    }
    let server = latchkey_testkit::TestServer::bind_http(port).unwrap_or_else(|e| {
        eprintln!("echo-server: cannot listen on 127.0.0.1:{port}: {e}");
        std::process::exit(1);
    });
    server.set_recording(false);
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", server.base_url());
    let _ = out.flush();
    drop(out);
    loop {
        std::thread::park();
    }
}
