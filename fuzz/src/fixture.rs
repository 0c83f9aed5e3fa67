//! The test keys, the fixed verifier, and the reference PS256 signer and verifier (`rsa`,
//! with test-support's deterministic RNG).

use std::sync::OnceLock;

use base64ct::{Base64UrlUnpadded, Encoding};
use register_usage_jwt::{KeyPolicy, Nonce, PublicKey, Verifier};
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::RandomizedSigner;
use sha2::Sha256;

/// The product code the fixed verifier is configured with.
pub const PRODUCT_CODE: &str = "1fszvu527waovqeuhpkyx2b5d";
/// The nonce the fixed verifier expects (the one in `tests/fixtures/tokens.json`).
pub const NONCE: &str = "3f1e5a0c-6b7d-4e2a-9c31-0d8f2b7a4e55";

/// The three test key sizes, configured under key versions 1, 2 and 3 in this order.
pub const KEY_STEMS: [&str; 3] = [
    "test-only-rsa2048",
    "test-only-rsa3072",
    "test-only-rsa4096",
];

const PUBLIC_PEMS: [&str; 3] = [
    include_str!("../../keys/test-only-rsa2048.pub.pem"),
    include_str!("../../keys/test-only-rsa3072.pub.pem"),
    include_str!("../../keys/test-only-rsa4096.pub.pem"),
];
const PRIVATE_PEMS: [&str; 3] = [
    include_str!("../../keys/test-only-rsa2048.key.pem"),
    include_str!("../../keys/test-only-rsa3072.key.pem"),
    include_str!("../../keys/test-only-rsa4096.key.pem"),
];

/// One test key in every form the targets need.
pub struct TestKey {
    /// The crate's prepared key.
    pub ours: PublicKey,
    /// `rsa`'s public key (the reference verifier).
    pub reference: rsa::PublicKey,
    /// `rsa`'s private key (the reference signer).
    pub private: rsa::PrivateKey,
}

/// The three test keys (2048, 3072, 4096), parsed once.
pub fn keys() -> &'static [TestKey; 3] {
    static KEYS: OnceLock<[TestKey; 3]> = OnceLock::new();
    KEYS.get_or_init(|| {
        core::array::from_fn(|i| {
            let ours = PublicKey::from_pem_with_policy(
                PUBLIC_PEMS[i],
                KeyPolicy::DangerouslyAllowPublishedTestKeys,
            )
            .expect("test public key");
            let private =
                rsa::PrivateKey::from_pkcs8_pem(PRIVATE_PEMS[i]).expect("test private key");
            let reference = private.to_public_key();
            TestKey {
                ours,
                reference,
                private,
            }
        })
    })
}

/// The fixed verifier: product `PRODUCT_CODE`, the 2048/3072/4096 test keys as versions 1/2/3.
pub fn verifier() -> &'static Verifier {
    static VERIFIER: OnceLock<Verifier> = OnceLock::new();
    VERIFIER.get_or_init(|| {
        let keys = keys();
        Verifier::new(
            PRODUCT_CODE,
            [
                (1, keys[0].ours.clone()),
                (2, keys[1].ours.clone()),
                (3, keys[2].ours.clone()),
            ],
        )
        .expect("verifier")
    })
}

/// The fixed nonce.
pub fn nonce() -> Nonce<'static> {
    Nonce::new(NONCE).expect("nonce")
}

/// The deterministic RNG of the tests (SHA-256 in counter mode), so the reference signer
/// needs no OS randomness and every input replays exactly.
pub use register_usage_jwt_test_support::DetRng;

/// Signs `message` with PS256 (salt `salt_len`) under test key `index`; `None` when `rsa`
/// refuses the salt length.
pub fn sign_pss(index: usize, message: &[u8], salt_len: usize, seed: &[u8]) -> Option<Vec<u8>> {
    let key =
        rsa::pss::SigningKey::<Sha256>::new_with_salt_len(keys()[index].private.clone(), salt_len);
    let mut rng = DetRng::new(seed);
    let signature = key.try_sign_with_rng(&mut rng, message).ok()?;
    Some(rsa::signature::SignatureEncoding::to_vec(&signature))
}

/// A compact PS256 token over `header` and `payload` (raw JSON bytes), signed with test key
/// `index`.
pub fn mint(index: usize, header: &[u8], payload: &[u8], seed: &[u8]) -> String {
    let signing_input = format!(
        "{}.{}",
        Base64UrlUnpadded::encode_string(header),
        Base64UrlUnpadded::encode_string(payload)
    );
    let signature = sign_pss(index, signing_input.as_bytes(), 32, seed).expect("sign");
    format!(
        "{signing_input}.{}",
        Base64UrlUnpadded::encode_string(&signature)
    )
}

/// The reference verdict of `rsa::pss::VerifyingKey::<Sha256>::new` (salt length 32).
pub fn reference_verify(index: usize, message: &[u8], signature: &[u8]) -> bool {
    use rsa::signature::Verifier as _;
    let verifying_key = rsa::pss::VerifyingKey::<Sha256>::new(keys()[index].reference.clone());
    match rsa::pss::Signature::try_from(signature) {
        Ok(signature) => verifying_key.verify(message, &signature).is_ok(),
        Err(_) => false,
    }
}
