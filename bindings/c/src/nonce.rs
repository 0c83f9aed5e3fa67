//! Fresh random nonces, one per RegisterUsage call.

use core::ffi::c_char;

use crate::args;
use crate::error::{Failure, guard, ruj_error};
use crate::status::ruj_status;

/// The buffer size `ruj_random_nonce` needs: the core's `RandomNonce` (192 random bits as
/// 32 base64url characters) and a NUL.
pub const RUJ_RANDOM_NONCE_SIZE: usize = 33;

/// A fresh nonce from the core's `RandomNonce`, NUL-terminated.
fn random_nonce() -> Result<[u8; RUJ_RANDOM_NONCE_SIZE], Failure> {
    let nonce = register_usage_jwt::RandomNonce::generate()?;
    let mut text = [0u8; RUJ_RANDOM_NONCE_SIZE];
    let body = text
        .get_mut(..nonce.as_str().len())
        .ok_or(Failure::Internal)?;
    body.copy_from_slice(nonce.as_str().as_bytes());
    Ok(text)
}

/// Writes a fresh random nonce (32 base64url characters, NUL-terminated) into `buffer`,
/// which holds `size` bytes, at least `RUJ_RANDOM_NONCE_SIZE`. Send it with RegisterUsage
/// and pass the same nonce to `ruj_verifier_verify`. Never reuse one. A `size` above
/// `PTRDIFF_MAX` is `RUJ_INVALID_ARGUMENT` and writes nothing.
///
/// # Safety
/// `buffer` is NULL or `size` writable bytes; `error` is NULL or a writable `ruj_error`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ruj_random_nonce(
    buffer: *mut c_char,
    size: usize,
    error: *mut ruj_error,
) -> ruj_status {
    let body = || {
        if buffer.is_null() {
            return Err(Failure::NullArgument("buffer"));
        }
        // No buffer is that large: the size is wrong, so nothing is written at all.
        args::check_len(size, "buffer")?;
        if size < RUJ_RANDOM_NONCE_SIZE {
            if size > 0 {
                // SAFETY: not NULL and at least one writable byte: an empty string, so a
                // caller that ignores the status never sends a stale nonce.
                unsafe { buffer.write(0) };
            }
            return Err(Failure::BufferTooSmall {
                needed: RUJ_RANDOM_NONCE_SIZE,
                given: size,
            });
        }
        let nonce = random_nonce()?;
        // SAFETY: `buffer` has at least RUJ_RANDOM_NONCE_SIZE writable bytes and cannot
        // overlap our local array; `c_char` and `u8` have the same size and alignment.
        unsafe { core::ptr::copy_nonoverlapping(nonce.as_ptr(), buffer.cast::<u8>(), nonce.len()) };
        Ok(())
    };
    // SAFETY: the caller guarantees `error` is NULL or writable.
    unsafe { guard(error, body) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_base64url_and_differ() {
        let first = random_nonce().unwrap_or([0; RUJ_RANDOM_NONCE_SIZE]);
        let second = random_nonce().unwrap_or([0; RUJ_RANDOM_NONCE_SIZE]);
        assert_ne!(first, second);
        for nonce in [first, second] {
            let (digits, nul) = nonce.split_at(RUJ_RANDOM_NONCE_SIZE - 1);
            assert_eq!(nul, [0]);
            assert!(
                digits
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
            );
        }
    }
}
