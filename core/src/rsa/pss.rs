//! EMSA-PSS-VERIFY (RFC 8017 §9.1.2) with SHA-256, MGF1-SHA-256 and a 32-byte salt: the
//! decoding of the encoded message that the public operation (`s^e mod n`) produced.

use sha2::{Digest, Sha256};

use crate::error::SignatureDefect;

/// The SHA-256 output length, which PS256 also uses as its salt length.
pub(super) const HASH_LEN: usize = 32;
const SALT_LEN: usize = 32;

/// EMSA-PSS-VERIFY (RFC 8017 §9.1.2) for SHA-256, MGF1-SHA-256 and `sLen = 32`.
pub(super) fn emsa_pss_verify(
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
