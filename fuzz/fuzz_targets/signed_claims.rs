//! End to end past the signature: a structured claims object (see `structured_claims`) is
//! signed with the 2048-bit test key (version 1) under a valid header and verified. The
//! token must verify exactly when the reference model accepts the claims and they echo the
//! configured product code, version 1 and the nonce (or no nonce, for the replayable path).
#![no_main]

use libfuzzer_sys::fuzz_target;
use register_usage_jwt_fuzz::{Document, NONCE, PRODUCT_CODE, mint, model_claims, nonce, verifier};

fuzz_target!(|document: Document| {
    let payload = document.render();
    if payload.len() > 5000 {
        return;
    }
    let token = mint(
        0,
        br#"{"alg":"PS256","typ":"JWT"}"#,
        payload.as_bytes(),
        payload.as_bytes(),
    );
    let Some(model) = model_claims(payload.as_bytes()) else {
        return;
    };
    let verifier = verifier();
    let echoes = |with_nonce: bool| {
        model.as_ref().is_ok_and(|claims| {
            claims.product_code.as_deref() == Some(PRODUCT_CODE)
                && claims.key_version == Some(1)
                && claims.nonce.as_deref() == with_nonce.then_some(NONCE)
        })
    };
    let with_nonce = verifier.verify(&token, 1, &nonce());
    assert_eq!(
        with_nonce.is_ok(),
        echoes(true),
        "verify: {with_nonce:?} on claims {payload:?}"
    );
    let without = verifier.verify_replayable_without_nonce(&token, 1);
    assert_eq!(
        without.is_ok(),
        echoes(false),
        "verify_replayable_without_nonce: {without:?} on claims {payload:?}"
    );
    if let Err(error) = with_nonce {
        assert_ne!(error.code(), "bad_signature", "{error:?}");
    }
});
