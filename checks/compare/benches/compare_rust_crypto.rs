//! `compare/jsonwebtoken-rust-crypto/<bits>`: jsonwebtoken 11 with its RustCrypto provider
//! (rsa 0.9), and `cold/jsonwebtoken-rust-crypto/<bits>` (`DecodingKey::from_rsa_pem` +
//! `decode` every iteration). A separate binary because jsonwebtoken's provider is
//! process-wide.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;

use bench_compare::{BITS, Fixture, cold, jwt, tampered};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

fn compare(c: &mut Criterion) {
    jwt::install(jwt::Provider::RustCrypto);
    let mut group = c.benchmark_group("compare");
    for bits in BITS {
        let f = Fixture::load(bits);
        let k = jwt::key(&f);
        assert!(jwt::verify(&k, &f.token));
        assert!(!jwt::verify(&k, &tampered(&f).0));
        group.bench_function(BenchmarkId::new("jsonwebtoken-rust-crypto", bits), |b| {
            b.iter(|| assert!(jwt::verify(&k, black_box(&f.token))))
        });
    }
    group.finish();
    let mut group = c.benchmark_group("cold");
    for bits in BITS {
        let f = Fixture::load(bits);
        assert!(cold::jwt(&f));
        group.bench_function(BenchmarkId::new("jsonwebtoken-rust-crypto", bits), |b| {
            b.iter(|| assert!(cold::jwt(black_box(&f))))
        });
    }
    group.finish();
}

criterion_group!(benches, compare);
criterion_main!(benches);
