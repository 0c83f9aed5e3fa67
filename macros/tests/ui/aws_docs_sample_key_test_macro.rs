// The test opt-in does not cover the AWS documentation sample key.
const KEY: &[u8] =
    register_usage_jwt_macros::embed_test_key!("../keys/aws-docs-sample-key-compromised.pem");

fn main() {
    let _ = KEY;
}
