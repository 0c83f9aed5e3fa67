//! Project Wycheproof RSA-PSS and RSA PKCS#1 v1.5 vectors (vendored under
//! `tests/vectors/wycheproof/`, Apache-2.0), run through the crate's own PSS path and, for
//! every case, through `rsa::pss::VerifyingKey<Sha256>` as the reference: the two verdicts
//! must agree everywhere.

use register_usage_jwt::PublicKey;
use register_usage_jwt::fuzzing::verify_pss;
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier as _;
use serde::Deserialize;

#[derive(Deserialize)]
struct File {
    #[serde(rename = "testGroups")]
    groups: Vec<Group>,
}

#[derive(Deserialize)]
struct Group {
    #[serde(rename = "keySize")]
    key_size: usize,
    sha: String,
    #[serde(rename = "mgfSha")]
    mgf_sha: Option<String>,
    #[serde(rename = "sLen")]
    salt_len: Option<usize>,
    #[serde(rename = "publicKeyDer")]
    der: String,
    tests: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    #[serde(rename = "tcId")]
    id: u32,
    comment: String,
    msg: String,
    sig: String,
    result: String,
}

/// What a strict PS256 verifier must conclude for one case of a group.
enum Expect {
    /// PS256 parameters: Wycheproof's verdict.
    Wycheproof,
    /// Other parameters or another scheme: every signature is rejected, except the listed
    /// cases, which Wycheproof built as genuine PS256 signatures to catch verifiers that
    /// accept the wrong primitive or salt length; a strict PS256 verifier accepts exactly
    /// those (and `rsa` agrees, as checked for every case).
    RejectAllExcept(&'static [u32]),
}

struct Counts {
    accepted: usize,
    rejected: usize,
}

fn run(file: &str, expect: impl Fn(&Group) -> Expect) -> Counts {
    let path = format!("tests/vectors/wycheproof/{file}");
    let file: File = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let mut counts = Counts {
        accepted: 0,
        rejected: 0,
    };
    for group in &file.groups {
        let der = hex::decode(&group.der).unwrap();
        let ours = PublicKey::from_der(&der)
            .unwrap_or_else(|e| panic!("{path}: key of {} bits refused: {e}", group.key_size));
        assert_eq!(ours.bits(), group.key_size);
        // The reference reads the key without PSS parameters (it refuses them), so give it
        // the modulus and exponent through a plain rsaEncryption SPKI.
        let reference = reference_key(&der);
        let reference = rsa::pss::VerifyingKey::<sha2::Sha256>::new(reference);
        let rule = expect(group);
        for case in &group.tests {
            let msg = hex::decode(&case.msg).unwrap();
            let sig = hex::decode(&case.sig).unwrap();
            let ours_ok = verify_pss(&ours, &msg, &sig).is_ok();
            let reference_ok = rsa::pss::Signature::try_from(sig.as_slice())
                .map(|s| reference.verify(&msg, &s).is_ok())
                .unwrap_or(false);
            let expected = match rule {
                Expect::Wycheproof => match case.result.as_str() {
                    "valid" => true,
                    "invalid" => false,
                    other => panic!("tcId {}: unexpected result {other}", case.id),
                },
                Expect::RejectAllExcept(ps256_cases) => ps256_cases.contains(&case.id),
            };
            assert_eq!(
                ours_ok, expected,
                "{path} tcId {} ({}): ours {ours_ok}, expected {expected}",
                case.id, case.comment
            );
            assert_eq!(
                ours_ok, reference_ok,
                "{path} tcId {} ({}): ours {ours_ok}, rsa {reference_ok}",
                case.id, case.comment
            );
            if ours_ok {
                counts.accepted += 1;
            } else {
                counts.rejected += 1;
            }
        }
    }
    counts
}

fn reference_key(spki_der: &[u8]) -> rsa::PublicKey {
    use rsa::pkcs8::der::Decode;
    use rsa::pkcs8::spki::SubjectPublicKeyInfoRef;
    let spki = SubjectPublicKeyInfoRef::from_der(spki_der).unwrap();
    let pkcs1 = spki.subject_public_key.as_bytes().unwrap();
    <rsa::PublicKey as rsa::pkcs1::DecodeRsaPublicKey>::from_pkcs1_der(pkcs1)
        .or_else(|_| rsa::PublicKey::from_public_key_der(spki_der))
        .unwrap()
}

fn ps256(_: &Group) -> Expect {
    Expect::Wycheproof
}

#[test]
fn pss_sha256_salt32_2048() {
    let c = run("rsa_pss_2048_sha256_mgf1_32_test.json", ps256);
    assert_eq!((c.accepted, c.rejected), (63, 45));
}

#[test]
fn pss_sha256_salt32_3072() {
    let c = run("rsa_pss_3072_sha256_mgf1_32_test.json", ps256);
    assert_eq!((c.accepted, c.rejected), (63, 45));
}

#[test]
fn pss_sha256_salt32_4096() {
    let c = run("rsa_pss_4096_sha256_mgf1_32_test.json", ps256);
    assert_eq!((c.accepted, c.rejected), (63, 45));
}

#[test]
fn pss_sha256_salt32_params_2048() {
    let c = run("rsa_pss_2048_sha256_mgf1_32_params_test.json", ps256);
    assert_eq!((c.accepted, c.rejected), (63, 45));
}

#[test]
fn pss_sha256_salt32_params_3072() {
    let c = run("rsa_pss_3072_sha256_mgf1_32_params_test.json", ps256);
    assert_eq!((c.accepted, c.rejected), (63, 45));
}

#[test]
fn salt_length_zero_is_always_rejected() {
    // tcId 69, "s_len changed to 32", is a PS256 signature in the salt-0 file.
    let c = run("rsa_pss_2048_sha256_mgf1_0_test.json", |_| {
        Expect::RejectAllExcept(&[69])
    });
    assert_eq!((c.accepted, c.rejected), (1, 102));
}

#[test]
fn misc_parameters_only_ps256_accepted() {
    let c = run("rsa_pss_misc_test.json", |g| {
        let is_ps256 =
            g.sha == "SHA-256" && g.mgf_sha.as_deref() == Some("SHA-256") && g.salt_len == Some(32);
        if is_ps256 {
            Expect::Wycheproof
        } else {
            Expect::RejectAllExcept(&[])
        }
    });
    // One group of the 150 valid signatures is PS256.
    assert!(c.accepted > 0 && c.accepted < 10, "accepted {}", c.accepted);
    assert_eq!(c.accepted + c.rejected, 150);
}

// Checked independently with python `cryptography` (PSS, MGF1-SHA-256, salt 32).
const PKCS1_FILE_PS256_2048: &[u32] = &[257];
const PKCS1_FILE_PS256_3072: &[u32] = &[258];
const PKCS1_FILE_PS256_4096: &[u32] = &[258];

#[test]
fn pkcs1v15_signatures_are_rejected() {
    // The "RSASSA-PSS signature" (WrongPrimitive) cases are PSS signatures in a PKCS#1 v1.5
    // file; only those with PS256's exact parameters may verify.
    for (file, ps256_cases) in [
        ("rsa_signature_2048_sha256_test.json", PKCS1_FILE_PS256_2048),
        ("rsa_signature_3072_sha256_test.json", PKCS1_FILE_PS256_3072),
        ("rsa_signature_4096_sha256_test.json", PKCS1_FILE_PS256_4096),
    ] {
        let c = run(file, |_| Expect::RejectAllExcept(ps256_cases));
        assert_eq!(c.accepted, ps256_cases.len(), "{file}");
        assert!(c.rejected > 250, "{file}: {}", c.rejected);
    }
}
