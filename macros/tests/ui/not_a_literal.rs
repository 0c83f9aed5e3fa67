use register_usage_jwt_core::EmbeddedKey;

const PATH: &str = "../keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem";
const PRODUCT_KEY_V1: EmbeddedKey = register_usage_jwt_macros::embed_product_key!(PATH);

fn main() {
    let _ = PRODUCT_KEY_V1;
}
