//! The implementation of [register-usage-jwt](https://docs.rs/register-usage-jwt): offline
//! verification of AWS Marketplace RegisterUsage tokens (PS256 JWTs).
//!
//! **Depend on `register-usage-jwt`, not on this crate.** It re-exports everything here under
//! the same names (`register_usage_jwt::Verifier`, ...) and, behind its `macros` feature,
//! the compile-time key embedding of `register-usage-jwt-macros`. This crate exists so that
//! the macros can run the same key checks at compile time: a crate cannot depend on a
//! procedural macro crate that depends on it. Its documentation and examples are written
//! for `register_usage_jwt`.
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod claims;
mod error;
mod header;
mod json;
mod key;
mod key_form;
mod known_keys;
mod limits;
mod nonce;
mod registration;
mod rsa;
mod token;
mod unverified;
mod verifier;

#[cfg(feature = "fuzzing")]
#[cfg_attr(docsrs, doc(cfg(feature = "fuzzing")))]
pub mod fuzzing;

pub use error::{
    Algorithm, ConfigError, Error, Expected, HeaderParameter, JsonDefect, JsonType, KeyDefect,
    KeyVersions, KnownKey, Member, NonceDefect, ProductCodeDefect, Segment, SignatureDefect, Step,
    TokenDefect,
};
pub use json::{MAX_JSON_DEPTH, MAX_JSON_MEMBERS};
#[doc(hidden)]
pub use key::{__EmbeddingParts, __prepare_for_embedding};
pub use key::{EmbeddedKey, KeyPolicy, PublicKey};
pub use key_form::{
    Base64Alphabet, DecodedKey, KeyEncoding, KeyForm, KeyFormDefect, MAX_KEY_DER_LEN, PemLabel,
    decode_key,
};
pub use limits::{MAX_KEY_BITS, MAX_KEY_VERSIONS, MAX_PRE_SIGNATURE_HEADER_LEN, MIN_KEY_BITS};
#[cfg(feature = "getrandom")]
pub use nonce::RandomNonce;
pub use nonce::{AsNonce, Nonce};
pub use registration::{
    MAX_NONCE_BYTES, MAX_NONCE_CHARS, MAX_PRODUCT_CODE_LEN, MAX_RAW_CLAIM_LEN, RawClaim,
    Registration, TimeClaim, Timestamp,
};
pub use token::MAX_TOKEN_LEN;
pub use unverified::{
    UnverifiedView, check_claims_unverified, check_header_unverified, inspect_unverified,
};
pub use verifier::Verifier;
