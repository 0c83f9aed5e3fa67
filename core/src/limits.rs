//! The bounds of a configuration that the loaders enforce and the errors state: key sizes
//! and the number of key versions. A leaf, so that `error/` names them without importing
//! the modules that enforce them.

/// The smallest modulus accepted, in bits.
pub const MIN_KEY_BITS: usize = 2048;
/// The largest modulus accepted, in bits. Real RegisterUsage keys are 3072 bits.
pub const MAX_KEY_BITS: usize = 4096;

/// The largest number of key versions one [`Verifier`](crate::Verifier) holds.
pub const MAX_KEY_VERSIONS: usize = 8;
