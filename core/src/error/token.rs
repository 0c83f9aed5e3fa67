//! The verification's door: why a token was refused ([`Error`]), the step that refused it
//! ([`Step`]) and the details of its size, shape and signature.

use core::fmt;

use super::header::{Algorithm, HeaderParameter};
use super::json::JsonDefect;
use crate::limits::MAX_KEY_VERSIONS;

/// Why a token was rejected. Match on it, or print it: the message says what to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// The token is longer than [`MAX_TOKEN_LEN`](crate::MAX_TOKEN_LEN); nothing else was read.
    TokenTooLarge {
        /// Its length in bytes.
        len: usize,
        /// The bound.
        max: usize,
    },
    /// The token is not three strict base64url segments.
    MalformedToken {
        /// What is wrong.
        defect: TokenDefect,
    },
    /// The header is not the JSON object it should be.
    MalformedHeader {
        /// What is wrong.
        defect: JsonDefect,
    },
    /// The header names an algorithm other than `PS256`.
    UnsupportedAlgorithm {
        /// Which kind of algorithm.
        found: Algorithm,
    },
    /// The header carries a parameter this verifier refuses.
    UnsupportedHeader {
        /// Which one.
        parameter: HeaderParameter,
    },
    /// No key is configured for the `PublicKeyVersion` the caller sent.
    UnknownKeyVersion {
        /// The version the caller asked for.
        requested: u32,
        /// The versions that are configured.
        configured: KeyVersions,
    },
    /// The signature does not verify with the key for the requested version.
    BadSignature {
        /// Why.
        defect: SignatureDefect,
    },
    /// The signature verified but the claims are not valid RegisterUsage claims.
    MalformedClaims {
        /// What is wrong.
        defect: JsonDefect,
    },
    /// The token's `PublicKeyVersion` is not the version whose key verified it.
    KeyVersionMismatch {
        /// The version the caller sent (and whose key verified the signature).
        expected: u32,
        /// The version in the token.
        found: u32,
    },
    /// The token was issued for another product.
    ProductCodeMismatch,
    /// The token's nonce is not the one the caller sent: a replayed token.
    NonceMismatch,
    /// The caller sent a nonce but the token carries none.
    NonceMissing,
    /// The caller declared it sent no nonce, but the token carries one.
    UnexpectedNonce,
    /// A check that cannot fail did: a bug in this crate, never the token's fault. The token
    /// is refused all the same.
    Internal,
}

/// The checks of a verification, in the order [`Verifier::verify`](crate::Verifier::verify)
/// runs them; [`Error::step`] names the one that refused a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Step {
    /// At most [`MAX_TOKEN_LEN`](crate::MAX_TOKEN_LEN) bytes.
    Size,
    /// Three segments of strict unpadded base64url.
    Shape,
    /// The header: a JSON object naming PS256 and nothing refused. Checked here when it is
    /// at most [`MAX_PRE_SIGNATURE_HEADER_LEN`](crate::MAX_PRE_SIGNATURE_HEADER_LEN) bytes
    /// long; a longer header only after [`Signature`](Step::Signature).
    Header,
    /// A key is configured for the key version the caller sent.
    KeyVersion,
    /// The PS256 signature.
    Signature,
    /// The claims: a JSON object of RegisterUsage claims.
    Claims,
    /// The token's product code is the configured one.
    ProductCode,
    /// The token's key version is the one whose key verified it.
    ClaimKeyVersion,
    /// The token's nonce is the one sent.
    Nonce,
}

impl Step {
    /// Every step, in order (a header longer than
    /// [`MAX_PRE_SIGNATURE_HEADER_LEN`](crate::MAX_PRE_SIGNATURE_HEADER_LEN) is checked after
    /// the signature).
    pub const ALL: [Step; 9] = [
        Step::Size,
        Step::Shape,
        Step::Header,
        Step::KeyVersion,
        Step::Signature,
        Step::Claims,
        Step::ProductCode,
        Step::ClaimKeyVersion,
        Step::Nonce,
    ];
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad`, so a table can align the names with `{:<17}`.
        f.pad(match self {
            Step::Size => "size",
            Step::Shape => "shape",
            Step::Header => "header",
            Step::KeyVersion => "key version",
            Step::Signature => "signature",
            Step::Claims => "claims",
            Step::ProductCode => "product code",
            Step::ClaimKeyVersion => "claim key version",
            Step::Nonce => "nonce",
        })
    }
}

impl Error {
    /// A stable, machine-readable code for this kind of rejection, such as `bad_signature`:
    /// log it and match on it; the [`Display`](core::fmt::Display) message is for people.
    ///
    /// ```
    /// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
    /// use register_usage_jwt::Error;
    ///
    /// assert_eq!(Error::NonceMismatch.code(), "nonce_mismatch");
    /// assert_eq!(Error::ProductCodeMismatch.code(), "product_code_mismatch");
    /// ```
    pub const fn code(&self) -> &'static str {
        match self {
            Error::TokenTooLarge { .. } => "token_too_large",
            Error::MalformedToken { .. } => "malformed_token",
            Error::MalformedHeader { .. } => "malformed_header",
            Error::UnsupportedAlgorithm { .. } => "unsupported_algorithm",
            Error::UnsupportedHeader { .. } => "unsupported_header",
            Error::UnknownKeyVersion { .. } => "unknown_key_version",
            Error::BadSignature { .. } => "bad_signature",
            Error::MalformedClaims { .. } => "malformed_claims",
            Error::KeyVersionMismatch { .. } => "key_version_mismatch",
            Error::ProductCodeMismatch => "product_code_mismatch",
            Error::NonceMismatch => "nonce_mismatch",
            Error::NonceMissing => "nonce_missing",
            Error::UnexpectedNonce => "unexpected_nonce",
            Error::Internal => "internal_error",
        }
    }

    /// The check that refused the token; `None` for [`Error::Internal`], which no check
    /// should produce.
    ///
    /// ```
    /// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
    /// use register_usage_jwt::{Error, Step};
    ///
    /// assert_eq!(Error::NonceMismatch.step(), Some(Step::Nonce));
    /// ```
    pub const fn step(&self) -> Option<Step> {
        Some(match self {
            Error::TokenTooLarge { .. } => Step::Size,
            Error::MalformedToken { .. } => Step::Shape,
            Error::MalformedHeader { .. }
            | Error::UnsupportedAlgorithm { .. }
            | Error::UnsupportedHeader { .. } => Step::Header,
            Error::UnknownKeyVersion { .. } => Step::KeyVersion,
            Error::BadSignature { .. } => Step::Signature,
            Error::MalformedClaims { .. } => Step::Claims,
            Error::ProductCodeMismatch => Step::ProductCode,
            Error::KeyVersionMismatch { .. } => Step::ClaimKeyVersion,
            Error::NonceMismatch | Error::NonceMissing | Error::UnexpectedNonce => Step::Nonce,
            Error::Internal => return None,
        })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::TokenTooLarge { len, max } => write!(
                f,
                "the token is {len} bytes, more than the {max} any RegisterUsage token needs; \
                 pass the `Signature` field of the RegisterUsage response, nothing else"
            ),
            Error::MalformedToken { defect } => write!(
                f,
                "the token is not a compact JWT: {defect}; pass the `Signature` field of the \
                 RegisterUsage response unchanged (no quotes, whitespace or padding)"
            ),
            Error::MalformedHeader { defect } => write!(
                f,
                "the token header is malformed ({defect}); this is not a RegisterUsage token"
            ),
            Error::UnsupportedAlgorithm { found } => write!(
                f,
                "the token is signed with {found}, but RegisterUsage tokens are PS256; \
                 refuse it: it did not come from AWS Marketplace"
            ),
            Error::UnsupportedHeader { parameter } => write!(
                f,
                "the token header carries {parameter}, which RegisterUsage tokens never do; \
                 refuse it"
            ),
            Error::UnknownKeyVersion {
                requested,
                configured,
            } => write!(
                f,
                "no public key is configured for key version {requested} (configured: \
                 {configured}); send a PublicKeyVersion you have a key for, or add the key \
                 AWS Marketplace gave you for version {requested}"
            ),
            Error::BadSignature { defect } => write!(
                f,
                "the token's signature is not valid for the configured key: {defect}; the \
                 token was altered or not issued by AWS Marketplace for this product (check \
                 that the key is the one for this product and version)"
            ),
            Error::MalformedClaims { defect } => write!(
                f,
                "the token is signed but its claims are not RegisterUsage claims ({defect})"
            ),
            Error::KeyVersionMismatch { expected, found } => write!(
                f,
                "the token says key version {found} but was verified with the key for version \
                 {expected}; refuse it"
            ),
            Error::ProductCodeMismatch => f.write_str(
                "the token was issued for another product code; check the product code you \
                 configured, otherwise refuse it",
            ),
            Error::NonceMismatch => f.write_str(
                "the token's nonce is not the one sent with this RegisterUsage call: it is a \
                 replayed token; refuse it",
            ),
            Error::NonceMissing => f.write_str(
                "a nonce was sent but the token carries none: it answers another request; \
                 refuse it",
            ),
            Error::UnexpectedNonce => f.write_str(
                "the token carries a nonce but this call declared none was sent; pass the \
                 nonce you sent to `verify`",
            ),
            Error::Internal => f.write_str(
                "a check that cannot fail did; the token is refused. This is a bug in \
                 register-usage-jwt: please report it with the token and the crate version",
            ),
        }
    }
}

impl core::error::Error for Error {}

/// One of the three dot-separated segments of a compact JWT.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Segment {
    /// The first segment: the JOSE header.
    Header,
    /// The second segment: the claims.
    Payload,
    /// The third segment: the signature.
    Signature,
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Segment::Header => "header",
            Segment::Payload => "payload",
            Segment::Signature => "signature",
        })
    }
}

/// What is wrong with the token's compact serialization.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenDefect {
    /// The token does not have exactly three segments.
    SegmentCount {
        /// How many dot-separated segments it has.
        found: usize,
    },
    /// A segment is empty.
    EmptySegment {
        /// Which one.
        segment: Segment,
    },
    /// A segment is not strict unpadded base64url: padding, whitespace, `+` or `/`,
    /// an impossible length or non-zero trailing bits.
    Base64 {
        /// Which one.
        segment: Segment,
    },
}

impl fmt::Display for TokenDefect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenDefect::SegmentCount { found } => {
                write!(f, "it has {found} dot-separated segments instead of 3")
            }
            TokenDefect::EmptySegment { segment } => write!(f, "its {segment} is empty"),
            TokenDefect::Base64 { segment } => {
                write!(f, "its {segment} is not strict unpadded base64url")
            }
        }
    }
}

/// Why the signature does not verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureDefect {
    /// The signature is not exactly as long as the key's modulus.
    Length {
        /// Decoded length in bytes.
        found: usize,
        /// The modulus length in bytes.
        expected: usize,
    },
    /// The signature, read as an integer, is not below the modulus.
    NotReduced,
    /// The RSASSA-PSS (SHA-256, MGF1-SHA-256, 32-byte salt) check failed: the token was
    /// altered, signed with another key, or signed with other PSS parameters.
    Mismatch,
}

impl fmt::Display for SignatureDefect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignatureDefect::Length { found, expected } => {
                write!(f, "it is {found} bytes, the key needs {expected}")
            }
            SignatureDefect::NotReduced => f.write_str("it is not below the modulus"),
            SignatureDefect::Mismatch => f.write_str("PS256 verification failed"),
        }
    }
}

/// The set of key versions a verifier holds, for error messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KeyVersions {
    versions: [u32; MAX_KEY_VERSIONS],
    len: usize,
}

impl KeyVersions {
    pub(crate) fn new(all: impl Iterator<Item = u32>) -> Self {
        let mut set = Self {
            versions: [0; MAX_KEY_VERSIONS],
            len: 0,
        };
        for (slot, version) in set.versions.iter_mut().zip(all) {
            *slot = version;
            set.len = set.len.saturating_add(1);
        }
        set
    }

    /// The versions, in the order they were configured.
    pub fn as_slice(&self) -> &[u32] {
        self.versions.get(..self.len).unwrap_or(&[])
    }
}

impl fmt::Display for KeyVersions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, version) in self.as_slice().iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{version}")?;
        }
        Ok(())
    }
}
