//! Runs the python end-to-end suite (`tests/e2e/test_emulator.py`) against the binaries this
//! `cargo test` built: the emulator and verifier (`register-usage-jwt`) called through boto3,
//! and the start-up example (`register-usage-startup-example`, built by `cargo test
//! --workspace`) against the emulator.
//!
//! Needs `python3` with `boto3` and `cryptography`; without them this test fails and says
//! how to install them (set `REGISTER_USAGE_E2E_SKIP=1` to skip it deliberately). With
//! `REGISTER_USAGE_E2E_REQUIRED=1` a missing start-up example binary fails too instead of
//! skipping its tests.

use std::path::{Path, PathBuf};
use std::process::Command;

const CLI: &str = env!("CARGO_BIN_EXE_register-usage-jwt");

fn flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0")
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

    let startup = Path::new(CLI).with_file_name(format!(
        "register-usage-startup-example{}",
        std::env::consts::EXE_SUFFIX
    ));
    if !startup.exists() {
        let message = format!(
            "{} is not built, so the start-up example's end-to-end tests are skipped; run \
             `cargo test --workspace` or `cargo build -p register-usage-startup-example`",
            startup.display()
        );
        assert!(!flag("REGISTER_USAGE_E2E_REQUIRED"), "{message}");
        eprintln!("WARNING: {message}");
    }

    let out = Command::new(&python)
        .args(["-m", "unittest", "discover", "-s", "tests/e2e", "-v"])
        .current_dir(&repo)
        .env("REGISTER_USAGE_JWT_BIN", CLI)
        .env("REGISTER_USAGE_STARTUP_BIN", &startup)
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
