//! What is wrong with a public key, and the keys whose private halves are public.

use core::fmt;

use crate::key_form::KeyFormDefect;
use crate::limits::MAX_KEY_BITS;

/// What is wrong with a public key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyDefect {
    /// The key text is not one public key in a form this crate reads (PEM of any line width,
    /// PEM with escaped line breaks, base64 DER): a private key, a certificate, two keys,
    /// base64 that is not a key, ...
    Form {
        /// What was found.
        defect: KeyFormDefect,
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
    /// The modulus is longer than [`MAX_KEY_BITS`].
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
                "it has {bits} bits; keys above {MAX_KEY_BITS} bits are not accepted"
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
