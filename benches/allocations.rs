//! Prints how many heap allocations (and bytes) loading a key and building a verifier make,
//! at each key size. Figures only, no timing and no assertion: the bounds are asserted in
//! `tests/allocations.rs`. Run with `cargo bench --bench allocations`.
#![allow(unsafe_code)] // only for the counting allocator
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation
)]

#[path = "../tests/allocations/counter.rs"]
mod counter;

use counter::count;
use register_usage_jwt::{EmbeddedKey, KeyPolicy, PublicKey, Verifier};

#[global_allocator]
static GLOBAL: counter::Counting = counter::Counting;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const PRODUCT_CODE: &str = "1fszvu527waovqeuhpkyx2b5d";
const TEST_KEYS: KeyPolicy = KeyPolicy::DangerouslyAllowPublishedTestKeys;
/// The real 3072-bit product key (public), which loads under `KeyPolicy::Production`.
const PRODUCT_KEY_V1: EmbeddedKey = register_usage_jwt::embed_product_key!(
    "keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem"
);

fn show<T>(what: &str, f: impl FnOnce() -> T) -> T {
    // Not a warm-up: key loading happens once per process, so the first call is the figure.
    let (allocations, bytes, value) = count(f);
    println!("{what:<58} {allocations:>3} allocations {bytes:>6} bytes");
    value
}

fn main() {
    // Criterion-style filters and `--bench` are passed by `cargo bench`; there is nothing
    // to filter here.
    for bits in [2048, 3072, 4096] {
        let pem =
            std::fs::read_to_string(format!("{ROOT}/keys/test-only-rsa{bits}.pub.pem")).unwrap();
        let der = register_usage_jwt::decode_key(pem.as_bytes()).unwrap();
        let der = der.der().to_vec();
        show(&format!("decode_key (PEM), {bits} bits"), || {
            register_usage_jwt::decode_key(pem.as_bytes()).unwrap()
        });
        let key = show(
            &format!("PublicKey::from_pem_with_policy, {bits} bits"),
            || PublicKey::from_pem_with_policy(&pem, TEST_KEYS).unwrap(),
        );
        show(
            &format!("PublicKey::from_der_with_policy, {bits} bits"),
            || PublicKey::from_der_with_policy(&der, TEST_KEYS).unwrap(),
        );
        show(&format!("PublicKey::clone, {bits} bits"), || key.clone());
        let copy = key.clone();
        show(&format!("Verifier::new, one {bits}-bit key"), || {
            Verifier::new(PRODUCT_CODE, [(1, copy)]).unwrap()
        });
        let (one, two) = (key.clone(), key.clone());
        show(&format!("Verifier::new, two {bits}-bit keys"), || {
            Verifier::new(PRODUCT_CODE, [(1, one), (2, two)]).unwrap()
        });
    }
    // Under `KeyPolicy::Production`: the real product key (3072 bits), as a seller loads it.
    let pem = std::fs::read_to_string(format!(
        "{ROOT}/keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem"
    ))
    .unwrap();
    show("PublicKey::from_pem, real product key (3072 bits)", || {
        PublicKey::from_pem(&pem).unwrap()
    });
    show("PublicKey::from_der, real product key (3072 bits)", || {
        PublicKey::from_der(PRODUCT_KEY_V1.der()).unwrap()
    });
    show(
        "PublicKey::from_embedded, real product key (3072 bits)",
        || PublicKey::from_embedded(PRODUCT_KEY_V1).unwrap(),
    );
    // An id-RSASSA-PSS key with PS256 parameters (decoded in owned form).
    let pem = std::fs::read_to_string(format!(
        "{ROOT}/keys/test-only-rsapss2048-sha256-salt32.pub.pem"
    ))
    .unwrap();
    show(
        "PublicKey::from_pem_with_policy, id-RSASSA-PSS 2048 bits",
        || PublicKey::from_pem_with_policy(&pem, TEST_KEYS).unwrap(),
    );
}
