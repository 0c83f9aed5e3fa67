//! The start-up check a paid AWS Marketplace container runs before doing anything else,
//! as a function its own `main` calls: [`entitle`].
//!
//! ```no_run
//! use register_usage_jwt::{EmbeddedKey, PublicKey, Verifier};
//! use register_usage_jwt::embed_product_key; // feature `macros`
//!
//! // Compiled in: the product code and the key of every configured key version.
//! const PRODUCT_CODE: &str = "1fszvu527waovqeuhpkyx2b5d";
//! // Yours: embed_product_key!("keys/product-<code>-v1.pem"), relative to your Cargo.toml.
//! const PRODUCT_KEY_V1: EmbeddedKey =
//!     embed_product_key!("../../keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem");
//!
//! #[tokio::main(flavor = "current_thread")]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let verifier = Verifier::new(PRODUCT_CODE, [(1, PublicKey::from_embedded(PRODUCT_KEY_V1)?)])?;
//!     // First thing: exit unless entitled.
//!     register_usage_startup_example::entitle(&verifier).await?;
//!     // ... the paid program's work, in this same process ...
//!     Ok(())
//! }
//! ```
//!
//! # Why the check lives inside the paid process
//! Whoever runs the container chooses its command. A check in a separate entrypoint binary,
//! a wrapper script, an init container or a sidecar that "prints `entitled`" and then starts
//! the real program is bypassed by overriding the command (`docker run --entrypoint`, a
//! Kubernetes `command:`, an ECS `entryPoint`) to start the real program directly; that is
//! how a public integration's check was bypassed. When the check is the first thing the paid
//! program's own `main` does, there is no command that runs the program without it.
//!
//! # What it does
//! 1. Takes the [`Verifier`] the program built from its compiled-in product code and keys
//!    (`src/product.rs` in the shipped program); nothing at run time can replace them or
//!    weaken the key policy.
//! 2. Calls RegisterUsage with the verifier's product code, the newest key version it has
//!    and a fresh random nonce.
//! 3. Retries `ThrottlingException` and `InternalServiceErrorException` through the AWS
//!    SDK's standard retry mode (bounded attempts, back-off with jitter) and stops on every
//!    other error ([`retry`]).
//! 4. Verifies the returned token offline: PS256 with the key of the version sent, and the
//!    claims echo the product code, key version and nonce. A fake endpoint, a forged or a
//!    replayed token stops here.
//! 5. Logs loudly when the key version has expired (`PublicKeyRotationTimestamp`).
//!
//! # What it reads at run time
//! Only where to send the call: `REGISTER_USAGE_ENDPOINT` (a URL, for tests against
//! `register-usage-jwt emulate`), and the AWS SDK's own configuration (region, credentials,
//! `AWS_ENDPOINT_URL*`). Redirecting the call is harmless: whatever answers must return a
//! token signed by AWS Marketplace's private key for the compiled-in product, version and
//! this call's nonce, and nothing at run time can change which key that is.
//!
//! # Failing closed on a bad environment
//! The whole check has one deadline ([`DEFAULT_DEADLINE`], or [`entitle_within`]'s), kept by
//! a watchdog thread ([`deadline`]). Every file the environment can name is read bounded or
//! checked before the SDK opens it ([`files`], and the TLS roots in `tls.rs`), and the values
//! the SDK would panic on (an empty endpoint, a region or access key id with a control
//! character) are refused before the SDK uses them, with a message naming the setting.

#![forbid(unsafe_code)]

pub mod deadline;
pub mod files;
pub mod retry;
mod tls;

use std::fmt;
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::timeout::TimeoutConfig;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider, future};
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use aws_sdk_marketplacemetering::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_marketplacemetering::{Client, config};
use register_usage_jwt::{RandomNonce, Registration, Verifier};

use deadline::{Phase, Watchdog};

/// The only setting of this program's own that is read at run time: where RegisterUsage is
/// sent (the emulator in tests). See the crate documentation for why it is harmless.
pub const ENDPOINT_VARIABLE: &str = "REGISTER_USAGE_ENDPOINT";

/// The whole start-up check's deadline, configuration loading included: when it passes, the
/// program says what it was waiting for and exits with status 1. Change it in code, with
/// [`entitle_within`]; nothing at run time changes it.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(30);

/// One attempt's time limit (a timed-out attempt is retried within [`retry::MAX_ATTEMPTS`]).
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// Why the program must not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum NotEntitled {
    /// The compiled-in product configuration is unusable (a build that passed the key macro
    /// cannot get here unless the crates' versions differ).
    Configuration(String),
    /// A setting in the environment is unusable or unsafe to follow: the message names it and
    /// says what to change (an endpoint that is not a URL, a configuration file that is a
    /// FIFO, a device or too large, no usable TLS root certificate).
    Environment(String),
    /// RegisterUsage failed: an error code AWS answered (after the retries for the two
    /// retried errors), or no answer at all.
    RegisterUsage {
        /// The AWS error code, e.g. `CustomerNotEntitledException`; `None` without one.
        code: Option<String>,
        /// The SDK's description of the failure.
        detail: String,
    },
    /// RegisterUsage answered without a token.
    NoToken,
    /// The token failed verification: it was not signed with this product's key for the
    /// version sent, or its claims do not echo this call.
    Untrusted(register_usage_jwt::Error),
}

impl fmt::Display for NotEntitled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Configuration(message) => write!(f, "configuration error: {message}"),
            Self::Environment(message) => write!(f, "environment: {message}"),
            Self::RegisterUsage { code, detail } => write!(
                f,
                "RegisterUsage failed ({}): {detail}",
                code.as_deref().unwrap_or("no error code")
            ),
            Self::NoToken => f.write_str("RegisterUsage answered without a Signature"),
            Self::Untrusted(error) => write!(
                f,
                "the RegisterUsage token failed verification ({}): {error}",
                error.code()
            ),
        }
    }
}

impl std::error::Error for NotEntitled {}

impl NotEntitled {
    /// A configuration error, with the library's stable error code.
    pub fn configuration(error: register_usage_jwt::ConfigError) -> Self {
        Self::Configuration(format!("{error} ({})", error.code()))
    }
}

/// Registers this container with AWS Marketplace and verifies the answer; `Ok` means
/// entitled. Call it first thing in the paid program's `main`, and exit on `Err`. The whole
/// check has [`DEFAULT_DEADLINE`]; see [`entitle_within`].
///
/// # Errors
/// Every reason not to start, as a [`NotEntitled`].
pub async fn entitle(verifier: &Verifier) -> Result<Registration, NotEntitled> {
    entitle_within(verifier, DEFAULT_DEADLINE).await
}

/// [`entitle`] with another deadline for the whole check, configuration loading included.
///
/// While the check runs, a watchdog thread prints what it is waiting for every
/// [`deadline::STILL_WAITING_EVERY`]; when `deadline` passes first, it prints what the
/// check was waiting for and **ends the process with exit status 1**: this function does not
/// return then. (An async timeout could not do it: the SDK reads files with blocking calls.)
///
/// # Errors
/// Every other reason not to start, as a [`NotEntitled`].
pub async fn entitle_within(
    verifier: &Verifier,
    deadline: Duration,
) -> Result<Registration, NotEntitled> {
    let Some(version) = verifier.key_versions().max() else {
        return Err(NotEntitled::Configuration(
            "no product key configured".to_owned(),
        ));
    };
    let sent_version = i32::try_from(version)
        .map_err(|_| NotEntitled::Configuration(format!("key version {version} is too large")))?;
    // A fresh 192-bit nonce for this call only: the token must echo it, so a token captured
    // from another run cannot answer this one.
    let nonce = RandomNonce::generate().map_err(NotEntitled::configuration)?;

    // Disarmed when this function returns, either way.
    let watchdog = Watchdog::start(deadline, Phase::LoadingAwsConfiguration).map_err(|error| {
        NotEntitled::Environment(format!(
            "cannot start the start-up deadline's thread: {error}"
        ))
    })?;
    let client = client(&watchdog).await?;
    let response = client
        .register_usage()
        .product_code(verifier.product_code())
        .public_key_version(sent_version)
        .nonce(nonce.as_str())
        .send()
        .await
        .map_err(|error| {
            let code = match &error {
                SdkError::ServiceError(service) => service.err().code().map(str::to_owned),
                _ => None,
            };
            NotEntitled::RegisterUsage {
                code,
                detail: DisplayErrorContext(&error).to_string(),
            }
        })?;
    drop(watchdog);

    let token = response.signature().ok_or(NotEntitled::NoToken)?;
    let registration = verifier
        .verify(token, version, &nonce)
        .map_err(NotEntitled::Untrusted)?;
    report_rotation(&registration, response.public_key_rotation_timestamp());
    Ok(registration)
}

/// [`ENDPOINT_VARIABLE`], if set: an `http://` or `https://` URL with a host. Checked here
/// because the SDK panics on an empty endpoint and takes any other string unchecked.
fn endpoint_override() -> Result<Option<String>, NotEntitled> {
    let refuse = |value: &str| {
        NotEntitled::Environment(format!(
            "{ENDPOINT_VARIABLE}={value:?} is not an http:// or https:// URL with a host: set \
             it to the URL of a RegisterUsage endpoint, or unset it to call AWS"
        ))
    };
    let value = match std::env::var(ENDPOINT_VARIABLE) {
        Ok(value) => value,
        Err(std::env::VarError::NotPresent) => return Ok(None),
        Err(std::env::VarError::NotUnicode(value)) => {
            return Err(refuse(&value.to_string_lossy()));
        }
    };
    let uri: http::Uri = value.parse().map_err(|_| refuse(&value))?;
    let scheme_ok = matches!(uri.scheme_str(), Some("http" | "https"));
    let host_ok = uri.host().is_some_and(|host| !host.is_empty());
    if !scheme_ok || !host_ok {
        return Err(refuse(&value));
    }
    Ok(Some(value))
}

/// The profile files (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, or their default
/// paths), read here bounded and given to the SDK as contents so it never opens them; and
/// the token files the SDK opens later, checked.
fn profile_files(watchdog: &Watchdog) -> Result<EnvConfigFiles, NotEntitled> {
    let mut builder = EnvConfigFiles::builder();
    let mut profiles = String::new();
    for (kind, what, variable, default, unset) in [
        (
            EnvConfigFileKind::Config,
            "config",
            "AWS_CONFIG_FILE",
            "~/.aws/config",
            "the default config file (AWS_CONFIG_FILE is unset)",
        ),
        (
            EnvConfigFileKind::Credentials,
            "credentials",
            "AWS_SHARED_CREDENTIALS_FILE",
            "~/.aws/credentials",
            "the default credentials file (AWS_SHARED_CREDENTIALS_FILE is unset)",
        ),
    ] {
        let path = files::profile_path(variable, default);
        // Messages name the variable, or say that the default path was read.
        let variable = if std::env::var(variable).is_ok() {
            variable
        } else {
            unset
        };
        watchdog.set(Phase::ReadingFile {
            variable,
            path: path.clone(),
        });
        let bytes = files::read(variable, &path, files::MAX_CONFIG_FILE_BYTES)?;
        let text = String::from_utf8(bytes.unwrap_or_default()).map_err(|_| {
            NotEntitled::Environment(format!(
                "{variable} names {}, which is not UTF-8 text: name an AWS {what} file, or \
                 unset the variable",
                path.display(),
            ))
        })?;
        profiles.push_str(&text);
        profiles.push('\n');
        builder = builder.with_contents(kind, text);
    }
    // Token files the SDK opens while it resolves credentials, during the call.
    let mut token_files: Vec<(&'static str, std::path::PathBuf)> = Vec::new();
    for variable in [
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    ] {
        if let Some(path) = std::env::var_os(variable) {
            token_files.push((variable, path.into()));
        }
    }
    for path in files::token_files_named_in(&profiles) {
        token_files.push(("web_identity_token_file (in a profile file)", path));
    }
    for (variable, path) in token_files {
        watchdog.set(Phase::ReadingFile {
            variable,
            path: path.clone(),
        });
        files::check(variable, &path, files::MAX_CONFIG_FILE_BYTES)?;
    }
    Ok(builder.build())
}

/// The RegisterUsage client: the SDK's usual region and credentials, [`ENDPOINT_VARIABLE`]
/// if set, and this program's retry policy (set on the service config, so the SDK's own
/// `AWS_MAX_ATTEMPTS` / `AWS_RETRY_MODE` settings do not change it). Every file an
/// attacker's environment can name is read bounded or checked first.
async fn client(watchdog: &Watchdog) -> Result<Client, NotEntitled> {
    let endpoint = endpoint_override()?;
    let profiles = profile_files(watchdog)?;
    watchdog.set(Phase::LoadingRootCertificates);
    let http_client = tls::https_client()?;
    watchdog.set(Phase::LoadingAwsConfiguration);
    // The retry policy is given to the loader too, so it never parses the SDK's own
    // `AWS_RETRY_MODE` / `AWS_MAX_ATTEMPTS` (aws-config panics on a value it cannot parse).
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(retry::config())
        .profile_files(profiles)
        .http_client(http_client);
    if let Some(endpoint) = endpoint {
        loader = loader.endpoint_url(endpoint);
    }
    let shared = loader.load().await;
    // The SDK signs with the region unchecked and panics on one that cannot be a header
    // value (`AWS_REGION` with a control character); a region name is letters, digits and
    // dashes, wherever it came from.
    if let Some(region) = shared.region() {
        let name = region.as_ref();
        if name.is_empty()
            || !name
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-')
        {
            return Err(NotEntitled::Environment(format!(
                "the AWS region {name:?} (from AWS_REGION, AWS_DEFAULT_REGION, the profile's \
                 `region` or instance metadata) is not a region name like us-east-1: set \
                 AWS_REGION to the region the container runs in"
            )));
        }
    }
    let mut conf = config::Builder::from(&shared);
    if let Some(provider) = shared.credentials_provider() {
        conf = conf.credentials_provider(CheckedCredentials(provider));
    }
    let conf = conf
        .retry_config(retry::config())
        .retry_classifier(retry::RegisterUsageRetries)
        .interceptor(watchdog.interceptor())
        .timeout_config(
            TimeoutConfig::builder()
                .operation_attempt_timeout(ATTEMPT_TIMEOUT)
                .build(),
        )
        .build();
    Ok(Client::from_conf(conf))
}

/// The SDK's credentials, refused before signing when the access key id is not an access
/// key id: the SDK puts it in the `Authorization` header unchecked and panics on a control
/// character (`AWS_ACCESS_KEY_ID` from the environment, a profile or a credentials endpoint).
#[derive(Debug)]
struct CheckedCredentials(SharedCredentialsProvider);

impl ProvideCredentials for CheckedCredentials {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(async move {
            let credentials = self.0.provide_credentials().await?;
            let id = credentials.access_key_id();
            if id.is_empty() || !id.bytes().all(|byte| byte.is_ascii_alphanumeric()) {
                return Err(CredentialsError::invalid_configuration(format!(
                    "the AWS access key id {id:?} (from AWS_ACCESS_KEY_ID, a profile or a \
                     credentials endpoint) is not letters and digits: set the container's \
                     real credentials"
                )));
            }
            Ok(credentials)
        })
    }
}

/// Logs loudly when the key version sent has expired. The token's own (signed) claim is
/// authoritative; the response's field is not signed, so it is reported as such.
fn report_rotation(
    registration: &Registration,
    unsigned: Option<&aws_sdk_marketplacemetering::primitives::DateTime>,
) {
    let version = registration.key_version();
    if let Some(when) = registration.public_key_rotation_timestamp() {
        eprintln!(
            "register-usage: WARNING: KEY ROTATION: the verified token carries \
             PublicKeyRotationTimestamp {when}: public key version {version} of product {} has \
             expired. Fetch the new key version from AWS Marketplace, embed it beside this \
             one and ship a release.",
            registration.product_code()
        );
    } else if let Some(when) = unsigned {
        eprintln!(
            "register-usage: WARNING: KEY ROTATION: the response (unsigned) reports \
             PublicKeyRotationTimestamp {}: public key version {version} may have expired. \
             Check the key versions AWS Marketplace lists for this product.",
            when.secs()
        );
    }
}
