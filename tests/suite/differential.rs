//! Differential test: the crate's RSASSA-PSS verification (`fuzzing::verify_pss`) must reach
//! the same verdict as `rsa::pss::VerifyingKey::<Sha256>` (salt 32, MGF1-SHA-256) on every
//! signature, at every supported key size (2048, 3072, 4096).
//!
//! Inputs: random messages signed by `rsa::pss::SigningKey<Sha256>` with random salts (both
//! must accept), signatures made with other salt lengths (both must reject: PS256 is
//! strictly salt 32), and corrupted signatures (bit flips, random bytes, wrong lengths,
//! 0, 1, n - 1, n, n + 1, all ones, a signature of another message).
//!
//! RSA signing is slow in a debug build, so a pool of signatures is made once per key size
//! (`OnceLock`) and proptest mutates them; only a few cases sign fresh random messages.
//! The `fuzzing` entry points come from the core's feature, which test-support switches on.

use std::convert::Infallible;
use std::sync::OnceLock;

use proptest::prelude::*;
use register_usage_jwt::fuzzing::verify_pss;
use register_usage_jwt::{KeyPolicy, PublicKey};
use rsa::pkcs8::DecodePrivateKey;
use rsa::pss::{Signature, SigningKey, VerifyingKey};
use rsa::rand_core::{TryCryptoRng, TryRng};
use rsa::signature::{Keypair, RandomizedSigner, Verifier as _};
use rsa::traits::PublicKeyParts;
use sha2::Sha256;

/// A deterministic test RNG (SplitMix64) for PSS salts and signing blinding. Not for keys.
struct TestRng(u64);

impl TryRng for TestRng {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok(self.try_next_u64()? as u32)
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Ok(z ^ (z >> 31))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(8) {
            let word = self.try_next_u64()?.to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
        Ok(())
    }
}

impl TryCryptoRng for TestRng {}

/// Salt lengths other than 32 that a signer might use.
const OTHER_SALTS: [usize; 5] = [0, 20, 31, 33, 64];
/// Pre-made salt-32 signatures per key size.
const POOL: usize = 4;

struct Keys {
    ours: PublicKey,
    reference: VerifyingKey<Sha256>,
    signer: SigningKey<Sha256>,
    /// The modulus, big-endian, exactly `k` bytes.
    n: Vec<u8>,
    /// `(message, salt-32 signature)`.
    valid: Vec<(Vec<u8>, Vec<u8>)>,
    /// `(salt length, message, signature)` with salt length != 32.
    other_salts: Vec<(usize, Vec<u8>, Vec<u8>)>,
}

fn load(bits: usize) -> Keys {
    let private = std::fs::read_to_string(format!("keys/test-only-rsa{bits}.key.pem")).unwrap();
    let private = rsa::PrivateKey::from_pkcs8_pem(&private).unwrap();
    let public = std::fs::read_to_string(format!("keys/test-only-rsa{bits}.pub.pem")).unwrap();
    let ours =
        PublicKey::from_pem_with_policy(&public, KeyPolicy::DangerouslyAllowPublishedTestKeys)
            .unwrap();
    let signer = SigningKey::<Sha256>::new(private.clone());
    let reference = signer.verifying_key();
    let k = ours.signature_len();
    let n = reference
        .as_ref()
        .n()
        .to_be_bytes_trimmed_vartime()
        .to_vec();
    assert_eq!(n.len(), k);
    assert_eq!(ours.bits(), bits);
    let mut rng = TestRng(bits as u64);
    let valid = (0..POOL)
        .map(|i| {
            let message = format!("pool message {i} for {bits}").into_bytes();
            let sig: Signature = signer.sign_with_rng(&mut rng, &message);
            (message, Box::<[u8]>::from(sig).into_vec())
        })
        .collect();
    let other_salts = OTHER_SALTS
        .iter()
        .map(|&salt| {
            let other = SigningKey::<Sha256>::new_with_salt_len(private.clone(), salt);
            let message = format!("salt {salt}").into_bytes();
            let sig: Signature = other.sign_with_rng(&mut rng, &message);
            (salt, message, Box::<[u8]>::from(sig).into_vec())
        })
        .collect();
    Keys {
        ours,
        reference,
        signer,
        n,
        valid,
        other_salts,
    }
}

fn keys(bits: usize) -> &'static Keys {
    static K2048: OnceLock<Keys> = OnceLock::new();
    static K3072: OnceLock<Keys> = OnceLock::new();
    static K4096: OnceLock<Keys> = OnceLock::new();
    match bits {
        2048 => K2048.get_or_init(|| load(2048)),
        3072 => K3072.get_or_init(|| load(3072)),
        4096 => K4096.get_or_init(|| load(4096)),
        _ => panic!("no key of {bits} bits"),
    }
}

/// Both verdicts; panics (with the inputs) when they differ.
fn verdict(keys: &Keys, message: &[u8], signature: &[u8]) -> bool {
    let ours = verify_pss(&keys.ours, message, signature).is_ok();
    let reference = Signature::try_from(signature)
        .is_ok_and(|sig| keys.reference.verify(message, &sig).is_ok());
    assert_eq!(
        ours,
        reference,
        "verdicts differ ({} bits): ours {ours}, rsa {reference}\nmessage {}\nsignature {}",
        keys.n.len() * 8,
        hex::encode(message),
        hex::encode(signature)
    );
    ours
}

/// `n + delta` as `k` big-endian bytes (wrapping), for the boundary signatures.
fn n_plus(n: &[u8], delta: i8) -> Vec<u8> {
    let mut out = n.to_vec();
    if delta >= 0 {
        let mut carry = u16::from(delta.unsigned_abs());
        for byte in out.iter_mut().rev() {
            let sum = u16::from(*byte) + carry;
            *byte = sum as u8;
            carry = sum >> 8;
        }
    } else {
        let mut borrow = i16::from(delta.unsigned_abs());
        for byte in out.iter_mut().rev() {
            let diff = i16::from(*byte) - borrow;
            *byte = diff.rem_euclid(256) as u8;
            borrow = i16::from(diff < 0);
        }
    }
    out
}

fn check_fixed_cases(bits: usize) {
    let keys = keys(bits);
    for (message, sig) in &keys.valid {
        assert!(verdict(keys, message, sig), "pool signature rejected");
    }
    for (salt, message, sig) in &keys.other_salts {
        assert!(!verdict(keys, message, sig), "salt {salt} accepted");
    }
    let k = keys.n.len();
    let (message, _) = &keys.valid[0];
    let mut one = vec![0u8; k];
    one[k - 1] = 1;
    let boundaries = [
        vec![0u8; k],
        one,
        n_plus(&keys.n, -1),
        keys.n.clone(),
        n_plus(&keys.n, 1),
        vec![0xFF; k],
        vec![],
        vec![0u8; k - 1],
        vec![0u8; k + 1],
    ];
    for sig in &boundaries {
        assert!(!verdict(keys, message, sig));
    }
    // A valid signature with a leading zero byte added or its (non-zero) first byte dropped.
    let (message, sig) = &keys.valid[1];
    let mut longer = vec![0u8];
    longer.extend_from_slice(sig);
    assert!(!verdict(keys, message, &longer));
    assert!(!verdict(keys, message, &sig[1..]));
    // The signature of one message does not verify another.
    assert!(!verdict(keys, &keys.valid[2].0, &keys.valid[3].1));
}

#[derive(Clone, Debug)]
enum Mutation {
    /// Flip one bit (index taken modulo the bit length).
    FlipBit(usize),
    /// Overwrite one byte with a different value.
    SetByte(usize, u8),
    /// Replace the whole signature by random bytes of the right length (the seed picks them).
    Random(u64),
    /// Random bytes below the modulus: the top byte cleared.
    RandomReduced(u64),
    /// Truncate or extend by up to 3 bytes.
    Resize(i8),
    /// Keep the signature, change the message.
    OtherMessage(Vec<u8>),
    /// Swap two bytes.
    Swap(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => any::<usize>().prop_map(Mutation::FlipBit),
        2 => (any::<usize>(), 1..=255u8).prop_map(|(i, x)| Mutation::SetByte(i, x)),
        1 => any::<u64>().prop_map(Mutation::Random),
        1 => any::<u64>().prop_map(Mutation::RandomReduced),
        1 => (-3i8..=3).prop_filter("non-zero", |d| *d != 0).prop_map(Mutation::Resize),
        1 => prop::collection::vec(any::<u8>(), 0..64).prop_map(Mutation::OtherMessage),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Swap(a, b)),
    ]
}

fn check_mutation(bits: usize, pick: usize, m: &Mutation) {
    let keys = keys(bits);
    let (message, sig) = &keys.valid[pick % keys.valid.len()];
    let mut message = message.clone();
    let mut sig = sig.clone();
    let k = sig.len();
    let mut expect_reject = true;
    match m {
        Mutation::FlipBit(i) => sig[(i / 8) % k] ^= 1 << (i % 8),
        Mutation::SetByte(i, x) => sig[i % k] ^= x,
        Mutation::Random(seed) | Mutation::RandomReduced(seed) => {
            TestRng(*seed).try_fill_bytes(&mut sig).unwrap();
            if matches!(m, Mutation::RandomReduced(_)) {
                sig[0] = 0;
            }
        }
        Mutation::Resize(d) if *d < 0 => sig.truncate(k - usize::from(d.unsigned_abs())),
        Mutation::Resize(d) => sig.resize(k + usize::from(d.unsigned_abs()), 0),
        Mutation::OtherMessage(other) => {
            expect_reject = *other != message;
            message = other.clone();
        }
        Mutation::Swap(a, b) => {
            sig.swap(a % k, b % k);
            expect_reject = sig[a % k] != sig[b % k];
        }
    }
    let accepted = verdict(keys, &message, &sig);
    assert!(
        !(expect_reject && accepted),
        "a mutated signature verified: {m:?}"
    );
}

fn check_fresh(bits: usize, message: &[u8], seed: u64) {
    let keys = keys(bits);
    let sig: Signature = keys.signer.sign_with_rng(&mut TestRng(seed), message);
    let sig = Box::<[u8]>::from(sig).into_vec();
    assert!(
        verdict(keys, message, &sig),
        "fresh salt-32 signature rejected"
    );
}

#[test]
fn fixed_cases_2048() {
    check_fixed_cases(2048);
}

#[test]
fn fixed_cases_3072() {
    check_fixed_cases(3072);
}

#[test]
fn fixed_cases_4096() {
    check_fixed_cases(4096);
}

macro_rules! size_props {
    ($module:ident, $bits:expr, $mutations:expr, $fresh:expr) => {
        mod $module {
            use super::*;

            proptest! {
                #![proptest_config(ProptestConfig::with_cases($mutations))]
                #[test]
                fn mutated_signatures_agree(pick in 0..POOL, m in mutation()) {
                    check_mutation($bits, pick, &m);
                }
            }

            proptest! {
                #![proptest_config(ProptestConfig::with_cases($fresh))]
                #[test]
                fn fresh_signatures_agree(
                    message in prop::collection::vec(any::<u8>(), 0..300),
                    seed in any::<u64>(),
                ) {
                    check_fresh($bits, &message, seed);
                }
            }
        }
    };
}

size_props!(rsa2048, 2048, 512, 32);
size_props!(rsa3072, 3072, 256, 16);
size_props!(rsa4096, 4096, 256, 12);
