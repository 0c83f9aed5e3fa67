//! Arbitrary bytes as a decoded claims segment. The verdict must equal the serde_json
//! reference model (an object, no member twice, no two spellings or case variants of a
//! claim, each known claim of the right type and range).
#![no_main]

use libfuzzer_sys::fuzz_target;
use register_usage_jwt::fuzzing::parse_claims;
use register_usage_jwt_fuzz::model_claims;

fuzz_target!(|data: &[u8]| {
    // The verifier never hands the parsers more than a decoded token holds; longer input
    // would only exercise a bound the verifier cannot reach.
    if data.len() > register_usage_jwt::MAX_TOKEN_LEN / 4 * 3 {
        return;
    }
    let ours = parse_claims(data);
    if let Err(error) = &ours {
        assert_eq!(error.code(), "malformed_claims");
        let _ = error.to_string();
    }
    if let Some(expected) = model_claims(data) {
        assert_eq!(
            ours.is_ok(),
            expected.is_ok(),
            "claims verdict differs from the reference model: {ours:?} on {:?}",
            String::from_utf8_lossy(data)
        );
    }
});
