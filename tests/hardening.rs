#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#![allow(clippy::arithmetic_side_effects, clippy::cast_possible_truncation)]
//! Hardening at the edges of the public API: the size bound exactly, dot floods, nesting as
//! deep as the size bound allows, the longest legitimate strings, the key size bounds, and
//! single-byte mutations of a valid token. Tokens are minted here with the published test
//! keys through `rsa::pss::SigningKey<Sha256>` and a deterministic RNG.
//!
//! Worst-case verify times are printed (`cargo test --test hardening -- --nocapture`) for
//! information only; nothing here asserts on time.

use std::time::{Duration, Instant};

mod common;

use base64ct::{Base64UrlUnpadded, Encoding};
use common::{HEADER, NONCE, PRODUCT_CODE as PRODUCT};
use proptest::prelude::*;
use register_usage_jwt::{KeyPolicy, MAX_KEY_BITS, MAX_TOKEN_LEN, Nonce, PublicKey, Verifier};

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

/// Median time of `runs` calls of `f`, for the printed figures only.
fn median_time(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
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

        let time = median_time(21, || {
            verifier.verify(&token, 1, &nonce()).unwrap();
        });
        println!("verify of a {MAX_TOKEN_LEN}-byte token, {bits}-bit key: {time:?} (median of 21)");
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
    let time = median_time(21, || {
        let _ = verifier.verify(".".repeat(MAX_TOKEN_LEN), 1, &nonce());
    });
    println!("refusal of {MAX_TOKEN_LEN} dots: {time:?} (median of 21)");
}

/// The deepest nesting of `open`/`close` around `null` in an unknown claim that still fits
/// in the size bound under a `bits` key, as a valid token.
fn deepest_token(bits: usize, open: &str, close: &str) -> (usize, String) {
    let payload = |depth: usize| {
        claims(&format!(
            r#","deep":{}null{}"#,
            open.repeat(depth),
            close.repeat(depth)
        ))
    };
    let (mut low, mut high) = (0usize, MAX_TOKEN_LEN);
    while low < high {
        let mid = (low + high).div_ceil(2);
        if token_len(bits, HEADER, &payload(mid)) <= MAX_TOKEN_LEN {
            low = mid;
        } else {
            high = mid - 1;
        }
    }
    (low, mint(bits, HEADER, &payload(low)))
}

#[test]
fn nesting_as_deep_as_the_size_bound_allows_verifies() {
    for bits in [2048, 4096] {
        let verifier = verifier(bits);
        for (open, close, what) in [
            ("[", "]", "arrays"),
            ("{\"a\":", "}", "objects"),
            ("[{\"a\":", "}]", "arrays of objects"),
        ] {
            let (depth, token) = deepest_token(bits, open, close);
            assert!(token.len() <= MAX_TOKEN_LEN);
            assert!(depth > 500, "{depth}");
            verifier.verify(&token, 1, &nonce()).unwrap();
            let time = median_time(11, || {
                verifier.verify(&token, 1, &nonce()).unwrap();
            });
            println!(
                "verify with {what} nested {depth} deep ({} bytes), {bits}-bit key: {time:?} (median of 11)",
                token.len()
            );
        }
    }
}

#[test]
fn deep_nesting_in_an_ignored_header_member_verifies() {
    // An ignored header member nested 2500 deep (a 4096-bit token stays under the bound):
    // accepted, since ignored members are validated and skipped without recursion.
    let depth = 2500;
    let header = format!(
        r#"{{"alg":"PS256","x":{}1{}}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    );
    for bits in [2048, 4096] {
        let token = mint(bits, &header, &claims(""));
        assert!(token.len() <= MAX_TOKEN_LEN, "{}", token.len());
        verifier(bits).verify(&token, 1, &nonce()).unwrap();
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
            let time = median_time(11, || {
                verifier.verify(&token, 7, &nonce).unwrap();
            });
            println!(
                "verify, 255-char product code and 255 four-byte-char nonce ({} bytes), {bits}-bit key: {time:?}",
                token.len()
            );
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

/// DER of PKCS#1 `RSAPublicKey { n, e }` for a big-endian modulus without leading zeros.
fn pkcs1_der(modulus: &[u8], exponent: &[u8]) -> Vec<u8> {
    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        let len = content.len();
        if len < 0x80 {
            out.push(len as u8);
        } else if len < 0x100 {
            out.extend([0x81, len as u8]);
        } else {
            out.extend([0x82, (len >> 8) as u8, len as u8]);
        }
        out.extend_from_slice(content);
        out
    }
    let integer = |bytes: &[u8]| {
        let mut content = Vec::new();
        if bytes[0] & 0x80 != 0 {
            content.push(0);
        }
        content.extend_from_slice(bytes);
        tlv(0x02, &content)
    };
    let mut body = integer(modulus);
    body.extend(integer(exponent));
    tlv(0x30, &body)
}

/// A PEM `RSA PUBLIC KEY` around `der`.
fn pkcs1_pem(der: &[u8]) -> String {
    let mut buffer = vec![0u8; der.len() * 2];
    let body = base64ct::Base64::encode(der, &mut buffer).unwrap();
    let mut pem = String::from("-----BEGIN RSA PUBLIC KEY-----\n");
    for line in body.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(line).unwrap());
        pem.push('\n');
    }
    pem.push_str("-----END RSA PUBLIC KEY-----\n");
    pem
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

#[test]
fn worst_case_verify_times_for_information() {
    // The most expensive tokens that verify: the largest key with the longest payload.
    for bits in [2048, 3072, 4096] {
        let verifier = verifier(bits);
        let small = mint(bits, HEADER, &claims(""));
        let large = valid_token_of_len(bits, MAX_TOKEN_LEN);
        let bad = {
            // A well-formed token whose signature fails: the RSA work without the claims.
            let mut t = small.clone().into_bytes();
            let last = t.len() - 2;
            t[last] = if t[last] == b'A' { b'B' } else { b'A' };
            String::from_utf8(t).unwrap()
        };
        let small_time = median_time(51, || {
            verifier.verify(&small, 1, &nonce()).unwrap();
        });
        let large_time = median_time(51, || {
            verifier.verify(&large, 1, &nonce()).unwrap();
        });
        let bad_time = median_time(51, || {
            assert_eq!(
                verifier.verify(&bad, 1, &nonce()).unwrap_err().code(),
                "bad_signature"
            );
        });
        println!(
            "{bits}-bit key: typical token {} B {small_time:?}; {MAX_TOKEN_LEN} B token {large_time:?}; bad signature {bad_time:?} (medians of 51; {} build)",
            small.len(),
            if cfg!(debug_assertions) {
                "debug"
            } else {
                "release"
            }
        );
    }
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

/// The stack bound the README states: the worst cases (the largest key, an 8192-byte token
/// nested as deep as it can be, and the longest escaped strings) verify on a thread with a
/// 64 KiB stack, in debug builds too. Decoding uses one 6 KiB stack buffer and the JSON
/// reader walks nesting with one bit per level, never recursion.
#[test]
fn worst_cases_fit_a_64_kib_stack() {
    let (_, deepest) = deepest_token(4096, "[", "]");
    let (_, deepest_objects) = deepest_token(4096, "{\"a\":", "}");
    let largest = valid_token_of_len(4096, MAX_TOKEN_LEN);
    let verifier = verifier(4096);
    std::thread::Builder::new()
        .stack_size(64 * 1024)
        .spawn(move || {
            for token in [&deepest, &deepest_objects, &largest] {
                verifier.verify(token, 1, &nonce()).unwrap();
            }
            let dots = ".".repeat(MAX_TOKEN_LEN);
            assert!(verifier.verify(&dots, 1, &nonce()).is_err());
        })
        .unwrap()
        .join()
        .unwrap();
}
