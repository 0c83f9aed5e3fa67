//! The JNI library behind the Java binding (`bindings/java`): the native methods of
//! `com.registerusagejwt.NativeBridge`, each a thin call into `register-usage-jwt`. Every
//! check is the Rust library's; this crate only moves bytes and results across JNI.
//!
//! Results cross as a `String[]` (`["ok", ...]` or `[kind, code, step, message]`) that the
//! Java side turns into values and exceptions, so the native side needs few JNI calls.
//!
//! No raw pointer crosses to Java: a verifier lives in a table here and Java holds its
//! number, so a closed, forged or stale handle is the `closed` error, never freed memory.
//! Every entry point runs inside `EnvUnowned::with_env`, which catches any panic before it
//! reaches the JVM (the panic then surfaces as a Java `RuntimeException`, which the Java
//! side reports as `internal_error`).
// `unsafe` appears only as `#[unsafe(no_mangle)]`: the JVM finds a native method by its
// exported symbol name, which requires an unmangled symbol. No other unsafe code.
#![allow(unsafe_code)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use jni::objects::{JByteArray, JClass, JIntArray, JLongArray, JObjectArray, JString};
use jni::sys::{jboolean, jint, jlong};
use jni::{Env, EnvUnowned};
use register_usage_jwt::{
    ConfigError, Error, KeyPolicy, Nonce, PublicKey, RandomNonce, Registration, TimeClaim, Verifier,
};

/// The live verifiers, by handle. A handle is never reused, so a stale one finds nothing.
static VERIFIERS: Mutex<Option<HashMap<jlong, Arc<Verifier>>>> = Mutex::new(None);
/// The next handle (0 is never a handle: Java uses it for "closed").
static NEXT_HANDLE: AtomicI64 = AtomicI64::new(1);

/// The table, even if a thread panicked while holding it (the map itself stays consistent:
/// every update is a single insert or remove).
fn verifiers() -> MutexGuard<'static, Option<HashMap<jlong, Arc<Verifier>>>> {
    VERIFIERS.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Why a call failed, before it becomes a `String[]` for Java.
enum Failure {
    Rejected(Error),
    Config(ConfigError),
    /// A binding-level misuse: (code, message).
    Usage(&'static str, String),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Rejected(error)
    }
}

impl From<ConfigError> for Failure {
    fn from(error: ConfigError) -> Self {
        Failure::Config(error)
    }
}

/// A JNI failure (an exception pending, out of memory): the result cannot be built.
impl From<jni::errors::Error> for Failure {
    fn from(error: jni::errors::Error) -> Self {
        Failure::Usage("internal_error", format!("JNI call failed: {error}"))
    }
}

impl Failure {
    /// `[kind, code, step or null, message]`.
    fn fields(&self) -> [Option<String>; 4] {
        match self {
            Failure::Rejected(error) => [
                Some("rejection".into()),
                Some(error.code().into()),
                error.step().map(|step| step.to_string()),
                Some(error.to_string()),
            ],
            Failure::Config(error) => [
                Some("configuration".into()),
                Some(error.code().into()),
                None,
                Some(error.to_string()),
            ],
            Failure::Usage(code, message) => [
                Some("usage".into()),
                Some((*code).into()),
                None,
                Some(message.clone()),
            ],
        }
    }
}

/// A Java `String[]` of `fields` (`None` is `null`).
fn string_array<'local>(
    env: &mut Env<'local>,
    fields: &[Option<String>],
) -> jni::errors::Result<JObjectArray<'local, JString<'local>>> {
    let array = JObjectArray::<JString>::new(env, fields.len(), JString::null())?;
    for (index, field) in fields.iter().enumerate() {
        if let Some(text) = field {
            let text = JString::from_str(env, text)?;
            array.set_element(env, index, &text)?;
        }
    }
    Ok(array)
}

/// Runs `body` and turns its result (or failure) into the `String[]` Java reads.
fn respond<'local>(
    env: &mut Env<'local>,
    body: impl FnOnce(&mut Env<'local>) -> Result<Vec<Option<String>>, Failure>,
) -> jni::errors::Result<JObjectArray<'local, JString<'local>>> {
    match body(env) {
        Ok(mut fields) => {
            fields.insert(0, Some("ok".into()));
            string_array(env, &fields)
        }
        Err(failure) => string_array(env, &failure.fields()),
    }
}

/// The bytes of a Java `byte[]`; `name` names the argument in the `null_argument` error.
fn bytes(env: &Env<'_>, array: &JByteArray<'_>, name: &str) -> Result<Vec<u8>, Failure> {
    if array.is_null() {
        return Err(null_argument(name));
    }
    Ok(env.convert_byte_array(array)?)
}

/// UTF-8 text from a Java `byte[]` (the Java side encodes strictly; checked again here).
fn text(env: &Env<'_>, array: &JByteArray<'_>, name: &str) -> Result<String, Failure> {
    String::from_utf8(bytes(env, array, name)?).map_err(|_| {
        Failure::Usage(
            "invalid_utf8",
            format!("the {name} is not valid UTF-8: pass text without unpaired surrogates"),
        )
    })
}

fn null_argument(name: &str) -> Failure {
    Failure::Usage(
        "null_argument",
        format!("the {name} is null: pass a non-null value"),
    )
}

fn ints(env: &Env<'_>, array: &JIntArray<'_>, name: &str) -> Result<Vec<jint>, Failure> {
    if array.is_null() {
        return Err(null_argument(name));
    }
    let mut out = vec![0; array.len(env)?];
    array.get_region(env, 0, &mut out)?;
    Ok(out)
}

/// A key version from Java's `int`: versions are positive in Java, `u32` in the library.
fn key_version(version: jint) -> Result<u32, Failure> {
    u32::try_from(version).map_err(|_| {
        Failure::Usage(
            "invalid_argument",
            format!("key version {version} is negative: key versions are 1 or more"),
        )
    })
}

/// `create(productCode UTF-8, versions, keys concatenated, key lengths, allowTestKeys,
/// handleOut)`: builds a verifier and writes its handle into `handleOut[0]`.
fn create<'local>(
    env: &mut Env<'local>,
    product_code: &JByteArray<'_>,
    versions: &JIntArray<'_>,
    key_bytes: &JByteArray<'_>,
    key_lengths: &JIntArray<'_>,
    policy: KeyPolicy,
    handle_out: &JLongArray<'_>,
) -> Result<Vec<Option<String>>, Failure> {
    let product_code = text(env, product_code, "product code")?;
    let versions = ints(env, versions, "key versions")?;
    let key_bytes = bytes(env, key_bytes, "keys")?;
    let key_lengths = ints(env, key_lengths, "key lengths")?;
    if handle_out.is_null() {
        return Err(null_argument("handle output"));
    }
    let bad_layout = || {
        Failure::Usage(
            "invalid_argument",
            "the key table is inconsistent: a bug in the Java binding".to_string(),
        )
    };
    if versions.len() != key_lengths.len() {
        return Err(bad_layout());
    }
    let mut keys = Vec::with_capacity(versions.len());
    let mut rest: &[u8] = &key_bytes;
    for (version, length) in versions.iter().zip(&key_lengths) {
        let length = usize::try_from(*length).map_err(|_| bad_layout())?;
        let (key, after) = rest.split_at_checked(length).ok_or_else(bad_layout)?;
        rest = after;
        keys.push((
            key_version(*version)?,
            PublicKey::from_any_form_with_policy(key, policy)?,
        ));
    }
    let verifier = Arc::new(Verifier::new(&product_code, keys)?);
    let handle = NEXT_HANDLE.fetch_add(1, Ordering::Relaxed);
    verifiers()
        .get_or_insert_with(HashMap::new)
        .insert(handle, verifier);
    handle_out.set_region(env, 0, &[handle])?;
    Ok(Vec::new())
}

/// The verifier for `handle`, or the `closed` error.
fn verifier(handle: jlong) -> Result<Arc<Verifier>, Failure> {
    verifiers()
        .as_ref()
        .and_then(|table| table.get(&handle))
        .cloned()
        .ok_or_else(|| {
            Failure::Usage(
                "closed",
                "the verifier was used after close(): create a new one with Verifier.create"
                    .to_string(),
            )
        })
}

/// `kind, value` of a time claim: `absent`, `seconds` (as Rust prints the f64, which Java's
/// `Double.parseDouble` reads exactly) or `other` (the JSON text, `...` when cut).
fn time_claim(claim: Option<&TimeClaim>) -> [Option<String>; 2] {
    match claim {
        None => [Some("absent".into()), None],
        Some(TimeClaim::Seconds(time)) => {
            [Some("seconds".into()), Some(time.as_secs_f64().to_string())]
        }
        Some(other) => [Some("other".into()), Some(other.to_string())],
    }
}

/// `[productCode, keyVersion, nonce or null, iat kind, iat, rotation kind, rotation]`.
fn registration_fields(registration: &Registration) -> Vec<Option<String>> {
    let mut fields = vec![
        Some(registration.product_code().to_string()),
        Some(registration.key_version().to_string()),
        registration.nonce().map(str::to_string),
    ];
    fields.extend(time_claim(registration.issued_at()));
    fields.extend(time_claim(registration.public_key_rotation_timestamp()));
    fields
}

fn verify(
    env: &Env<'_>,
    handle: jlong,
    token: &JByteArray<'_>,
    version: jint,
    nonce: Option<&JByteArray<'_>>,
) -> Result<Vec<Option<String>>, Failure> {
    let verifier = verifier(handle)?;
    // The token is bytes: the library refuses anything that is not a compact JWT.
    let token = bytes(env, token, "token")?;
    let version = key_version(version)?;
    let registration = match nonce {
        Some(nonce) => {
            let nonce = text(env, nonce, "nonce")?;
            verifier.verify(&token, version, &Nonce::new(&nonce)?)?
        }
        None => verifier.verify_replayable_without_nonce(&token, version)?,
    };
    Ok(registration_fields(&registration))
}

/// Creates a verifier that takes production keys only.
#[unsafe(no_mangle)]
pub extern "system" fn Java_com_registerusagejwt_NativeBridge_create<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    product_code: JByteArray<'local>,
    versions: JIntArray<'local>,
    key_bytes: JByteArray<'local>,
    key_lengths: JIntArray<'local>,
    allow_published_test_keys: jboolean,
    handle_out: JLongArray<'local>,
) -> JObjectArray<'local, JString<'local>> {
    // The Java side reaches the test-key policy only through its loudly named factory.
    let policy = if allow_published_test_keys {
        KeyPolicy::DangerouslyAllowPublishedTestKeys
    } else {
        KeyPolicy::Production
    };
    unowned
        .with_env(|env| {
            respond(env, |env| {
                create(
                    env,
                    &product_code,
                    &versions,
                    &key_bytes,
                    &key_lengths,
                    policy,
                    &handle_out,
                )
            })
        })
        .resolve::<jni::errors::ThrowRuntimeExAndDefault>()
}

/// Verifies a token with the nonce sent.
#[unsafe(no_mangle)]
pub extern "system" fn Java_com_registerusagejwt_NativeBridge_verify<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    handle: jlong,
    token: JByteArray<'local>,
    key_version: jint,
    nonce: JByteArray<'local>,
) -> JObjectArray<'local, JString<'local>> {
    unowned
        .with_env(|env| {
            respond(env, |env| {
                verify(env, handle, &token, key_version, Some(&nonce))
            })
        })
        .resolve::<jni::errors::ThrowRuntimeExAndDefault>()
}

/// Verifies a token from a call that sent no nonce (replayable; loudly named in Java).
#[unsafe(no_mangle)]
pub extern "system" fn Java_com_registerusagejwt_NativeBridge_verifyReplayableWithoutNonce<
    'local,
>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    handle: jlong,
    token: JByteArray<'local>,
    key_version: jint,
) -> JObjectArray<'local, JString<'local>> {
    unowned
        .with_env(|env| respond(env, |env| verify(env, handle, &token, key_version, None)))
        .resolve::<jni::errors::ThrowRuntimeExAndDefault>()
}

/// Frees a verifier; an unknown or already freed handle does nothing. Returns whether it
/// freed one (the tests count live verifiers with it).
#[unsafe(no_mangle)]
pub extern "system" fn Java_com_registerusagejwt_NativeBridge_free<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    handle: jlong,
) -> jboolean {
    unowned
        .with_env(|_env| -> Result<bool, jni::errors::Error> {
            // Removed under the lock, dropped after it: a verify in progress holds its own
            // `Arc`, so the verifier is freed when the last user is done.
            let removed = verifiers().as_mut().and_then(|table| table.remove(&handle));
            Ok(removed.is_some())
        })
        .resolve::<jni::errors::ThrowRuntimeExAndDefault>()
}

/// How many verifiers are live (for the leak tests).
#[unsafe(no_mangle)]
pub extern "system" fn Java_com_registerusagejwt_NativeBridge_liveVerifiers<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
) -> jlong {
    unowned
        .with_env(|_env| -> Result<jlong, jni::errors::Error> {
            let live = verifiers().as_ref().map_or(0, HashMap::len);
            Ok(jlong::try_from(live).unwrap_or(jlong::MAX))
        })
        .resolve::<jni::errors::ThrowRuntimeExAndDefault>()
}

/// A fresh random nonce from the core's `RandomNonce` (the operating system's source).
#[unsafe(no_mangle)]
pub extern "system" fn Java_com_registerusagejwt_NativeBridge_randomNonce<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
) -> JObjectArray<'local, JString<'local>> {
    unowned
        .with_env(|env| {
            respond(env, |_env| {
                let nonce = RandomNonce::generate()?;
                Ok(vec![Some(nonce.as_str().to_string())])
            })
        })
        .resolve::<jni::errors::ThrowRuntimeExAndDefault>()
}
