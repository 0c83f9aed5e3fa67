//! The signature gate is a type: claims are parsed only from a token whose signature has
//! verified, and only the signature check makes such a token.
//!
//! Each case in `tests/ui/*.rs` must fail to compile with exactly the errors its
//! `//~ ERROR <code>: <words>` lines name: the error code and words of this crate (type and
//! field names) that the message must contain. rustc's own wording around them changes
//! between releases and is not compared, so a new stable rustc does not break this test; an
//! error code a case does not name (a case that fails for another reason, say a renamed
//! import) does. The cases reach the crate's internal token states through the unpublished
//! `fuzzing` feature, and are checked with `cargo check` in a scratch package under
//! `CARGO_TARGET_TMPDIR` (kept between runs, so only the first run compiles the crate).
#![cfg(feature = "fuzzing")]

use std::path::{Path, PathBuf};
use std::process::Command;

/// One `//~ ERROR E0308: VerifiedToken UntrustedToken` line: the error is reported there.
struct Expected {
    line: usize,
    code: String,
    words: Vec<String>,
}

fn expectations(source: &str) -> Vec<Expected> {
    source
        .lines()
        .enumerate()
        .filter_map(|(index, line)| {
            let (_, rest) = line.split_once("//~ ERROR ")?;
            let (code, words) = rest.split_once(':').unwrap_or((rest, ""));
            Some(Expected {
                line: index.saturating_add(1),
                code: code.trim().to_owned(),
                words: words.split_whitespace().map(str::to_owned).collect(),
            })
        })
        .collect()
}

/// The value of `"key":"..."` in one line of cargo's JSON output (no escapes in what is
/// looked up here: target names and error codes).
fn json_str<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let pattern = format!("\"{key}\":\"");
    let (_, rest) = line.split_once(pattern.as_str())?;
    rest.split_once('"').map(|(value, _)| value)
}

#[test]
fn claims_only_from_a_verified_token() {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cases: Vec<PathBuf> = std::fs::read_dir(manifest_dir.join("tests/ui"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 2, "{cases:?}");

    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("compile-fail");
    std::fs::create_dir_all(&scratch).unwrap();
    let mut manifest = format!(
        "[package]\nname = \"compile-fail-cases\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
         publish = false\n\n[workspace]\n\n[dependencies]\n\
         register-usage-jwt-core = {{ path = {:?}, features = [\"fuzzing\"] }}\n",
        manifest_dir.display().to_string()
    );
    for case in &cases {
        let name = case.file_stem().unwrap().to_str().unwrap();
        manifest += &format!(
            "\n[[bin]]\nname = {name:?}\npath = {:?}\n",
            case.display().to_string()
        );
    }
    std::fs::write(scratch.join("Cargo.toml"), manifest).unwrap();
    // The workspace's lock, so that the scratch package builds offline with the same versions.
    std::fs::copy(
        manifest_dir.join("../Cargo.lock"),
        scratch.join("Cargo.lock"),
    )
    .unwrap();

    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "check",
            "--offline",
            "--keep-going",
            "--bins",
            "--message-format=json",
        ])
        .current_dir(&scratch)
        .env("CARGO_TARGET_DIR", scratch.join("target"))
        .output()
        .unwrap();
    assert!(
        !output.status.success(),
        "every case compiled: the gate is open"
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);

    for case in &cases {
        let name = case.file_stem().unwrap().to_str().unwrap();
        let expected = expectations(&std::fs::read_to_string(case).unwrap());
        assert!(!expected.is_empty(), "{name}: no `//~ ERROR` line");
        // The errors of this case: compiler messages of its target at level error.
        let errors: Vec<&str> = stdout
            .lines()
            .filter(|line| json_str(line, "reason") == Some("compiler-message"))
            .filter(|line| line.contains(&format!("\"src_path\":{:?}", case.display().to_string())))
            .filter(|line| line.contains("\"level\":\"error\""))
            // Not the closing summary ("aborting due to ..."), the one error without a place.
            .filter(|line| !line.contains("\"spans\":[],\"children\":[]"))
            .collect();
        assert!(
            !errors.is_empty(),
            "{name} compiled (or was not checked):\n{stderr}"
        );
        for error in &errors {
            let code = json_str(error, "code").unwrap_or("(none)");
            assert!(
                expected.iter().any(|e| e.code == code),
                "{name}: error {code} is not one the case names:\n{error}"
            );
        }
        for want in &expected {
            assert!(
                errors
                    .iter()
                    .any(|error| json_str(error, "code") == Some(want.code.as_str())
                        && error.contains(&format!("\"line_start\":{},", want.line))
                        && want.words.iter().all(|word| error.contains(word.as_str()))),
                "{name}: no error {} at line {} mentioning {:?}:\n{errors:#?}",
                want.code,
                want.line,
                want.words
            );
        }
    }
}
