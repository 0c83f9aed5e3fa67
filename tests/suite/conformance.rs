//! The one conformance corpus (`tests/fixtures/conformance.json`) through the Rust API: every
//! case reaches its code, and every code the library has is covered by a case or listed in
//! `not_covered` with why. The codes come from the library (`fuzzing::every_error` and
//! `every_config_error`, kept complete by an exhaustive match), so a new code fails here
//! until the corpus has a case for it; the C, Python and Go tests then run that case too.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use register_usage_jwt::fuzzing::{every_config_error, every_error};
use register_usage_jwt::{KeyPolicy, Nonce, PublicKey, Verifier};
use serde_json::Value;

const REPO: &str = env!("CARGO_MANIFEST_DIR");

fn corpus() -> Value {
    let path = Path::new(REPO).join("tests/fixtures/conformance.json");
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// How a case ended: `("valid", "valid")`, or the error's kind and code.
fn run(case: &Value) -> (&'static str, &'static str) {
    let config = |code| ("configuration", code);
    let policy = if case["allow_published_test_keys"].as_bool().unwrap() {
        KeyPolicy::DangerouslyAllowPublishedTestKeys
    } else {
        KeyPolicy::default()
    };
    let mut keys = Vec::new();
    for key in case["keys"].as_array().unwrap() {
        let bytes = match (key["file"].as_str(), key["text"].as_str()) {
            (Some(file), None) => std::fs::read(Path::new(REPO).join(file)).unwrap(),
            (None, Some(text)) => text.as_bytes().to_vec(),
            other => panic!("a key with neither file nor text: {other:?}"),
        };
        // The form every binding takes (PEM or DER), as the C ABI and Python read keys.
        match PublicKey::from_any_form_with_policy(&bytes, policy) {
            Ok(parsed) => keys.push((
                u32::try_from(key["version"].as_u64().unwrap()).unwrap(),
                parsed,
            )),
            Err(error) => return config(error.code()),
        }
    }
    let verifier = match Verifier::new(case["product_code"].as_str().unwrap(), keys) {
        Ok(verifier) => verifier,
        Err(error) => return config(error.code()),
    };
    let Some(verify) = case["verify"].as_object() else {
        return ("valid", "valid");
    };
    let token = verify["token"].as_str().unwrap();
    let version = u32::try_from(verify["key_version"].as_u64().unwrap()).unwrap();
    let result = match verify["nonce"].as_str() {
        None => verifier.verify_replayable_without_nonce(token, version),
        Some(nonce) => match Nonce::new(nonce) {
            Ok(nonce) => verifier.verify(token, version, &nonce),
            Err(error) => return config(error.code()),
        },
    };
    match result {
        Ok(_) => ("valid", "valid"),
        Err(error) => ("rejection", error.code()),
    }
}

fn strings(value: &Value) -> BTreeSet<&str> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|code| code.as_str().unwrap())
        .collect()
}

#[test]
fn every_case_reaches_its_code_and_every_code_has_a_case() {
    let corpus = corpus();
    assert_eq!(corpus["format"], 1, "this test reads format 1");
    let cases = corpus["cases"].as_array().unwrap();
    assert!(cases.len() > 150, "only {} cases", cases.len());

    let mut covered = BTreeSet::new();
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let expect = case["expect"].as_str().unwrap();
        // "valid" cases reach ("valid", "valid"): the kind names the outcome.
        let kind = case["kind"].as_str().unwrap();
        let got = run(case);
        if got == (kind, expect) {
            covered.insert(expect);
        } else {
            failures.push(format!(
                "{name}: got {got:?}, expected ({kind:?}, {expect:?})"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );

    let not_covered: BTreeSet<&str> = corpus["not_covered"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let rejection: BTreeSet<&str> = every_error().iter().map(|e| e.code()).collect();
    let configuration: BTreeSet<&str> = every_config_error().iter().map(|e| e.code()).collect();
    for (kind, library) in [("rejection", &rejection), ("configuration", &configuration)] {
        let listed = strings(&corpus["codes"][kind]);
        let expected: BTreeSet<&str> = library.difference(&not_covered).copied().collect();
        assert_eq!(
            listed, expected,
            "the corpus's {kind} codes differ from the library's (less not_covered): \
             add a case to tests/fixtures/generate_conformance.py and re-run it"
        );
        for code in library {
            assert!(
                covered.contains(code) || not_covered.contains(code),
                "the library has {kind} code {code:?} but no corpus case reaches it and \
                 not_covered does not say why: add a case to \
                 tests/fixtures/generate_conformance.py and re-run it"
            );
        }
    }
    for code in &not_covered {
        assert!(
            rejection.contains(code) || configuration.contains(code),
            "not_covered names {code:?}, which the library does not have"
        );
        assert!(
            !covered.contains(code),
            "{code:?} is in not_covered, yet a case reaches it"
        );
    }
}

/// The committed corpus is what its generator writes from `tokens.json` (a fixture added
/// there reaches every language only after the corpus is regenerated).
#[test]
fn the_corpus_is_what_its_generator_writes() {
    let output = Command::new("python3")
        .arg(Path::new(REPO).join("tests/fixtures/generate_conformance.py"))
        .arg("--check")
        .output()
        .unwrap_or_else(|error| panic!("python3 is needed to check the corpus: {error}"));
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
