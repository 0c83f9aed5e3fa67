//! `compare/<library>/<bits>`: one full PS256 verification of the same token with the same
//! key, prepared once, for each library (warm). `cold/<library>/<bits>`: from the key bytes
//! a seller embeds to a verified token, key parsing in every iteration (see
//! `bench_compare::cold`). `jsonwebtoken-rust-crypto` is in `compare_rust_crypto.rs`
//! because jsonwebtoken's provider is process-wide.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;

use bench_compare::{
    BITS, Fixture, awslc, cold, jwt, jwtcompact, ours, ring_, rsa010, sanity_check,
};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

fn compare(c: &mut Criterion) {
    jwt::install(jwt::Provider::AwsLc);
    let mut group = c.benchmark_group("compare");
    for bits in BITS {
        let f = Fixture::load(bits);
        sanity_check(&f, true);

        let v = ours::verifier(&f);
        group.bench_function(BenchmarkId::new("ours", bits), |b| {
            b.iter(|| assert!(ours::verify(&v, black_box(&f.token))))
        });

        let k = rsa010::key(&f);
        let sig = rsa010::signature(&f);
        group.bench_function(BenchmarkId::new("rsa", bits), |b| {
            b.iter(|| {
                assert!(rsa010::verify(
                    &k,
                    black_box(&f.signing_input),
                    black_box(&sig)
                ))
            })
        });

        let k = awslc::key(&f);
        group.bench_function(BenchmarkId::new("aws-lc-rs", bits), |b| {
            b.iter(|| {
                assert!(awslc::verify(
                    &k,
                    black_box(&f.signing_input),
                    black_box(&f.signature)
                ))
            })
        });

        let k = ring_::key(&f);
        group.bench_function(BenchmarkId::new("ring", bits), |b| {
            b.iter(|| {
                assert!(ring_::verify(
                    &k,
                    black_box(&f.signing_input),
                    black_box(&f.signature)
                ))
            })
        });

        let k = jwt::key(&f);
        group.bench_function(BenchmarkId::new("jsonwebtoken-aws-lc", bits), |b| {
            b.iter(|| assert!(jwt::verify(&k, black_box(&f.token))))
        });

        let k = jwtcompact::key(&f);
        group.bench_function(BenchmarkId::new("jwt-compact", bits), |b| {
            b.iter(|| assert!(jwtcompact::verify(&k, black_box(&f.token))))
        });
    }
    group.finish();
}

fn cold_paths(c: &mut Criterion) {
    let mut group = c.benchmark_group("cold");
    for bits in BITS {
        let f = Fixture::load(bits);
        cold::sanity_check(&f, "cold/jsonwebtoken-aws-lc");
        for (id, path) in cold::paths("cold/jsonwebtoken-aws-lc") {
            let lib = id.trim_start_matches("cold/");
            group.bench_function(BenchmarkId::new(lib, bits), |b| {
                b.iter(|| assert!(path(&f)))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, compare, cold_paths);
criterion_main!(benches);
