//! What can be judged of a token without its key, for tools that show a token to a person.
//!
//! **No security decision.** Nothing here checks a signature, so anyone can make a token
//! that passes every check of this module. Use it to explain a token (why a header would be
//! refused, whether its claims are well formed), never to decide whether to trust it: that
//! is [`Verifier::verify`](crate::Verifier::verify) alone.

use crate::error::Error;
use crate::token::{self as compact, UntrustedToken};

/// Judges `token` as far as it can be judged unsigned: its size and shape (the error), then
/// its header and claims with the checks [`Verifier::verify`](crate::Verifier::verify) runs
/// at those steps, and its signature's length.
///
/// **No security decision: the signature is not checked**, so a forged token passes
/// whatever this finds. It is for showing a token to a person (the command-line tool's
/// `inspect`), never for deciding to trust it; use [`Verifier::verify`](crate::Verifier::verify).
///
/// ```
/// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
/// use register_usage_jwt::{Error, inspect_unverified};
///
/// let token = include_str!("../../tests/fixtures/demo-token.txt").trim_end();
/// let view = inspect_unverified(token)?;
/// assert_eq!(view.header(), Ok(()));
/// assert_eq!(view.claims(), Ok(()));
/// assert_eq!(view.signature_len(), 384);
///
/// // `{"alg":"HS256"}`: refused at the header step, as `verify` would refuse it.
/// let view = inspect_unverified("eyJhbGciOiJIUzI1NiJ9.e30.AA")?;
/// assert_eq!(view.header().unwrap_err().code(), "unsupported_algorithm");
/// assert_eq!(view.claims().unwrap_err().code(), "malformed_claims");
/// assert_eq!(inspect_unverified("not a token").unwrap_err().code(), "malformed_token");
/// # Ok::<(), Error>(())
/// ```
///
/// # Errors
/// [`Error::TokenTooLarge`] or [`Error::MalformedToken`]: the token has no segments to judge.
pub fn inspect_unverified(token: impl AsRef<[u8]>) -> Result<UnverifiedView, Error> {
    let token = token.as_ref();
    compact::with_buffer(token.len(), |buffer| {
        let token = UntrustedToken::decode(token, buffer)?;
        let (header, payload, signature_len) = token.unsigned_parts();
        Ok(UnverifiedView {
            header: check_header_unverified(header),
            claims: check_claims_unverified(payload),
            signature_len,
        })
    })
}

/// Judges a decoded header (the JSON text of a token's first segment) with the check of
/// [`Verifier::verify`](crate::Verifier::verify)'s header step.
///
/// **No security decision**: see [`inspect_unverified`]. For tools that decode the segments
/// themselves (to show one even when another does not decode).
///
/// ```
/// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
/// use register_usage_jwt::check_header_unverified;
///
/// assert_eq!(check_header_unverified(br#"{"alg":"PS256","typ":"JWT"}"#), Ok(()));
/// let error = check_header_unverified(br#"{"alg":"none"}"#).unwrap_err();
/// assert_eq!(error.code(), "unsupported_algorithm");
/// ```
///
/// # Errors
/// [`Error::MalformedHeader`], [`Error::UnsupportedAlgorithm`] or
/// [`Error::UnsupportedHeader`].
pub fn check_header_unverified(header: &[u8]) -> Result<(), Error> {
    crate::header::check(header)
}

/// Judges a decoded payload (the JSON text of a token's second segment) with the parse of
/// [`Verifier::verify`](crate::Verifier::verify)'s claims step; only the verdict comes out.
///
/// **No security decision**: see [`inspect_unverified`]. The claims are not compared with a
/// product code, key version or nonce: that needs the verifier and a verified signature.
///
/// ```
/// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
/// use register_usage_jwt::check_claims_unverified;
///
/// let claims = br#"{"productCode":"1fszvu527waovqeuhpkyx2b5d","publicKeyVersion":1}"#;
/// assert_eq!(check_claims_unverified(claims), Ok(()));
/// let error = check_claims_unverified(br#"{"productCode":"p"}"#).unwrap_err();
/// assert_eq!(error.code(), "malformed_claims"); // `PublicKeyVersion` is missing
/// ```
///
/// # Errors
/// [`Error::MalformedClaims`].
pub fn check_claims_unverified(payload: &[u8]) -> Result<(), Error> {
    crate::claims::judge_unsigned(payload)
}

/// What [`inspect_unverified`] found in a token of the right size and shape.
///
/// **No security decision**: the signature was not checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnverifiedView {
    header: Result<(), Error>,
    claims: Result<(), Error>,
    signature_len: usize,
}

impl UnverifiedView {
    /// The header step's verdict: what [`Verifier::verify`](crate::Verifier::verify) would
    /// say of this header.
    ///
    /// # Errors
    /// As [`check_header_unverified`].
    pub fn header(&self) -> Result<(), Error> {
        self.header
    }

    /// The claims parse's verdict (not the comparison with what the caller sent).
    ///
    /// # Errors
    /// As [`check_claims_unverified`].
    pub fn claims(&self) -> Result<(), Error> {
        self.claims
    }

    /// The decoded signature's length in bytes; a key of `8 * len` bits or a little fewer
    /// makes a signature this long.
    pub fn signature_len(&self) -> usize {
        self.signature_len
    }
}

// The doctests above show the same; these run under cargo-mutants (nextest runs no doctests).
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_token_passes_every_unsigned_check() {
        let token = include_str!("../../tests/fixtures/demo-token.txt").trim_end();
        let view = inspect_unverified(token).unwrap();
        assert_eq!(view.header(), Ok(()));
        assert_eq!(view.claims(), Ok(()));
        assert_eq!(view.signature_len(), 384);
    }

    #[test]
    fn each_step_keeps_its_own_verdict() {
        // `{"alg":"HS256"}`, `{}`, one signature byte.
        let view = inspect_unverified("eyJhbGciOiJIUzI1NiJ9.e30.AA").unwrap();
        assert_eq!(view.header().unwrap_err().code(), "unsupported_algorithm");
        assert_eq!(view.claims().unwrap_err().code(), "malformed_claims");
        assert_eq!(view.signature_len(), 1);
        assert_eq!(
            inspect_unverified("not a token").unwrap_err().code(),
            "malformed_token"
        );
    }

    #[test]
    fn the_unsigned_checks_refuse_what_verify_refuses() {
        assert_eq!(
            check_header_unverified(br#"{"alg":"PS256","typ":"JWT"}"#),
            Ok(())
        );
        assert_eq!(
            check_header_unverified(br#"{"alg":"none"}"#)
                .unwrap_err()
                .code(),
            "unsupported_algorithm"
        );
        let claims = br#"{"productCode":"1fszvu527waovqeuhpkyx2b5d","publicKeyVersion":1}"#;
        assert_eq!(check_claims_unverified(claims), Ok(()));
        // `PublicKeyVersion` is missing.
        assert_eq!(
            check_claims_unverified(br#"{"productCode":"p"}"#)
                .unwrap_err()
                .code(),
            "malformed_claims"
        );
    }
}
