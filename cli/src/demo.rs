//! `register-usage-jwt demo`: the whole job on bundled TEST ONLY material, no AWS needed.

use std::time::{SystemTime, UNIX_EPOCH};

use register_usage_jwt::{KeyPolicy, Nonce, PublicKey, Registration, Verifier};
use serde_json::Number;

use crate::mint::{self, Claims, OTHER_TEST_KEY_PEM, TEST_KEY_PEM, TEST_PUBLIC_KEY_PEM};
use crate::output::{err, out};
use crate::report::{self, Request};
use crate::{EXIT_OK, EXIT_REJECTED, Spelling};

const PRODUCT_CODE: &str = "cqcvf9f0ugw8rkbgmf1c9dxyz";

/// A fresh random nonce: 16 random bytes as 32 hex digits.
pub fn random_nonce() -> Result<String, String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness: {e}"))?;
    Ok(report::hex(&bytes))
}

fn show(
    title: &str,
    verifier: &Verifier,
    key: &PublicKey,
    token: &str,
    nonce: &Nonce<'_>,
) -> Result<Registration, register_usage_jwt::Error> {
    out!("\n== {title}");
    out!("   token: {}...", token.get(..60).unwrap_or(token));
    let outcome = verifier.verify(token, 1, nonce);
    report::print_human(
        &Request {
            token_len: token.len(),
            product_code: verifier.product_code(),
            key_version: 1,
            key,
            nonce: Some(nonce.as_str()),
        },
        &outcome,
    );
    outcome
}

pub fn run() -> u8 {
    match run_inner() {
        Ok(true) => {
            out!(
                "\ndemo: every outcome was as expected. For a real product, configure the public \
                 key AWS Marketplace gave you; the test keys above are refused without the \
                 insecure opt-in."
            );
            EXIT_OK
        }
        Ok(false) => {
            out!("\ndemo: an outcome was NOT as expected");
            EXIT_REJECTED
        }
        Err(message) => {
            err!("error: {message}");
            EXIT_REJECTED
        }
    }
}

fn run_inner() -> Result<bool, String> {
    out!(
        "register-usage-jwt demo: mints RegisterUsage tokens with the bundled TEST ONLY key \
         (keys/test-only-rsa2048.key.pem, whose private key is PUBLIC) and verifies them."
    );
    let signing_key = mint::parse_private_key(TEST_KEY_PEM)?;
    let other_key = mint::parse_private_key(OTHER_TEST_KEY_PEM)?;
    let key = PublicKey::from_pem_with_policy(
        TEST_PUBLIC_KEY_PEM,
        KeyPolicy::DangerouslyAllowPublishedTestKeys,
    )
    .map_err(|e| e.to_string())?;
    let verifier = Verifier::new(PRODUCT_CODE, [(1, key.clone())]).map_err(|e| e.to_string())?;

    let nonce_text = random_nonce()?;
    let nonce = Nonce::new(&nonce_text).map_err(|e| e.to_string())?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let claims = Claims {
        product_code: PRODUCT_CODE.to_owned(),
        key_version: 1,
        nonce: Some(nonce_text.clone()),
        iat: Some(Number::from(now)),
        rotation: None,
        spelling: Spelling::Camel,
    };
    out!(
        "\nRegisterUsage request: ProductCode {PRODUCT_CODE:?}, PublicKeyVersion 1, fresh \
         random Nonce {nonce_text:?}"
    );
    out!("claims signed: {}", claims.to_json());
    let token = mint::sign(&signing_key, 32, &claims.to_json())?;

    let mut as_expected = true;

    let genuine = show(
        "1. the genuine token (expect: verified)",
        &verifier,
        &key,
        &token,
        &nonce,
    );
    as_expected &= genuine.is_ok();

    let forged = mint::sign(&other_key, 32, &claims.to_json())?;
    let outcome = show(
        "2. the same claims signed by another key, i.e. a fake endpoint (expect: bad_signature)",
        &verifier,
        &key,
        &forged,
        &nonce,
    );
    as_expected &= outcome.err().map(|e| e.code()) == Some("bad_signature");

    let later_nonce_text = random_nonce()?;
    let later_nonce = Nonce::new(&later_nonce_text).map_err(|e| e.to_string())?;
    let outcome = show(
        "3. the genuine token replayed to a later call with another nonce (expect: nonce_mismatch)",
        &verifier,
        &key,
        &token,
        &later_nonce,
    );
    as_expected &= outcome.err().map(|e| e.code()) == Some("nonce_mismatch");

    out!("\n== 4. the test key under the production policy (expect: compromised_key)");
    match PublicKey::from_pem(TEST_PUBLIC_KEY_PEM) {
        Ok(_) => {
            out!("   ACCEPTED (unexpected)");
            as_expected = false;
        }
        Err(e) => out!("   refused ({}): {e}", e.code()),
    }
    Ok(as_expected)
}
