//! Creating a verifier, verifying tokens with it, and freeing it.

use core::ffi::c_char;

use register_usage_jwt::{
    ConfigError, KeyPolicy, MAX_KEY_VERSIONS, Nonce, PublicKey, Registration, Verifier,
};

use crate::args;
use crate::error::{Failure, guard, ruj_error};
use crate::registration::ruj_registration;
use crate::status::ruj_status;

/// A verifier for one product: create it once at start-up, use it from any number of
/// threads at once, free it with `ruj_verifier_free`.
#[allow(non_camel_case_types)]
pub struct ruj_verifier {
    inner: Verifier,
}

/// One public key AWS Marketplace gave you, for one `PublicKeyVersion`.
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct ruj_key {
    /// The key version (1 or more).
    pub version: u32,
    /// The key in any form the library reads: PEM (any line width, or with escaped line
    /// breaks), base64 or base64url DER, or DER (SubjectPublicKeyInfo or PKCS#1). Read
    /// during the call only.
    pub data: *const u8,
    /// The length of `data` in bytes (no terminating NUL needed). Above `PTRDIFF_MAX` is
    /// `RUJ_INVALID_ARGUMENT`, refused before `data` is read.
    pub len: usize,
}

/// Reads a key in any form the library reads (PEM, escaped PEM, base64, DER): the library
/// decides the form, as it does for Rust callers.
fn parse_key(bytes: &[u8], policy: KeyPolicy) -> Result<PublicKey, Failure> {
    Ok(PublicKey::from_any_form_with_policy(bytes, policy)?)
}

/// # Safety
/// As [`ruj_verifier_new`].
unsafe fn new_verifier(
    product_code: *const c_char,
    keys: *const ruj_key,
    key_count: usize,
    verifier_out: *mut *mut ruj_verifier,
    policy: KeyPolicy,
) -> Result<(), Failure> {
    // SAFETY: the caller guarantees `verifier_out` is NULL or writable.
    let out = unsafe { args::out_pointer(verifier_out, "verifier_out") }?;
    // SAFETY: the caller guarantees `product_code` is NULL or a C string.
    let product_code = unsafe { args::c_str(product_code, "product_code") }?;
    // Bound the count before making a slice of it: more than the library accepts is a
    // configuration error whatever the keys are.
    if key_count > MAX_KEY_VERSIONS {
        return Err(ConfigError::KeyCount { found: key_count }.into());
    }
    let keys: &[ruj_key] = if keys.is_null() {
        if key_count != 0 {
            return Err(Failure::NullArgument("keys"));
        }
        &[]
    } else {
        // SAFETY: not NULL; the caller guarantees `key_count` readable, aligned `ruj_key`s,
        // and `key_count` is at most MAX_KEY_VERSIONS so the size cannot overflow.
        unsafe { core::slice::from_raw_parts(keys, key_count) }
    };
    let mut parsed = Vec::with_capacity(keys.len());
    for key in keys {
        // SAFETY: the caller guarantees each key's `data` is NULL or `len` readable bytes.
        let bytes = unsafe { args::byte_slice(key.data, key.len, "key data") }?;
        parsed.push((key.version, parse_key(bytes, policy)?));
    }
    let verifier = Verifier::new(product_code, parsed)?;
    *out = Box::into_raw(Box::new(ruj_verifier { inner: verifier }));
    Ok(())
}

/// Creates a verifier for `product_code` with one key per version. On success
/// `*verifier_out` is a verifier to free with `ruj_verifier_free`; on failure it is NULL.
///
/// Refuses keys under 2048 bits and keys whose private half is public (the AWS
/// documentation's sample key, this library's test keys). A key whose `len` is above
/// `PTRDIFF_MAX` is `RUJ_INVALID_ARGUMENT`; a `key_count` above 8 is `RUJ_KEY_COUNT`, both
/// before any memory is read.
///
/// # Safety
/// `product_code` is NULL or a NUL-terminated string; `keys` is NULL or points to
/// `key_count` `ruj_key`s whose `data` is NULL or `len` readable bytes; `verifier_out` is
/// NULL or writable; `error` is NULL or a writable `ruj_error`. Nothing is kept after
/// the call returns.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ruj_verifier_new(
    product_code: *const c_char,
    keys: *const ruj_key,
    key_count: usize,
    verifier_out: *mut *mut ruj_verifier,
    error: *mut ruj_error,
) -> ruj_status {
    let body = || {
        // SAFETY: the caller's guarantees about the arguments are passed through.
        unsafe {
            new_verifier(
                product_code,
                keys,
                key_count,
                verifier_out,
                KeyPolicy::Production,
            )
        }
    };
    // SAFETY: the caller guarantees `error` is NULL or writable.
    unsafe { guard(error, body) }
}

/// **Insecure: for tests and demos only.** As `ruj_verifier_new`, but also accepts this
/// library's own test keys, whose private keys are published: anyone can mint tokens they
/// accept. Never ship a program that calls this. The AWS documentation's sample key stays
/// refused.
///
/// # Safety
/// As `ruj_verifier_new`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ruj_verifier_new_dangerously_allowing_published_test_keys(
    product_code: *const c_char,
    keys: *const ruj_key,
    key_count: usize,
    verifier_out: *mut *mut ruj_verifier,
    error: *mut ruj_error,
) -> ruj_status {
    let body = || {
        // SAFETY: the caller's guarantees about the arguments are passed through.
        unsafe {
            new_verifier(
                product_code,
                keys,
                key_count,
                verifier_out,
                KeyPolicy::DangerouslyAllowPublishedTestKeys,
            )
        }
    };
    // SAFETY: the caller guarantees `error` is NULL or writable.
    unsafe { guard(error, body) }
}

/// Frees a verifier. NULL is allowed and does nothing.
///
/// # Safety
/// `verifier` is NULL or came from `ruj_verifier_new*` and has not been freed; no other
/// thread uses it during or after this call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ruj_verifier_free(verifier: *mut ruj_verifier) {
    if verifier.is_null() {
        return;
    }
    // Dropping a verifier frees memory and nothing else; it cannot panic.
    // SAFETY: the caller guarantees it came from `Box::into_raw` in `new_verifier` and is
    // freed once.
    drop(unsafe { Box::from_raw(verifier) });
}

/// # Safety
/// As [`ruj_verifier_verify`]; `nonce` is `None` for the replayable call.
unsafe fn verify(
    verifier: *const ruj_verifier,
    token: *const c_char,
    key_version: u32,
    nonce: Option<*const c_char>,
    registration_out: *mut *mut ruj_registration,
) -> Result<(), Failure> {
    // SAFETY: the caller guarantees `registration_out` is NULL or writable.
    let out = unsafe { args::out_pointer(registration_out, "registration_out") }?;
    if verifier.is_null() {
        return Err(Failure::NullArgument("verifier"));
    }
    // SAFETY: not NULL; the caller guarantees it came from `ruj_verifier_new*` and is not
    // freed during the call. `Verifier` is immutable and `Sync`, so shared use from many
    // threads at once is sound.
    let verifier = unsafe { &(*verifier).inner };
    // The token is bytes: the library reads it as such and refuses anything that is not a
    // compact JWT, so it needs no UTF-8 check here.
    // SAFETY: the caller guarantees `token` is NULL or a C string.
    let token = unsafe { args::c_bytes(token, "token") }?;
    let registration: Registration = match nonce {
        Some(nonce) => {
            // SAFETY: the caller guarantees `nonce` is NULL or a C string.
            let nonce = unsafe { args::c_str(nonce, "nonce") }?;
            let nonce = Nonce::new(nonce)?;
            verifier.verify(token, key_version, &nonce)?
        }
        None => verifier.verify_replayable_without_nonce(token, key_version)?,
    };
    *out = ruj_registration::new_boxed(registration)?;
    Ok(())
}

/// Verifies `token`, the `Signature` field of the RegisterUsage response, for the call that
/// sent `key_version` and `nonce`. Returns `RUJ_OK` and sets `*registration_out` (free it
/// with `ruj_registration_free`) only if the signature verifies with the key for
/// `key_version` and the token's claims echo the product code, key version and nonce;
/// otherwise `*registration_out` is NULL and the status says why.
///
/// Any status other than `RUJ_OK` means: do not run as paid software.
///
/// # Safety
/// `verifier` is NULL or a live verifier (it may be used by other threads at the same
/// time); `token` and `nonce` are NULL or NUL-terminated strings; `registration_out` is
/// NULL or writable; `error` is NULL or a writable `ruj_error`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ruj_verifier_verify(
    verifier: *const ruj_verifier,
    token: *const c_char,
    key_version: u32,
    nonce: *const c_char,
    registration_out: *mut *mut ruj_registration,
    error: *mut ruj_error,
) -> ruj_status {
    let body = || {
        // SAFETY: the caller's guarantees about the arguments are passed through.
        unsafe { verify(verifier, token, key_version, Some(nonce), registration_out) }
    };
    // SAFETY: the caller guarantees `error` is NULL or writable.
    unsafe { guard(error, body) }
}

/// **Replayable.** Verifies a token from a RegisterUsage call that sent no nonce. Without a
/// nonce, a token captured from any entitled run verifies forever. Use
/// `ruj_verifier_verify` with a fresh `ruj_random_nonce` instead. A token that carries a
/// nonce is refused here (`RUJ_UNEXPECTED_NONCE`).
///
/// # Safety
/// As `ruj_verifier_verify`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ruj_verifier_verify_replayable_without_nonce(
    verifier: *const ruj_verifier,
    token: *const c_char,
    key_version: u32,
    registration_out: *mut *mut ruj_registration,
    error: *mut ruj_error,
) -> ruj_status {
    let body = || {
        // SAFETY: the caller's guarantees about the arguments are passed through.
        unsafe { verify(verifier, token, key_version, None, registration_out) }
    };
    // SAFETY: the caller guarantees `error` is NULL or writable.
    unsafe { guard(error, body) }
}
