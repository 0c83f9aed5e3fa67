//! Shared set-up for the comparison benches: the same tokens and keys for every library.
//!
//! Keys and tokens are the seller-like fixtures of `fixtures/` (`fixtures/generate.py`): one
//! fresh RSA key per size whose private half was discarded, so `embed_product_key!` (which
//! refuses this repository's published test keys) accepts it, and a PS256 token (python
//! `cryptography`, salt 32) over the same header and claims as the `valid_*/cryptography`
//! case of that size in `../tests/fixtures/tokens.json`.
//!
//! Warm (`<lib>`): every library is given its key once, outside the timed loop, in whatever
//! prepared form its API allows. Cold (`cold/<lib>`): what a container pays once at
//! start-up, from the key bytes a seller embeds to a verified token, in every iteration.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use base64ct::{Base64UrlUnpadded, Encoding};
use register_usage_jwt::EmbeddedKey;
use serde::Deserialize;

/// Key sizes compared.
pub const BITS: [usize; 3] = [2048, 3072, 4096];

/// The product code every fixture token carries (key version 1).
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
    /// SubjectPublicKeyInfo DER.
    pub spki_der: Vec<u8>,
    /// PKCS#1 `RSAPublicKey` DER.
    pub pkcs1_der: Vec<u8>,
    /// The key as `embed_product_key!` embedded it.
    pub embedded: EmbeddedKey,
}

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// The seller-like keys as `embed_product_key!` embeds them (checked at compile time under
/// the production policy), for the `cold/ours-embedded` path.
pub fn embedded_key(bits: usize) -> EmbeddedKey {
    const KEY_2048: EmbeddedKey =
        register_usage_jwt_macros::embed_product_key!("fixtures/seller-rsa2048.pub.pem");
    const KEY_3072: EmbeddedKey =
        register_usage_jwt_macros::embed_product_key!("fixtures/seller-rsa3072.pub.pem");
    const KEY_4096: EmbeddedKey =
        register_usage_jwt_macros::embed_product_key!("fixtures/seller-rsa4096.pub.pem");
    match bits {
        2048 => KEY_2048,
        3072 => KEY_3072,
        4096 => KEY_4096,
        _ => panic!("no embedded key for {bits} bits"),
    }
}

impl Fixture {
    /// Loads the seller-like token and key for `bits`.
    pub fn load(bits: usize) -> Self {
        let dir = fixtures_dir();
        let json = std::fs::read_to_string(dir.join("seller-tokens.json")).unwrap();
        let mut tokens: std::collections::HashMap<String, String> =
            serde_json::from_str(&json).unwrap();
        let token = tokens.remove(&bits.to_string()).unwrap();
        let spki_pem =
            std::fs::read_to_string(dir.join(format!("seller-rsa{bits}.pub.pem"))).unwrap();
        let (signing_input, signature) = token.rsplit_once('.').unwrap();
        let signature = Base64UrlUnpadded::decode_vec(signature).unwrap();
        use rsa::pkcs1::EncodeRsaPublicKey;
        use rsa::pkcs8::{DecodePublicKey, EncodePublicKey};
        use rsa::traits::PublicKeyParts;
        let key = rsa::PublicKey::from_public_key_pem(&spki_pem).unwrap();
        assert_eq!(key.size() * 8, bits);
        let pkcs1_der = key.to_pkcs1_der().unwrap().as_bytes().to_vec();
        let spki_der = key.to_public_key_der().unwrap().as_bytes().to_vec();
        assert_eq!(
            spki_der,
            embedded_key(bits).der(),
            "the embedded key is the PEM's"
        );
        Self {
            bits,
            signing_input: signing_input.as_bytes().to_vec(),
            signature,
            token,
            spki_pem,
            spki_der,
            pkcs1_der,
            embedded: embedded_key(bits),
        }
    }
}

/// `ours`: this crate, full token verification with a prepared key.
pub mod ours {
    use register_usage_jwt::{Nonce, PublicKey, Verifier};

    pub fn verifier(f: &super::Fixture) -> Verifier {
        let key = PublicKey::from_pem(&f.spki_pem).unwrap();
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

/// The cold paths: each function starts from the key bytes a seller embeds (a `const` or
/// `include_str!`/`include_bytes!` in the binary) and ends with a verified token, so key
/// parsing and preparation are in every call. Each returns whether the token verified.
pub mod cold {
    use std::hint::black_box;

    use register_usage_jwt::{Nonce, PublicKey, Verifier};

    use super::Fixture;

    fn ours_verify(key: PublicKey, f: &Fixture) -> bool {
        let Ok(verifier) = Verifier::new(super::PRODUCT_CODE, [(1, key)]) else {
            return false;
        };
        let nonce = Nonce::new(super::NONCE).unwrap();
        verifier.verify(black_box(&f.token), 1, &nonce).is_ok()
    }

    /// `cold/ours-embedded`: `PublicKey::from_embedded` (the macro's output) +
    /// `Verifier::new` + `verify`.
    pub fn ours_embedded(f: &Fixture) -> bool {
        PublicKey::from_embedded(black_box(f.embedded)).is_ok_and(|key| ours_verify(key, f))
    }

    /// `cold/ours-pem`: `PublicKey::from_pem` (production policy) + `Verifier::new` + `verify`.
    pub fn ours_pem(f: &Fixture) -> bool {
        PublicKey::from_pem(black_box(&f.spki_pem)).is_ok_and(|key| ours_verify(key, f))
    }

    /// `cold/aws-lc-rs`: `ParsedPublicKey::new` from PKCS#1 DER + `verify_sig` (raw PSS).
    pub fn awslc(f: &Fixture) -> bool {
        use aws_lc_rs::signature::{ParsedPublicKey, RSA_PSS_2048_8192_SHA256};
        ParsedPublicKey::new(&RSA_PSS_2048_8192_SHA256, black_box(&f.pkcs1_der)).is_ok_and(|key| {
            key.verify_sig(black_box(&f.signing_input), &f.signature)
                .is_ok()
        })
    }

    /// `cold/ring`: `UnparsedPublicKey::verify` from PKCS#1 DER (ring parses in `verify`, so
    /// its warm and cold paths are the same work).
    pub fn ring(f: &Fixture) -> bool {
        use ring::signature::{RSA_PSS_2048_8192_SHA256, UnparsedPublicKey};
        UnparsedPublicKey::new(&RSA_PSS_2048_8192_SHA256, black_box(f.pkcs1_der.as_slice()))
            .verify(black_box(&f.signing_input), &f.signature)
            .is_ok()
    }

    /// `cold/rsa`: rsa 0.10 `PublicKey::from_public_key_pem` + PSS verify (raw PSS).
    pub fn rsa(f: &Fixture) -> bool {
        use rsa::pkcs8::DecodePublicKey;
        use rsa::pss::{Signature, VerifyingKey};
        use rsa::sha2::Sha256;
        use rsa::signature::Verifier as _;
        let Ok(key) = rsa::PublicKey::from_public_key_pem(black_box(&f.spki_pem)) else {
            return false;
        };
        let Ok(signature) = Signature::try_from(f.signature.as_slice()) else {
            return false;
        };
        VerifyingKey::<Sha256>::new(key)
            .verify(black_box(&f.signing_input), &signature)
            .is_ok()
    }

    /// `cold/jsonwebtoken-*`: `DecodingKey::from_rsa_pem` + `decode` under whichever
    /// provider the process installed.
    pub fn jwt(f: &Fixture) -> bool {
        let Ok(key) = jsonwebtoken::DecodingKey::from_rsa_pem(black_box(f.spki_pem.as_bytes()))
        else {
            return false;
        };
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::PS256);
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        validation.validate_aud = false;
        super::jwt::verify(&(key, validation), black_box(&f.token))
    }

    /// `cold/jwt-compact`: rsa 0.9 `RsaPublicKey::from_public_key_pem` + `Rsa::ps256()`
    /// validator.
    pub fn jwtcompact(f: &Fixture) -> bool {
        use rsa09::pkcs8::DecodePublicKey;
        let Ok(key) = rsa09::RsaPublicKey::from_public_key_pem(black_box(&f.spki_pem)) else {
            return false;
        };
        super::jwtcompact::verify(&(jwt_compact::alg::Rsa::ps256(), key), black_box(&f.token))
    }

    /// Every cold path of the process whose jsonwebtoken provider is aws-lc-rs (or, with
    /// `jwt_id` naming the RustCrypto provider, the ones that process runs).
    pub fn paths(jwt_id: &'static str) -> Vec<(&'static str, fn(&Fixture) -> bool)> {
        let jsonwebtoken: (&'static str, fn(&Fixture) -> bool) = (jwt_id, jwt);
        if jwt_id == "cold/jsonwebtoken-rust-crypto" {
            return vec![
                ("cold/ours-embedded", ours_embedded),
                ("cold/ours-pem", ours_pem),
                jsonwebtoken,
            ];
        }
        vec![
            ("cold/ours-embedded", ours_embedded),
            ("cold/ours-pem", ours_pem),
            ("cold/aws-lc-rs", awslc),
            ("cold/ring", ring),
            ("cold/rsa", rsa),
            jsonwebtoken,
            ("cold/jwt-compact", jwtcompact),
        ]
    }

    /// Checks that every cold path accepts the fixture and refuses a tampered signature.
    pub fn sanity_check(f: &Fixture, jwt_id: &'static str) {
        let (token, signature) = super::tampered(f);
        let bad = Fixture {
            token,
            signature,
            spki_pem: f.spki_pem.clone(),
            signing_input: f.signing_input.clone(),
            spki_der: f.spki_der.clone(),
            pkcs1_der: f.pkcs1_der.clone(),
            ..*f
        };
        for (id, path) in paths(jwt_id) {
            assert!(path(f), "{id} {} refused the fixture", f.bits);
            assert!(!path(&bad), "{id} {} accepted a tampered signature", f.bits);
        }
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
