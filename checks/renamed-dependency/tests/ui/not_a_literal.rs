const PATH: &str = "keys/product-1fszvu527waovqeuhpkyx2b5d-v1.pem";
const PRODUCT_KEY_V1: rujwt::EmbeddedKey = rujwt::embed_product_key!(PATH);
const TEST_KEY: &[u8] = rujwt::embed_test_key!();

fn main() {
    let _ = (PRODUCT_KEY_V1, TEST_KEY);
}
