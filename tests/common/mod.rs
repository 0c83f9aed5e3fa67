//! Minting tokens with the crate's published test keys, for tests only.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation
)]

use base64ct::{Base64UrlUnpadded, Encoding};
use register_usage_jwt::{KeyPolicy, PublicKey, Verifier};
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer};

pub const PRODUCT_CODE: &str = "1fszvu527waovqeuhpkyx2b5d";
pub const NONCE: &str = "3f1e5a0c-6b7d-4e2a-9c31-0d8f2b7a4e55";
pub const HEADER: &str = r#"{"alg":"PS256","typ":"JWT"}"#;

pub fn private_key(stem: &str) -> rsa::PrivateKey {
    let pem = std::fs::read_to_string(format!("keys/{stem}.key.pem")).unwrap();
    rsa::PrivateKey::from_pkcs8_pem(&pem).unwrap()
}

pub fn public_key(stem: &str) -> PublicKey {
    let pem = std::fs::read_to_string(format!("keys/{stem}.pub.pem")).unwrap();
    PublicKey::from_pem_with_policy(&pem, KeyPolicy::DangerouslyAllowPublishedTestKeys).unwrap()
}

pub fn b64(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

/// A PS256 token over the given header and payload JSON, with a salt of `salt_len` bytes.
pub fn mint_with_salt(stem: &str, header: &str, payload: &str, salt_len: usize) -> String {
    let signing_input = format!("{}.{}", b64(header.as_bytes()), b64(payload.as_bytes()));
    let key = rsa::pss::SigningKey::<sha2::Sha256>::new_with_salt_len(private_key(stem), salt_len);
    let signature = key.sign(signing_input.as_bytes()).to_vec();
    format!("{signing_input}.{}", b64(&signature))
}

pub fn mint(stem: &str, header: &str, payload: &str) -> String {
    mint_with_salt(stem, header, payload, 32)
}

/// The RegisterUsage payload for the default product, version and nonce.
pub fn payload() -> String {
    format!(r#"{{"ProductCode":"{PRODUCT_CODE}","PublicKeyVersion":1,"Nonce":"{NONCE}"}}"#)
}

pub fn verifier() -> Verifier {
    Verifier::new(PRODUCT_CODE, [(1, public_key("test-only-rsa2048"))]).unwrap()
}
