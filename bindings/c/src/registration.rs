//! A verified registration and its accessors.

use core::ffi::c_char;
use std::ffi::CString;

use register_usage_jwt::{Registration, TimeClaim};

use crate::error::Failure;

/// A verified RegisterUsage registration, returned only by a successful verify. Read it
/// with the `ruj_registration_*` functions; free it with `ruj_registration_free`. Immutable:
/// any thread may read it.
#[allow(non_camel_case_types)]
pub struct ruj_registration {
    inner: Registration,
    product_code: CString,
    nonce: Option<CString>,
}

impl ruj_registration {
    /// Boxes a registration with NUL-terminated copies of its strings.
    pub(crate) fn new_boxed(inner: Registration) -> Result<*mut Self, Failure> {
        // Neither string can hold a NUL: the product code is checked against
        // `[-a-zA-Z0-9/=:_.@]` and the nonce equals the caller's C string. Should that ever
        // change, refuse rather than cut it.
        let product_code = CString::new(inner.product_code()).map_err(|_| Failure::Internal)?;
        let nonce = match inner.nonce() {
            Some(nonce) => Some(CString::new(nonce).map_err(|_| Failure::Internal)?),
            None => None,
        };
        Ok(Box::into_raw(Box::new(Self {
            inner,
            product_code,
            nonce,
        })))
    }
}

/// The claim is absent (or JSON `null`).
pub const RUJ_TIME_ABSENT: i32 = 0;
/// The claim is a number of seconds since the Unix epoch, written to `*seconds_out`.
pub const RUJ_TIME_SECONDS: i32 = 1;
/// The claim is present but not a NumericDate (a string, a negative or huge number, ...):
/// informational claims of any form verify. For the rotation timestamp this still means
/// the key version has expired.
pub const RUJ_TIME_OTHER: i32 = 2;

/// The one place that reads the core's timestamp type: a claim time as a kind and, when
/// it is a number, its seconds. Other kinds may be added; callers treat an unknown kind as
/// "present, but not a number of seconds".
fn claim_time(time: Option<&TimeClaim>) -> (i32, f64) {
    match time.map(TimeClaim::timestamp) {
        None => (RUJ_TIME_ABSENT, 0.0),
        Some(Some(time)) => (RUJ_TIME_SECONDS, time.as_secs_f64()),
        Some(None) => (RUJ_TIME_OTHER, 0.0),
    }
}

/// # Safety
/// `registration` is NULL or live; `seconds_out` is NULL or a writable `double`.
unsafe fn write_time(
    registration: *const ruj_registration,
    read: impl FnOnce(&Registration) -> Option<&TimeClaim>,
    seconds_out: *mut f64,
) -> i32 {
    // SAFETY: the caller guarantees NULL or a live registration.
    let Some(registration) = (unsafe { registration.as_ref() }) else {
        return RUJ_TIME_ABSENT;
    };
    let (kind, seconds) = claim_time(read(&registration.inner));
    if !seconds_out.is_null() {
        // SAFETY: not NULL; the caller guarantees a writable, aligned `double`.
        unsafe { seconds_out.write(seconds) };
    }
    kind
}

/// The product code: the one the verifier was configured with. Valid until the
/// registration is freed. NULL if `registration` is NULL.
///
/// # Safety
/// `registration` is NULL or came from a successful verify and has not been freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ruj_registration_product_code(
    registration: *const ruj_registration,
) -> *const c_char {
    // SAFETY: the caller guarantees NULL or a live registration.
    match unsafe { registration.as_ref() } {
        Some(registration) => registration.product_code.as_ptr(),
        None => core::ptr::null(),
    }
}

/// The public key version whose key verified the token; 0 if `registration` is NULL.
///
/// # Safety
/// As `ruj_registration_product_code`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ruj_registration_key_version(
    registration: *const ruj_registration,
) -> u32 {
    // SAFETY: the caller guarantees NULL or a live registration.
    unsafe { registration.as_ref() }.map_or(0, |registration| registration.inner.key_version())
}

/// The nonce: the one sent. NULL for a registration from
/// `ruj_verifier_verify_replayable_without_nonce` (or a NULL `registration`). Valid until
/// the registration is freed.
///
/// # Safety
/// As `ruj_registration_product_code`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ruj_registration_nonce(
    registration: *const ruj_registration,
) -> *const c_char {
    // SAFETY: the caller guarantees NULL or a live registration.
    match unsafe { registration.as_ref() }.and_then(|registration| registration.nonce.as_ref()) {
        Some(nonce) => nonce.as_ptr(),
        None => core::ptr::null(),
    }
}

/// When AWS issued the token (`iat`), if it says. Returns `RUJ_TIME_SECONDS` and writes
/// the epoch seconds (possibly fractional) to `*seconds_out` (if not NULL),
/// `RUJ_TIME_OTHER` when the claim is present but not a NumericDate, or `RUJ_TIME_ABSENT`.
///
/// # Safety
/// `registration` as `ruj_registration_product_code`; `seconds_out` is NULL or a writable
/// `double`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ruj_registration_issued_at(
    registration: *const ruj_registration,
    seconds_out: *mut f64,
) -> i32 {
    // SAFETY: passed through from our caller.
    unsafe { write_time(registration, Registration::issued_at, seconds_out) }
}

/// `PublicKeyRotationTimestamp`: present only when the key version used has expired. The
/// token is still valid, but ship the new key version AWS Marketplace gives you; log it
/// loudly. Returns a kind as `ruj_registration_issued_at`.
///
/// # Safety
/// As `ruj_registration_issued_at`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ruj_registration_public_key_rotation_timestamp(
    registration: *const ruj_registration,
    seconds_out: *mut f64,
) -> i32 {
    // SAFETY: passed through from our caller.
    unsafe {
        write_time(
            registration,
            Registration::public_key_rotation_timestamp,
            seconds_out,
        )
    }
}

/// Frees a registration. NULL is allowed and does nothing.
///
/// # Safety
/// `registration` is NULL or came from a successful verify and has not been freed; no
/// other thread reads it during or after this call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ruj_registration_free(registration: *mut ruj_registration) {
    if registration.is_null() {
        return;
    }
    // SAFETY: the caller guarantees it came from `Box::into_raw` in `new_boxed` and is
    // freed once.
    drop(unsafe { Box::from_raw(registration) });
}
