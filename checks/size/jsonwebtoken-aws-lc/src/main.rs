//! Verifies the token on stdin with the embedded key (jsonwebtoken, aws_lc_rs provider): prints
//! `valid` and exits 0, or prints the error and exits 1.
use std::process::ExitCode;

use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode};

include!("../../common/claims.rs");

fn main() -> ExitCode {
    if jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER
        .install_default()
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    let mut token = String::new();
    if std::io::stdin().read_line(&mut token).is_err() {
        return ExitCode::FAILURE;
    }
    let verdict = DecodingKey::from_rsa_pem(PRODUCT_KEY_V1.as_bytes()).and_then(|key| {
        let mut validation = Validation::new(Algorithm::PS256);
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        validation.validate_aud = false;
        decode::<RegisterUsageClaims>(token.trim(), &key, &validation)
    });
    match verdict {
        Ok(t) if t.claims.matches() => {
            println!("valid");
            ExitCode::SUCCESS
        }
        Ok(_) => {
            println!("invalid: claims do not match");
            ExitCode::FAILURE
        }
        Err(e) => {
            println!("invalid: {e}");
            ExitCode::FAILURE
        }
    }
}
