//! PS256 under moduli that do not fill their size class or a whole byte: 2049 and 3073 bits
//! (one bit past a class, so `emLen = k - 1` and I2OSP's length check decides), 2056 and
//! 4095 bits. Fixtures from python `cryptography` (`tests/fixtures/odd_size_pss.py`); every
//! verdict is also checked against `rsa::pss::VerifyingKey<Sha256>`.

use register_usage_jwt::fuzzing::verify_pss;
use register_usage_jwt::{PublicKey, SignatureDefect};
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier as _;
use serde::Deserialize;

#[derive(Deserialize)]
struct Fixtures {
    keys: Vec<Key>,
}

#[derive(Deserialize)]
struct Key {
    bits: usize,
    spki_der: String,
    signatures: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    what: String,
    message: String,
    sig: String,
    valid: bool,
}

#[test]
fn odd_sized_moduli_verify_like_rsa() {
    let fixtures: Fixtures =
        serde_json::from_str(&std::fs::read_to_string("tests/fixtures/odd_size_pss.json").unwrap())
            .unwrap();
    let mut sizes = Vec::new();
    let mut i2osp_cases = 0;
    for key in &fixtures.keys {
        let der = hex::decode(&key.spki_der).unwrap();
        let ours = PublicKey::from_der(&der).unwrap();
        assert_eq!(ours.bits(), key.bits);
        let reference = rsa::pss::VerifyingKey::<sha2::Sha256>::new(
            rsa::PublicKey::from_public_key_der(&der).unwrap(),
        );
        for case in &key.signatures {
            let message = hex::decode(&case.message).unwrap();
            let sig = hex::decode(&case.sig).unwrap();
            let ours_result = verify_pss(&ours, &message, &sig);
            let reference_ok = reference
                .verify(
                    &message,
                    &rsa::pss::Signature::try_from(sig.as_slice()).unwrap(),
                )
                .is_ok();
            assert_eq!(
                ours_result.is_ok(),
                case.valid,
                "{} bits, {}: {ours_result:?}",
                key.bits,
                case.what
            );
            assert_eq!(
                reference_ok, case.valid,
                "rsa at {} bits, {}",
                key.bits, case.what
            );
            if case.what.starts_with("I2OSP") {
                // Its low emLen bytes are a genuine encoding (the next case accepts it), so
                // only the I2OSP length check can refuse it.
                assert_eq!(ours_result, Err(SignatureDefect::Mismatch));
                i2osp_cases += 1;
            }
        }
        sizes.push(key.bits);
    }
    assert_eq!(sizes, [2049, 2056, 3073, 4095]);
    assert_eq!(i2osp_cases, 2);
}
