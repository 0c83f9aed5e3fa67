//! TESTS ONLY (see `../insecure_test_program.rs`): trusts only the published TEST ONLY key
//! `keys/test-only-rsa2048.pub.pem`, as version 1: the release from before a key rotation.

#[path = "../insecure_test_program.rs"]
mod program;

const TEST_KEYS: &[(u32, &[u8])] = &[(
    1,
    register_usage_jwt::embed_test_key!("../../keys/test-only-rsa2048.pub.pem"),
)];

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    program::run(TEST_KEYS).await
}
