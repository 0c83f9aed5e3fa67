use register_usage_jwt_core::EmbeddedKey;

// One of register-usage-jwt's own test keys: its private half is published.
const PRODUCT_KEY_V1: EmbeddedKey =
    register_usage_jwt_macros::embed_product_key!("../keys/test-only-rsa2048.pub.pem");

fn main() {
    let _ = PRODUCT_KEY_V1;
}
