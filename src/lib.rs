//! Offline verification of AWS Marketplace **RegisterUsage** tokens.
//!
//! A paid container calls RegisterUsage at start-up with its product code, a
//! `PublicKeyVersion` and a fresh nonce; AWS answers with `Signature`, a PS256 JWT. This crate
//! checks that token with the public key AWS Marketplace gave the seller for that product,
//! and that its claims echo the request, so a faked endpoint or a replayed token cannot
//! start paid software.
//!
//! ```
//! use register_usage_jwt::{KeyPolicy, Nonce, PublicKey, Verifier};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // Once, at start-up. A real container embeds its product key and uses
//! // `PublicKey::from_pem`, which refuses the crate's published test keys.
//! let key = PublicKey::from_pem_with_policy(
//!     include_str!("../keys/test-only-rsa3072.pub.pem"),
//!     KeyPolicy::DangerouslyAllowPublishedTestKeys,
//! )?;
//! let verifier = Verifier::new("1fszvu527waovqeuhpkyx2b5d", [(1, key)])?;
//!
//! // For each RegisterUsage call: the version and nonce you sent, and the token you got.
//! let nonce = Nonce::new("5f0c7a52-5bd4-4d5c-93e6-1b7d2c0e9a41")?;
//! let token = include_str!("../tests/fixtures/demo-token.txt").trim_end();
//! let registration = verifier.verify(token, 1, &nonce)?;
//!
//! assert_eq!(registration.product_code(), "1fszvu527waovqeuhpkyx2b5d");
//! assert_eq!(registration.nonce(), Some(nonce.as_str()));
//! if let Some(when) = registration.public_key_rotation_timestamp() {
//!     eprintln!("key version 1 has expired (rotation at {when}): ship the new key");
//! }
//!
//! // Anything else is refused with a typed error and a stable code: here, the same
//! // signature on other claims.
//! let (header, rest) = token.split_once('.').unwrap();
//! let signature = rest.split_once('.').unwrap().1;
//! let other_claims = "eyJwcm9kdWN0Q29kZSI6IjFmc3p2dTUyN3dhb3ZxZXVocGt5eDJiNWQiLCJwdWJsaWNLZXlWZXJzaW9uIjoxfQ";
//! let forged = format!("{header}.{other_claims}.{signature}");
//! let error = verifier.verify(&forged, 1, &nonce).unwrap_err();
//! assert_eq!(error.code(), "bad_signature");
//! # Ok(())
//! # }
//! ```
//!
//! # What is checked, in order
//! 1. Size: at most [`MAX_TOKEN_LEN`] bytes, before anything else.
//! 2. Shape: three non-empty segments of strict unpadded base64url.
//! 3. Header: a JSON object with `alg` exactly `PS256`; `typ`, if present, `JWT`; no `crit`
//!    or `b64`; no member twice. Other members are ignored, never used to find a key.
//! 4. Key: the one configured for the `PublicKeyVersion` the caller sent.
//! 5. Signature: RSASSA-PSS, SHA-256, MGF1-SHA-256, salt exactly 32 bytes, over the signing
//!    input as received; the signature exactly as long as the modulus.
//! 6. Claims, only now: a JSON object; either spelling of each claim, never both.
//! 7. The product code, key version and nonce equal what the caller configured and sent.
//!
//! # Features
//! The crate is `#![no_std]` and needs `alloc` only to hold the configured keys; verifying a
//! token allocates nothing. Disable default features for a no_std build.
//! - `std` (default): [`Timestamp::to_system_time`].
//! - `getrandom`: `RandomNonce`, a fresh 192-bit nonce per call (no_std-compatible).
//! - `serde`: `Serialize` for [`Registration`].
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
mod nonce;
mod pss;
mod registration;
mod token;
mod verifier;

#[cfg(feature = "fuzzing")]
pub mod fuzzing;

pub use error::{
    Algorithm, ConfigError, Error, Expected, HeaderParameter, JsonDefect, JsonType, KeyDefect,
    KeyVersions, KnownKey, MAX_KEY_VERSIONS, Member, NonceDefect, ProductCodeDefect, Segment,
    SignatureDefect, Step, TokenDefect,
};
pub use json::{MAX_JSON_DEPTH, MAX_JSON_MEMBERS};
pub use key::{EmbeddedKey, KeyPolicy, MAX_KEY_BITS, MIN_KEY_BITS, PublicKey};
pub use key_form::{
    Base64Alphabet, DecodedKey, KeyEncoding, KeyForm, KeyFormDefect, MAX_KEY_DER_LEN, PemLabel,
    decode_key,
};
#[cfg(feature = "getrandom")]
pub use nonce::RandomNonce;
pub use nonce::{AsNonce, Nonce};
pub use registration::{
    MAX_NONCE_BYTES, MAX_NONCE_CHARS, MAX_PRODUCT_CODE_LEN, MAX_RAW_CLAIM_LEN, RawClaim,
    Registration, TimeClaim, Timestamp,
};
pub use token::MAX_TOKEN_LEN;
pub use verifier::Verifier;

/// The README's examples, compiled and run as doctests.
#[cfg(all(doctest, feature = "getrandom"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
