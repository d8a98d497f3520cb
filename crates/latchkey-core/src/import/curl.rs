//! cURL command lines, as copied from API documentation or a browser's "Copy as cURL" (bash or
//! Windows cmd), as an import plan: each command's origin becomes a datasource (or joins the
//! existing one on that origin), its credentials (`Authorization`, `-u`, `--oauth2-bearer`, an
//! API-key header or query parameter) the datasource's authentication, and the rest (method,
//! path, query, other headers, body) a saved query.
//!
//! The tokenizer is shell-like, not a shell: quotes (`'…'`, `"…"`, `$'…'`), backslash escapes,
//! `\` + newline and cmd's `^` continuations, `#` comments; `$VAR` is never expanded (it is
//! kept, and as a credential it counts as a placeholder). Errors never quote the input: a
//! command line may hold a token.

use std::fmt::Write as _;

use base64::Engine;

use super::{free_name, origin_of, DatasourceAction, Dropped, ImportPlan, PlannedDatasource, PlannedQuery, Source};
use crate::model::{
    ApiKeyAuth, AuthConfig, BasicAuth, BearerAuth, ClientAuthentication, DatasourceConfig, DatasourceSummary,
    GrantType, KeyPlacement, KeyValue, MultipartPart, OAuth2Config, RequestBody, RequestSpec,
};
use crate::{Error, FieldError, Result, SecretField};

/// One word of a command line, or a shell operator that ends the command.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word {
        text: String,
        line: usize,
        line_start: bool,
        blank_before: bool,
    },
    /// `|`, `&&`, `||`, `;`, `>`, `<`, `&`: what follows is not part of the curl command.
    Operator {
        text: String,
        line: usize,
    },
}

/// A problem in the text itself, by line.
fn syntax(line: usize, message: &str) -> Error {
    Error::Invalid(vec![FieldError::new(format!("line {line}"), message.to_owned())])
}

/// Splits `input` into words as a POSIX shell would (without expansions), or as cmd.exe and
/// the Windows argument rules would when the text uses `^` continuations or escapes.
fn tokenize(input: &str) -> Result<Vec<Token>> {
    // A cmd copy continues its lines with ` ^` and escapes its quotes as `^"`; a caret
    // elsewhere (a regular expression in a bash body) is only a caret.
    let windows = input.lines().any(|l| l.trim_end() == "^" || l.trim_end().ends_with(" ^"))
        || input.lines().any(|l| {
            let l = l.trim_start().to_ascii_lowercase();
            l.starts_with("curl ^\"") || l.starts_with("curl.exe ^\"")
        });
    if windows {
        tokenize_cmd(input)
    } else {
        tokenize_sh(input)
    }
}

/// The words being read, for both tokenizers: each with its line, whether it is the first on
/// its line, and whether a blank line came before it.
struct Words {
    tokens: Vec<Token>,
    current: Option<String>,
    word_line: usize,
    word_at_line_start: bool,
    word_blank_before: bool,
    line_start: bool,
    blank_before: bool,
    newlines_since_word: usize,
}

impl Words {
    fn new() -> Words {
        Words {
            tokens: Vec::new(),
            current: None,
            word_line: 1,
            word_at_line_start: true,
            word_blank_before: false,
            line_start: true,
            blank_before: false,
            newlines_since_word: 0,
        }
    }

    /// The word being read; one begins at `line` when none is (an empty quote is a word too).
    fn word(&mut self, line: usize) -> &mut String {
        if self.current.is_none() {
            self.word_line = line;
            self.word_at_line_start = std::mem::take(&mut self.line_start);
            self.word_blank_before = std::mem::take(&mut self.blank_before);
        }
        self.current.get_or_insert_with(String::new)
    }

    fn end(&mut self) {
        if let Some(text) = self.current.take() {
            self.tokens.push(Token::Word {
                text,
                line: self.word_line,
                line_start: self.word_at_line_start,
                blank_before: self.word_blank_before,
            });
            self.newlines_since_word = 0;
        }
    }

    /// A newline outside quotes: it ends the word; two in a row make a blank line.
    fn newline(&mut self) {
        self.end();
        self.line_start = true;
        self.newlines_since_word += 1;
        if self.newlines_since_word >= 2 {
            self.blank_before = true;
        }
    }

    fn operator(&mut self, text: String, line: usize) {
        self.end();
        self.tokens.push(Token::Operator { text, line });
        self.line_start = false;
    }

    fn finish(mut self) -> Vec<Token> {
        self.end();
        self.tokens
    }
}

fn tokenize_sh(input: &str) -> Result<Vec<Token>> {
    let chars: Vec<char> = input.chars().collect();
    let (mut i, mut line) = (0, 1);
    let mut w = Words::new();
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\r' if chars.get(i + 1) == Some(&'\n') => i += 1,
            '\n' => {
                w.newline();
                line += 1;
                i += 1;
            }
            ' ' | '\t' => {
                w.end();
                i += 1;
            }
            '#' if w.current.is_none() => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '\\' => {
                match chars.get(i + 1) {
                    Some('\n') => {
                        line += 1;
                        i += 2;
                    }
                    Some('\r') if chars.get(i + 2) == Some(&'\n') => {
                        line += 1;
                        i += 3;
                    }
                    Some(&next) => {
                        w.word(line).push(next);
                        i += 2;
                    }
                    None => i += 1,
                }
                // A continuation keeps the line going: the next word is not at a line start.
            }
            '\'' | '"' => {
                let quote = if c == '"' { Quote::Double } else { Quote::Single };
                let (text, next, lines) = quoted(&chars, i + 1, line, quote)?;
                w.word(line).push_str(&text);
                (i, line) = (next, line + lines);
            }
            '$' if chars.get(i + 1) == Some(&'\'') => {
                let (text, next, lines) = quoted(&chars, i + 2, line, Quote::Ansi)?;
                w.word(line).push_str(&text);
                (i, line) = (next, line + lines);
            }
            '|' | '&' | ';' | '>' | '<' => {
                w.end();
                let mut text = c.to_string();
                if matches!((c, chars.get(i + 1)), ('|', Some('|')) | ('&', Some('&')) | ('>', Some('>'))) {
                    text.push(chars[i + 1]);
                    i += 1;
                }
                w.operator(text, line);
                i += 1;
            }
            _ => {
                w.word(line).push(c);
                i += 1;
            }
        }
    }
    Ok(w.finish())
}

/// The shell's quotes: `'…'`, `$'…'` (with C escapes) and `"…"` (with `\$ \` \" \\` escapes).
#[derive(Clone, Copy, PartialEq)]
enum Quote {
    Single,
    Ansi,
    Double,
}

/// Reads a quoted part from `chars[i]`, just after its opening quote (on line `open`): its text,
/// the index after the closing quote, and how many lines it spans.
fn quoted(chars: &[char], mut i: usize, open: usize, quote: Quote) -> Result<(String, usize, usize)> {
    let (close, unclosed) = match quote {
        Quote::Single => ('\'', "a single quote (') is not closed: close it"),
        Quote::Ansi => ('\'', "a $'…' quote is not closed: close it"),
        Quote::Double => ('"', "a double quote (\") is not closed: close it"),
    };
    let (mut text, mut lines) = (String::new(), 0);
    loop {
        let Some(&ch) = chars.get(i) else { return Err(syntax(open, unclosed)) };
        match (quote, ch) {
            (_, c) if c == close => return Ok((text, i + 1, lines)),
            (Quote::Ansi, '\\') => {
                let (escaped, used) = ansi_escape(&chars[i + 1..]);
                text.push_str(&escaped);
                i += 1 + used;
                continue;
            }
            (Quote::Double, '\\') => match chars.get(i + 1) {
                Some('\n') => {
                    lines += 1;
                    i += 2;
                    continue;
                }
                Some(&next @ ('$' | '`' | '"' | '\\')) => {
                    text.push(next);
                    i += 2;
                    continue;
                }
                _ => text.push('\\'),
            },
            (_, c) => {
                if c == '\n' {
                    lines += 1;
                }
                text.push(c);
            }
        }
        i += 1;
    }
}

/// One `$'…'` escape after its backslash: the text it stands for and how many characters it used.
fn ansi_escape(rest: &[char]) -> (String, usize) {
    let hex = |digits: &[char], max: usize| {
        let taken: String = digits.iter().take(max).take_while(|c| c.is_ascii_hexdigit()).collect();
        (u32::from_str_radix(&taken, 16).ok().and_then(char::from_u32), taken.len())
    };
    match rest.first() {
        None => ("\\".to_owned(), 0),
        Some('n') => ("\n".to_owned(), 1),
        Some('t') => ("\t".to_owned(), 1),
        Some('r') => ("\r".to_owned(), 1),
        Some('a') => ("\u{7}".to_owned(), 1),
        Some('b') => ("\u{8}".to_owned(), 1),
        Some('e' | 'E') => ("\u{1b}".to_owned(), 1),
        Some('f') => ("\u{c}".to_owned(), 1),
        Some('v') => ("\u{b}".to_owned(), 1),
        Some(&c @ ('\\' | '\'' | '"' | '?')) => (c.to_string(), 1),
        Some('x') => match hex(&rest[1..], 2) {
            (Some(c), n) if n > 0 => (c.to_string(), 1 + n),
            _ => ("\\x".to_owned(), 1),
        },
        Some(&u @ ('u' | 'U')) => match hex(&rest[1..], if u == 'u' { 4 } else { 8 }) {
            (Some(c), n) if n > 0 => (c.to_string(), 1 + n),
            _ => (format!("\\{u}"), 1),
        },
        Some(c) if c.is_digit(8) => {
            let taken: String = rest.iter().take(3).take_while(|c| c.is_digit(8)).collect();
            let value = u32::from_str_radix(&taken, 8).ok().and_then(char::from_u32).unwrap_or('\0');
            (value.to_string(), taken.len())
        }
        Some(&c) => (format!("\\{c}"), 1),
    }
}

/// cmd.exe: `^` escapes the next character (`^` + newline continues the line); then the
/// Windows argument rules split what curl receives into words: `"` toggles quoting, `\"` is a
/// quote (2n backslashes before a quote are n, and the quote toggles), `""` inside quotes is a
/// quote.
fn tokenize_cmd(input: &str) -> Result<Vec<Token>> {
    // Pass 1, cmd.exe: the characters curl receives, each with its line.
    let mut received: Vec<(char, usize)> = Vec::new();
    // `REM` and `::` lines are cmd's comments: dropped, their newline kept for the line count.
    let uncommented: String = input
        .split('\n')
        .map(|l| {
            let t = l.trim_start().to_ascii_uppercase();
            if t.starts_with("REM ") || t == "REM" || t.starts_with("::") {
                ""
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let raw: Vec<char> = uncommented.chars().filter(|&c| c != '\r').collect();
    let (mut i, mut line) = (0, 1);
    while i < raw.len() {
        match (raw[i], raw.get(i + 1)) {
            ('^', Some('\n')) => {
                line += 1;
                i += 2;
            }
            ('^', Some(&next)) => {
                received.push((next, line));
                i += 2;
            }
            ('^', None) => i += 1,
            ('\n', _) => {
                received.push(('\n', line));
                line += 1;
                i += 1;
            }
            (c, _) => {
                received.push((c, line));
                i += 1;
            }
        }
    }
    // Pass 2, the program's argument parser.
    let mut w = Words::new();
    let mut quoted: Option<usize> = None;
    let mut j = 0;
    while j < received.len() {
        let (c, at) = received[j];
        match c {
            '\\' => {
                let run = received[j..].iter().take_while(|(c, _)| *c == '\\').count();
                let word = w.word(at);
                if received.get(j + run).is_some_and(|(c, _)| *c == '"') {
                    word.extend(std::iter::repeat_n('\\', run / 2));
                    if run % 2 == 1 {
                        word.push('"');
                        j += run + 1;
                    } else {
                        j += run;
                    }
                } else {
                    word.extend(std::iter::repeat_n('\\', run));
                    j += run;
                }
            }
            '"' if quoted.is_some() && received.get(j + 1).is_some_and(|(c, _)| *c == '"') => {
                w.word(at).push('"');
                j += 2;
            }
            '"' => {
                w.word(at);
                quoted = if quoted.is_some() { None } else { Some(at) };
                j += 1;
            }
            '\n' if quoted.is_none() => {
                w.newline();
                j += 1;
            }
            ' ' | '\t' if quoted.is_none() => {
                w.end();
                j += 1;
            }
            '|' | '&' | '>' | '<' if quoted.is_none() => {
                w.operator(c.to_string(), at);
                j += 1;
            }
            _ => {
                w.word(at).push(c);
                j += 1;
            }
        }
    }
    if let Some(open) = quoted {
        return Err(syntax(open, "a double quote (\") is not closed: close it"));
    }
    Ok(w.finish())
}

/// One curl command: its words after `curl`, and the line it starts on.
struct Command {
    line: usize,
    words: Vec<String>,
    /// What came after a shell operator, dropped.
    tail: Option<String>,
}

/// Splits the tokens into commands: a new one starts at `curl` at the start of a line, or at a
/// blank line; a line that does not start with `curl` continues the command before it.
fn commands(tokens: Vec<Token>) -> Result<Vec<Command>> {
    let mut commands: Vec<Command> = Vec::new();
    let mut skipping = false;
    // A `$ ` prompt before a word makes it the line's first.
    let mut after_prompt = false;
    for token in tokens {
        match token {
            Token::Word { text, line, line_start, blank_before } => {
                let is_curl = matches!(text.to_ascii_lowercase().as_str(), "curl" | "curl.exe");
                if line_start && text == "$" {
                    after_prompt = true;
                    continue;
                }
                let line_start = line_start || std::mem::take(&mut after_prompt);
                let starts = is_curl && (line_start || commands.is_empty() || skipping)
                    || (blank_before && !commands.is_empty());
                if starts || commands.is_empty() {
                    if !is_curl {
                        return Err(syntax(
                            line,
                            "a command here does not start with `curl`: remove the line, or start it with curl",
                        ));
                    }
                    commands.push(Command { line, words: Vec::new(), tail: None });
                    skipping = false;
                    continue;
                }
                if skipping {
                    continue;
                }
                commands.last_mut().expect("one started").words.push(text);
            }
            Token::Operator { text, .. } => {
                if let Some(last) = commands.last_mut() {
                    if !skipping {
                        last.tail = Some(text);
                    }
                }
                skipping = true;
            }
        }
    }
    if commands.is_empty() {
        return Err(syntax(1, "there is no curl command: paste one that starts with `curl`"));
    }
    Ok(commands)
}

/// What one curl command asks for, before it is mapped to Latchkey.
#[derive(Default)]
struct Parsed {
    method: Option<String>,
    urls: Vec<String>,
    headers: Vec<(String, String)>,
    data: Vec<String>,
    /// `@file` data: the file's path (`--data-binary @file`, `-d @file`).
    data_file: Option<String>,
    form: Vec<MultipartPart>,
    user: Option<String>,
    oauth2_bearer: Option<String>,
    get: bool,
    head: bool,
    upload_file: Option<String>,
    json: bool,
    dropped: Vec<(String, String)>,
}

/// Options that take a value and what is done with it.
#[derive(Clone, Copy)]
enum Takes {
    Method,
    Header,
    Data,
    DataRaw,
    DataBinary,
    DataUrlencode,
    Json,
    Form,
    FormString,
    User,
    Bearer,
    Cookie,
    Url,
    UserAgent,
    Referer,
    UploadFile,
    /// A value that does not change the request (a timeout, an output file, …), with why.
    Ignored(&'static str),
}

fn long_option(name: &str) -> Option<Result<Takes, Flag>> {
    use Takes::*;
    Some(Ok(match name {
        "request" => Method,
        "header" => Header,
        "data" | "data-ascii" => Data,
        "data-raw" => DataRaw,
        "data-binary" => DataBinary,
        "data-urlencode" => DataUrlencode,
        "json" => Json,
        "form" => Form,
        "form-string" => FormString,
        "user" => User,
        "oauth2-bearer" => Bearer,
        "cookie" => Cookie,
        "url" => Url,
        "user-agent" => UserAgent,
        "referer" => Referer,
        "upload-file" => UploadFile,
        "output" | "write-out" | "dump-header" | "trace" | "trace-ascii" | "stderr" | "config" => {
            Ignored("the response is shown by Latchkey, not written to a file")
        }
        "max-time" | "connect-timeout" | "retry" | "retry-delay" | "retry-max-time" | "max-redirs" | "limit-rate"
        | "speed-limit" | "speed-time" | "keepalive-time" => Ignored("curl's own timing and retry setting"),
        "proxy" | "proxy-user" | "socks5" | "socks5-hostname" | "preproxy" | "noproxy" => {
            Ignored("set the datasource's proxy in Latchkey instead")
        }
        "cacert" | "capath" | "cert" | "key" | "cert-type" | "key-type" | "pass" | "ciphers" | "pinnedpubkey"
        | "crlfile" => Ignored("certificates are set on the datasource (pinned certificate, client certificate)"),
        "cookie-jar" => Ignored("cookies are not kept between requests"),
        "resolve" | "connect-to" | "interface" | "local-port" | "dns-servers" => {
            Ignored("Latchkey sends to the URL's own host")
        }
        "aws-sigv4" | "ntlm" | "negotiate" | "digest" | "anyauth" | "basic" | "delegation" => {
            return Some(Err(Flag::Auth))
        }
        "get" => return Some(Err(Flag::Get)),
        "head" => return Some(Err(Flag::Head)),
        "insecure" => return Some(Err(Flag::Insecure)),
        "location" | "location-trusted" => return Some(Err(Flag::Location)),
        "compressed"
        | "silent"
        | "show-error"
        | "include"
        | "verbose"
        | "fail"
        | "fail-with-body"
        | "http1.0"
        | "http1.1"
        | "http2"
        | "http2-prior-knowledge"
        | "http3"
        | "no-buffer"
        | "globoff"
        | "progress-bar"
        | "no-progress-meter"
        | "ipv4"
        | "ipv6"
        | "tlsv1.2"
        | "tlsv1.3"
        | "tr-encoding"
        | "path-as-is"
        | "raw"
        | "no-keepalive"
        | "tcp-nodelay"
        | "compressed-ssh"
        | "disable"
        | "remote-name"
        | "remote-header-name" => return Some(Err(Flag::Quiet)),
        _ => return None,
    }))
}

/// Options without a value.
enum Flag {
    Get,
    Head,
    Insecure,
    Location,
    /// An HTTP authentication method curl negotiates itself (digest, NTLM, SigV4…).
    Auth,
    /// Output and protocol details that change nothing Latchkey sends.
    Quiet,
}

fn short_option(c: char) -> Option<Result<Takes, Flag>> {
    use Takes::*;
    Some(Ok(match c {
        'X' => Method,
        'H' => Header,
        'd' => Data,
        'F' => Form,
        'u' => User,
        'b' => Cookie,
        'A' => UserAgent,
        'e' => Referer,
        'T' => UploadFile,
        'o' | 'w' | 'D' | 'K' => Ignored("the response is shown by Latchkey, not written to a file"),
        'm' => Ignored("curl's own timing and retry setting"),
        'x' | 'U' => Ignored("set the datasource's proxy in Latchkey instead"),
        'E' => Ignored("certificates are set on the datasource (pinned certificate, client certificate)"),
        'c' => Ignored("cookies are not kept between requests"),
        'G' => return Some(Err(Flag::Get)),
        'I' => return Some(Err(Flag::Head)),
        'k' => return Some(Err(Flag::Insecure)),
        'L' => return Some(Err(Flag::Location)),
        's' | 'S' | 'i' | 'v' | 'f' | 'g' | 'N' | '#' | '0' | '1' | '2' | '3' | '4' | '6' | 'O' | 'J' | 'Z' => {
            return Some(Err(Flag::Quiet))
        }
        _ => return None,
    }))
}

/// Reads the options of one command.
fn parse_command(command: &Command) -> Result<Parsed> {
    let mut parsed = Parsed::default();
    let item = format!("line {}", command.line);
    let mut words = command.words.iter().peekable();
    let mut options_done = false;
    while let Some(word) = words.next() {
        if options_done || !word.starts_with('-') || word == "-" {
            parsed.urls.push(word.clone());
            continue;
        }
        if word == "--" {
            options_done = true;
            continue;
        }
        let mut value_of = |name: &str, attached: Option<String>| -> Result<String> {
            match attached {
                Some(v) => Ok(v),
                None => words.next().cloned().ok_or_else(|| {
                    Error::Invalid(vec![FieldError::new(
                        item.clone(),
                        format!("`{name}` needs a value after it: add it, or remove the option"),
                    )])
                }),
            }
        };
        if let Some(long) = word.strip_prefix("--") {
            // curl has no `--name=value` form: such a word is an unknown option, and only
            // what is before `=` is shown (the rest may be a value).
            let name = long.strip_prefix("no-").filter(|n| long_option(n).is_some()).unwrap_or(long);
            match long_option(name) {
                Some(Ok(takes)) => {
                    let value = value_of(word, None)?;
                    apply(&mut parsed, takes, word, value);
                }
                Some(Err(flag)) => apply_flag(&mut parsed, flag, word),
                None => {
                    let shown = word.split('=').next().unwrap_or(word);
                    parsed.dropped.push((shown.to_owned(), "curl option Latchkey does not know".to_owned()))
                }
            }
            continue;
        }
        // A bundle of short options (`-sSL`, `-XPOST`, `-H'…'`).
        let letters: Vec<char> = word[1..].chars().collect();
        let mut j = 0;
        while j < letters.len() {
            let c = letters[j];
            let option = format!("-{c}");
            match short_option(c) {
                Some(Ok(takes)) => {
                    let rest: String = letters[j + 1..].iter().collect();
                    let value = value_of(&option, (!rest.is_empty()).then_some(rest))?;
                    apply(&mut parsed, takes, &option, value);
                    break;
                }
                Some(Err(flag)) => apply_flag(&mut parsed, flag, &option),
                None => {
                    parsed.dropped.push((option, "curl option Latchkey does not know".to_owned()));
                    break;
                }
            }
            j += 1;
        }
    }
    if let Some(tail) = &command.tail {
        parsed
            .dropped
            .push((format!("`{tail}` and what follows"), "shell commands around curl are not imported".to_owned()));
    }
    Ok(parsed)
}

fn apply_flag(parsed: &mut Parsed, flag: Flag, option: &str) {
    match flag {
        Flag::Get => parsed.get = true,
        Flag::Head => parsed.head = true,
        Flag::Insecure => parsed.dropped.push((
            option.to_owned(),
            "TLS verification stays on: pin the server's self-signed certificate on the datasource instead".to_owned(),
        )),
        Flag::Location => parsed.dropped.push((
            option.to_owned(),
            "redirects are followed only within the datasource's origin, so credentials never go elsewhere".to_owned(),
        )),
        Flag::Auth => parsed.dropped.push((
            option.to_owned(),
            "this authentication method is not supported: choose Basic, API key, bearer or OAuth 2.0".to_owned(),
        )),
        Flag::Quiet => {}
    }
}

fn apply(parsed: &mut Parsed, takes: Takes, option: &str, value: String) {
    match takes {
        Takes::Method => parsed.method = Some(value),
        Takes::Header => match value.split_once(':') {
            // `-H "Name:"` removes a header curl would send: nothing to keep.
            Some((name, v)) if v.trim().is_empty() => parsed.dropped.push((
                format!("header {}", name.trim()),
                "`Name:` without a value only removes a header curl adds itself".to_owned(),
            )),
            Some((name, v)) => parsed.headers.push((name.trim().to_owned(), v.trim().to_owned())),
            // `-H "Name;"` sends an empty header.
            None if value.trim_end().ends_with(';') => {
                parsed.headers.push((value.trim_end().trim_end_matches(';').trim().to_owned(), String::new()));
            }
            None if value.starts_with('@') => {
                parsed.dropped.push((option.to_owned(), "headers read from a file are not imported".to_owned()))
            }
            None => parsed.dropped.push((option.to_owned(), "a header without `:` is not a header".to_owned())),
        },
        Takes::Data | Takes::DataBinary | Takes::DataRaw
            if value.starts_with('@') && !matches!(takes, Takes::DataRaw) =>
        {
            let path = &value[1..];
            if path == "-" {
                parsed.dropped.push((option.to_owned(), "data read from standard input is not imported".to_owned()));
            } else {
                parsed.data_file = Some(path.to_owned());
            }
        }
        Takes::Data | Takes::DataRaw | Takes::DataBinary => {
            // `-d` drops newlines of a file only; from the command line it is sent as is.
            parsed.data.push(value);
        }
        Takes::Json => {
            parsed.json = true;
            if let Some(path) = value.strip_prefix('@') {
                parsed.data_file = Some(path.to_owned());
            } else {
                parsed.data.push(value);
            }
        }
        Takes::DataUrlencode => match urlencode_data(&value) {
            Some(text) => parsed.data.push(text),
            None => parsed
                .dropped
                .push((option.to_owned(), "data read from a file is not imported: paste its content".to_owned())),
        },
        Takes::Form | Takes::FormString => match form_part(&value, matches!(takes, Takes::FormString)) {
            Some(part) => parsed.form.push(part),
            None => parsed.dropped.push((
                option.to_owned(),
                "a form field read from a file as text (`<file`) or without `=` is not imported".to_owned(),
            )),
        },
        Takes::User => parsed.user = Some(value),
        Takes::Bearer => parsed.oauth2_bearer = Some(value),
        Takes::Cookie => parsed.dropped.push((
            option.to_owned(),
            if value.contains('=') {
                "cookies are a browser session's secrets: they are not stored; use the datasource's authentication"
            } else {
                "cookies read from a file are not imported"
            }
            .to_owned(),
        )),
        Takes::Url => parsed.urls.push(value),
        Takes::UserAgent => parsed.headers.push(("User-Agent".to_owned(), value)),
        Takes::Referer => parsed.headers.push(("Referer".to_owned(), value.trim_end_matches(";auto").to_owned())),
        Takes::UploadFile => parsed.upload_file = Some(value),
        Takes::Ignored(why) => parsed.dropped.push((option.to_owned(), why.to_owned())),
    }
}

/// `--data-urlencode` content: `name=content`, `=content`, `content` (encoded), or `@file`
/// and `name@file` (not read: `None`).
fn urlencode_data(value: &str) -> Option<String> {
    let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let eq = value.find('=');
    let at = value.find('@');
    match (eq, at) {
        (Some(e), a) if a.is_none_or(|a| e < a) => {
            let (name, content) = (&value[..e], &value[e + 1..]);
            Some(if name.is_empty() { encode(content) } else { format!("{name}={}", encode(content)) })
        }
        (_, Some(_)) => None,
        _ => Some(encode(value)),
    }
}

/// A `-F` part: `name=value`, `name=@file[;type=…][;filename=…]`; `name=<file` is `None`.
fn form_part(value: &str, literal: bool) -> Option<MultipartPart> {
    let (key, rest) = value.split_once('=')?;
    if literal {
        return Some(MultipartPart { key: key.to_owned(), value: rest.to_owned(), ..Default::default() });
    }
    if rest.starts_with('<') {
        return None;
    }
    let mut pieces = rest.split(';');
    let first = pieces.next().unwrap_or_default();
    let mut content_type = String::new();
    for piece in pieces {
        if let Some(t) = piece.trim().strip_prefix("type=") {
            content_type = t.to_owned();
        }
    }
    Some(match first.strip_prefix('@') {
        Some(path) => {
            MultipartPart { key: key.to_owned(), value: String::new(), file: Some(path.to_owned()), content_type }
        }
        None => MultipartPart { key: key.to_owned(), value: first.to_owned(), file: None, content_type },
    })
}

/// Header names that carry an API key.
fn is_api_key_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase().replace('_', "-");
    matches!(
        n.as_str(),
        "x-api-key"
            | "api-key"
            | "apikey"
            | "x-apikey"
            | "x-api-token"
            | "x-auth-token"
            | "x-access-token"
            | "private-token"
            | "x-goog-api-key"
            | "ocp-apim-subscription-key"
            | "x-subscription-token"
            | "x-rapidapi-key"
            | "x-figma-token"
            | "x-shopify-access-token"
    ) || is_key_shaped(&n)
}

/// A header named like a key or token (`X-AIO-Key`, `X-Service-Token`) that is not one of the
/// headers so named that carry no credential.
fn is_key_shaped(lower: &str) -> bool {
    (lower.ends_with("-key") || lower.ends_with("-token") || lower.ends_with("apikey"))
        && !matches!(lower, "idempotency-key" | "x-idempotency-key" | "sec-websocket-key" | "x-request-key")
        && !is_session_token(lower)
}

/// A browser session's anti-forgery token (`X-CSRF-Token`, `X-XSRF-TOKEN`): bound to the cookie,
/// of no use later.
fn is_session_token(lower: &str) -> bool {
    lower.contains("csrf") || lower.contains("xsrf")
}

/// The credential a query parameter named like an API key stands for.
fn query_credential(key: &str, value: &str) -> Credential {
    Credential {
        auth: AuthConfig::ApiKey(ApiKeyAuth {
            key: key.to_owned(),
            value: secret_or_setup(value),
            add_to: KeyPlacement::Query,
            header_prefix: String::new(),
        }),
        how: format!("the `{key}` query parameter became an API key sent in the query"),
        from: format!("the `{key}` query parameter"),
    }
}

/// Query parameters that carry an API key.
fn is_api_key_param(name: &str) -> bool {
    matches!(name.to_ascii_lowercase().as_str(), "api_key" | "apikey" | "api-key" | "key" | "access_token" | "token")
}

/// Whether a credential is a placeholder from documentation (`<YOUR-TOKEN>`, `$API_KEY`,
/// `YOUR_API_KEY`, `{token}`…) rather than a value.
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    v.is_empty()
        || (v.starts_with('<') && v.ends_with('>'))
        || (v.starts_with('{') && v.ends_with('}') && !v.starts_with("{{"))
        || (v.starts_with('[') && v.ends_with(']'))
        || v.starts_with('$')
        || v.contains("YOUR")
        || v.to_ascii_lowercase().starts_with("your")
        || v.to_ascii_lowercase().contains("your_")
        || v.to_ascii_lowercase().contains("your-")
        || is_shouted_name(v)
        || v.contains('…')
        || v.contains("...")
        || v.chars().all(|c| c == 'x' || c == 'X' || c == '*')
}

/// A name in capitals that says what goes there (`AUTH_TOKEN`, `API-KEY`), as docs write in
/// place of a value.
fn is_shouted_name(v: &str) -> bool {
    v.chars().all(|c| c.is_ascii_uppercase() || c == '_' || c == '-')
        && ["TOKEN", "KEY", "SECRET", "PASSWORD", "PASS", "USER", "EMAIL", "CLIENT", "_ID"]
            .iter()
            .any(|w| v.contains(w))
}

/// A credential found in a command, before it becomes a datasource's authentication.
pub(crate) struct Credential {
    pub(crate) auth: AuthConfig,
    /// How it was mapped, for the plan.
    pub(crate) how: String,
    /// Where it came from, for a drop message (`Authorization header`, `-u`).
    pub(crate) from: String,
}

fn secret_or_setup(value: &str) -> SecretField {
    if is_placeholder(value) {
        SecretField::Empty
    } else {
        SecretField::from(value)
    }
}

/// The credential a header carries: an `Authorization` header, or one of the headers that
/// carry an API key (`X-API-Key`, `Private-Token`…); `None` for any other header.
pub(crate) fn header_credential(name: &str, value: &str) -> Option<Credential> {
    if name.eq_ignore_ascii_case("authorization") {
        return Some(authorization_header(value));
    }
    is_api_key_header(name).then(|| Credential {
        auth: AuthConfig::ApiKey(ApiKeyAuth {
            key: name.to_owned(),
            value: secret_or_setup(value),
            add_to: KeyPlacement::Header,
            header_prefix: String::new(),
        }),
        how: format!("the {name} header became an API key sent in that header"),
        from: format!("the {name} header"),
    })
}

/// The credential an `Authorization` header value stands for.
fn authorization_header(value: &str) -> Credential {
    let (scheme, rest) = value.trim().split_once(' ').map_or(("", value.trim()), |(s, r)| (s, r.trim()));
    let from = "the Authorization header".to_owned();
    if scheme.eq_ignore_ascii_case("bearer") {
        return Credential {
            auth: AuthConfig::Bearer(BearerAuth { token: secret_or_setup(rest) }),
            how: "the Authorization: Bearer header became bearer token authentication".to_owned(),
            from,
        };
    }
    if scheme.eq_ignore_ascii_case("basic") {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(rest)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|t| t.split_once(':').map(|(u, p)| (u.to_owned(), p.to_owned())));
        if let Some((user, password)) = decoded.filter(|(u, _)| !u.is_empty()) {
            return basic(&user, &password, "the Authorization: Basic header");
        }
    }
    Credential {
        auth: AuthConfig::ApiKey(ApiKeyAuth {
            key: "Authorization".to_owned(),
            value: secret_or_setup(rest),
            add_to: KeyPlacement::Header,
            header_prefix: scheme.to_owned(),
        }),
        how: if scheme.is_empty() {
            "the Authorization header became an API key sent in that header".to_owned()
        } else {
            format!("the Authorization: {scheme} header became an API key sent in that header with the prefix {scheme}")
        },
        from,
    }
}

/// `-u user:password` (or a URL's user info, or a decoded Basic header).
fn basic(user: &str, password: &str, from: &str) -> Credential {
    if password.is_empty() && !user.is_empty() {
        // Stripe-style `-u sk_test_…:`: the key is the username, which Latchkey does not keep
        // secret; the same Basic header is sent from a sealed API key instead.
        let value = base64::engine::general_purpose::STANDARD.encode(format!("{user}:"));
        let value = if is_placeholder(user) { SecretField::Empty } else { SecretField::from(value.as_str()) };
        return Credential {
            auth: AuthConfig::ApiKey(ApiKeyAuth {
                key: "Authorization".to_owned(),
                value,
                add_to: KeyPlacement::Header,
                header_prefix: "Basic".to_owned(),
            }),
            how: format!(
                "{from} with an empty password (a key as the username) became an API key sending the same \
                 Authorization: Basic header, so that the key is sealed"
            ),
            from: from.to_owned(),
        };
    }
    // A placeholder username (`{EMAIL}`) is left empty: the datasource then needs setup for it.
    let username = if is_placeholder(user) { String::new() } else { user.to_owned() };
    Credential {
        auth: AuthConfig::Basic(BasicAuth { username, password: secret_or_setup(password) }),
        how: format!("{from} became Basic authentication"),
        from: from.to_owned(),
    }
}

/// One command mapped: the origin, the credential (if any), the request, and what it dropped.
struct Mapped {
    origin: String,
    host: String,
    credentials: Vec<Credential>,
    /// `None` when the command was a token request that became the authentication.
    request: Option<RequestSpec>,
    dropped: Vec<(String, String)>,
}

fn refuse(item: &str, field: &str, message: &str) -> Error {
    Error::Invalid(vec![FieldError::new(format!("{item}: {field}"), message.to_owned())])
}

fn map_command(command: &Command) -> Result<Mapped> {
    let item = format!("line {}", command.line);
    let mut parsed = parse_command(command)?;
    let mut dropped = std::mem::take(&mut parsed.dropped);
    let raw_url = match parsed.urls.len() {
        0 => return Err(refuse(&item, "url", "the command has no URL: add the URL to call")),
        _ => parsed.urls[0].clone(),
    };
    for _ in parsed.urls.iter().skip(1) {
        dropped.push(("a second URL".to_owned(), "one request per command: put it in a command of its own".to_owned()));
    }
    let with_scheme = if raw_url.contains("://") {
        raw_url.clone()
    } else {
        dropped.push((
            "the URL's scheme".to_owned(),
            "the URL has none: curl would use http://, https:// is used".to_owned(),
        ));
        format!("https://{raw_url}")
    };
    let mut url = url::Url::parse(&with_scheme)
        .map_err(|_| refuse(&item, "url", "the URL cannot be read: write it as https://host/path"))?;
    if !matches!(url.scheme(), "http" | "https") || !url.has_host() {
        return Err(refuse(&item, "url", "only http:// and https:// URLs can be imported"));
    }
    let mut credentials = Vec::new();
    if !url.username().is_empty() {
        let user = percent_decode(url.username());
        let password = url.password().map(percent_decode).unwrap_or_default();
        credentials.push(basic(&user, &password, "the user name in the URL"));
        let _ = url.set_username("");
        let _ = url.set_password(None);
    }
    if url.fragment().is_some() {
        url.set_fragment(None);
    }
    let origin = url.origin().ascii_serialization();
    let host = url.host_str().unwrap_or_default().to_owned();

    let mut query_params: Vec<KeyValue> = Vec::new();
    let mut in_query = Vec::new();
    for (key, value) in url.query_pairs() {
        if is_api_key_param(&key) && !value.is_empty() {
            in_query.push(query_credential(&key, &value));
        } else {
            query_params.push(KeyValue::new(key.to_string(), value.to_string()));
        }
    }

    if let Some(user) = &parsed.user {
        match user.split_once(':') {
            Some((u, p)) => credentials.push(basic(u, p, "-u")),
            None => {
                dropped.push((
                    "-u's password".to_owned(),
                    "curl would ask for it: enter it on the datasource (Basic authentication)".to_owned(),
                ));
                credentials.push(basic(user, "\u{0}", "-u"));
            }
        }
    }
    if let Some(token) = &parsed.oauth2_bearer {
        credentials.push(Credential {
            auth: AuthConfig::Bearer(BearerAuth { token: secret_or_setup(token) }),
            how: "--oauth2-bearer became bearer token authentication".to_owned(),
            from: "--oauth2-bearer".to_owned(),
        });
    }
    let mut headers: Vec<KeyValue> = Vec::new();
    let mut content_type: Option<String> = None;
    for (name, value) in std::mem::take(&mut parsed.headers) {
        let lower = name.to_ascii_lowercase();
        if let Some(credential) = header_credential(&name, &value) {
            credentials.push(credential);
        } else if is_session_token(&lower) {
            dropped.push((
                format!("header {name}"),
                "a browser session's anti-forgery token: it is not stored; use the datasource's authentication"
                    .to_owned(),
            ));
        } else if lower == "cookie" {
            dropped.push((
                format!("header {name}"),
                "cookies are a browser session's secrets: they are not stored; use the datasource's authentication"
                    .to_owned(),
            ));
        } else if lower == "accept-encoding" {
            dropped.push((
                format!("header {name}"),
                "Latchkey asks for answers it can show as they are: a compressed body would arrive undecoded"
                    .to_owned(),
            ));
        } else if matches!(
            lower.as_str(),
            "connection" | "keep-alive" | "proxy-connection" | "te" | "transfer-encoding" | "upgrade"
        ) {
            dropped.push((format!("header {name}"), "the connection is Latchkey's to manage".to_owned()));
        } else if lower == "host" || lower == "content-length" || lower.starts_with(':') {
            dropped.push((format!("header {name}"), "Latchkey sets it from the URL and the body".to_owned()));
        } else if lower == "content-type" {
            content_type = Some(value.clone());
            headers.push(KeyValue::new(name, value));
        } else {
            headers.push(KeyValue::new(name, value));
        }
    }
    if parsed.json {
        if content_type.is_none() {
            content_type = Some("application/json".to_owned());
        }
        if !headers.iter().any(|h| h.key.eq_ignore_ascii_case("accept")) {
            headers.push(KeyValue::new("Accept", "application/json"));
        }
    }

    let has_body = !parsed.data.is_empty() || parsed.data_file.is_some() || !parsed.form.is_empty();
    let mut body = RequestBody::None;
    if parsed.get && !parsed.data.is_empty() {
        for piece in parsed.data.join("&").split('&').filter(|p| !p.is_empty()) {
            let (k, v) = piece.split_once('=').unwrap_or((piece, ""));
            let (k, v) = (percent_decode_form(k), percent_decode_form(v));
            if is_api_key_param(&k) && !v.is_empty() {
                in_query.push(query_credential(&k, &v));
            } else {
                query_params.push(KeyValue::new(k, v));
            }
        }
    } else if !parsed.form.is_empty() {
        body = RequestBody::Multipart { parts: std::mem::take(&mut parsed.form) };
        headers.retain(|h| !h.key.eq_ignore_ascii_case("content-type"));
    } else if let Some(path) = parsed.data_file.clone().or_else(|| parsed.upload_file.clone()) {
        // `-d @file` without a Content-Type goes as curl sends it: form-encoded.
        let default_type = content_type.is_none() && parsed.upload_file.is_none();
        let content_type = if default_type { "application/x-www-form-urlencoded" } else { "" };
        body = RequestBody::Binary { path, content_type: content_type.to_owned() };
    } else if !parsed.data.is_empty() {
        let text = parsed.data.join("&");
        let media = content_type.as_deref().map(|t| t.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
        body = match media.as_deref() {
            Some(m) if m == "application/json" || m.ends_with("+json") => {
                if serde_json::from_str::<serde::de::IgnoredAny>(&text).is_ok() {
                    if m == "application/json" {
                        headers.retain(|h| !h.key.eq_ignore_ascii_case("content-type"));
                    }
                    RequestBody::Json { text }
                } else {
                    RequestBody::Raw { text, content_type: String::new() }
                }
            }
            None | Some("application/x-www-form-urlencoded") if is_form(&text) => {
                headers.retain(|h| !h.key.eq_ignore_ascii_case("content-type"));
                RequestBody::FormUrlencoded {
                    fields: url::form_urlencoded::parse(text.as_bytes())
                        .map(|(k, v)| KeyValue::new(k.to_string(), v.to_string()))
                        .collect(),
                }
            }
            None => RequestBody::Raw { text, content_type: "application/x-www-form-urlencoded".to_owned() },
            Some(_) => RequestBody::Raw { text, content_type: String::new() },
        };
    }
    let method = match &parsed.method {
        Some(m) => m.trim().to_ascii_uppercase(),
        None if parsed.head => "HEAD".to_owned(),
        None if parsed.upload_file.is_some() => "PUT".to_owned(),
        None if has_body && !parsed.get => "POST".to_owned(),
        None => "GET".to_owned(),
    };
    credentials.extend(in_query);
    if method == "POST" {
        if let Some(credential) = token_request(&url, &body, &mut credentials) {
            dropped.push((
                "the token request".to_owned(),
                "it became the datasource's OAuth 2.0 authentication: Latchkey asks for tokens itself".to_owned(),
            ));
            credentials.insert(0, credential);
            return Ok(Mapped { origin, host, credentials, request: None, dropped });
        }
    }
    let request = RequestSpec { method, path: url.path().to_owned(), headers, query_params, body };
    Ok(Mapped { origin, host, credentials, request: Some(request), dropped })
}

/// A command that is itself an OAuth 2.0 token request (a form POST whose `grant_type` is
/// `client_credentials` or `password`, as token endpoints' docs show): the authentication it
/// stands for, so that the client secret is sealed rather than kept in a saved query's body. A
/// `-u client:secret` beside it is the client's Basic authentication, taken out of `credentials`.
fn token_request(url: &url::Url, body: &RequestBody, credentials: &mut Vec<Credential>) -> Option<Credential> {
    let RequestBody::FormUrlencoded { fields } = body else { return None };
    let field = |name: &str| fields.iter().find(|f| f.key == name).map(|f| f.value.as_str());
    let (grant_type, grant) = match field("grant_type")? {
        "client_credentials" => (GrantType::ClientCredentials, "client_credentials"),
        "password" => (GrantType::Password, "password"),
        _ => return None,
    };
    let mut token_url = url.clone();
    token_url.set_query(None);
    let mut oauth = OAuth2Config {
        grant_type,
        access_token_url: token_url.to_string(),
        client_id: field("client_id").unwrap_or_default().to_owned(),
        client_secret: field("client_secret").map(secret_or_setup).unwrap_or(SecretField::Empty),
        scopes: field("scope").unwrap_or_default().split_whitespace().map(str::to_owned).collect(),
        audience: field("audience").unwrap_or_default().to_owned(),
        resource: field("resource").unwrap_or_default().to_owned(),
        username: field("username").unwrap_or_default().to_owned(),
        password: field("password").map(secret_or_setup).unwrap_or(SecretField::Empty),
        ..OAuth2Config::default()
    };
    const KNOWN: [&str; 8] =
        ["grant_type", "client_id", "client_secret", "scope", "audience", "resource", "username", "password"];
    oauth.custom_token_params = fields.iter().filter(|f| !KNOWN.contains(&f.key.as_str())).cloned().collect();
    if let Some(at) = credentials.iter().position(|c| matches!(c.auth, AuthConfig::Basic(_))) {
        let AuthConfig::Basic(basic) = credentials.remove(at).auth else { unreachable!("matched above") };
        oauth.client_authentication = ClientAuthentication::BasicHeader;
        oauth.client_id = basic.username;
        oauth.client_secret = basic.password;
    }
    if is_placeholder(&oauth.client_id) {
        oauth.client_id.clear();
    }
    Some(Credential {
        auth: AuthConfig::OAuth2(Box::new(oauth)),
        how: format!("the token request (grant_type={grant}) became OAuth 2.0 authentication with its token URL"),
        from: "the token request".to_owned(),
    })
}

/// Whether `text` is `key=value` pairs joined by `&` (what a form body is).
fn is_form(text: &str) -> bool {
    !text.is_empty()
        && text
            .split('&')
            .all(|pair| pair.split_once('=').is_some_and(|(k, _)| !k.is_empty() && !k.contains(char::is_whitespace)))
}

fn percent_decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("a={}", text.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.to_string())
        .unwrap_or_default()
}

fn percent_decode_form(text: &str) -> String {
    url::form_urlencoded::parse(format!("a={text}").as_bytes()).next().map(|(_, v)| v.to_string()).unwrap_or_default()
}

/// Plans the commands of `source`.
///
/// # Errors
/// [`Error::Invalid`] naming the file and line, for text that does not read as curl commands
/// (an unclosed quote, an option without its value, no URL, a URL that is not http(s)).
pub fn plan(source: Source<'_>, existing: &[DatasourceSummary]) -> Result<ImportPlan> {
    let in_file = |e: Error| match e {
        Error::Invalid(fields) => Error::Invalid(
            fields.into_iter().map(|f| FieldError::new(format!("{}, {}", source.name, f.field), f.message)).collect(),
        ),
        other => other,
    };
    let commands = commands(tokenize(source.text).map_err(in_file)?).map_err(in_file)?;
    let mut datasources: Vec<PlannedDatasource> = Vec::new();
    let mut dropped = Vec::new();
    for command in &commands {
        let item = format!("line {}", command.line);
        let mapped = map_command(command).map_err(in_file)?;
        dropped.extend(mapped.dropped.into_iter().map(|(what, reason)| Dropped { item: item.clone(), what, reason }));
        let index = match datasources.iter().position(|d| origin_of(&d.config.url).as_deref() == Some(&mapped.origin)) {
            Some(i) => i,
            None => {
                let joined = existing.iter().find(|d| origin_of(&d.url).as_deref() == Some(&mapped.origin));
                let taken: Vec<&str> = datasources.iter().map(|d| d.config.name.as_str()).collect();
                let name = match joined {
                    Some(d) => d.name.clone(),
                    None => free_name(&mapped.host, existing, &taken),
                };
                datasources.push(PlannedDatasource {
                    action: if joined.is_some() { DatasourceAction::Join } else { DatasourceAction::Create },
                    existing_id: joined.map(|d| d.id.clone()),
                    config: DatasourceConfig { name, url: mapped.origin.clone(), ..Default::default() },
                    sets_auth: false,
                    queries: Vec::new(),
                    auth_mapping: match joined {
                        Some(d) if d.auth_type != crate::model::AuthType::None => {
                            format!("kept: the existing datasource's {} authentication", d.auth_type.as_str())
                        }
                        _ => "none: the command carries no credentials".to_owned(),
                    },
                    secrets: Vec::new(),
                    needs_setup: Vec::new(),
                    item: item.clone(),
                });
                datasources.len() - 1
            }
        };
        let ds = &mut datasources[index];
        let joined_with_auth = ds.action == DatasourceAction::Join
            && existing
                .iter()
                .find(|d| Some(&d.id) == ds.existing_id.as_ref())
                .is_some_and(|d| d.auth_type != crate::model::AuthType::None);
        for credential in mapped.credentials {
            let mut credential = credential;
            // `-u user` without a password: Basic with none yet (curl would ask for it).
            if let AuthConfig::Basic(b) = &mut credential.auth {
                if b.password.value().is_some_and(|p| p.expose() == "\u{0}") {
                    b.password = SecretField::Empty;
                }
            }
            if joined_with_auth {
                dropped.push(Dropped {
                    item: item.clone(),
                    what: credential.from,
                    reason: format!(
                        "`{}` already has its own authentication, which is kept: edit it there to change it",
                        ds.config.name
                    ),
                });
            } else if ds.config.auth == AuthConfig::None {
                ds.auth_mapping = credential.how;
                ds.config.auth = credential.auth;
                ds.sets_auth = true;
            } else if ds.config.auth != credential.auth {
                dropped.push(Dropped {
                    item: item.clone(),
                    what: credential.from,
                    reason: format!(
                        "`{}` already takes its authentication from an earlier command (one per datasource)",
                        ds.config.name
                    ),
                });
            }
        }
        if let Some(request) = mapped.request {
            let taken: Vec<&str> = ds.queries.iter().map(|q| q.name.as_str()).collect();
            let base = format!("{} {}", request.method_or_default(), request.path);
            let name = unique_query_name(&base, &taken);
            ds.queries.push(PlannedQuery { name, group: None, request, item });
        }
    }
    for ds in &mut datasources {
        ds.secrets = super::carried_secrets(&ds.config);
        ds.needs_setup = ds
            .config
            .needs_setup()
            .into_iter()
            .map(|mut e| {
                let _ = write!(e.message, ": the command has none (or a placeholder from the docs)");
                e
            })
            .collect();
    }
    Ok(ImportPlan {
        source: source.name.to_owned(),
        format: super::Format::Curl,
        datasources,
        environments: Vec::new(),
        dropped,
    })
}

/// `base`, else `base (2)`, … : a query name not in `taken` (case-insensitively).
pub(crate) fn unique_query_name(base: &str, taken: &[&str]) -> String {
    if !taken.iter().any(|t| t.eq_ignore_ascii_case(base)) {
        return base.to_owned();
    }
    (2..).map(|n| format!("{base} ({n})")).find(|n| !taken.iter().any(|t| t.eq_ignore_ascii_case(n))).expect("free")
}

/// A curl command pasted into the request tester, as a request through a datasource: what the
/// tester fills in, and what it leaves out with why.
#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct PastedRequest {
    /// Method, path (relative to the datasource's URL when under it), query, headers and body.
    /// Never a credential of the command.
    pub request: RequestSpec,
    /// The command's origin, when it is not the datasource's: the request would be refused
    /// there; importing the command as a datasource of its own is what fits.
    pub other_origin: Option<String>,
    /// What was not copied into the request (credentials, cookies, files, extra commands).
    pub dropped: Vec<Dropped>,
}

/// Where a credential goes on the wire: a header (lower-case name) or a query parameter.
#[derive(PartialEq)]
enum Placement {
    Header(String),
    Query(String),
}

/// Where `auth` puts its credential; `None` for no authentication.
fn placement(auth: &AuthConfig) -> Option<Placement> {
    match auth {
        AuthConfig::None => None,
        AuthConfig::Basic(_) | AuthConfig::Bearer(_) => Some(Placement::Header("authorization".to_owned())),
        AuthConfig::ApiKey(key) => Some(match key.add_to {
            KeyPlacement::Header => Placement::Header(key.key.trim().to_ascii_lowercase()),
            KeyPlacement::Query => Placement::Query(key.key.trim().to_owned()),
        }),
        AuthConfig::OAuth2(oauth) => Some(match oauth.add_token_to {
            KeyPlacement::Header => Placement::Header("authorization".to_owned()),
            KeyPlacement::Query => Placement::Query("access_token".to_owned()),
        }),
    }
}

/// The first curl command of `text` as a request through `datasource` (its effective
/// configuration), for the request tester. The command's credentials (`Authorization`, `-u`,
/// `--oauth2-bearer`, API-key headers and query parameters) are never copied into the request,
/// where they would be kept in the history in plain text: the datasource's authentication is
/// sent instead, or, when it has none that covers them, the person is told to enter them there
/// (sealed). A file the command names (`-d @file`, `-F k=@file`, `-T`) is left for the tester's
/// Choose file…, as the desktop app sends only picked files.
///
/// # Errors
/// [`Error::Invalid`] naming the line and the field, as [`plan`] does, for text that does not
/// read as a curl command.
pub fn request_from_command(text: &str, datasource: &DatasourceConfig) -> Result<PastedRequest> {
    let commands = commands(tokenize(text)?)?;
    let command = &commands[0];
    let item = format!("line {}", command.line);
    let mapped = map_command(command)?;
    let mut dropped: Vec<Dropped> =
        mapped.dropped.into_iter().map(|(what, reason)| Dropped { item: item.clone(), what, reason }).collect();
    for extra in &commands[1..] {
        dropped.push(Dropped {
            item: format!("line {}", extra.line),
            what: "another curl command".to_owned(),
            reason: "the tester takes one request: paste it on its own, or import them all with Import…".to_owned(),
        });
    }
    let covered = placement(&datasource.auth);
    for credential in mapped.credentials {
        let reason = if covered.is_some() && covered == placement(&credential.auth) {
            "the datasource's authentication is used instead".to_owned()
        } else if datasource.auth == AuthConfig::None {
            "credentials stay out of requests (the history keeps them): the datasource has no authentication, \
             so enter it there in Settings, where it is sealed"
                .to_owned()
        } else {
            format!(
                "credentials stay out of requests (the history keeps them): the datasource's {} authentication \
                 is sent; change it in Settings to use this one",
                match datasource.auth.kind() {
                    crate::model::AuthType::Basic => "Basic",
                    crate::model::AuthType::ApiKey => "API key",
                    crate::model::AuthType::Bearer => "bearer token",
                    crate::model::AuthType::OAuth2 => "OAuth 2.0",
                    crate::model::AuthType::None => "no",
                }
            )
        };
        dropped.push(Dropped { item: item.clone(), what: credential.from, reason });
    }
    let Some(mut request) = mapped.request else {
        return Err(refuse(
            &item,
            "curl",
            "this is a token request: Latchkey asks for tokens itself; import it with Import… to make it \
             the datasource's OAuth 2.0 authentication",
        ));
    };
    let choose = "the tester sends only a file chosen with Choose file…: choose it there";
    match &mut request.body {
        RequestBody::Binary { path, .. } if !path.is_empty() => {
            path.clear();
            dropped.push(Dropped { item: item.clone(), what: "the body's file".to_owned(), reason: choose.to_owned() });
        }
        RequestBody::Multipart { parts } => {
            for part in parts.iter_mut() {
                if let Some(file) = part.file.as_mut().filter(|f| !f.is_empty()) {
                    file.clear();
                    dropped.push(Dropped {
                        item: item.clone(),
                        what: format!("the file of the form part {}", part.key),
                        reason: choose.to_owned(),
                    });
                }
            }
        }
        _ => {}
    }
    let base = url::Url::parse(datasource.url.trim()).ok().filter(url::Url::has_host);
    let same_origin = base.as_ref().is_some_and(|b| b.origin().ascii_serialization() == mapped.origin);
    let mut other_origin = None;
    if same_origin {
        let base_path = base.as_ref().map_or("", |b| b.path()).trim_end_matches('/');
        if let Some(rest) = request.path.strip_prefix(base_path).filter(|r| r.is_empty() || r.starts_with('/')) {
            request.path = if rest.is_empty() { "/".to_owned() } else { rest.to_owned() };
        } else {
            // On the origin but outside the base path: an absolute URL the tester accepts.
            request.path = format!("{}{}", mapped.origin, request.path);
        }
    } else {
        request.path = format!("{}{}", mapped.origin, request.path);
        other_origin = Some(mapped.origin);
    }
    Ok(PastedRequest { request, other_origin, dropped })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AuthType, DatasourceId};

    fn words(input: &str) -> Vec<String> {
        tokenize(input)
            .unwrap()
            .into_iter()
            .filter_map(|t| match t {
                Token::Word { text, .. } => Some(text),
                Token::Operator { .. } => None,
            })
            .collect()
    }

    fn plan_of(text: &str) -> ImportPlan {
        crate::import::plan(Source { name: "cmd.sh", text }, Some(crate::import::Format::Curl), &[]).unwrap()
    }

    fn one(text: &str) -> (DatasourceConfig, RequestSpec) {
        let plan = plan_of(text);
        assert_eq!(plan.datasources.len(), 1, "{plan:?}");
        let ds = plan.datasources[0].clone();
        (ds.config, ds.queries[0].request.clone())
    }

    fn refusal(text: &str) -> String {
        let source = Source { name: "cmd.sh", text };
        crate::import::plan(source, Some(crate::import::Format::Curl), &[]).unwrap_err().to_string()
    }

    #[test]
    fn key_shaped_headers_are_keys_but_idempotency_and_session_tokens_are_not() {
        let (c, _) = one("curl -H 'X-Service-Token: t-1' https://a.example/");
        assert!(matches!(&c.auth, AuthConfig::ApiKey(k) if k.key == "X-Service-Token"), "{:?}", c.auth);
        let (c, r) = one("curl -H 'Idempotency-Key: 42' https://a.example/");
        assert_eq!((c.auth.kind(), r.headers[0].key.as_str()), (crate::model::AuthType::None, "Idempotency-Key"));
        let plan =
            plan_of("curl -H 'X-CSRF-Token: s-1' -H 'Accept-Encoding: br' -H 'Connection: close' https://a.example/");
        let ds = &plan.datasources[0];
        assert!(ds.queries[0].request.headers.is_empty(), "{:?}", ds.queries[0].request.headers);
        assert_eq!(ds.config.auth, AuthConfig::None);
        let what: Vec<&str> = plan.dropped.iter().map(|d| d.what.as_str()).collect();
        assert_eq!(what, ["header X-CSRF-Token", "header Accept-Encoding", "header Connection"]);
        assert!(!serde_json::to_string(&plan).unwrap().contains("s-1"));
    }

    #[test]
    fn shouted_names_are_placeholders() {
        for v in ["AUTH_TOKEN", "API-KEY", "YOUR_KEY", "yourToken", "CLIENT_SECRET"] {
            assert!(is_placeholder(v), "{v}");
        }
        for v in ["ABC123DEF", "sk_live_ABC", "XYZTOKEN9"] {
            assert!(!is_placeholder(v), "{v} has more than capitals");
        }
    }

    #[test]
    fn get_data_named_like_a_key_becomes_the_query_key() {
        let (c, r) = one("curl -G https://a.example/find -d apikey=k-9 --data-urlencode 'q=a b'");
        let AuthConfig::ApiKey(key) = &c.auth else { panic!("{:?}", c.auth) };
        assert_eq!((key.key.as_str(), key.add_to), ("apikey", KeyPlacement::Query));
        assert_eq!(r.query_params, [KeyValue::new("q", "a b")]);
    }

    #[test]
    fn token_requests_become_oauth_and_leave_no_query() {
        let plan = plan_of(
            "curl -u app-1:s3cret -d grant_type=client_credentials -d 'scope=read write' -d tenant=t1 \\\n  https://id.example/oauth2/token?x=1",
        );
        let ds = &plan.datasources[0];
        let AuthConfig::OAuth2(o) = &ds.config.auth else { panic!("{:?}", ds.config.auth) };
        assert_eq!(
            (o.grant_type, o.client_authentication, o.client_id.as_str(), o.access_token_url.as_str()),
            (
                GrantType::ClientCredentials,
                ClientAuthentication::BasicHeader,
                "app-1",
                "https://id.example/oauth2/token"
            )
        );
        assert_eq!(
            (o.scopes.clone(), o.custom_token_params.clone()),
            (vec!["read".into(), "write".into()], vec![KeyValue::new("tenant", "t1")])
        );
        assert_eq!(ds.secrets, ["auth.clientSecret"]);
        assert!(ds.queries.is_empty());

        let plan = plan_of("curl https://id.example/token -d grant_type=password -d client_id=CLIENT_ID -d username=ann -d password=pw1");
        let ds = &plan.datasources[0];
        let AuthConfig::OAuth2(o) = &ds.config.auth else { panic!("{:?}", ds.config.auth) };
        assert_eq!((o.grant_type, o.username.as_str(), o.client_id.as_str()), (GrantType::Password, "ann", ""));
        assert_eq!(ds.secrets, ["auth.password"]);
        assert_eq!(ds.needs_setup.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["auth.clientId"]);

        let err = request_from_command(
            "curl https://id.example/token -d grant_type=client_credentials -d client_secret=s3",
            &DatasourceConfig { name: "x".into(), url: "https://id.example".into(), ..Default::default() },
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("line 1: curl: this is a token request") && !err.contains("s3"), "{err}");

        // Another grant, or a JSON body, is an ordinary request.
        let (c, r) = one("curl https://id.example/token -d grant_type=authorization_code -d code=abc");
        assert_eq!((c.auth.kind(), r.method.as_str()), (crate::model::AuthType::None, "POST"));
    }

    #[test]
    fn quotes_escapes_and_continuations_are_read_as_a_shell_does() {
        assert_eq!(words(r#"curl 'a b' "c \"d\" \$e" f\ g"#), ["curl", "a b", "c \"d\" $e", "f g"]);
        assert_eq!(words("curl $'a\\nb\\x41\\u00e9\\'' x"), ["curl", "a\nbA\u{e9}'", "x"]);
        assert_eq!(words("curl \\\n  -H 'X: 1' \\\r\n  https://a"), ["curl", "-H", "X: 1", "https://a"]);
        assert_eq!(words("curl 'it''s'"), ["curl", "its"]);
        assert_eq!(words("# a comment\ncurl a # trailing\n"), ["curl", "a"]);
        assert_eq!(
            words(r#"curl "a\b""#),
            ["curl", "a\\b"],
            "a backslash before another letter stays in double quotes"
        );
    }

    #[test]
    fn windows_cmd_copies_with_carets_are_read() {
        let input = "curl ^\"https://api.example.com/v1/items?a=1^&b=2^\" ^\n  -H ^\"accept: */*^\" ^\n  --data-raw ^\"^{^\\^\"x^\\^\":1^}^\"";
        assert_eq!(
            words(input),
            ["curl", "https://api.example.com/v1/items?a=1&b=2", "-H", "accept: */*", "--data-raw", "{\"x\":1}"]
        );
        assert_eq!(words("curl \"https://a.example/\" ^\n -H \"X: 1\""), ["curl", "https://a.example/", "-H", "X: 1"]);
        assert_eq!(
            words("curl https://a.example -d '{\"re\":\"^\\\"x\"}'"),
            ["curl", "https://a.example", "-d", "{\"re\":\"^\\\"x\"}"],
            "a caret inside a bash quote is a caret"
        );
    }

    #[test]
    fn unclosed_quotes_and_missing_values_are_refused_by_line_without_the_text() {
        let err = refusal("curl https://a.example \\\n -H 'Authorization: Bearer s3cr3t");
        assert!(err.contains("cmd.sh, line 2: a single quote (') is not closed"), "{err}");
        assert!(!err.contains("s3cr3t"), "{err}");
        let err = refusal("curl https://a.example -H \"X: s3cr3t");
        assert!(err.contains("double quote") && !err.contains("s3cr3t"), "{err}");
        let err = refusal("curl https://a.example -H");
        assert!(err.contains("`-H` needs a value"), "{err}");
        let err = refusal("curl -H 'X: 1'");
        assert!(err.contains("line 1: url: the command has no URL"), "{err}");
        let err = refusal("curl ftp://a.example/file");
        assert!(err.contains("only http:// and https://"), "{err}");
        let err = refusal("wget https://a.example");
        assert!(err.contains("does not start with `curl`"), "{err}");
        let err = refusal("curl 'https://exa mple.com/?key=s3cr3t'");
        assert!(err.contains("cannot be read") && !err.contains("s3cr3t"), "{err}");
        let err = refusal("curl -X 'GE T' https://a.example");
        assert!(err.contains("cmd.sh, line 1: method"), "{err}");
        let err = refusal("curl -H 'Bad Name: 1' https://a.example");
        assert!(err.contains("headers[0].key"), "{err}");
    }

    #[test]
    fn method_headers_query_and_path_make_the_query() {
        let (config, request) = one(
            "curl -X patch 'https://api.example.com:8443/v1/items/7?expand=a&expand=b' -H 'Accept: application/json' \
             -A 'tool/1.0' -e https://docs.example",
        );
        assert_eq!(config.url, "https://api.example.com:8443");
        assert_eq!(config.name, "api.example.com");
        assert_eq!(request.method, "PATCH");
        assert_eq!(request.path, "/v1/items/7");
        assert_eq!(request.query_params, [KeyValue::new("expand", "a"), KeyValue::new("expand", "b")]);
        assert_eq!(
            request.headers,
            [
                KeyValue::new("Accept", "application/json"),
                KeyValue::new("User-Agent", "tool/1.0"),
                KeyValue::new("Referer", "https://docs.example")
            ]
        );
        let (_, attached) = one("curl -XDELETE --url https://a.example/x");
        assert_eq!((attached.method.as_str(), attached.path.as_str()), ("DELETE", "/x"));
    }

    #[test]
    fn data_options_make_the_body_and_the_method() {
        let (_, r) = one("curl https://a.example/f -d a=1 --data-raw 'b=two words' --data-urlencode 'c=x&y'");
        assert_eq!(r.method, "POST", "data without -X is a POST");
        assert_eq!(
            r.body,
            RequestBody::FormUrlencoded {
                fields: vec![KeyValue::new("a", "1"), KeyValue::new("b", "two words"), KeyValue::new("c", "x&y")]
            }
        );
        let (_, r) = one(r#"curl https://a.example/j -H 'Content-Type: application/json' -d '{"a":1}'"#);
        assert_eq!(r.body, RequestBody::Json { text: r#"{"a":1}"#.into() });
        assert!(r.headers.is_empty(), "a JSON body sets its own Content-Type");
        let (_, r) = one(r#"curl https://a.example/j --json '{"a":1}'"#);
        assert_eq!(r.body, RequestBody::Json { text: r#"{"a":1}"#.into() });
        assert_eq!(r.headers, [KeyValue::new("Accept", "application/json")]);
        let (_, r) = one("curl https://a.example/t -H 'Content-Type: text/csv' --data-binary 'a,b'");
        assert_eq!(r.body, RequestBody::Raw { text: "a,b".into(), content_type: String::new() });
        let (_, r) = one("curl https://a.example/t -d 'not a form'");
        assert_eq!(
            r.body,
            RequestBody::Raw { text: "not a form".into(), content_type: "application/x-www-form-urlencoded".into() },
            "curl's default Content-Type is kept"
        );
        let (_, r) = one("curl https://a.example/u --data-binary @photo.png");
        assert!(matches!(r.body, RequestBody::Binary { ref path, .. } if path == "photo.png"), "{:?}", r.body);
        let (_, r) = one("curl -T big.iso https://a.example/u");
        assert_eq!(r.method, "PUT");
        let (_, r) = one("curl -G https://a.example/s -d q=rust -d 'page=2'");
        assert_eq!(r.method, "GET");
        assert_eq!(r.query_params, [KeyValue::new("q", "rust"), KeyValue::new("page", "2")]);
        assert_eq!(r.body, RequestBody::None, "-G puts the data in the query");
        let (_, r) = one("curl -I https://a.example/");
        assert_eq!(r.method, "HEAD");
    }

    #[test]
    fn form_parts_become_a_multipart_body() {
        let (_, r) =
            one("curl https://a.example/up -F 'name=x' -F 'file=@a.png;type=image/png' --form-string 'v=@lit'");
        let RequestBody::Multipart { parts } = r.body else { panic!("{:?}", r.body) };
        assert_eq!(parts.len(), 3);
        assert_eq!((parts[0].key.as_str(), parts[0].value.as_str()), ("name", "x"));
        assert_eq!((parts[1].file.as_deref(), parts[1].content_type.as_str()), (Some("a.png"), "image/png"));
        assert_eq!((parts[2].value.as_str(), parts[2].file.as_deref()), ("@lit", None));
        let plan = plan_of("curl https://a.example/up -F 'x=<notes.txt'");
        assert!(plan.dropped.iter().any(|d| d.what == "-F"), "{:?}", plan.dropped);
    }

    #[test]
    fn credentials_become_the_datasource_authentication_and_leave_the_query() {
        let plan = plan_of("curl https://a.example/me -H 'Authorization: Bearer tok-123' -H 'X-Trace: 1'");
        let ds = &plan.datasources[0];
        assert_eq!(ds.config.auth, AuthConfig::Bearer(BearerAuth { token: "tok-123".into() }));
        assert_eq!(ds.secrets, ["auth.token"]);
        assert!(ds.auth_mapping.contains("Bearer"), "{}", ds.auth_mapping);
        assert_eq!(ds.queries[0].request.headers, [KeyValue::new("X-Trace", "1")], "the token is not in the query");
        let json = serde_json::to_string(&plan).unwrap();
        assert!(!json.contains("tok-123"), "the plan never shows a secret: {json}");

        let (c, _) = one("curl -u ann:pw-1 https://a.example/");
        assert_eq!(c.auth, AuthConfig::Basic(BasicAuth { username: "ann".into(), password: "pw-1".into() }));
        let (c, _) = one("curl https://ann:pw%401@a.example/");
        assert_eq!(c.auth, AuthConfig::Basic(BasicAuth { username: "ann".into(), password: "pw@1".into() }));
        assert_eq!(c.url, "https://a.example", "credentials leave the URL");
        let (c, _) = one("curl --oauth2-bearer t-9 https://a.example/");
        assert_eq!(c.auth, AuthConfig::Bearer(BearerAuth { token: "t-9".into() }));
        let (c, r) = one("curl -H 'x-api-key: k-1' 'https://a.example/?q=1&api_key=k-2'");
        let AuthConfig::ApiKey(key) = c.auth else { panic!() };
        assert_eq!((key.key.as_str(), key.add_to), ("x-api-key", KeyPlacement::Header));
        assert_eq!(r.query_params, [KeyValue::new("q", "1")], "a key parameter leaves the query too");
        let plan = plan_of("curl -H 'x-api-key: k-1' 'https://a.example/?api_key=k-2'");
        assert!(plan.dropped.iter().any(|d| d.what.contains("api_key")), "one credential per datasource");
        let (c, _) = one("curl -H 'Authorization: Token abc' https://a.example/");
        assert_eq!(
            c.auth,
            AuthConfig::ApiKey(ApiKeyAuth {
                key: "Authorization".into(),
                value: "abc".into(),
                add_to: KeyPlacement::Header,
                header_prefix: "Token".into()
            })
        );
        let (c, _) = one("curl -H 'Authorization: Basic YW5uOnB3' https://a.example/");
        assert_eq!(c.auth, AuthConfig::Basic(BasicAuth { username: "ann".into(), password: "pw".into() }));
    }

    #[test]
    fn the_smaller_rules_each_hold() {
        let plan = plan_of("curl -u ann https://a.example/");
        let ds = &plan.datasources[0];
        assert_eq!(
            ds.config.auth,
            AuthConfig::Basic(BasicAuth { username: "ann".into(), password: SecretField::Empty })
        );
        assert!(plan.dropped.iter().any(|d| d.what == "-u's password" && d.reason.contains("curl would ask")));
        assert_eq!(urlencode_data("q=a b&c"), Some("q=a+b%26c".into()));
        assert_eq!(urlencode_data("=a b"), Some("a+b".into()));
        assert_eq!(urlencode_data("a b"), Some("a+b".into()));
        assert_eq!(urlencode_data("name@file.txt"), None);
        assert_eq!(urlencode_data("@file.txt"), None);
        let plan = plan_of("curl https://a.example/ -d @- --data-urlencode @f -H @headers.txt -H 'NoColon'");
        let what: Vec<&str> = plan.dropped.iter().map(|d| d.what.as_str()).collect();
        assert_eq!(what, ["-d", "--data-urlencode", "-H", "-H"]);
        let (_, r) = one("curl https://a.example/ -H 'X-Empty;' -H 'X-Gone:'");
        assert_eq!(r.headers, [KeyValue::new("X-Empty", "")], "`X;` sends it empty, `X:` removes it");
        let (c, _) = one("curl a.example/x");
        assert_eq!(c.url, "https://a.example", "no scheme: https");
        let plan = plan_of("curl --header=X https://a.example/ --oauth2-bearer=tok");
        assert!(plan.dropped.iter().all(|d| !d.what.contains("tok")), "{:?}", plan.dropped);
        assert_eq!(words("curl $'\\101\\e'"), ["curl", "A\u{1b}"]);
    }

    #[test]
    fn a_key_as_the_username_is_sealed_as_an_api_key_sending_the_same_header() {
        let (c, _) = one("curl https://api.stripe.com/v1/charges -u sk_test_abc:");
        let AuthConfig::ApiKey(key) = &c.auth else { panic!("{:?}", c.auth) };
        assert_eq!((key.key.as_str(), key.header_prefix.as_str()), ("Authorization", "Basic"));
        let value = key.value.value().unwrap().expose().to_owned();
        assert_eq!(base64::engine::general_purpose::STANDARD.decode(value).unwrap(), b"sk_test_abc:");
    }

    #[test]
    fn placeholders_from_the_docs_leave_the_datasource_needing_setup() {
        for token in ["<YOUR-TOKEN>", "$OPENAI_API_KEY", "YOUR_API_KEY", "{token}", "xxxxx"] {
            let plan = plan_of(&format!("curl https://a.example/ -H 'Authorization: Bearer {token}'"));
            let ds = &plan.datasources[0];
            assert_eq!(ds.config.auth.kind(), AuthType::Bearer, "{token}");
            assert!(ds.secrets.is_empty(), "{token}: a placeholder is not a secret");
            assert_eq!(ds.needs_setup.len(), 1, "{token}");
            assert_eq!(ds.needs_setup[0].field, "auth.token");
            assert!(ds.needs_setup[0].message.contains("enter the bearer token"), "{}", ds.needs_setup[0].message);
        }
        assert!(!is_placeholder("xoxb-1234-abcd"), "a real token is not a placeholder");
    }

    #[test]
    fn cookies_tls_and_unknown_options_are_dropped_with_reasons() {
        let plan = plan_of(
            "curl -k -L -s --compressed -b 'sid=abc' -H 'Cookie: sid=abc' -H 'Content-Length: 3' --frobnicate \
             -o out.json https://a.example/ | jq .",
        );
        let what: Vec<&str> = plan.dropped.iter().map(|d| d.what.as_str()).collect();
        assert_eq!(
            what,
            ["-k", "-L", "-b", "--frobnicate", "-o", "`|` and what follows", "header Cookie", "header Content-Length"]
        );
        assert!(plan.dropped[0].reason.contains("TLS verification stays on"));
        assert!(plan.dropped.iter().all(|d| d.item == "line 1"));
        let json = serde_json::to_string(&plan).unwrap();
        assert!(!json.contains("sid=abc"), "a cookie's value is not shown: {json}");
    }

    #[test]
    fn several_commands_share_a_datasource_per_origin() {
        let plan = plan_of(
            "curl https://a.example/one -H 'Authorization: Bearer t1'\n\ncurl https://a.example/two\n\
             curl https://b.example/x\ncurl https://a.example/one -X POST\n  -d 'a=1'\ncurl https://a.example/one",
        );
        assert_eq!(plan.datasources.len(), 2);
        let names: Vec<&str> = plan.datasources[0].queries.iter().map(|q| q.name.as_str()).collect();
        assert_eq!(names, ["GET /one", "GET /two", "POST /one", "GET /one (2)"]);
        assert_eq!(plan.datasources[0].queries[2].item, "line 5");
        assert_eq!(
            plan.datasources[0].queries[2].request.body,
            RequestBody::FormUrlencoded { fields: vec![KeyValue::new("a", "1")] },
            "a line not starting with curl continues the command"
        );
        assert_eq!(plan.datasources[1].config.name, "b.example");
        let prompted = plan_of("$ curl https://a.example/one\n$ curl https://a.example/two");
        assert_eq!(prompted.datasources[0].queries.len(), 2, "a `$ ` prompt starts a line");
    }

    #[test]
    fn an_existing_datasource_on_the_origin_is_joined_and_keeps_its_authentication() {
        let summary =
            |name: &str, url: &str, auth_type| crate::import::listed(&format!("ds_{name}"), name, url, auth_type);
        let existing = [
            summary("GitHub", "https://api.github.com/", AuthType::OAuth2),
            summary("a.example", "https://other.example", AuthType::None),
        ];
        let text = "curl https://api.github.com/user -H 'Authorization: Bearer t'\ncurl https://a.example/x";
        let plan = plan(Source { name: "f", text }, &existing).unwrap();
        assert_eq!(plan.datasources[0].action, DatasourceAction::Join);
        assert_eq!(plan.datasources[0].existing_id, Some(DatasourceId::new("ds_GitHub")));
        assert!(!plan.datasources[0].sets_auth);
        assert!(plan.dropped.iter().any(|d| d.what == "the Authorization header" && d.reason.contains("is kept")));
        assert_eq!(plan.datasources[1].action, DatasourceAction::Create);
        assert_eq!(plan.datasources[1].config.name, "a.example 2", "a taken name gets a number");
    }

    fn datasource(url: &str, auth: AuthConfig) -> DatasourceConfig {
        DatasourceConfig { name: "api".into(), url: url.into(), auth, ..Default::default() }
    }

    fn bearer() -> AuthConfig {
        AuthConfig::Bearer(BearerAuth { token: SecretField::from("stored") })
    }

    #[test]
    fn a_pasted_command_fills_a_request_relative_to_the_datasource_url() {
        let text = "curl -X PATCH 'https://api.example.com/v1/items/7?expand=owner' \\\n  -H 'Accept: application/json' \\\n  -H 'Content-Type: application/json' \\\n  -d '{\"done\":true}'";
        let pasted = request_from_command(text, &datasource("https://api.example.com/v1", AuthConfig::None)).unwrap();
        assert_eq!(pasted.other_origin, None, "the same origin");
        assert_eq!(pasted.request.method, "PATCH");
        assert_eq!(pasted.request.path, "/items/7", "relative to the datasource's base path");
        assert_eq!(pasted.request.query_params, [KeyValue::new("expand", "owner")]);
        assert_eq!(pasted.request.headers, [KeyValue::new("Accept", "application/json")]);
        assert_eq!(pasted.request.body, RequestBody::Json { text: "{\"done\":true}".into() });
        assert!(pasted.dropped.is_empty(), "{:?}", pasted.dropped);

        let outside = request_from_command(
            "curl https://api.example.com/v2/x",
            &datasource("https://api.example.com/v1/", AuthConfig::None),
        )
        .unwrap();
        assert_eq!(
            outside.request.path, "https://api.example.com/v2/x",
            "outside the base path: an absolute URL on the origin"
        );
        assert_eq!(outside.other_origin, None);
    }

    #[test]
    fn a_command_for_another_origin_says_so() {
        let pasted =
            request_from_command("curl https://other.example:8443/a", &datasource("https://api.example.com", bearer()))
                .unwrap();
        assert_eq!(pasted.other_origin.as_deref(), Some("https://other.example:8443"));
        assert_eq!(pasted.request.path, "https://other.example:8443/a");
    }

    #[test]
    fn credentials_are_never_copied_and_the_notice_says_why() {
        let text = "curl https://api.example.com/me -H 'Authorization: Bearer tok-123' -H 'X-Trace: 1'";
        let covered = request_from_command(text, &datasource("https://api.example.com", bearer())).unwrap();
        assert_eq!(covered.request.headers, [KeyValue::new("X-Trace", "1")], "the Authorization header is not copied");
        assert_eq!(covered.dropped.len(), 1, "{:?}", covered.dropped);
        assert_eq!(covered.dropped[0].what, "the Authorization header");
        assert_eq!(covered.dropped[0].reason, "the datasource's authentication is used instead");
        assert!(!format!("{covered:?}").contains("tok-123"), "the token is nowhere in the result");

        let none = request_from_command(text, &datasource("https://api.example.com", AuthConfig::None)).unwrap();
        assert_eq!(none.request.headers, [KeyValue::new("X-Trace", "1")]);
        assert!(none.dropped[0].reason.contains("the datasource has no authentication"), "{:?}", none.dropped);

        let key = AuthConfig::ApiKey(ApiKeyAuth {
            key: "X-Api-Key".into(),
            value: SecretField::from("k"),
            add_to: KeyPlacement::Header,
            header_prefix: String::new(),
        });
        let other = request_from_command(text, &datasource("https://api.example.com", key.clone())).unwrap();
        assert!(other.dropped[0].reason.contains("API key authentication is sent"), "{:?}", other.dropped);
        let same = request_from_command(
            "curl 'https://api.example.com/?api_key=abc' -H 'x-api-key: abc'",
            &datasource("https://api.example.com", key),
        )
        .unwrap();
        assert!(same.request.query_params.is_empty(), "a query API key is not copied either");
        assert_eq!(
            same.dropped.iter().filter(|d| d.reason == "the datasource's authentication is used instead").count(),
            1
        );
        assert!(same.dropped.iter().any(|d| d.what == "the `api_key` query parameter"), "{:?}", same.dropped);
        let user = request_from_command(
            "curl -u me:pw https://api.example.com/",
            &datasource("https://api.example.com", bearer()),
        )
        .unwrap();
        assert_eq!(user.dropped[0].what, "-u");
        assert_eq!(user.dropped[0].reason, "the datasource's authentication is used instead");
    }

    #[test]
    fn files_cookies_and_further_commands_are_left_out_with_the_reason() {
        let text = "curl https://api.example.com/up -b 'sid=1' -F 'doc=@/etc/passwd' -F 'title=x'\ncurl https://api.example.com/two";
        let pasted = request_from_command(text, &datasource("https://api.example.com", AuthConfig::None)).unwrap();
        let RequestBody::Multipart { parts } = &pasted.request.body else { panic!("{:?}", pasted.request.body) };
        assert_eq!(parts[0].file.as_deref(), Some(""), "the path is not carried");
        assert_eq!(parts[1].value, "x");
        let whats: Vec<&str> = pasted.dropped.iter().map(|d| d.what.as_str()).collect();
        assert!(whats.contains(&"the file of the form part doc"), "{whats:?}");
        assert!(whats.contains(&"another curl command"), "{whats:?}");
        assert!(!format!("{pasted:?}").contains("/etc/passwd"));
        let binary = request_from_command(
            "curl https://api.example.com/up --data-binary @big.bin",
            &datasource("https://api.example.com", AuthConfig::None),
        )
        .unwrap();
        assert!(matches!(&binary.request.body, RequestBody::Binary { path, .. } if path.is_empty()));
        let err = request_from_command("curl 'https://a.example", &datasource("https://a.example", AuthConfig::None))
            .unwrap_err();
        assert!(err.to_string().contains("line 1"), "{err}");
    }
}
