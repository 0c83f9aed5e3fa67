//! Narrow entry points into the internal parsers, for the fuzz targets only.
//!
//! Enabled by the `fuzzing` feature; not part of the stable API.

use crate::error::{ConfigError, Error, SignatureDefect};
use crate::key::PublicKey;

/// The token states and the claims, so that the compile-fail tests can show that claims are
/// parsed only from a [`VerifiedToken`].
pub use crate::claims::Claims;
pub use crate::token::{UntrustedToken, VerifiedToken};

/// Runs the header check on decoded header bytes.
///
/// # Errors
/// As the header step of [`Verifier::verify`](crate::Verifier::verify).
pub fn check_header(header: &[u8]) -> Result<(), Error> {
    crate::check_header_unverified(header)
}

/// Parses decoded claims bytes and reports whether they are well formed.
///
/// # Errors
/// [`Error::MalformedClaims`].
pub fn parse_claims(payload: &[u8]) -> Result<(), Error> {
    crate::check_claims_unverified(payload)
}

/// The crate's own PS256 check of `signature` over `message` under `key`: the same function
/// the verifier calls.
///
/// # Errors
/// Why the signature does not verify.
pub fn verify_pss(
    key: &PublicKey,
    message: &[u8],
    signature: &[u8],
) -> Result<(), SignatureDefect> {
    key.rsa().verify_ps256(message, signature)
}

/// One error of every [`Error`] variant, in declaration order: the conformance test
/// (`tests/suite/conformance.rs`) takes every rejection code from here, not from a copied
/// list, so a new variant fails it until the corpus has a case for its code.
pub fn every_error() -> [Error; 14] {
    use crate::error::{Algorithm, HeaderParameter, JsonDefect, KeyVersions, TokenDefect};
    [
        Error::TokenTooLarge {
            len: crate::MAX_TOKEN_LEN.saturating_add(1),
            max: crate::MAX_TOKEN_LEN,
        },
        Error::MalformedToken {
            defect: TokenDefect::SegmentCount { found: 1 },
        },
        Error::MalformedHeader {
            defect: JsonDefect::NotAnObject,
        },
        Error::UnsupportedAlgorithm {
            found: Algorithm::None,
        },
        Error::UnsupportedHeader {
            parameter: HeaderParameter::Crit,
        },
        Error::UnknownKeyVersion {
            requested: 2,
            configured: KeyVersions::new([1].into_iter()),
        },
        Error::BadSignature {
            defect: SignatureDefect::Mismatch,
        },
        Error::MalformedClaims {
            defect: JsonDefect::NotAnObject,
        },
        Error::KeyVersionMismatch {
            expected: 1,
            found: 2,
        },
        Error::ProductCodeMismatch,
        Error::NonceMismatch,
        Error::NonceMissing,
        Error::UnexpectedNonce,
        Error::Internal,
    ]
}

/// One error of every [`ConfigError`] variant, in declaration order (as [`every_error`]).
pub fn every_config_error() -> [ConfigError; 10] {
    use crate::error::{KeyDefect, KnownKey, NonceDefect, ProductCodeDefect};
    [
        ConfigError::InvalidKey {
            defect: KeyDefect::Der,
        },
        ConfigError::WeakKey {
            bits: 1024,
            min: crate::MIN_KEY_BITS,
        },
        ConfigError::CompromisedKey {
            key: KnownKey::CrateTestKey,
        },
        ConfigError::InvalidProductCode {
            defect: ProductCodeDefect::Empty,
        },
        ConfigError::InvalidNonce {
            defect: NonceDefect::Empty,
        },
        ConfigError::InvalidKeyVersion { version: 0 },
        ConfigError::DuplicateKeyVersion { version: 1 },
        ConfigError::KeyCount { found: 0 },
        ConfigError::NoRandomness { os_error: None },
        ConfigError::Internal,
    ]
}

/// The index of `error`'s variant in [`every_error`]. The match is exhaustive (inside this
/// crate `#[non_exhaustive]` does not apply), so a new variant stops the crate compiling
/// here: give it the next number and a sample at that index in [`every_error`] (the unit
/// test below checks the two agree).
pub const fn error_slot(error: &Error) -> usize {
    match error {
        Error::TokenTooLarge { .. } => 0,
        Error::MalformedToken { .. } => 1,
        Error::MalformedHeader { .. } => 2,
        Error::UnsupportedAlgorithm { .. } => 3,
        Error::UnsupportedHeader { .. } => 4,
        Error::UnknownKeyVersion { .. } => 5,
        Error::BadSignature { .. } => 6,
        Error::MalformedClaims { .. } => 7,
        Error::KeyVersionMismatch { .. } => 8,
        Error::ProductCodeMismatch => 9,
        Error::NonceMismatch => 10,
        Error::NonceMissing => 11,
        Error::UnexpectedNonce => 12,
        Error::Internal => 13,
    }
}

/// The index of `error`'s variant in [`every_config_error`], as [`error_slot`].
pub const fn config_error_slot(error: &ConfigError) -> usize {
    match error {
        ConfigError::InvalidKey { .. } => 0,
        ConfigError::WeakKey { .. } => 1,
        ConfigError::CompromisedKey { .. } => 2,
        ConfigError::InvalidProductCode { .. } => 3,
        ConfigError::InvalidNonce { .. } => 4,
        ConfigError::InvalidKeyVersion { .. } => 5,
        ConfigError::DuplicateKeyVersion { .. } => 6,
        ConfigError::KeyCount { .. } => 7,
        ConfigError::NoRandomness { .. } => 8,
        ConfigError::Internal => 9,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each sample sits at its variant's index, so the lists hold every variant once.
    #[test]
    fn every_variant_is_listed_once() {
        for (i, error) in every_error().iter().enumerate() {
            assert_eq!(error_slot(error), i, "{error:?}");
        }
        for (i, error) in every_config_error().iter().enumerate() {
            assert_eq!(config_error_slot(error), i, "{error:?}");
        }
        let mut codes: alloc::vec::Vec<&str> = every_error().iter().map(Error::code).collect();
        codes.extend(every_config_error().iter().map(ConfigError::code));
        let count = codes.len();
        codes.sort_unstable();
        codes.dedup();
        // `internal_error` is the one code both enums share.
        assert_eq!(codes.len(), count.saturating_sub(1));
    }
}
