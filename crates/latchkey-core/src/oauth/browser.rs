//! The system browser for the authorization-code flow, shared by the desktop app and the
//! command line: `$BROWSER` when set (as `sensible-browser`, `xdg-open` and Python's
//! `webbrowser` read it), else the platform's URL opener.

use std::io;
use std::process::{Command, Stdio};

/// The command that would open `url`: the first entry of a `:`-separated `$BROWSER` (with `%s`
/// replaced by the URL, else the URL appended), or the platform's opener when `browser` is
/// `None` or blank.
pub fn command(browser: Option<&str>, url: &str) -> Command {
    let mut words: Vec<String> = match browser.map(str::trim).filter(|b| !b.is_empty()) {
        Some(browser) => browser.split(':').next().unwrap_or_default().split_whitespace().map(str::to_owned).collect(),
        None if cfg!(target_os = "macos") => vec!["open".into()],
        // rundll32 takes the URL as one argument, with no shell parsing its `&`s.
        None if cfg!(windows) => vec!["rundll32".into(), "url.dll,FileProtocolHandler".into()],
        None => vec!["xdg-open".into()],
    };
    if words.iter().any(|w| w.contains("%s")) {
        words.iter_mut().for_each(|w| *w = w.replace("%s", url));
    } else {
        words.push(url.to_owned());
    }
    let mut command = Command::new(&words[0]);
    command.args(&words[1..]).stdin(Stdio::null()).stdout(Stdio::null());
    command
}

/// Opens `url` in the browser of `$BROWSER` or the platform; does not wait for it.
///
/// # Errors
/// When the browser program cannot be started; the message names it.
pub fn open(url: &str) -> io::Result<()> {
    let browser = std::env::var("BROWSER").ok();
    let mut command = command(browser.as_deref(), url);
    let program = command.get_program().to_string_lossy().into_owned();
    let mut child =
        command.spawn().map_err(|e| io::Error::new(e.kind(), format!("cannot start the browser `{program}`: {e}")))?;
    // Reap it whenever it ends; a browser that stays open must not be waited for.
    std::thread::spawn(move || child.wait());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::command;

    fn words(browser: Option<&str>, url: &str) -> Vec<String> {
        let command = command(browser, url);
        std::iter::once(command.get_program())
            .chain(command.get_args())
            .map(|w| w.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn browser_variable_first_entry_with_the_url_appended_or_substituted() {
        let url = "https://idp.example/auth?a=1&b=2";
        assert_eq!(words(Some("firefox --new-window:chromium"), url), ["firefox", "--new-window", url]);
        assert_eq!(words(Some("open-it --url=%s --quiet"), url), ["open-it", &format!("--url={url}"), "--quiet"]);
    }

    #[test]
    fn blank_browser_variable_means_the_platform_opener() {
        let url = "https://idp.example/auth";
        assert_eq!(words(Some("  "), url), words(None, url));
        assert_eq!(words(None, url).last().map(String::as_str), Some(url));
    }
}
