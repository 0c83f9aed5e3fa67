//! The verifier: configured once with a product code and keys, then checks tokens.

use alloc::vec::Vec;

use crate::claims::Claims;
use crate::error::{ConfigError, Error, KeyVersions, ProductCodeDefect};
use crate::key::PublicKey;
use crate::limits::MAX_KEY_VERSIONS;
use crate::nonce::AsNonce;
use crate::registration::{MAX_PRODUCT_CODE_LEN, Registration};
use crate::token::{self as compact, UntrustedToken};

/// Checks a product code against the pattern and length RegisterUsage documents:
/// 1 to 255 characters of `[-a-zA-Z0-9/=:_.@]`.
fn check_product_code(code: &str) -> Result<(), ConfigError> {
    let invalid = |defect| ConfigError::InvalidProductCode { defect };
    if code.is_empty() {
        return Err(invalid(ProductCodeDefect::Empty));
    }
    if let Some(offset) = code
        .bytes()
        .position(|b| !(b.is_ascii_alphanumeric() || b"-/=:_.@".contains(&b)))
    {
        return Err(invalid(ProductCodeDefect::Character { offset }));
    }
    if code.len() > MAX_PRODUCT_CODE_LEN {
        return Err(invalid(ProductCodeDefect::TooLong { len: code.len() }));
    }
    Ok(())
}

/// Verifies RegisterUsage tokens for one product.
///
/// Build it once at start-up with the product code and the public key(s) AWS Marketplace
/// gave you, by key version; then call [`verify`](Self::verify) with each token. It holds
/// no interior state and is `Send + Sync`.
///
/// ```
/// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
/// use register_usage_jwt::{KeyPolicy, Nonce, PublicKey, Verifier};
///
/// // Once, at start-up. A real container embeds its product key (`embed_product_key!`,
/// // feature `macros`) or uses `PublicKey::from_pem`, which refuses this test key.
/// let key = PublicKey::from_pem_with_policy(
///     include_str!("../../keys/test-only-rsa3072.pub.pem"),
///     KeyPolicy::DangerouslyAllowPublishedTestKeys,
/// )?;
/// let verifier = Verifier::new("1fszvu527waovqeuhpkyx2b5d", [(1, key)])?;
///
/// // For each RegisterUsage call: the key version and nonce sent, and the token received.
/// let nonce = Nonce::new("5f0c7a52-5bd4-4d5c-93e6-1b7d2c0e9a41")?;
/// let token = include_str!("../../tests/fixtures/demo-token.txt").trim_end();
/// match verifier.verify(token, 1, &nonce) {
///     Ok(registration) => assert_eq!(registration.key_version(), 1),
///     Err(error) => panic!("stop the container: {error} (code {})", error.code()),
/// }
/// # Ok::<(), Box<dyn core::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Verifier {
    product_code: heapless::String<MAX_PRODUCT_CODE_LEN>,
    keys: Vec<(u32, PublicKey)>,
}

impl Verifier {
    /// A verifier for `product_code` with one key per `PublicKeyVersion`.
    ///
    /// # Errors
    /// [`ConfigError::InvalidProductCode`], [`ConfigError::InvalidKeyVersion`] for version 0,
    /// [`ConfigError::DuplicateKeyVersion`], or [`ConfigError::KeyCount`] for no keys or more
    /// than [`MAX_KEY_VERSIONS`].
    ///
    /// ```
    /// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
    /// use register_usage_jwt::{KeyPolicy, PublicKey, Verifier};
    ///
    /// // TEST ONLY keys (their private halves are published); one per key version.
    /// let policy = KeyPolicy::DangerouslyAllowPublishedTestKeys;
    /// let v1 = PublicKey::from_pem_with_policy(include_str!("../../keys/test-only-rsa3072.pub.pem"), policy)?;
    /// let v2 = PublicKey::from_pem_with_policy(include_str!("../../keys/test-only-rsa4096.pub.pem"), policy)?;
    /// let verifier = Verifier::new("1fszvu527waovqeuhpkyx2b5d", [(1, v1.clone()), (2, v2)])?;
    /// assert_eq!(verifier.key_versions().collect::<Vec<_>>(), [1, 2]);
    ///
    /// let error = Verifier::new("not a product code", [(1, v1)]).unwrap_err();
    /// assert_eq!(error.code(), "invalid_product_code");
    /// # Ok::<(), register_usage_jwt::ConfigError>(())
    /// ```
    pub fn new(
        product_code: &str,
        keys: impl IntoIterator<Item = (u32, PublicKey)>,
    ) -> Result<Self, ConfigError> {
        check_product_code(product_code)?;
        let mut stored = heapless::String::new();
        stored
            .push_str(product_code)
            .map_err(|_| ConfigError::InvalidProductCode {
                defect: ProductCodeDefect::TooLong {
                    len: product_code.len(),
                },
            })?;
        let mut configured: Vec<(u32, PublicKey)> = Vec::new();
        for (version, key) in keys {
            if version == 0 {
                return Err(ConfigError::InvalidKeyVersion { version });
            }
            if configured.iter().any(|(v, _)| *v == version) {
                return Err(ConfigError::DuplicateKeyVersion { version });
            }
            configured.push((version, key));
        }
        if configured.is_empty() || configured.len() > MAX_KEY_VERSIONS {
            return Err(ConfigError::KeyCount {
                found: configured.len(),
            });
        }
        Ok(Self {
            product_code: stored,
            keys: configured,
        })
    }

    /// The product code this verifier accepts.
    ///
    /// ```
    /// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
    /// # use register_usage_jwt::{KeyPolicy, PublicKey, Verifier};
    /// # let key = PublicKey::from_pem_with_policy(
    /// #     include_str!("../../keys/test-only-rsa3072.pub.pem"),
    /// #     KeyPolicy::DangerouslyAllowPublishedTestKeys,
    /// # )?;
    /// # let verifier = Verifier::new("1fszvu527waovqeuhpkyx2b5d", [(1, key)])?;
    /// assert_eq!(verifier.product_code(), "1fszvu527waovqeuhpkyx2b5d");
    /// # Ok::<(), register_usage_jwt::ConfigError>(())
    /// ```
    pub fn product_code(&self) -> &str {
        &self.product_code
    }

    /// The configured key versions, in the order given to [`new`](Self::new).
    ///
    /// ```
    /// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
    /// # use register_usage_jwt::{KeyPolicy, PublicKey, Verifier};
    /// # let key = PublicKey::from_pem_with_policy(
    /// #     include_str!("../../keys/test-only-rsa3072.pub.pem"),
    /// #     KeyPolicy::DangerouslyAllowPublishedTestKeys,
    /// # )?;
    /// # let verifier = Verifier::new("1fszvu527waovqeuhpkyx2b5d", [(1, key)])?;
    /// assert_eq!(verifier.key_versions().collect::<Vec<u32>>(), [1]);
    /// # Ok::<(), register_usage_jwt::ConfigError>(())
    /// ```
    pub fn key_versions(&self) -> impl Iterator<Item = u32> + '_ {
        self.keys.iter().map(|(version, _)| *version)
    }

    /// Verifies `token`, the `Signature` of a RegisterUsage response, for the call that
    /// sent `key_version` and `nonce`.
    ///
    /// # Errors
    /// The first check that fails, as an [`Error`]; its [`code`](Error::code) is stable.
    ///
    /// `nonce` is the [`Nonce`](crate::Nonce) or `RandomNonce` (feature `getrandom`) that was
    /// sent.
    ///
    /// ```
    /// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
    /// use register_usage_jwt::{Nonce, Step};
    /// # use register_usage_jwt::{KeyPolicy, PublicKey, Verifier};
    /// # let key = PublicKey::from_pem_with_policy(
    /// #     include_str!("../../keys/test-only-rsa3072.pub.pem"),
    /// #     KeyPolicy::DangerouslyAllowPublishedTestKeys,
    /// # )?;
    /// # let verifier = Verifier::new("1fszvu527waovqeuhpkyx2b5d", [(1, key)])?;
    ///
    /// let token = include_str!("../../tests/fixtures/demo-token.txt").trim_end();
    /// let sent = Nonce::new("5f0c7a52-5bd4-4d5c-93e6-1b7d2c0e9a41")?;
    /// let registration = verifier.verify(token, 1, &sent)?;
    /// assert_eq!(registration.nonce(), Some(sent.as_str()));
    ///
    /// // The same token answering another call (another nonce) is a replay.
    /// let error = verifier.verify(token, 1, &Nonce::new("another call")?).unwrap_err();
    /// assert_eq!((error.code(), error.step()), ("nonce_mismatch", Some(Step::Nonce)));
    /// # Ok::<(), Box<dyn core::error::Error>>(())
    /// ```
    pub fn verify(
        &self,
        token: impl AsRef<[u8]>,
        key_version: u32,
        nonce: &impl AsNonce,
    ) -> Result<Registration, Error> {
        self.verify_token(token.as_ref(), key_version, Some(nonce.as_nonce().as_str()))
    }

    /// **Replayable.** Verifies a token from a RegisterUsage call that sent no nonce.
    ///
    /// Without a nonce, a token captured from any entitled run verifies forever: anyone who
    /// has one can answer your container's call with it. Use [`verify`](Self::verify) with
    /// a fresh random nonce instead. A token that carries a nonce is refused here
    /// ([`Error::UnexpectedNonce`]).
    ///
    /// ```
    /// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
    /// use register_usage_jwt::Error;
    /// # use register_usage_jwt::{KeyPolicy, PublicKey, Verifier};
    /// # let key = PublicKey::from_pem_with_policy(
    /// #     include_str!("../../keys/test-only-rsa3072.pub.pem"),
    /// #     KeyPolicy::DangerouslyAllowPublishedTestKeys,
    /// # )?;
    /// # let verifier = Verifier::new("1fszvu527waovqeuhpkyx2b5d", [(1, key)])?;
    ///
    /// // The demo token answers a call that sent a nonce, so it is refused here.
    /// let token = include_str!("../../tests/fixtures/demo-token.txt").trim_end();
    /// let error = verifier.verify_replayable_without_nonce(token, 1).unwrap_err();
    /// assert_eq!(error, Error::UnexpectedNonce);
    /// # Ok::<(), Box<dyn core::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`verify`](Self::verify).
    pub fn verify_replayable_without_nonce(
        &self,
        token: impl AsRef<[u8]>,
        key_version: u32,
    ) -> Result<Registration, Error> {
        self.verify_token(token.as_ref(), key_version, None)
    }

    fn key(&self, version: u32) -> Result<&PublicKey, Error> {
        self.keys
            .iter()
            .find(|(v, _)| *v == version)
            .map(|(_, key)| key)
            .ok_or_else(|| Error::UnknownKeyVersion {
                requested: version,
                configured: KeyVersions::new(self.key_versions()),
            })
    }

    fn verify_token(
        &self,
        token: &[u8],
        key_version: u32,
        expected_nonce: Option<&str>,
    ) -> Result<Registration, Error> {
        // Steps 1 and 2: size, then shape; all three segments decode into this buffer.
        compact::with_buffer(token.len(), |buffer| {
            self.verify_decoded(token, buffer, key_version, expected_nonce)
        })
    }

    fn verify_decoded(
        &self,
        token: &[u8],
        buffer: &mut [u8],
        key_version: u32,
        expected_nonce: Option<&str>,
    ) -> Result<Registration, Error> {
        let mut token = UntrustedToken::decode(token, buffer)?;
        // Step 3, when the header is short: it names PS256 and nothing we refuse.
        token.refuse_short_header()?;
        // Step 4: the key is the one for the version the caller sent, never one the token names.
        let key = self.key(key_version)?;
        // Step 5: the signature. Nothing in the header chooses the algorithm or the key, so
        // the signature is checked the same way whether or not the header has been read.
        let token = token.verify(key)?;
        // Step 3 for any header, now that it is signed.
        token.check_header()?;
        // Step 6: only now is the payload read.
        let claims = Claims::parse(&token)?;
        // Step 7: the claims echo the request.
        self.check_claims(&claims, key_version, expected_nonce)?;
        // Step 8: the registration, built from values already known to be equal.
        let mut nonce = None;
        if let Some(expected) = expected_nonce {
            let mut owned = heapless::String::new();
            // `Nonce::new` bounds it to 255 characters, which always fit; refuse rather
            // than truncate should that ever change.
            owned.push_str(expected).map_err(|_| Error::Internal)?;
            nonce = Some(owned);
        }
        Ok(Registration {
            product_code: self.product_code.clone(),
            key_version,
            nonce,
            issued_at: claims.issued_at,
            rotation: claims.rotation,
        })
    }

    fn check_claims(
        &self,
        claims: &Claims<'_>,
        key_version: u32,
        expected_nonce: Option<&str>,
    ) -> Result<(), Error> {
        if !claims.product_code.decodes_to(&self.product_code) {
            return Err(Error::ProductCodeMismatch);
        }
        if claims.key_version != key_version {
            return Err(Error::KeyVersionMismatch {
                expected: key_version,
                found: claims.key_version,
            });
        }
        match (expected_nonce, claims.nonce) {
            (Some(expected), Some(found)) if found.decodes_to(expected) => Ok(()),
            (Some(_), Some(_)) => Err(Error::NonceMismatch),
            (Some(_), None) => Err(Error::NonceMissing),
            (None, Some(_)) => Err(Error::UnexpectedNonce),
            (None, None) => Ok(()),
        }
    }
}
