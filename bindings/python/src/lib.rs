//! `register_usage_jwt` for Python: the Rust verifier behind a small PyO3 module (abi3, so
//! one wheel serves every CPython from 3.9).
//!
//! ```python
//! from register_usage_jwt import Verifier, random_nonce
//! verifier = Verifier(PRODUCT_CODE, {1: PRODUCT_KEY_PEM})
//! registration = verifier.verify(token, 1, nonce)   # raises TokenRejected
//! ```
//!
//! Rejections raise `TokenRejected`, configuration mistakes `ConfigurationError`; both
//! derive from `RegisterUsageJwtError` and carry `.code`, the same string as the Rust
//! library's `Error::code()` / `ConfigError::code()`. Verifying releases the GIL.

// The workspace denies unsafe code; this crate forbids it outright (pyo3 does the FFI).
#![forbid(unsafe_code)]

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyMapping, PyType};

use register_usage_jwt as ruj;

create_exception!(
    register_usage_jwt,
    RegisterUsageJwtError,
    PyException,
    "Base class of this package's errors; `.code` is a stable machine-readable code."
);
create_exception!(
    register_usage_jwt,
    TokenRejected,
    RegisterUsageJwtError,
    "The token was refused (forged, replayed, for another product, malformed, ...): do not \
     run as paid software. `.code` is the Rust library's `Error::code()`."
);
create_exception!(
    register_usage_jwt,
    ConfigurationError,
    RegisterUsageJwtError,
    "The verifier cannot be configured as asked (a weak, published or unreadable key, an \
     invalid product code, key version or nonce): the seller's to fix. `.code` is the Rust \
     library's `ConfigError::code()`."
);

/// An exception of class `T` whose `str()` is `message` and whose `.code` is `code`.
fn error_with_code<T: pyo3::PyTypeInfo>(py: Python<'_>, code: &str, message: String) -> PyErr {
    let error = PyErr::new::<T, _>(message);
    match error.value(py).setattr("code", code) {
        Ok(()) => error,
        Err(setattr_failed) => setattr_failed,
    }
}

fn rejected(py: Python<'_>, error: ruj::Error) -> PyErr {
    error_with_code::<TokenRejected>(py, error.code(), error.to_string())
}

fn misconfigured(py: Python<'_>, error: ruj::ConfigError) -> PyErr {
    error_with_code::<ConfigurationError>(py, error.code(), error.to_string())
}

/// An informational time claim: a NumericDate as float seconds, any other value as the JSON
/// text the token holds (a `str`).
#[derive(Clone, Debug, IntoPyObject)]
enum ClaimTime {
    Seconds(f64),
    Other(String),
}

fn claim_time(time: Option<&ruj::TimeClaim>) -> Option<ClaimTime> {
    time.map(|claim| match claim.timestamp() {
        Some(time) => ClaimTime::Seconds(time.as_secs_f64()),
        None => ClaimTime::Other(claim.to_string()),
    })
}

/// Text or bytes from Python.
#[derive(FromPyObject)]
enum TextOrBytes {
    Text(String),
    Bytes(Vec<u8>),
}

impl TextOrBytes {
    fn as_bytes(&self) -> &[u8] {
        match self {
            TextOrBytes::Text(text) => text.as_bytes(),
            TextOrBytes::Bytes(bytes) => bytes,
        }
    }
}

/// Reads a key in any form the library reads (PEM, escaped PEM, base64, DER): the library
/// decides the form, as it does for Rust callers.
fn parse_key(
    py: Python<'_>,
    key: &TextOrBytes,
    policy: ruj::KeyPolicy,
) -> PyResult<ruj::PublicKey> {
    ruj::PublicKey::from_any_form_with_policy(key.as_bytes(), policy)
        .map_err(|error| misconfigured(py, error))
}

/// A verified RegisterUsage registration; only `Verifier.verify` makes one.
#[pyclass(frozen, module = "register_usage_jwt")]
struct Registration {
    /// The product code: the one the verifier was configured with.
    #[pyo3(get)]
    product_code: String,
    /// The public key version whose key verified the token.
    #[pyo3(get)]
    key_version: u32,
    /// The nonce sent (None only from `verify_replayable_without_nonce`).
    #[pyo3(get)]
    nonce: Option<String>,
    /// `iat`: when AWS issued the token, in epoch seconds (a float), or the claim's JSON
    /// text (a str) when it is not a NumericDate; None when absent.
    #[pyo3(get)]
    issued_at: Option<ClaimTime>,
    /// Present only when the key version used has expired: ship the new key version. A
    /// float of epoch seconds, or the JSON text (a str) when it is not a NumericDate.
    #[pyo3(get)]
    public_key_rotation_timestamp: Option<ClaimTime>,
}

impl From<ruj::Registration> for Registration {
    fn from(registration: ruj::Registration) -> Self {
        Self {
            product_code: registration.product_code().to_owned(),
            key_version: registration.key_version(),
            nonce: registration.nonce().map(str::to_owned),
            issued_at: claim_time(registration.issued_at()),
            public_key_rotation_timestamp: claim_time(registration.public_key_rotation_timestamp()),
        }
    }
}

/// The fields `Registration`'s `repr` shows, in order: its Python attributes.
const REGISTRATION_FIELDS: [&str; 5] = [
    "product_code",
    "key_version",
    "nonce",
    "issued_at",
    "public_key_rotation_timestamp",
];

/// `Name(field=repr(value), ...)`: each value is the Python `repr` of the attribute (a
/// `str` quoted as Python quotes it, `None` for an absent claim), so the text reads as
/// Python, not as Rust's `Debug`.
fn python_repr(object: &Bound<'_, PyAny>, name: &str, fields: &[&str]) -> PyResult<String> {
    let mut parts = Vec::with_capacity(fields.len());
    for field in fields {
        let value = object.getattr(*field)?.repr()?;
        parts.push(format!("{field}={}", value.to_cow()?));
    }
    Ok(format!("{name}({})", parts.join(", ")))
}

#[pymethods]
impl Registration {
    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        python_repr(slf.as_any(), "Registration", &REGISTRATION_FIELDS)
    }
}

/// Verifies RegisterUsage tokens for one product. Create it once at start-up with the
/// product code and `{key_version: public_key}` (PEM text, or PEM or DER bytes); it is
/// immutable and may be shared between threads.
#[pyclass(frozen, module = "register_usage_jwt")]
struct Verifier {
    inner: ruj::Verifier,
}

impl Verifier {
    fn build(
        py: Python<'_>,
        product_code: &str,
        keys: &Bound<'_, PyMapping>,
        policy: ruj::KeyPolicy,
    ) -> PyResult<Self> {
        let mut parsed = Vec::new();
        for item in keys.items()?.iter() {
            let (version, key): (u32, TextOrBytes) = item.extract()?;
            parsed.push((version, parse_key(py, &key, policy)?));
        }
        let inner =
            ruj::Verifier::new(product_code, parsed).map_err(|error| misconfigured(py, error))?;
        Ok(Self { inner })
    }
}

#[pymethods]
impl Verifier {
    /// Refuses keys under 2048 bits and keys whose private half is public.
    #[new]
    fn new(py: Python<'_>, product_code: &str, keys: &Bound<'_, PyMapping>) -> PyResult<Self> {
        Self::build(py, product_code, keys, ruj::KeyPolicy::Production)
    }

    /// INSECURE, for tests and demos only: also accepts register-usage-jwt's own test keys,
    /// whose private keys are published, so anyone can mint tokens they accept.
    #[classmethod]
    fn dangerously_allowing_published_test_keys(
        _class: &Bound<'_, PyType>,
        py: Python<'_>,
        product_code: &str,
        keys: &Bound<'_, PyMapping>,
    ) -> PyResult<Self> {
        Self::build(
            py,
            product_code,
            keys,
            ruj::KeyPolicy::DangerouslyAllowPublishedTestKeys,
        )
    }

    /// The product code this verifier accepts.
    #[getter]
    fn product_code(&self) -> &str {
        self.inner.product_code()
    }

    /// The configured key versions.
    #[getter]
    fn key_versions(&self) -> Vec<u32> {
        self.inner.key_versions().collect()
    }

    /// Verifies `token` (the `Signature` of the RegisterUsage response) for the call that
    /// sent `key_version` and `nonce`. Raises `TokenRejected` if it must not be trusted.
    fn verify(
        &self,
        py: Python<'_>,
        token: TextOrBytes,
        key_version: u32,
        nonce: &str,
    ) -> PyResult<Registration> {
        let nonce = ruj::Nonce::new(nonce).map_err(|error| misconfigured(py, error))?;
        let inner = &self.inner;
        py.detach(|| inner.verify(token.as_bytes(), key_version, &nonce))
            .map(Registration::from)
            .map_err(|error| rejected(py, error))
    }

    /// REPLAYABLE: verifies a token from a RegisterUsage call that sent no nonce. A token
    /// captured from any entitled run verifies forever; use `verify` with `random_nonce()`.
    fn verify_replayable_without_nonce(
        &self,
        py: Python<'_>,
        token: TextOrBytes,
        key_version: u32,
    ) -> PyResult<Registration> {
        let inner = &self.inner;
        py.detach(|| inner.verify_replayable_without_nonce(token.as_bytes(), key_version))
            .map(Registration::from)
            .map_err(|error| rejected(py, error))
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        python_repr(slf.as_any(), "Verifier", &["product_code", "key_versions"])
    }
}

/// A fresh random nonce (32 base64url characters, 192 bits from the operating system) for
/// one RegisterUsage call. Never reuse one.
#[pyfunction]
fn random_nonce(py: Python<'_>) -> PyResult<String> {
    ruj::RandomNonce::generate()
        .map(|nonce| nonce.as_str().to_owned())
        .map_err(|error| misconfigured(py, error))
}

#[pymodule]
#[pyo3(name = "register_usage_jwt")]
fn register_usage_jwt_module(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    module.add_class::<Verifier>()?;
    module.add_class::<Registration>()?;
    module.add(
        "RegisterUsageJwtError",
        py.get_type::<RegisterUsageJwtError>(),
    )?;
    module.add("TokenRejected", py.get_type::<TokenRejected>())?;
    module.add("ConfigurationError", py.get_type::<ConfigurationError>())?;
    module.add_function(wrap_pyfunction!(random_nonce, module)?)?;
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
