//! Interleaved ratios: the same comparison as `benches/compare.rs`, but every round times a
//! short batch of each library back to back (in a rotating order) and the ratio to `ours`
//! is taken within the round. On a shared machine whose load drifts over minutes, this
//! keeps the ratios fair where criterion's one-benchmark-after-another medians do not.
//!
//! `interleaved [aws-lc|rust-crypto] [rounds]` prints one JSON object per key size:
//! `{"bits":..,"provider":..,"median_us":{lib: µs},"ratio_to_ours":{lib: median of
//! per-round lib/ours}}`. The jsonwebtoken provider is process-wide, so the script runs
//! this binary once per provider.
//!
//! `interleaved cold [rounds]` times the cold path instead, as a container pays it once at
//! start-up: `cold/ours-pem` (`PublicKey::from_pem` + `Verifier::new` + `verify`),
//! `cold/aws-lc-rs` (`ParsedPublicKey::new` from PKCS#1 DER + `verify_sig`) and `cold/rsa`
//! (`rsa::PublicKey::from_public_key_pem` + PSS verify); ratios are to `cold/ours-pem`.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use bench_compare::{BITS, Fixture, awslc, jwt, jwtcompact, ours, ring_, rsa010, sanity_check};

type Job<'a> = (&'static str, Box<dyn Fn() -> bool + 'a>);

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Times each job in rotating order for `rounds` rounds and prints one JSON line.
fn run(bits: usize, provider: &str, rounds: usize, jobs: &[Job<'_>]) {
    let batch: Vec<u32> = jobs
        .iter()
        .map(|(_, job)| {
            let start = Instant::now();
            let mut n = 0u32;
            while start.elapsed() < Duration::from_millis(20) {
                assert!(job());
                n += 1;
            }
            (n / 20).max(1)
        })
        .collect();
    let mut times: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); jobs.len()];
    for round in 0..rounds {
        for k in 0..jobs.len() {
            let i = (k + round) % jobs.len();
            let start = Instant::now();
            for _ in 0..batch[i] {
                black_box(jobs[i].1());
            }
            times[i].push(start.elapsed().as_secs_f64() * 1e6 / f64::from(batch[i]));
        }
    }
    let medians: Vec<String> = jobs
        .iter()
        .zip(times.iter_mut())
        .map(|((name, _), t)| format!("\"{name}\":{:.3}", median(&mut t.clone())))
        .collect();
    let ratios: Vec<String> = jobs
        .iter()
        .enumerate()
        .map(|(i, (name, _))| {
            let mut r: Vec<f64> = times[i].iter().zip(&times[0]).map(|(t, o)| t / o).collect();
            format!("\"{name}\":{:.4}", median(&mut r))
        })
        .collect();
    println!(
        "{{\"bits\":{bits},\"provider\":\"{provider}\",\"rounds\":{rounds},\"median_us\":{{{}}},\"ratio_to_ours\":{{{}}}}}",
        medians.join(","),
        ratios.join(",")
    );
}

fn cold(rounds: usize) {
    use register_usage_jwt::{KeyPolicy, PublicKey, Verifier};
    for bits in BITS {
        let f = Fixture::load(bits);
        let nonce = register_usage_jwt::Nonce::new(bench_compare::NONCE).unwrap();
        let jobs: Vec<Job<'_>> = vec![
            (
                "cold/ours-pem",
                Box::new(|| {
                    let key = PublicKey::from_pem_with_policy(
                        black_box(&f.spki_pem),
                        KeyPolicy::DangerouslyAllowPublishedTestKeys,
                    )
                    .unwrap();
                    let v = Verifier::new(bench_compare::PRODUCT_CODE, [(1, key)]).unwrap();
                    v.verify(black_box(&f.token), 1, &nonce).is_ok()
                }),
            ),
            (
                "cold/aws-lc-rs",
                Box::new(|| {
                    let key = awslc::key(black_box(&f));
                    awslc::verify(&key, black_box(&f.signing_input), &f.signature)
                }),
            ),
            (
                "cold/rsa",
                Box::new(|| {
                    let key = rsa010::key(black_box(&f));
                    rsa010::verify(&key, black_box(&f.signing_input), &rsa010::signature(&f))
                }),
            ),
        ];
        run(bits, "cold", rounds, &jobs);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let provider = args.get(1).map_or("aws-lc", String::as_str).to_owned();
    let rounds: usize = args.get(2).map_or(300, |r| r.parse().unwrap());
    if provider == "cold" {
        cold(rounds);
        return;
    }
    let jwt_id = match provider.as_str() {
        "aws-lc" => {
            jwt::install(jwt::Provider::AwsLc);
            "jsonwebtoken-aws-lc"
        }
        "rust-crypto" => {
            jwt::install(jwt::Provider::RustCrypto);
            "jsonwebtoken-rust-crypto"
        }
        other => panic!("unknown provider {other}"),
    };
    for bits in BITS {
        let f = Fixture::load(bits);
        sanity_check(&f, true);
        let v = ours::verifier(&f);
        let rk = rsa010::key(&f);
        let rs = rsa010::signature(&f);
        let ak = awslc::key(&f);
        let gk = ring_::key(&f);
        let jk = jwt::key(&f);
        let ck = jwtcompact::key(&f);
        let mut jobs: Vec<Job<'_>> = vec![
            ("ours", Box::new(|| ours::verify(&v, black_box(&f.token)))),
            (jwt_id, Box::new(|| jwt::verify(&jk, black_box(&f.token)))),
        ];
        if provider == "aws-lc" {
            jobs.push((
                "rsa",
                Box::new(|| rsa010::verify(&rk, black_box(&f.signing_input), &rs)),
            ));
            jobs.push((
                "aws-lc-rs",
                Box::new(|| awslc::verify(&ak, black_box(&f.signing_input), &f.signature)),
            ));
            jobs.push((
                "ring",
                Box::new(|| ring_::verify(&gk, black_box(&f.signing_input), &f.signature)),
            ));
            jobs.push((
                "jwt-compact",
                Box::new(|| jwtcompact::verify(&ck, black_box(&f.token))),
            ));
        }
        run(bits, &provider, rounds, &jobs);
    }
}
