//! `register-usage-jwt`: verify, inspect and mint AWS Marketplace RegisterUsage tokens, and
//! emulate the RegisterUsage endpoint locally.
//!
//! Exit codes: 0 verified (or the command succeeded), 1 the token was rejected, 2 a usage or
//! configuration error (unreadable, weak or compromised key, invalid product code or nonce).

mod demo;
mod emulate;
mod input;
mod inspect;
mod key;
mod mint;
mod output;
mod report;
mod verify;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Exit code: verified / success.
pub const EXIT_OK: u8 = 0;
/// Exit code: the token was rejected.
pub const EXIT_REJECTED: u8 = 1;
/// Exit code: usage or configuration error.
pub const EXIT_CONFIG: u8 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "register-usage-jwt",
    version,
    about = "Verify, inspect and mint AWS Marketplace RegisterUsage tokens (PS256 JWTs), \
             and emulate the RegisterUsage endpoint locally",
    after_help = "Exit codes: 0 verified, 1 token rejected, 2 usage or configuration error.\n\
                  Start with `register-usage-jwt demo` to see every check on bundled TEST ONLY keys."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Verify a RegisterUsage token offline against your product's public key.
    Verify(verify::VerifyArgs),
    /// Decode a token's header and claims WITHOUT verifying the signature, and say what
    /// `verify` would refuse whatever the key.
    Inspect(inspect::InspectArgs),
    /// Product keys: inspect a key file, fetch keys from the Marketplace Catalog API, check
    /// that a directory holds every key version the catalog lists.
    #[command(subcommand)]
    Key(key::KeyCommand),
    /// Mint a PS256 RegisterUsage-shaped token (default: with the bundled TEST ONLY key).
    Mint(mint::MintArgs),
    /// Run a local RegisterUsage endpoint (AWS JSON 1.1) that signs with a TEST key.
    Emulate(emulate::EmulateArgs),
    /// Mint with the bundled TEST ONLY key, verify showing every check, then show a forged,
    /// a replayed and a test-keyed token being refused.
    Demo,
}

/// How the claims are spelled: as the API reference shows (`ProductCode`) or as real
/// integrations read them (`productCode`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Spelling {
    /// `ProductCode`, `PublicKeyVersion`, `Nonce`, `PublicKeyRotationTimestamp`.
    #[default]
    Pascal,
    /// `productCode`, `publicKeyVersion`, `nonce`, `publicKeyRotationTimestamp`.
    Camel,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage_error(&error),
    };
    let code = match cli.command {
        Command::Verify(args) => verify::run(&args),
        Command::Inspect(args) => inspect::run(&args),
        Command::Key(command) => key::run(command),
        Command::Mint(args) => mint::run(&args),
        Command::Emulate(args) => emulate::run(args),
        Command::Demo => demo::run(),
    };
    ExitCode::from(code)
}

/// A command-line error: clap's message on stderr and exit 2 (help and version asked for:
/// stdout, exit 0; no arguments at all: help on stderr, exit 2, as clap does by default).
/// With `--json` the command promised exactly one JSON object on stdout, so a usage error
/// gets one too, naming what is wrong in full.
fn usage_error(error: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let informational = matches!(
        error.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    );
    let args: Vec<String> = std::env::args().skip(1).collect();
    let json = args
        .iter()
        .take_while(|a| *a != "--")
        .any(|a| a == "--json");
    if json && !informational {
        let message = usage_message(&error.render().to_string());
        let object = if args.first().is_some_and(|a| a == "verify") {
            report::error_json("usage", &message)
        } else {
            serde_json::json!({"error": {"code": "usage", "message": message}})
        };
        output::out!("{object}");
    }
    // Prints to stderr for errors, stdout for help and version; a closed stream is ignored.
    let _ = error.print();
    ExitCode::from(if informational { EXIT_OK } else { EXIT_CONFIG })
}

/// clap's error text on one line: its first paragraph, without `error: `, the lines that
/// follow (the arguments it names) joined with commas.
fn usage_message(rendered: &str) -> String {
    let mut lines = rendered
        .lines()
        .map(str::trim)
        .take_while(|line| !line.is_empty());
    let first = lines.next().unwrap_or("invalid arguments");
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let rest: Vec<&str> = lines.collect();
    if rest.is_empty() {
        first.to_owned()
    } else {
        format!("{first} {}", rest.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_messages_name_what_is_missing() {
        let rendered = "error: the following required arguments were not provided:\n  \
                        --product-code <CODE>\n  --public-key <FILE>\n\nUsage: x\n";
        assert_eq!(
            usage_message(rendered),
            "the following required arguments were not provided: --product-code <CODE>, \
             --public-key <FILE>"
        );
    }
}
