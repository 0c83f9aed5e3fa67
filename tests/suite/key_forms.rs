//! The key-form corpus (`tests/fixtures/key-forms/`, written by its `generate.py` with
//! Python's `cryptography`): one TEST ONLY key in every form a seller may paste loads to the
//! same modulus, and every refused form is refused with the defect the corpus names. The CLI
//! runs the same corpus (`cli/tests/cli.rs`) and so does the macro (`macros/tests/embed_macro.rs`),
//! so the three cannot disagree.

use std::path::PathBuf;

use register_usage_jwt::{KeyEncoding, KeyForm, KeyPolicy, PublicKey, decode_key};
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn manifest() -> Value {
    let text = std::fs::read_to_string(root().join("tests/fixtures/key-forms/manifest.json"))
        .expect("manifest");
    serde_json::from_str(&text).expect("manifest JSON")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn form_name(form: KeyForm) -> &'static str {
    match form {
        KeyForm::Pem { .. } => "Pem",
        KeyForm::PemEscapedNewlines { .. } => "PemEscapedNewlines",
        KeyForm::Base64Der { .. } => "Base64Der",
        KeyForm::Der => "Der",
        _ => "unknown",
    }
}

#[test]
fn every_accepted_form_loads_the_same_modulus() {
    let manifest = manifest();
    let expected = manifest["modulus_sha256"].as_str().unwrap();
    let accepted = manifest["accepted"].as_array().unwrap();
    assert!(accepted.len() >= 10);
    for entry in accepted {
        let path = entry["path"].as_str().unwrap();
        let bytes = std::fs::read(root().join(path)).unwrap();
        let decoded = decode_key(&bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(form_name(decoded.form()), entry["form"], "{path}");
        let encoding = match decoded.encoding() {
            KeyEncoding::Spki => "Spki",
            KeyEncoding::Pkcs1 => "Pkcs1",
            _ => "unknown",
        };
        assert_eq!(encoding, entry["encoding"], "{path}");

        let key = PublicKey::from_der_with_policy(
            decoded.der(),
            KeyPolicy::DangerouslyAllowPublishedTestKeys,
        )
        .unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(hex(&key.fingerprint()), expected, "{path}");
        assert_eq!(key.bits(), 3072);

        // The text entry point takes every text form, and refuses this test key under the
        // production policy whatever its form.
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let key =
                PublicKey::from_pem_with_policy(text, KeyPolicy::DangerouslyAllowPublishedTestKeys)
                    .unwrap_or_else(|e| panic!("{path}: {e}"));
            assert_eq!(hex(&key.fingerprint()), expected, "{path}");
            assert_eq!(
                PublicKey::from_pem(text).unwrap_err().code(),
                "compromised_key",
                "{path}"
            );
        }
    }
}

#[test]
fn every_refused_form_names_its_defect() {
    let manifest = manifest();
    for entry in manifest["refused"].as_array().unwrap() {
        let path = entry["path"].as_str().unwrap();
        let bytes = std::fs::read(root().join(path)).unwrap();
        let defect = decode_key(&bytes).expect_err(path);
        let debug = format!("{defect:?}");
        let name = entry["defect"].as_str().unwrap();
        assert!(debug.starts_with(name), "{path}: {debug}, expected {name}");
        let message = defect.to_string();
        let words = entry["message"].as_str().unwrap();
        assert!(
            message.contains(words),
            "{path}: {message:?} lacks {words:?}"
        );
        if let Ok(text) = std::str::from_utf8(&bytes) {
            assert_eq!(
                PublicKey::from_pem_with_policy(text, KeyPolicy::DangerouslyAllowPublishedTestKeys)
                    .unwrap_err()
                    .code(),
                "invalid_key",
                "{path}"
            );
        }
    }
}

/// Every key in `keys/` decodes to the same DER as its PEM body, in each of its files.
#[test]
fn the_committed_keys_decode_as_before() {
    for name in [
        "test-only-rsa2048.pub.pem",
        "test-only-rsa2048.pub.pkcs1.pem",
        "test-only-rsa2048.pub.pss-noparams.pem",
        "test-only-rsa3072.pub.pem",
        "test-only-rsa4096.pub.pem",
        "test-only-rsapss2048-sha256-salt32.pub.pem",
        "test-only-rsapss2048-sha384-salt20.pub.pem",
        "test-only-rsa1024.pub.pem",
    ] {
        let text = std::fs::read_to_string(root().join("keys").join(name)).unwrap();
        let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
        let der = base64ct_decode(&body);
        let decoded = decode_key(text.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(decoded.der(), der.as_slice(), "{name}");
        assert!(matches!(decoded.form(), KeyForm::Pem { .. }), "{name}");
    }
    let der = std::fs::read(root().join("keys/test-only-rsa2048.pub.der")).unwrap();
    assert_eq!(decode_key(&der).unwrap().der(), der.as_slice());
}

fn base64ct_decode(text: &str) -> Vec<u8> {
    use base64ct::{Base64, Encoding};
    Base64::decode_vec(text).unwrap()
}
