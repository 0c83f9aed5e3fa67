//! Interleaved timing: the same comparison as `benches/compare.rs`, but every round times a
//! short batch of each job back to back (in a rotating order), so that any ratio can be
//! taken within a round. On a shared machine whose load drifts over minutes, this keeps the
//! ratios fair where criterion's one-benchmark-after-another medians do not.
//!
//! `interleaved <aws-lc|rust-crypto|cold> [rounds]` prints one JSON object per key size:
//! `{"bits":..,"provider":..,"rounds":..,"median_us":{id: µs},"ratio_to_ours":{id: median
//! of per-round id/ours},"times_us":{id: [µs per call, one per round]}}`, so that the
//! script can take the median of per-round ratios between any two ids of the same run.
//!
//! Ids: warm `<lib>` (key prepared once, outside the timed batch) and cold `cold/<lib>`
//! (from the key bytes a seller embeds to a verified token, every call; see
//! `bench_compare::cold`). jsonwebtoken's provider is process-wide, so the script runs this
//! binary once per provider: `aws-lc` runs every warm and cold id with the aws-lc-rs
//! provider, `rust-crypto` runs `ours`, `cold/ours-*` and the jsonwebtoken ids with the
//! RustCrypto provider; `cold` is `aws-lc` without the warm peers.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use bench_compare::{
    BITS, Fixture, awslc, cold, jwt, jwtcompact, ours, ring_, rsa010, sanity_check,
};

type Job<'a> = (&'static str, Box<dyn Fn() -> bool + 'a>);

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Times each job in rotating order for `rounds` rounds and prints one JSON line.
fn run(bits: usize, provider: &str, rounds: usize, jobs: &[Job<'_>]) {
    // Calls per batch: about 1 ms of each job (at least one call).
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
        .zip(&times)
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
    let raw: Vec<String> = jobs
        .iter()
        .zip(&times)
        .map(|((name, _), t)| {
            let t: Vec<String> = t.iter().map(|x| format!("{x:.3}")).collect();
            format!("\"{name}\":[{}]", t.join(","))
        })
        .collect();
    println!(
        "{{\"bits\":{bits},\"provider\":\"{provider}\",\"rounds\":{rounds},\"median_us\":{{{}}},\"ratio_to_ours\":{{{}}},\"times_us\":{{{}}}}}",
        medians.join(","),
        ratios.join(","),
        raw.join(",")
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map_or("aws-lc", String::as_str).to_owned();
    let rounds: usize = args.get(2).map_or(300, |r| r.parse().unwrap());
    let (jwt_id, cold_jwt_id) = match mode.as_str() {
        "aws-lc" | "cold" => {
            jwt::install(jwt::Provider::AwsLc);
            ("jsonwebtoken-aws-lc", "cold/jsonwebtoken-aws-lc")
        }
        "rust-crypto" => {
            jwt::install(jwt::Provider::RustCrypto);
            ("jsonwebtoken-rust-crypto", "cold/jsonwebtoken-rust-crypto")
        }
        other => panic!("unknown mode {other}: aws-lc, rust-crypto or cold"),
    };
    for bits in BITS {
        let f = Fixture::load(bits);
        sanity_check(&f, true);
        cold::sanity_check(&f, cold_jwt_id);
        let v = ours::verifier(&f);
        let rk = rsa010::key(&f);
        let rs = rsa010::signature(&f);
        let ak = awslc::key(&f);
        let gk = ring_::key(&f);
        let jk = jwt::key(&f);
        let ck = jwtcompact::key(&f);
        // `ours` first: `ratio_to_ours` divides by job 0.
        let mut jobs: Vec<Job<'_>> =
            vec![("ours", Box::new(|| ours::verify(&v, black_box(&f.token))))];
        if mode != "cold" {
            jobs.push((jwt_id, Box::new(|| jwt::verify(&jk, black_box(&f.token)))));
        }
        if mode == "aws-lc" {
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
        for (id, path) in cold::paths(cold_jwt_id) {
            let f = &f;
            jobs.push((id, Box::new(move || path(f))));
        }
        run(bits, &mode, rounds, &jobs);
    }
}
