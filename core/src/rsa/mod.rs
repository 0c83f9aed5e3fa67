//! The RSA public operation for PS256 in one place: a key's modulus prepared once
//! ([`PreparedKey`]), `s^e mod n` on fixed-size integers ([`montgomery`]) and the EMSA-PSS
//! decoding with MGF1 (`pss.rs`). Key loading (`key.rs`, `key_form.rs`) builds a
//! [`PreparedKey`]; the verifier's signature step (`token.rs`) calls
//! [`PreparedKey::verify_ps256`].
//!
//! Both the exponent and the signature are public, so square-and-multiply in variable time
//! leaks nothing: 17 Montgomery operations for e = 65537 (16 squarings, one multiplication),
//! on stack integers sized for the key (2048, 3072 or 4096 bits; a modulus between sizes
//! uses the next one up, which Montgomery arithmetic allows for any odd modulus below
//! `2^BITS`). It is checked against crypto-bigint and `rsa::pss::VerifyingKey<Sha256>` on
//! every Wycheproof vector, by proptest and by the differential fuzz target; why it is the
//! crate's own arithmetic is in docs/performance.md.

use alloc::boxed::Box;
use alloc::vec::Vec;
use sha2::{Digest, Sha256};

use crate::error::SignatureDefect;
use montgomery::Modulus;
use pss::{HASH_LEN, emsa_pss_verify};

pub(crate) mod montgomery;
mod pss;

/// The largest modulus in bytes.
pub(crate) const MAX_MODULUS_LEN: usize = 512;

/// Limbs of the three size classes.
const LIMBS_2048: usize = 32;
const LIMBS_3072: usize = 48;
const LIMBS_4096: usize = 64;

/// An RSA public key prepared for PS256: the modulus with its Montgomery constants, its exact
/// bit length and the public exponent.
#[derive(Clone)]
pub(crate) struct PreparedKey {
    modulus: PreparedModulus,
    bits: usize,
    exponent: u64,
}

impl PreparedKey {
    /// Prepares `modulus` (big-endian without leading zeros, `bits` long) and `exponent`.
    /// `None` when the modulus is even, one, has more than 4096 bits or is empty.
    pub(crate) fn new(modulus: &[u8], bits: usize, exponent: u64) -> Option<Self> {
        Some(Self {
            modulus: PreparedModulus::new(modulus)?,
            bits,
            exponent,
        })
    }

    /// Takes a key prepared on the build host ([`PreparedKey::constants`], through
    /// `embed_product_key!`) after checking, in about one Montgomery reduction, that the
    /// constants belong to the modulus ([`Modulus::from_parts`]) and that the modulus has
    /// `bits` bits and the size class [`PreparedKey::new`] would give it. `None` otherwise.
    ///
    /// `modulus` and `r2` are little-endian limbs of the class width (32, 48 or 64).
    pub(crate) fn from_constants(
        modulus: &[u64],
        r2: &[u64],
        n0_inv: u64,
        quotient: &[u64],
        bits: usize,
        exponent: u64,
    ) -> Option<Self> {
        // The class `PreparedModulus::new` picks from the modulus's byte length.
        let limbs = match bits.div_ceil(8) {
            0 => return None,
            1..=256 => LIMBS_2048,
            257..=384 => LIMBS_3072,
            385..=MAX_MODULUS_LEN => LIMBS_4096,
            _ => return None,
        };
        if modulus.len() != limbs || montgomery::bit_length(modulus) != bits {
            return None;
        }
        let modulus = match limbs {
            LIMBS_2048 => {
                PreparedModulus::Up2048(Modulus::from_parts(modulus, n0_inv, r2, quotient)?)
            }
            LIMBS_3072 => {
                PreparedModulus::Up3072(Modulus::from_parts(modulus, n0_inv, r2, quotient)?)
            }
            _ => PreparedModulus::Up4096(Modulus::from_parts(modulus, n0_inv, r2, quotient)?),
        };
        Some(Self {
            modulus,
            bits,
            exponent,
        })
    }

    /// What `embed_product_key!` embeds of this key, for [`PreparedKey::from_constants`]:
    /// the modulus and `R² mod n` (little-endian limbs of the class width), `−n⁻¹ mod 2⁶⁴`
    /// and `⌊R / n⌋` (little-endian, no high zero words).
    pub(crate) fn constants(&self) -> Option<Constants> {
        fn of<const N: usize>(m: &Modulus<N>) -> Option<Constants> {
            Some(Constants {
                modulus: m.limbs().to_vec(),
                r2: m.r2().to_vec(),
                n0_inv: m.n0_inv(),
                quotient: m.r_quotient()?,
            })
        }
        match &self.modulus {
            PreparedModulus::Up2048(m) => of(m),
            PreparedModulus::Up3072(m) => of(m),
            PreparedModulus::Up4096(m) => of(m),
        }
    }

    /// The modulus size in bits.
    pub(crate) fn bits(&self) -> usize {
        self.bits
    }

    /// The public exponent.
    pub(crate) fn exponent(&self) -> u64 {
        self.exponent
    }

    /// The signature length in bytes: `ceil(bits / 8)`.
    pub(crate) fn signature_len(&self) -> usize {
        self.bits.div_ceil(8)
    }

    /// The whole PS256 check of `signature` over `signing_input`: its length against the
    /// modulus, SHA-256 of the input, RSAVP1, then EMSA-PSS (MGF1-SHA-256, 32-byte salt).
    /// The verifier and the fuzzing entry points both call this, so there is one PS256 check.
    pub(crate) fn verify_ps256(
        &self,
        signing_input: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureDefect> {
        if signature.len() != self.signature_len() {
            return Err(SignatureDefect::Length {
                found: signature.len(),
                expected: self.signature_len(),
            });
        }
        let message_hash: [u8; HASH_LEN] = Sha256::digest(signing_input).into();
        // emBits = modBits - 1; emLen = ceil(emBits / 8), which is k - 1 when modBits ≡ 1 mod 8.
        let em_bits = self.bits.checked_sub(1).ok_or(SignatureDefect::Mismatch)?;
        let em_len = em_bits.div_ceil(8);
        let mut em_buffer = [0u8; MAX_MODULUS_LEN];
        let em = em_buffer
            .get_mut(..em_len)
            .ok_or(SignatureDefect::Mismatch)?;
        self.modulus
            .public_operation(self.exponent, signature, em)?;
        emsa_pss_verify(&message_hash, em, em_bits)
    }
}

/// A prepared modulus's Montgomery constants, as [`PreparedKey::constants`] gives them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Constants {
    /// `n`, little-endian limbs of the class width.
    pub(crate) modulus: Vec<u64>,
    /// `R² mod n`, little-endian limbs of the class width.
    pub(crate) r2: Vec<u64>,
    /// `−n⁻¹ mod 2⁶⁴`.
    pub(crate) n0_inv: u64,
    /// `⌊R / n⌋`, little-endian, without high zero words.
    pub(crate) quotient: Vec<u64>,
}

/// A modulus with its Montgomery constants, computed once.
#[derive(Clone, Debug)]
enum PreparedModulus {
    Up2048(Box<Modulus<LIMBS_2048>>),
    Up3072(Box<Modulus<LIMBS_3072>>),
    Up4096(Box<Modulus<LIMBS_4096>>),
}

impl PreparedModulus {
    /// Prepares a modulus given big-endian without leading zeros. `None` when it is even,
    /// one, has more than 4096 bits or is empty.
    fn new(modulus: &[u8]) -> Option<Self> {
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
    if !montgomery::less_than(&s, modulus.limbs()) {
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
