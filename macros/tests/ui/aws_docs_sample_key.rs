use register_usage_jwt_core::EmbeddedKey;

// The key printed in AWS's Java example under "Replace with your public key".
const PRODUCT_KEY_V1: EmbeddedKey =
    register_usage_jwt_macros::embed_product_key!("../keys/aws-docs-sample-key-compromised.pem");

fn main() {
    let _ = PRODUCT_KEY_V1;
}
