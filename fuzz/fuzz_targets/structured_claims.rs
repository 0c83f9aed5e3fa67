//! A JSON object built from the known claim and header names (both spellings, case
//! variants, escaped spellings, unknown names) and mutated values (escapes, lone
//! surrogates, odd number forms, deep nesting, raw text), fed to `parse_claims` and
//! `check_header`. Both verdicts must equal the serde_json reference models; in particular
//! an accepted object never holds a name twice or two spellings of one claim.
#![no_main]

use libfuzzer_sys::fuzz_target;
use register_usage_jwt::fuzzing::{check_header, parse_claims};
use register_usage_jwt_fuzz::{Document, model_claims, model_header};

fuzz_target!(|document: Document| {
    let text = document.render();
    let bytes = text.as_bytes();
    // The verifier never hands the parsers more than a decoded token holds; longer input
    // would only exercise a bound the verifier cannot reach.
    if bytes.len() > register_usage_jwt::MAX_TOKEN_LEN / 4 * 3 {
        return;
    }
    let claims = parse_claims(bytes);
    if let Some(expected) = model_claims(bytes) {
        assert_eq!(
            claims.is_ok(),
            expected.is_ok(),
            "claims verdict differs from the reference model: {claims:?} on {text:?}"
        );
    }
    let header = check_header(bytes);
    if let Some(expected) = model_header(bytes) {
        assert_eq!(
            header.is_ok(),
            expected,
            "header verdict differs from the reference model: {header:?} on {text:?}"
        );
    }
});
