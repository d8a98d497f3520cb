//! Smoke test of the desktop app: the real binary starts on an X display, opens the core's store
//! in a temporary data dir, and shows its main window.
//!
//! Needs an X server: run the suite under `xvfb-run -a` (as the README's test command does). The
//! window is found with `xwininfo` from Debian's `x11-utils`. What the window shows is for the
//! WebDriver GUI tests; a dev build points at the Vite dev server, which is not running here.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

const STARTUP_LIMIT: Duration = Duration::from_secs(30);
const POLL_INTERVAL: Duration = Duration::from_millis(250);
const WINDOW_TITLE: &str = "Latchkey";

/// The app process; killed when dropped so a failing assertion leaves nothing running.
struct RunningApp {
    child: Child,
    stderr_path: PathBuf,
}

impl RunningApp {
    fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr_path).unwrap_or_default()
    }
}

impl Drop for RunningApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn top_level_window_exists(title: &str) -> bool {
    let output = Command::new("xwininfo")
        .args(["-root", "-tree"])
        .output()
        .expect("xwininfo could not be run: install Debian's x11-utils");
    assert!(output.status.success(), "xwininfo -root -tree failed: {}", String::from_utf8_lossy(&output.stderr));
    // Lines look like `     0x1c00003 "Latchkey": ("latchkey-desktop" "Latchkey")  1100x720+0+0  +0+0`.
    let needle = format!("\"{title}\":");
    String::from_utf8_lossy(&output.stdout).lines().any(|line| line.contains(&needle))
}

fn start_app(home: &Path, data_dir: &Path) -> RunningApp {
    let stderr_path = home.join("app-stderr.log");
    let stderr = File::create(&stderr_path).expect("create the file for the app's stderr");
    let child = Command::new(env!("CARGO_BIN_EXE_latchkey-desktop"))
        .env("LATCHKEY_DATA_DIR", data_dir)
        .env("LATCHKEY_KEYRING", "off")
        .env("XDG_DATA_HOME", home.join("xdg-data"))
        .env("XDG_CACHE_HOME", home.join("xdg-cache"))
        .env("XDG_CONFIG_HOME", home.join("xdg-config"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("start the latchkey-desktop binary");
    RunningApp { child, stderr_path }
}

#[test]
fn desktop_app_opens_the_store_and_its_window() {
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "DISPLAY is not set: this test starts the real desktop app and needs an X server; \
         run the tests under `xvfb-run -a cargo test --workspace` as the README says"
    );

    let home = tempfile::tempdir().expect("create a temp dir");
    let data_dir = home.path().join("data");
    let database = data_dir.join("latchkey.db");
    let mut app = start_app(home.path(), &data_dir);

    let started = Instant::now();
    let (mut store_opened, mut window_shown) = (false, false);
    while started.elapsed() < STARTUP_LIMIT && !(store_opened && window_shown) {
        if let Some(status) = app.child.try_wait().expect("poll the app process") {
            panic!("the desktop app exited ({status}) before it was up; its stderr:\n{}", app.stderr());
        }
        store_opened = store_opened || database.exists();
        window_shown = window_shown || top_level_window_exists(WINDOW_TITLE);
        sleep(POLL_INTERVAL);
    }

    assert!(
        store_opened,
        "after {STARTUP_LIMIT:?} there is no {} : the app did not open the core's store in \
         $LATCHKEY_DATA_DIR; its stderr:\n{}",
        database.display(),
        app.stderr()
    );
    assert!(
        window_shown,
        "after {STARTUP_LIMIT:?} no X window titled {WINDOW_TITLE:?} exists: the main window did \
         not open; its stderr:\n{}",
        app.stderr()
    );
    assert!(
        app.child.try_wait().expect("poll the app process").is_none(),
        "the desktop app exited right after showing its window; its stderr:\n{}",
        app.stderr()
    );
}
