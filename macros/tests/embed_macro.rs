//! The macros embed exactly the checked key, in `const` context, and the result loads.

// The standalone macros expand to `::register_usage_jwt`, the facade that re-exports the
// core; this crate has the core alone, under its own name.
extern crate register_usage_jwt_core as register_usage_jwt;

use register_usage_jwt::{EmbeddedKey, KeyPolicy, Nonce, PublicKey, Verifier};
use register_usage_jwt_macros::{embed_product_key, embed_test_key};

/// A real RegisterUsage product key (public; from a public integration).
const PRODUCT_KEY_V1: EmbeddedKey =
    embed_product_key!("../keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem");

const REAL_KEY_PEM: &str =
    include_str!("../../keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem");

#[test]
fn real_product_key_embeds_and_loads() {
    let key = PublicKey::from_embedded(PRODUCT_KEY_V1).expect("embedded key loads");
    assert_eq!(key.bits(), 3072);
    let from_pem = PublicKey::from_pem(REAL_KEY_PEM).expect("PEM loads");
    assert_eq!(key.fingerprint(), from_pem.fingerprint());
    // The embedded bytes are the PEM's DER (a 3072-bit SPKI is 422 bytes).
    assert_eq!(PRODUCT_KEY_V1.der().len(), 422);
    assert_eq!(PRODUCT_KEY_V1.der().first(), Some(&0x30));
}

/// The expansion's literals are exactly the library's preparation of the key (the modulus
/// limbs, `R² mod n`, `−n⁻¹ mod 2⁶⁴`, `⌊R / n⌋`, exponent, size, fingerprint, DER).
#[test]
fn expansion_is_the_librarys_preparation() {
    let der = register_usage_jwt::decode_key(REAL_KEY_PEM.as_bytes()).expect("PEM decodes");
    let parts = register_usage_jwt::__prepare_for_embedding(der.der()).expect("key prepares");
    assert_eq!(parts.__leak(), PRODUCT_KEY_V1);
}

#[test]
fn expansion_is_usable_in_expressions_and_statics() {
    static KEYS: [EmbeddedKey; 1] = [embed_product_key!(
        "../keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem",
    )];
    let local = embed_product_key!(r"../keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem");
    assert_eq!(KEYS[0], PRODUCT_KEY_V1);
    assert_eq!(local, PRODUCT_KEY_V1);
}

macro_rules! through_macro_rules {
    ($path:literal) => {
        embed_product_key!($path)
    };
}

#[test]
fn path_may_come_through_macro_rules() {
    let key: EmbeddedKey =
        through_macro_rules!("../keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem");
    assert_eq!(key, PRODUCT_KEY_V1);
}

/// TEST ONLY keys: the crate's own, accepted by `embed_test_key!` only.
const TEST_2048_SPKI_PEM: &[u8] = embed_test_key!("../keys/test-only-rsa2048.pub.pem");
const TEST_2048_SPKI_DER: &[u8] = embed_test_key!("../keys/test-only-rsa2048.pub.der");
const TEST_2048_PKCS1_PEM: &[u8] = embed_test_key!("../keys/test-only-rsa2048.pub.pkcs1.pem");
const TEST_2048_PSS_PEM: &[u8] = embed_test_key!("../keys/test-only-rsa2048.pub.pss-noparams.pem");
const TEST_3072: &[u8] = embed_test_key!("../keys/test-only-rsa3072.pub.pem");

fn test_key(der: &[u8]) -> PublicKey {
    PublicKey::from_der_with_policy(der, KeyPolicy::DangerouslyAllowPublishedTestKeys)
        .expect("test key loads with the test opt-in")
}

#[test]
fn test_keys_embed_in_every_encoding() {
    // A DER file is embedded as is; a PEM file as its DER.
    assert_eq!(TEST_2048_SPKI_PEM, TEST_2048_SPKI_DER);
    let spki = test_key(TEST_2048_SPKI_PEM);
    for der in [TEST_2048_SPKI_DER, TEST_2048_PKCS1_PEM, TEST_2048_PSS_PEM] {
        let key = test_key(der);
        assert_eq!(key.bits(), 2048);
        assert_eq!(key.fingerprint(), spki.fingerprint());
    }
    // PKCS#1 stays PKCS#1: shorter than the SPKI.
    assert!(TEST_2048_PKCS1_PEM.len() < TEST_2048_SPKI_PEM.len());
}

#[test]
fn test_keys_stay_refused_by_the_production_loader() {
    let refused = PublicKey::from_der(TEST_3072).expect_err("production refuses test keys");
    assert_eq!(refused.code(), "compromised_key");
}

#[test]
fn embedded_test_key_verifies_a_token() {
    let verifier =
        Verifier::new("1fszvu527waovqeuhpkyx2b5d", [(1, test_key(TEST_3072))]).expect("verifier");
    let nonce = Nonce::new("5f0c7a52-5bd4-4d5c-93e6-1b7d2c0e9a41").expect("nonce");
    let token = include_str!("../../tests/fixtures/demo-token.txt").trim_end();
    let registration = verifier
        .verify(token, 1, &nonce)
        .expect("demo token verifies");
    assert_eq!(registration.product_code(), "1fszvu527waovqeuhpkyx2b5d");
}

/// Every accepted form of the key-form corpus (`tests/fixtures/key-forms/manifest.json`)
/// embeds through the macro to the same modulus the library and the CLI find: the three
/// share `decode_key`, and this is the macro's run over the same files.
const KEY_FORM_CORPUS: &[&[u8]] = &[
    register_usage_jwt_macros::embed_test_key!("../keys/test-only-rsa3072.pub.pem"),
    register_usage_jwt_macros::embed_test_key!("../tests/fixtures/key-forms/pem-76-crlf.pem"),
    register_usage_jwt_macros::embed_test_key!("../tests/fixtures/key-forms/pem-body-one-line.pem"),
    register_usage_jwt_macros::embed_test_key!(
        "../tests/fixtures/key-forms/pem-all-on-one-line.txt"
    ),
    register_usage_jwt_macros::embed_test_key!("../tests/fixtures/key-forms/pem-with-preamble.pem"),
    register_usage_jwt_macros::embed_test_key!("../tests/fixtures/key-forms/pem-json-escaped.txt"),
    register_usage_jwt_macros::embed_test_key!(
        "../tests/fixtures/key-forms/pem-json-escaped-crlf-quoted.txt"
    ),
    register_usage_jwt_macros::embed_test_key!("../tests/fixtures/key-forms/pkcs1.pem"),
    register_usage_jwt_macros::embed_test_key!("../tests/fixtures/key-forms/base64-one-line.txt"),
    register_usage_jwt_macros::embed_test_key!("../tests/fixtures/key-forms/base64-wrapped.txt"),
    register_usage_jwt_macros::embed_test_key!(
        "../tests/fixtures/key-forms/base64url-unpadded.txt"
    ),
    register_usage_jwt_macros::embed_test_key!("../tests/fixtures/key-forms/pkcs1-base64.txt"),
    register_usage_jwt_macros::embed_test_key!("../tests/fixtures/key-forms/spki.der"),
];

#[test]
fn every_accepted_key_form_embeds_to_the_same_modulus() {
    let manifest: &str = include_str!("../../tests/fixtures/key-forms/manifest.json");
    let want = manifest
        .split("\"modulus_sha256\": \"")
        .nth(1)
        .and_then(|rest| rest.get(..64))
        .expect("the manifest names the modulus");
    assert_eq!(KEY_FORM_CORPUS.len(), 13);
    for der in KEY_FORM_CORPUS {
        let key = test_key(der);
        let hex: String = key
            .fingerprint()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(hex, want);
    }
}
