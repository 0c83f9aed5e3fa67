//! The crate's PS256 verification against `rsa::pss::VerifyingKey::<Sha256>::new` (salt
//! length 32) for each test key size, on arbitrary message and signature bytes. Signatures
//! come from five sources so that every branch of EMSA-PSS decoding is reached:
//! raw bytes; raw bytes fitted to the modulus length; a real signature by
//! `rsa::pss::SigningKey` (salt length 32 or another) with bits flipped; an encoded message
//! built by hand, damaged in one chosen field, and raised to the private exponent with
//! `rsa::hazmat::rsa_decrypt`; and edge values (0, 1, n - 1, n, n + 1, all ones).
//! Any disagreement panics.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use register_usage_jwt::fuzzing::verify_pss;
use register_usage_jwt_fuzz::{DetRng, keys, reference_verify, sign_pss};
use rsa::BoxedUint;
use rsa::traits::PublicKeyParts;
use sha2::{Digest, Sha256};

#[derive(Arbitrary, Debug)]
enum Fault {
    None,
    Trailer(u8),
    TopBits(u8),
    Padding(u16, u8),
    Separator(u8),
    Hash(u8, u8),
    Flip(u16, u8),
}

#[derive(Arbitrary, Debug)]
enum Source {
    Raw(Vec<u8>),
    Fitted(Vec<u8>),
    Signed {
        salt_len: u8,
        flips: Vec<(u16, u8)>,
    },
    Crafted {
        salt: Vec<u8>,
        salt_len: u8,
        other_message: bool,
        fault: Fault,
    },
    Edge(u8),
}

#[derive(Arbitrary, Debug)]
struct Input {
    key: u8,
    message: Vec<u8>,
    source: Source,
}

fn mgf1_xor(out: &mut [u8], seed: &[u8]) {
    for (counter, chunk) in (0u32..).zip(out.chunks_mut(32)) {
        let mask = Sha256::new()
            .chain_update(seed)
            .chain_update(counter.to_be_bytes())
            .finalize();
        for (byte, m) in chunk.iter_mut().zip(mask.iter()) {
            *byte ^= m;
        }
    }
}

/// Raises `em` (as an integer) to the private exponent: the signature whose public
/// operation gives back `em`. `None` when `em` is not below the modulus.
fn private_operation(index: usize, em: &[u8]) -> Option<Vec<u8>> {
    let private = &keys()[index].private;
    let k = private.size();
    let precision = private.n_bits_precision();
    let c = BoxedUint::from_be_slice(em, precision).ok()?;
    let s = rsa::hazmat::rsa_decrypt::<DetRng>(None, private, &c).ok()?;
    let bytes = s.to_be_bytes();
    let start = bytes.len().checked_sub(k)?;
    Some(bytes[start..].to_vec())
}

fn crafted(
    index: usize,
    message: &[u8],
    salt: &[u8],
    salt_len: u8,
    other: bool,
    fault: &Fault,
) -> Option<Vec<u8>> {
    let reference = &keys()[index].reference;
    let em_bits = usize::try_from(reference.n().bit_width()).ok()? - 1;
    let em_len = em_bits.div_ceil(8);
    // Usually the right salt length, sometimes another one.
    let salt_len = if salt_len < 200 {
        32
    } else {
        usize::from(salt_len - 200) * 3
    };
    let db_len = em_len - 32 - 1;
    let salt_len = salt_len.min(db_len - 1);
    let mut salt_bytes = salt.to_vec();
    salt_bytes.resize(salt_len, 0x5a);
    let m_hash: [u8; 32] = if other {
        Sha256::digest([message, b"x"].concat()).into()
    } else {
        Sha256::digest(message).into()
    };
    let h: [u8; 32] = Sha256::new()
        .chain_update([0u8; 8])
        .chain_update(m_hash)
        .chain_update(&salt_bytes)
        .finalize()
        .into();
    let mut db = vec![0u8; db_len];
    let separator = db_len - salt_len - 1;
    db[separator] = 0x01;
    db[separator + 1..].copy_from_slice(&salt_bytes);
    match fault {
        Fault::Padding(at, value) if separator > 0 => {
            db[usize::from(*at) % separator] = *value;
        }
        Fault::Separator(value) => db[separator] = *value,
        _ => {}
    }
    mgf1_xor(&mut db, &h);
    let unused = 8 * em_len - em_bits;
    db[0] &= 0xffu8 >> unused;
    let mut em = db;
    em.extend_from_slice(&h);
    em.push(0xbc);
    match fault {
        Fault::Trailer(value) => *em.last_mut()? = *value,
        Fault::TopBits(bits) => em[0] |= bits & !(0xffu8 >> unused),
        Fault::Hash(at, mask) => {
            let at = em_len - 33 + usize::from(*at) % 32;
            em[at] ^= mask;
        }
        Fault::Flip(at, mask) => {
            let at = usize::from(*at) % em_len;
            em[at] ^= mask;
        }
        _ => {}
    }
    private_operation(index, &em)
}

fn edge(index: usize, which: u8) -> Vec<u8> {
    let reference = &keys()[index].reference;
    let k = reference.size();
    let n = reference.n().as_ref().clone();
    let fit = |value: BoxedUint| {
        let bytes = value.to_be_bytes();
        let mut out = vec![0u8; k];
        let take = bytes.len().min(k);
        out[k - take..].copy_from_slice(&bytes[bytes.len() - take..]);
        out
    };
    let one = BoxedUint::one_with_precision(n.bits_precision());
    match which % 7 {
        0 => vec![0u8; k],
        1 => fit(one),
        2 => fit(n.wrapping_sub(&one)),
        3 => fit(n),
        4 => fit(n.wrapping_add(&one)),
        5 => vec![0xffu8; k],
        _ => {
            let mut v = fit(n);
            v[k - 1] ^= 1;
            v
        }
    }
}

fuzz_target!(|input: Input| {
    let index = usize::from(input.key % 3);
    let key = &keys()[index];
    let k = key.ours.signature_len();
    let message = &input.message;
    let signature = match &input.source {
        Source::Raw(bytes) => bytes.clone(),
        Source::Fitted(bytes) => {
            let mut v = bytes.clone();
            v.resize(k, 0);
            v
        }
        Source::Signed { salt_len, flips } => {
            let salt_len = if *salt_len < 128 {
                32
            } else {
                usize::from(*salt_len - 128)
            };
            let Some(mut signature) = sign_pss(index, message, salt_len, message) else {
                return;
            };
            for &(at, mask) in flips {
                let at = usize::from(at) % signature.len();
                signature[at] ^= mask;
            }
            signature
        }
        Source::Crafted {
            salt,
            salt_len,
            other_message,
            fault,
        } => match crafted(index, message, salt, *salt_len, *other_message, fault) {
            Some(signature) => signature,
            None => return,
        },
        Source::Edge(which) => edge(index, *which),
    };
    let ours = verify_pss(&key.ours, message, &signature);
    let theirs = reference_verify(index, message, &signature);
    assert_eq!(
        ours.is_ok(),
        theirs,
        "disagreement at {} bits: ours {ours:?}, rsa {theirs}; signature {signature:02x?}",
        key.ours.bits()
    );
});
