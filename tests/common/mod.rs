//! Minting tokens with the crate's published test keys, for tests only.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation
)]

use base64ct::{Base64UrlUnpadded, Encoding};
use register_usage_jwt::{KeyPolicy, PublicKey, Verifier};
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{RandomizedSigner, SignatureEncoding};
use sha2::{Digest, Sha256};

pub const PRODUCT_CODE: &str = "1fszvu527waovqeuhpkyx2b5d";
pub const NONCE: &str = "3f1e5a0c-6b7d-4e2a-9c31-0d8f2b7a4e55";
pub const HEADER: &str = r#"{"alg":"PS256","typ":"JWT"}"#;

pub fn private_key(stem: &str) -> rsa::PrivateKey {
    let pem = std::fs::read_to_string(format!("keys/{stem}.key.pem")).unwrap();
    rsa::PrivateKey::from_pkcs8_pem(&pem).unwrap()
}

pub fn public_key(stem: &str) -> PublicKey {
    let pem = std::fs::read_to_string(format!("keys/{stem}.pub.pem")).unwrap();
    PublicKey::from_pem_with_policy(&pem, KeyPolicy::DangerouslyAllowPublishedTestKeys).unwrap()
}

pub fn b64(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

/// SHA-256 in counter mode, seeded by the signing input: deterministic salts, so every
/// test run mints the same tokens.
struct DetRng {
    seed: [u8; 32],
    counter: u64,
}

impl DetRng {
    fn new(seed: &[u8]) -> Self {
        Self {
            seed: Sha256::digest(seed).into(),
            counter: 0,
        }
    }

    fn block(&mut self) -> [u8; 32] {
        self.counter += 1;
        Sha256::new()
            .chain_update(self.seed)
            .chain_update(self.counter.to_be_bytes())
            .finalize()
            .into()
    }
}

impl rsa::rand_core::TryRng for DetRng {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let b = self.block();
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let b = self.block();
        Ok(u64::from_be_bytes(b[..8].try_into().unwrap()))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for chunk in dst.chunks_mut(32) {
            let b = self.block();
            chunk.copy_from_slice(&b[..chunk.len()]);
        }
        Ok(())
    }
}

impl rsa::rand_core::TryCryptoRng for DetRng {}

/// A PS256 token over the given header and payload JSON, with a salt of `salt_len` bytes.
pub fn mint_with_salt(stem: &str, header: &str, payload: &str, salt_len: usize) -> String {
    let signing_input = format!("{}.{}", b64(header.as_bytes()), b64(payload.as_bytes()));
    let key = rsa::pss::SigningKey::<Sha256>::new_with_salt_len(private_key(stem), salt_len);
    let signature = key
        .try_sign_with_rng(
            &mut DetRng::new(signing_input.as_bytes()),
            signing_input.as_bytes(),
        )
        .unwrap()
        .to_vec();
    format!("{signing_input}.{}", b64(&signature))
}

pub fn mint(stem: &str, header: &str, payload: &str) -> String {
    mint_with_salt(stem, header, payload, 32)
}

/// The RegisterUsage payload for the default product, version and nonce.
pub fn payload() -> String {
    format!(r#"{{"ProductCode":"{PRODUCT_CODE}","PublicKeyVersion":1,"Nonce":"{NONCE}"}}"#)
}

pub fn verifier() -> Verifier {
    Verifier::new(PRODUCT_CODE, [(1, public_key("test-only-rsa2048"))]).unwrap()
}
