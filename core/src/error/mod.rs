//! Why a token was rejected ([`Error`]) and why a verifier could not be configured
//! ([`ConfigError`]).
//!
//! Every variant has a stable machine-readable [`code`](Error::code) and a `Display`
//! message that says what happened and what to do. Errors are `Copy`, hold no strings from
//! the token and no foreign types, so they can be logged and matched freely.

//!
//! One file per door: `token.rs` for verification ([`Error`] and what it carries), `json.rs`
//! and `header.rs` for what the token's JSON may hold, `key.rs` and `config.rs` for setting
//! up ([`ConfigError`]). The types that public functions return ([`Error`], [`ConfigError`] and
//! `KeyFormDefect`, in `key_form.rs` beside the key forms it names) implement
//! [`core::error::Error`], with [`source`](core::error::Error::source) where one wraps
//! another; the defects inside them are details with a `Display` of their own.

mod config;
mod header;
mod json;
mod key;
mod token;

pub use config::{ConfigError, NonceDefect, ProductCodeDefect};
pub use header::{Algorithm, HeaderParameter};
pub use json::{Expected, JsonDefect, JsonType, Member};
pub use key::{KeyDefect, KnownKey};
pub use token::{Error, KeyVersions, Segment, SignatureDefect, Step, TokenDefect};

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use core::fmt;

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

    /// A configuration error that wraps an error of its own names it as its source, so that
    /// error reporters can walk the chain.
    #[test]
    fn an_invalid_key_form_is_the_source() {
        use crate::key_form::KeyFormDefect;
        use core::error::Error as _;
        let form = ConfigError::InvalidKey {
            defect: KeyDefect::Form {
                defect: KeyFormDefect::PrivateKey,
            },
        };
        let source = form.source().map(alloc::string::ToString::to_string);
        assert_eq!(source, Some(KeyFormDefect::PrivateKey.to_string()));
        let der = ConfigError::InvalidKey {
            defect: KeyDefect::Der,
        };
        assert!(der.source().is_none());
        assert!(Error::NonceMismatch.source().is_none());
    }
}
