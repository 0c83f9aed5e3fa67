//! `key inspect`: read a key in any form the library accepts (the library's own
//! [`decode_key`] decides the form, so the tool and the library cannot disagree), show its
//! parameters and the library's verdict, and print the lines that embed it.
//!
//! [`gather`] reads the file and what its name says, [`Verdict::of`] judges, [`write`]
//! writes the canonical PEM when asked, and [`render_text`] / [`render_json`] print.

use std::path::{Path, PathBuf};

use clap::Args;
use register_usage_jwt::{DecodedKey, KeyEncoding, KeyPolicy, decode_key};
use serde_json::{Value, json};

use super::details::{Details, Verdict, form_kind};
use super::embed::embed_lines;
use super::files::{canonical_pem, parse_file_name, write_pem};
use crate::output::{err, out};
use crate::{EXIT_CONFIG, EXIT_OK, EXIT_REJECTED, input};

#[derive(Args, Debug)]
pub struct InspectArgs {
    /// The key file, or `-` for stdin.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The product code for the embed lines [default: from a file named
    /// `product-<code>-v<N>.pem`].
    #[arg(long, value_name = "CODE")]
    pub product_code: Option<String>,
    /// The key version for the embed lines [default: from a file named
    /// `product-<code>-v<N>.pem`, else 1].
    #[arg(long, value_name = "N")]
    pub key_version: Option<u32>,
    /// Also write the key as canonical PEM (64 columns) to this file; an existing file is
    /// only replaced if it holds the same key.
    #[arg(long, value_name = "OUT")]
    pub write_pem: Option<PathBuf>,
    /// Print exactly one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
}

/// Why `key inspect` stops before a verdict: its `--json` code, message and exit code.
struct Failure {
    code: &'static str,
    message: String,
    exit: u8,
}

/// The key as read, and the product code and version its embed lines carry.
struct Gathered {
    key: DecodedKey,
    details: Details,
    product_code: Option<String>,
    version: u32,
}

pub fn run(args: &InspectArgs) -> u8 {
    let gathered = match gather(args) {
        Ok(gathered) => gathered,
        Err(failure) => return render_failure(args, &failure),
    };
    let verdict = Verdict::of(&gathered.key, KeyPolicy::Production);
    let written = match write(args, &gathered) {
        Ok(written) => written,
        Err(failure) => return render_failure(args, &failure),
    };
    // Embed the canonical file when one was written: the macro reads it as it is.
    let embed_path = written
        .as_ref()
        .map_or(&args.file, |(path, _)| path)
        .display()
        .to_string();
    let embed = embed_lines(
        gathered.product_code.as_deref(),
        &[(gathered.version, embed_path)],
    );
    if args.json {
        render_json(&gathered, &verdict, written.as_ref(), &embed);
    } else {
        render_text(args, &gathered, &verdict, written.as_ref(), &embed);
    }
    match verdict {
        Verdict::Accepted => EXIT_OK,
        Verdict::Refused { .. } => EXIT_REJECTED,
    }
}

/// Reads and parses the key; the product code and version come from the flags, else from a
/// file named `product-<code>-v<N>.pem`.
fn gather(args: &InspectArgs) -> Result<Gathered, Failure> {
    let bytes = input::read_file(&args.file, "key").map_err(|message| Failure {
        code: "unreadable_key",
        message,
        exit: EXIT_CONFIG,
    })?;
    let unusable = |why: String| Failure {
        code: "invalid_key",
        message: format!("the key cannot be used: {why}"),
        exit: EXIT_REJECTED,
    };
    let key = decode_key(&bytes).map_err(|defect| unusable(defect.to_string()))?;
    let details = Details::read(&key).map_err(unusable)?;
    let named = parse_file_name(&args.file);
    let product_code = args
        .product_code
        .clone()
        .or_else(|| named.as_ref().map(|(code, _)| code.clone()));
    let version = args
        .key_version
        .or(named.as_ref().map(|(_, v)| *v))
        .unwrap_or(1);
    Ok(Gathered {
        key,
        details,
        product_code,
        version,
    })
}

/// Writes the canonical PEM when `--write-pem` asks: the path, and whether it was written
/// (`false`: it already held this key).
fn write(args: &InspectArgs, gathered: &Gathered) -> Result<Option<(PathBuf, bool)>, Failure> {
    let Some(out_path) = &args.write_pem else {
        return Ok(None);
    };
    let io = |message| Failure {
        code: "io",
        message,
        exit: EXIT_CONFIG,
    };
    let pem = canonical_pem(&gathered.key).map_err(io)?;
    let fresh = write_pem(out_path, &gathered.details, &pem).map_err(io)?;
    Ok(Some((out_path.clone(), fresh)))
}

fn render_failure(args: &InspectArgs, failure: &Failure) -> u8 {
    let Failure {
        code,
        message,
        exit,
    } = failure;
    if args.json {
        out!("{}", json!({"error": {"code": code, "message": message}}));
    } else {
        err!("error ({code}): {message}");
    }
    *exit
}

fn render_json(
    gathered: &Gathered,
    verdict: &Verdict,
    written: Option<&(PathBuf, bool)>,
    embed: &[String],
) {
    let Gathered { key, details, .. } = gathered;
    let (code, message) = match verdict {
        Verdict::Accepted => (Value::Null, Value::Null),
        Verdict::Refused { code, message, .. } => (json!(code), json!(message)),
    };
    out!(
        "{}",
        json!({
            "form": key.form().to_string(),
            "form_kind": form_kind(key.form()),
            "encoding": match key.encoding() {
                KeyEncoding::Pkcs1 => "pkcs1",
                _ => "spki",
            },
            "algorithm": details.algorithm,
            "pss_parameters": details.pss_parameters,
            "bits": details.bits,
            "exponent": details.exponent,
            "modulus_sha256": details.modulus_sha256,
            "der_len": key.der().len(),
            "verdict": verdict.name(),
            "code": code,
            "message": message,
            "written": written.map(|(path, _)| path.display().to_string()),
            "embed": embed.join("\n"),
        })
    );
}

fn render_text(
    args: &InspectArgs,
    gathered: &Gathered,
    verdict: &Verdict,
    written: Option<&(PathBuf, bool)>,
    embed: &[String],
) {
    let Gathered { key, details, .. } = gathered;
    let source = if args.file == Path::new("-") {
        "stdin".to_owned()
    } else {
        args.file.display().to_string()
    };
    out!("key:            {source}");
    out!("form:           {}", key.form());
    out!("encoding:       {}", details.algorithm);
    if let Some(params) = &details.pss_parameters {
        out!("PSS parameters: {params}");
    }
    out!("bits:           {}", details.bits);
    out!("exponent:       {}", details.exponent);
    out!("modulus sha256: {}", details.modulus_sha256);
    match verdict {
        Verdict::Accepted => out!(
            "verdict:        accepted (production policy: 2048 to 4096 bits, not a key \
             whose private half is public)"
        ),
        Verdict::Refused {
            verdict,
            code,
            message,
        } => out!(
            "verdict:        {} ({code}): {message}",
            verdict.to_uppercase()
        ),
    }
    if let Some((path, fresh)) = written {
        let what = if *fresh { "written" } else { "already there" };
        out!("canonical PEM:  {} ({what})", path.display());
    }
    if matches!(verdict, Verdict::Accepted) {
        out!("embed it:");
        for line in embed {
            out!("    {line}");
        }
        if gathered.product_code.is_none() {
            out!("(YOUR_PRODUCT_CODE: the product code your container sends to RegisterUsage)");
        }
    }
}
