//! Hardening at the edges of the public API: the size bound exactly, dot floods, nesting to
//! its bound, the costliest pre-signature rejections, the longest legitimate strings, the key
//! size bounds, and single-byte mutations of a valid token. Tokens are minted here with the
//! published test keys through `rsa::pss::SigningKey<Sha256>` and a deterministic RNG.
//!
//! What these cost is measured in `benches/presignature.rs` and `benches/verify.rs`; nothing
//! here asserts on time.

use crate::common;
use base64ct::{Base64UrlUnpadded, Encoding};
use common::{HEADER, NONCE, PRODUCT_CODE as PRODUCT};
use proptest::prelude::*;
use register_usage_jwt::{
    Error, JsonDefect, KeyPolicy, MAX_JSON_DEPTH, MAX_KEY_BITS, MAX_PRE_SIGNATURE_HEADER_LEN,
    MAX_TOKEN_LEN, Nonce, PublicKey, Verifier,
};

fn public_key(bits: usize) -> PublicKey {
    common::public_key(&format!("test-only-rsa{bits}"))
}

fn mint(bits: usize, header: &str, payload: &str) -> String {
    common::mint(&format!("test-only-rsa{bits}"), header, payload)
}

fn verifier(bits: usize) -> Verifier {
    Verifier::new(PRODUCT, [(1, public_key(bits))]).unwrap()
}

fn nonce() -> Nonce<'static> {
    Nonce::new(NONCE).unwrap()
}

/// The claims every valid token here carries, with `extra` members appended.
fn claims(extra: &str) -> String {
    format!(r#"{{"productCode":"{PRODUCT}","publicKeyVersion":1,"nonce":"{NONCE}"{extra}}}"#)
}

/// The length of a token over `header` and `payload` under a key of `bits`, without signing.
fn token_len(bits: usize, header: &str, payload: &str) -> usize {
    Base64UrlUnpadded::encoded_len(header.as_bytes())
        + 1
        + Base64UrlUnpadded::encoded_len(payload.as_bytes())
        + 1
        + Base64UrlUnpadded::encoded_len(&vec![0u8; bits / 8])
}

/// A valid token of exactly `len` bytes: `claims()` plus an unknown string claim padded to
/// length (the header gains whitespace when the base64 length would be impossible).
fn valid_token_of_len(bits: usize, len: usize) -> String {
    for spaces in 0..4 {
        let header = format!(
            "{{\"alg\":\"PS256\",{}\"typ\":\"JWT\"}}",
            " ".repeat(spaces)
        );
        for pad in 0..len {
            let payload = claims(&format!(r#","pad":"{}""#, "p".repeat(pad)));
            let current = token_len(bits, &header, &payload);
            if current == len {
                let token = mint(bits, &header, &payload);
                assert_eq!(token.len(), len);
                return token;
            }
            if current > len {
                break;
            }
        }
    }
    panic!("no padding gives {len} bytes");
}

#[test]
fn exactly_max_token_len_verifies_and_one_more_is_too_large() {
    for bits in [2048, 4096] {
        let verifier = verifier(bits);
        let token = valid_token_of_len(bits, MAX_TOKEN_LEN);
        let registration = verifier.verify(&token, 1, &nonce()).unwrap();
        assert_eq!(registration.nonce(), Some(NONCE));

        let longer = format!("{token}A");
        assert_eq!(longer.len(), MAX_TOKEN_LEN + 1);
        let error = verifier.verify(&longer, 1, &nonce()).unwrap_err();
        assert_eq!(error.code(), "token_too_large");
        // Size is checked before anything else, whatever the content.
        let error = verifier
            .verify(vec![b'.'; MAX_TOKEN_LEN + 1], 1, &nonce())
            .unwrap_err();
        assert_eq!(error.code(), "token_too_large");
        let error = verifier
            .verify(vec![0xffu8; 1 << 20], 1, &nonce())
            .unwrap_err();
        assert_eq!(error.code(), "token_too_large");
    }
}

#[test]
fn tokens_of_dots_are_malformed() {
    let verifier = verifier(2048);
    for dots in [0, 1, 2, 3, 4, 100, MAX_TOKEN_LEN - 1, MAX_TOKEN_LEN] {
        let token = ".".repeat(dots);
        let error = verifier.verify(&token, 1, &nonce()).unwrap_err();
        assert_eq!(error.code(), "malformed_token", "{dots} dots");
        let error = verifier
            .verify_replayable_without_nonce(&token, 1)
            .unwrap_err();
        assert_eq!(error.code(), "malformed_token", "{dots} dots");
    }
    let error = verifier
        .verify(".".repeat(MAX_TOKEN_LEN + 1), 1, &nonce())
        .unwrap_err();
    assert_eq!(error.code(), "token_too_large");
    // Dots between valid-looking segments, up to the bound.
    let mut token = String::from("eyJ");
    while token.len() + 4 <= MAX_TOKEN_LEN {
        token.push_str(".eyJ");
    }
    assert_eq!(
        verifier.verify(&token, 1, &nonce()).unwrap_err().code(),
        "malformed_token"
    );
}

/// A valid token whose unknown claim (or, with `in_header`, an ignored header member) nests
/// `open`/`close` around `null` `depth` deep.
fn nested_token(bits: usize, depth: usize, open: &str, close: &str, in_header: bool) -> String {
    let deep = format!(
        r#""deep":{}null{}"#,
        open.repeat(depth),
        close.repeat(depth)
    );
    if in_header {
        mint(bits, &format!(r#"{{"alg":"PS256",{deep}}}"#), &claims(""))
    } else {
        mint(bits, HEADER, &claims(&format!(",{deep}")))
    }
}

#[test]
fn nesting_to_the_bound_verifies_and_one_level_more_is_refused() {
    let verifier = verifier(2048);
    for (open, close) in [("[", "]"), ("{\"a\":", "}"), ("[{\"a\":", "}]")] {
        for in_header in [false, true] {
            // `[{"a":` opens two levels per repetition.
            let per = open.matches(['[', '{']).count();
            let at_bound = nested_token(2048, MAX_JSON_DEPTH / per, open, close, in_header);
            verifier.verify(&at_bound, 1, &nonce()).unwrap();
            let past = nested_token(2048, MAX_JSON_DEPTH / per + 1, open, close, in_header);
            let defect = JsonDefect::NestingTooDeep {
                max: MAX_JSON_DEPTH,
            };
            let expected = if in_header {
                Error::MalformedHeader { defect }
            } else {
                Error::MalformedClaims { defect }
            };
            assert_eq!(verifier.verify(&past, 1, &nonce()), Err(expected), "{open}");
        }
    }
}

/// Refused for the length of its signature, so before any RSA work.
fn refused_for_its_1_byte_signature(error: &Error) -> bool {
    matches!(
        error,
        Error::BadSignature {
            defect: register_usage_jwt::SignatureDefect::Length { found: 1, .. }
        }
    )
}

/// The constructions of `benches/presignature.rs`: at the size bound, with a header as long
/// as the one checked before the signature, rejected as expected, and never with any RSA
/// work (the signature is 1 byte).
#[test]
fn costliest_pre_signature_rejections() {
    let verifier = verifier(2048);
    for (name, token, code) in common::worst_pre_signature_tokens() {
        assert!(token.len() <= MAX_TOKEN_LEN, "{name}");
        assert!(
            token.len() + 4 > MAX_TOKEN_LEN,
            "{name}: only {} bytes",
            token.len()
        );
        let header = Base64UrlUnpadded::decode_vec(token.split('.').next().unwrap()).unwrap();
        assert!(header.len() <= MAX_PRE_SIGNATURE_HEADER_LEN, "{name}");
        // Each construction grows in steps of one character (up to six, escaped) per member,
        // so it fills most of the header bound.
        assert!(
            header.len() * 3 > MAX_PRE_SIGNATURE_HEADER_LEN * 2,
            "{name}: only {} bytes of header",
            header.len()
        );
        let error = verifier.verify(&token, 1, &nonce()).unwrap_err();
        assert_eq!(error.code(), code, "{name}: {error}");
        if code == "bad_signature" {
            assert!(
                refused_for_its_1_byte_signature(&error),
                "{name}: {error:?}"
            );
        }
    }
}

/// A header longer than `MAX_PRE_SIGNATURE_HEADER_LEN` is read only once the signature over
/// it verifies: unsigned, the crafted ones are refused for their 1-byte signature whatever
/// they hold; signed, each gets its own verdict from the header step.
#[test]
fn long_headers_are_read_only_after_the_signature() {
    let verifier = verifier(2048);
    for (name, header, verdict) in common::long_crafted_headers() {
        assert!(header.len() > 4 * MAX_PRE_SIGNATURE_HEADER_LEN, "{name}");
        // The header step's own verdict, read directly.
        let direct = register_usage_jwt::fuzzing::check_header(header.as_bytes());
        assert_eq!(
            direct.map_or_else(|e| e.code(), |()| "ok"),
            verdict,
            "{name}"
        );

        let unsigned = format!("{}.e30.AA", common::b64(header.as_bytes()));
        let error = verifier.verify(&unsigned, 1, &nonce()).unwrap_err();
        assert!(
            refused_for_its_1_byte_signature(&error),
            "{name}: {error:?}"
        );

        let signed = mint(2048, &header, &claims(""));
        let outcome = verifier.verify(&signed, 1, &nonce());
        assert_eq!(
            outcome.map_or_else(|e| e.code(), |_| "ok"),
            verdict,
            "{name}"
        );
    }
}

/// The header bound exactly: a header of `MAX_PRE_SIGNATURE_HEADER_LEN` bytes is checked
/// before the signature (its wrong algorithm is named), one byte longer is not (the bad
/// signature is), and either verifies when it is valid and signed.
#[test]
fn header_checked_before_the_signature_up_to_its_bound() {
    let verifier = verifier(2048);
    let header = |alg: &str, len: usize| {
        let stem = format!(r#"{{"alg":"{alg}","typ":"JWT","pad":""#);
        let header = format!("{stem}{}\"}}", "x".repeat(len - stem.len() - 2));
        assert_eq!(header.len(), len);
        header
    };
    let unsigned = |header: &str| format!("{}.e30.AA", common::b64(header.as_bytes()));
    let at_bound = header("RS256", MAX_PRE_SIGNATURE_HEADER_LEN);
    let past_bound = header("RS256", MAX_PRE_SIGNATURE_HEADER_LEN + 1);
    assert_eq!(
        verifier
            .verify(unsigned(&at_bound), 1, &nonce())
            .unwrap_err()
            .code(),
        "unsupported_algorithm"
    );
    assert_eq!(
        verifier
            .verify(unsigned(&past_bound), 1, &nonce())
            .unwrap_err()
            .code(),
        "bad_signature"
    );
    // Signed, the long header's algorithm is refused after the signature.
    let signed = mint(2048, &past_bound, &claims(""));
    assert_eq!(
        verifier.verify(&signed, 1, &nonce()).unwrap_err().code(),
        "unsupported_algorithm"
    );
    for len in [
        MAX_PRE_SIGNATURE_HEADER_LEN,
        MAX_PRE_SIGNATURE_HEADER_LEN + 1,
    ] {
        let signed = mint(2048, &header("PS256", len), &claims(""));
        verifier.verify(&signed, 1, &nonce()).unwrap();
    }
}

#[test]
fn longest_legitimate_strings_verify() {
    let alphabet = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-/=:_.@";
    let product: String = (0..255)
        .map(|i| char::from(alphabet[i % alphabet.len()]))
        .collect();
    let nonce_text: String = "\u{1F600}".repeat(255);
    assert_eq!(nonce_text.len(), 1020);
    let nonce = Nonce::new(&nonce_text).unwrap();
    let escaped_product = product.replace('/', "\\/");
    let escaped_nonce = "\\ud83d\\ude00".repeat(255);
    for bits in [2048, 3072, 4096] {
        let verifier = Verifier::new(&product, [(7, public_key(bits))]).unwrap();
        for (p, n) in [
            (product.as_str(), nonce_text.as_str()),
            (escaped_product.as_str(), escaped_nonce.as_str()),
        ] {
            let payload = format!(
                r#"{{"ProductCode":"{p}","PublicKeyVersion":7,"Nonce":"{n}","PublicKeyRotationTimestamp":1.5e9,"iat":1700000000.25}}"#
            );
            let token = mint(bits, HEADER, &payload);
            assert!(token.len() <= MAX_TOKEN_LEN, "{}", token.len());
            let registration = verifier.verify(&token, 7, &nonce).unwrap();
            assert_eq!(registration.product_code(), product);
            assert_eq!(registration.nonce(), Some(nonce_text.as_str()));
            assert_eq!(registration.key_version(), 7);
        }
        // One character more in either is refused where it is configured or sent.
        let mut longer = product.clone();
        longer.push('a');
        assert_eq!(
            Verifier::new(&longer, [(7, public_key(bits))])
                .unwrap_err()
                .code(),
            "invalid_product_code"
        );
    }
    let too_long = "\u{1F600}".repeat(256);
    assert_eq!(Nonce::new(&too_long).unwrap_err().code(), "invalid_nonce");
}

use common::pkcs1_der;

/// A PEM `RSA PUBLIC KEY` around `der`.
fn pkcs1_pem(der: &[u8]) -> String {
    common::pem("RSA PUBLIC KEY", der)
}

#[test]
fn largest_key_verifies_and_larger_keys_are_refused() {
    assert_eq!(MAX_KEY_BITS, 4096);
    let key = public_key(4096);
    assert_eq!(key.bits(), 4096);
    let verifier = Verifier::new(PRODUCT, [(1, key)]).unwrap();
    let token = mint(4096, HEADER, &claims(""));
    verifier.verify(&token, 1, &nonce()).unwrap();

    // The same PKCS#1 encoding the crate reads, one bit (and more) over the bound: an odd
    // modulus of 4097, 4104 and 8192 bits with e = 65537.
    for bits in [4097usize, 4104, 8192] {
        let len = bits.div_ceil(8);
        let mut modulus = vec![0xffu8; len];
        let top_bits = bits - (len - 1) * 8;
        modulus[0] = (1u16 << top_bits).wrapping_sub(1) as u8;
        let der = pkcs1_der(&modulus, &[1, 0, 1]);
        for policy in [
            KeyPolicy::Production,
            KeyPolicy::DangerouslyAllowPublishedTestKeys,
        ] {
            let error = PublicKey::from_der_with_policy(&der, policy).unwrap_err();
            assert_eq!(error.code(), "invalid_key", "{bits} bits: {error}");
            let error = PublicKey::from_pem_with_policy(&pkcs1_pem(&der), policy).unwrap_err();
            assert_eq!(error.code(), "invalid_key", "{bits} bits: {error}");
        }
    }
    // The test key's own modulus with one more bit on top: 4097 bits, refused.
    let n = {
        use rsa::pkcs8::DecodePublicKey;
        use rsa::traits::PublicKeyParts;
        let pem = std::fs::read_to_string("keys/test-only-rsa4096.pub.pem").unwrap();
        rsa::PublicKey::from_public_key_pem(&pem)
            .unwrap()
            .n()
            .to_be_bytes()
    };
    let mut bigger = vec![1u8];
    bigger.extend_from_slice(&n[n.iter().position(|&b| b != 0).unwrap()..]);
    let error = PublicKey::from_der(&pkcs1_der(&bigger, &[1, 0, 1])).unwrap_err();
    assert_eq!(error.code(), "invalid_key", "{error}");
}

/// The fixed valid token the mutation properties start from.
fn base_token() -> &'static (Verifier, String) {
    static BASE: std::sync::OnceLock<(Verifier, String)> = std::sync::OnceLock::new();
    BASE.get_or_init(|| {
        let token = mint(2048, HEADER, &claims(r#","iat":1700000000"#));
        let verifier = verifier(2048);
        verifier.verify(&token, 1, &nonce()).unwrap();
        (verifier, token)
    })
}

fn never_verifies(token: &[u8]) -> Result<(), TestCaseError> {
    let (verifier, _) = base_token();
    prop_assert!(verifier.verify(token, 1, &nonce()).is_err());
    prop_assert!(verifier.verify_replayable_without_nonce(token, 1).is_err());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn a_changed_byte_never_verifies(at in any::<prop::sample::Index>(), xor in 1u8..=255) {
        let mut token = base_token().1.clone().into_bytes();
        let at = at.index(token.len());
        token[at] ^= xor;
        never_verifies(&token)?;
    }

    #[test]
    fn a_removed_byte_never_verifies(at in any::<prop::sample::Index>()) {
        let mut token = base_token().1.clone().into_bytes();
        let at = at.index(token.len());
        token.remove(at);
        never_verifies(&token)?;
    }

    #[test]
    fn an_inserted_byte_never_verifies(at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut token = base_token().1.clone().into_bytes();
        let at = at.index(token.len() + 1);
        token.insert(at, byte);
        never_verifies(&token)?;
    }
}

#[test]
fn every_single_byte_removal_and_base64_substitution_fails() {
    // Exhaustive over positions, complementing the random properties above.
    let (verifier, token) = base_token();
    let bytes = token.as_bytes();
    let alphabet = b"AQgw_-.=+/ \n";
    for at in 0..bytes.len() {
        let mut removed = bytes.to_vec();
        removed.remove(at);
        assert!(
            verifier.verify(&removed, 1, &nonce()).is_err(),
            "removed {at}"
        );
        for &c in alphabet {
            if c == bytes[at] {
                continue;
            }
            let mut changed = bytes.to_vec();
            changed[at] = c;
            assert!(
                verifier.verify(&changed, 1, &nonce()).is_err(),
                "{at} -> {c}"
            );
        }
    }
}

/// The stack bound the README states: the worst cases (the largest key, nesting to the
/// bound, an 8192-byte token, and the costliest pre-signature rejections) verify or are
/// refused on a thread with a 64 KiB stack, in debug builds too. Decoding uses one 6 KiB
/// stack buffer, the JSON reader one 6 KiB buffer for escaped names and one bit per nesting
/// level, never recursion.
#[test]
fn worst_cases_fit_a_64_kib_stack() {
    let deepest = nested_token(4096, MAX_JSON_DEPTH, "[", "]", true);
    let deepest_objects = nested_token(4096, MAX_JSON_DEPTH, "{\"a\":", "}", false);
    let largest = valid_token_of_len(4096, MAX_TOKEN_LEN);
    let rejected = common::worst_pre_signature_tokens();
    let verifier = verifier(4096);
    std::thread::Builder::new()
        .stack_size(64 * 1024)
        .spawn(move || {
            for token in [&deepest, &deepest_objects, &largest] {
                verifier.verify(token, 1, &nonce()).unwrap();
            }
            for (name, token, _) in &rejected {
                assert!(verifier.verify(token, 1, &nonce()).is_err(), "{name}");
            }
            let dots = ".".repeat(MAX_TOKEN_LEN);
            assert!(verifier.verify(&dots, 1, &nonce()).is_err());
        })
        .unwrap()
        .join()
        .unwrap();
}
