//! The keys embedded through the renamed dependency are the files' DER and load.
#![allow(clippy::expect_used)]

use register_usage_jwt_renamed_dependency_check::{PRODUCT_KEY_V1, TEST_KEY_DER, aliased};
use rujwt::{ConfigError, KeyPolicy, KnownKey, PublicKey};

const PRODUCT_KEY_V1_PEM: &str =
    include_str!("../../../keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem");
const TEST_KEY_PEM: &str = include_str!("../../../keys/test-only-rsa3072.pub.pem");

#[test]
fn product_key_is_the_files_der_and_loads() {
    let decoded = rujwt::decode_key(PRODUCT_KEY_V1_PEM.as_bytes()).expect("decodes");
    assert_eq!(PRODUCT_KEY_V1.der(), decoded.der());
    assert_eq!(aliased::PRODUCT_KEYS, [PRODUCT_KEY_V1]);
    let key = PublicKey::from_embedded(PRODUCT_KEY_V1).expect("embedded key loads");
    assert_eq!(key.bits(), 3072);
}

#[test]
fn test_key_is_the_files_der_and_needs_the_test_policy() {
    let decoded = rujwt::decode_key(TEST_KEY_PEM.as_bytes()).expect("decodes");
    assert_eq!(TEST_KEY_DER, decoded.der());
    assert!(
        PublicKey::from_der_with_policy(TEST_KEY_DER, KeyPolicy::DangerouslyAllowPublishedTestKeys)
            .is_ok()
    );
    assert_eq!(
        PublicKey::from_der(TEST_KEY_DER).map(|key| key.bits()),
        Err(ConfigError::CompromisedKey {
            key: KnownKey::CrateTestKey
        })
    );
}
