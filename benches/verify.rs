//! Criterion benches of the public API and of the pieces a verification is made of.
//!
//! - `full_verify/<bits>`: `Verifier::verify` on a valid token, key prepared once.
//! - `key_prep/{from_pem,from_der}/<bits>`: loading and preparing a public key;
//!   `key_prep/from_embedded/<bits>`: loading a key `embed_product_key!` prepared at compile
//!   time (the seller-like keys of `checks/compare/fixtures/`, which the production policy
//!   accepts; the same sizes as the test keys).
//! - `rejections/*`: a bad signature (costs a full public operation) and the cheap paths
//!   (wrong segment count, bad base64, wrong `alg`, oversized token, unknown key version).
//! - `pieces/*`: the steps of a verification, rebuilt from the same dependencies because the
//!   crate's internals are private: base64ct decode of the three segments, SHA-256 of the
//!   signing input, MGF1 + final hash of EMSA-PSS, and the RSA public operation
//!   `s^65537 mod n` with crypto-bigint for reference (`FixedMontyForm` square-and-multiply,
//!   which `core/src/rsa/` used before its own Montgomery module, crypto-bigint `pow_vartime`,
//!   and rsa 0.10's whole `pss::VerifyingKey<Sha256>::verify`), and the crate's own header
//!   check, claims parse and PSS check (its own arithmetic) through its `fuzzing` entry
//!   points.
//!
//! Tokens are the `valid_*/cryptography` fixtures of `tests/fixtures/tokens.json`.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation
)]

use std::hint::black_box;

use base64ct::{Base64UrlUnpadded, Encoding};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
use crypto_bigint::{Odd, U2048, U3072, U4096, Uint};
use register_usage_jwt::{EmbeddedKey, Error, KeyPolicy, Nonce, PublicKey, Verifier, fuzzing};
use serde::Deserialize;
use sha2::{Digest, Sha256};

const PRODUCT_CODE: &str = "1fszvu527waovqeuhpkyx2b5d";
const NONCE: &str = "3f1e5a0c-6b7d-4e2a-9c31-0d8f2b7a4e55";
const BITS: [usize; 3] = [2048, 3072, 4096];

#[derive(Deserialize)]
struct Fixtures {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    token: String,
}

struct Fixture {
    token: String,
    pem: String,
    der: Vec<u8>,
    modulus: Vec<u8>,
    signature: Vec<u8>,
    signing_input: String,
}

fn fixture(bits: usize) -> Fixture {
    let name = match bits {
        2048 => "valid_pascal_api_reference/cryptography",
        3072 => "valid_rsa3072/cryptography",
        _ => "valid_rsa4096/cryptography",
    };
    let json = std::fs::read_to_string("tests/fixtures/tokens.json").unwrap();
    let fixtures: Fixtures = serde_json::from_str(&json).unwrap();
    let token = fixtures
        .cases
        .into_iter()
        .find(|c| c.name == name)
        .unwrap()
        .token;
    let pem = std::fs::read_to_string(format!("keys/test-only-rsa{bits}.pub.pem")).unwrap();
    use rsa::pkcs8::{DecodePublicKey, EncodePublicKey};
    use rsa::traits::PublicKeyParts;
    let key = rsa::PublicKey::from_public_key_pem(&pem).unwrap();
    let der = key.to_public_key_der().unwrap().as_bytes().to_vec();
    let modulus = key.n().to_be_bytes_trimmed_vartime().to_vec();
    let (signing_input, signature) = token.rsplit_once('.').unwrap();
    let signature = Base64UrlUnpadded::decode_vec(signature).unwrap();
    Fixture {
        signing_input: signing_input.to_owned(),
        token,
        pem,
        der,
        modulus,
        signature,
    }
}

fn test_key(pem: &str) -> PublicKey {
    PublicKey::from_pem_with_policy(pem, KeyPolicy::DangerouslyAllowPublishedTestKeys).unwrap()
}

fn verifier(f: &Fixture) -> Verifier {
    Verifier::new(PRODUCT_CODE, [(1, test_key(&f.pem))]).unwrap()
}

fn full_verify(c: &mut Criterion) {
    let mut group = c.benchmark_group("full_verify");
    let nonce = Nonce::new(NONCE).unwrap();
    for bits in BITS {
        let f = fixture(bits);
        let v = verifier(&f);
        assert!(v.verify(&f.token, 1, &nonce).is_ok());
        group.bench_function(BenchmarkId::from_parameter(bits), |b| {
            b.iter(|| v.verify(black_box(&f.token), 1, &nonce).unwrap())
        });
    }
    group.finish();
}

/// Seller-like product keys (checks/compare/fixtures/), embedded as a seller would.
fn embedded_key(bits: usize) -> EmbeddedKey {
    const KEY_2048: EmbeddedKey =
        register_usage_jwt::embed_product_key!("checks/compare/fixtures/seller-rsa2048.pub.pem");
    const KEY_3072: EmbeddedKey =
        register_usage_jwt::embed_product_key!("checks/compare/fixtures/seller-rsa3072.pub.pem");
    const KEY_4096: EmbeddedKey =
        register_usage_jwt::embed_product_key!("checks/compare/fixtures/seller-rsa4096.pub.pem");
    match bits {
        2048 => KEY_2048,
        3072 => KEY_3072,
        _ => KEY_4096,
    }
}

fn key_prep(c: &mut Criterion) {
    let mut group = c.benchmark_group("key_prep");
    for bits in BITS {
        let f = fixture(bits);
        let embedded = embedded_key(bits);
        assert_eq!(PublicKey::from_embedded(embedded).unwrap().bits(), bits);
        group.bench_function(BenchmarkId::new("from_embedded", bits), |b| {
            b.iter(|| PublicKey::from_embedded(black_box(embedded)).unwrap())
        });
        group.bench_function(BenchmarkId::new("from_pem", bits), |b| {
            b.iter(|| {
                PublicKey::from_pem_with_policy(
                    black_box(&f.pem),
                    KeyPolicy::DangerouslyAllowPublishedTestKeys,
                )
                .unwrap()
            })
        });
        group.bench_function(BenchmarkId::new("from_der", bits), |b| {
            b.iter(|| {
                PublicKey::from_der_with_policy(
                    black_box(&f.der),
                    KeyPolicy::DangerouslyAllowPublishedTestKeys,
                )
                .unwrap()
            })
        });
    }
    group.finish();
}

fn rejections(c: &mut Criterion) {
    let mut group = c.benchmark_group("rejections");
    let nonce = Nonce::new(NONCE).unwrap();
    for bits in BITS {
        let f = fixture(bits);
        let v = verifier(&f);
        let mut sig = f.signature.clone();
        let mid = sig.len() / 2;
        sig[mid] ^= 1;
        let bad = format!(
            "{}.{}",
            f.signing_input,
            Base64UrlUnpadded::encode_string(&sig)
        );
        assert!(matches!(
            v.verify(&bad, 1, &nonce),
            Err(Error::BadSignature { .. })
        ));
        group.bench_function(BenchmarkId::new("bad_signature", bits), |b| {
            b.iter(|| v.verify(black_box(&bad), 1, &nonce).unwrap_err())
        });
    }
    let f = fixture(2048);
    let v = verifier(&f);
    let (header, rest) = f.token.split_once('.').unwrap();
    let cheap = [
        ("segment_count", format!("{}.x", f.token)),
        ("bad_base64", format!("{header}.{rest}=")),
        (
            "wrong_alg",
            format!(
                "{}.{}",
                Base64UrlUnpadded::encode_string(br#"{"alg":"RS256","typ":"JWT"}"#),
                rest
            ),
        ),
        (
            "too_large",
            "a".repeat(register_usage_jwt::MAX_TOKEN_LEN + 1),
        ),
    ];
    for (name, token) in &cheap {
        assert!(v.verify(token, 1, &nonce).is_err());
        group.bench_function(*name, |b| {
            b.iter(|| v.verify(black_box(token), 1, &nonce).unwrap_err())
        });
    }
    group.bench_function("unknown_key_version", |b| {
        b.iter(|| v.verify(black_box(&f.token), 2, &nonce).unwrap_err())
    });
    group.finish();
}

/// The public operation as `core/src/rsa/mod.rs` does it: left-to-right square-and-multiply.
fn square_and_multiply<const L: usize>(
    params: &FixedMontyParams<L>,
    s: &Uint<L>,
    e: u64,
) -> Uint<L> {
    let base = FixedMontyForm::new(s, params);
    let mut acc = base;
    let top = u64::BITS - e.leading_zeros();
    for bit in (0..top - 1).rev() {
        acc = acc.square();
        if (e >> bit) & 1 == 1 {
            acc = acc.mul(&base);
        }
    }
    acc.retrieve()
}

fn modexp_benches<const L: usize>(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    bits: usize,
    f: &Fixture,
) {
    let width = L * 8;
    let mut padded = vec![0u8; width];
    padded[width - f.modulus.len()..].copy_from_slice(&f.modulus);
    let n = Odd::new(Uint::<L>::from_be_slice(&padded)).unwrap();
    let params = FixedMontyParams::new_vartime(n);
    let mut padded = vec![0u8; width];
    padded[width - f.signature.len()..].copy_from_slice(&f.signature);
    let s = Uint::<L>::from_be_slice(&padded);
    let e = Uint::<L>::from_u64(65537);
    let reference = square_and_multiply(&params, &s, 65537);
    assert_eq!(
        FixedMontyForm::new(&s, &params).pow_vartime(&e).retrieve(),
        reference
    );
    let m = reference.to_be_bytes();
    assert_eq!(m.as_ref().last(), Some(&0xBC), "EM must end in 0xBC");

    group.bench_function(BenchmarkId::new("modexp_square_multiply", bits), |b| {
        b.iter(|| square_and_multiply(&params, black_box(&s), black_box(65537)))
    });
    group.bench_function(BenchmarkId::new("modexp_pow_vartime", bits), |b| {
        b.iter(|| {
            FixedMontyForm::new(black_box(&s), &params)
                .pow_vartime(black_box(&e))
                .retrieve()
        })
    });
    let x = FixedMontyForm::new(&s, &params);
    group.bench_function(BenchmarkId::new("monty_square", bits), |b| {
        b.iter(|| black_box(&x).square())
    });
    group.bench_function(BenchmarkId::new("monty_mul", bits), |b| {
        b.iter(|| black_box(&x).mul(black_box(&x)))
    });
    group.bench_function(BenchmarkId::new("monty_convert_in_out", bits), |b| {
        b.iter(|| {
            FixedMontyForm::new(black_box(&s), &params)
                .retrieve()
                .to_be_bytes()
        })
    });
}

/// EMSA-PSS-VERIFY's hashing for SHA-256 / salt 32: MGF1 over `emLen - 33` bytes plus
/// `SHA-256(0^8 || mHash || salt)`.
fn emsa_pss_hashing(em_len: usize, h: &[u8; 32], m_hash: &[u8; 32]) -> [u8; 32] {
    let mut db = [0u8; 512];
    let db = &mut db[..em_len - 33];
    for (counter, chunk) in (0u32..).zip(db.chunks_mut(32)) {
        let mask = Sha256::new()
            .chain_update(h)
            .chain_update(counter.to_be_bytes())
            .finalize();
        for (b, m) in chunk.iter_mut().zip(mask.iter()) {
            *b ^= m;
        }
    }
    let salt = &db[db.len() - 32..];
    Sha256::new()
        .chain_update([0u8; 8])
        .chain_update(m_hash)
        .chain_update(salt)
        .finalize()
        .into()
}

fn pieces(c: &mut Criterion) {
    let mut group = c.benchmark_group("pieces");
    for bits in BITS {
        let f = fixture(bits);
        let segments: Vec<&str> = f.token.split('.').collect();
        group.bench_function(BenchmarkId::new("base64_decode_3_segments", bits), |b| {
            let mut buffer = [0u8; 6144];
            b.iter(|| {
                let mut rest = &mut buffer[..];
                let mut total = 0;
                for segment in black_box(&segments) {
                    let n = Base64UrlUnpadded::decode(segment.as_bytes(), rest)
                        .unwrap()
                        .len();
                    total += n;
                    rest = &mut rest[n..];
                }
                total
            })
        });
        group.bench_function(BenchmarkId::new("sha256_signing_input", bits), |b| {
            b.iter(|| Sha256::digest(black_box(f.signing_input.as_bytes())))
        });
        let em_len = (bits - 1).div_ceil(8);
        let m_hash: [u8; 32] = Sha256::digest(f.signing_input.as_bytes()).into();
        group.bench_function(BenchmarkId::new("emsa_pss_mgf1_and_hash", bits), |b| {
            b.iter(|| emsa_pss_hashing(em_len, black_box(&[7u8; 32]), black_box(&m_hash)))
        });
        // The crate's own steps, through the `fuzzing` entry points (the root dev-dependency
        // on the crate itself enables that feature for tests and benches).
        let header = Base64UrlUnpadded::decode_vec(segments[0]).unwrap();
        let payload = Base64UrlUnpadded::decode_vec(segments[1]).unwrap();
        group.bench_function(BenchmarkId::new("crate_header_check", bits), |b| {
            b.iter(|| fuzzing::check_header(black_box(&header)).unwrap())
        });
        group.bench_function(BenchmarkId::new("crate_claims_parse", bits), |b| {
            b.iter(|| fuzzing::parse_claims(black_box(&payload)).unwrap())
        });
        let key = test_key(&f.pem);
        group.bench_function(BenchmarkId::new("crate_verify_pss", bits), |b| {
            b.iter(|| {
                fuzzing::verify_pss(&key, black_box(f.signing_input.as_bytes()), &f.signature)
                    .unwrap()
            })
        });
        match bits {
            2048 => modexp_benches::<{ U2048::LIMBS }>(&mut group, bits, &f),
            3072 => modexp_benches::<{ U3072::LIMBS }>(&mut group, bits, &f),
            _ => modexp_benches::<{ U4096::LIMBS }>(&mut group, bits, &f),
        }
        {
            use rsa::pkcs8::DecodePublicKey;
            use rsa::signature::Verifier as _;
            let key = rsa::pss::VerifyingKey::<Sha256>::new(
                rsa::PublicKey::from_public_key_pem(&f.pem).unwrap(),
            );
            let sig = rsa::pss::Signature::try_from(f.signature.as_slice()).unwrap();
            assert!(key.verify(f.signing_input.as_bytes(), &sig).is_ok());
            group.bench_function(BenchmarkId::new("rsa_pss_verify", bits), |b| {
                b.iter(|| {
                    key.verify(black_box(f.signing_input.as_bytes()), &sig)
                        .unwrap()
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, full_verify, key_prep, rejections, pieces);
criterion_main!(benches);
