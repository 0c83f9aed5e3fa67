// Shared by the peer programs: the embedded key and the claims they check after decoding.

/// A seller-like key (checks/compare/fixtures/generate.py: its private half was discarded).
const PRODUCT_KEY_V1: &str = include_str!("../../compare/fixtures/seller-rsa3072.pub.pem");

#[derive(serde::Deserialize)]
struct RegisterUsageClaims {
    #[serde(rename = "ProductCode", alias = "productCode")]
    product_code: String,
    #[serde(rename = "PublicKeyVersion", alias = "publicKeyVersion")]
    public_key_version: u32,
    #[serde(rename = "Nonce", alias = "nonce", default)]
    nonce: Option<String>,
}

impl RegisterUsageClaims {
    fn matches(&self) -> bool {
        self.product_code == "1fszvu527waovqeuhpkyx2b5d"
            && self.public_key_version == 1
            && self.nonce.as_deref() == Some("3f1e5a0c-6b7d-4e2a-9c31-0d8f2b7a4e55")
    }
}
