//! The WebAssembly half of the `register-usage-jwt` npm package: the Rust verifier behind a
//! few wasm-bindgen exports. The package's JavaScript (`bindings/js/lib/index.js`) is the
//! public API: it checks argument types, turns [`Failure`] into `RegisterUsageJwtError` and
//! copies [`WasmRegistration`] into a plain object. Every check of a token or a key is the
//! Rust library's; nothing here decides anything about a token.

// wasm-bindgen writes the FFI; this crate has no unsafe code of its own.
#![forbid(unsafe_code)]

use register_usage_jwt as ruj;
use wasm_bindgen::prelude::wasm_bindgen;

/// The longest token accepted, in bytes (the library's `MAX_TOKEN_LEN`). The JavaScript reads
/// it to refuse a longer string without copying it into the module's memory, which never
/// shrinks; the refusal itself is still the library's error ([`token_too_large`]).
#[wasm_bindgen(js_name = maxTokenLen)]
pub fn max_token_len() -> usize {
    ruj::MAX_TOKEN_LEN
}

/// The most keys (key versions) one verifier takes (the library's `MAX_KEY_VERSIONS`).
#[wasm_bindgen(js_name = maxKeys)]
pub fn max_keys() -> usize {
    ruj::MAX_KEY_VERSIONS
}

/// Bytes of linear memory the module holds now (it grows and never shrinks): what the
/// package's `wasmMemoryBytes()` reports, for leak checks. 0 off WebAssembly (the host
/// build exists only for the workspace's clippy run).
#[wasm_bindgen(js_name = memoryBytes)]
pub fn memory_bytes() -> usize {
    #[cfg(target_arch = "wasm32")]
    {
        core::arch::wasm32::memory_size(0).saturating_mul(65_536)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0
    }
}

/// Why a call failed: what `RegisterUsageJwtError` carries. The JavaScript reads it and
/// frees it at once.
#[wasm_bindgen]
pub struct Failure {
    kind: &'static str,
    code: &'static str,
    step: Option<String>,
    message: String,
}

#[wasm_bindgen]
impl Failure {
    /// `"rejection"` (the token was refused) or `"configuration"` (the key, product code or
    /// nonce the seller passed is wrong).
    #[wasm_bindgen(getter)]
    pub fn kind(&self) -> String {
        self.kind.to_owned()
    }

    /// The stable code: the library's `Error::code()` / `ConfigError::code()`.
    #[wasm_bindgen(getter)]
    pub fn code(&self) -> String {
        self.code.to_owned()
    }

    /// The check that refused the token (`Step`'s display name), for rejections.
    #[wasm_bindgen(getter)]
    pub fn step(&self) -> Option<String> {
        self.step.clone()
    }

    /// What happened and what to do.
    #[wasm_bindgen(getter)]
    pub fn message(&self) -> String {
        self.message.clone()
    }
}

impl From<ruj::Error> for Failure {
    fn from(error: ruj::Error) -> Self {
        Self {
            kind: "rejection",
            code: error.code(),
            step: error.step().map(|step| step.to_string()),
            message: error.to_string(),
        }
    }
}

impl From<ruj::ConfigError> for Failure {
    fn from(error: ruj::ConfigError) -> Self {
        Self {
            kind: "configuration",
            code: error.code(),
            step: None,
            message: error.to_string(),
        }
    }
}

/// The library's refusal of a token of `len` bytes over [`max_token_len`], for a token the
/// JavaScript did not copy in. Any other length is not refused here: the token must go
/// through [`WasmVerifier::verify`].
#[wasm_bindgen(js_name = tokenTooLarge)]
pub fn token_too_large(len: usize) -> Option<Failure> {
    (len > ruj::MAX_TOKEN_LEN).then(|| {
        Failure::from(ruj::Error::TokenTooLarge {
            len,
            max: ruj::MAX_TOKEN_LEN,
        })
    })
}

/// A verified registration, copied out by the JavaScript and freed.
#[wasm_bindgen]
pub struct WasmRegistration {
    product_code: String,
    key_version: u32,
    nonce: Option<String>,
    issued_at: Option<ruj::TimeClaim>,
    rotation: Option<ruj::TimeClaim>,
}

/// A time claim's NumericDate in seconds, if it is one.
fn seconds(claim: Option<&ruj::TimeClaim>) -> Option<f64> {
    claim
        .and_then(ruj::TimeClaim::timestamp)
        .map(|time| time.as_secs_f64())
}

#[wasm_bindgen]
impl WasmRegistration {
    /// The product code (the configured one).
    #[wasm_bindgen(getter, js_name = productCode)]
    pub fn product_code(&self) -> String {
        self.product_code.clone()
    }

    /// The key version whose key verified the token.
    #[wasm_bindgen(getter, js_name = keyVersion)]
    pub fn key_version(&self) -> u32 {
        self.key_version
    }

    /// The nonce sent; `undefined` from the replayable call without one.
    #[wasm_bindgen(getter)]
    pub fn nonce(&self) -> Option<String> {
        self.nonce.clone()
    }

    /// `iat` as written in the token, `undefined` when absent.
    #[wasm_bindgen(getter, js_name = issuedAtText)]
    pub fn issued_at_text(&self) -> Option<String> {
        self.issued_at.as_ref().map(ToString::to_string)
    }

    /// `iat` in seconds since the epoch when it is a NumericDate.
    #[wasm_bindgen(getter, js_name = issuedAtSeconds)]
    pub fn issued_at_seconds(&self) -> Option<f64> {
        seconds(self.issued_at.as_ref())
    }

    /// The rotation timestamp as written, `undefined` when absent (the key version has not
    /// expired).
    #[wasm_bindgen(getter, js_name = rotationText)]
    pub fn rotation_text(&self) -> Option<String> {
        self.rotation.as_ref().map(ToString::to_string)
    }

    /// The rotation timestamp in seconds when it is a NumericDate.
    #[wasm_bindgen(getter, js_name = rotationSeconds)]
    pub fn rotation_seconds(&self) -> Option<f64> {
        seconds(self.rotation.as_ref())
    }
}

impl From<ruj::Registration> for WasmRegistration {
    fn from(registration: ruj::Registration) -> Self {
        Self {
            product_code: registration.product_code().to_owned(),
            key_version: registration.key_version(),
            nonce: registration.nonce().map(str::to_owned),
            issued_at: registration.issued_at().cloned(),
            rotation: registration.public_key_rotation_timestamp().cloned(),
        }
    }
}

/// The library's verifier, held by the JavaScript `Verifier`.
#[wasm_bindgen]
pub struct WasmVerifier {
    inner: ruj::Verifier,
}

#[wasm_bindgen]
impl WasmVerifier {
    /// A verifier for `product_code` with the keys `versions[i]` -> the `lengths[i]` bytes of
    /// `data` that follow key `i - 1` (each in any form the library reads: PEM, base64, DER).
    /// `allow_published_test_keys` is the library's
    /// `KeyPolicy::DangerouslyAllowPublishedTestKeys`; the JavaScript sets it only in
    /// `Verifier.dangerouslyAllowingPublishedTestKeys`.
    ///
    /// # Errors
    /// The library's `ConfigError`, and `invalid_argument` when the lengths do not add up
    /// to `data` (a bug in the JavaScript, never the seller's input).
    pub fn create(
        product_code: &str,
        versions: &[u32],
        lengths: &[u32],
        data: &[u8],
        allow_published_test_keys: bool,
    ) -> Result<WasmVerifier, Failure> {
        let policy = if allow_published_test_keys {
            ruj::KeyPolicy::DangerouslyAllowPublishedTestKeys
        } else {
            ruj::KeyPolicy::Production
        };
        let bad_lengths = || Failure {
            kind: "usage",
            code: "invalid_argument",
            step: None,
            message: "the key lengths do not match the key data: a bug in the register-usage-jwt \
                      package, please report it"
                .to_owned(),
        };
        if versions.len() != lengths.len() {
            return Err(bad_lengths());
        }
        let mut keys = Vec::with_capacity(versions.len());
        let mut rest = data;
        for (&version, &len) in versions.iter().zip(lengths) {
            let len = usize::try_from(len).map_err(|_| bad_lengths())?;
            let (key, after) = rest.split_at_checked(len).ok_or_else(bad_lengths)?;
            rest = after;
            keys.push((
                version,
                ruj::PublicKey::from_any_form_with_policy(key, policy)?,
            ));
        }
        if !rest.is_empty() {
            return Err(bad_lengths());
        }
        Ok(Self {
            inner: ruj::Verifier::new(product_code, keys)?,
        })
    }

    /// The library's `Verifier::verify` with the nonce sent.
    ///
    /// # Errors
    /// `invalid_nonce` (configuration) or the library's rejection.
    pub fn verify(
        &self,
        token: &[u8],
        key_version: u32,
        nonce: &str,
    ) -> Result<WasmRegistration, Failure> {
        let nonce = ruj::Nonce::new(nonce)?;
        Ok(self.inner.verify(token, key_version, &nonce)?.into())
    }

    /// The library's `Verifier::verify_replayable_without_nonce`.
    ///
    /// # Errors
    /// The library's rejection.
    #[wasm_bindgen(js_name = verifyReplayableWithoutNonce)]
    pub fn verify_replayable_without_nonce(
        &self,
        token: &[u8],
        key_version: u32,
    ) -> Result<WasmRegistration, Failure> {
        Ok(self
            .inner
            .verify_replayable_without_nonce(token, key_version)?
            .into())
    }

    /// The configured product code.
    #[wasm_bindgen(getter, js_name = productCode)]
    pub fn product_code(&self) -> String {
        self.inner.product_code().to_owned()
    }

    /// The configured key versions, ascending.
    #[wasm_bindgen(getter, js_name = keyVersions)]
    pub fn key_versions(&self) -> Vec<u32> {
        self.inner.key_versions().collect()
    }
}
