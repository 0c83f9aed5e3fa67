//! Verifies the token on stdin with the embedded key (jwt-compact): prints `valid` and exits
//! 0, or prints the error and exits 1.
use std::process::ExitCode;

use jwt_compact::alg::Rsa;
use jwt_compact::{AlgorithmExt, UntrustedToken};
use rsa::RsaPublicKey;
use rsa::pkcs8::DecodePublicKey;

include!("../../common/claims.rs");

fn main() -> ExitCode {
    let mut token = String::new();
    if std::io::stdin().read_line(&mut token).is_err() {
        return ExitCode::FAILURE;
    }
    let verdict = RsaPublicKey::from_public_key_pem(PRODUCT_KEY_V1)
        .map_err(|e| e.to_string())
        .and_then(|key| {
            let untrusted = UntrustedToken::new(token.trim()).map_err(|e| e.to_string())?;
            Rsa::ps256()
                .validator::<RegisterUsageClaims>(&key)
                .validate(&untrusted)
                .map_err(|e| e.to_string())
        });
    match verdict {
        Ok(t) if t.claims().custom.matches() => {
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
