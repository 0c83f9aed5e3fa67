//! Narrow entry points into the internal parsers, for the fuzz targets only.
//!
//! Enabled by the `fuzzing` feature; not part of the stable API.

use crate::error::{Error, SignatureDefect};
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
