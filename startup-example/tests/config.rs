//! Configuration mistakes stop the start-up example before any network call (exit 2). Its
//! RegisterUsage flow against the emulator is tested in `tests/e2e/test_emulator.py`, run by
//! `cli/tests/e2e.rs`; having this integration test also makes `cargo test --workspace`
//! build the example's binary for that suite.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_register-usage-startup-example");

fn run(env: &[(&str, &str)]) -> (i32, String) {
    let out = Command::new(BIN)
        .env_clear()
        .env("REGISTER_USAGE_PRODUCT_CODE", "prod-1")
        // Unroutable: a call would fail differently (exit 1), so exit 2 proves none was made.
        .env("REGISTER_USAGE_ENDPOINT", "http://127.0.0.1:9")
        .env("AWS_REGION", "us-east-1")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn embedded_test_key_is_refused_without_the_opt_in() {
    let (code, stderr) = run(&[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("compromised_key"), "{stderr}");
}

#[test]
fn weak_key_and_bad_product_code_are_configuration_errors() {
    let weak = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../keys/test-only-rsa1024.pub.pem"
    );
    let (code, stderr) = run(&[
        ("REGISTER_USAGE_PUBLIC_KEY", weak),
        ("REGISTER_USAGE_INSECURE_ALLOW_PUBLISHED_TEST_KEYS", "1"),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("weak_key"), "{stderr}");

    let (code, stderr) = run(&[
        ("REGISTER_USAGE_PRODUCT_CODE", "not a product code"),
        ("REGISTER_USAGE_INSECURE_ALLOW_PUBLISHED_TEST_KEYS", "1"),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("invalid_product_code"), "{stderr}");
}

#[test]
fn unreachable_endpoint_is_not_entitled() {
    let (code, stderr) = run(&[
        ("REGISTER_USAGE_INSECURE_ALLOW_PUBLISHED_TEST_KEYS", "1"),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("NOT STARTING"), "{stderr}");
}
