//! The `register-usage-jwt` binary: exit codes, `--json` shapes, stdin, test-key policy,
//! inspect, mint -> verify round trips and the demo.

mod common;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use common::{BIN, Output};
use serde_json::{Value, json};

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
            // The tool stops reading an oversized stdin early: a closed pipe here is fine.
            match pipe.write_all(text.as_bytes()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                other => other.unwrap(),
            }
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

// ---- The tool as a Unix tool (issue 9) ----

fn b64url(bytes: &[u8]) -> String {
    use base64ct::{Base64UrlUnpadded, Encoding};
    Base64UrlUnpadded::encode_string(bytes)
}

/// A token with the given claims text and an `n`-byte signature (never valid).
fn unsigned_token(claims: &str, signature_len: usize) -> String {
    format!(
        "{}.{}.{}",
        b64url(br#"{"alg":"PS256","typ":"JWT"}"#),
        b64url(claims.as_bytes()),
        b64url(&vec![7u8; signature_len])
    )
}

#[test]
fn closed_stdout_ends_quietly() {
    // The reading end is closed before the tool writes a byte, so every write fails with
    // EPIPE; `println!` would panic (exit 101).
    for args in [&["demo"][..], &["inspect", "a.b.c"][..], &["--help"][..]] {
        let child = Command::new(BIN)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut child = child;
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(101), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
    // `demo` still reports its own outcome.
    let mut child = Command::new(BIN)
        .arg("demo")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[test]
fn closed_stderr_ends_quietly() {
    let token = mint(&["--product-code", "prod-1"]);
    let key = repo("keys/test-only-rsa2048.pub.pem");
    let mut child = Command::new(BIN)
        .args([
            "verify",
            "--product-code",
            "prod-1",
            "--public-key",
            &key,
            "--insecure-allow-published-test-keys",
            "--no-nonce",
            &token,
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[test]
fn no_arguments_prints_help_on_stderr_and_exits_2() {
    let out = run(&[], None);
    assert_eq!(out.code, 2);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(out.stderr.contains("Usage:"), "{}", out.stderr);
    assert!(out.stderr.contains("verify"), "{}", out.stderr);
    let out = run(&["key"], None);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("inspect"), "{}", out.stderr);
}

#[test]
fn json_usage_errors_name_what_is_missing() {
    let out = run(&["verify", "--json", "--nonce", "n", "t"], None);
    assert_eq!(out.code, 2);
    let message = out.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(message.contains("--product-code"), "{message}");
    assert!(message.contains("--public-key"), "{message}");
    assert_eq!(out.json()["valid"], false);

    let out = run(&["inspect", "--json"], None);
    assert_eq!(out.code, 2);
    let value = out.json();
    assert_eq!(value["error"]["code"], "usage");
    assert!(
        value["error"]["message"]
            .as_str()
            .unwrap()
            .contains("<TOKEN>"),
        "{value}"
    );

    let out = run(&["key", "inspect", "--json"], None);
    assert_eq!(out.code, 2);
    assert!(
        out.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("<FILE>")
    );
    // Without --json the names are on stderr, from clap.
    let out = run(&["verify", "--nonce", "n", "t"], None);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--product-code"), "{}", out.stderr);
}

#[test]
fn inspect_json_has_the_verify_exit_code_contract() {
    let out = run(&["inspect", "--json", &demo_token()], None);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let value = out.json();
    assert_eq!(value["verified"], false);
    assert_eq!(value["refused"], false);
    assert_eq!(value["problems"], json!([]));
    assert_eq!(value["header"]["alg"], "PS256");
    assert_eq!(value["claims"]["productCode"], DEMO_PRODUCT);
    assert_eq!(value["signature_len"], 384);

    let out = run(&["inspect", "--json", "not-a-jwt"], None);
    assert_eq!(out.code, 1);
    assert_eq!(out.json()["problems"][0]["code"], "malformed_token");

    let out = run(&["inspect", "--json", "a.b.c"], None);
    assert_eq!(out.code, 1);
}

#[test]
fn inspect_flags_what_verify_refuses_and_still_shows_it() {
    let cases = [
        (
            r#"{"ProductCode":"first","ProductCode":"second","PublicKeyVersion":1}"#,
            "malformed_claims",
        ),
        (
            r#"{"ProductCode":"a","productCode":"a","PublicKeyVersion":1}"#,
            "malformed_claims",
        ),
        (
            r#"{"ProductCode":1,"PublicKeyVersion":1}"#,
            "malformed_claims",
        ),
        (
            r#"{"ProductCode":"a","PublicKeyVersion":"1"}"#,
            "malformed_claims",
        ),
        (r#"{"PublicKeyVersion":1}"#, "malformed_claims"),
        ("this is not JSON", "malformed_claims"),
        (r#"["ProductCode"]"#, "malformed_claims"),
    ];
    for (claims, code) in cases {
        let token = unsigned_token(claims, 384);
        let out = run(&["inspect", &token], None);
        assert_eq!(out.code, 1, "{claims}: {}", out.stdout);
        assert!(out.stdout.contains("REFUSE"), "{claims}: {}", out.stdout);
        assert!(out.stdout.contains(code), "{claims}: {}", out.stdout);
        let out = run(&["inspect", "--json", &token], None);
        assert_eq!(out.code, 1, "{claims}");
        let value = out.json();
        assert_eq!(value["problems"][0]["code"], code, "{claims}: {value}");
        assert_eq!(value["problems"][0]["step"], "claims", "{claims}: {value}");
        assert_eq!(value["claims_text"], claims);
    }
    // Both duplicated values are shown, not only the last.
    let token = unsigned_token(
        r#"{"ProductCode":"first","ProductCode":"second","PublicKeyVersion":1}"#,
        384,
    );
    let out = run(&["inspect", &token], None);
    assert!(
        out.stdout.contains(r#""ProductCode": "first""#),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(r#""ProductCode": "second""#),
        "{}",
        out.stdout
    );
    let out = run(&["inspect", &unsigned_token("not JSON", 384)], None);
    assert!(out.stdout.contains("(not JSON)"), "{}", out.stdout);

    // Header problems: the library's own header check.
    let header = b64url(br#"{"alg":"RS256"}"#);
    let token = format!("{header}.{}.{}", b64url(b"{}"), b64url(&[1; 256]));
    let out = run(&["inspect", "--json", &token], None);
    assert_eq!(out.code, 1);
    assert_eq!(out.json()["problems"][0]["code"], "unsupported_algorithm");
}

#[test]
fn inspect_describes_signature_lengths_truthfully() {
    let claims = r#"{"ProductCode":"a","PublicKeyVersion":1}"#;
    let out = run(&["inspect", &unsigned_token(claims, 2)], None);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(!out.stdout.contains("RSA-16"), "{}", out.stdout);
    assert!(out.stdout.contains("signature: 2 bytes"), "{}", out.stdout);
    assert!(out.stdout.contains("bad_signature"), "{}", out.stdout);
    let out = run(&["inspect", &unsigned_token(claims, 256)], None);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.contains("RSA-2048"), "{}", out.stdout);
}

#[test]
fn oversized_stdin_is_reported_as_more_not_as_the_limit() {
    let huge = "A".repeat(200 * 1024);
    let out = verify_demo(&["--nonce", DEMO_NONCE, "--json"], "-", Some(&huge));
    assert_eq!(out.code, 1, "{}", out.stdout);
    let value = out.json();
    assert_eq!(value["error"]["code"], "token_too_large");
    let message = value["error"]["message"].as_str().unwrap();
    assert!(message.contains("more than 131072 bytes"), "{message}");
    assert!(!message.contains("is 131072 bytes"), "{message}");
    let out = verify_demo(&["--nonce", DEMO_NONCE], "-", Some(&huge));
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains("more than 131072 bytes"),
        "{}",
        out.stdout
    );
    let out = run(&["inspect", "--json", "-"], Some(&huge));
    assert_eq!(out.code, 1);
    assert_eq!(out.json()["problems"][0]["code"], "token_too_large");
    // Below the read limit, the real size.
    let big = "A".repeat(10_000);
    let out = verify_demo(&["--nonce", DEMO_NONCE, "--json"], "-", Some(&big));
    assert!(
        out.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("10000 bytes")
    );
}

#[test]
fn huge_times_are_reported_as_numbers() {
    let token = mint(&["--product-code", "prod-1", "--iat", "1e308"]);
    let key = repo("keys/test-only-rsa2048.pub.pem");
    let out = run(
        &[
            "verify",
            "--product-code",
            "prod-1",
            "--public-key",
            &key,
            "--insecure-allow-published-test-keys",
            "--no-nonce",
            &token,
        ],
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stdout);
    // Reported as the token writes it (the minting JSON writer spells it `1e+308`).
    assert!(
        out.stdout.contains("iat): 1e308 (") || out.stdout.contains("iat): 1e+308 ("),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("not a date"), "{}", out.stdout);
    let out = run(&["inspect", &token], None);
    assert!(out.stdout.contains("iat = 1e308"), "{}", out.stdout);
    let token = mint(&["--product-code", "prod-1", "--iat", "1767225600"]);
    let out = run(&["inspect", &token], None);
    assert!(
        out.stdout
            .contains("iat = 1767225600 (2026-01-01T00:00:00Z)"),
        "{}",
        out.stdout
    );
}

// ---- Keys (issue 10) ----

fn key_forms_manifest() -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(repo("tests/fixtures/key-forms/manifest.json")).unwrap(),
    )
    .unwrap()
}

/// The corpus the library's `tests/suite/key_forms.rs` runs, through `key inspect` and `verify`.
#[test]
fn key_inspect_agrees_with_the_library_on_every_form() {
    let manifest = key_forms_manifest();
    let expected = manifest["modulus_sha256"].as_str().unwrap();
    let token = demo_token();
    for entry in manifest["accepted"].as_array().unwrap() {
        let path = repo(entry["path"].as_str().unwrap());
        let out = run(&["key", "inspect", "--json", &path], None);
        // The corpus key is a published TEST ONLY key: refused by the production policy.
        assert_eq!(out.code, 1, "{path}: {}", out.stdout);
        let value = out.json();
        assert_eq!(value["modulus_sha256"], expected, "{path}");
        assert_eq!(value["form_kind"], entry["form"], "{path}");
        assert_eq!(value["bits"], 3072, "{path}");
        assert_eq!(value["exponent"], "65537", "{path}");
        assert_eq!(value["verdict"], "compromised", "{path}");
        assert_eq!(value["code"], "compromised_key", "{path}");

        // `verify` loads it too, and the demo token verifies with it.
        let out = run(
            &[
                "verify",
                "--product-code",
                DEMO_PRODUCT,
                "--public-key",
                &path,
                "--insecure-allow-published-test-keys",
                "--nonce",
                DEMO_NONCE,
                "--json",
                &token,
            ],
            None,
        );
        assert_eq!(out.code, 0, "{path}: {}", out.stdout);
    }
    for entry in manifest["refused"].as_array().unwrap() {
        let path = repo(entry["path"].as_str().unwrap());
        let out = run(&["key", "inspect", "--json", &path], None);
        assert_eq!(out.code, 1, "{path}: {}", out.stdout);
        let value = out.json();
        assert_eq!(value["error"]["code"], "invalid_key", "{path}");
        let words = entry["message"].as_str().unwrap();
        let message = value["error"]["message"].as_str().unwrap();
        assert!(message.contains(words), "{path}: {message}");
    }
}

#[test]
fn key_inspect_shows_parameters_verdict_and_embed_lines() {
    let real = repo("keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem");
    let out = run(
        &[
            "key",
            "inspect",
            "--product-code",
            "1fszvu527waovqeuhpkyx2b5d",
            &real,
        ],
        None,
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    for words in [
        "form:           PEM (PUBLIC KEY)",
        "SubjectPublicKeyInfo, rsaEncryption",
        "bits:           3072",
        "exponent:       65537",
        "verdict:        accepted",
        "register_usage_jwt::embed_product_key!(",
        "features = [\"macros\"]",
        "PublicKey::from_embedded(PRODUCT_KEY_V1)?",
        "\"1fszvu527waovqeuhpkyx2b5d\",",
    ] {
        assert!(out.stdout.contains(words), "{words}: {}", out.stdout);
    }

    let out = run(
        &[
            "key",
            "inspect",
            &repo("keys/aws-docs-sample-key-compromised.pem"),
        ],
        None,
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains("verdict:        COMPROMISED"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("embed_product_key!"), "{}", out.stdout);
    let out = run(
        &["key", "inspect", &repo("keys/test-only-rsa1024.pub.pem")],
        None,
    );
    assert_eq!(out.code, 1);
    let out = run(
        &[
            "key",
            "inspect",
            &repo("keys/test-only-rsapss2048-sha384-salt20.pub.pem"),
        ],
        None,
    );
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("id-RSASSA-PSS"), "{}", out.stdout);
    assert!(out.stdout.contains("SHA-384"), "{}", out.stdout);
    assert!(out.stdout.contains("INVALID"), "{}", out.stdout);

    // From stdin, as pasted out of JSON.
    let pem = std::fs::read_to_string(&real).unwrap();
    let escaped = serde_json::to_string(&pem).unwrap();
    let out = run(&["key", "inspect", "--json", "-"], Some(&escaped));
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(out.json()["form_kind"], "PemEscapedNewlines");
    assert_eq!(out.json()["verdict"], "accepted");

    let out = run(&["key", "inspect", "--json", &repo("keys/nope.pem")], None);
    assert_eq!(out.code, 2);
    assert_eq!(out.json()["error"]["code"], "unreadable_key");
}

#[test]
fn key_inspect_writes_canonical_pem_and_never_overwrites_another_key() {
    let dir = std::env::temp_dir().join(format!("ruj-cli-write-pem-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let out_path = dir.join("product-abc-v2.pem");
    let out_str = out_path.to_str().unwrap();
    let escaped = repo("tests/fixtures/key-forms/pem-json-escaped.txt");
    let out = run(&["key", "inspect", "--write-pem", out_str, &escaped], None);
    assert_eq!(
        out.code, 1,
        "the test key is refused, but its PEM is written"
    );
    assert_eq!(
        std::fs::read_to_string(&out_path).unwrap(),
        std::fs::read_to_string(repo("keys/test-only-rsa3072.pub.pem")).unwrap()
    );
    // Same key again: fine. Another key: refused, file untouched.
    let out = run(&["key", "inspect", "--write-pem", out_str, &escaped], None);
    assert!(out.stdout.contains("already there"), "{}", out.stdout);
    let other = repo("keys/test-only-rsa2048.pub.pem");
    let out = run(&["key", "inspect", "--write-pem", out_str, &other], None);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("refusing to overwrite"),
        "{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&out_path).unwrap(),
        std::fs::read_to_string(repo("keys/test-only-rsa3072.pub.pem")).unwrap()
    );
    // The name gives the embed lines their product code and version.
    let real = std::fs::read(repo(
        "keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem",
    ))
    .unwrap();
    let named = dir.join("product-1fszvu527waovqeuhpkyx2b5d-v3.pem");
    std::fs::write(&named, real).unwrap();
    let out = run(&["key", "inspect", named.to_str().unwrap()], None);
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("PRODUCT_KEY_V3"), "{}", out.stdout);
    assert!(
        out.stdout.contains("\"1fszvu527waovqeuhpkyx2b5d\","),
        "{}",
        out.stdout
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(not(feature = "catalog"))]
#[test]
fn key_fetch_without_the_feature_says_how_to_get_it() {
    let out = run(&["key", "fetch", "--product-id", "prod-x"], None);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--features catalog"), "{}", out.stderr);
    let out = run(&["key", "check", "--product-id", "prod-x", "."], None);
    assert_eq!(out.code, 2);
}

/// `key fetch` and `key check` against a stub of the Catalog API's DescribeEntity (the
/// shape the emulator serves, `docs/emulator.md`), through the real AWS SDK.
#[cfg(feature = "catalog")]
mod catalog {
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::path::Path;
    use std::sync::{Arc, Mutex};

    use super::*;

    /// Key versions the stub lists: (version, PublicKey string, Status).
    type Keys = Arc<Mutex<Vec<(u32, String, &'static str)>>>;

    fn serve(keys: Keys) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut request = Vec::new();
                let mut chunk = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut chunk) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => request.extend_from_slice(&chunk[..n]),
                    }
                }
                let request = String::from_utf8_lossy(&request).into_owned();
                let line = request.lines().next().unwrap_or_default().to_owned();
                let ours = line.starts_with("GET /DescribeEntity?")
                    && line.contains("catalog=AWSMarketplace")
                    && line.contains("entityId=prod-stub");
                let (status, error, body) = if ours {
                    let entries: Vec<Value> = keys
                        .lock()
                        .unwrap()
                        .iter()
                        .map(
                            |(v, k, s)| json!({"PublicKey": k, "PublicKeyVersion": v, "Status": s}),
                        )
                        .collect();
                    let details = json!({
                        "Description": {"ProductTitle": "stub"},
                        "SignatureVerificationKeys": entries,
                    });
                    let body = json!({
                        "EntityType": "ContainerProduct@1.0",
                        "EntityIdentifier": "prod-stub@1",
                        "Details": details.to_string(),
                    });
                    ("200 OK", "", body.to_string())
                } else {
                    (
                        "404 Not Found",
                        "x-amzn-ErrorType: ResourceNotFoundException\r\n",
                        json!({"Message": format!("no such entity: {line}")}).to_string(),
                    )
                };
                let response = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\n{error}\
                     Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(response.as_bytes());
            }
        });
        url
    }

    use super::common::run_with_local_aws_credentials as run_sdk;

    fn key_text(name: &str) -> String {
        std::fs::read_to_string(repo(name)).unwrap()
    }

    /// The SPKI DER of a PEM file, as bare base64 on one line.
    fn bare_base64(name: &str) -> String {
        key_text(name)
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect()
    }

    fn path_str(path: &Path) -> &str {
        path.to_str().unwrap()
    }

    #[test]
    fn fetch_then_check_through_a_rotation() {
        let keys: Keys = Arc::new(Mutex::new(vec![
            (1, key_text("keys/test-only-rsa3072.pub.pem"), "Expired"),
            (2, bare_base64("keys/test-only-rsa4096.pub.pem"), "Active"),
        ]));
        let url = serve(keys.clone());
        let dir = std::env::temp_dir().join(format!("ruj-cli-fetch-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let dir_s = path_str(&dir);
        let fetch = |extra: &[&str]| {
            let mut args = vec![
                "key",
                "fetch",
                "--product-id",
                "prod-stub",
                "--out",
                dir_s,
                "--endpoint-url",
                &url,
            ];
            args.extend_from_slice(extra);
            run_sdk(&args)
        };
        let check = |extra: &[&str]| {
            let mut args = vec![
                "key",
                "check",
                "--product-id",
                "prod-stub",
                "--endpoint-url",
                &url,
                "--insecure-allow-published-test-keys",
            ];
            args.extend_from_slice(extra);
            args.push(dir_s);
            run_sdk(&args)
        };

        // The production policy refuses the published test keys, and writes nothing.
        let out = fetch(&[]);
        assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
        assert!(out.stdout.contains("compromised"), "{}", out.stdout);
        assert!(!dir.join("product-prod-stub-v1.pem").exists());

        let out = fetch(&["--insecure-allow-published-test-keys"]);
        assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
        // No product code in Details: the files are named by the product id, and it says so.
        assert!(out.stderr.contains("--product-code"), "{}", out.stderr);
        assert_eq!(
            std::fs::read_to_string(dir.join("product-prod-stub-v1.pem")).unwrap(),
            key_text("keys/test-only-rsa3072.pub.pem")
        );
        // The bare base64 key comes out as canonical PEM.
        assert_eq!(
            std::fs::read_to_string(dir.join("product-prod-stub-v2.pem")).unwrap(),
            key_text("keys/test-only-rsa4096.pub.pem")
        );
        for words in [
            "v1 (Expired)",
            "v2 (Active)",
            "written",
            "embed_product_key!",
            "not active: v1",
        ] {
            assert!(out.stdout.contains(words), "{words}: {}", out.stdout);
        }
        // Fetching again changes nothing.
        let out = fetch(&["--insecure-allow-published-test-keys"]);
        assert_eq!(out.code, 0);
        assert!(out.stdout.contains("unchanged"), "{}", out.stdout);

        let out = check(&[]);
        assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
        assert!(out.stdout.contains("ok:"), "{}", out.stdout);

        // AWS adds version 3: check fails and says what to run; fetch; check passes.
        keys.lock()
            .unwrap()
            .push((3, key_text("keys/test-only-rsa2048.pub.pem"), "Active"));
        let out = check(&[]);
        assert_eq!(out.code, 1, "{}", out.stdout);
        assert!(
            out.stdout.contains("v3 (Active): MISSING"),
            "{}",
            out.stdout
        );
        assert!(
            out.stdout.contains("key fetch --product-id prod-stub"),
            "{}",
            out.stdout
        );
        let out = fetch(&["--insecure-allow-published-test-keys"]);
        assert_eq!(out.code, 0, "{}", out.stdout);
        assert_eq!(check(&[]).code, 0);

        // A different key under a version DIR holds: check fails, fetch refuses to overwrite.
        std::fs::write(
            dir.join("product-prod-stub-v3.pem"),
            key_text("keys/test-only-rsa2048-other.pub.pem"),
        )
        .unwrap();
        let out = check(&[]);
        assert_eq!(out.code, 1);
        assert!(
            out.stdout.contains("v3 (Active): DIFFERENT"),
            "{}",
            out.stdout
        );
        let out = fetch(&["--insecure-allow-published-test-keys"]);
        assert_eq!(out.code, 1);
        assert!(
            out.stdout.contains("refusing to overwrite"),
            "{}",
            out.stdout
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("product-prod-stub-v3.pem")).unwrap(),
            key_text("keys/test-only-rsa2048-other.pub.pem")
        );

        // With the product code, files and embed lines carry it.
        let out = fetch(&[
            "--insecure-allow-published-test-keys",
            "--product-code",
            "1fszvu527waovqeuhpkyx2b5d",
        ]);
        assert_eq!(out.code, 0, "{}", out.stdout);
        assert!(
            dir.join("product-1fszvu527waovqeuhpkyx2b5d-v2.pem")
                .exists()
        );
        assert!(
            out.stdout.contains("\"1fszvu527waovqeuhpkyx2b5d\","),
            "{}",
            out.stdout
        );

        // An id the catalog does not know: an API error, exit 2.
        let out = run_sdk(&[
            "key",
            "fetch",
            "--product-id",
            "prod-unknown",
            "--out",
            dir_s,
            "--endpoint-url",
            &url,
        ]);
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(out.stderr.contains("DescribeEntity"), "{}", out.stderr);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
