//! Counts heap allocations made by one `Verifier::verify` call, after warm-up, for valid
//! tokens at each key size and for every kind of rejection. The design target is zero:
//! segments decode into a stack buffer, keys are prepared once, and `Registration` and
//! `Error` hold only fixed-size data. Also bounds what loading a key and building a
//! verifier allocate (the figures: `cargo bench --bench allocations`).
//!
//! The counter (`allocations/counter.rs`) is per thread, so the test harness's own threads
//! do not disturb it.
#![allow(unsafe_code)] // only for the counting allocator in `counter`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation
)]

#[path = "allocations/counter.rs"]
mod counter;

use counter::count;
use register_usage_jwt::{KeyPolicy, Nonce, PublicKey, Verifier};

#[global_allocator]
static GLOBAL: counter::Counting = counter::Counting;

#[derive(serde::Deserialize)]
struct Fixtures {
    cases: Vec<Case>,
}

#[derive(serde::Deserialize)]
struct Case {
    name: String,
    key: String,
    request: Request,
    token: String,
    expect: String,
    configured_version: Option<u32>,
}

#[derive(serde::Deserialize)]
struct Request {
    product_code: String,
    key_version: u32,
    nonce: Option<String>,
}

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const PRODUCT_CODE: &str = "1fszvu527waovqeuhpkyx2b5d";

fn key(stem: &str) -> PublicKey {
    let pem = std::fs::read_to_string(format!("{ROOT}/keys/{stem}.pub.pem")).unwrap();
    PublicKey::from_pem_with_policy(&pem, KeyPolicy::DangerouslyAllowPublishedTestKeys).unwrap()
}

/// Verifies `case` once to warm up, then counts the allocations of a second verify.
fn allocations_of(case: &Case) -> (usize, usize) {
    let version = case.configured_version.unwrap_or(case.request.key_version);
    let verifier = Verifier::new(&case.request.product_code, [(version, key(&case.key))]).unwrap();
    let run = || match &case.request.nonce {
        Some(nonce) => verifier
            .verify(
                &case.token,
                case.request.key_version,
                &Nonce::new(nonce).unwrap(),
            )
            .map(|_| ())
            .map_err(|e| e.code()),
        None => verifier
            .verify_replayable_without_nonce(&case.token, case.request.key_version)
            .map(|_| ())
            .map_err(|e| e.code()),
    };
    let warm = run();
    let (allocations, bytes, result) = count(run);
    assert_eq!(result, warm);
    let verdict = result.err().unwrap_or("valid");
    assert_eq!(verdict, case.expect, "{}", case.name);
    (allocations, bytes)
}

#[test]
fn the_counter_counts() {
    let (allocations, bytes, v) = count(|| Vec::<u8>::with_capacity(100));
    assert_eq!((allocations, bytes), (1, 100));
    drop(v);
}

#[test]
fn verify_allocates_nothing() {
    let fixtures: Fixtures = serde_json::from_str(
        &std::fs::read_to_string(format!("{ROOT}/tests/fixtures/tokens.json")).unwrap(),
    )
    .unwrap();
    let mut by_verdict = std::collections::BTreeMap::<String, (usize, usize, usize)>::new();
    let mut nonzero = Vec::new();
    for case in &fixtures.cases {
        let (allocations, bytes) = allocations_of(case);
        let entry = by_verdict
            .entry(format!("{} ({})", case.expect, case.key))
            .or_default();
        entry.0 += 1;
        entry.1 = entry.1.max(allocations);
        entry.2 = entry.2.max(bytes);
        if allocations != 0 {
            nonzero.push(format!(
                "{}: {allocations} allocations, {bytes} bytes",
                case.name
            ));
        }
    }
    // The measured count: zero for every case, valid or refused, at every key size.
    assert!(
        nonzero.is_empty(),
        "verify allocated:\n{}",
        nonzero.join("\n")
    );
    for stem in [
        "test-only-rsa2048",
        "test-only-rsa3072",
        "test-only-rsa4096",
    ] {
        assert!(
            by_verdict.contains_key(&format!("valid ({stem})")),
            "{stem}"
        );
    }
}

/// The heap bytes of one prepared key of `bits` (2048, 3072 or 4096) bits: its Montgomery
/// parameters, `n` and `R² mod n` as 64-bit limbs and `-n⁻¹ mod 2⁶⁴`, in one box.
fn prepared_key_bytes(bits: usize) -> usize {
    2 * (bits / 8) + 8
}

fn assert_one_key_allocation(what: &str, bits: usize, load: impl FnOnce() -> PublicKey) {
    let (allocations, bytes, key) = count(load);
    assert_eq!(key.bits(), bits, "{what}");
    // Measured: exactly one allocation (the boxed modulus); DER, PEM and the
    // SubjectPublicKeyInfo are read in place, never copied to the heap.
    assert!(
        allocations <= 1 && bytes <= prepared_key_bytes(bits),
        "{what}, {bits} bits: {allocations} allocations, {bytes} bytes; \
         expected at most 1 allocation of {} bytes",
        prepared_key_bytes(bits)
    );
}

#[test]
fn key_loading_allocates_once() {
    for bits in [2048, 3072, 4096] {
        let pem =
            std::fs::read_to_string(format!("{ROOT}/keys/test-only-rsa{bits}.pub.pem")).unwrap();
        let decoded = register_usage_jwt::decode_key(pem.as_bytes()).unwrap();
        let (allocations, _, _) = count(|| register_usage_jwt::decode_key(pem.as_bytes()));
        assert_eq!(allocations, 0, "decode_key, {bits} bits");
        assert_one_key_allocation("from_pem_with_policy", bits, || {
            PublicKey::from_pem_with_policy(&pem, KeyPolicy::DangerouslyAllowPublishedTestKeys)
                .unwrap()
        });
        assert_one_key_allocation("from_der_with_policy", bits, || {
            PublicKey::from_der_with_policy(
                decoded.der(),
                KeyPolicy::DangerouslyAllowPublishedTestKeys,
            )
            .unwrap()
        });
    }
    // Under `KeyPolicy::Production`, as a seller loads a key: the real 3072-bit product key.
    let pem = std::fs::read_to_string(format!(
        "{ROOT}/keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem"
    ))
    .unwrap();
    let decoded = register_usage_jwt::decode_key(pem.as_bytes()).unwrap();
    assert_one_key_allocation("from_pem", 3072, || PublicKey::from_pem(&pem).unwrap());
    assert_one_key_allocation("from_der", 3072, || {
        PublicKey::from_der(decoded.der()).unwrap()
    });
    #[cfg(feature = "macros")]
    {
        const PRODUCT_KEY_V1: register_usage_jwt::EmbeddedKey = register_usage_jwt::embed_product_key!(
            "keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem"
        );
        assert_one_key_allocation("from_embedded", 3072, || {
            PublicKey::from_embedded(PRODUCT_KEY_V1).unwrap()
        });
    }
}

#[test]
fn verifier_new_allocates_once() {
    for bits in [2048, 3072, 4096] {
        let key = key(&format!("test-only-rsa{bits}"));
        for versions in 1..=4u32 {
            let keys: Vec<(u32, PublicKey)> = (1..=versions).map(|v| (v, key.clone())).collect();
            let (allocations, bytes, verifier) =
                count(|| Verifier::new(PRODUCT_CODE, keys).unwrap());
            assert_eq!(verifier.key_versions().count(), versions as usize);
            // Measured: one allocation, the list of up to four keys (the prepared keys
            // themselves move in; the product code is stored inline).
            let list = 4 * std::mem::size_of::<(u32, PublicKey)>();
            assert!(
                allocations <= 1 && bytes <= list,
                "Verifier::new with {versions} {bits}-bit keys: {allocations} allocations, \
                 {bytes} bytes; expected at most 1 of {list} bytes"
            );
        }
    }
}
