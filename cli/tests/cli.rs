//! The `register-usage-jwt` binary: exit codes, `--json` shapes, stdin, test-key policy,
//! inspect, mint -> verify round trips and the demo.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_register-usage-jwt");

/// The committed demo token: key test-only-rsa3072, camelCase claims with `iat`.
const DEMO_PRODUCT: &str = "1fszvu527waovqeuhpkyx2b5d";
const DEMO_NONCE: &str = "5f0c7a52-5bd4-4d5c-93e6-1b7d2c0e9a41";

fn repo(path: &str) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    root.join(path).to_string_lossy().into_owned()
}

fn demo_token() -> String {
    std::fs::read_to_string(repo("tests/fixtures/demo-token.txt"))
        .unwrap()
        .trim_end()
        .to_owned()
}

struct Output {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Output {
    fn json(&self) -> Value {
        let mut lines = self.stdout.lines();
        let first = lines.next().unwrap_or_default();
        assert!(
            lines.next().is_none(),
            "more than one line: {}",
            self.stdout
        );
        serde_json::from_str(first).unwrap_or_else(|e| panic!("{e}: {:?}", self.stdout))
    }
}

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut pipe = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            pipe.write_all(text.as_bytes()).unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// `verify` of the demo token with the 3072-bit test key; `extra` goes before the token.
fn verify_demo(extra: &[&str], token: &str, stdin: Option<&str>) -> Output {
    let key = repo("keys/test-only-rsa3072.pub.pem");
    let mut args = vec![
        "verify",
        "--product-code",
        DEMO_PRODUCT,
        "--public-key",
        &key,
        "--insecure-allow-published-test-keys",
    ];
    args.extend_from_slice(extra);
    args.push(token);
    run(&args, stdin)
}

#[test]
fn valid_json() {
    let out = verify_demo(&["--nonce", DEMO_NONCE, "--json"], &demo_token(), None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.json(),
        json!({
            "valid": true,
            "product_code": DEMO_PRODUCT,
            "public_key_version": 1,
            "nonce": DEMO_NONCE,
            "issued_at": 1_767_225_600u64,
            "public_key_rotation_timestamp": null,
        })
    );
    assert!(
        out.stdout.starts_with(r#"{"valid":true,"#),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("--insecure-allow-published-test-keys"));
}

#[test]
fn valid_human_lists_every_check() {
    let out = verify_demo(&["--nonce", DEMO_NONCE], &demo_token(), None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for check in [
        "size",
        "shape",
        "header",
        "key version",
        "signature",
        "claims",
        "product code",
        "claim key version",
        "nonce",
    ] {
        assert!(
            out.stdout.contains(&format!("[ok  ] {check}")),
            "{check}: {}",
            out.stdout
        );
    }
    assert!(out.stdout.contains("VERIFIED"));
    assert!(out.stdout.contains("2026-01-01T00:00:00Z"));
}

#[test]
fn stdin_with_trailing_newline() {
    for ending in ["\n", "\r\n", ""] {
        let input = format!("{}{ending}", demo_token());
        let out = verify_demo(&["--nonce", DEMO_NONCE, "--json"], "-", Some(&input));
        assert_eq!(out.code, 0, "{ending:?}: {}", out.stdout);
    }
    // Only one newline is removed; anything else reaches the verifier and is refused.
    let input = format!("{}\n\n", demo_token());
    let out = verify_demo(&["--nonce", DEMO_NONCE, "--json"], "-", Some(&input));
    assert_eq!(out.code, 1);
    assert_eq!(out.json()["error"]["code"], "malformed_token");
}

#[test]
fn rejected_json_and_human() {
    let out = verify_demo(&["--nonce", "another", "--json"], &demo_token(), None);
    assert_eq!(out.code, 1);
    let value = out.json();
    assert_eq!(value["valid"], false);
    assert_eq!(value["error"]["code"], "nonce_mismatch");
    assert!(
        value["error"]["message"]
            .as_str()
            .unwrap()
            .contains("replayed")
    );
    assert_eq!(value.as_object().unwrap().len(), 2);

    let out = verify_demo(&["--nonce", "another"], &demo_token(), None);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("[FAIL] nonce"), "{}", out.stdout);
    assert!(out.stdout.contains("REJECTED (nonce_mismatch)"));

    // A flipped signature character: the signature check fails and later ones are not reached.
    let mut token = demo_token();
    let last = token.pop().unwrap();
    token.push(if last == 'A' { 'Q' } else { 'A' });
    let out = verify_demo(&["--nonce", DEMO_NONCE], &token, None);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("[FAIL] signature"), "{}", out.stdout);
    assert!(out.stdout.contains("[--  ] claims"), "{}", out.stdout);

    let out = verify_demo(
        &["--nonce", DEMO_NONCE, "--key-version", "2", "--json"],
        &demo_token(),
        None,
    );
    assert_eq!(out.code, 1);
    assert_eq!(out.json()["error"]["code"], "key_version_mismatch");
}

#[test]
fn test_keys_refused_without_the_flag() {
    for key in [
        "keys/test-only-rsa2048.pub.pem",
        "keys/test-only-rsa2048.pub.der",
    ] {
        let key = repo(key);
        let args = [
            "verify",
            "--product-code",
            DEMO_PRODUCT,
            "--public-key",
            &key,
            "--nonce",
            DEMO_NONCE,
            "--json",
            "x.y.z",
        ];
        let out = run(&args, None);
        assert_eq!(out.code, 2);
        assert_eq!(out.json()["valid"], false);
        assert_eq!(out.json()["error"]["code"], "compromised_key");
        let out = run(&args[..args.len() - 2], None);
        assert_eq!(out.code, 2);
        let out = run(&[&args[..7], &["x.y.z"]].concat(), None);
        assert_eq!(out.code, 2);
        assert!(out.stderr.contains("compromised_key"), "{}", out.stderr);
        assert!(out.stderr.contains("--insecure-allow-published-test-keys"));
    }
}

#[test]
fn config_errors_exit_2_with_json() {
    let cases: &[(&str, &str, &[&str], &str)] = &[
        (
            "keys/test-only-rsa1024.pub.pem",
            DEMO_PRODUCT,
            &["--nonce", "n"],
            "weak_key",
        ),
        (
            "keys/test-only-rsa2048.key.pem",
            DEMO_PRODUCT,
            &["--nonce", "n"],
            "invalid_key",
        ),
        (
            "keys/README.md",
            DEMO_PRODUCT,
            &["--nonce", "n"],
            "invalid_key",
        ),
        (
            "keys/does-not-exist.pem",
            DEMO_PRODUCT,
            &["--nonce", "n"],
            "unreadable_key",
        ),
        (
            "keys/test-only-rsa2048.pub.pem",
            "bad code!",
            &["--nonce", "n"],
            "invalid_product_code",
        ),
        (
            "keys/test-only-rsa2048.pub.pem",
            DEMO_PRODUCT,
            &["--nonce", ""],
            "invalid_nonce",
        ),
        (
            "keys/test-only-rsapss2048-sha384-salt20.pub.pem",
            DEMO_PRODUCT,
            &["--nonce", "n"],
            "invalid_key",
        ),
    ];
    let long_nonce = "n".repeat(256);
    let long = [(
        "keys/test-only-rsa2048.pub.pem",
        DEMO_PRODUCT,
        ["--nonce", long_nonce.as_str()],
        "invalid_nonce",
    )];
    let all = cases
        .iter()
        .map(|(k, p, e, c)| (*k, *p, e.to_vec(), *c))
        .chain(long.iter().map(|(k, p, e, c)| (*k, *p, e.to_vec(), *c)));
    for (key, product, extra, code) in all {
        let key = repo(key);
        let mut args = vec![
            "verify",
            "--product-code",
            product,
            "--public-key",
            &key,
            "--insecure-allow-published-test-keys",
            "--json",
        ];
        args.extend(extra);
        args.push("x.y.z");
        let out = run(&args, None);
        assert_eq!(out.code, 2, "{code}: {}", out.stdout);
        let value = out.json();
        assert_eq!(value["valid"], false);
        assert_eq!(value["error"]["code"], code, "{}", out.stdout);
        assert!(!value["error"]["message"].as_str().unwrap().is_empty());
    }
}

#[test]
fn usage_errors_exit_2() {
    let key = repo("keys/test-only-rsa2048.pub.pem");
    let base = ["verify", "--product-code", "p", "--public-key", &key];
    // Neither --nonce nor --no-nonce, then both.
    assert_eq!(run(&[&base[..], &["t"]].concat(), None).code, 2);
    assert_eq!(
        run(
            &[&base[..], &["--nonce", "n", "--no-nonce", "t"]].concat(),
            None
        )
        .code,
        2
    );
    assert_eq!(run(&["verify"], None).code, 2);
    // With --json, even a usage error is one JSON object on stdout.
    let out = run(&[&base[..], &["--json", "t"]].concat(), None);
    assert_eq!(out.code, 2);
    assert_eq!(out.json()["valid"], false);
    assert_eq!(out.json()["error"]["code"], "usage");
    let out = run(&["verify", "--json", "--key-version", "x"], None);
    assert_eq!(out.code, 2);
    assert_eq!(out.json()["error"]["code"], "usage");
    let out = run(&["verify", "--help"], None);
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("--insecure-allow-published-test-keys"));
    assert_eq!(run(&["frobnicate"], None).code, 2);
}

fn mint(args: &[&str]) -> String {
    let out = run(&[&["mint"], args].concat(), None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout.trim_end().to_owned()
}

fn verify_2048(token: &str, extra: &[&str]) -> Output {
    let key = repo("keys/test-only-rsa2048.pub.pem");
    let args = [
        &[
            "verify",
            "--product-code",
            "prod-1",
            "--public-key",
            &key,
            "--insecure-allow-published-test-keys",
            "--json",
        ][..],
        extra,
        &["-"],
    ]
    .concat();
    run(&args, Some(&format!("{token}\n")))
}

#[test]
fn mint_verify_round_trip() {
    for spelling in ["pascal", "camel"] {
        let token = mint(&[
            "--product-code",
            "prod-1",
            "--nonce",
            "abc",
            "--iat",
            "1700000000",
            "--rotation",
            "1800000000.5",
            "--spelling",
            spelling,
        ]);
        let out = verify_2048(&token, &["--nonce", "abc"]);
        assert_eq!(out.code, 0, "{spelling}: {}", out.stdout);
        assert_eq!(
            out.json(),
            json!({
                "valid": true,
                "product_code": "prod-1",
                "public_key_version": 1,
                "nonce": "abc",
                "issued_at": 1_700_000_000u64,
                "public_key_rotation_timestamp": 1_800_000_000.5,
            })
        );
        assert!(
            out.stderr.contains("PublicKeyRotationTimestamp"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn mint_variants_that_must_fail() {
    let token = mint(&[
        "--product-code",
        "prod-1",
        "--nonce",
        "abc",
        "--salt-len",
        "20",
    ]);
    assert_eq!(
        verify_2048(&token, &["--nonce", "abc"]).json()["error"]["code"],
        "bad_signature"
    );

    let other = repo("keys/test-only-rsa2048-other.key.pem");
    let token = mint(&[
        "--product-code",
        "prod-1",
        "--nonce",
        "abc",
        "--private-key",
        &other,
    ]);
    let out = verify_2048(&token, &["--nonce", "abc"]);
    assert_eq!(out.code, 1);
    assert_eq!(out.json()["error"]["code"], "bad_signature");

    let token = mint(&["--product-code", "prod-2", "--nonce", "abc"]);
    assert_eq!(
        verify_2048(&token, &["--nonce", "abc"]).json()["error"]["code"],
        "product_code_mismatch"
    );

    let token = mint(&[
        "--product-code",
        "prod-1",
        "--key-version",
        "2",
        "--nonce",
        "abc",
    ]);
    assert_eq!(
        verify_2048(&token, &["--nonce", "abc"]).json()["error"]["code"],
        "key_version_mismatch"
    );
}

#[test]
fn no_nonce_is_replayable_and_says_so() {
    let token = mint(&["--product-code", "prod-1"]);
    let out = verify_2048(&token, &["--no-nonce"]);
    assert_eq!(out.code, 0);
    assert_eq!(out.json()["nonce"], Value::Null);
    assert!(out.stderr.contains("REPLAYABLE"), "{}", out.stderr);

    let out = verify_2048(&token, &["--nonce", "abc"]);
    assert_eq!(out.json()["error"]["code"], "nonce_missing");

    let token = mint(&["--product-code", "prod-1", "--nonce", "abc"]);
    let out = verify_2048(&token, &["--no-nonce"]);
    assert_eq!(out.json()["error"]["code"], "unexpected_nonce");
}

#[test]
fn mint_with_explicit_private_key_files() {
    for key in [
        "keys/test-only-rsa3072.key.pem",
        "keys/test-only-rsa2048.key.pem",
    ] {
        let token = mint(&["--product-code", "prod-1", "--private-key", &repo(key)]);
        assert_eq!(token.split('.').count(), 3);
    }
    let out = run(
        &[
            "mint",
            "--product-code",
            "p",
            "--private-key",
            &repo("keys/README.md"),
        ],
        None,
    );
    assert_eq!(out.code, 2);
    let out = run(&["mint", "--product-code", "p", "--iat", "yesterday"], None);
    assert_eq!(out.code, 2);
}

#[test]
fn inspect_decodes_unverified() {
    let out = run(&["inspect", &demo_token()], None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("UNVERIFIED"));
    assert!(out.stdout.contains("\"alg\": \"PS256\""), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("\"productCode\": \"1fszvu527waovqeuhpkyx2b5d\"")
    );
    assert!(out.stdout.contains("384 bytes"));

    let out = run(&["inspect", "-"], Some(&format!("{}\n", demo_token())));
    assert_eq!(out.code, 0);

    let out = run(&["inspect", "not-a-jwt"], None);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("1 dot-separated segments"));
}

#[test]
fn demo_succeeds() {
    let out = run(&["demo"], None);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("VERIFIED"));
    assert!(out.stdout.contains("REJECTED (bad_signature)"));
    assert!(out.stdout.contains("REJECTED (nonce_mismatch)"));
    assert!(out.stdout.contains("refused (compromised_key)"));
    assert!(out.stdout.contains("every outcome was as expected"));
}
