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
//! - `macros`: [`embed_product_key!`] and [`embed_test_key!`], the product key compiled in
//!   and checked at compile time (the procedural macros of `register-usage-jwt-macros`).
//!
//! # Embedding the product key (feature `macros`)
//! With the `macros` feature, [`embed_product_key!`] reads your product key's file while
//! your crate compiles, runs the checks of [`PublicKey::from_pem`] and fails the build if
//! the key would be refused at run time. See [`embed_product_key!`] for an example.
//!
#![cfg_attr(
    feature = "macros",
    doc = "[`embed_product_key!`]: crate::embed_product_key\n\n[`embed_test_key!`]: crate::embed_test_key"
)]
#![cfg_attr(
    not(feature = "macros"),
    doc = "[`embed_product_key!`]: https://docs.rs/register-usage-jwt/latest/register_usage_jwt/macro.embed_product_key.html\n\n[`embed_test_key!`]: https://docs.rs/register-usage-jwt/latest/register_usage_jwt/macro.embed_test_key.html"
)]
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// The implementation lives in `register-usage-jwt-core`, so that `register-usage-jwt-macros`
// can check keys with the same code at compile time; this crate is its public face.
pub use register_usage_jwt_core::*;

#[cfg(feature = "macros")]
mod macros;

/// The procedural macros behind [`embed_product_key!`] and [`embed_test_key!`]; not an API.
#[cfg(feature = "macros")]
#[doc(hidden)]
pub use register_usage_jwt_macros as __macros;

/// The README's examples, compiled and run as doctests.
#[cfg(all(doctest, feature = "getrandom"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
