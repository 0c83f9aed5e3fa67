//! `register-usage-jwt inspect`: decode without verifying.

use base64ct::{Base64UrlUnpadded, Encoding};
use clap::Args;
use serde_json::Value;

use crate::{EXIT_CONFIG, EXIT_OK, EXIT_REJECTED, input};

#[derive(Args, Debug)]
pub struct InspectArgs {
    /// The token, or `-` for stdin.
    #[arg(value_name = "TOKEN")]
    pub token: String,
}

/// A decoded segment, pretty-printed if it is JSON, else shown as text.
fn show_segment(name: &str, segment: &str) -> bool {
    match Base64UrlUnpadded::decode_vec(segment) {
        Ok(bytes) => {
            match serde_json::from_slice::<Value>(&bytes) {
                Ok(value) => println!(
                    "{name}:\n{}",
                    serde_json::to_string_pretty(&value).unwrap_or_default()
                ),
                Err(e) => println!(
                    "{name} (not JSON: {e}):\n{}",
                    String::from_utf8_lossy(&bytes)
                ),
            }
            true
        }
        Err(_) => {
            println!("{name}: not strict unpadded base64url");
            false
        }
    }
}

pub fn run(args: &InspectArgs) -> u8 {
    let token = match input::read_token(&args.token) {
        Ok(token) => token,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_CONFIG;
        }
    };
    let Ok(token) = std::str::from_utf8(&token) else {
        eprintln!("error: the token is not UTF-8 text, so it is not a compact JWT");
        return EXIT_REJECTED;
    };
    println!(
        "UNVERIFIED: decoded WITHOUT checking the signature or anything else; do not trust \
         these values (use `register-usage-jwt verify`)"
    );
    let segments: Vec<&str> = token.split('.').collect();
    let [header, payload, signature] = segments.as_slice() else {
        println!(
            "not a compact JWT: {} dot-separated segments instead of 3",
            segments.len()
        );
        return EXIT_REJECTED;
    };
    let mut ok = show_segment("header (UNVERIFIED)", header);
    ok &= show_segment("claims (UNVERIFIED)", payload);
    match Base64UrlUnpadded::decode_vec(signature) {
        Ok(bytes) => println!(
            "signature: {} bytes (the length an RSA-{} key's signatures have)",
            bytes.len(),
            bytes.len() * 8
        ),
        Err(_) => {
            println!("signature: not strict unpadded base64url");
            ok = false;
        }
    }
    if ok { EXIT_OK } else { EXIT_REJECTED }
}
