//! What the tool's test binaries share: running the tool, and its output.

use std::process::{Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_register-usage-jwt");

/// A finished run of the tool.
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the tool with AWS credentials for a local endpoint and nothing else from the
/// environment that could reach a real account (no profile, no session, no instance
/// metadata, no configuration files).
// Without the `catalog` feature, only fail_closed.rs calls it (cli.rs's catalog tests are off).
#[cfg_attr(not(feature = "catalog"), allow(dead_code))]
pub fn run_with_local_aws_credentials(args: &[&str]) -> Output {
    let out = Command::new(BIN)
        .args(args)
        .env("AWS_ACCESS_KEY_ID", "AKIDTEST")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/aws-config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/aws-credentials",
        )
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}
