//! The nonce a RegisterUsage call sends, and fresh random ones.
//!
//! The nonce is what stops replay: a token answers exactly one call, the one that sent its
//! nonce. Public integrations get this wrong in ways that all reduce to a replayable token:
//! a constant nonce, the package version, a per-cluster or per-host id, a nonce kept across
//! restarts, or none at all. Each of those lets a token captured once start the software
//! forever. Send a fresh random nonce with every call: [`RandomNonce::generate`].

use core::fmt;

use crate::error::{ConfigError, NonceDefect};
use crate::registration::MAX_NONCE_CHARS;

/// The nonce sent with a RegisterUsage call: 1 to 255 characters of any Unicode.
///
/// Send a fresh random nonce with every call ([`RandomNonce`]) and verify the answer
/// against it; that is what makes a captured token useless to anyone else.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Nonce<'a>(&'a str);

impl<'a> Nonce<'a> {
    /// Checks that `nonce` can be sent to RegisterUsage.
    ///
    /// ```
    /// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
    /// use register_usage_jwt::Nonce;
    ///
    /// let nonce = Nonce::new("5f0c7a52-5bd4-4d5c-93e6-1b7d2c0e9a41")?;
    /// assert_eq!(nonce.as_str().len(), 36);
    /// assert_eq!(Nonce::new("").unwrap_err().code(), "invalid_nonce");
    /// # Ok::<(), register_usage_jwt::ConfigError>(())
    /// ```
    ///
    /// # Errors
    /// [`ConfigError::InvalidNonce`] when it is empty or longer than 255 characters.
    pub fn new(nonce: &'a str) -> Result<Self, ConfigError> {
        let chars = nonce.chars().count();
        let defect = if chars == 0 {
            NonceDefect::Empty
        } else if chars > MAX_NONCE_CHARS {
            NonceDefect::TooLong { chars }
        } else {
            return Ok(Self(nonce));
        };
        Err(ConfigError::InvalidNonce { defect })
    }

    /// The nonce text: what to send as RegisterUsage's `Nonce`.
    ///
    /// ```
    /// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
    /// use register_usage_jwt::Nonce;
    ///
    /// let nonce = Nonce::new("5f0c7a52-5bd4-4d5c-93e6-1b7d2c0e9a41")?;
    /// assert_eq!(nonce.as_str(), "5f0c7a52-5bd4-4d5c-93e6-1b7d2c0e9a41");
    /// # Ok::<(), register_usage_jwt::ConfigError>(())
    /// ```
    pub fn as_str(&self) -> &'a str {
        self.0
    }
}

/// A nonce that was sent: [`Nonce`], or `RandomNonce` with the `getrandom` feature. Sealed;
/// [`Verifier::verify`](crate::Verifier::verify) takes either by reference.
pub trait AsNonce: sealed::Sealed {
    /// The nonce as sent.
    fn as_nonce(&self) -> Nonce<'_>;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Nonce<'_> {}
    #[cfg(feature = "getrandom")]
    impl Sealed for super::RandomNonce {}
}

impl AsNonce for Nonce<'_> {
    fn as_nonce(&self) -> Nonce<'_> {
        *self
    }
}

impl fmt::Debug for Nonce<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Nonce").field(&self.0).finish()
    }
}

/// How many random bytes a [`RandomNonce`] holds: 192 bits, well above the 128 bits that
/// make a repeat (and so a replay) out of reach.
#[cfg(feature = "getrandom")]
const RANDOM_BYTES: usize = 24;

/// Its length as unpadded base64url text.
#[cfg(feature = "getrandom")]
const RANDOM_TEXT_LEN: usize = RANDOM_BYTES / 3 * 4;

/// A fresh nonce of 192 random bits from the operating system, as 32 base64url characters.
///
/// Make one for every RegisterUsage call, send [`as_str`](Self::as_str), and pass the same
/// value to [`Verifier::verify`](crate::Verifier::verify). Never store it, reuse it, or
/// replace it with anything stable (a version, a host or cluster id).
///
/// ```
/// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
/// use register_usage_jwt::RandomNonce;
///
/// let nonce = RandomNonce::generate()?;
/// assert_eq!(nonce.as_str().len(), 32);
/// assert_ne!(nonce.as_str(), RandomNonce::generate()?.as_str());
/// // Send `nonce.as_str()` with RegisterUsage, then: verifier.verify(token, version, &nonce)
/// # Ok::<(), register_usage_jwt::ConfigError>(())
/// ```
#[cfg(feature = "getrandom")]
#[cfg_attr(docsrs, doc(cfg(feature = "getrandom")))]
#[derive(Clone, PartialEq, Eq)]
pub struct RandomNonce {
    text: [u8; RANDOM_TEXT_LEN],
}

#[cfg(feature = "getrandom")]
impl RandomNonce {
    /// Draws a new nonce from the operating system's random source (through `getrandom`,
    /// which also supports custom sources on targets without an OS).
    ///
    /// # Errors
    /// [`ConfigError::NoRandomness`] when the random source fails. Do not start without a
    /// nonce and never fall back to a fixed one.
    ///
    /// ```
    /// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
    /// use register_usage_jwt::RandomNonce;
    ///
    /// // A new one for every RegisterUsage call.
    /// let nonce = RandomNonce::generate()?;
    /// assert_ne!(nonce, RandomNonce::generate()?);
    /// # Ok::<(), register_usage_jwt::ConfigError>(())
    /// ```
    pub fn generate() -> Result<Self, ConfigError> {
        use base64ct::{Base64UrlUnpadded, Encoding};

        let mut bytes = [0u8; RANDOM_BYTES];
        getrandom::fill(&mut bytes).map_err(|error| ConfigError::NoRandomness {
            os_error: error.raw_os_error(),
        })?;
        let mut text = [0u8; RANDOM_TEXT_LEN];
        // 24 bytes always encode to exactly 32 characters.
        Base64UrlUnpadded::encode(&bytes, &mut text)
            .map_err(|_| ConfigError::NoRandomness { os_error: None })?;
        Ok(Self { text })
    }

    /// The nonce text to send with RegisterUsage: 32 characters of base64url (192 bits).
    ///
    /// ```
    /// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
    /// use register_usage_jwt::RandomNonce;
    ///
    /// let nonce = RandomNonce::generate()?;
    /// assert_eq!(nonce.as_str().len(), 32);
    /// assert!(nonce.as_str().bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    /// # Ok::<(), register_usage_jwt::ConfigError>(())
    /// ```
    pub fn as_str(&self) -> &str {
        // Base64url output is ASCII; the empty fallback is unreachable.
        core::str::from_utf8(&self.text).unwrap_or_default()
    }
}

#[cfg(feature = "getrandom")]
impl AsNonce for RandomNonce {
    fn as_nonce(&self) -> Nonce<'_> {
        Nonce(self.as_str())
    }
}

#[cfg(feature = "getrandom")]
impl fmt::Debug for RandomNonce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RandomNonce").field(&self.as_str()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonce_debug_shows_the_text() {
        let nonce = Nonce::new("5f0c7a52-\"x\"").unwrap();
        assert_eq!(alloc::format!("{nonce:?}"), "Nonce(\"5f0c7a52-\\\"x\\\"\")");
    }

    #[cfg(feature = "getrandom")]
    #[test]
    fn random_nonces_are_valid_base64url_and_differ() {
        let mut seen = alloc::vec::Vec::new();
        for _ in 0..64 {
            let nonce = RandomNonce::generate().unwrap();
            let text = nonce.as_str();
            assert_eq!(text.len(), RANDOM_TEXT_LEN);
            assert!(
                text.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            );
            assert_eq!(Nonce::new(text).unwrap(), nonce.as_nonce());
            assert!(!seen.contains(&nonce), "a nonce repeated");
            // The debug form shows the text, as `Nonce`'s does.
            assert_eq!(
                alloc::format!("{nonce:?}"),
                alloc::format!("RandomNonce({text:?})")
            );
            seen.push(nonce);
        }
    }
}
