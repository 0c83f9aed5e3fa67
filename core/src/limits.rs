//! The bounds that the loaders and the readers enforce and the errors state: key sizes, the
//! number of key versions and the header read before the signature. A leaf, so that
//! `error/` and `json` name them without importing the modules that enforce them.

/// The smallest modulus accepted, in bits.
pub const MIN_KEY_BITS: usize = 2048;
/// The largest modulus accepted, in bits. Real RegisterUsage keys are 3072 bits.
pub const MAX_KEY_BITS: usize = 4096;

/// The largest number of key versions one [`Verifier`](crate::Verifier) holds.
pub const MAX_KEY_VERSIONS: usize = 8;

/// The longest decoded header checked before the signature, in bytes. RegisterUsage's header
/// is `{"alg":"PS256","typ":"JWT"}` (27 bytes); a header with a `kid`, an `x5t` and more fits
/// many times over.
///
/// A header up to this length is checked first, so that a refusal names the member at fault
/// (an algorithm AWS might change to, say) without any RSA work. A longer one is read only
/// once the signature over it has verified: unsigned bytes then cost nothing but their
/// base64 decoding before the signature, whatever JSON they hold. Checking the JSON of the
/// 6 KiB a token may hold would cost more than half of an RSA verification for some crafted
/// headers; 512 bytes of it cost a fraction (see `benches/presignature.rs`).
pub const MAX_PRE_SIGNATURE_HEADER_LEN: usize = 512;
