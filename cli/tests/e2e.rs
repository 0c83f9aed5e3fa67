//! Runs the python end-to-end suite (`tests/e2e/*.py`) against binaries this test names
//! explicitly:
//!
//! - `register-usage-jwt` (the emulator and the verifier), built by this `cargo test`;
//! - the start-up example AS SHIPPED, `register-usage-startup-example`, built here without
//!   any feature by `cargo build -p register-usage-startup-example --bin
//!   register-usage-startup-example` (the library and this program never look at the TEST
//!   ONLY feature, so no feature unification can change what it trusts; the suite also checks
//!   the binary carries the product key and no test key);
//! - the two TEST ONLY start-up programs, built here by `cargo build -p
//!   register-usage-startup-example --features insecure-published-test-keys --bins`, under
//!   their own names (`...-insecure-test-keys`, `...-insecure-test-keys-v1-only`).
//!
//! The builds use this test's own target directory and profile (the TEST ONLY programs are
//! always built with the dev profile: they refuse release builds).
//!
//! Needs `python3` with `boto3` and `cryptography`; without them this test fails and says
//! how to install them (set `REGISTER_USAGE_E2E_SKIP=1` to skip it deliberately). With
//! `REGISTER_USAGE_E2E_REQUIRED=1`, no test of the suite may be skipped.

use std::path::{Path, PathBuf};
use std::process::Command;

const CLI: &str = env!("CARGO_BIN_EXE_register-usage-jwt");
const PACKAGE: &str = "register-usage-startup-example";
const SHIPPED: &str = "register-usage-startup-example";
const TEST_KEYS: &str = "register-usage-startup-example-insecure-test-keys";
const TEST_KEYS_V1: &str = "register-usage-startup-example-insecure-test-keys-v1-only";
const TEST_FEATURE: &str = "insecure-published-test-keys";

fn flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0")
}

/// `cargo build` in the workspace, into `target_dir` with `profile`.
fn cargo_build(repo: &Path, target_dir: &Path, profile: &str, args: &[&str]) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(&cargo)
        .current_dir(repo)
        .arg("build")
        .args(["--profile", profile, "-p", PACKAGE])
        .arg("--target-dir")
        .arg(target_dir)
        .args(args)
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .expect("run cargo");
    assert!(
        out.status.success(),
        "cargo build {} failed:\n{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn exe(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

#[test]
fn python_end_to_end_suite() {
    if flag("REGISTER_USAGE_E2E_SKIP") {
        eprintln!("REGISTER_USAGE_E2E_SKIP is set: skipping the end-to-end suite");
        return;
    }
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let probe = Command::new(&python)
        .args(["-c", "import boto3, botocore, cryptography"])
        .output();
    match probe {
        Ok(out) if out.status.success() => {}
        Ok(out) => panic!(
            "the end-to-end suite needs python3 with boto3 and cryptography:\n  {python} -m pip \
             install boto3 cryptography\n(or set REGISTER_USAGE_E2E_SKIP=1 to skip it)\n{}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => panic!(
            "the end-to-end suite needs {python} ({e}); install python3 with boto3 and \
             cryptography, or set REGISTER_USAGE_E2E_SKIP=1 to skip it"
        ),
    }

    // CLI is TARGET/<profile dir>/register-usage-jwt.
    let profile_dir = Path::new(CLI).parent().expect("the binary's directory");
    let target_dir = profile_dir.parent().expect("the target directory");
    let profile = match profile_dir.file_name().and_then(|n| n.to_str()) {
        Some("debug") => "dev",
        Some(other) => other,
        None => "dev",
    };
    cargo_build(&repo, target_dir, profile, &["--bin", SHIPPED]);
    cargo_build(
        &repo,
        target_dir,
        "dev",
        &[
            "--features",
            TEST_FEATURE,
            "--bin",
            TEST_KEYS,
            "--bin",
            TEST_KEYS_V1,
        ],
    );
    let debug_dir = target_dir.join("debug");

    let out = Command::new(&python)
        .args(["-m", "unittest", "discover", "-s", "tests/e2e", "-v"])
        .current_dir(&repo)
        .env("REGISTER_USAGE_JWT_BIN", CLI)
        .env("REGISTER_USAGE_STARTUP_BIN", exe(profile_dir, SHIPPED))
        .env(
            "REGISTER_USAGE_STARTUP_TEST_KEYS_BIN",
            exe(&debug_dir, TEST_KEYS),
        )
        .env(
            "REGISTER_USAGE_STARTUP_TEST_KEYS_V1_BIN",
            exe(&debug_dir, TEST_KEYS_V1),
        )
        .output()
        .expect("run python3");
    let report = String::from_utf8_lossy(&out.stderr);
    eprintln!("{report}");
    assert!(
        out.status.success(),
        "the end-to-end suite failed:\n{report}"
    );
    assert!(
        !report.contains("skipped") || !flag("REGISTER_USAGE_E2E_REQUIRED"),
        "REGISTER_USAGE_E2E_REQUIRED is set but tests were skipped:\n{report}"
    );
}
