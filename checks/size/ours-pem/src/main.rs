//! Verifies the token on stdin with a PEM key compiled in as text, as a seller's container
//! would without the `macros` feature (the key is parsed and checked at run time): prints
//! `valid` and exits 0, or prints the error and exits 1.
use std::process::ExitCode;

use register_usage_jwt::{Nonce, PublicKey, Verifier};

// A seller-like key (checks/compare/fixtures/generate.py: its private half was discarded).
const PRODUCT_KEY_V1_PEM: &str = include_str!("../../../compare/fixtures/seller-rsa3072.pub.pem");
const PRODUCT_CODE: &str = "1fszvu527waovqeuhpkyx2b5d";
const NONCE: &str = "3f1e5a0c-6b7d-4e2a-9c31-0d8f2b7a4e55";

fn main() -> ExitCode {
    let mut token = String::new();
    if std::io::stdin().read_line(&mut token).is_err() {
        return ExitCode::FAILURE;
    }
    let verdict = PublicKey::from_pem(PRODUCT_KEY_V1_PEM)
        .and_then(|key| Verifier::new(PRODUCT_CODE, [(1, key)]))
        .map_err(|e| e.to_string())
        .and_then(|verifier| {
            let nonce = Nonce::new(NONCE).map_err(|e| e.to_string())?;
            verifier
                .verify(token.trim(), 1, &nonce)
                .map_err(|e| e.to_string())
        });
    match verdict {
        Ok(_) => {
            println!("valid");
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("invalid: {e}");
            ExitCode::FAILURE
        }
    }
}
