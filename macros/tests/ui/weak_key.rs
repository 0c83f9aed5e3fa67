use register_usage_jwt_core::EmbeddedKey;

// A fresh RSA-1024 key (not a known key): too weak.
const PRODUCT_KEY_V1: EmbeddedKey =
    register_usage_jwt_macros::embed_product_key!("../keys/weak-rsa1024.pem");

fn main() {
    let _ = PRODUCT_KEY_V1;
}
