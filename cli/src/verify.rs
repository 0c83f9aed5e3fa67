//! `register-usage-jwt verify`.

use std::path::PathBuf;

use clap::Args;
use register_usage_jwt::{ConfigError, KeyPolicy, Nonce, PublicKey, Verifier};

use crate::input::Token;
use crate::output::{err, out};
use crate::report::{self, Request};
use crate::{EXIT_CONFIG, EXIT_OK, EXIT_REJECTED, input};

#[derive(Args, Debug)]
#[command(group(clap::ArgGroup::new("nonce_choice").required(true).args(["nonce", "no_nonce"])))]
pub struct VerifyArgs {
    /// Your AWS Marketplace product code.
    #[arg(long, value_name = "CODE")]
    pub product_code: String,
    /// The public key AWS Marketplace gave you for this key version: PEM at any width, PEM with
    /// literal \n escapes, bare base64 or DER (see `register-usage-jwt key inspect`).
    #[arg(long, value_name = "FILE")]
    pub public_key: PathBuf,
    /// The PublicKeyVersion sent with the RegisterUsage call.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub key_version: u32,
    /// The nonce sent with the RegisterUsage call.
    #[arg(long, value_name = "NONCE")]
    pub nonce: Option<String>,
    /// The call sent no nonce. The token is then REPLAYABLE; prefer --nonce.
    #[arg(long)]
    pub no_nonce: bool,
    /// Print exactly one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
    /// INSECURE: accept this crate's published TEST ONLY keys (their private keys are public).
    #[arg(long)]
    pub insecure_allow_published_test_keys: bool,
    /// The token (the `Signature` field of the RegisterUsage response), or `-` for stdin.
    #[arg(value_name = "TOKEN")]
    pub token: String,
}

/// A failure before any token check: exit 2.
pub struct Setup {
    pub code: &'static str,
    pub message: String,
}

impl From<ConfigError> for Setup {
    fn from(error: ConfigError) -> Self {
        Setup {
            code: error.code(),
            message: error.to_string(),
        }
    }
}

/// Loads a key file in any form [`register_usage_jwt::decode_key`] accepts, under `policy`.
pub fn load_key(path: &std::path::Path, policy: KeyPolicy) -> Result<PublicKey, Setup> {
    let bytes = input::read_file(path, "public key").map_err(|message| Setup {
        code: "unreadable_key",
        message,
    })?;
    Ok(PublicKey::from_any_form_with_policy(&bytes, policy)?)
}

pub fn run(args: &VerifyArgs) -> u8 {
    match run_inner(args) {
        Ok(code) => code,
        Err(setup) => {
            if args.json {
                out!("{}", report::error_json(setup.code, &setup.message));
            } else {
                err!("error ({}): {}", setup.code, setup.message);
                if setup.code == "compromised_key" && !args.insecure_allow_published_test_keys {
                    err!(
                        "(for tests and demos with this crate's TEST ONLY keys, pass \
                         --insecure-allow-published-test-keys)"
                    );
                }
            }
            EXIT_CONFIG
        }
    }
}

fn run_inner(args: &VerifyArgs) -> Result<u8, Setup> {
    let policy = if args.insecure_allow_published_test_keys {
        err!(
            "WARNING: --insecure-allow-published-test-keys: accepting TEST ONLY keys whose \
             private keys are PUBLIC; anyone can mint tokens this accepts. Never use this for \
             a real product."
        );
        KeyPolicy::DangerouslyAllowPublishedTestKeys
    } else {
        KeyPolicy::Production
    };
    let key = load_key(&args.public_key, policy)?;
    let nonce = match &args.nonce {
        Some(text) => Some(Nonce::new(text)?),
        None => None,
    };
    let verifier = Verifier::new(&args.product_code, [(args.key_version, key.clone())])?;
    let token = match input::read_token(&args.token) {
        Ok(Token::Complete(token)) => token,
        Ok(Token::MoreThan(read)) => {
            // Not read to its end, so its size is unknown: say so rather than a false size.
            let message = input::too_large_message(read);
            if args.json {
                out!("{}", report::error_json("token_too_large", &message));
            } else {
                out!("REJECTED (token_too_large): {message}");
            }
            return Ok(EXIT_REJECTED);
        }
        Err(message) => {
            return Err(Setup {
                code: "unreadable_token",
                message,
            });
        }
    };

    let outcome = match &nonce {
        Some(nonce) => verifier.verify(&token, args.key_version, nonce),
        None => verifier.verify_replayable_without_nonce(&token, args.key_version),
    };

    if args.json {
        match &outcome {
            Ok(registration) => {
                out!("{}", report::valid_json(registration));
                report::warn_rotation(registration.public_key_rotation_timestamp());
                if nonce.is_none() {
                    report::warn_no_nonce();
                }
            }
            Err(error) => out!("{}", report::error_json(error.code(), &error.to_string())),
        }
    } else {
        let request = Request {
            token_len: token.len(),
            product_code: &args.product_code,
            key_version: args.key_version,
            key: &key,
            nonce: nonce.as_ref().map(Nonce::as_str),
        };
        report::print_human(&request, &outcome);
    }
    Ok(if outcome.is_ok() {
        EXIT_OK
    } else {
        EXIT_REJECTED
    })
}
