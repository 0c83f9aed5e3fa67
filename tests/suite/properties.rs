//! Property tests: random product codes from the allowed alphabet and random Unicode nonces
//! survive a JSON encoding and a PS256 signature, and come back out exactly.

use crate::common;
use common::*;
use proptest::prelude::*;
use register_usage_jwt::{Nonce, Verifier};

fn product_code() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[-a-zA-Z0-9/=:_.@]{1,255}").unwrap()
}

fn nonce() -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<char>(), 1..=255).prop_map(|chars| chars.into_iter().collect())
}

/// JSON string encodings a signer might use: serde_json's, every character escaped as
/// `\uXXXX` (surrogate pairs above U+FFFF), and `/` escaped as `\/`.
fn encode(text: &str, style: u8) -> String {
    match style % 3 {
        0 => serde_json::to_string(text).unwrap(),
        1 => {
            let mut out = String::from("\"");
            for unit in text.encode_utf16() {
                out.push_str(&format!("\\u{unit:04x}"));
            }
            out.push('"');
            out
        }
        _ => serde_json::to_string(text).unwrap().replace('/', "\\/"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn product_codes_and_nonces_round_trip(
        code in product_code(),
        nonce_text in nonce(),
        style in any::<u8>(),
        camel in any::<bool>(),
    ) {
        let (pc, v, n) = if camel {
            ("productCode", "publicKeyVersion", "nonce")
        } else {
            ("ProductCode", "PublicKeyVersion", "Nonce")
        };
        let payload = format!(
            r#"{{"{pc}":{},"{v}":1,"{n}":{}}}"#,
            encode(&code, style),
            encode(&nonce_text, style.wrapping_add(1))
        );
        let token = mint("test-only-rsa2048", HEADER, &payload);
        let verifier = Verifier::new(&code, [(1, public_key("test-only-rsa2048"))]).unwrap();
        let nonce = Nonce::new(&nonce_text).unwrap();
        let registration = verifier.verify(&token, 1, &nonce).unwrap();
        prop_assert_eq!(registration.product_code(), code.as_str());
        prop_assert_eq!(registration.nonce(), Some(nonce_text.as_str()));

        // Any other nonce is a replay.
        let mut other = nonce_text.clone();
        other.push('x');
        if let Ok(other) = Nonce::new(&other) {
            prop_assert_eq!(
                verifier.verify(&token, 1, &other).unwrap_err(),
                register_usage_jwt::Error::NonceMismatch
            );
        }
    }
}
