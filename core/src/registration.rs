//! What a verified token tells the caller.

use core::fmt;

/// A point in time as epoch seconds, possibly fractional (AWS JSON 1.1 timestamps are
/// JSON numbers), from the epoch to the end of year 9999.
///
/// ```
/// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
/// # use register_usage_jwt::{KeyPolicy, Nonce, PublicKey, Verifier};
/// # let key = PublicKey::from_pem_with_policy(
/// #     include_str!("../../keys/test-only-rsa3072.pub.pem"),
/// #     KeyPolicy::DangerouslyAllowPublishedTestKeys,
/// # )?;
/// # let verifier = Verifier::new("1fszvu527waovqeuhpkyx2b5d", [(1, key)])?;
/// # let nonce = Nonce::new("5f0c7a52-5bd4-4d5c-93e6-1b7d2c0e9a41")?;
/// # let token = include_str!("../../tests/fixtures/demo-token.txt").trim_end();
/// let registration = verifier.verify(token, 1, &nonce)?;
/// let issued = registration.issued_at().and_then(|iat| iat.timestamp());
/// let issued = issued.ok_or("the demo token has an iat")?;
/// assert_eq!(issued.unix_seconds(), 1_767_225_600); // 2026-01-01T00:00:00Z
/// assert_eq!(issued.as_secs_f64(), 1_767_225_600.0);
/// assert_eq!(issued.to_string(), "1767225600");
/// # Ok::<(), Box<dyn core::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Timestamp(f64);

/// The last second of year 9999, the end of the range a timestamp is read in: anything
/// later is not a date a token could mean.
const LAST_SECOND_OF_9999: f64 = 253_402_300_799.0;

impl Timestamp {
    pub(crate) fn from_secs_f64(seconds: f64) -> Option<Self> {
        (seconds.is_finite() && (0.0..=LAST_SECOND_OF_9999).contains(&seconds))
            .then_some(Self(seconds))
    }

    /// The same point in time as a [`std::time::SystemTime`].
    ///
    /// ```
    /// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
    /// # use register_usage_jwt::{KeyPolicy, Nonce, PublicKey, Verifier};
    /// # let key = PublicKey::from_pem_with_policy(
    /// #     include_str!("../../keys/test-only-rsa3072.pub.pem"),
    /// #     KeyPolicy::DangerouslyAllowPublishedTestKeys,
    /// # )?;
    /// # let verifier = Verifier::new("1fszvu527waovqeuhpkyx2b5d", [(1, key)])?;
    /// # let nonce = Nonce::new("5f0c7a52-5bd4-4d5c-93e6-1b7d2c0e9a41")?;
    /// # let token = include_str!("../../tests/fixtures/demo-token.txt").trim_end();
    /// let registration = verifier.verify(token, 1, &nonce)?;
    /// use std::time::{Duration, UNIX_EPOCH};
    ///
    /// let issued = registration.issued_at().and_then(|iat| iat.timestamp());
    /// let issued = issued.ok_or("the demo token has an iat")?.to_system_time();
    /// assert_eq!(issued, UNIX_EPOCH + Duration::from_secs(1_767_225_600));
    /// # Ok::<(), Box<dyn core::error::Error>>(())
    /// ```
    #[cfg(feature = "std")]
    #[cfg_attr(docsrs, doc(cfg(feature = "std")))]
    pub fn to_system_time(&self) -> std::time::SystemTime {
        // In range by construction (0 to year 9999), which `Duration` and `SystemTime`
        // represent on every platform Rust supports; the epoch is the fallback that keeps
        // this total.
        core::time::Duration::try_from_secs_f64(self.0)
            .ok()
            .and_then(|since| std::time::UNIX_EPOCH.checked_add(since))
            .unwrap_or(std::time::UNIX_EPOCH)
    }

    /// Seconds since the Unix epoch, with any fraction. Example: [`Timestamp`].
    pub fn as_secs_f64(&self) -> f64 {
        self.0
    }

    /// Whole seconds since the Unix epoch (the fraction dropped). Example: [`Timestamp`].
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

/// The most bytes of an unparsed claim value a [`Registration`] keeps.
pub const MAX_RAW_CLAIM_LEN: usize = 64;

/// A claim value kept as the JSON text the token holds, up to [`MAX_RAW_CLAIM_LEN`] bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawClaim {
    text: heapless::String<MAX_RAW_CLAIM_LEN>,
    truncated: bool,
}

impl RawClaim {
    pub(crate) fn new(json: &str) -> Self {
        let mut text = heapless::String::new();
        let mut truncated = false;
        for c in json.chars() {
            if text.push(c).is_err() {
                truncated = true;
                break;
            }
        }
        Self { text, truncated }
    }

    /// The JSON text as written in the token (strings keep their quotes and escapes),
    /// cut at a character boundary if it was longer than [`MAX_RAW_CLAIM_LEN`] bytes.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether [`as_str`](Self::as_str) is only the beginning of the value.
    pub fn is_truncated(&self) -> bool {
        self.truncated
    }
}

impl fmt::Display for RawClaim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)?;
        if self.truncated {
            f.write_str("...")?;
        }
        Ok(())
    }
}

/// An informational time claim (`iat`, `PublicKeyRotationTimestamp`): reported, never
/// checked, because nothing depends on it. A token whose time claim has a form nobody
/// expected still verifies, and the value reaches the caller as it is.
///
/// ```
/// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
/// # use register_usage_jwt::{KeyPolicy, Nonce, PublicKey, Verifier};
/// # let key = PublicKey::from_pem_with_policy(
/// #     include_str!("../../keys/test-only-rsa3072.pub.pem"),
/// #     KeyPolicy::DangerouslyAllowPublishedTestKeys,
/// # )?;
/// # let verifier = Verifier::new("1fszvu527waovqeuhpkyx2b5d", [(1, key)])?;
/// # let nonce = Nonce::new("5f0c7a52-5bd4-4d5c-93e6-1b7d2c0e9a41")?;
/// # let token = include_str!("../../tests/fixtures/demo-token.txt").trim_end();
/// let registration = verifier.verify(token, 1, &nonce)?;
/// use register_usage_jwt::TimeClaim;
///
/// match registration.issued_at() {
///     Some(TimeClaim::Seconds(time)) => assert_eq!(time.unix_seconds(), 1_767_225_600),
///     Some(other) => println!("iat in an unexpected form: {other}"),
///     None => println!("no iat"),
/// }
/// # Ok::<(), Box<dyn core::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum TimeClaim {
    /// A NumericDate: a JSON number of seconds since the epoch, up to the end of year 9999.
    Seconds(Timestamp),
    /// Anything else (a string, a negative or huge number, an object), as written.
    Other(RawClaim),
}

impl TimeClaim {
    /// The time, when the claim is a NumericDate.
    ///
    /// ```
    /// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
    /// # use register_usage_jwt::{KeyPolicy, Nonce, PublicKey, Verifier};
    /// # let key = PublicKey::from_pem_with_policy(
    /// #     include_str!("../../keys/test-only-rsa3072.pub.pem"),
    /// #     KeyPolicy::DangerouslyAllowPublishedTestKeys,
    /// # )?;
    /// # let verifier = Verifier::new("1fszvu527waovqeuhpkyx2b5d", [(1, key)])?;
    /// # let nonce = Nonce::new("5f0c7a52-5bd4-4d5c-93e6-1b7d2c0e9a41")?;
    /// # let token = include_str!("../../tests/fixtures/demo-token.txt").trim_end();
    /// let registration = verifier.verify(token, 1, &nonce)?;
    /// let iat = registration.issued_at().ok_or("the demo token has an iat")?;
    /// assert_eq!(iat.timestamp().map(|t| t.unix_seconds()), Some(1_767_225_600));
    /// # Ok::<(), Box<dyn core::error::Error>>(())
    /// ```
    pub fn timestamp(&self) -> Option<Timestamp> {
        match self {
            TimeClaim::Seconds(time) => Some(*time),
            TimeClaim::Other(_) => None,
        }
    }
}

impl fmt::Display for TimeClaim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeClaim::Seconds(time) => fmt::Display::fmt(time, f),
            TimeClaim::Other(raw) => fmt::Display::fmt(raw, f),
        }
    }
}

/// The longest product code, in bytes (it is ASCII).
pub const MAX_PRODUCT_CODE_LEN: usize = 255;
/// The longest nonce in characters, as RegisterUsage accepts.
pub const MAX_NONCE_CHARS: usize = 255;
/// The longest nonce in UTF-8 bytes: 255 characters of up to 4 bytes each.
pub const MAX_NONCE_BYTES: usize = MAX_NONCE_CHARS * 4;

/// A verified RegisterUsage registration (with the `serde` feature, `Serialize`): returned
/// only by
/// [`Verifier::verify`](crate::Verifier::verify) once the signature and every claim check
/// have passed.
///
/// ```
/// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
/// # use register_usage_jwt::{KeyPolicy, Nonce, PublicKey, Verifier};
/// # let key = PublicKey::from_pem_with_policy(
/// #     include_str!("../../keys/test-only-rsa3072.pub.pem"),
/// #     KeyPolicy::DangerouslyAllowPublishedTestKeys,
/// # )?;
/// # let verifier = Verifier::new("1fszvu527waovqeuhpkyx2b5d", [(1, key)])?;
/// # let nonce = Nonce::new("5f0c7a52-5bd4-4d5c-93e6-1b7d2c0e9a41")?;
/// # let token = include_str!("../../tests/fixtures/demo-token.txt").trim_end();
/// let registration = verifier.verify(token, 1, &nonce)?;
/// assert_eq!(registration.product_code(), "1fszvu527waovqeuhpkyx2b5d");
/// assert_eq!(registration.key_version(), 1);
/// assert_eq!(registration.nonce(), Some("5f0c7a52-5bd4-4d5c-93e6-1b7d2c0e9a41"));
/// if let Some(rotation) = registration.public_key_rotation_timestamp() {
///     eprintln!("key version 1 has expired (rotation at {rotation}): ship the new key");
/// }
/// # Ok::<(), Box<dyn core::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Registration {
    pub(crate) product_code: heapless::String<MAX_PRODUCT_CODE_LEN>,
    pub(crate) key_version: u32,
    pub(crate) nonce: Option<heapless::String<MAX_NONCE_BYTES>>,
    pub(crate) issued_at: Option<TimeClaim>,
    pub(crate) rotation: Option<TimeClaim>,
}

impl Registration {
    /// The product code, equal to the one the verifier was configured with.
    ///
    /// ```
    /// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
    /// # use register_usage_jwt::{KeyPolicy, Nonce, PublicKey, Verifier};
    /// # let key = PublicKey::from_pem_with_policy(
    /// #     include_str!("../../keys/test-only-rsa3072.pub.pem"),
    /// #     KeyPolicy::DangerouslyAllowPublishedTestKeys,
    /// # )?;
    /// # let verifier = Verifier::new("1fszvu527waovqeuhpkyx2b5d", [(1, key)])?;
    /// # let nonce = Nonce::new("5f0c7a52-5bd4-4d5c-93e6-1b7d2c0e9a41")?;
    /// # let token = include_str!("../../tests/fixtures/demo-token.txt").trim_end();
    /// let registration = verifier.verify(token, 1, &nonce)?;
    /// assert_eq!(registration.product_code(), verifier.product_code());
    /// # Ok::<(), Box<dyn core::error::Error>>(())
    /// ```
    pub fn product_code(&self) -> &str {
        &self.product_code
    }

    /// The public key version whose key verified the token.
    ///
    /// ```
    /// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
    /// # use register_usage_jwt::{KeyPolicy, Nonce, PublicKey, Verifier};
    /// # let key = PublicKey::from_pem_with_policy(
    /// #     include_str!("../../keys/test-only-rsa3072.pub.pem"),
    /// #     KeyPolicy::DangerouslyAllowPublishedTestKeys,
    /// # )?;
    /// # let verifier = Verifier::new("1fszvu527waovqeuhpkyx2b5d", [(1, key)])?;
    /// # let nonce = Nonce::new("5f0c7a52-5bd4-4d5c-93e6-1b7d2c0e9a41")?;
    /// # let token = include_str!("../../tests/fixtures/demo-token.txt").trim_end();
    /// let registration = verifier.verify(token, 1, &nonce)?;
    /// assert_eq!(registration.key_version(), 1);
    /// # Ok::<(), Box<dyn core::error::Error>>(())
    /// ```
    pub fn key_version(&self) -> u32 {
        self.key_version
    }

    /// The nonce, equal to the one sent; `None` for a replayable registration verified with
    /// [`Verifier::verify_replayable_without_nonce`](crate::Verifier::verify_replayable_without_nonce).
    ///
    /// ```
    /// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
    /// # use register_usage_jwt::{KeyPolicy, Nonce, PublicKey, Verifier};
    /// # let key = PublicKey::from_pem_with_policy(
    /// #     include_str!("../../keys/test-only-rsa3072.pub.pem"),
    /// #     KeyPolicy::DangerouslyAllowPublishedTestKeys,
    /// # )?;
    /// # let verifier = Verifier::new("1fszvu527waovqeuhpkyx2b5d", [(1, key)])?;
    /// # let nonce = Nonce::new("5f0c7a52-5bd4-4d5c-93e6-1b7d2c0e9a41")?;
    /// # let token = include_str!("../../tests/fixtures/demo-token.txt").trim_end();
    /// let registration = verifier.verify(token, 1, &nonce)?;
    /// assert_eq!(registration.nonce(), Some(nonce.as_str()));
    /// # Ok::<(), Box<dyn core::error::Error>>(())
    /// ```
    pub fn nonce(&self) -> Option<&str> {
        self.nonce.as_deref()
    }

    /// When AWS issued the token (`iat`), if the token says (a `null` says nothing).
    /// Informational: it is reported as found, never checked.
    ///
    /// ```
    /// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
    /// # use register_usage_jwt::{KeyPolicy, Nonce, PublicKey, Verifier};
    /// # let key = PublicKey::from_pem_with_policy(
    /// #     include_str!("../../keys/test-only-rsa3072.pub.pem"),
    /// #     KeyPolicy::DangerouslyAllowPublishedTestKeys,
    /// # )?;
    /// # let verifier = Verifier::new("1fszvu527waovqeuhpkyx2b5d", [(1, key)])?;
    /// # let nonce = Nonce::new("5f0c7a52-5bd4-4d5c-93e6-1b7d2c0e9a41")?;
    /// # let token = include_str!("../../tests/fixtures/demo-token.txt").trim_end();
    /// let registration = verifier.verify(token, 1, &nonce)?;
    /// let iat = registration.issued_at().and_then(|iat| iat.timestamp());
    /// assert_eq!(iat.map(|t| t.unix_seconds()), Some(1_767_225_600));
    /// # Ok::<(), Box<dyn core::error::Error>>(())
    /// ```
    pub fn issued_at(&self) -> Option<&TimeClaim> {
        self.issued_at.as_ref()
    }

    /// `PublicKeyRotationTimestamp`: present only when the key version used has expired.
    /// The token is still valid, but the seller must ship the new key version AWS
    /// Marketplace provides before this key stops being used; log it loudly.
    ///
    /// Any non-`null` value counts, whatever its form: a rotation timestamp that is not a
    /// NumericDate still means the key version has expired.
    ///
    /// ```
    /// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
    /// # use register_usage_jwt::{KeyPolicy, Nonce, PublicKey, Verifier};
    /// # let key = PublicKey::from_pem_with_policy(
    /// #     include_str!("../../keys/test-only-rsa3072.pub.pem"),
    /// #     KeyPolicy::DangerouslyAllowPublishedTestKeys,
    /// # )?;
    /// # let verifier = Verifier::new("1fszvu527waovqeuhpkyx2b5d", [(1, key)])?;
    /// # let nonce = Nonce::new("5f0c7a52-5bd4-4d5c-93e6-1b7d2c0e9a41")?;
    /// # let token = include_str!("../../tests/fixtures/demo-token.txt").trim_end();
    /// let registration = verifier.verify(token, 1, &nonce)?;
    /// match registration.public_key_rotation_timestamp() {
    ///     None => {} // the key version is current (as for the demo token)
    ///     Some(when) => eprintln!("key version {} has expired ({when}): ship the new key",
    ///                             registration.key_version()),
    /// }
    /// assert!(registration.public_key_rotation_timestamp().is_none());
    /// # Ok::<(), Box<dyn core::error::Error>>(())
    /// ```
    pub fn public_key_rotation_timestamp(&self) -> Option<&TimeClaim> {
        self.rotation.as_ref()
    }
}

#[cfg(feature = "serde")]
mod serialize {
    //! `serde::Serialize` for what a verification reports: the registration's fields by
    //! their accessor names; a NumericDate as a number of seconds, any other time claim as
    //! the JSON text the token holds (a string).
    use serde::ser::{Serialize, SerializeStruct, Serializer};

    use super::{RawClaim, Registration, TimeClaim, Timestamp};

    #[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
    impl Serialize for Timestamp {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_f64(self.0)
        }
    }

    #[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
    impl Serialize for RawClaim {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_str(self.as_str())
        }
    }

    #[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
    impl Serialize for TimeClaim {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            match self {
                TimeClaim::Seconds(time) => time.serialize(serializer),
                TimeClaim::Other(raw) => raw.serialize(serializer),
            }
        }
    }

    #[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
    impl Serialize for Registration {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut out = serializer.serialize_struct("Registration", 5)?;
            out.serialize_field("product_code", self.product_code())?;
            out.serialize_field("key_version", &self.key_version())?;
            out.serialize_field("nonce", &self.nonce())?;
            out.serialize_field("issued_at", &self.issued_at())?;
            out.serialize_field(
                "public_key_rotation_timestamp",
                &self.public_key_rotation_timestamp(),
            )?;
            out.end()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn raw_claims_keep_their_text_and_say_when_cut() {
        let short = RawClaim::new(r#""2026-12-06T00:00:00Z""#);
        assert_eq!(short.as_str(), r#""2026-12-06T00:00:00Z""#);
        assert!(!short.is_truncated());
        assert_eq!(short.to_string(), r#""2026-12-06T00:00:00Z""#);

        // 70 bytes: cut to the first 64, and the display says so.
        let long = RawClaim::new(&"7".repeat(70));
        assert_eq!(long.as_str(), "7".repeat(MAX_RAW_CLAIM_LEN));
        assert!(long.is_truncated());
        assert_eq!(long.to_string(), alloc::format!("{}...", "7".repeat(64)));
        // Exactly 64 bytes is whole.
        assert!(!RawClaim::new(&"7".repeat(MAX_RAW_CLAIM_LEN)).is_truncated());
    }

    #[test]
    fn time_claims_display_as_read() {
        let seconds = TimeClaim::Seconds(Timestamp(1_764_979_200.0));
        assert_eq!(seconds.to_string(), "1764979200");
        assert_eq!(Timestamp(1.5).to_string(), "1.5");
        let other = TimeClaim::Other(RawClaim::new(r#""yesterday""#));
        assert_eq!(other.to_string(), r#""yesterday""#);
    }
}
