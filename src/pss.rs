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
//! The arithmetic is crypto-bigint's; this module only chooses the exponentiation order and
//! decodes EMSA-PSS. It is checked against `rsa::pss::VerifyingKey<Sha256>` on every
//! Wycheproof vector, by proptest and by the differential fuzz target.

use alloc::boxed::Box;
use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
use crypto_bigint::{Limb, Odd, U2048, U3072, U4096, Uint};
use sha2::{Digest, Sha256};

use crate::error::SignatureDefect;

/// The SHA-256 output length, which PS256 also uses as its salt length.
const HASH_LEN: usize = 32;
const SALT_LEN: usize = 32;

/// The largest modulus in bytes.
pub(crate) const MAX_MODULUS_LEN: usize = 512;

/// A modulus with its Montgomery parameters, computed once.
#[derive(Clone, Debug)]
pub(crate) enum PreparedModulus {
    Up2048(Box<FixedMontyParams<{ U2048::LIMBS }>>),
    Up3072(Box<FixedMontyParams<{ U3072::LIMBS }>>),
    Up4096(Box<FixedMontyParams<{ U4096::LIMBS }>>),
}

impl PreparedModulus {
    /// Prepares a modulus given big-endian without leading zeros. `None` when it is even,
    /// has more than 4096 bits or is empty.
    pub(crate) fn new(modulus: &[u8]) -> Option<Self> {
        Some(match modulus.len() {
            0 => return None,
            1..=256 => Self::Up2048(Box::new(params(modulus)?)),
            257..=384 => Self::Up3072(Box::new(params(modulus)?)),
            385..=MAX_MODULUS_LEN => Self::Up4096(Box::new(params(modulus)?)),
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
            Self::Up2048(p) => public_operation(p, exponent, signature, em),
            Self::Up3072(p) => public_operation(p, exponent, signature, em),
            Self::Up4096(p) => public_operation(p, exponent, signature, em),
        }
    }
}

fn params<const LIMBS: usize>(modulus: &[u8]) -> Option<FixedMontyParams<LIMBS>> {
    let n = uint_from_be::<LIMBS>(modulus)?;
    let n = Option::<Odd<Uint<LIMBS>>>::from(Odd::new(n))?;
    Some(FixedMontyParams::new_vartime(n))
}

/// Reads big-endian bytes, left-padded, into a `Uint`; `None` if they do not fit.
fn uint_from_be<const LIMBS: usize>(bytes: &[u8]) -> Option<Uint<LIMBS>> {
    let width = LIMBS.checked_mul(Limb::BYTES)?;
    let mut padded = [0u8; MAX_MODULUS_LEN];
    let padded = padded.get_mut(..width)?;
    let start = width.checked_sub(bytes.len())?;
    padded.get_mut(start..)?.copy_from_slice(bytes);
    // `from_be_slice` asserts the length, which `padded` has by construction.
    Some(Uint::from_be_slice(padded))
}

fn public_operation<const LIMBS: usize>(
    params: &FixedMontyParams<LIMBS>,
    exponent: u64,
    signature: &[u8],
    em: &mut [u8],
) -> Result<(), SignatureDefect> {
    let s = uint_from_be::<LIMBS>(signature).ok_or(SignatureDefect::Length {
        found: signature.len(),
        expected: LIMBS.saturating_mul(Limb::BYTES),
    })?;
    // RFC 8017 §5.2.2 step 1: the representative must be below the modulus.
    if &s >= params.modulus().as_ref() {
        return Err(SignatureDefect::NotReduced);
    }
    let m = pow_vartime(&s, exponent, params).to_be_bytes();
    let m = m.as_ref();
    // I2OSP(m, emLen): m must fit in emLen bytes.
    let split = m
        .len()
        .checked_sub(em.len())
        .ok_or(SignatureDefect::Mismatch)?;
    let (high, low) = m.split_at_checked(split).ok_or(SignatureDefect::Mismatch)?;
    if high.iter().any(|&b| b != 0) {
        return Err(SignatureDefect::Mismatch);
    }
    em.copy_from_slice(low);
    Ok(())
}

/// `base^exponent mod n` by left-to-right square-and-multiply, in variable time: the exponent
/// and the signature are public, so branching on them reveals nothing.
///
/// Runs of squarings go through `square_repeat_vartime`, which works in place instead of
/// copying the Montgomery parameters per operation. The exponent is odd (checked when the key
/// is loaded), so the last step is always a multiplication; multiplying by the base in plain
/// form there leaves the result out of Montgomery form, fully reduced, without a separate
/// conversion back.
fn pow_vartime<const LIMBS: usize>(
    base: &Uint<LIMBS>,
    exponent: u64,
    params: &FixedMontyParams<LIMBS>,
) -> Uint<LIMBS> {
    if exponent <= 1 {
        // Never for a loaded key (the exponent is at least 3); kept total and correct.
        return if exponent == 1 { *base } else { Uint::ONE };
    }
    let base_monty = FixedMontyForm::new(base, params);
    let base_plain = FixedMontyForm::from_montgomery(*base, params);
    let mut acc = base_monty;
    let mut pending_squarings = 0u32;
    let top = u64::BITS.saturating_sub(exponent.leading_zeros());
    for bit in (0..top.saturating_sub(1)).rev() {
        pending_squarings = pending_squarings.saturating_add(1);
        if (exponent >> bit) & 1 == 1 {
            acc = acc.square_repeat_vartime(pending_squarings);
            pending_squarings = 0;
            acc = acc.mul(if bit == 0 { &base_plain } else { &base_monty });
        }
    }
    if pending_squarings > 0 {
        // Only for an even exponent, which key loading refuses; kept correct anyway.
        return acc.square_repeat_vartime(pending_squarings).retrieve();
    }
    *acc.as_montgomery()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crypto_bigint::U64;

    /// Our exponentiation against crypto-bigint's own, for exponents of every shape.
    #[test]
    fn pow_vartime_matches_crypto_bigint() {
        let modulus = Odd::new(U2048::MAX.wrapping_sub(&U2048::from_u64(58))).unwrap();
        let params = FixedMontyParams::new_vartime(modulus);
        let bases = [
            U2048::ZERO,
            U2048::ONE,
            U2048::from_u64(2),
            U2048::MAX.wrapping_sub(&U2048::from_u64(60)),
            U2048::from_be_hex(&"0123456789abcdef".repeat(32)),
        ];
        for exponent in [
            0u64,
            1,
            2,
            3,
            4,
            5,
            17,
            257,
            65536,
            65537,
            (1 << 33) - 1,
            u64::MAX,
        ] {
            for base in &bases {
                let expected = FixedMontyForm::new(base, &params)
                    .pow_vartime(&U64::from_u64(exponent))
                    .retrieve();
                assert_eq!(
                    pow_vartime(base, exponent, &params),
                    expected,
                    "e = {exponent}"
                );
            }
        }
    }
}
