//! Arbitrary bytes as a decoded JOSE header. The verdict must equal the serde_json
//! reference model (alg exactly PS256; typ, if any, a string equal to JWT ignoring ASCII
//! case; no crit, no b64; no member twice; at most 64 members).
#![no_main]

use libfuzzer_sys::fuzz_target;
use register_usage_jwt::fuzzing::check_header;
use register_usage_jwt_fuzz::model_header;

fuzz_target!(|data: &[u8]| {
    // The verifier never hands the parsers more than a decoded token holds; longer input
    // would only exercise a bound the verifier cannot reach.
    if data.len() > register_usage_jwt::MAX_TOKEN_LEN / 4 * 3 {
        return;
    }
    let ours = check_header(data);
    if let Err(error) = &ours {
        let _ = error.to_string();
    }
    if let Some(expected) = model_header(data) {
        assert_eq!(
            ours.is_ok(),
            expected,
            "header verdict differs from the reference model: {ours:?} on {:?}",
            String::from_utf8_lossy(data)
        );
    }
});
