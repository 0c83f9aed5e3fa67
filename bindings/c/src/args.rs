//! Reading the caller's arguments: NULL and invalid UTF-8 become errors, never crashes.

use core::ffi::{CStr, c_char};

use crate::error::Failure;

/// The bytes of a NUL-terminated string, without the NUL.
///
/// # Safety
/// `text` is NULL or points to a NUL-terminated string that stays valid and unmodified for
/// `'a`.
pub(crate) unsafe fn c_bytes<'a>(
    text: *const c_char,
    name: &'static str,
) -> Result<&'a [u8], Failure> {
    if text.is_null() {
        return Err(Failure::NullArgument(name));
    }
    // SAFETY: not NULL, and the caller guarantees a NUL-terminated string valid for 'a.
    let text = unsafe { CStr::from_ptr(text) };
    Ok(text.to_bytes())
}

/// A NUL-terminated UTF-8 string.
///
/// # Safety
/// As [`c_bytes`].
pub(crate) unsafe fn c_str<'a>(
    text: *const c_char,
    name: &'static str,
) -> Result<&'a str, Failure> {
    // SAFETY: passed through from our caller.
    let bytes = unsafe { c_bytes(text, name) }?;
    core::str::from_utf8(bytes).map_err(|_| Failure::InvalidUtf8(name))
}

/// Refuses a length above `isize::MAX`: no allocation is that large (`PTRDIFF_MAX` in C),
/// so such a pointer and length describe no memory, and `slice::from_raw_parts` must never
/// see it. Every pointer-and-length argument passes here first.
pub(crate) fn check_len(len: usize, name: &'static str) -> Result<usize, Failure> {
    if isize::try_from(len).is_err() {
        return Err(Failure::LengthTooLarge { name, len });
    }
    Ok(len)
}

/// `len` bytes at `data`; NULL is allowed only for `len == 0`; a length above `isize::MAX`
/// is refused whatever `data` is.
///
/// # Safety
/// `data` is NULL or points to `len` readable bytes that stay valid and unmodified for `'a`.
pub(crate) unsafe fn byte_slice<'a>(
    data: *const u8,
    len: usize,
    name: &'static str,
) -> Result<&'a [u8], Failure> {
    let len = check_len(len, name)?;
    if data.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(Failure::NullArgument(name))
        };
    }
    // SAFETY: not NULL, `len` is at most `isize::MAX` (checked above), and the caller
    // guarantees `len` readable bytes valid for 'a (a `u8` has no alignment requirement).
    Ok(unsafe { core::slice::from_raw_parts(data, len) })
}

/// A required out-parameter, set to NULL before anything can fail so the caller never sees
/// a stale pointer.
///
/// # Safety
/// `out` is NULL or points to a writable `*mut T`.
pub(crate) unsafe fn out_pointer<'a, T>(
    out: *mut *mut T,
    name: &'static str,
) -> Result<&'a mut *mut T, Failure> {
    if out.is_null() {
        return Err(Failure::NullArgument(name));
    }
    // SAFETY: not NULL, and the caller guarantees it points to a writable (suitably
    // aligned) pointer; `write` does not read what it held, which may be uninitialised.
    unsafe { out.write(core::ptr::null_mut()) };
    // SAFETY: as above, and it is now initialised.
    Ok(unsafe { &mut *out })
}
