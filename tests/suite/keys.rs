//! Key loading, key policy and verifier configuration.

use crate::common;
use common::*;
use register_usage_jwt::{
    ConfigError, KeyDefect, KeyFormDefect, KeyPolicy, KnownKey, MAX_KEY_VERSIONS, Nonce,
    NonceDefect, ProductCodeDefect, PublicKey, Verifier,
};

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn the_real_product_key_loads() {
    let key = PublicKey::from_pem(&read(
        "keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem",
    ))
    .unwrap();
    assert_eq!(key.bits(), 3072);
    assert_eq!(key.signature_len(), 384);
}

#[test]
fn the_aws_documentation_sample_key_is_refused_even_with_the_test_opt_in() {
    let pem = read("keys/aws-docs-sample-key-compromised.pem");
    for policy in [
        KeyPolicy::Production,
        KeyPolicy::DangerouslyAllowPublishedTestKeys,
    ] {
        let error = PublicKey::from_pem_with_policy(&pem, policy).unwrap_err();
        assert_eq!(
            error,
            ConfigError::CompromisedKey {
                key: KnownKey::AwsDocumentationSample
            }
        );
        assert_eq!(error.code(), "compromised_key");
    }
}

#[test]
fn every_key_in_keys_is_known_and_refused_in_production() {
    let mut checked = 0;
    for entry in std::fs::read_dir("keys").unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if !name.ends_with(".pub.pem") || name.contains("sha384-salt20") {
            continue; // (the SHA-384 PSS key is refused for its parameters first)
        }
        let pem = read(path.to_str().unwrap());
        assert_eq!(
            PublicKey::from_pem(&pem).unwrap_err(),
            ConfigError::CompromisedKey {
                key: KnownKey::CrateTestKey
            },
            "{name}"
        );
        checked += 1;
    }
    assert!(checked >= 6, "{checked}");
}

#[test]
fn the_test_opt_in_admits_test_keys_but_not_weak_ones() {
    let key = public_key("test-only-rsa2048");
    assert_eq!(key.bits(), 2048);
    let weak = read("keys/test-only-rsa1024.pub.pem");
    let error =
        PublicKey::from_pem_with_policy(&weak, KeyPolicy::DangerouslyAllowPublishedTestKeys)
            .unwrap_err();
    assert_eq!(
        error,
        ConfigError::WeakKey {
            bits: 1024,
            min: 2048
        }
    );
    assert_eq!(error.code(), "weak_key");
}

#[test]
fn every_encoding_of_one_key_loads_to_the_same_key() {
    let policy = KeyPolicy::DangerouslyAllowPublishedTestKeys;
    let spki =
        PublicKey::from_pem_with_policy(&read("keys/test-only-rsa2048.pub.pem"), policy).unwrap();
    let pkcs1 =
        PublicKey::from_pem_with_policy(&read("keys/test-only-rsa2048.pub.pkcs1.pem"), policy)
            .unwrap();
    let pss_no_params = PublicKey::from_pem_with_policy(
        &read("keys/test-only-rsa2048.pub.pss-noparams.pem"),
        policy,
    )
    .unwrap();
    let der = PublicKey::from_der_with_policy(
        &std::fs::read("keys/test-only-rsa2048.pub.der").unwrap(),
        policy,
    )
    .unwrap();
    for key in [&pkcs1, &pss_no_params, &der] {
        assert_eq!(key.fingerprint(), spki.fingerprint());
    }
    // The PKCS#1 DER inside the SPKI loads as DER too.
    let pkcs1_der = rsa::pkcs1::EncodeRsaPublicKey::to_pkcs1_der(&rsa::PublicKey::from(
        &private_key("test-only-rsa2048"),
    ))
    .unwrap();
    let from_pkcs1_der = PublicKey::from_der_with_policy(pkcs1_der.as_bytes(), policy).unwrap();
    assert_eq!(from_pkcs1_der.fingerprint(), spki.fingerprint());
}

#[test]
fn pss_parameters_must_say_ps256() {
    let policy = KeyPolicy::DangerouslyAllowPublishedTestKeys;
    let ok = PublicKey::from_pem_with_policy(
        &read("keys/test-only-rsapss2048-sha256-salt32.pub.pem"),
        policy,
    )
    .unwrap();
    assert_eq!(ok.bits(), 2048);
    assert_eq!(
        PublicKey::from_pem_with_policy(
            &read("keys/test-only-rsapss2048-sha384-salt20.pub.pem"),
            policy
        )
        .unwrap_err(),
        ConfigError::InvalidKey {
            defect: KeyDefect::PssParameters
        }
    );
}

#[test]
fn malformed_and_private_keys_are_invalid() {
    let invalid = |defect| ConfigError::InvalidKey { defect };
    let form = |defect| invalid(KeyDefect::Form { defect });
    assert_eq!(
        PublicKey::from_pem("").unwrap_err(),
        form(KeyFormDefect::Empty)
    );
    assert_eq!(
        PublicKey::from_pem("hello").unwrap_err(),
        form(KeyFormDefect::NotBase64)
    );
    let private = PublicKey::from_pem(&read("keys/test-only-rsa2048.key.pem")).unwrap_err();
    assert_eq!(private, form(KeyFormDefect::PrivateKey));
    assert!(
        private.to_string().contains("use the public key"),
        "{private}"
    );
    let certificate = read("keys/test-only-rsa2048.pub.pem").replace("PUBLIC KEY", "CERTIFICATE");
    let refused = PublicKey::from_pem(&certificate).unwrap_err();
    assert!(
        matches!(
            refused,
            ConfigError::InvalidKey {
                defect: KeyDefect::Form {
                    defect: KeyFormDefect::Certificate | KeyFormDefect::PemLabelMismatch { .. }
                }
            }
        ),
        "{refused:?}"
    );
    assert_eq!(
        PublicKey::from_der(&[]).unwrap_err(),
        invalid(KeyDefect::Der)
    );
    assert_eq!(
        PublicKey::from_der(&[0x30, 0x00]).unwrap_err(),
        invalid(KeyDefect::Der)
    );
    let mut truncated = std::fs::read("keys/test-only-rsa2048.pub.der").unwrap();
    truncated.pop();
    assert_eq!(
        PublicKey::from_der(&truncated).unwrap_err(),
        invalid(KeyDefect::Der)
    );
    assert_eq!(invalid(KeyDefect::Der).code(), "invalid_key");
}

#[test]
fn modulus_and_exponent_bounds() {
    let invalid = |defect| ConfigError::InvalidKey { defect };
    let mut odd_4097 = vec![0xffu8; 513];
    odd_4097[0] = 0x01;
    assert_eq!(
        PublicKey::from_der(&pkcs1_der(&odd_4097, &[1, 0, 1])).unwrap_err(),
        invalid(KeyDefect::TooLarge { bits: 4097 })
    );
    let odd_4096 = vec![0xffu8; 512];
    assert_eq!(
        PublicKey::from_der(&pkcs1_der(&odd_4096, &[1, 0, 1]))
            .unwrap()
            .bits(),
        4096
    );
    let odd_2047 = {
        let mut m = vec![0xffu8; 256];
        m[0] = 0x7f;
        m
    };
    assert_eq!(
        PublicKey::from_der(&pkcs1_der(&odd_2047, &[1, 0, 1])).unwrap_err(),
        ConfigError::WeakKey {
            bits: 2047,
            min: 2048
        }
    );
    let odd_2048 = vec![0xffu8; 256];
    for exponent in [
        &[1u8][..],
        &[2],
        &[1, 0, 0],
        &[2, 0, 0, 0, 1],
        &[1, 0, 0, 0, 0, 0, 0, 0, 1],
    ] {
        assert_eq!(
            PublicKey::from_der(&pkcs1_der(&odd_2048, exponent)).unwrap_err(),
            invalid(KeyDefect::Exponent),
            "{exponent:?}"
        );
    }
    assert_eq!(
        PublicKey::from_der(&pkcs1_der(&odd_2048, &[3]))
            .unwrap()
            .bits(),
        2048
    );
    let mut even = vec![0xffu8; 256];
    even[255] = 0xfe;
    assert_eq!(
        PublicKey::from_der(&pkcs1_der(&even, &[1, 0, 1])).unwrap_err(),
        invalid(KeyDefect::Modulus)
    );
}

#[test]
fn product_codes() {
    let key = || public_key("test-only-rsa2048");
    let invalid = |defect| ConfigError::InvalidProductCode { defect };
    assert_eq!(
        Verifier::new("", [(1, key())]).unwrap_err(),
        invalid(ProductCodeDefect::Empty)
    );
    assert_eq!(
        Verifier::new("abc def", [(1, key())]).unwrap_err(),
        invalid(ProductCodeDefect::Character { offset: 3 })
    );
    assert_eq!(
        Verifier::new("é", [(1, key())]).unwrap_err(),
        invalid(ProductCodeDefect::Character { offset: 0 })
    );
    assert_eq!(
        Verifier::new(&"a".repeat(256), [(1, key())]).unwrap_err(),
        invalid(ProductCodeDefect::TooLong { len: 256 })
    );
    assert!(Verifier::new(&"a".repeat(255), [(1, key())]).is_ok());
    assert!(Verifier::new("Az09-/=:_.@", [(1, key())]).is_ok());
    assert_eq!(
        invalid(ProductCodeDefect::Empty).code(),
        "invalid_product_code"
    );
}

#[test]
fn nonces() {
    let invalid = |defect| ConfigError::InvalidNonce { defect };
    assert_eq!(Nonce::new("").unwrap_err(), invalid(NonceDefect::Empty));
    assert_eq!(
        Nonce::new(&"n".repeat(256)).unwrap_err(),
        invalid(NonceDefect::TooLong { chars: 256 })
    );
    let longest = "😀".repeat(255);
    assert_eq!(longest.len(), 1020);
    assert_eq!(Nonce::new(&longest).unwrap().as_str(), longest);
    assert_eq!(invalid(NonceDefect::Empty).code(), "invalid_nonce");
}

#[test]
fn key_versions() {
    let key = || public_key("test-only-rsa2048");
    assert_eq!(
        Verifier::new(PRODUCT_CODE, [(0, key())]).unwrap_err(),
        ConfigError::InvalidKeyVersion { version: 0 }
    );
    assert_eq!(
        Verifier::new(PRODUCT_CODE, [(2, key()), (2, key())]).unwrap_err(),
        ConfigError::DuplicateKeyVersion { version: 2 }
    );
    assert_eq!(
        Verifier::new(PRODUCT_CODE, Vec::new()).unwrap_err(),
        ConfigError::KeyCount { found: 0 }
    );
    let too_many = (1..=MAX_KEY_VERSIONS as u32 + 1).map(|v| (v, key()));
    assert_eq!(
        Verifier::new(PRODUCT_CODE, too_many).unwrap_err(),
        ConfigError::KeyCount {
            found: MAX_KEY_VERSIONS + 1
        }
    );
    let verifier = Verifier::new(PRODUCT_CODE, [(1, key()), (7, key())]).unwrap();
    assert_eq!(verifier.key_versions().collect::<Vec<_>>(), [1, 7]);
    assert_eq!(verifier.product_code(), PRODUCT_CODE);
}

#[test]
fn configuration_messages_say_what_to_do() {
    let errors = [
        PublicKey::from_pem("x").unwrap_err(),
        ConfigError::WeakKey {
            bits: 1024,
            min: 2048,
        },
        ConfigError::CompromisedKey {
            key: KnownKey::AwsDocumentationSample,
        },
        ConfigError::CompromisedKey {
            key: KnownKey::CrateTestKey,
        },
        Verifier::new("", [(1, public_key("test-only-rsa2048"))]).unwrap_err(),
        Nonce::new("").unwrap_err(),
    ];
    for error in errors {
        assert!(error.to_string().len() > 40, "{error}");
    }
}

#[test]
fn public_types_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<register_usage_jwt::Verifier>();
    send_sync::<register_usage_jwt::PublicKey>();
    send_sync::<register_usage_jwt::Registration>();
    send_sync::<register_usage_jwt::Error>();
    send_sync::<register_usage_jwt::ConfigError>();
    send_sync::<register_usage_jwt::EmbeddedKey>();
    send_sync::<register_usage_jwt::RandomNonce>();
    send_sync::<register_usage_jwt::Nonce<'static>>();
}
