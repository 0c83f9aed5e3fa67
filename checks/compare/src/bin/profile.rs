//! A fixed workload for `valgrind --tool=callgrind` (instruction counts do not depend on the
//! machine's load): `profile <verify|key-pem|cold-pem|cold-embedded|key-embedded> <bits> <iterations>`.
//!
//! - `verify`: `Verifier::verify` of the fixture token, key prepared once.
//! - `key-pem`: `PublicKey::from_pem` (parse, checks, Montgomery constants).
//! - `cold-pem`: `from_pem` + `Verifier::new` + one `verify`, what a container pays once.
//! - `cold-embedded`: the same from the `embed_product_key!` output (`from_embedded`).
//! - `key-embedded`: `PublicKey::from_embedded` alone (the key loading of `cold-embedded`).
//!
//! One iteration's cost is the difference of two runs (say 201 and 1 iterations) over 200,
//! which cancels the fixture loading and the process start.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;

use bench_compare::{Fixture, ours};
use register_usage_jwt::{KeyPolicy, PublicKey, Verifier};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let what = args.get(1).map_or("verify", String::as_str);
    let bits: usize = args.get(2).map_or(2048, |b| b.parse().unwrap());
    let iterations: usize = args.get(3).map_or(200, |n| n.parse().unwrap());
    let f = Fixture::load(bits);
    let load = || {
        PublicKey::from_pem_with_policy(
            black_box(&f.spki_pem),
            KeyPolicy::DangerouslyAllowPublishedTestKeys,
        )
        .unwrap()
    };
    match what {
        "verify" => {
            let v = ours::verifier(&f);
            for _ in 0..iterations {
                assert!(ours::verify(&v, black_box(&f.token)));
            }
        }
        "key-pem" => {
            for _ in 0..iterations {
                black_box(load());
            }
        }
        "cold-pem" => {
            for _ in 0..iterations {
                let v = Verifier::new(bench_compare::PRODUCT_CODE, [(1, load())]).unwrap();
                assert!(ours::verify(&v, black_box(&f.token)));
            }
        }
        "key-embedded" => {
            for _ in 0..iterations {
                black_box(PublicKey::from_embedded(black_box(f.embedded)).unwrap());
            }
        }
        "cold-embedded" => {
            for _ in 0..iterations {
                assert!(bench_compare::cold::ours_embedded(black_box(&f)));
            }
        }
        other => panic!("unknown workload {other}"),
    }
}
