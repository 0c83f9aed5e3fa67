//! What a verified token tells the caller.

use core::fmt;

/// A point in time as epoch seconds, possibly fractional (AWS JSON 1.1 timestamps are
/// JSON numbers).
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Timestamp(f64);

impl Timestamp {
    pub(crate) fn from_secs_f64(seconds: f64) -> Option<Self> {
        (seconds.is_finite() && seconds >= 0.0).then_some(Self(seconds))
    }

    /// Seconds since the Unix epoch, with any fraction.
    pub fn as_secs_f64(&self) -> f64 {
        self.0
    }

    /// Whole seconds since the Unix epoch (the fraction dropped).
    pub fn unix_seconds(&self) -> u64 {
        // Saturating float-to-int conversion; the value is finite and non-negative.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let seconds = self.0 as u64;
        seconds
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// The longest product code, in bytes (it is ASCII).
pub const MAX_PRODUCT_CODE_LEN: usize = 255;
/// The longest nonce in characters, as RegisterUsage accepts.
pub const MAX_NONCE_CHARS: usize = 255;
/// The longest nonce in UTF-8 bytes: 255 characters of up to 4 bytes each.
pub const MAX_NONCE_BYTES: usize = MAX_NONCE_CHARS * 4;

/// A verified RegisterUsage registration: returned only by
/// [`Verifier::verify`](crate::Verifier::verify) once the signature and every claim check
/// have passed.
#[derive(Clone, Debug, PartialEq)]
pub struct Registration {
    pub(crate) product_code: heapless::String<MAX_PRODUCT_CODE_LEN>,
    pub(crate) key_version: u32,
    pub(crate) nonce: Option<heapless::String<MAX_NONCE_BYTES>>,
    pub(crate) issued_at: Option<Timestamp>,
    pub(crate) rotation: Option<Timestamp>,
}

impl Registration {
    /// The product code, equal to the one the verifier was configured with.
    pub fn product_code(&self) -> &str {
        &self.product_code
    }

    /// The public key version whose key verified the token.
    pub fn key_version(&self) -> u32 {
        self.key_version
    }

    /// The nonce, equal to the one sent; `None` for a replayable registration verified with
    /// [`Verifier::verify_replayable_without_nonce`](crate::Verifier::verify_replayable_without_nonce).
    pub fn nonce(&self) -> Option<&str> {
        self.nonce.as_deref()
    }

    /// When AWS issued the token (`iat`), if the token says.
    pub fn issued_at(&self) -> Option<Timestamp> {
        self.issued_at
    }

    /// `PublicKeyRotationTimestamp`: present only when the key version used has expired.
    /// The token is still valid, but the seller must ship the new key version AWS
    /// Marketplace provides before this key stops being used; log it loudly.
    pub fn public_key_rotation_timestamp(&self) -> Option<Timestamp> {
        self.rotation
    }
}
