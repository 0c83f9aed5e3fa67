//! The shipped program under an attacker's environment: every case must end in a prompt,
//! clear refusal (exit status 1, a message naming the setting), never a panic (101), a hang
//! or unbounded memory, and never say `entitled`.
//!
//! Each case prints one line to stdout (see it with `--nocapture`):
//! `reliability: startup<TAB><case><TAB><outcome>`, which the README's reliability figure
//! counts.

use std::ffi::OsString;
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use register_usage_startup_example::DEFAULT_DEADLINE;
use register_usage_startup_example::files::MAX_CONFIG_FILE_BYTES;

const SHIPPED: &str = env!("CARGO_BIN_EXE_register-usage-startup-example");

/// A refusal that needs no network comes at once; this is generous for a loaded machine.
const PROMPT: Duration = Duration::from_secs(10);

/// A scratch directory of this case's own, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(case: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "startup-environment-attack-{}-{case}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn file(&self, name: &str, contents: &[u8]) -> PathBuf {
        let path = self.path(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::File::create(&path)
            .unwrap()
            .write_all(contents)
            .unwrap();
        path
    }

    /// A FIFO nobody writes to: opening it for reading blocks for ever.
    fn fifo(&self, name: &str) -> PathBuf {
        let path = self.path(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        let status = Command::new("mkfifo").arg(&path).status().unwrap();
        assert!(status.success(), "mkfifo {}", path.display());
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

impl Outcome {
    /// The refusal's first line, as the reliability line reports it.
    fn refusal(&self) -> &str {
        self.stderr
            .lines()
            .find(|line| line.contains("NOT STARTING"))
            .unwrap_or("(no NOT STARTING line)")
    }
}

/// Runs the shipped program with a clean environment (dummy credentials, a region, no
/// instance metadata, an empty home, an endpoint where nothing listens), then `overrides`.
fn run(case: &str, home: &Path, overrides: &[(&str, OsString)]) -> Outcome {
    let mut command = Command::new(SHIPPED);
    command
        .env_clear()
        .env("HOME", home)
        .env("REGISTER_USAGE_ENDPOINT", "http://127.0.0.1:9")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    for (name, value) in overrides {
        command.env(name, value);
    }
    let start = Instant::now();
    let out = command.output().unwrap();
    let outcome = Outcome {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        elapsed: start.elapsed(),
    };
    let status = match outcome.code {
        Some(1) => "refused exit 1".to_owned(),
        Some(code) => format!("exit {code}"),
        None => "killed by a signal".to_owned(),
    };
    println!(
        "reliability: startup\t{case}\t{status}: {}",
        outcome
            .refusal()
            .trim_start_matches("register-usage: NOT STARTING: ")
    );
    outcome
}

/// Exit status 1, the message, nothing says `entitled`, and (unless `waits`) at once.
fn assert_refused(outcome: &Outcome, message: &str) {
    let Outcome {
        code,
        stdout,
        stderr,
        elapsed,
    } = outcome;
    assert_eq!(*code, Some(1), "{stderr}");
    assert!(
        outcome.refusal().contains(message),
        "{message:?} in {stderr}"
    );
    assert!(!stdout.contains("entitled"), "{stdout}");
    assert!(!stderr.contains("entitled"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(*elapsed < PROMPT, "took {elapsed:?}: {stderr}");
}

/// One case: the overrides, and the words its refusal must contain.
fn refused(case: &str, overrides: &[(&str, OsString)], message: &str) {
    let home = Scratch::new(&format!("{case}-home"));
    assert_refused(&run(case, &home.0, overrides), message);
}

fn os(value: impl Into<OsString>) -> OsString {
    value.into()
}

#[test]
fn endpoint_that_is_not_a_url() {
    for (case, value) in [
        ("REGISTER_USAGE_ENDPOINT empty", ""),
        ("REGISTER_USAGE_ENDPOINT not a URL", "not a url"),
        ("REGISTER_USAGE_ENDPOINT without a host", "http://"),
        ("REGISTER_USAGE_ENDPOINT ftp scheme", "ftp://127.0.0.1/"),
        (
            "REGISTER_USAGE_ENDPOINT control characters",
            "http://a\u{1b}[2J/",
        ),
    ] {
        refused(
            case,
            &[("REGISTER_USAGE_ENDPOINT", os(value))],
            "REGISTER_USAGE_ENDPOINT=",
        );
    }
}

#[test]
fn tls_roots_that_are_not_usable() {
    let scratch = Scratch::new("tls");
    let text = scratch.file("no-certificate.pem", b"hello, no certificate here\n");
    let bad_pem = scratch.file(
        "bad.pem",
        b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    );
    let fifo = scratch.fifo("roots.fifo");
    let empty_dir = scratch.path("empty-dir");
    std::fs::create_dir_all(&empty_dir).unwrap();
    scratch.fifo("fifo-dir/roots.pem");
    let cases: [(&str, &str, OsString, &str); 9] = [
        (
            "SSL_CERT_FILE=/dev/null",
            "SSL_CERT_FILE",
            os("/dev/null"),
            "SSL_CERT_FILE names /dev/null, which is a device",
        ),
        (
            "SSL_CERT_FILE=/dev/zero",
            "SSL_CERT_FILE",
            os("/dev/zero"),
            "SSL_CERT_FILE names /dev/zero, which is a device",
        ),
        (
            "SSL_CERT_FILE a FIFO",
            "SSL_CERT_FILE",
            os(&fifo),
            "which is a FIFO",
        ),
        (
            "SSL_CERT_FILE without a certificate",
            "SSL_CERT_FILE",
            os(&text),
            "no usable TLS root certificate in SSL_CERT_FILE=",
        ),
        (
            "SSL_CERT_FILE a malformed certificate",
            "SSL_CERT_FILE",
            os(&bad_pem),
            "no usable TLS root certificate in SSL_CERT_FILE=",
        ),
        (
            "SSL_CERT_FILE missing",
            "SSL_CERT_FILE",
            os("/nonexistent/roots.pem"),
            "no usable TLS root certificate in SSL_CERT_FILE=/nonexistent/roots.pem",
        ),
        (
            "SSL_CERT_DIR=/nonexistent",
            "SSL_CERT_DIR",
            os("/nonexistent"),
            "no usable TLS root certificate in SSL_CERT_DIR=/nonexistent",
        ),
        (
            "SSL_CERT_DIR empty directory",
            "SSL_CERT_DIR",
            os(&empty_dir),
            "no usable TLS root certificate in SSL_CERT_DIR=",
        ),
        (
            "SSL_CERT_DIR holding only a FIFO",
            "SSL_CERT_DIR",
            os(scratch.path("fifo-dir")),
            "no usable TLS root certificate in SSL_CERT_DIR=",
        ),
    ];
    for (case, variable, value, message) in cases {
        refused(case, &[(variable, value)], message);
    }
}

#[test]
fn profile_files_that_are_not_small_regular_files() {
    let scratch = Scratch::new("profiles");
    let fifo = scratch.fifo("profile.fifo");
    let dir = scratch.path("a-directory");
    std::fs::create_dir_all(&dir).unwrap();
    let too_large = scratch.file(
        "too-large",
        &vec![b'#'; usize::try_from(MAX_CONFIG_FILE_BYTES).unwrap() + 1],
    );
    let not_utf8 = scratch.file("not-utf8", b"[default]\nregion = \xff\xfe\n");
    for variable in ["AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"] {
        let cases: [(&str, OsString, &str); 5] = [
            ("a FIFO", os(&fifo), "which is a FIFO"),
            ("/dev/zero", os("/dev/zero"), "which is a device"),
            ("a directory", os(&dir), "which is a directory"),
            ("too large", os(&too_large), "bytes, more than the 1048576"),
            ("not UTF-8", os(&not_utf8), "which is not UTF-8 text"),
        ];
        for (what, value, message) in cases {
            let home = Scratch::new("profile-home");
            let outcome = run(&format!("{variable} {what}"), &home.0, &[(variable, value)]);
            assert_refused(&outcome, message);
            assert!(
                outcome.refusal().contains(&format!("{variable} names ")),
                "{}",
                outcome.stderr
            );
        }
    }
}

#[test]
fn default_profile_files_in_home_that_are_fifos() {
    for (name, message) in [
        (
            ".aws/config",
            "the default config file (AWS_CONFIG_FILE is unset) names ",
        ),
        (
            ".aws/credentials",
            "the default credentials file (AWS_SHARED_CREDENTIALS_FILE is unset) names ",
        ),
    ] {
        let home = Scratch::new(&format!("home-{}", name.replace('/', "-")));
        home.fifo(name);
        let case = format!("~/{name} a FIFO");
        let outcome = run(&case, &home.0, &[]);
        assert_refused(&outcome, message);
        assert!(
            outcome.refusal().contains("which is a FIFO"),
            "{}",
            outcome.stderr
        );
    }
}

#[test]
fn token_files_the_sdk_would_open_later() {
    let scratch = Scratch::new("tokens");
    let fifo = scratch.fifo("token.fifo");
    let profile = scratch.file(
        "config",
        b"[default]\nrole_arn = arn:aws:iam::123456789012:role/x\nweb_identity_token_file = /dev/zero\n",
    );
    let cases: [(&str, &str, OsString, &str); 4] = [
        (
            "AWS_WEB_IDENTITY_TOKEN_FILE a FIFO",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            os(&fifo),
            "AWS_WEB_IDENTITY_TOKEN_FILE names ",
        ),
        (
            "AWS_WEB_IDENTITY_TOKEN_FILE=/dev/zero",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            os("/dev/zero"),
            "AWS_WEB_IDENTITY_TOKEN_FILE names /dev/zero, which is a device",
        ),
        (
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=/dev/zero",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            os("/dev/zero"),
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE names /dev/zero, which is a device",
        ),
        (
            "web_identity_token_file=/dev/zero in AWS_CONFIG_FILE",
            "AWS_CONFIG_FILE",
            os(&profile),
            "web_identity_token_file (in a profile file) names /dev/zero, which is a device",
        ),
    ];
    for (case, variable, value, message) in cases {
        refused(case, &[(variable, value)], message);
    }
}

#[test]
fn hung_endpoint_ends_at_the_deadline_and_says_so() {
    // Accepts connections (the kernel does, into the backlog) and never answers.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let home = Scratch::new("hung-home");
    let outcome = run(
        "RegisterUsage endpoint accepts and never answers",
        &home.0,
        &[("REGISTER_USAGE_ENDPOINT", os(&endpoint))],
    );
    let Outcome {
        code,
        stdout,
        stderr,
        elapsed,
    } = &outcome;
    assert_eq!(*code, Some(1), "{stderr}");
    assert!(!stdout.contains("entitled"), "{stdout}");
    assert!(!stderr.contains("entitled"), "{stderr}");
    let refusal = outcome.refusal();
    assert!(
        refusal.contains(&format!(
            "did not finish within its deadline of {} s",
            DEFAULT_DEADLINE.as_secs()
        )),
        "{stderr}"
    );
    assert!(
        refusal.contains(&format!("waiting for RegisterUsage at {endpoint}")),
        "{stderr}"
    );
    // It said what it was waiting for while it waited.
    assert!(
        stderr.contains(&format!("still waiting for RegisterUsage at {endpoint}")),
        "{stderr}"
    );
    // Not before the deadline, and not much after.
    assert!(*elapsed >= DEFAULT_DEADLINE, "{elapsed:?}");
    assert!(
        *elapsed < DEFAULT_DEADLINE + Duration::from_secs(3),
        "{elapsed:?}"
    );
    drop(listener);
}

#[test]
fn values_the_sdk_would_put_in_a_header_unchecked() {
    refused(
        "AWS_REGION with control characters",
        &[("AWS_REGION", os("us-east-1\u{1b}[2J"))],
        "the AWS region \"us-east-1\\u{1b}[2J\"",
    );
    refused(
        "AWS_ACCESS_KEY_ID with control characters",
        &[("AWS_ACCESS_KEY_ID", os("AKIA\u{1}\u{1b}[2J"))],
        "the AWS access key id \"AKIA\\u{1}\\u{1b}[2J\"",
    );
}
