//! Arbitrary bytes as a token against the fixed verifier (2048/3072/4096 test keys as key
//! versions 1/2/3, product `1fszvu527waovqeuhpkyx2b5d`, a fixed nonce), with and without
//! the nonce, for every configured version and one unconfigured version.
//!
//! Invariants: no panic; an accepted token echoes the configured product code, the
//! requested version and the nonce, its signature verifies under `rsa`'s reference PSS
//! verifier, and its claims are accepted by the serde_json reference model.
#![no_main]

use base64ct::{Base64UrlUnpadded, Encoding};
use libfuzzer_sys::fuzz_target;
use register_usage_jwt::{Error, MAX_TOKEN_LEN, Registration};
use register_usage_jwt_fuzz::{
    NONCE, PRODUCT_CODE, model_claims, nonce, reference_verify, verifier,
};

fn check_accepted(data: &[u8], version: u32, registration: &Registration, with_nonce: bool) {
    assert!(data.len() <= MAX_TOKEN_LEN);
    assert_eq!(registration.product_code(), PRODUCT_CODE);
    assert_eq!(registration.key_version(), version);
    assert_eq!(registration.nonce(), with_nonce.then_some(NONCE));
    let dot = data
        .iter()
        .rposition(|&b| b == b'.')
        .expect("three segments");
    let (signing_input, signature) = (&data[..dot], &data[dot + 1..]);
    let signature = Base64UrlUnpadded::decode_vec(std::str::from_utf8(signature).expect("ascii"))
        .expect("canonical base64url");
    let index = usize::try_from(version - 1).expect("index");
    assert!(
        reference_verify(index, signing_input, &signature),
        "accepted a signature rsa refuses"
    );
    let payload = signing_input.split(|&b| b == b'.').nth(1).expect("payload");
    let payload = Base64UrlUnpadded::decode_vec(std::str::from_utf8(payload).expect("ascii"))
        .expect("canonical base64url");
    if let Some(verdict) = model_claims(&payload) {
        let claims = verdict.expect("accepted claims the reference model refuses");
        assert_eq!(claims.product_code.as_deref(), Some(PRODUCT_CODE));
        assert_eq!(claims.key_version, Some(version));
        assert_eq!(claims.nonce.as_deref(), with_nonce.then_some(NONCE));
    }
}

fn check_refused(data: &[u8], error: &Error) {
    // Every error must render and carry a code; size is checked first.
    let _ = error.code();
    let _ = error.to_string();
    if data.len() > MAX_TOKEN_LEN {
        assert_eq!(error.code(), "token_too_large");
    }
}

fuzz_target!(|data: &[u8]| {
    let verifier = verifier();
    let nonce = nonce();
    for version in 1..=4u32 {
        match verifier.verify(data, version, &nonce) {
            Ok(registration) => check_accepted(data, version, &registration, true),
            Err(error) => check_refused(data, &error),
        }
        match verifier.verify_replayable_without_nonce(data, version) {
            Ok(registration) => check_accepted(data, version, &registration, false),
            Err(error) => check_refused(data, &error),
        }
    }
});
