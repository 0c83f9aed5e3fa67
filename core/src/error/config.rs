//! The configuration's door: why a verifier, key or nonce could not be set up
//! ([`ConfigError`]).

use core::fmt;

use super::key::{KeyDefect, KnownKey};
use crate::limits::MAX_KEY_VERSIONS;

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

impl core::error::Error for ConfigError {
    /// The key-form defect of [`ConfigError::InvalidKey`], which is an error of its own (the
    /// one [`decode_key`](crate::decode_key) returns); `None` otherwise.
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            ConfigError::InvalidKey {
                defect: KeyDefect::Form { defect },
            } => Some(defect),
            _ => None,
        }
    }
}
