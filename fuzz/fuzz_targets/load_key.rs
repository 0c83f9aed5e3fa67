//! Arbitrary bytes as a DER public key, and as text as a PEM public key, under both key
//! policies. A loaded key must be 2048 to 4096 bits, give the matching signature length,
//! refuse an all-zero signature without panicking, and, when `rsa` reads the same bytes,
//! have the fingerprint of `rsa`'s modulus.
#![no_main]

use libfuzzer_sys::fuzz_target;
use register_usage_jwt::{ConfigError, KeyPolicy, MAX_KEY_BITS, MIN_KEY_BITS, PublicKey};
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs8::DecodePublicKey;
use rsa::traits::PublicKeyParts;
use sha2::{Digest, Sha256};

fn check(result: Result<PublicKey, ConfigError>, reference: Option<&rsa::PublicKey>) {
    match result {
        Ok(key) => {
            assert!(
                (MIN_KEY_BITS..=MAX_KEY_BITS).contains(&key.bits()),
                "{key:?}"
            );
            assert_eq!(key.signature_len(), key.bits().div_ceil(8));
            let zeros = vec![0u8; key.signature_len()];
            assert!(register_usage_jwt::fuzzing::verify_pss(&key, b"m", &zeros).is_err());
            let _ = format!("{key:?}");
            if let Some(reference) = reference {
                let n = reference.n().to_be_bytes();
                let start = n.iter().position(|&b| b != 0).unwrap_or(n.len());
                let fingerprint: [u8; 32] = Sha256::digest(&n[start..]).into();
                assert_eq!(key.fingerprint(), fingerprint);
            }
        }
        Err(error) => {
            let _ = error.code();
            let _ = error.to_string();
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let reference = rsa::PublicKey::from_public_key_der(data)
        .or_else(|_| rsa::PublicKey::from_pkcs1_der(data))
        .ok();
    check(PublicKey::from_der(data), reference.as_ref());
    check(
        PublicKey::from_der_with_policy(data, KeyPolicy::DangerouslyAllowPublishedTestKeys),
        reference.as_ref(),
    );
    if let Ok(text) = std::str::from_utf8(data) {
        let reference = rsa::PublicKey::from_public_key_pem(text.trim())
            .or_else(|_| rsa::PublicKey::from_pkcs1_pem(text.trim()))
            .ok();
        check(PublicKey::from_pem(text), reference.as_ref());
        check(
            PublicKey::from_pem_with_policy(text, KeyPolicy::DangerouslyAllowPublishedTestKeys),
            reference.as_ref(),
        );
    }
});
