//! What the binary prints: stdout and stderr lines with control characters escaped and the
//! API key redacted, summaries as text or JSON; a closed pipe ends the output, not the command.

use std::io::{self, Write};
use std::sync::OnceLock;

/// Writes a line to stdout with control characters escaped ([`terminal_safe`]). A closed pipe
/// (`oml verify ... | head -1`) is not an error: the line is dropped and the command goes on
/// to its own exit code (1 for a difference `verify` found, 3 for a sweep's failed jobs);
/// another failed write is returned.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::output::closed_pipe_is_ok(std::io::Write::write_fmt(
            &mut std::io::stdout().lock(),
            format_args!("{}\n", $crate::output::terminal_safe(&format!($($arg)*))),
        ))
    };
}

/// Writes a line to stderr with control characters escaped ([`terminal_safe`]) and the API
/// key redacted ([`redact`]); a failed write is ignored, as there is nowhere left to report it.
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = std::io::Write::write_fmt(
            &mut std::io::stderr().lock(),
            format_args!(
                "{}\n",
                $crate::output::terminal_safe(&$crate::output::redact(&format!($($arg)*)))
            ),
        );
    }};
}

/// The API key this process uses, once resolved: every error it prints is redacted with it.
static API_KEY: OnceLock<oml::api::ApiKey> = OnceLock::new();

/// Remembers the key this process uses, for [`redact`].
pub fn remember_key(key: &oml::api::ApiKey) {
    let _ = API_KEY.set(key.clone());
}

/// `text` without the API key, whatever echoed it (a server, a proxy, a library).
pub fn redact(text: &str) -> String {
    match API_KEY.get() {
        Some(key) => key.redact(text),
        None => text.to_owned(),
    }
}

/// `text` with the control characters a file or a server could put in a message (escape
/// sequences, NUL, carriage returns) written as `\x1b`, `\0`, `\r`: they reach the terminal as
/// text, not as commands. Newlines and tabs stay.
pub fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\0' => out.push_str("\\0"),
            '\r' => out.push_str("\\r"),
            c if unsafe_char(c) => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Prints a summary to stdout: pretty JSON, or its plain-text form.
pub fn print(
    summary: &(impl serde::Serialize + std::fmt::Display),
    json: bool,
) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    if json {
        // A broken pipe stays an io::Error, which `main` treats as success.
        serde_json::to_writer_pretty(&mut out, summary).map_err(io::Error::from)?;
        writeln!(out)?;
    } else {
        write!(out, "{}", terminal_safe(&summary.to_string()))?;
    }
    out.flush()?;
    Ok(())
}

/// `result`, with a write to a closed pipe taken as done.
pub fn closed_pipe_is_ok(result: io::Result<()>) -> io::Result<()> {
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Whether `err` comes from writing to a closed pipe (`oml ... | head`).
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}
