use register_usage_jwt_core::EmbeddedKey;

// A private key where the public key belongs.
const PRODUCT_KEY_V1: EmbeddedKey =
    register_usage_jwt_macros::embed_product_key!("../keys/test-only-rsa2048.key.pem");

fn main() {
    let _ = PRODUCT_KEY_V1;
}
