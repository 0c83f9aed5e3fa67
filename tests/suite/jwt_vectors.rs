//! PS256 tokens from other libraries' test suites (vendored under `tests/vectors/jwt/`, with
//! their sources and licences). Their claims are not RegisterUsage claims, so a token whose
//! signature is good gets past the signature check and is then refused for its claims; the
//! signature verdict must match `expected_strict_ps256_salt32`.

use base64ct::Encoding;
use register_usage_jwt::fuzzing::verify_pss;
use register_usage_jwt::{Error, PublicKey, Verifier};

fn key_again(vector: &Vector) -> PublicKey {
    PublicKey::from_pem(&vector.public_key_pem).unwrap()
}
use serde::Deserialize;

#[derive(Deserialize)]
struct Vector {
    token: Option<String>,
    public_key_pem: String,
    #[serde(default)]
    expected_strict_ps256_salt32: String,
    /// For the one raw (non-JWT) signature: PyJWT's salt-222 PSS signature.
    message_utf8: Option<String>,
    signature_b64_std: Option<String>,
}

/// Whether the verifier got past the signature check.
fn signature_accepted(result: &Result<register_usage_jwt::Registration, Error>) -> bool {
    match result {
        Ok(_) => true,
        Err(e) => !matches!(
            e,
            Error::TokenTooLarge { .. }
                | Error::MalformedToken { .. }
                | Error::MalformedHeader { .. }
                | Error::UnsupportedAlgorithm { .. }
                | Error::UnsupportedHeader { .. }
                | Error::UnknownKeyVersion { .. }
                | Error::BadSignature { .. }
        ),
    }
}

#[test]
fn signature_verdicts_match_strict_ps256() {
    let mut checked = 0;
    let mut accepted = 0;
    for entry in std::fs::read_dir("tests/vectors/jwt").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let vector: Vector =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let key = PublicKey::from_pem(&vector.public_key_pem)
            .unwrap_or_else(|e| panic!("{}: key refused: {e}", path.display()));
        let Some(token) = vector.token.clone() else {
            // A valid PSS signature, but with a 222-byte salt: PS256 requires 32.
            let message = vector.message_utf8.as_ref().unwrap();
            let signature =
                base64ct::Base64::decode_vec(vector.signature_b64_std.as_ref().unwrap()).unwrap();
            assert!(verify_pss(&key, message.as_bytes(), &signature).is_err());
            checked += 1;
            continue;
        };
        let verifier = Verifier::new("1fszvu527waovqeuhpkyx2b5d", [(1, key)]).unwrap();
        let result = verifier.verify_replayable_without_nonce(&token, 1);
        let expected = match vector.expected_strict_ps256_salt32.as_str() {
            "valid" => true,
            "invalid" => false,
            other => panic!("{}: unexpected verdict {other}", path.display()),
        };
        // The signature alone, through the crate's PSS path.
        let mut parts = token.split('.');
        let (h, p, s) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        let signature = base64ct::Base64UrlUnpadded::decode_vec(s).unwrap_or_default();
        let signing_input = format!("{h}.{p}");
        let raw_ok = verify_pss(&key_again(&vector), signing_input.as_bytes(), &signature).is_ok();
        assert_eq!(raw_ok, expected, "{}", path.display());
        // The whole verifier agrees, unless a rule it applies first refused the token: an
        // empty payload (JWS with detached content), `typ: JWS`, or PS384.
        if !matches!(
            result,
            Err(Error::UnsupportedHeader { .. }
                | Error::UnsupportedAlgorithm { .. }
                | Error::MalformedToken {
                    defect: register_usage_jwt::TokenDefect::EmptySegment { .. }
                })
        ) {
            assert_eq!(
                signature_accepted(&result),
                expected,
                "{}: {:?}",
                path.display(),
                result.map(|_| ())
            );
        }
        // None of them carries RegisterUsage claims, so none verifies fully.
        assert!(result.is_err(), "{}", path.display());
        checked += 1;
        accepted += usize::from(expected);
    }
    assert_eq!(checked, 62);
    assert!(accepted >= 10, "only {accepted} strict-valid signatures");
}
