//! Writing to stdout and stderr without panicking when the reader has gone away.
//!
//! `println!` panics (exit 101) when stdout is a closed pipe, as in
//! `register-usage-jwt demo | head -1`. Rust ignores SIGPIPE, so the write fails with
//! `BrokenPipe` instead of killing the process; [`out!`] and [`err!`] then drop the rest of
//! that stream's output quietly, and the command still ends with its own exit code.

use std::fmt;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);
static STDERR_CLOSED: AtomicBool = AtomicBool::new(false);

/// A line on stdout.
macro_rules! out {
    () => { $crate::output::stdout_line(format_args!("")) };
    ($($arg:tt)*) => { $crate::output::stdout_line(format_args!($($arg)*)) };
}

/// A line on stderr.
macro_rules! err {
    ($($arg:tt)*) => { $crate::output::stderr_line(format_args!($($arg)*)) };
}

pub(crate) use {err, out};

pub fn stdout_line(args: fmt::Arguments<'_>) {
    write_line(&mut io::stdout().lock(), &STDOUT_CLOSED, args);
}

pub fn stderr_line(args: fmt::Arguments<'_>) {
    write_line(&mut io::stderr().lock(), &STDERR_CLOSED, args);
}

fn write_line(stream: &mut impl Write, closed: &AtomicBool, args: fmt::Arguments<'_>) {
    if closed.load(Ordering::Relaxed) {
        return;
    }
    let written = stream
        .write_fmt(args)
        .and_then(|()| stream.write_all(b"\n"))
        .and_then(|()| stream.flush());
    // Any failure to write (a closed pipe, a full disk) ends this stream's output: there is
    // nowhere left to report it, and the exit code still says how the command went.
    if written.is_err() {
        closed.store(true, Ordering::Relaxed);
    }
}

/// Text from elsewhere (a catalog answer, a server's error message) made safe to print:
/// control characters (terminal escapes, carriage returns, line breaks), the characters that
/// reorder text on screen, and backslashes are written as Rust escapes (`\u{1b}`, `\\`), so
/// what reaches the terminal or a log is exactly what was sent, and can neither rewrite nor
/// hide other lines. Plain text comes back unchanged.
#[cfg_attr(not(feature = "catalog"), allow(dead_code))]
pub fn escape_remote(text: &str) -> std::borrow::Cow<'_, str> {
    fn unsafe_char(c: char) -> bool {
        c.is_control()
            || c == '\\'
            || matches!(
                c,
                '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}'
            )
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    }
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            c if unsafe_char(c) => escaped.extend(c.escape_unicode()),
            c => escaped.push(c),
        }
    }
    std::borrow::Cow::Owned(escaped)
}

#[cfg(test)]
mod tests {
    use super::escape_remote;

    #[test]
    fn remote_text_cannot_drive_the_terminal() {
        assert_eq!(escape_remote("Active"), "Active");
        assert_eq!(
            escape_remote("x\u{1b}]0;t\u{7}\r\n\u{9b}2J\\u{1b}\u{202e}"),
            "x\\u{1b}]0;t\\u{7}\\u{d}\\u{a}\\u{9b}2J\\\\u{1b}\\u{202e}"
        );
    }
}
