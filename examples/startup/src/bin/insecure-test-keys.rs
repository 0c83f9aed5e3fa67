//! TESTS ONLY (see `../insecure_test_program.rs`): trusts the published TEST ONLY keys
//! `keys/test-only-rsa2048.pub.pem` as version 1 and `keys/test-only-rsa3072.pub.pem` as
//! version 2, and so sends version 2: the release after a key rotation.

#[path = "../insecure_test_program.rs"]
mod program;

const TEST_KEYS: &[(u32, &[u8])] = &[
    (
        1,
        register_usage_jwt::embed_test_key!("../../keys/test-only-rsa2048.pub.pem"),
    ),
    (
        2,
        register_usage_jwt::embed_test_key!("../../keys/test-only-rsa3072.pub.pem"),
    ),
];

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    program::run(TEST_KEYS).await
}
