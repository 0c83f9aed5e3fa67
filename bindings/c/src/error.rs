//! Why a call failed, written into the caller's [`ruj_error`]: no allocation to free, no
//! global "last error".

#[cfg(test)]
use core::ffi::CStr;
use core::ffi::c_char;
use core::fmt::{self, Write};
use core::ptr;
use std::panic::{AssertUnwindSafe, catch_unwind};

use register_usage_jwt::{ConfigError, Error};

use crate::status::{
    self, RUJ_BUFFER_TOO_SMALL, RUJ_INTERNAL_ERROR, RUJ_INVALID_ARGUMENT, RUJ_INVALID_UTF8,
    RUJ_NULL_ARGUMENT, RUJ_OK, RUJ_OTHER_CONFIGURATION_ERROR, RUJ_OTHER_REJECTION, ruj_status,
};

/// The size of `ruj_error.message`, terminating NUL included. Longer messages are cut at
/// a character boundary (none of the library's messages comes near it).
pub const RUJ_ERROR_MESSAGE_SIZE: usize = 1024;

/// The size of `ruj_error.code`, terminating NUL included.
pub const RUJ_ERROR_CODE_SIZE: usize = 64;

/// Details of a failure, filled in by every function that takes a `ruj_error *` (pass NULL
/// if you only want the status). The caller owns it, typically on the stack; nothing in it
/// needs freeing.
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct ruj_error {
    /// The status the function returned.
    pub status: ruj_status,
    /// The exact string code, NUL-terminated, such as `"bad_signature"`: the same as the
    /// Rust library's `Error::code()`, also for a reason newer than the numeric table (whose
    /// status is then `RUJ_OTHER_REJECTION` or `RUJ_OTHER_CONFIGURATION_ERROR`).
    pub code: [c_char; RUJ_ERROR_CODE_SIZE],
    /// A NUL-terminated UTF-8 message that says what happened and what to do.
    pub message: [c_char; RUJ_ERROR_MESSAGE_SIZE],
}

/// A failure inside the library, before it is written out.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The token was refused.
    Rejected(Error),
    /// The configuration is wrong.
    Config(ConfigError),
    /// A required pointer argument is NULL; names the argument.
    NullArgument(&'static str),
    /// A text argument is not UTF-8; names the argument.
    InvalidUtf8(&'static str),
    /// A length above `isize::MAX` (`PTRDIFF_MAX`): no object is that large, so the
    /// pointer and length cannot describe memory; names the argument.
    LengthTooLarge {
        /// The argument.
        name: &'static str,
        /// The length given.
        len: usize,
    },
    /// The caller's buffer is too small.
    BufferTooSmall {
        /// The size needed, NUL included.
        needed: usize,
        /// The size given.
        given: usize,
    },
    /// A bug in this library (a caught panic, or an invariant that did not hold).
    Internal,
}

impl Failure {
    fn status(&self) -> ruj_status {
        match self {
            Failure::Rejected(error) => status::status_for(error.code(), RUJ_OTHER_REJECTION),
            Failure::Config(error) => {
                status::status_for(error.code(), RUJ_OTHER_CONFIGURATION_ERROR)
            }
            Failure::NullArgument(_) => RUJ_NULL_ARGUMENT,
            Failure::InvalidUtf8(_) => RUJ_INVALID_UTF8,
            Failure::LengthTooLarge { .. } => RUJ_INVALID_ARGUMENT,
            Failure::BufferTooSmall { .. } => RUJ_BUFFER_TOO_SMALL,
            Failure::Internal => RUJ_INTERNAL_ERROR,
        }
    }

    /// The exact string code: the core's own for rejections and configuration errors, so a
    /// code newer than the numeric table still reaches the caller.
    fn code(&self) -> &'static str {
        match self {
            Failure::Rejected(error) => error.code(),
            Failure::Config(error) => error.code(),
            other => status::code_of(other.status())
                .to_str()
                .unwrap_or("internal_error"),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Rejected(error) => fmt::Display::fmt(error, f),
            Failure::Config(error) => fmt::Display::fmt(error, f),
            Failure::NullArgument(name) => write!(f, "`{name}` is NULL; pass a valid pointer"),
            Failure::InvalidUtf8(name) => write!(
                f,
                "`{name}` is not UTF-8 text; pass it as UTF-8 (a NUL-terminated C string)"
            ),
            Failure::LengthTooLarge { name, len } => write!(
                f,
                "the length of `{name}` is {len} bytes, above PTRDIFF_MAX ({}): no object is \
                 that large, so nothing was read; pass the real length",
                isize::MAX
            ),
            Failure::BufferTooSmall { needed, given } => write!(
                f,
                "the buffer has {given} bytes but {needed} are needed (terminating NUL \
                 included)"
            ),
            Failure::Internal => f.write_str(
                "internal error in register-usage-jwt (nothing was verified); refuse to run \
                 and report this as a bug",
            ),
        }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Rejected(error)
    }
}

impl From<ConfigError> for Failure {
    fn from(error: ConfigError) -> Self {
        Failure::Config(error)
    }
}

/// Writes text into a fixed buffer, always leaving room for the NUL, cutting at a
/// character boundary.
struct BoundedWriter<'a> {
    buffer: &'a mut [u8],
    len: usize,
}

impl<'a> BoundedWriter<'a> {
    fn new(buffer: &'a mut [u8]) -> Self {
        Self { buffer, len: 0 }
    }
}

impl Write for BoundedWriter<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let room = self.buffer.len().saturating_sub(1).saturating_sub(self.len);
        let mut take = text.len().min(room);
        while !text.is_char_boundary(take) {
            take = take.saturating_sub(1);
        }
        let end = self.len.saturating_add(take);
        if let (Some(dst), Some(src)) = (self.buffer.get_mut(self.len..end), text.get(..take)) {
            dst.copy_from_slice(src.as_bytes());
            self.len = end;
        }
        Ok(())
    }
}

/// A failure (or success, for `None`) as the fields of a `ruj_error`, NUL-terminated.
struct Rendered {
    status: ruj_status,
    code: [u8; RUJ_ERROR_CODE_SIZE],
    message: [u8; RUJ_ERROR_MESSAGE_SIZE],
}

fn render(failure: Option<&Failure>) -> Rendered {
    let mut rendered = Rendered {
        status: RUJ_OK,
        code: [0; RUJ_ERROR_CODE_SIZE],
        message: [0; RUJ_ERROR_MESSAGE_SIZE],
    };
    // `BoundedWriter` never fails; a `Display` impl that did would leave a shorter text.
    match failure {
        None => {
            let _ = BoundedWriter::new(&mut rendered.code).write_str("ok");
        }
        Some(failure) => {
            rendered.status = failure.status();
            let _ = BoundedWriter::new(&mut rendered.code).write_str(failure.code());
            let _ = write!(BoundedWriter::new(&mut rendered.message), "{failure}");
        }
    }
    rendered
}

/// Writes the outcome into `error`, if it is not NULL, and returns its status.
///
/// # Safety
/// `error` is NULL or points to a writable `ruj_error`.
unsafe fn report(error: *mut ruj_error, failure: Option<&Failure>) -> ruj_status {
    let rendered = render(failure);
    let status = rendered.status;
    if !error.is_null() {
        // `c_char` is `i8` or `u8` depending on the target; the bytes are the same.
        #[allow(clippy::cast_possible_wrap)]
        let value = ruj_error {
            status,
            code: rendered.code.map(|byte| byte as c_char),
            message: rendered.message.map(|byte| byte as c_char),
        };
        // SAFETY: the caller guarantees that a non-NULL `error` points to a writable
        // `ruj_error`; `write` does not read the (possibly uninitialised) old value.
        unsafe { ptr::write(error, value) };
    }
    status
}

/// Runs the body of an exported function: a panic becomes `RUJ_INTERNAL_ERROR` instead of
/// unwinding into C, and the outcome is written to `error`.
///
/// # Safety
/// `error` is NULL or points to a writable `ruj_error`.
pub(crate) unsafe fn guard(
    error: *mut ruj_error,
    body: impl FnOnce() -> Result<(), Failure>,
) -> ruj_status {
    let outcome = catch_unwind(AssertUnwindSafe(body)).unwrap_or(Err(Failure::Internal));
    // A panic while rendering the message must not escape either.
    let reported = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: passed through from our caller's guarantee about `error`.
        unsafe { report(error, outcome.as_ref().err()) }
    }));
    reported.unwrap_or(RUJ_INTERNAL_ERROR)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: &[u8]) -> String {
        let text = CStr::from_bytes_until_nul(bytes).unwrap_or_default();
        text.to_string_lossy().into_owned()
    }

    #[test]
    fn messages_and_codes_are_the_core_ones() {
        let error = Error::NonceMismatch;
        let rendered = render(Some(&Failure::Rejected(error)));
        assert_eq!(text(&rendered.message), error.to_string());
        assert_eq!(text(&rendered.code), "nonce_mismatch");
        assert_eq!(rendered.status, status::RUJ_NONCE_MISMATCH);
        let ok = render(None);
        assert_eq!(
            (ok.status, text(&ok.code), text(&ok.message)),
            (RUJ_OK, "ok".into(), String::new())
        );
    }

    #[test]
    fn long_text_is_cut_at_a_character_boundary() {
        let mut buffer = [0xffu8; 16];
        let mut writer = BoundedWriter::new(&mut buffer);
        assert!(write!(writer, "x{}", "é".repeat(20)).is_ok());
        let len = writer.len;
        assert_eq!(len, 15);
        buffer[len] = 0;
        assert_eq!(text(&buffer), format!("x{}", "é".repeat(7)));
    }

    #[test]
    fn a_panic_becomes_internal_error() {
        let mut error = core::mem::MaybeUninit::<ruj_error>::uninit();
        // SAFETY: `error` is a writable `ruj_error`.
        let status = unsafe {
            guard(error.as_mut_ptr(), || {
                #[allow(clippy::panic)]
                {
                    panic!("deliberate")
                }
            })
        };
        assert_eq!(status, RUJ_INTERNAL_ERROR);
        // SAFETY: `guard` wrote the whole struct.
        let error = unsafe { error.assume_init() };
        assert_eq!(error.status, RUJ_INTERNAL_ERROR);
        let code: Vec<u8> = error.code.iter().map(|&c| c as u8).collect();
        assert_eq!(text(&code), "internal_error");
    }
}
