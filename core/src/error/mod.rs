//! Why a token was rejected ([`Error`]) and why a verifier could not be configured
//! ([`ConfigError`]).
//!
//! Every variant has a stable machine-readable [`code`](Error::code) and a `Display`
//! message that says what happened and what to do. Errors are `Copy`, hold no strings from
//! the token and no foreign types, so they can be logged and matched freely.

use core::fmt;

/// The largest number of key versions one [`Verifier`](crate::Verifier) holds.
pub const MAX_KEY_VERSIONS: usize = 8;

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

/// What is wrong with the JSON of the header or the claims.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JsonDefect {
    /// The decoded segment is not UTF-8.
    NotUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// The JSON text is not an object.
    NotAnObject,
    /// The JSON grammar is broken here.
    Syntax {
        /// Byte offset in the decoded segment.
        offset: usize,
    },
    /// A `\u` escape names half of a surrogate pair.
    UnpairedSurrogate {
        /// Byte offset in the decoded segment.
        offset: usize,
    },
    /// Something other than whitespace follows the object.
    TrailingData {
        /// Byte offset in the decoded segment.
        offset: usize,
    },
    /// The same member name appears twice (compared after unescaping).
    DuplicateMember {
        /// Byte offset of the second occurrence.
        offset: usize,
    },
    /// The object has more than [`MAX_JSON_MEMBERS`](crate::MAX_JSON_MEMBERS) members.
    TooManyMembers {
        /// The bound.
        max: usize,
    },
    /// A member's value nests deeper than [`MAX_JSON_DEPTH`](crate::MAX_JSON_DEPTH).
    NestingTooDeep {
        /// The bound.
        max: usize,
    },
    /// A required member is absent.
    MissingMember {
        /// Which one.
        member: Member,
    },
    /// A member has the wrong JSON type.
    WrongType {
        /// Which one.
        member: Member,
        /// What it should be.
        expected: Expected,
        /// What it is.
        found: JsonType,
    },
    /// A number that must be an integer has a fraction (`1.5`, `1e-1`); integral spellings
    /// such as `1.0` or `10e-1` are read as the integer they are.
    NotAnInteger {
        /// Which member.
        member: Member,
    },
    /// A member's integer value is out of range (a key version of 0, negative or above
    /// `2^32 - 1`).
    OutOfRange {
        /// Which one.
        member: Member,
    },
    /// The claim is present under two spellings (`ProductCode` and `productCode`), or under
    /// a case variant of its name: a parser that picks the other one would disagree.
    AmbiguousMember {
        /// The claim.
        member: Member,
    },
}

/// A header member or claim that this crate reads, named in errors by its documented name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Member {
    /// The header's `alg`.
    Alg,
    /// The header's `typ`.
    Typ,
    /// `ProductCode` (or `productCode`).
    ProductCode,
    /// `PublicKeyVersion` (or `publicKeyVersion`).
    PublicKeyVersion,
    /// `Nonce` (or `nonce`).
    Nonce,
    /// `PublicKeyRotationTimestamp` (or `publicKeyRotationTimestamp`).
    PublicKeyRotationTimestamp,
    /// `iat`.
    IssuedAt,
}

impl Member {
    /// The documented spelling: `alg`, `typ`, `ProductCode`, `PublicKeyVersion`, `Nonce`,
    /// `PublicKeyRotationTimestamp` or `iat`.
    pub const fn name(self) -> &'static str {
        match self {
            Member::Alg => "alg",
            Member::Typ => "typ",
            Member::ProductCode => "ProductCode",
            Member::PublicKeyVersion => "PublicKeyVersion",
            Member::Nonce => "Nonce",
            Member::PublicKeyRotationTimestamp => "PublicKeyRotationTimestamp",
            Member::IssuedAt => "iat",
        }
    }
}

impl fmt::Display for Member {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`", self.name())
    }
}

/// The type of a JSON value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JsonType {
    /// A string.
    String,
    /// A number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// `null`.
    Null,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl fmt::Display for JsonType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JsonType::String => "a string",
            JsonType::Number => "a number",
            JsonType::Boolean => "a boolean",
            JsonType::Null => "null",
            JsonType::Array => "an array",
            JsonType::Object => "an object",
        })
    }
}

/// What a member must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Expected {
    /// A string.
    String,
    /// A string, or `null` for none.
    StringOrNull,
    /// An integer from 1 to `2^32 - 1`.
    PositiveInteger,
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Expected::String => "a string",
            Expected::StringOrNull => "a string or null",
            Expected::PositiveInteger => "an integer from 1 to 4294967295",
        })
    }
}

impl fmt::Display for JsonDefect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonDefect::NotUtf8 { offset } => write!(f, "it is not UTF-8 (byte {offset})"),
            JsonDefect::NotAnObject => f.write_str("it is not a JSON object"),
            JsonDefect::Syntax { offset } => write!(f, "invalid JSON at byte {offset}"),
            JsonDefect::UnpairedSurrogate { offset } => {
                write!(f, "unpaired UTF-16 surrogate escape at byte {offset}")
            }
            JsonDefect::TrailingData { offset } => {
                write!(f, "data after the object at byte {offset}")
            }
            JsonDefect::DuplicateMember { offset } => {
                write!(f, "a member name repeats at byte {offset}")
            }
            JsonDefect::TooManyMembers { max } => write!(f, "more than {max} members"),
            JsonDefect::NestingTooDeep { max } => write!(f, "nesting deeper than {max} levels"),
            JsonDefect::MissingMember { member } => write!(f, "{member} is missing"),
            JsonDefect::WrongType {
                member,
                expected,
                found,
            } => write!(f, "{member} is {found}, expected {expected}"),
            JsonDefect::NotAnInteger { member } => {
                write!(f, "{member} has a fraction, expected an integer")
            }
            JsonDefect::OutOfRange { member } => write!(f, "{member} is out of range"),
            JsonDefect::AmbiguousMember { member } => write!(
                f,
                "{member} appears under more than one spelling, so its value is ambiguous"
            ),
        }
    }
}

/// A JOSE `alg` value this crate refuses. RegisterUsage tokens are always `PS256`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// `none`: an unsigned token.
    None,
    /// An HMAC algorithm (`HS256`, `HS384`, `HS512`): the key-confusion attack.
    Hmac,
    /// RSASSA-PKCS1-v1_5 (`RS256`, `RS384`, `RS512`).
    RsaPkcs1,
    /// RSASSA-PSS with another hash (`PS384`, `PS512`).
    RsaPssOtherHash,
    /// Elliptic-curve or EdDSA algorithms.
    EllipticCurve,
    /// Anything else, including case variants such as `ps256`.
    Other,
}

impl Algorithm {
    pub(crate) fn classify(name: &str) -> Self {
        match name {
            "none" => Algorithm::None,
            "HS256" | "HS384" | "HS512" => Algorithm::Hmac,
            "RS256" | "RS384" | "RS512" => Algorithm::RsaPkcs1,
            "PS384" | "PS512" => Algorithm::RsaPssOtherHash,
            "ES256" | "ES384" | "ES512" | "ES256K" | "EdDSA" | "Ed25519" | "Ed448" => {
                Algorithm::EllipticCurve
            }
            _ => Algorithm::Other,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Algorithm::None => "`none` (an unsigned token)",
            Algorithm::Hmac => "an HMAC algorithm (HS*)",
            Algorithm::RsaPkcs1 => "RSASSA-PKCS1-v1_5 (RS*)",
            Algorithm::RsaPssOtherHash => "RSASSA-PSS with SHA-384 or SHA-512",
            Algorithm::EllipticCurve => "an elliptic-curve algorithm",
            Algorithm::Other => "an unknown algorithm",
        })
    }
}

/// A header parameter this crate refuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HeaderParameter {
    /// `crit`: extensions the verifier would be obliged to understand.
    Crit,
    /// `b64` (RFC 7797): an unencoded payload.
    B64,
    /// `typ` with a value other than `JWT`.
    Typ,
}

impl fmt::Display for HeaderParameter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HeaderParameter::Crit => "`crit`",
            HeaderParameter::B64 => "`b64`",
            HeaderParameter::Typ => "a `typ` other than `JWT`",
        })
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

/// What is wrong with a public key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyDefect {
    /// The key text is not one public key in a form this crate reads (PEM of any line width,
    /// PEM with escaped line breaks, base64 DER): a private key, a certificate, two keys,
    /// base64 that is not a key, ...
    Form {
        /// What was found.
        defect: crate::key_form::KeyFormDefect,
    },
    /// The DER is neither an SPKI nor a PKCS#1 RSA public key.
    Der,
    /// The SPKI algorithm is neither rsaEncryption nor id-RSASSA-PSS.
    NotRsa,
    /// The id-RSASSA-PSS parameters are not SHA-256, MGF1-SHA-256, salt 32.
    PssParameters,
    /// The public exponent is even, below 3 or above 2^33 - 1.
    Exponent,
    /// The modulus is even, so not an RSA modulus.
    Modulus,
    /// The modulus is longer than [`MAX_KEY_BITS`](crate::MAX_KEY_BITS).
    TooLarge {
        /// Its size in bits.
        bits: usize,
    },
}

impl fmt::Display for KeyDefect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyDefect::Form { defect } => fmt::Display::fmt(defect, f),
            KeyDefect::Der => {
                f.write_str("its DER is neither a SubjectPublicKeyInfo nor a PKCS#1 RSA public key")
            }
            KeyDefect::NotRsa => f.write_str("it is not an RSA key"),
            KeyDefect::PssParameters => f.write_str(
                "its RSASSA-PSS parameters are not SHA-256, MGF1-SHA-256 and a 32-byte salt, so \
                 it cannot verify PS256",
            ),
            KeyDefect::Exponent => {
                f.write_str("its public exponent is even, below 3 or above 2^33-1")
            }
            KeyDefect::Modulus => f.write_str("its modulus is even, so not an RSA modulus"),
            KeyDefect::TooLarge { bits } => write!(
                f,
                "it has {bits} bits; keys above {} bits are not accepted",
                crate::MAX_KEY_BITS
            ),
        }
    }
}

/// A key whose private half is public.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KnownKey {
    /// The key in AWS's documentation example ("Replace with your public key"): the
    /// jwt.io RSA sample key, whose private key is published.
    AwsDocumentationSample,
    /// One of this crate's own test keys in `keys/`, whose private keys are in the
    /// repository.
    CrateTestKey,
}

impl fmt::Display for KnownKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KnownKey::AwsDocumentationSample => {
                "the sample key from AWS's documentation (the jwt.io sample key)"
            }
            KnownKey::CrateTestKey => "one of register-usage-jwt's own test keys",
        })
    }
}

/// What is wrong with a product code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProductCodeDefect {
    /// It is empty.
    Empty,
    /// It is longer than 255 characters.
    TooLong {
        /// Its length.
        len: usize,
    },
    /// It has a character outside `[-a-zA-Z0-9/=:_.@]`.
    Character {
        /// Byte offset of the first one.
        offset: usize,
    },
}

impl fmt::Display for ProductCodeDefect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProductCodeDefect::Empty => f.write_str("it is empty"),
            ProductCodeDefect::TooLong { len } => {
                write!(f, "it has {len} characters, more than 255")
            }
            ProductCodeDefect::Character { offset } => {
                write!(f, "byte {offset} is outside [-a-zA-Z0-9/=:_.@]")
            }
        }
    }
}

/// What is wrong with a nonce.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NonceDefect {
    /// It is empty, which protects against nothing.
    Empty,
    /// It is longer than the 255 characters RegisterUsage accepts.
    TooLong {
        /// Its length in characters.
        chars: usize,
    },
}

impl fmt::Display for NonceDefect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NonceDefect::Empty => f.write_str("it is empty"),
            NonceDefect::TooLong { chars } => {
                write!(
                    f,
                    "it has {chars} characters, more than RegisterUsage accepts"
                )
            }
        }
    }
}

/// A mistake in configuring a verifier: a key, product code or nonce that cannot be used.
/// These are the seller's to fix, not the token's fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConfigError {
    /// The key could not be read.
    InvalidKey {
        /// Why.
        defect: KeyDefect,
    },
    /// The key is shorter than [`MIN_KEY_BITS`](crate::MIN_KEY_BITS).
    WeakKey {
        /// Its size in bits.
        bits: usize,
        /// The minimum.
        min: usize,
    },
    /// The key's private half is public: anyone can mint tokens it accepts.
    CompromisedKey {
        /// Which key it is.
        key: KnownKey,
    },
    /// The product code is not a valid AWS Marketplace product code.
    InvalidProductCode {
        /// Why.
        defect: ProductCodeDefect,
    },
    /// The nonce cannot be sent to RegisterUsage.
    InvalidNonce {
        /// Why.
        defect: NonceDefect,
    },
    /// Key versions start at 1.
    InvalidKeyVersion {
        /// The version given.
        version: u32,
    },
    /// The same key version was configured twice.
    DuplicateKeyVersion {
        /// The version.
        version: u32,
    },
    /// No key, or more than [`MAX_KEY_VERSIONS`] keys, were configured.
    KeyCount {
        /// How many were given.
        found: usize,
    },
    /// The operating system's random source failed, so no fresh nonce could be made.
    NoRandomness {
        /// The OS error number, when there is one.
        os_error: Option<i32>,
    },
    /// A check that cannot fail did: a bug in this crate, not your configuration.
    Internal,
}

impl ConfigError {
    /// A stable, machine-readable code for this kind of mistake, such as `weak_key`.
    ///
    /// ```
    /// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
    /// use register_usage_jwt::{ConfigError, PublicKey};
    ///
    /// // A DER SEQUENCE holding one INTEGER: not a public key.
    /// let error = PublicKey::from_der(&[0x30, 0x03, 0x02, 0x01, 0x00]).unwrap_err();
    /// assert_eq!(error.code(), "invalid_key");
    /// assert_eq!(ConfigError::WeakKey { bits: 1024, min: 2048 }.code(), "weak_key");
    /// ```
    pub const fn code(&self) -> &'static str {
        match self {
            ConfigError::InvalidKey { .. } => "invalid_key",
            ConfigError::WeakKey { .. } => "weak_key",
            ConfigError::CompromisedKey { .. } => "compromised_key",
            ConfigError::InvalidProductCode { .. } => "invalid_product_code",
            ConfigError::InvalidNonce { .. } => "invalid_nonce",
            ConfigError::InvalidKeyVersion { .. } => "invalid_key_version",
            ConfigError::DuplicateKeyVersion { .. } => "duplicate_key_version",
            ConfigError::KeyCount { .. } => "key_count",
            ConfigError::NoRandomness { .. } => "no_randomness",
            ConfigError::Internal => "internal_error",
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::InvalidKey { defect } => {
                write!(f, "the public key cannot be used: {defect}")
            }
            ConfigError::WeakKey { bits, min } => write!(
                f,
                "the public key has {bits} bits, below the {min}-bit minimum; this is not a \
                 key AWS Marketplace issues for a product"
            ),
            ConfigError::CompromisedKey { key } => {
                write!(
                    f,
                    "this is {key}; its private key is public, so anyone could mint tokens it \
                     accepts. Use the public key AWS Marketplace gave you for your product"
                )?;
                if *key == KnownKey::CrateTestKey {
                    f.write_str(
                        " (tests and demos may opt in with \
                         KeyPolicy::DangerouslyAllowPublishedTestKeys)",
                    )?;
                }
                Ok(())
            }
            ConfigError::InvalidProductCode { defect } => write!(
                f,
                "the product code is invalid: {defect}; use the product code AWS Marketplace \
                 shows for your product"
            ),
            ConfigError::InvalidNonce { defect } => write!(
                f,
                "the nonce cannot be sent: {defect}; send a fresh random nonce of 1 to 255 \
                 characters with each RegisterUsage call"
            ),
            ConfigError::InvalidKeyVersion { version } => {
                write!(f, "key version {version} is invalid; versions start at 1")
            }
            ConfigError::DuplicateKeyVersion { version } => write!(
                f,
                "key version {version} is configured twice; give each version one key"
            ),
            ConfigError::KeyCount { found } => write!(
                f,
                "{found} keys were configured; configure between 1 and {MAX_KEY_VERSIONS}"
            ),
            ConfigError::NoRandomness { os_error } => {
                f.write_str("the operating system's random source failed")?;
                if let Some(code) = os_error {
                    write!(f, " (OS error {code})")?;
                }
                f.write_str(
                    "; do not start without a fresh nonce, and never fall back to a fixed one \
                     (a replayed token would then verify)",
                )
            }
            ConfigError::Internal => f.write_str(
                "a check that cannot fail did. This is a bug in register-usage-jwt: please \
                 report it with the key and the crate version",
            ),
        }
    }
}

impl core::error::Error for ConfigError {}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    /// Each part of a message, as the enclosing messages embed it: an empty part would leave
    /// a message that no longer names what is wrong.
    #[test]
    fn every_part_of_a_message_says_what_it_is() {
        let cases: [(&dyn fmt::Display, &str); 27] = [
            (&Segment::Payload, "payload"),
            (
                &TokenDefect::Base64 {
                    segment: Segment::Signature,
                },
                "its signature is not strict unpadded base64url",
            ),
            (&Member::Nonce, "`Nonce`"),
            (&JsonType::Array, "an array"),
            (&Expected::StringOrNull, "a string or null"),
            (
                &JsonDefect::WrongType {
                    member: Member::Typ,
                    expected: Expected::String,
                    found: JsonType::Object,
                },
                "`typ` is an object, expected a string",
            ),
            (&JsonDefect::Syntax { offset: 7 }, "invalid JSON at byte 7"),
            (&Algorithm::Hmac, "an HMAC algorithm (HS*)"),
            (&Algorithm::None, "`none` (an unsigned token)"),
            (&HeaderParameter::Crit, "`crit`"),
            (
                &SignatureDefect::Length {
                    found: 1,
                    expected: 256,
                },
                "it is 1 bytes, the key needs 256",
            ),
            (&SignatureDefect::Mismatch, "PS256 verification failed"),
            (&Step::ClaimKeyVersion, "claim key version"),
            (&Step::Header, "header"),
            (
                &KnownKey::CrateTestKey,
                "one of register-usage-jwt's own test keys",
            ),
            (
                &KnownKey::AwsDocumentationSample,
                "the sample key from AWS's documentation (the jwt.io sample key)",
            ),
            (
                &ProductCodeDefect::Character { offset: 3 },
                "byte 3 is outside [-a-zA-Z0-9/=:_.@]",
            ),
            (&ProductCodeDefect::Empty, "it is empty"),
            (
                &NonceDefect::TooLong { chars: 256 },
                "it has 256 characters, more than RegisterUsage accepts",
            ),
            (&NonceDefect::Empty, "it is empty"),
            (&JsonDefect::NotAnObject, "it is not a JSON object"),
            (
                &JsonDefect::MissingMember {
                    member: Member::Alg,
                },
                "`alg` is missing",
            ),
            (
                &TokenDefect::SegmentCount { found: 2 },
                "it has 2 dot-separated segments instead of 3",
            ),
            (&JsonType::Null, "null"),
            (
                &Expected::PositiveInteger,
                "an integer from 1 to 4294967295",
            ),
            (&HeaderParameter::Typ, "a `typ` other than `JWT`"),
            (&SignatureDefect::NotReduced, "it is not below the modulus"),
        ];
        for (part, expected) in cases {
            assert_eq!(part.to_string(), expected);
        }
        // `Step` pads, so that a table can align the names.
        assert_eq!(alloc::format!("[{:<8}]", Step::Size), "[size    ]");
    }

    /// The step of every error: the CLI's report and a seller's logs group refusals by it.
    #[test]
    fn every_error_names_its_step() {
        let nonce = Error::NonceMismatch;
        let cases = [
            (
                Error::TokenTooLarge {
                    len: 9000,
                    max: 8192,
                },
                Some(Step::Size),
            ),
            (
                Error::MalformedToken {
                    defect: TokenDefect::SegmentCount { found: 2 },
                },
                Some(Step::Shape),
            ),
            (
                Error::MalformedHeader {
                    defect: JsonDefect::NotAnObject,
                },
                Some(Step::Header),
            ),
            (
                Error::UnsupportedAlgorithm {
                    found: Algorithm::Hmac,
                },
                Some(Step::Header),
            ),
            (
                Error::UnsupportedHeader {
                    parameter: HeaderParameter::Crit,
                },
                Some(Step::Header),
            ),
            (
                Error::BadSignature {
                    defect: SignatureDefect::Mismatch,
                },
                Some(Step::Signature),
            ),
            (
                Error::MalformedClaims {
                    defect: JsonDefect::NotAnObject,
                },
                Some(Step::Claims),
            ),
            (
                Error::UnknownKeyVersion {
                    requested: 2,
                    configured: KeyVersions::new([1].into_iter()),
                },
                Some(Step::KeyVersion),
            ),
            (Error::ProductCodeMismatch, Some(Step::ProductCode)),
            (
                Error::KeyVersionMismatch {
                    expected: 1,
                    found: 2,
                },
                Some(Step::ClaimKeyVersion),
            ),
            (nonce, Some(Step::Nonce)),
            (Error::NonceMissing, Some(Step::Nonce)),
            (Error::UnexpectedNonce, Some(Step::Nonce)),
            (Error::Internal, None),
        ];
        for (error, step) in cases {
            assert_eq!(error.step(), step, "{error:?}");
        }
    }

    /// Only the crate's own test keys can be opted into; AWS's sample key never can, so its
    /// message must not suggest it.
    #[test]
    fn only_the_test_key_message_names_the_opt_in() {
        let opt_in = "KeyPolicy::DangerouslyAllowPublishedTestKeys";
        let test_key = ConfigError::CompromisedKey {
            key: KnownKey::CrateTestKey,
        };
        let sample = ConfigError::CompromisedKey {
            key: KnownKey::AwsDocumentationSample,
        };
        assert!(test_key.to_string().contains(opt_in), "{test_key}");
        assert!(!sample.to_string().contains(opt_in), "{sample}");
        assert!(sample.to_string().contains("jwt.io"), "{sample}");
    }
}
