//! Fresh random nonces, one per RegisterUsage call.

use core::ffi::c_char;

use crate::error::{Failure, guard, ruj_error};
use crate::status::ruj_status;

/// Random bytes in a nonce: 128 bits, so a replayed token never matches by chance.
const NONCE_RANDOM_BYTES: usize = 16;

/// The buffer size `ruj_random_nonce` needs: 32 lowercase hex digits and a NUL.
pub const RUJ_RANDOM_NONCE_SIZE: usize = 33;
const _: () = assert!(RUJ_RANDOM_NONCE_SIZE == NONCE_RANDOM_BYTES * 2 + 1);

/// 32 lowercase hex digits of 128 bits from the operating system's random source.
fn random_nonce() -> Result<[u8; RUJ_RANDOM_NONCE_SIZE], Failure> {
    let mut random = [0u8; NONCE_RANDOM_BYTES];
    getrandom::fill(&mut random).map_err(|_| Failure::RandomUnavailable)?;
    let mut text = [0u8; RUJ_RANDOM_NONCE_SIZE];
    for (pair, byte) in text.chunks_exact_mut(2).zip(random) {
        for (digit, nibble) in pair.iter_mut().zip([byte >> 4, byte & 0x0f]) {
            *digit = b"0123456789abcdef"
                .get(usize::from(nibble))
                .copied()
                .unwrap_or(b'0');
        }
    }
    Ok(text)
}

/// Writes a fresh random nonce (32 lowercase hex digits, NUL-terminated) into `buffer`,
/// which holds `size` bytes, at least `RUJ_RANDOM_NONCE_SIZE`. Send it with RegisterUsage
/// and pass the same nonce to `ruj_verifier_verify`. Never reuse one.
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
    fn nonces_are_hex_and_differ() {
        let first = random_nonce().unwrap_or([0; RUJ_RANDOM_NONCE_SIZE]);
        let second = random_nonce().unwrap_or([0; RUJ_RANDOM_NONCE_SIZE]);
        assert_ne!(first, second);
        for nonce in [first, second] {
            let (digits, nul) = nonce.split_at(RUJ_RANDOM_NONCE_SIZE - 1);
            assert_eq!(nul, [0]);
            assert!(
                digits
                    .iter()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            );
        }
    }
}
