//! RSASSA-PSS verification with SHA-256, MGF1-SHA-256 and a 32-byte salt (RFC 8017 §8.1.2,
//! RFC 7518 §3.5), on fixed-size integers prepared once per key.
//!
//! `rsa`'s own verifier raises the signature to `e` with a constant-time 4-bit window: about
//! 35 Montgomery operations for e = 65537 and heap-allocated integers. Here both the exponent
//! and the signature are public, so square-and-multiply in variable time leaks nothing and
//! needs 17 operations (16 squarings, one multiplication), on stack integers sized for the
//! key (2048, 3072 or 4096 bits; a modulus between sizes uses the next one up, which
//! Montgomery arithmetic allows for any odd modulus below `2^BITS`).
//!
//! The arithmetic is the crate's own fixed-size Montgomery module ([`montgomery`]):
//! a dedicated squaring and a block-wise reduction, measured faster than crypto-bigint's
//! generic loop (see PERFORMANCE.md). This module chooses the size class and decodes
//! EMSA-PSS. It is checked against crypto-bigint and `rsa::pss::VerifyingKey<Sha256>` on
//! every Wycheproof vector, by proptest and by the differential fuzz target.

use alloc::boxed::Box;
use sha2::{Digest, Sha256};

use crate::error::SignatureDefect;
use montgomery::Modulus;

pub(crate) mod montgomery;

/// The SHA-256 output length, which PS256 also uses as its salt length.
const HASH_LEN: usize = 32;
const SALT_LEN: usize = 32;

/// The largest modulus in bytes.
pub(crate) const MAX_MODULUS_LEN: usize = 512;

/// Limbs of the three size classes.
const LIMBS_2048: usize = 32;
const LIMBS_3072: usize = 48;
const LIMBS_4096: usize = 64;

/// A modulus with its Montgomery constants, computed once.
#[derive(Clone, Debug)]
pub(crate) enum PreparedModulus {
    Up2048(Box<Modulus<LIMBS_2048>>),
    Up3072(Box<Modulus<LIMBS_3072>>),
    Up4096(Box<Modulus<LIMBS_4096>>),
}

impl PreparedModulus {
    /// Prepares a modulus given big-endian without leading zeros. `None` when it is even,
    /// one, has more than 4096 bits or is empty.
    pub(crate) fn new(modulus: &[u8]) -> Option<Self> {
        Some(match modulus.len() {
            0 => return None,
            1..=256 => Self::Up2048(Box::new(Modulus::new(montgomery::from_be_bytes(modulus)?)?)),
            257..=384 => Self::Up3072(Box::new(Modulus::new(montgomery::from_be_bytes(modulus)?)?)),
            385..=MAX_MODULUS_LEN => {
                Self::Up4096(Box::new(Modulus::new(montgomery::from_be_bytes(modulus)?)?))
            }
            _ => return None,
        })
    }

    /// RSAVP1 followed by I2OSP: `m = s^e mod n` written into `em` (big-endian, exactly
    /// `em.len()` bytes). `signature` must already be `k` bytes long.
    fn public_operation(
        &self,
        exponent: u64,
        signature: &[u8],
        em: &mut [u8],
    ) -> Result<(), SignatureDefect> {
        match self {
            Self::Up2048(m) => public_operation(m, exponent, signature, em),
            Self::Up3072(m) => public_operation(m, exponent, signature, em),
            Self::Up4096(m) => public_operation(m, exponent, signature, em),
        }
    }
}

fn public_operation<const N: usize>(
    modulus: &Modulus<N>,
    exponent: u64,
    signature: &[u8],
    em: &mut [u8],
) -> Result<(), SignatureDefect> {
    let s = montgomery::from_be_bytes::<N>(signature).ok_or(SignatureDefect::Length {
        found: signature.len(),
        expected: N.saturating_mul(8),
    })?;
    // RFC 8017 §5.2.2 step 1: the representative must be below the modulus.
    if !montgomery::lt(&s, modulus.limbs()) {
        return Err(SignatureDefect::NotReduced);
    }
    let m = modulus.pow(&s, exponent);
    // I2OSP(m, emLen): m must fit in emLen bytes. This decides only when emLen < k, that
    // is for a modulus of 8j + 1 bits; otherwise m < n already fits.
    if montgomery::to_be_bytes_exact(&m, em) {
        Ok(())
    } else {
        Err(SignatureDefect::Mismatch)
    }
}

/// Verifies an RSASSA-PSS signature over `message_hash` (the SHA-256 of the signing input).
///
/// `modulus_bits` is the exact bit length of `n`; `signature` must be `ceil(bits / 8)` bytes.
pub(crate) fn verify(
    modulus: &PreparedModulus,
    modulus_bits: usize,
    exponent: u64,
    message_hash: &[u8; HASH_LEN],
    signature: &[u8],
) -> Result<(), SignatureDefect> {
    // emBits = modBits - 1; emLen = ceil(emBits / 8), which is k - 1 when modBits ≡ 1 mod 8.
    let em_bits = modulus_bits
        .checked_sub(1)
        .ok_or(SignatureDefect::Mismatch)?;
    let em_len = em_bits.div_ceil(8);
    let mut em_buffer = [0u8; MAX_MODULUS_LEN];
    let em = em_buffer
        .get_mut(..em_len)
        .ok_or(SignatureDefect::Mismatch)?;
    modulus.public_operation(exponent, signature, em)?;
    emsa_pss_verify(message_hash, em, em_bits)
}

/// EMSA-PSS-VERIFY (RFC 8017 §9.1.2) for SHA-256, MGF1-SHA-256 and `sLen = 32`.
fn emsa_pss_verify(
    message_hash: &[u8; HASH_LEN],
    em: &mut [u8],
    em_bits: usize,
) -> Result<(), SignatureDefect> {
    let em_len = em.len();
    // Step 3: emLen >= hLen + sLen + 2.
    if em_len < HASH_LEN + SALT_LEN + 2 {
        return Err(SignatureDefect::Mismatch);
    }
    // Step 4: the trailer byte.
    let (trailer, body) = em.split_last_mut().ok_or(SignatureDefect::Mismatch)?;
    if *trailer != 0xBC {
        return Err(SignatureDefect::Mismatch);
    }
    // Step 5: maskedDB || H.
    let db_len = body.len().saturating_sub(HASH_LEN);
    let (masked_db, h) = body.split_at_mut(db_len);
    // Steps 6 and 9: the leftmost 8*emLen - emBits bits must be zero, and are then cleared.
    let unused_bits = em_len.saturating_mul(8).saturating_sub(em_bits);
    let top_mask = u8::try_from(0xFFu16 >> unused_bits).unwrap_or(0);
    let first = masked_db.first_mut().ok_or(SignatureDefect::Mismatch)?;
    if *first & !top_mask != 0 {
        return Err(SignatureDefect::Mismatch);
    }
    // Steps 7 and 8: DB = maskedDB xor MGF1(H).
    mgf1_xor(masked_db, h);
    let db = masked_db;
    if let Some(first) = db.first_mut() {
        *first &= top_mask;
    }
    // Step 10: DB = PS (zeros) || 0x01 || salt.
    let padding_len = db_len
        .checked_sub(SALT_LEN + 1)
        .ok_or(SignatureDefect::Mismatch)?;
    let (padding, rest) = db.split_at(padding_len);
    let (separator, salt) = rest.split_first().ok_or(SignatureDefect::Mismatch)?;
    if padding.iter().any(|&b| b != 0) || *separator != 0x01 {
        return Err(SignatureDefect::Mismatch);
    }
    // Steps 12 to 14: H' = SHA-256(0x00 * 8 || mHash || salt) must equal H.
    let expected = Sha256::new()
        .chain_update([0u8; 8])
        .chain_update(message_hash)
        .chain_update(salt)
        .finalize();
    if expected.as_slice() == &*h {
        Ok(())
    } else {
        Err(SignatureDefect::Mismatch)
    }
}

/// XORs `MGF1-SHA-256(seed, out.len())` into `out`.
fn mgf1_xor(out: &mut [u8], seed: &[u8]) {
    for (counter, chunk) in (0u32..).zip(out.chunks_mut(HASH_LEN)) {
        let mask = Sha256::new()
            .chain_update(seed)
            .chain_update(counter.to_be_bytes())
            .finalize();
        for (byte, mask) in chunk.iter_mut().zip(mask.iter()) {
            *byte ^= mask;
        }
    }
}
