use register_usage_jwt_core::EmbeddedKey;

const PRODUCT_KEY_V1: EmbeddedKey =
    register_usage_jwt_macros::embed_product_key!("tests/ui/not-a-key.txt");

fn main() {
    let _ = PRODUCT_KEY_V1;
}
