//! Tokens minted by independent implementations (python `cryptography` and the `openssl`
//! command line) by `tests/fixtures/generate.py`, which also checks each expected verdict
//! with its own reference verifier before writing `tests/fixtures/tokens.json`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation
)]

use register_usage_jwt::{Error, KeyPolicy, Nonce, PublicKey, Registration, TimeClaim, Verifier};
use serde::Deserialize;

#[derive(Deserialize)]
struct Fixtures {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    signer: String,
    key: String,
    request: Request,
    token: String,
    expect: String,
    claims: Option<Claims>,
    configured_version: Option<u32>,
}

#[derive(Deserialize)]
struct Request {
    product_code: String,
    key_version: u32,
    nonce: Option<String>,
}

#[derive(Deserialize, Debug)]
struct Claims {
    product_code: String,
    key_version: u32,
    nonce: Option<String>,
    issued_at: Option<TimeWant>,
    rotation: Option<TimeWant>,
}

/// A time claim as the fixture's independent model reports it: seconds for a NumericDate,
/// `{"other": true}` for any other value.
#[derive(Deserialize, Debug)]
#[serde(untagged)]
enum TimeWant {
    Seconds(f64),
    Other { other: bool },
}

fn time_matches(got: Option<&TimeClaim>, want: Option<&TimeWant>) -> bool {
    match (got, want) {
        (None, None) => true,
        (Some(TimeClaim::Seconds(t)), Some(TimeWant::Seconds(s))) => t.as_secs_f64() == *s,
        (Some(TimeClaim::Other(_)), Some(TimeWant::Other { other: true })) => true,
        _ => false,
    }
}

fn test_key(stem: &str) -> PublicKey {
    let pem = std::fs::read_to_string(format!("keys/{stem}.pub.pem")).unwrap();
    PublicKey::from_pem_with_policy(&pem, KeyPolicy::DangerouslyAllowPublishedTestKeys).unwrap()
}

fn run(case: &Case) -> Result<Registration, Error> {
    let version = case.configured_version.unwrap_or(case.request.key_version);
    let verifier =
        Verifier::new(&case.request.product_code, [(version, test_key(&case.key))]).unwrap();
    match &case.request.nonce {
        Some(nonce) => verifier.verify(
            &case.token,
            case.request.key_version,
            &Nonce::new(nonce).unwrap(),
        ),
        None => verifier.verify_replayable_without_nonce(&case.token, case.request.key_version),
    }
}

#[test]
fn every_fixture_gets_its_expected_verdict() {
    let fixtures: Fixtures =
        serde_json::from_str(&std::fs::read_to_string("tests/fixtures/tokens.json").unwrap())
            .unwrap();
    assert!(fixtures.cases.len() > 150);
    let mut failures = Vec::new();
    let mut signers = std::collections::BTreeSet::new();
    for case in &fixtures.cases {
        signers.insert(case.signer.clone());
        match (run(case), case.expect.as_str()) {
            (Ok(registration), "valid") => {
                let want = case.claims.as_ref().unwrap();
                let ok = registration.product_code() == want.product_code
                    && registration.key_version() == want.key_version
                    && registration.nonce() == want.nonce.as_deref()
                    && time_matches(registration.issued_at(), want.issued_at.as_ref())
                    && time_matches(
                        registration.public_key_rotation_timestamp(),
                        want.rotation.as_ref(),
                    );
                if !ok {
                    failures.push(format!(
                        "{}: got {registration:?}, want {want:?}",
                        case.name
                    ));
                }
            }
            (Ok(_), expected) => {
                failures.push(format!("{}: verified, expected {expected}", case.name))
            }
            (Err(error), expected) if error.code() == expected => {
                // Every message is meant for a person: it is never empty.
                assert!(!error.to_string().is_empty());
            }
            (Err(error), expected) => failures.push(format!(
                "{}: {} ({error}), expected {expected}",
                case.name,
                error.code()
            )),
        }
    }
    assert!(signers.contains("cryptography") && signers.contains("openssl"));
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
