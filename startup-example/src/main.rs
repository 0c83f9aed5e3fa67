//! The start-up check a paid AWS Marketplace container runs before doing anything else.
//!
//! 1. Build the verifier from the product code and the public key AWS Marketplace gave you
//!    (a configuration mistake stops here, before any call).
//! 2. Call RegisterUsage with a fresh random nonce.
//! 3. Retry with exponential back-off on `ThrottlingException` only; stop on every other
//!    error, as the AWS seller guide says (they only happen on this first call).
//! 4. Verify the returned `Signature` offline: PS256 with your key, and the claims echo your
//!    product code, key version and nonce. A fake endpoint or a replayed token stops here.
//! 5. Warn when AWS reports the key version has expired (`PublicKeyRotationTimestamp`).
//! 6. Print `entitled` and go on starting the software.
//!
//! Exit codes: 0 entitled; 1 not entitled or the check failed; 2 configuration error.
//!
//! Every setting is an argument or an environment variable (`--help` lists them). For the
//! local emulator: `REGISTER_USAGE_ENDPOINT=http://127.0.0.1:PORT`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_sdk_marketplacemetering::Client;
use aws_sdk_marketplacemetering::error::{DisplayErrorContext, ProvideErrorMetadata};
use aws_sdk_marketplacemetering::operation::register_usage::RegisterUsageError;
use clap::Parser;
use register_usage_jwt::{KeyPolicy, Nonce, PublicKey, Verifier};

/// Your product's public key, embedded at build time.
///
/// REPLACE THIS with the public key AWS Marketplace gave you for your product and key version,
/// saved in your repository (e.g. `keys/product-<code>-v1.pem`). The file below is one of
/// register-usage-jwt's published TEST ONLY keys: `PublicKey::from_pem` refuses it
/// (`compromised_key`) unless the insecure test opt-in is given, so this example cannot ship
/// by accident with a key anyone can sign for.
const PRODUCT_KEY_PEM: &str = include_str!("../../keys/test-only-rsa2048.pub.pem");

const EXIT_NOT_ENTITLED: u8 = 1;
const EXIT_CONFIG: u8 = 2;

#[derive(Parser, Debug)]
#[command(about = "Container start-up: RegisterUsage with a fresh nonce, then verify the token")]
struct Args {
    /// Your AWS Marketplace product code.
    #[arg(long, env = "REGISTER_USAGE_PRODUCT_CODE")]
    product_code: String,
    /// The PublicKeyVersion to send (the version of the embedded key).
    #[arg(long, env = "REGISTER_USAGE_PUBLIC_KEY_VERSION", default_value_t = 1)]
    public_key_version: u32,
    /// A PEM public key file to use instead of the embedded key.
    #[arg(long, env = "REGISTER_USAGE_PUBLIC_KEY", value_name = "FILE")]
    public_key: Option<PathBuf>,
    /// Send RegisterUsage here instead of the regional AWS endpoint (e.g. the emulator).
    #[arg(long, env = "REGISTER_USAGE_ENDPOINT", value_name = "URL")]
    endpoint: Option<String>,
    /// How many times to call RegisterUsage while it answers ThrottlingException.
    #[arg(long, env = "REGISTER_USAGE_MAX_ATTEMPTS", default_value_t = 6)]
    max_attempts: u32,
    /// The first back-off after a ThrottlingException, doubled after each one.
    #[arg(long, env = "REGISTER_USAGE_INITIAL_BACKOFF_MS", default_value_t = 200)]
    initial_backoff_ms: u64,
    /// INSECURE, tests only: accept register-usage-jwt's published TEST ONLY keys.
    /// The environment variable takes 1/0, true/false, yes/no, on/off.
    #[arg(
        long,
        env = "REGISTER_USAGE_INSECURE_ALLOW_PUBLISHED_TEST_KEYS",
        action = clap::ArgAction::SetTrue,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    insecure_allow_published_test_keys: bool,
}

/// Why the container must not start.
enum Stop {
    /// A configuration mistake (exit 2).
    Config(String),
    /// Not entitled, or the answer could not be trusted (exit 1).
    NotEntitled(String),
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = Args::parse();
    match start(&args).await {
        Ok(()) => {
            println!("entitled");
            ExitCode::SUCCESS
        }
        Err(Stop::Config(message)) => {
            eprintln!("register-usage: configuration error: {message}");
            ExitCode::from(EXIT_CONFIG)
        }
        Err(Stop::NotEntitled(message)) => {
            eprintln!("register-usage: NOT STARTING: {message}");
            ExitCode::from(EXIT_NOT_ENTITLED)
        }
    }
}

fn build_verifier(args: &Args) -> Result<Verifier, Stop> {
    let policy = if args.insecure_allow_published_test_keys {
        eprintln!(
            "register-usage: WARNING: accepting published TEST ONLY keys; anyone can mint \
             tokens for them. Never ship this setting."
        );
        KeyPolicy::DangerouslyAllowPublishedTestKeys
    } else {
        KeyPolicy::Production
    };
    let pem = match &args.public_key {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| Stop::Config(format!("cannot read {}: {e}", path.display())))?,
        None => PRODUCT_KEY_PEM.to_owned(),
    };
    let key = PublicKey::from_pem_with_policy(&pem, policy)
        .map_err(|e| Stop::Config(format!("{} ({})", e, e.code())))?;
    Verifier::new(&args.product_code, [(args.public_key_version, key)])
        .map_err(|e| Stop::Config(format!("{} ({})", e, e.code())))
}

/// A fresh random nonce: 16 bytes from the OS as 32 hex digits.
fn fresh_nonce() -> Result<String, Stop> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| Stop::Config(format!("no randomness: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

async fn start(args: &Args) -> Result<(), Stop> {
    let verifier = build_verifier(args)?;
    let nonce_text = fresh_nonce()?;
    let nonce = Nonce::new(&nonce_text).map_err(|e| Stop::Config(e.to_string()))?;
    let version = i32::try_from(args.public_key_version)
        .map_err(|_| Stop::Config("the public key version is too large".to_owned()))?;

    // The SDK's own retries are off: this loop retries ThrottlingException, and nothing else.
    let mut loader =
        aws_config::defaults(BehaviorVersion::latest()).retry_config(RetryConfig::disabled());
    if let Some(endpoint) = &args.endpoint {
        loader = loader.endpoint_url(endpoint);
    }
    let client = Client::new(&loader.load().await);

    let mut backoff = Duration::from_millis(args.initial_backoff_ms);
    let mut attempt = 1;
    let response = loop {
        let result = client
            .register_usage()
            .product_code(&args.product_code)
            .public_key_version(version)
            .nonce(&nonce_text)
            .send()
            .await;
        match result {
            Ok(response) => break response,
            Err(error) => {
                let throttled = matches!(
                    error.as_service_error(),
                    Some(RegisterUsageError::ThrottlingException(_))
                );
                if throttled && attempt < args.max_attempts {
                    let wait = jitter(backoff);
                    eprintln!(
                        "register-usage: ThrottlingException (attempt {attempt} of {}); \
                         retrying in {} ms",
                        args.max_attempts,
                        wait.as_millis()
                    );
                    tokio::time::sleep(wait).await;
                    backoff = backoff.saturating_mul(2).min(Duration::from_secs(20));
                    attempt += 1;
                    continue;
                }
                let code = error.code().unwrap_or("no error code");
                return Err(Stop::NotEntitled(format!(
                    "RegisterUsage failed ({code}) after {attempt} attempt(s): {}",
                    DisplayErrorContext(&error)
                )));
            }
        }
    };

    let token = response.signature().ok_or_else(|| {
        Stop::NotEntitled("RegisterUsage answered without a Signature".to_owned())
    })?;
    let registration = verifier
        .verify(token, args.public_key_version, &nonce)
        .map_err(|e| {
            Stop::NotEntitled(format!(
                "the RegisterUsage token failed verification ({}): {e}",
                e.code()
            ))
        })?;

    // The token's own (signed) claim is authoritative; the response field is not signed.
    if let Some(when) = registration.public_key_rotation_timestamp() {
        eprintln!(
            "register-usage: WARNING: PublicKeyRotationTimestamp {when}: public key version {} \
             has expired. Ship a release with the new key version from AWS Marketplace.",
            registration.key_version()
        );
    } else if let Some(when) = response.public_key_rotation_timestamp() {
        eprintln!(
            "register-usage: WARNING: the response (unsigned) reports PublicKeyRotationTimestamp \
             {when}: public key version {} has expired. Ship the new key version.",
            registration.key_version()
        );
    }
    Ok(())
}

/// A random wait between half and all of `backoff` ("equal jitter").
fn jitter(backoff: Duration) -> Duration {
    let mut byte = [0u8; 1];
    let fraction = match getrandom::fill(&mut byte) {
        Ok(()) => 0.5 + f64::from(byte[0]) / 510.0,
        Err(_) => 1.0,
    };
    backoff.mul_f64(fraction)
}
