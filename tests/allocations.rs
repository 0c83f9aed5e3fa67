//! Counts heap allocations made by one `Verifier::verify` call, after warm-up, for valid
//! tokens at each key size and for every kind of rejection. The design target is zero:
//! segments decode into a stack buffer, keys are prepared once, and `Registration` and
//! `Error` hold only fixed-size data.
//!
//! The counter is per thread, so the test harness's own threads do not disturb it.
#![allow(unsafe_code)] // only for the counting allocator below
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation
)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use register_usage_jwt::{KeyPolicy, Nonce, PublicKey, Verifier};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
    static BYTES: Cell<usize> = const { Cell::new(0) };
}

fn record(size: usize) {
    // `try_with`: the thread-local may be gone while a thread shuts down.
    let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
    let _ = BYTES.try_with(|c| c.set(c.get() + size));
}

// SAFETY: every call is forwarded unchanged to `System`; the counters are `const`
// thread-locals without destructors, which never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record(layout.size());
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        record(layout.size());
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        record(new_size);
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations (count, bytes) made on this thread while `f` runs.
fn count<T>(f: impl FnOnce() -> T) -> (usize, usize, T) {
    let (a0, b0) = (ALLOCATIONS.with(Cell::get), BYTES.with(Cell::get));
    let value = f();
    let (a1, b1) = (ALLOCATIONS.with(Cell::get), BYTES.with(Cell::get));
    (a1 - a0, b1 - b0, value)
}

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
    for (verdict, (cases, allocations, bytes)) in &by_verdict {
        println!(
            "{verdict}: {cases} cases, at most {allocations} allocations / {bytes} bytes per verify"
        );
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

#[test]
fn setup_allocations_for_information() {
    // Loading keys and building a verifier allocate (once, at start-up); printed, not
    // asserted, since the count depends on the `rsa` and `der` versions.
    for bits in [2048, 3072, 4096] {
        let pem =
            std::fs::read_to_string(format!("{ROOT}/keys/test-only-rsa{bits}.pub.pem")).unwrap();
        let (allocations, bytes, key) = count(|| {
            PublicKey::from_pem_with_policy(&pem, KeyPolicy::DangerouslyAllowPublishedTestKeys)
                .unwrap()
        });
        println!(
            "PublicKey::from_pem_with_policy, {bits} bits: {allocations} allocations, {bytes} bytes"
        );
        let copy = key.clone();
        let (allocations, bytes, verifier) =
            count(|| Verifier::new("1fszvu527waovqeuhpkyx2b5d", [(1, copy)]).unwrap());
        println!("Verifier::new with one {bits}-bit key: {allocations} allocations, {bytes} bytes");
        let (allocations, _, _) = count(|| key.clone());
        println!("PublicKey::clone, {bits} bits: {allocations} allocations");
        drop(verifier);
    }
}
