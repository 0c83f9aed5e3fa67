//! Feature `macros`: `register_usage_jwt::embed_product_key!` and `embed_test_key!`, the
//! procedural macros of `register-usage-jwt-macros` under this crate's name. (Through a
//! renamed dependency: `checks/renamed-dependency/`.)
#![cfg(feature = "macros")]
#![allow(clippy::expect_used)]

use register_usage_jwt::{ConfigError, EmbeddedKey, KeyPolicy, KnownKey, PublicKey};

/// A real RegisterUsage product key (public; from a public integration).
const PRODUCT_KEY_V1: EmbeddedKey = register_usage_jwt::embed_product_key!(
    "keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem"
);
const PRODUCT_KEY_V1_PEM: &str =
    include_str!("../keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem");

/// TEST ONLY: one of this crate's keys, whose private half is published.
const TEST_KEY_DER: &[u8] = register_usage_jwt::embed_test_key!("keys/test-only-rsa3072.pub.pem");
const TEST_KEY_PEM: &str = include_str!("../keys/test-only-rsa3072.pub.pem");

#[test]
fn product_key_embeds_the_checked_der_and_loads() {
    let key = PublicKey::from_embedded(PRODUCT_KEY_V1).expect("embedded key loads");
    let from_pem = PublicKey::from_pem(PRODUCT_KEY_V1_PEM).expect("PEM loads");
    assert_eq!(key.bits(), 3072);
    assert_eq!(key.fingerprint(), from_pem.fingerprint());
    // The embedded bytes are the PEM's DER: a 3072-bit SPKI of 422 bytes.
    let decoded = register_usage_jwt::decode_key(PRODUCT_KEY_V1_PEM.as_bytes()).expect("decodes");
    assert_eq!(PRODUCT_KEY_V1.der(), decoded.der());
    assert_eq!(PRODUCT_KEY_V1.der().len(), 422);
}

#[test]
fn test_key_embeds_as_der_that_only_the_test_policy_loads() {
    let decoded = register_usage_jwt::decode_key(TEST_KEY_PEM.as_bytes()).expect("decodes");
    assert_eq!(TEST_KEY_DER, decoded.der());
    let key =
        PublicKey::from_der_with_policy(TEST_KEY_DER, KeyPolicy::DangerouslyAllowPublishedTestKeys)
            .expect("loads with the test opt-in");
    assert_eq!(key.bits(), 3072);
    assert_eq!(
        PublicKey::from_der(TEST_KEY_DER).map(|key| key.bits()),
        Err(ConfigError::CompromisedKey {
            key: KnownKey::CrateTestKey
        })
    );
}

macro_rules! seller_wrapper {
    ($path:literal) => {
        register_usage_jwt::embed_product_key!($path)
    };
}

#[test]
fn expansion_works_in_statics_expressions_and_through_macro_rules() {
    static KEYS: [EmbeddedKey; 1] = [register_usage_jwt::embed_product_key!(
        "keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem",
    )];
    let wrapped = seller_wrapper!("keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem");
    use register_usage_jwt::embed_product_key;
    let imported = embed_product_key!(r"keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem");
    assert_eq!(KEYS[0], PRODUCT_KEY_V1);
    assert_eq!(wrapped, PRODUCT_KEY_V1);
    assert_eq!(imported, PRODUCT_KEY_V1);
}
