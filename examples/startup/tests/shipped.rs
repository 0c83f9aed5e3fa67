//! The shipped program (`register-usage-startup-example`, built without the TEST ONLY
//! feature) on its own: which keys it carries, and that a call that gets no answer does not
//! start it. Its RegisterUsage flow against the emulator, including an attacker's emulator,
//! is tested in `tests/e2e/test_startup.py`, run by `cli/tests/e2e.rs`.

use std::process::Command;

use base64ct::{Base64, Encoding};

const SHIPPED: &str = env!("CARGO_BIN_EXE_register-usage-startup-example");

/// The DER inside a one-block PEM file.
fn pem_der(path: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(path).unwrap();
    let body: String = text
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    Base64::decode_vec(&body).unwrap()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

#[test]
fn shipped_program_carries_the_product_key_and_no_test_key() {
    let binary = std::fs::read(SHIPPED).unwrap();
    let dir = env!("CARGO_MANIFEST_DIR");
    let product = pem_der(&format!(
        "{dir}/../../keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem"
    ));
    assert!(
        contains(&binary, &product),
        "{SHIPPED} lacks the product key"
    );
    for test_key in ["test-only-rsa2048.pub.pem", "test-only-rsa3072.pub.pem"] {
        let der = pem_der(&format!("{dir}/../../keys/{test_key}"));
        assert!(
            !contains(&binary, &der),
            "{SHIPPED} carries the TEST ONLY key {test_key}"
        );
    }
}

#[test]
fn no_answer_is_not_entitled() {
    let out = Command::new(SHIPPED)
        .env_clear()
        // Nothing listens on the discard port: every attempt fails to connect.
        .env("REGISTER_USAGE_ENDPOINT", "http://127.0.0.1:9")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/aws-config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/aws-credentials",
        )
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("NOT STARTING"), "{stderr}");
    assert!(!stdout.contains("entitled"), "{stdout}");
    assert!(!stderr.contains("TEST KEYS"), "{stderr}");
}
