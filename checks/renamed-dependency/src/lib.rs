//! A seller's `no_std` crate that depends on `register-usage-jwt` under another name:
//!
//! ```toml
//! rujwt = { package = "register-usage-jwt", default-features = false, features = ["macros"] }
//! ```
//!
//! That this crate compiles is the main check: the macros' expansions must reach
//! `EmbeddedKey` through `rujwt`. `tests/renamed.rs` checks what they embed.
#![no_std]
#![forbid(unsafe_code)]

use rujwt::EmbeddedKey;

/// A real RegisterUsage product key (public; from a public integration), checked when this
/// crate compiles.
pub const PRODUCT_KEY_V1: EmbeddedKey =
    rujwt::embed_product_key!("../../keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem");

/// TEST ONLY: one of register-usage-jwt's keys, whose private half is published.
pub const TEST_KEY_DER: &[u8] = rujwt::embed_test_key!("../../keys/test-only-rsa3072.pub.pem");

/// The macros through a `use` of the renamed crate under yet another name, and in a module.
pub mod aliased {
    use rujwt as verifier_crate;

    /// The same key as [`PRODUCT_KEY_V1`](crate::PRODUCT_KEY_V1).
    pub static PRODUCT_KEYS: [verifier_crate::EmbeddedKey; 1] =
        [verifier_crate::embed_product_key!(
            "../../keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem",
        )];
}
