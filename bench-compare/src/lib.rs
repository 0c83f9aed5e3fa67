//! Shared set-up for the comparison benches: the same tokens and keys for every library.
//!
//! Tokens are the `valid_*/cryptography` cases of `../tests/fixtures/tokens.json` (minted by
//! python `cryptography`, PS256, salt 32), one per key size. Every library is given its key
//! once, outside the timed loop, in whatever prepared form its API allows.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use base64ct::{Base64UrlUnpadded, Encoding};
use serde::Deserialize;

/// Key sizes compared.
pub const BITS: [usize; 3] = [2048, 3072, 4096];

/// The product code, key version and nonce every fixture token carries.
pub const PRODUCT_CODE: &str = "1fszvu527waovqeuhpkyx2b5d";
/// The nonce every fixture token carries.
pub const NONCE: &str = "3f1e5a0c-6b7d-4e2a-9c31-0d8f2b7a4e55";

/// The claims, for the libraries that deserialize them into a type (either spelling;
/// the 3072-bit fixture uses camelCase with `iat`, the others PascalCase).
#[derive(Debug, Deserialize)]
pub struct RegisterUsageClaims {
    #[serde(rename = "ProductCode", alias = "productCode")]
    pub product_code: String,
    #[serde(rename = "PublicKeyVersion", alias = "publicKeyVersion")]
    pub public_key_version: u32,
    #[serde(rename = "Nonce", alias = "nonce", default)]
    pub nonce: Option<String>,
    #[serde(rename = "PublicKeyRotationTimestamp", default)]
    pub rotation: Option<f64>,
}

/// One token and its key, in every form the libraries take.
pub struct Fixture {
    pub bits: usize,
    pub token: String,
    /// `BASE64URL(header) '.' BASE64URL(payload)`.
    pub signing_input: Vec<u8>,
    /// The decoded signature.
    pub signature: Vec<u8>,
    /// `BEGIN PUBLIC KEY` PEM (SubjectPublicKeyInfo).
    pub spki_pem: String,
    /// PKCS#1 `RSAPublicKey` DER.
    pub pkcs1_der: Vec<u8>,
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn case_name(bits: usize) -> &'static str {
    match bits {
        2048 => "valid_pascal_api_reference/cryptography",
        3072 => "valid_rsa3072/cryptography",
        4096 => "valid_rsa4096/cryptography",
        _ => panic!("no fixture for {bits} bits"),
    }
}

#[derive(Deserialize)]
struct Fixtures {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    key: String,
    token: String,
}

impl Fixture {
    /// Loads the fixture token and key for `bits`.
    pub fn load(bits: usize) -> Self {
        let root = repo_root();
        let json = std::fs::read_to_string(root.join("tests/fixtures/tokens.json")).unwrap();
        let fixtures: Fixtures = serde_json::from_str(&json).unwrap();
        let case = fixtures
            .cases
            .into_iter()
            .find(|c| c.name == case_name(bits))
            .unwrap();
        assert_eq!(case.key, format!("test-only-rsa{bits}"));
        let spki_pem =
            std::fs::read_to_string(root.join(format!("keys/{}.pub.pem", case.key))).unwrap();
        let (signing_input, signature) = case.token.rsplit_once('.').unwrap();
        let signature = Base64UrlUnpadded::decode_vec(signature).unwrap();
        use rsa::pkcs1::EncodeRsaPublicKey;
        use rsa::pkcs8::DecodePublicKey;
        let pkcs1_der = rsa::PublicKey::from_public_key_pem(&spki_pem)
            .unwrap()
            .to_pkcs1_der()
            .unwrap()
            .as_bytes()
            .to_vec();
        Self {
            bits,
            signing_input: signing_input.as_bytes().to_vec(),
            signature,
            token: case.token,
            spki_pem,
            pkcs1_der,
        }
    }
}

/// `ours`: this crate, full token verification with a prepared key.
pub mod ours {
    use register_usage_jwt::{KeyPolicy, Nonce, PublicKey, Verifier};

    pub fn verifier(f: &super::Fixture) -> Verifier {
        let key = PublicKey::from_pem_with_policy(
            &f.spki_pem,
            KeyPolicy::DangerouslyAllowPublishedTestKeys,
        )
        .unwrap();
        Verifier::new(super::PRODUCT_CODE, [(1, key)]).unwrap()
    }

    pub fn verify(v: &Verifier, token: &str) -> bool {
        let nonce = Nonce::new(super::NONCE).unwrap();
        v.verify(token, 1, &nonce).is_ok()
    }
}

/// `rsa`: rsa 0.10 `pss::VerifyingKey<Sha256>` over the signing input, key parsed once.
pub mod rsa010 {
    use rsa::pss::{Signature, VerifyingKey};
    use rsa::sha2::Sha256;
    use rsa::signature::Verifier as _;

    pub fn key(f: &super::Fixture) -> VerifyingKey<Sha256> {
        use rsa::pkcs8::DecodePublicKey;
        VerifyingKey::new(rsa::PublicKey::from_public_key_pem(&f.spki_pem).unwrap())
    }

    pub fn signature(f: &super::Fixture) -> Signature {
        Signature::try_from(f.signature.as_slice()).unwrap()
    }

    pub fn verify(key: &VerifyingKey<Sha256>, msg: &[u8], sig: &Signature) -> bool {
        key.verify(msg, sig).is_ok()
    }
}

/// `aws-lc-rs`: raw PSS verify with a `ParsedPublicKey` (parsed once).
pub mod awslc {
    use aws_lc_rs::signature::{ParsedPublicKey, RSA_PSS_2048_8192_SHA256};

    pub fn key(f: &super::Fixture) -> ParsedPublicKey {
        ParsedPublicKey::new(&RSA_PSS_2048_8192_SHA256, &f.pkcs1_der).unwrap()
    }

    pub fn verify(key: &ParsedPublicKey, msg: &[u8], sig: &[u8]) -> bool {
        key.verify_sig(msg, sig).is_ok()
    }
}

/// `ring`: raw PSS verify; ring has no parsed-key type, so `UnparsedPublicKey::verify`
/// parses the PKCS#1 key on every call.
pub mod ring_ {
    use ring::signature::{RSA_PSS_2048_8192_SHA256, UnparsedPublicKey};

    pub fn key(f: &super::Fixture) -> UnparsedPublicKey<Vec<u8>> {
        UnparsedPublicKey::new(&RSA_PSS_2048_8192_SHA256, f.pkcs1_der.clone())
    }

    pub fn verify(key: &UnparsedPublicKey<Vec<u8>>, msg: &[u8], sig: &[u8]) -> bool {
        key.verify(msg, sig).is_ok()
    }
}

/// `jsonwebtoken-*`: jsonwebtoken 11 `decode` with PS256 only and no registered claims
/// required. The provider is process-wide: call [`jwt::install`] once per bench binary.
pub mod jwt {
    use jsonwebtoken::crypto::CryptoProvider;
    use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode};

    pub enum Provider {
        AwsLc,
        RustCrypto,
    }

    /// Installs the process-wide provider; panics if another one is already installed.
    pub fn install(provider: Provider) {
        let p: &'static CryptoProvider = match provider {
            Provider::AwsLc => &jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER,
            Provider::RustCrypto => &jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER,
        };
        p.install_default().ok().unwrap();
    }

    pub fn key(f: &super::Fixture) -> (DecodingKey, Validation) {
        let key = DecodingKey::from_rsa_pem(f.spki_pem.as_bytes()).unwrap();
        let mut validation = Validation::new(Algorithm::PS256);
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        validation.validate_aud = false;
        (key, validation)
    }

    pub fn verify(key: &(DecodingKey, Validation), token: &str) -> bool {
        decode::<super::RegisterUsageClaims>(token, &key.0, &key.1).is_ok_and(|t| {
            t.claims.product_code == super::PRODUCT_CODE && t.claims.public_key_version == 1
        })
    }
}

/// `jwt-compact`: jwt-compact 0.8 `Rsa::ps256()` validator (rsa 0.9 key, parsed once).
pub mod jwtcompact {
    use jwt_compact::alg::Rsa;
    use jwt_compact::{AlgorithmExt, UntrustedToken};
    use rsa09::RsaPublicKey;

    pub fn key(f: &super::Fixture) -> (Rsa, RsaPublicKey) {
        use rsa09::pkcs8::DecodePublicKey;
        (
            Rsa::ps256(),
            RsaPublicKey::from_public_key_pem(&f.spki_pem).unwrap(),
        )
    }

    pub fn verify(key: &(Rsa, RsaPublicKey), token: &str) -> bool {
        let Ok(untrusted) = UntrustedToken::new(token) else {
            return false;
        };
        key.0
            .validator::<super::RegisterUsageClaims>(&key.1)
            .validate(&untrusted)
            .is_ok_and(|t| t.claims().custom.product_code == super::PRODUCT_CODE)
    }
}

/// A copy of `f.token` with one bit of the signature flipped.
pub fn tampered(f: &Fixture) -> (String, Vec<u8>) {
    let mut sig = f.signature.clone();
    let mid = sig.len() / 2;
    sig[mid] ^= 1;
    let token = format!(
        "{}.{}",
        std::str::from_utf8(&f.signing_input).unwrap(),
        Base64UrlUnpadded::encode_string(&sig)
    );
    (token, sig)
}

/// Checks that every library accepts the fixture and rejects a tampered signature, so the
/// benches time real verifications. `jsonwebtoken` is checked under whichever provider the
/// caller installed.
pub fn sanity_check(f: &Fixture, check_jwt: bool) {
    let (bad_token, bad_sig) = tampered(f);
    let ours = ours::verifier(f);
    assert!(ours::verify(&ours, &f.token), "ours {}", f.bits);
    assert!(!ours::verify(&ours, &bad_token));
    let k = rsa010::key(f);
    assert!(rsa010::verify(&k, &f.signing_input, &rsa010::signature(f)));
    let bad = rsa::pss::Signature::try_from(bad_sig.as_slice()).unwrap();
    assert!(!rsa010::verify(&k, &f.signing_input, &bad));
    let k = awslc::key(f);
    assert!(awslc::verify(&k, &f.signing_input, &f.signature));
    assert!(!awslc::verify(&k, &f.signing_input, &bad_sig));
    let k = ring_::key(f);
    assert!(ring_::verify(&k, &f.signing_input, &f.signature));
    assert!(!ring_::verify(&k, &f.signing_input, &bad_sig));
    let k = jwtcompact::key(f);
    assert!(jwtcompact::verify(&k, &f.token), "jwt-compact {}", f.bits);
    assert!(!jwtcompact::verify(&k, &bad_token));
    if check_jwt {
        let k = jwt::key(f);
        assert!(jwt::verify(&k, &f.token), "jsonwebtoken {}", f.bits);
        assert!(!jwt::verify(&k, &bad_token));
    }
}
