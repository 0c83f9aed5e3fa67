//! Public keys: loading from PEM or DER, refusing weak and publicly known keys, and
//! preparing the modulus once for every token that follows.

use alloc::vec;
use alloc::vec::Vec;
use core::fmt;

use crate::key_form::{KeyEncoding, decode_key};
use der::Decode;
use der::asn1::{Any, AnyRef, ObjectIdentifier};
use pkcs1::{RsaPssParamsOwned, RsaPublicKeyRef, TrailerField};
use sha2::{Digest, Sha256};
use spki::SubjectPublicKeyInfoRef;

use crate::error::{ConfigError, KeyDefect, KnownKey};
use crate::known_keys;
use crate::limits::{MAX_KEY_BITS, MIN_KEY_BITS};
use crate::rsa::PreparedKey;

const RSA_ENCRYPTION: ObjectIdentifier = pkcs1::ALGORITHM_OID;
const ID_RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const ID_MGF1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.8");
const ID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");

/// Which keys [`PublicKey`] loading accepts.
///
/// ```
/// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
/// use register_usage_jwt::{ConfigError, KeyPolicy, KnownKey, PublicKey};
///
/// // TEST ONLY: the private half of this key is in register-usage-jwt's repository.
/// let pem = include_str!("../../keys/test-only-rsa3072.pub.pem");
/// assert_eq!(
///     PublicKey::from_pem(pem).unwrap_err(), // `KeyPolicy::Production`
///     ConfigError::CompromisedKey { key: KnownKey::CrateTestKey }
/// );
/// let key = PublicKey::from_pem_with_policy(pem, KeyPolicy::DangerouslyAllowPublishedTestKeys)?;
/// assert_eq!(key.bits(), 3072);
/// # Ok::<(), ConfigError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyPolicy {
    /// Production: refuse keys under 2048 bits and keys whose private half is public.
    #[default]
    Production,
    /// **Insecure.** Also accept this crate's own test keys (in `keys/`), whose private
    /// halves are published, so anyone can mint tokens they accept. For tests and demos
    /// only; never ship a container configured this way. The AWS documentation's sample key
    /// stays refused.
    DangerouslyAllowPublishedTestKeys,
}

/// A product key embedded in the seller's binary, already checked and prepared when it was
/// compiled.
///
/// Made only by `register_usage_jwt::embed_product_key!` (feature `macros`), which reads the
/// PEM file at compile time and fails the build if the key is malformed, weak or publicly
/// known. Besides the key's DER it holds what loading the key would compute: the modulus in
/// the limbs the arithmetic uses, its Montgomery constants, the exponent, the size and the
/// fingerprint, so [`PublicKey::from_embedded`] parses, hashes and divides nothing.
///
/// ```
/// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
/// use register_usage_jwt::{EmbeddedKey, PublicKey, Verifier};
///
/// // In your crate, with the `macros` feature; the path is relative to your Cargo.toml:
/// // const PRODUCT_KEY_V1: EmbeddedKey =
/// //     register_usage_jwt::embed_product_key!("keys/product-key-v1.pem");
/// # let der = register_usage_jwt::decode_key(include_bytes!(
/// #     "../../keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem"
/// # ))?;
/// # #[allow(non_snake_case)]
/// # let PRODUCT_KEY_V1 = register_usage_jwt::__prepare_for_embedding(der.der())?.__leak();
///
/// // At start-up:
/// let key = PublicKey::from_embedded(PRODUCT_KEY_V1)?;
/// let verifier = Verifier::new("1fszvu527waovqeuhpkyx2b5d", [(1, key)])?;
/// assert_eq!(PRODUCT_KEY_V1.der().len(), 422); // the DER the binary carries
/// # let _ = verifier;
/// # Ok::<(), Box<dyn core::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct EmbeddedKey {
    der: &'static [u8],
    /// Where the modulus (big-endian, without leading zeros) starts in `der`.
    modulus_at: usize,
    /// The modulus, little-endian limbs of its size class (32, 48 or 64).
    modulus: &'static [u64],
    /// `R² mod n`, `R = 2^(64 · limbs)`, little-endian limbs.
    r2: &'static [u64],
    /// `−n⁻¹ mod 2⁶⁴`.
    n0_inv: u64,
    /// `⌊R / n⌋`, little-endian (one word for a modulus of 2048, 3072 or 4096 bits).
    quotient: &'static [u64],
    exponent: u64,
    bits: usize,
    /// SHA-256 of the modulus, as [`PublicKey::fingerprint`].
    fingerprint: [u8; 32],
}

impl fmt::Debug for EmbeddedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmbeddedKey")
            .field("bits", &self.bits)
            .field("exponent", &self.exponent)
            .field("fingerprint", &Fingerprint(&self.fingerprint))
            .finish_non_exhaustive()
    }
}

impl EmbeddedKey {
    /// For the macro only: the parts of [`__prepare_for_embedding`]'s result for a key that
    /// passed [`PublicKey::from_der`]. [`PublicKey::from_embedded`] checks that the
    /// constants belong to the modulus and the modulus to `der`, and refuses the key
    /// ([`ConfigError::Internal`]) otherwise.
    #[doc(hidden)]
    #[allow(clippy::too_many_arguments)] // One literal each, from the macro's expansion.
    pub const fn __checked_at_compile_time(
        der: &'static [u8],
        modulus_at: usize,
        modulus: &'static [u64],
        r2: &'static [u64],
        n0_inv: u64,
        quotient: &'static [u64],
        exponent: u64,
        bits: usize,
        fingerprint: [u8; 32],
    ) -> Self {
        Self {
            der,
            modulus_at,
            modulus,
            r2,
            n0_inv,
            quotient,
            exponent,
            bits,
            fingerprint,
        }
    }

    /// The key's DER (SubjectPublicKeyInfo or PKCS#1, as it was embedded); see the example
    /// on [`EmbeddedKey`].
    pub const fn der(&self) -> &'static [u8] {
        self.der
    }
}

/// What `embed_product_key!` embeds of a key (see [`__prepare_for_embedding`]). Not a
/// public API: for the macro, which runs on the build host, and for tests.
#[doc(hidden)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct __EmbeddingParts {
    /// The DER, as given.
    pub der: Vec<u8>,
    /// Where the modulus (big-endian, without leading zeros) starts in `der`.
    pub modulus_at: usize,
    /// The modulus, little-endian limbs of its size class.
    pub modulus: Vec<u64>,
    /// `R² mod n`, little-endian limbs of the size class.
    pub r2: Vec<u64>,
    /// `−n⁻¹ mod 2⁶⁴`.
    pub n0_inv: u64,
    /// `⌊R / n⌋`, little-endian, without high zero words.
    pub quotient: Vec<u64>,
    /// The public exponent.
    pub exponent: u64,
    /// The modulus size in bits.
    pub bits: usize,
    /// SHA-256 of the modulus.
    pub fingerprint: [u8; 32],
}

impl __EmbeddingParts {
    /// An [`EmbeddedKey`] of these parts, leaking them: for tests and examples that cannot
    /// use the macro.
    pub fn __leak(self) -> EmbeddedKey {
        EmbeddedKey::__checked_at_compile_time(
            self.der.leak(),
            self.modulus_at,
            self.modulus.leak(),
            self.r2.leak(),
            self.n0_inv,
            self.quotient.leak(),
            self.exponent,
            self.bits,
            self.fingerprint,
        )
    }
}

/// For `embed_product_key!` (on the build host): checks the DER key exactly as
/// [`PublicKey::from_der`] does (the same errors) and returns what the macro embeds.
///
/// # Errors
/// As [`PublicKey::from_der`]; [`ConfigError::Internal`] if the key's modulus is not in
/// its DER (it always is).
#[doc(hidden)]
pub fn __prepare_for_embedding(der: &[u8]) -> Result<__EmbeddingParts, ConfigError> {
    prepare_for_embedding(der, KeyPolicy::Production)
}

/// [`__prepare_for_embedding`] under any policy (the tests embed the published test keys).
fn prepare_for_embedding(der: &[u8], policy: KeyPolicy) -> Result<__EmbeddingParts, ConfigError> {
    let key = PublicKey::from_der_with_policy(der, policy)?;
    let constants = key.rsa.constants().ok_or(ConfigError::Internal)?;
    let mut modulus = vec![0u8; key.rsa.bits().div_ceil(8)];
    let mut limbs = constants.modulus.iter().flat_map(|w| w.to_le_bytes());
    for slot in modulus.iter_mut().rev() {
        *slot = limbs.next().ok_or(ConfigError::Internal)?;
    }
    let modulus_at = der
        .windows(modulus.len())
        .position(|window| window == modulus.as_slice())
        .ok_or(ConfigError::Internal)?;
    Ok(__EmbeddingParts {
        der: der.to_vec(),
        modulus_at,
        modulus: constants.modulus,
        r2: constants.r2,
        n0_inv: constants.n0_inv,
        quotient: constants.quotient,
        exponent: key.rsa.exponent(),
        bits: key.rsa.bits(),
        fingerprint: key.fingerprint,
    })
}

/// An RSA public key that verifies RegisterUsage tokens, prepared once.
///
/// Loading checks the key (2048 to 4096 bits, a sane exponent, not publicly known) and
/// precomputes its Montgomery parameters, so verifying a token does no key work. Loading
/// makes one heap allocation (the prepared modulus); verifying makes none.
///
/// ```
/// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
/// use register_usage_jwt::PublicKey;
///
/// // The PEM exactly as AWS Marketplace gave it (here: a real product key, public).
/// let key = PublicKey::from_pem(include_str!(
///     "../../keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem"
/// ))?;
/// assert_eq!((key.bits(), key.signature_len()), (3072, 384));
/// # Ok::<(), register_usage_jwt::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct PublicKey {
    rsa: PreparedKey,
    fingerprint: [u8; 32],
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey")
            .field("bits", &self.rsa.bits())
            .field("exponent", &self.rsa.exponent())
            .field("fingerprint", &Fingerprint(&self.fingerprint))
            .finish()
    }
}

struct Fingerprint<'a>(&'a [u8; 32]);

impl fmt::Debug for Fingerprint<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl PublicKey {
    /// Reads a PEM public key: `BEGIN PUBLIC KEY` (SubjectPublicKeyInfo, rsaEncryption or
    /// id-RSASSA-PSS) or `BEGIN RSA PUBLIC KEY` (PKCS#1), under [`KeyPolicy::Production`].
    ///
    /// ```
    /// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
    /// use register_usage_jwt::{ConfigError, KnownKey, PublicKey};
    ///
    /// let pem = include_str!("../../keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem");
    /// assert_eq!(PublicKey::from_pem(pem)?.bits(), 3072);
    ///
    /// // Refused: one of this crate's test keys, whose private half is published.
    /// let test_key = include_str!("../../keys/test-only-rsa3072.pub.pem");
    /// assert_eq!(
    ///     PublicKey::from_pem(test_key).unwrap_err(),
    ///     ConfigError::CompromisedKey { key: KnownKey::CrateTestKey }
    /// );
    /// # Ok::<(), ConfigError>(())
    /// ```
    ///
    /// # Errors
    /// [`ConfigError::InvalidKey`], [`ConfigError::WeakKey`] or
    /// [`ConfigError::CompromisedKey`].
    pub fn from_pem(pem: &str) -> Result<Self, ConfigError> {
        Self::from_pem_with_policy(pem, KeyPolicy::Production)
    }

    /// Reads a DER public key: SubjectPublicKeyInfo or PKCS#1 `RSAPublicKey`, under
    /// [`KeyPolicy::Production`].
    ///
    /// ```
    /// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
    /// use register_usage_jwt::{decode_key, PublicKey};
    ///
    /// // A key file's DER (here taken out of a PEM; `include_bytes!` of a `.der` file works too).
    /// let pem = include_bytes!("../../keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem");
    /// let der = decode_key(pem)?;
    /// let key = PublicKey::from_der(der.der())?;
    /// assert_eq!(key.fingerprint(), PublicKey::from_pem(core::str::from_utf8(pem)?)?.fingerprint());
    /// # Ok::<(), Box<dyn core::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`PublicKey::from_pem`].
    pub fn from_der(der: &[u8]) -> Result<Self, ConfigError> {
        Self::from_der_with_policy(der, KeyPolicy::Production)
    }

    /// Loads a key embedded with `embed_product_key!`. The macro ran the checks of
    /// [`PublicKey::from_der`] and computed the Montgomery constants when the seller's binary
    /// was compiled, so this parses, hashes and divides nothing: it checks, in about one
    /// Montgomery reduction (a few percent of one token's verification), that the embedded
    /// constants belong to the embedded modulus and the modulus to the embedded DER, and
    /// copies them to the heap (one allocation).
    ///
    /// The check: the modulus limbs are the DER's modulus bytes and have the embedded size;
    /// `n₀ · (−n⁻¹ mod 2⁶⁴) ≡ −1 (mod 2⁶⁴)`; `R² mod n < n`; and, with `y` the Montgomery
    /// reduction of `R² mod n` (`y ≡ R (mod n)` exactly when the constant is right),
    /// `y + ⌊R / n⌋ · n = R` exactly, which holds only for `y = R mod n`. Each constant is
    /// thus proven, not trusted (the reasoning is on the arithmetic's `from_parts` in
    /// `core/src/rsa/montgomery.rs`). What is not recomputed: the fingerprint (a hash) and
    /// the verdict against the publicly known keys, which the macro decided under
    /// [`KeyPolicy::Production`] from the same modulus.
    ///
    /// ```
    /// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
    /// use register_usage_jwt::{EmbeddedKey, PublicKey};
    ///
    /// // With the `macros` feature:
    /// // const PRODUCT_KEY_V1: EmbeddedKey =
    /// //     register_usage_jwt::embed_product_key!("keys/product-key-v1.pem");
    /// # let der = register_usage_jwt::decode_key(include_bytes!(
    /// #     "../../keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem"
    /// # ))?;
    /// # #[allow(non_snake_case)]
    /// # let PRODUCT_KEY_V1 = register_usage_jwt::__prepare_for_embedding(der.der())?.__leak();
    /// let key = PublicKey::from_embedded(PRODUCT_KEY_V1)?;
    /// assert_eq!(key.bits(), 3072);
    /// # Ok::<(), Box<dyn core::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`ConfigError::Internal`] if the check fails, which the macro's key never does (the
    /// macro and this crate are one version, `=`-pinned).
    pub fn from_embedded(key: EmbeddedKey) -> Result<Self, ConfigError> {
        let internal = ConfigError::Internal;
        if !(MIN_KEY_BITS..=MAX_KEY_BITS).contains(&key.bits)
            || !exponent_in_range(key.exponent)
            || !modulus_is_in_der(&key)
        {
            return Err(internal);
        }
        let rsa = PreparedKey::from_constants(
            key.modulus,
            key.r2,
            key.n0_inv,
            key.quotient,
            key.bits,
            key.exponent,
        )
        .ok_or(internal)?;
        Ok(Self {
            rsa,
            fingerprint: key.fingerprint,
        })
    }

    /// [`PublicKey::from_pem`] under an explicit [`KeyPolicy`].
    ///
    /// ```
    /// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
    /// use register_usage_jwt::{KeyPolicy, PublicKey};
    ///
    /// // TEST ONLY: the private half of this key is in register-usage-jwt's repository.
    /// let key = PublicKey::from_pem_with_policy(
    ///     include_str!("../../keys/test-only-rsa4096.pub.pem"),
    ///     KeyPolicy::DangerouslyAllowPublishedTestKeys,
    /// )?;
    /// assert_eq!(key.bits(), 4096);
    /// # Ok::<(), register_usage_jwt::ConfigError>(())
    /// ```
    ///
    /// # Errors
    /// As [`PublicKey::from_pem`].
    pub fn from_pem_with_policy(pem: &str, policy: KeyPolicy) -> Result<Self, ConfigError> {
        Self::from_any_form_with_policy(pem.as_bytes(), policy)
    }

    /// Reads a key in any form [`decode_key`](crate::decode_key) accepts (PEM of any line
    /// width, PEM with escaped line breaks, base64 or base64url DER, or DER), so callers that
    /// get bytes of unknown form never decide the form themselves.
    ///
    /// ```
    /// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
    /// use register_usage_jwt::{KeyPolicy, PublicKey};
    ///
    /// let pem = include_str!("../../keys/test-only-rsa3072.pub.pem");
    /// let der = include_bytes!("../../keys/test-only-rsa2048.pub.der");
    /// let policy = KeyPolicy::DangerouslyAllowPublishedTestKeys;
    /// assert_eq!(PublicKey::from_any_form_with_policy(pem.as_bytes(), policy)?.bits(), 3072);
    /// assert_eq!(PublicKey::from_any_form_with_policy(der, policy)?.bits(), 2048);
    /// # Ok::<(), register_usage_jwt::ConfigError>(())
    /// ```
    ///
    /// # Errors
    /// As [`PublicKey::from_pem`]; a key in no form it reads is [`KeyDefect::Form`].
    pub fn from_any_form_with_policy(key: &[u8], policy: KeyPolicy) -> Result<Self, ConfigError> {
        // One function decides the key's form, for the library, the macro, the tool and the
        // bindings.
        let key = decode_key(key).map_err(|defect| ConfigError::InvalidKey {
            defect: KeyDefect::Form { defect },
        })?;
        match key.encoding() {
            KeyEncoding::Pkcs1 => Self::from_pkcs1(key.der(), policy),
            _ => Self::from_spki(key.der(), policy),
        }
    }

    /// [`PublicKey::from_der`] under an explicit [`KeyPolicy`].
    ///
    /// ```
    /// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
    /// use register_usage_jwt::{KeyPolicy, PublicKey};
    ///
    /// // TEST ONLY: the private half of this key is in register-usage-jwt's repository.
    /// let der = include_bytes!("../../keys/test-only-rsa2048.pub.der");
    /// let key = PublicKey::from_der_with_policy(der, KeyPolicy::DangerouslyAllowPublishedTestKeys)?;
    /// assert_eq!(key.bits(), 2048);
    /// assert!(PublicKey::from_der_with_policy(&der[1..], KeyPolicy::Production).is_err());
    /// # Ok::<(), register_usage_jwt::ConfigError>(())
    /// ```
    ///
    /// # Errors
    /// As [`PublicKey::from_pem`].
    pub fn from_der_with_policy(der: &[u8], policy: KeyPolicy) -> Result<Self, ConfigError> {
        match Self::from_spki(der, policy) {
            Err(ConfigError::InvalidKey {
                defect: KeyDefect::Der,
            }) => Self::from_pkcs1(der, policy),
            other => other,
        }
    }

    /// The modulus size in bits: 2048 to 4096 ([`MIN_KEY_BITS`], [`MAX_KEY_BITS`]).
    ///
    /// ```
    /// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
    /// use register_usage_jwt::PublicKey;
    ///
    /// let key = PublicKey::from_pem(include_str!(
    ///     "../../keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem"
    /// ))?;
    /// assert_eq!(key.bits(), 3072);
    /// # Ok::<(), register_usage_jwt::ConfigError>(())
    /// ```
    pub fn bits(&self) -> usize {
        self.rsa.bits()
    }

    /// The signature length in bytes: `ceil(bits / 8)`. A token's signature of any other
    /// length is refused before any arithmetic.
    ///
    /// ```
    /// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
    /// use register_usage_jwt::PublicKey;
    ///
    /// let key = PublicKey::from_pem(include_str!(
    ///     "../../keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem"
    /// ))?;
    /// assert_eq!(key.signature_len(), 384);
    /// # Ok::<(), register_usage_jwt::ConfigError>(())
    /// ```
    pub fn signature_len(&self) -> usize {
        self.rsa.signature_len()
    }

    /// The SHA-256 of the modulus (big-endian, no leading zeros): the same for every
    /// encoding of the key. Log it at start-up to show which key a build trusts.
    ///
    /// ```
    /// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
    /// use register_usage_jwt::PublicKey;
    ///
    /// let key = PublicKey::from_pem(include_str!(
    ///     "../../keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem"
    /// ))?;
    /// let hex: String = key.fingerprint().iter().map(|b| format!("{b:02x}")).collect();
    /// assert_eq!(hex, "4009c3d70ad91f9fbc494feff638278c7c1d584943f1808aa2bc462b19206bfa");
    /// # Ok::<(), register_usage_jwt::ConfigError>(())
    /// ```
    pub fn fingerprint(&self) -> [u8; 32] {
        self.fingerprint
    }

    /// The prepared RSA key, whose PS256 check the signature step runs.
    pub(crate) fn rsa(&self) -> &PreparedKey {
        &self.rsa
    }

    fn from_spki(der: &[u8], policy: KeyPolicy) -> Result<Self, ConfigError> {
        let invalid = |defect| ConfigError::InvalidKey { defect };
        let spki = SubjectPublicKeyInfoRef::from_der(der).map_err(|_| invalid(KeyDefect::Der))?;
        match spki.algorithm.oid {
            RSA_ENCRYPTION => {
                // RFC 3279: the parameters are NULL (absent is tolerated by many encoders).
                if let Some(params) = spki.algorithm.parameters {
                    if !params.is_null() {
                        return Err(invalid(KeyDefect::Der));
                    }
                }
            }
            ID_RSASSA_PSS => {
                if let Some(params) = spki.algorithm.parameters {
                    check_pss_parameters(params)?;
                }
            }
            _ => return Err(invalid(KeyDefect::NotRsa)),
        }
        let key = spki
            .subject_public_key
            .as_bytes()
            .ok_or(invalid(KeyDefect::Der))?;
        Self::from_pkcs1(key, policy)
    }

    fn from_pkcs1(der: &[u8], policy: KeyPolicy) -> Result<Self, ConfigError> {
        let invalid = |defect| ConfigError::InvalidKey { defect };
        let key = RsaPublicKeyRef::from_der(der).map_err(|_| invalid(KeyDefect::Der))?;
        let modulus = strip_leading_zeros(key.modulus.as_bytes());
        let exponent = strip_leading_zeros(key.public_exponent.as_bytes());

        let fingerprint: [u8; 32] = Sha256::digest(modulus).into();
        if let Some(known) = known_keys::lookup(&fingerprint) {
            let allowed = known == KnownKey::CrateTestKey
                && policy == KeyPolicy::DangerouslyAllowPublishedTestKeys;
            if !allowed {
                return Err(ConfigError::CompromisedKey { key: known });
            }
        }

        let modulus_bits = bit_length(modulus);
        if modulus_bits > MAX_KEY_BITS {
            return Err(invalid(KeyDefect::TooLarge { bits: modulus_bits }));
        }
        if modulus_bits < MIN_KEY_BITS {
            return Err(ConfigError::WeakKey {
                bits: modulus_bits,
                min: MIN_KEY_BITS,
            });
        }
        let exponent = exponent_value(exponent).ok_or(invalid(KeyDefect::Exponent))?;
        // The checks an RSA public key construction makes (as `rsa::RsaPublicKey` does): the
        // size range and an odd exponent in range (above), an odd modulus (here), and `e < n`,
        // which a `const` assertion below proves at compile time.
        if !is_odd(modulus) {
            return Err(invalid(KeyDefect::Modulus));
        }
        // Fails only for an even, empty or oversized modulus, all refused above.
        let rsa = PreparedKey::new(modulus, modulus_bits, exponent).ok_or(ConfigError::Internal)?;
        Ok(Self { rsa, fingerprint })
    }
}

/// Refuses id-RSASSA-PSS parameters that do not describe PS256.
fn check_pss_parameters(params: AnyRef<'_>) -> Result<(), ConfigError> {
    let wrong = ConfigError::InvalidKey {
        defect: KeyDefect::PssParameters,
    };
    // The borrowed form only decodes 'static input, so decode the (small) owned form.
    let params: RsaPssParamsOwned = params.decode_as().map_err(|_| wrong)?;
    let sha256_params_ok = |p: &Option<Any>| p.as_ref().is_none_or(|p| p.is_null());
    let ok = params.hash.oid == ID_SHA256
        && sha256_params_ok(&params.hash.parameters)
        && params.mask_gen.oid == ID_MGF1
        && params.mask_gen.parameters.as_ref().is_some_and(|mgf_hash| {
            mgf_hash.oid == ID_SHA256 && sha256_params_ok(&mgf_hash.parameters)
        })
        && params.salt_len == 32
        && params.trailer_field == TrailerField::BC;
    if ok { Ok(()) } else { Err(wrong) }
}

fn is_odd(big_endian: &[u8]) -> bool {
    big_endian.last().is_some_and(|low| low & 1 == 1)
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or(&[])
}

fn bit_length(big_endian: &[u8]) -> usize {
    match big_endian.first() {
        None => 0,
        Some(&top) => big_endian
            .len()
            .saturating_sub(1)
            .saturating_mul(8)
            .saturating_add(8usize.saturating_sub(top.leading_zeros() as usize)),
    }
}

// Every accepted exponent is below `2^33` and every accepted modulus has at least
// `MIN_KEY_BITS` bits, so `e < n` needs no run-time check: this fails the build otherwise.
const _: () = assert!(MIN_KEY_BITS > 33);

/// Whether the modulus limbs of `key` are its DER's modulus bytes (big-endian, at
/// `modulus_at`, `⌈bits / 8⌉` of them), so [`EmbeddedKey::der`] is the key that verifies.
fn modulus_is_in_der(key: &EmbeddedKey) -> bool {
    let Some(bytes) = key
        .modulus_at
        .checked_add(key.bits.div_ceil(8))
        .and_then(|end| key.der.get(key.modulus_at..end))
    else {
        return false;
    };
    // Eight big-endian bytes at a time from the low end against the little-endian limbs;
    // every limb above the DER's bytes must be zero.
    let mut limbs = key.modulus.iter();
    bytes.rchunks(8).all(|chunk| {
        let word = match <[u8; 8]>::try_from(chunk) {
            Ok(word) => word,
            // The top chunk, when the length is not a multiple of eight.
            Err(_) => {
                let mut word = [0u8; 8];
                if let Some(low) = word.get_mut(8usize.saturating_sub(chunk.len())..) {
                    low.copy_from_slice(chunk);
                }
                word
            }
        };
        limbs.next() == Some(&u64::from_be_bytes(word))
    }) && limbs.all(|&w| w == 0)
}

/// Whether `value` is an exponent [`exponent_value`] accepts.
fn exponent_in_range(value: u64) -> bool {
    (3..(1 << 33)).contains(&value) && value % 2 == 1
}

/// The exponent as a number, if it is odd and within `3..=2^33 - 1` (the range `rsa`
/// accepts, restricted to odd values since an even exponent is never an RSA key).
fn exponent_value(big_endian: &[u8]) -> Option<u64> {
    // Right-aligned in eight bytes; anything longer is out of range.
    let mut word = [0u8; 8];
    let low = word.get_mut(8usize.checked_sub(big_endian.len())?..)?;
    for (slot, &byte) in low.iter_mut().zip(big_endian) {
        *slot = byte;
    }
    let value = u64::from_be_bytes(word);
    exponent_in_range(value).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    // The DER helper of the key-text tests, which also writes long lengths.
    use crate::key_form::tests::tlv;
    use alloc::vec::Vec;

    const SHA256: &[u8] = &[6, 9, 0x60, 0x86, 0x48, 1, 0x65, 3, 4, 2, 1];
    const SHA384: &[u8] = &[6, 9, 0x60, 0x86, 0x48, 1, 0x65, 3, 4, 2, 2];
    const MGF1: &[u8] = &[6, 9, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 1, 8];
    /// id-pSpecified (1.2.840.113549.1.1.9): an OID that is not MGF1.
    const NOT_MGF1: &[u8] = &[6, 9, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 1, 9];
    const NULL: &[u8] = &[5, 0];
    const EMPTY_OCTETS: &[u8] = &[4, 0];

    fn algorithm(oid: &[u8], parameters: &[u8]) -> Vec<u8> {
        tlv(0x30, &[oid, parameters].concat())
    }

    /// RSASSA-PSS-params (RFC 8017 A.2.3); `None` leaves a field at its DEFAULT.
    fn pss_params(hash: &[u8], mask_gen: &[u8], salt: Option<u8>, trailer: Option<u8>) -> Vec<u8> {
        let mut fields = tlv(0xA0, hash);
        fields.extend(tlv(0xA1, mask_gen));
        if let Some(salt) = salt {
            fields.extend(tlv(0xA2, &tlv(2, &[salt])));
        }
        if let Some(trailer) = trailer {
            fields.extend(tlv(0xA3, &tlv(2, &[trailer])));
        }
        tlv(0x30, &fields)
    }

    fn check(der: &[u8]) -> Result<(), ConfigError> {
        let any = AnyRef::from_der(der).map_err(|_| ConfigError::Internal)?;
        check_pss_parameters(any)
    }

    /// Each field of the PSS parameters on its own decides: PS256 is SHA-256, MGF1 with
    /// SHA-256, a 32-byte salt and the trailer 0xBC; any one field else is refused.
    #[test]
    fn pss_parameters_must_each_describe_ps256() {
        let sha256 = algorithm(SHA256, NULL);
        let mgf1_sha256 = algorithm(MGF1, &sha256);
        let refused = Err(ConfigError::InvalidKey {
            defect: KeyDefect::PssParameters,
        });
        assert_eq!(
            check(&pss_params(&sha256, &mgf1_sha256, Some(32), None)),
            Ok(())
        );
        // SHA-256 may also be written without its NULL parameters.
        let bare_sha256 = algorithm(SHA256, &[]);
        let mgf1_bare = algorithm(MGF1, &bare_sha256);
        assert_eq!(
            check(&pss_params(&bare_sha256, &mgf1_bare, Some(32), None)),
            Ok(())
        );

        let sha384 = algorithm(SHA384, NULL);
        let sha256_with_octets = algorithm(SHA256, EMPTY_OCTETS);
        let wrong = [
            (
                "hash SHA-384",
                pss_params(&sha384, &mgf1_sha256, Some(32), None),
            ),
            (
                "hash parameters not NULL",
                pss_params(&sha256_with_octets, &mgf1_sha256, Some(32), None),
            ),
            (
                "mask generation not MGF1",
                pss_params(&sha256, &algorithm(NOT_MGF1, &sha256), Some(32), None),
            ),
            (
                "MGF1 with SHA-384",
                pss_params(&sha256, &algorithm(MGF1, &sha384), Some(32), None),
            ),
            (
                "MGF1's hash parameters not NULL",
                pss_params(
                    &sha256,
                    &algorithm(MGF1, &sha256_with_octets),
                    Some(32),
                    None,
                ),
            ),
            (
                "MGF1 without its hash",
                pss_params(&sha256, &algorithm(MGF1, &[]), Some(32), None),
            ),
            (
                "salt 20 (the default)",
                pss_params(&sha256, &mgf1_sha256, None, None),
            ),
            ("salt 64", pss_params(&sha256, &mgf1_sha256, Some(64), None)),
            (
                "trailer 2",
                pss_params(&sha256, &mgf1_sha256, Some(32), Some(2)),
            ),
        ];
        for (what, der) in wrong {
            assert_eq!(check(&der), refused, "{what}");
        }
    }

    #[test]
    fn exponent_values() {
        assert_eq!(exponent_value(&[1, 0, 1]), Some(65537));
        assert_eq!(exponent_value(&[3]), Some(3));
        // Leading zeros, up to eight bytes in all, do not change the value.
        assert_eq!(exponent_value(&[0, 0, 0, 0, 0, 1, 0, 1]), Some(65537));
        assert_eq!(
            exponent_value(&[1, 0xff, 0xff, 0xff, 0xff]),
            Some((1 << 33) - 1)
        );
        // Too large, even when its low eight bytes alone would be in range.
        assert_eq!(exponent_value(&[2, 0, 0, 0, 1]), None);
        assert_eq!(exponent_value(&[1, 0, 0, 0, 0, 0, 0, 1, 0, 1]), None);
        assert_eq!(exponent_value(&[1, 0, 0, 0, 0, 0, 1, 0, 1]), None);
        // Even, and below 3.
        assert_eq!(exponent_value(&[1, 0, 0]), None);
        assert_eq!(exponent_value(&[1]), None);
        assert_eq!(exponent_value(&[]), None);
    }

    /// The published test keys of 2048 (SPKI DER and PKCS#1), 3072 and 4096 bits and the real
    /// product key (3072 bits), embedded
    /// and loaded: the same prepared key as run-time loading makes. Other sizes, down to
    /// moduli far shorter than their class, are in `rsa/montgomery.rs`'s tests.
    #[test]
    #[allow(clippy::arithmetic_side_effects)] // Small, known values.
    fn embedded_constants_are_what_loading_computes() {
        let keys: [&[u8]; 5] = [
            include_bytes!("../../keys/test-only-rsa2048.pub.der"),
            include_bytes!("../../keys/test-only-rsa2048.pub.pkcs1.pem"),
            include_bytes!("../../keys/test-only-rsa3072.pub.pem"),
            include_bytes!("../../keys/test-only-rsa4096.pub.pem"),
            include_bytes!("../../keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem"),
        ];
        let policy = KeyPolicy::DangerouslyAllowPublishedTestKeys;
        let mut sizes = Vec::new();
        for key in keys {
            let der = decode_key(key).unwrap();
            let loaded = PublicKey::from_der_with_policy(der.der(), policy).unwrap();
            let parts = prepare_for_embedding(der.der(), policy).unwrap();
            assert_eq!(parts.der, der.der());
            // Full-size moduli: ⌊R / n⌋ = 1.
            assert_eq!(parts.quotient, [1]);
            let embedded = PublicKey::from_embedded(parts.__leak()).unwrap();
            assert_eq!(embedded.rsa.constants(), loaded.rsa.constants());
            assert_eq!(
                embedded.rsa.constants().unwrap().modulus.len() * 64,
                loaded.bits()
            );
            assert_eq!(
                (
                    embedded.bits(),
                    embedded.rsa.exponent(),
                    embedded.fingerprint()
                ),
                (loaded.bits(), loaded.rsa.exponent(), loaded.fingerprint())
            );
            sizes.push(loaded.bits());
        }
        assert_eq!(sizes, [2048, 2048, 3072, 4096, 3072]);
        // The production form refuses the test keys with `from_der`'s error.
        let der = decode_key(include_bytes!("../../keys/test-only-rsa3072.pub.pem")).unwrap();
        assert_eq!(
            __prepare_for_embedding(der.der()).unwrap_err(),
            ConfigError::CompromisedKey {
                key: KnownKey::CrateTestKey
            }
        );
    }

    /// A key whose embedded parts were changed in any way is refused by `from_embedded`,
    /// through the hidden constructor the macro uses.
    #[test]
    #[allow(clippy::arithmetic_side_effects)] // Small, known values.
    fn tampered_embedded_keys_are_refused() {
        let policy = KeyPolicy::DangerouslyAllowPublishedTestKeys;
        let good = |pem: &[u8]| {
            let der = decode_key(pem).unwrap();
            prepare_for_embedding(der.der(), policy).unwrap()
        };
        let parts = good(include_bytes!("../../keys/test-only-rsa3072.pub.pem"));
        let other = good(include_bytes!(
            "../../keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem"
        ));
        let larger = good(include_bytes!("../../keys/test-only-rsa4096.pub.pem"));
        assert!(PublicKey::from_embedded(parts.clone().__leak()).is_ok());
        type Tamper = fn(&mut __EmbeddingParts, &__EmbeddingParts, &__EmbeddingParts);
        let cases: [(&str, Tamper); 22] = [
            ("a modulus limb", |p, _, _| p.modulus[5] ^= 1 << 40),
            ("the modulus's low limb", |p, _, _| p.modulus[0] ^= 2),
            ("a DER modulus byte", |p, _, _| p.der[p.modulus_at + 7] ^= 1),
            ("the modulus offset", |p, _, _| p.modulus_at += 1),
            ("the modulus offset, past the end", |p, _, _| {
                p.modulus_at = usize::MAX
            }),
            ("another key's constants", |p, o, _| {
                (p.modulus, p.r2, p.n0_inv) = (o.modulus.clone(), o.r2.clone(), o.n0_inv);
            }),
            ("another key's R²", |p, o, _| p.r2 = o.r2.clone()),
            ("a bit of R²", |p, _, _| p.r2[17] ^= 1 << 3),
            ("R² + n", |p, _, _| {
                let (r2, n) = (p.r2.clone(), p.modulus.clone());
                let mut carry = false;
                for (i, (a, b)) in r2.iter().zip(&n).enumerate() {
                    let (s, c1) = a.overflowing_add(*b);
                    let (s, c2) = s.overflowing_add(u64::from(carry));
                    p.r2[i] = s;
                    carry = c1 || c2;
                }
            }),
            ("R² zero", |p, _, _| p.r2.iter_mut().for_each(|w| *w = 0)),
            ("R² short", |p, _, _| {
                p.r2.pop();
            }),
            ("n0_inv", |p, _, _| p.n0_inv ^= 1 << 63),
            ("n0_inv zero", |p, _, _| p.n0_inv = 0),
            ("the quotient", |p, _, _| p.quotient[0] = 2),
            ("the quotient empty", |p, _, _| p.quotient.clear()),
            ("the bits", |p, _, _| p.bits -= 1),
            ("the bits, weak", |p, _, _| p.bits = 1024),
            ("an even exponent", |p, _, _| p.exponent = 65536),
            ("exponent 1", |p, _, _| p.exponent = 1),
            ("a wider class", |p, _, _| {
                p.modulus.resize(64, 0);
                p.r2.resize(64, 0);
            }),
            ("a larger key's constants, same DER", |p, _, l| {
                (p.modulus, p.r2, p.n0_inv, p.bits) =
                    (l.modulus.clone(), l.r2.clone(), l.n0_inv, l.bits);
            }),
            ("one limb of each", |p, _, _| {
                p.modulus[3] ^= 1 << 3;
                p.r2[3] ^= 1 << 3;
            }),
        ];
        for (what, tamper) in cases {
            let mut bad = parts.clone();
            tamper(&mut bad, &other, &larger);
            assert_ne!(bad, parts, "{what}: changed nothing");
            assert_eq!(
                PublicKey::from_embedded(bad.__leak()).unwrap_err(),
                ConfigError::Internal,
                "{what}"
            );
        }
        // A quotient with a high zero word is the same number.
        let mut same = parts.clone();
        same.quotient.push(0);
        assert!(PublicKey::from_embedded(same.__leak()).is_ok());
    }

    /// The debug form names the key by its size, exponent and fingerprint (never the whole
    /// modulus), so that logs can tell keys apart.
    #[test]
    fn debug_form_shows_size_exponent_and_fingerprint() {
        let key = PublicKey::from_pem_with_policy(
            include_str!("../../keys/test-only-rsa3072.pub.pem"),
            KeyPolicy::DangerouslyAllowPublishedTestKeys,
        )
        .map_err(|_| ConfigError::Internal);
        let Ok(key) = key else {
            return assert_eq!(key.err(), None);
        };
        let mut fingerprint = alloc::string::String::new();
        for byte in key.fingerprint() {
            fingerprint.push_str(&alloc::format!("{byte:02x}"));
        }
        assert_eq!(
            alloc::format!("{key:?}"),
            alloc::format!(
                "PublicKey {{ bits: 3072, exponent: 65537, fingerprint: {fingerprint} }}"
            )
        );
        // The embedded key says the same, and never prints its DER or limbs.
        let der = decode_key(include_bytes!("../../keys/test-only-rsa3072.pub.pem"))
            .map_err(|_| ConfigError::Internal);
        let Ok(der) = der else {
            return assert_eq!(der.err(), None);
        };
        let embedded =
            prepare_for_embedding(der.der(), KeyPolicy::DangerouslyAllowPublishedTestKeys)
                .map(__EmbeddingParts::__leak);
        let Ok(embedded) = embedded else {
            return assert_eq!(embedded.err(), None);
        };
        assert_eq!(
            alloc::format!("{embedded:?}"),
            alloc::format!(
                "EmbeddedKey {{ bits: 3072, exponent: 65537, fingerprint: {fingerprint}, .. }}"
            )
        );
    }
}
