//! What this program trusts: its product code and its product keys, compiled in.
//!
//! Nothing here is read at run time. No argument, environment variable or file can name
//! another key, another product or a weaker key policy, so whoever controls the container's
//! command line, environment, files or network cannot make the check accept their own
//! tokens: they would need AWS Marketplace's private key for one of these versions.

use register_usage_jwt::{EmbeddedKey, PublicKey, Verifier, embed_product_key};
use register_usage_startup_example::NotEntitled;

/// Your AWS Marketplace product code.
///
/// REPLACE with yours. `1fszvu527waovqeuhpkyx2b5d` is the product whose version 1 key is
/// embedded below (a real product key that a public integration publishes); here it is a
/// placeholder.
const PRODUCT_CODE: &str = "1fszvu527waovqeuhpkyx2b5d";

/// The product keys this program trusts, by key version, each checked when the program
/// compiles: `embed_product_key!` fails the build for a malformed or weak key, AWS's
/// documentation sample key or a published test key.
///
/// REPLACE the placeholder with your product's key, saved in your own repository as AWS
/// Marketplace gives it (the Management Portal, `register-usage-jwt key fetch --product-id ID
/// --out keys/`, or the Catalog API's `SignatureVerificationKeys`), for example
/// `embed_product_key!("keys/product-<code>-v1.pem")` (relative to your `Cargo.toml`).
///
/// When AWS Marketplace issues a new key version, add its file and one line; the program
/// sends the newest version listed here:
///
/// ```text
/// (2, embed_product_key!("keys/product-<code>-v2.pem")),
/// ```
const PRODUCT_KEYS: &[(u32, EmbeddedKey)] = &[
    // REPLACE: the placeholder product key, version 1. It is this repository's one copy of
    // another product's real key (keys/); a seller keeps theirs in their own repository.
    (
        1,
        embed_product_key!("../../keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem"),
    ),
];

/// The verifier for this product, from the compiled-in code and keys.
pub fn verifier() -> Result<Verifier, NotEntitled> {
    let keys = PRODUCT_KEYS
        .iter()
        .map(|(version, key)| Ok((*version, PublicKey::from_embedded(*key)?)))
        .collect::<Result<Vec<_>, register_usage_jwt::ConfigError>>()
        .map_err(NotEntitled::configuration)?;
    Verifier::new(PRODUCT_CODE, keys).map_err(NotEntitled::configuration)
}
