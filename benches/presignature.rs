//! The cost of the worst token an attacker can send that is refused before any RSA work,
//! against one valid 2048-bit verification, in the same run.
//!
//! Anyone can force one public-key operation per token (a well-formed header and a wrong
//! signature of the right length). Nothing refused before the signature may cost much more
//! than that: the bound is half of one valid 2048-bit verification. Before the signature,
//! the header is read only if it is at most `MAX_PRE_SIGNATURE_HEADER_LEN` (512 bytes) long. The
//! constructions (escaped and fully escaped member names, a duplicate found last, nesting to
//! and past its bound, the most members, wide arrays, nested objects, long escaped strings;
//! each header at that bound, the payload padding the token to the size bound, with a 1-byte
//! signature) are the test-support crate's `worst_pre_signature_tokens`, whose verdicts
//! `tests/suite/hardening.rs` checks. A last row is the costliest of the same constructions
//! at about 5.5 KiB (`long_crafted_headers`), unsigned: such a header is not read before the
//! signature, so it costs only its decoding.
//!
//! Criterion ids `presignature/<construction>` and `presignature/valid_2048`; then an
//! interleaved run (batches of each, round after round) prints each construction's cost as
//! a ratio of the valid verification, the figure the README reports:
//! `cargo bench -p register-usage-jwt --bench presignature -- no_such_benchmark`.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss
)]

use register_usage_jwt_test_support as common;

use std::hint::black_box;
use std::time::Instant;

use criterion::Criterion;
use register_usage_jwt::{Nonce, Verifier};

fn setup() -> (Verifier, String, Vec<(&'static str, String, &'static str)>) {
    let verifier = common::verifier();
    let valid = common::mint("test-only-rsa2048", common::HEADER, &common::payload());
    let mut worst = common::worst_pre_signature_tokens();
    // The long headers, unsigned: all cost the same (their decoding), so the one that would
    // cost the JSON reader the most stands for them.
    let (_, header, _) = common::long_crafted_headers()
        .into_iter()
        .find(|(name, _, _)| *name == "nested objects of many members")
        .unwrap();
    let long = format!("{}.e30.AA", common::b64(header.as_bytes()));
    worst.push((
        "any longer header: nested objects, 5.5 KiB",
        long,
        "bad_signature",
    ));
    (verifier, valid, worst)
}

fn criterion_runs(c: &mut Criterion) {
    let (verifier, valid, worst) = setup();
    let nonce = Nonce::new(common::NONCE).unwrap();
    let mut group = c.benchmark_group("presignature");
    group.bench_function("valid_2048", |b| {
        b.iter(|| verifier.verify(black_box(&valid), 1, &nonce).unwrap())
    });
    for (name, token, _) in &worst {
        group.bench_function(name.replace(' ', "_"), |b| {
            b.iter(|| verifier.verify(black_box(token), 1, &nonce).unwrap_err())
        });
    }
    group.finish();
}

/// Nanoseconds per call of `f` over a batch of `n` calls.
fn batch(n: u32, mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    for _ in 0..n {
        f();
    }
    start.elapsed().as_nanos() as f64 / f64::from(n)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn interleaved_ratios() {
    let (verifier, valid, worst) = setup();
    let nonce = Nonce::new(common::NONCE).unwrap();
    let rounds = 200;
    let mut valid_ns = Vec::new();
    let mut ratios: Vec<Vec<f64>> = vec![Vec::new(); worst.len()];
    let mut worst_ns: Vec<Vec<f64>> = vec![Vec::new(); worst.len()];
    for _ in 0..rounds {
        let v = batch(20, || {
            black_box(verifier.verify(black_box(&valid), 1, &nonce).unwrap());
        });
        valid_ns.push(v);
        for (i, (_, token, _)) in worst.iter().enumerate() {
            let w = batch(20, || {
                black_box(verifier.verify(black_box(token), 1, &nonce).unwrap_err());
            });
            worst_ns[i].push(w);
            ratios[i].push(w / v);
        }
    }
    println!();
    println!(
        "interleaved, {rounds} rounds of 20 calls each: valid 2048-bit verification {:.2} us (median)",
        median(valid_ns) / 1000.0
    );
    println!(
        "| refused before the signature (token at the size bound, header at 512 bytes) | µs | ÷ valid 2048 verify |"
    );
    println!("|---|---:|---:|");
    for (i, (name, _, code)) in worst.iter().enumerate() {
        println!(
            "| {name} (`{code}`) | {:.2} | {:.3} |",
            median(worst_ns[i].clone()) / 1000.0,
            median(ratios[i].clone())
        );
    }
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    criterion_runs(&mut criterion);
    criterion.final_summary();
    // `cargo bench --no-run` builds this; `cargo test --benches` runs it once as a test.
    if std::env::args().any(|a| a == "--bench") {
        interleaved_ratios();
    }
}
