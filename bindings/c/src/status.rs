//! Stable numeric status codes, keyed by the library's string codes.
//!
//! The string codes (`Error::code()`, `ConfigError::code()`) are the source of truth; the
//! numbers are looked up in [`TABLE`] by string. A rejection or configuration error the
//! core adds later (its error enums are `#[non_exhaustive]`) maps to
//! [`RUJ_OTHER_REJECTION`] or [`RUJ_OTHER_CONFIGURATION_ERROR`] until it is given a number
//! here, and `ruj_error.code` still carries its exact string code. Numbers are never
//! reused or renumbered.

use core::ffi::{CStr, c_char};

/// A status: `RUJ_OK`, or why a call failed. Ranges: 1 to 99 the token was rejected,
/// 100 to 199 the verifier's configuration (key, product code, nonce) is wrong, 200 to 299
/// the call itself was wrong (a NULL pointer, text that is not UTF-8, an impossible length)
/// or the library failed.
#[allow(non_camel_case_types)]
pub type ruj_status = i32;

/// Success.
pub const RUJ_OK: ruj_status = 0;

/// Rejected: the token is longer than any RegisterUsage token (`token_too_large`).
pub const RUJ_TOKEN_TOO_LARGE: ruj_status = 1;
/// Rejected: not three strict base64url segments (`malformed_token`).
pub const RUJ_MALFORMED_TOKEN: ruj_status = 2;
/// Rejected: the header is not the JSON object it should be (`malformed_header`).
pub const RUJ_MALFORMED_HEADER: ruj_status = 3;
/// Rejected: an algorithm other than PS256 (`unsupported_algorithm`).
pub const RUJ_UNSUPPORTED_ALGORITHM: ruj_status = 4;
/// Rejected: a header parameter RegisterUsage tokens never carry (`unsupported_header`).
pub const RUJ_UNSUPPORTED_HEADER: ruj_status = 5;
/// Rejected: no key is configured for the key version sent (`unknown_key_version`).
pub const RUJ_UNKNOWN_KEY_VERSION: ruj_status = 6;
/// Rejected: the signature does not verify: forged or altered (`bad_signature`).
pub const RUJ_BAD_SIGNATURE: ruj_status = 7;
/// Rejected: signed, but not RegisterUsage claims (`malformed_claims`).
pub const RUJ_MALFORMED_CLAIMS: ruj_status = 8;
/// Rejected: the token names another key version (`key_version_mismatch`).
pub const RUJ_KEY_VERSION_MISMATCH: ruj_status = 9;
/// Rejected: issued for another product (`product_code_mismatch`).
pub const RUJ_PRODUCT_CODE_MISMATCH: ruj_status = 10;
/// Rejected: another nonce: a replayed token (`nonce_mismatch`).
pub const RUJ_NONCE_MISMATCH: ruj_status = 11;
/// Rejected: a nonce was sent but the token has none (`nonce_missing`).
pub const RUJ_NONCE_MISSING: ruj_status = 12;
/// Rejected: no nonce was sent but the token has one (`unexpected_nonce`).
pub const RUJ_UNEXPECTED_NONCE: ruj_status = 13;
/// Rejected for a reason newer than this table; `ruj_error.code` names it
/// (`other_rejection`).
pub const RUJ_OTHER_REJECTION: ruj_status = 99;

/// Configuration: the key cannot be read (`invalid_key`).
pub const RUJ_INVALID_KEY: ruj_status = 100;
/// Configuration: the key is under 2048 bits (`weak_key`).
pub const RUJ_WEAK_KEY: ruj_status = 101;
/// Configuration: the key's private half is public (`compromised_key`).
pub const RUJ_COMPROMISED_KEY: ruj_status = 102;
/// Configuration: not an AWS Marketplace product code (`invalid_product_code`).
pub const RUJ_INVALID_PRODUCT_CODE: ruj_status = 103;
/// Configuration: the nonce is empty or over 255 characters (`invalid_nonce`).
pub const RUJ_INVALID_NONCE: ruj_status = 104;
/// Configuration: key version 0 (`invalid_key_version`).
pub const RUJ_INVALID_KEY_VERSION: ruj_status = 105;
/// Configuration: one key version given twice (`duplicate_key_version`).
pub const RUJ_DUPLICATE_KEY_VERSION: ruj_status = 106;
/// Configuration: no key, or more than 8 (`key_count`).
pub const RUJ_KEY_COUNT: ruj_status = 107;
/// Configuration error newer than this table; `ruj_error.code` names it
/// (`other_configuration_error`).
pub const RUJ_OTHER_CONFIGURATION_ERROR: ruj_status = 199;

/// Call: a required pointer argument is NULL (`null_argument`).
pub const RUJ_NULL_ARGUMENT: ruj_status = 200;
/// Call: a text argument (product code, nonce, PEM key) is not UTF-8 (`invalid_utf8`).
pub const RUJ_INVALID_UTF8: ruj_status = 201;
/// Call: the caller's buffer is too small (`buffer_too_small`).
pub const RUJ_BUFFER_TOO_SMALL: ruj_status = 202;
/// Call: the operating system's random source failed (`no_randomness`, the core's code).
pub const RUJ_RANDOM_UNAVAILABLE: ruj_status = 203;
/// Call: an argument no valid call can hold (`invalid_argument`): a length above
/// `PTRDIFF_MAX` (no C object is that large), refused before anything is read. The C++
/// wrapper also raises it for a `std::string` token, nonce or product code holding a NUL,
/// which a C string would silently cut.
pub const RUJ_INVALID_ARGUMENT: ruj_status = 204;
/// The library failed internally (a bug: please report it); nothing was verified
/// (`internal_error`).
pub const RUJ_INTERNAL_ERROR: ruj_status = 299;

/// Every status with its string code. The rejection and configuration codes are exactly
/// the core's `Error::code()` and `ConfigError::code()`.
const TABLE: &[(ruj_status, &CStr)] = &[
    (RUJ_OK, c"ok"),
    (RUJ_TOKEN_TOO_LARGE, c"token_too_large"),
    (RUJ_MALFORMED_TOKEN, c"malformed_token"),
    (RUJ_MALFORMED_HEADER, c"malformed_header"),
    (RUJ_UNSUPPORTED_ALGORITHM, c"unsupported_algorithm"),
    (RUJ_UNSUPPORTED_HEADER, c"unsupported_header"),
    (RUJ_UNKNOWN_KEY_VERSION, c"unknown_key_version"),
    (RUJ_BAD_SIGNATURE, c"bad_signature"),
    (RUJ_MALFORMED_CLAIMS, c"malformed_claims"),
    (RUJ_KEY_VERSION_MISMATCH, c"key_version_mismatch"),
    (RUJ_PRODUCT_CODE_MISMATCH, c"product_code_mismatch"),
    (RUJ_NONCE_MISMATCH, c"nonce_mismatch"),
    (RUJ_NONCE_MISSING, c"nonce_missing"),
    (RUJ_UNEXPECTED_NONCE, c"unexpected_nonce"),
    (RUJ_OTHER_REJECTION, c"other_rejection"),
    (RUJ_INVALID_KEY, c"invalid_key"),
    (RUJ_WEAK_KEY, c"weak_key"),
    (RUJ_COMPROMISED_KEY, c"compromised_key"),
    (RUJ_INVALID_PRODUCT_CODE, c"invalid_product_code"),
    (RUJ_INVALID_NONCE, c"invalid_nonce"),
    (RUJ_INVALID_KEY_VERSION, c"invalid_key_version"),
    (RUJ_DUPLICATE_KEY_VERSION, c"duplicate_key_version"),
    (RUJ_KEY_COUNT, c"key_count"),
    (RUJ_OTHER_CONFIGURATION_ERROR, c"other_configuration_error"),
    (RUJ_NULL_ARGUMENT, c"null_argument"),
    (RUJ_INVALID_UTF8, c"invalid_utf8"),
    (RUJ_BUFFER_TOO_SMALL, c"buffer_too_small"),
    (RUJ_RANDOM_UNAVAILABLE, c"no_randomness"),
    (RUJ_INVALID_ARGUMENT, c"invalid_argument"),
    (RUJ_INTERNAL_ERROR, c"internal_error"),
];

/// The string code for a number not in the table.
const UNKNOWN_STATUS: &CStr = c"unknown_status";

/// The status for a string code, `fallback` if the table does not know it yet.
pub(crate) fn status_for(code: &str, fallback: ruj_status) -> ruj_status {
    TABLE
        .iter()
        .find(|(_, name)| name.to_bytes() == code.as_bytes())
        .map_or(fallback, |(status, _)| *status)
}

/// The string code of a status number, as a static C string.
pub(crate) fn code_of(status: ruj_status) -> &'static CStr {
    TABLE
        .iter()
        .find(|(number, _)| *number == status)
        .map_or(UNKNOWN_STATUS, |(_, name)| name)
}

/// The string code of `status`: `"ok"`, the same code as the Rust library's
/// `Error::code()` / `ConfigError::code()` (such as `"bad_signature"`), or a code of this
/// interface (`"null_argument"`, ...). `"unknown_status"` for a number that is no status.
/// The string is static: never free it.
#[unsafe(no_mangle)]
pub extern "C" fn ruj_status_code(status: ruj_status) -> *const c_char {
    code_of(status).as_ptr()
}

/// True (1) if `status` means the token was refused: the program must not run as paid.
#[unsafe(no_mangle)]
pub extern "C" fn ruj_status_is_rejection(status: ruj_status) -> bool {
    (1..=99).contains(&status)
}

/// True (1) if `status` means the verifier's configuration is wrong (the seller's key,
/// product code or nonce), not the token.
#[unsafe(no_mangle)]
pub extern "C" fn ruj_status_is_configuration_error(status: ruj_status) -> bool {
    (100..=199).contains(&status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_codes_are_unique_and_round_trip() {
        for (i, (status, code)) in TABLE.iter().enumerate() {
            let code = code.to_str().unwrap_or("");
            assert_eq!(status_for(code, -1), *status, "{code}");
            assert_eq!(code_of(*status).to_str().ok(), Some(code));
            for (other_status, other_code) in TABLE.iter().skip(i.saturating_add(1)) {
                assert_ne!(status, other_status);
                assert_ne!(code.as_bytes(), other_code.to_bytes());
            }
        }
    }

    #[test]
    fn a_code_newer_than_the_table_falls_back() {
        assert_eq!(
            status_for("a_rejection_added_later", RUJ_OTHER_REJECTION),
            RUJ_OTHER_REJECTION
        );
        assert_eq!(code_of(12345).to_bytes(), b"unknown_status");
        assert_eq!(code_of(-1).to_bytes(), b"unknown_status");
    }

    #[test]
    fn ranges_classify() {
        for (status, _) in TABLE {
            let rejection = ruj_status_is_rejection(*status);
            let config = ruj_status_is_configuration_error(*status);
            assert!(!(rejection && config));
            if *status == RUJ_OK || *status >= RUJ_NULL_ARGUMENT {
                assert!(!rejection && !config);
            }
        }
        assert!(ruj_status_is_rejection(RUJ_OTHER_REJECTION));
        assert!(ruj_status_is_configuration_error(
            RUJ_OTHER_CONFIGURATION_ERROR
        ));
    }
}
