//! TESTS ONLY: the paid program as `main.rs`, but trusting register-usage-jwt's published
//! TEST ONLY keys, whose private halves anyone can read, so this repository's end-to-end
//! tests can run it against `register-usage-jwt emulate`. Built only with the
//! `insecure-published-test-keys` feature; when you copy the example, delete this file,
//! `src/bin/`, `build.rs` and the feature.

// A release build does not compile at all.
#[cfg(not(debug_assertions))]
compile_error!(
    "the `insecure-published-test-keys` programs trust keys whose private halves are \
     published; they exist for tests only and never build in release mode"
);

use std::process::ExitCode;

use register_usage_jwt::{KeyPolicy, PublicKey, Verifier};
use register_usage_startup_example::NotEntitled;

/// The product code the tests use (the same as the shipped program's).
const PRODUCT_CODE: &str = "1fszvu527waovqeuhpkyx2b5d";

fn verifier(keys: &[(u32, &[u8])]) -> Result<Verifier, NotEntitled> {
    let keys = keys
        .iter()
        .map(|(version, der)| {
            let key =
                PublicKey::from_der_with_policy(der, KeyPolicy::DangerouslyAllowPublishedTestKeys)?;
            Ok((*version, key))
        })
        .collect::<Result<Vec<_>, register_usage_jwt::ConfigError>>()
        .map_err(NotEntitled::configuration)?;
    Verifier::new(PRODUCT_CODE, keys).map_err(NotEntitled::configuration)
}

/// Runs the program with these TEST ONLY keys.
pub async fn run(keys: &[(u32, &[u8])]) -> ExitCode {
    eprintln!(
        "register-usage: WARNING: THIS BUILD TRUSTS PUBLISHED TEST KEYS (feature \
         insecure-published-test-keys): anyone can sign tokens it accepts. Tests only; never \
         ship it."
    );
    let entitled = match verifier(keys) {
        Ok(verifier) => register_usage_startup_example::entitle(&verifier).await,
        Err(why) => Err(why),
    };
    match entitled {
        Ok(registration) => {
            println!("entitled");
            eprintln!(
                "register-usage: entitled: product {}, key version {}",
                registration.product_code(),
                registration.key_version()
            );
            println!("working");
            ExitCode::SUCCESS
        }
        Err(why) => {
            eprintln!("register-usage: NOT STARTING: {why}");
            // Now, without waiting for the runtime's blocking threads (a DNS lookup the
            // SDK gave up on) as returning from `main` would.
            std::process::exit(1)
        }
    }
}
