//! The tolerant rules end to end, with value oracles: a RegisterUsage token whose header
//! `typ` is any case of `JWT` / `application/jwt` (or anything else), whose claims spell the
//! key version as any JSON number (`1`, `1.0`, `10e-1`, `0.01E2`...), carry `iat` and the
//! rotation timestamp as any JSON value, and write the product code and nonce with escapes,
//! surrogate pairs and damage, is signed with the 2048-bit test key and verified by a
//! verifier configured with the input's product code, key version and nonce.
//!
//! The verdict of `verify` and `verify_replayable_without_nonce` must equal the serde_json
//! reference models' (header and claims), and an accepted token's `Registration` must report
//! exactly the product code, key version, nonce, `iat` and rotation timestamp the model
//! decodes: seconds bit for bit, any other value as its JSON text cut to 64 bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use register_usage_jwt::{Nonce, Registration, Verifier};
use register_usage_jwt_fuzz::{
    ModelTime, ModelValues, TolerantToken, keys, mint, model_claim_values, model_header,
};

fn check_time(
    what: &str,
    found: Option<&register_usage_jwt::TimeClaim>,
    model: &Option<ModelTime>,
) {
    match (found, model) {
        (None, None) => {}
        (Some(found), Some(model)) => {
            assert!(
                model.matches(found),
                "{what}: {found:?}, the model reads {model:?}"
            );
        }
        _ => panic!("{what}: {found:?}, the model reads {model:?}"),
    }
}

fn check_registration(registration: &Registration, model: &ModelValues, nonce: Option<&str>) {
    assert_eq!(registration.product_code(), model.product_code);
    assert_eq!(registration.key_version(), model.key_version);
    assert_eq!(registration.nonce(), nonce);
    assert_eq!(registration.nonce(), model.nonce.as_deref());
    check_time("iat", registration.issued_at(), &model.issued_at);
    check_time(
        "PublicKeyRotationTimestamp",
        registration.public_key_rotation_timestamp(),
        &model.rotation,
    );
}

fuzz_target!(|input: TolerantToken| {
    let (product_code, nonce_text, version) = input.configuration();
    let header = input.header();
    let payload = input.payload();
    if header.len() + payload.len() > 5000 {
        return;
    }
    let (Some(header_ok), Some(claims)) = (
        model_header(header.as_bytes()),
        model_claim_values(payload.as_bytes()),
    ) else {
        return;
    };
    let verifier = Verifier::new(&product_code, [(version, keys()[0].ours.clone())])
        .expect("a valid configuration");
    let nonce = Nonce::new(&nonce_text).expect("a valid nonce");
    let token = mint(0, header.as_bytes(), payload.as_bytes(), payload.as_bytes());

    let accepts = |expected_nonce: Option<&str>| {
        header_ok
            && claims.as_ref().is_ok_and(|values| {
                values.product_code == product_code
                    && values.key_version == version
                    && values.nonce.as_deref() == expected_nonce
            })
    };
    let context = || {
        format!(
            "header {header:?}, claims {payload:?}, product {product_code:?}, version {version}, nonce {nonce_text:?}"
        )
    };

    let with_nonce = verifier.verify(&token, version, &nonce);
    assert_eq!(
        with_nonce.is_ok(),
        accepts(Some(&nonce_text)),
        "verify: {with_nonce:?} on {}",
        context()
    );
    if let (Ok(registration), Ok(values)) = (&with_nonce, &claims) {
        check_registration(registration, values, Some(&nonce_text));
    }
    let without = verifier.verify_replayable_without_nonce(&token, version);
    assert_eq!(
        without.is_ok(),
        accepts(None),
        "verify_replayable_without_nonce: {without:?} on {}",
        context()
    );
    if let (Ok(registration), Ok(values)) = (&without, &claims) {
        check_registration(registration, values, None);
    }
    for result in [&with_nonce, &without] {
        if let Err(error) = result {
            assert_ne!(error.code(), "bad_signature", "{error:?} on {}", context());
            let _ = error.to_string();
        }
    }
});
