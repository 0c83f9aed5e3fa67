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
