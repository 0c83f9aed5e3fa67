//! `register-usage-jwt key`: product keys, from AWS Marketplace to the seller's binary.
//!
//! `key inspect` reads a key in any form the library accepts (the library's own
//! [`decode_key`] decides the form, so the tool and the library cannot disagree), shows its
//! parameters and the library's verdict, and prints the lines that embed it. `key fetch` and
//! `key check` (feature `catalog`) talk to the Marketplace Catalog API.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use register_usage_jwt::{
    ConfigError, DecodedKey, KeyEncoding, KeyForm, KeyPolicy, PublicKey, decode_key,
};
use rsa::pkcs1::der::{Decode, asn1::Any};
use rsa::pkcs1::{RsaPssParams, RsaPublicKeyRef};
use rsa::pkcs8::ObjectIdentifier;
use rsa::pkcs8::spki::SubjectPublicKeyInfoRef;
use rsa::sha2::{Digest, Sha256};
use serde_json::{Value, json};

use crate::output::{err, out};
use crate::report::hex;
use crate::{EXIT_CONFIG, EXIT_OK, EXIT_REJECTED, input};

mod catalog;

#[derive(Subcommand, Debug)]
pub enum KeyCommand {
    /// Read a product key in any form (PEM at any width or on one line, PEM with literal \n
    /// escapes, bare base64 or base64url DER, DER) and show its parameters, the verdict of
    /// the production key policy, and the lines that embed it.
    Inspect(InspectArgs),
    /// Fetch every key version of a product from the Marketplace Catalog API
    /// (DescribeEntity) and write each as canonical PEM, `product-<code>-v<N>.pem`.
    /// [feature `catalog`]
    Fetch(catalog::FetchArgs),
    /// For CI: fail when the Marketplace Catalog API lists a key version that DIR lacks, or
    /// a different key under a version DIR holds. [feature `catalog`]
    Check(catalog::CheckArgs),
}

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

pub fn run(command: KeyCommand) -> u8 {
    match command {
        KeyCommand::Inspect(args) => inspect(&args),
        KeyCommand::Fetch(args) => catalog::fetch(&args),
        KeyCommand::Check(args) => catalog::check(&args),
    }
}

/// The product code and key version a file name `product-<code>-v<N>.pem` says.
pub fn parse_file_name(path: &Path) -> Option<(String, u32)> {
    let name = path.file_name()?.to_str()?;
    let stem = name.strip_prefix("product-")?.strip_suffix(".pem")?;
    let (code, version) = stem.rsplit_once("-v")?;
    let version: u32 = version.parse().ok().filter(|v| *v >= 1)?;
    (!code.is_empty()).then(|| (code.to_owned(), version))
}

/// The form's variant name, for `--json`.
pub fn form_kind(form: KeyForm) -> &'static str {
    match form {
        KeyForm::Pem { .. } => "Pem",
        KeyForm::PemEscapedNewlines { .. } => "PemEscapedNewlines",
        KeyForm::Base64Der { .. } => "Base64Der",
        KeyForm::Der => "Der",
        _ => "other",
    }
}

/// The file name `key fetch` writes for a key version.
#[cfg_attr(not(feature = "catalog"), allow(dead_code))]
pub fn file_name(code: &str, version: u32) -> String {
    format!("product-{}-v{version}.pem", file_stem(code))
}

/// The longest product part of a file name: with `product-` and `-v<N>.pem` it stays under
/// the 255 bytes file systems allow in a name.
const MAX_STEM_CHARS: usize = 200;

/// The part of a key file's name that stands for the product: the code with every character
/// but `[A-Za-z0-9._-]` made `_`, at most [`MAX_STEM_CHARS`] long. Product codes may hold `/`,
/// `:`, `=` and `@`, and a catalog answer anything, so a name is never built from them raw:
/// behind `product-` the result is one plain name inside the directory, never `.`, `..`, a
/// path, a Windows stream or a control character. Real product codes (25 letters and
/// digits) come through unchanged.
#[cfg_attr(not(feature = "catalog"), allow(dead_code))]
pub fn file_stem(code: &str) -> String {
    code.chars()
        .take(MAX_STEM_CHARS)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The key as canonical PEM: its DER, base64 at 64 columns, under the label of its encoding.
pub fn canonical_pem(key: &DecodedKey) -> Result<String, String> {
    let label = match key.encoding() {
        KeyEncoding::Pkcs1 => "RSA PUBLIC KEY",
        _ => "PUBLIC KEY",
    };
    rsa::pkcs8::der::pem::encode_string(label, rsa::pkcs8::der::pem::LineEnding::LF, key.der())
        .map_err(|e| format!("cannot encode the key as PEM: {e}"))
}

const ID_RSA_ENCRYPTION: ObjectIdentifier = rsa::pkcs1::ALGORITHM_OID;
const ID_RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");

/// What a key's DER says, read for display. Whether the key is usable is the library's
/// verdict ([`Verdict`]), not this.
pub struct Details {
    pub algorithm: &'static str,
    pub pss_parameters: Option<String>,
    pub bits: usize,
    pub exponent: String,
    pub modulus_sha256: String,
    /// The key itself, for comparing: modulus and exponent without leading zeros.
    modulus: Vec<u8>,
    public_exponent: Vec<u8>,
}

impl Details {
    pub fn read(key: &DecodedKey) -> Result<Self, String> {
        let (algorithm, pss_parameters, pkcs1) = match key.encoding() {
            KeyEncoding::Pkcs1 => ("PKCS#1 RSAPublicKey (rsaEncryption)", None, key.der()),
            _ => {
                let spki = SubjectPublicKeyInfoRef::from_der(key.der())
                    .map_err(|e| format!("its SubjectPublicKeyInfo does not parse: {e}"))?;
                let pkcs1 = spki
                    .subject_public_key
                    .as_bytes()
                    .ok_or("its subjectPublicKey is not whole bytes")?;
                match spki.algorithm.oid {
                    ID_RSA_ENCRYPTION => ("SubjectPublicKeyInfo, rsaEncryption", None, pkcs1),
                    ID_RSASSA_PSS => (
                        "SubjectPublicKeyInfo, id-RSASSA-PSS",
                        Some(match spki.algorithm.parameters {
                            None => "absent (any PSS parameters)".to_owned(),
                            Some(params) => describe_pss(params),
                        }),
                        pkcs1,
                    ),
                    other => return Err(format!("its algorithm {other} is not RSA")),
                }
            }
        };
        let key = RsaPublicKeyRef::from_der(pkcs1)
            .map_err(|e| format!("its RSA public key does not parse: {e}"))?;
        let modulus = strip_leading_zeros(key.modulus.as_bytes());
        let exponent = strip_leading_zeros(key.public_exponent.as_bytes());
        let bits = modulus.first().map_or(0, |top| {
            (modulus.len() - 1) * 8 + (8 - top.leading_zeros() as usize)
        });
        let exponent_text = if exponent.len() <= 8 {
            let mut value = 0u64;
            for &byte in exponent {
                value = (value << 8) | u64::from(byte);
            }
            value.to_string()
        } else {
            format!("0x{}", hex(exponent))
        };
        Ok(Details {
            algorithm,
            pss_parameters,
            bits,
            exponent: exponent_text,
            modulus_sha256: hex(&Sha256::digest(modulus)),
            modulus: modulus.to_vec(),
            public_exponent: exponent.to_vec(),
        })
    }

    /// Whether both describe the same RSA public key: modulus and exponent. The encoding
    /// (PKCS#1 or SubjectPublicKeyInfo) may differ; what verifies a signature may not.
    pub fn same_key(&self, other: &Details) -> bool {
        self.modulus == other.modulus && self.public_exponent == other.public_exponent
    }
}

fn describe_pss(params: rsa::pkcs8::der::AnyRef<'_>) -> String {
    let name = |oid: ObjectIdentifier| match oid.to_string().as_str() {
        "1.3.14.3.2.26" => "SHA-1".to_owned(),
        "2.16.840.1.101.3.4.2.1" => "SHA-256".to_owned(),
        "2.16.840.1.101.3.4.2.2" => "SHA-384".to_owned(),
        "2.16.840.1.101.3.4.2.3" => "SHA-512".to_owned(),
        other => other.to_owned(),
    };
    match params.decode_as::<RsaPssParams<Any>>() {
        Ok(p) => format!(
            "hash {}, MGF1 with {}, salt {} bytes",
            name(p.hash.oid),
            p.mask_gen
                .parameters
                .map_or_else(|| "?".to_owned(), |h| name(h.oid)),
            p.salt_len
        ),
        Err(e) => format!("unreadable ({e})"),
    }
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or(&[])
}

/// The library's verdict on a key under the production policy.
pub enum Verdict {
    Accepted,
    /// Refused: `weak`, `compromised` or `invalid`, with the library's code and message.
    Refused {
        verdict: &'static str,
        code: &'static str,
        message: String,
    },
}

impl Verdict {
    pub fn of(key: &DecodedKey, policy: KeyPolicy) -> Self {
        // TODO(core): `PublicKey::from_decoded(&DecodedKey, policy)` so the encoding found
        // here is the one parsed (today `from_der` tries SPKI, then PKCS#1).
        match PublicKey::from_der_with_policy(key.der(), policy) {
            Ok(_) => Verdict::Accepted,
            Err(error) => Verdict::Refused {
                verdict: match error {
                    ConfigError::WeakKey { .. } => "weak",
                    ConfigError::CompromisedKey { .. } => "compromised",
                    _ => "invalid",
                },
                code: error.code(),
                message: error.to_string(),
            },
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Verdict::Accepted => "accepted",
            Verdict::Refused { verdict, .. } => verdict,
        }
    }
}

/// The Rust that embeds these key versions, for the seller to paste.
pub fn embed_lines(product_code: Option<&str>, keys: &[(u32, String)]) -> Vec<String> {
    let code = product_code.unwrap_or("YOUR_PRODUCT_CODE");
    let mut lines = vec![
        "// Cargo.toml: register-usage-jwt = { version = \"0.1\", features = [\"macros\"] }; the \
         path is relative to the directory of your crate's Cargo.toml."
            .to_owned(),
    ];
    for (version, path) in keys {
        lines.push(format!(
            "const PRODUCT_KEY_V{version}: register_usage_jwt::EmbeddedKey ="
        ));
        lines.push(format!(
            "    register_usage_jwt::embed_product_key!({path:?});"
        ));
    }
    lines.push("let verifier = register_usage_jwt::Verifier::new(".to_owned());
    lines.push(format!("    {code:?},"));
    lines.push("    [".to_owned());
    for (version, _) in keys {
        lines.push(format!(
            "        ({version}, register_usage_jwt::PublicKey::from_embedded(PRODUCT_KEY_V{version})?),"
        ));
    }
    lines.push("    ],".to_owned());
    lines.push(")?;".to_owned());
    lines
}

/// Writes `pem` (the key `details` describes) to `path` unless it holds a different key;
/// `Ok(true)` when written, `Ok(false)` when it already held this key.
pub fn write_pem(path: &Path, details: &Details, pem: &str) -> Result<bool, String> {
    let refuse = || {
        Err(format!(
            "{} already exists and does not hold this key; refusing to overwrite it (move it \
             away if you mean to replace it)",
            path.display()
        ))
    };
    match input::read_regular(path) {
        Ok(Some(existing)) => {
            let old = decode_key(&existing)
                .ok()
                .and_then(|old| Details::read(&old).ok());
            if old.is_some_and(|old| old.same_key(details)) {
                Ok(false)
            } else {
                refuse()
            }
        }
        Ok(None) => refuse(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => create_new(path, pem).map(|()| true),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

/// Creates `path` with `pem`. `create_new` (O_EXCL) neither follows a symbolic link left
/// under that name nor replaces a file that appeared since it was looked at, so the tool
/// writes only the file it names.
fn create_new(path: &Path, pem: &str) -> Result<(), String> {
    use std::io::Write as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => format!(
                "{} is a link to a missing file, or appeared while the tool ran; refusing to \
                 write through it (remove it and run again)",
                path.display()
            ),
            _ => format!("cannot write {}: {e}", path.display()),
        })?;
    file.write_all(pem.as_bytes()).map_err(|e| {
        // A half-written key file must not be mistaken for a key later.
        let _ = std::fs::remove_file(path);
        format!("cannot write {}: {e}", path.display())
    })
}

fn inspect(args: &InspectArgs) -> u8 {
    let fail = |code: &str, message: &str, exit: u8| {
        if args.json {
            out!("{}", json!({"error": {"code": code, "message": message}}));
        } else {
            err!("error ({code}): {message}");
        }
        exit
    };
    let bytes = match input::read_file(&args.file, "key") {
        Ok(bytes) => bytes,
        Err(message) => return fail("unreadable_key", &message, EXIT_CONFIG),
    };
    let key = match decode_key(&bytes) {
        Ok(key) => key,
        Err(defect) => {
            let message = format!("the key cannot be used: {defect}");
            return fail("invalid_key", &message, EXIT_REJECTED);
        }
    };
    let details = match Details::read(&key) {
        Ok(details) => details,
        Err(message) => {
            return fail(
                "invalid_key",
                &format!("the key cannot be used: {message}"),
                EXIT_REJECTED,
            );
        }
    };
    let verdict = Verdict::of(&key, KeyPolicy::Production);
    let named = parse_file_name(&args.file);
    let product_code = args
        .product_code
        .clone()
        .or_else(|| named.as_ref().map(|(code, _)| code.clone()));
    let version = args
        .key_version
        .or(named.as_ref().map(|(_, v)| *v))
        .unwrap_or(1);

    let mut written = None;
    if let Some(out_path) = &args.write_pem {
        let pem = match canonical_pem(&key) {
            Ok(pem) => pem,
            Err(message) => return fail("io", &message, EXIT_CONFIG),
        };
        match write_pem(out_path, &details, &pem) {
            Ok(fresh) => written = Some((out_path.clone(), fresh)),
            Err(message) => return fail("io", &message, EXIT_CONFIG),
        }
    }
    // Embed the canonical file when one was written: the macro reads it as it is.
    let embed_path = written
        .as_ref()
        .map_or(&args.file, |(path, _)| path)
        .display()
        .to_string();
    let embed = embed_lines(product_code.as_deref(), &[(version, embed_path)]);

    if args.json {
        let (code, message) = match &verdict {
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
                "written": written.as_ref().map(|(path, _)| path.display().to_string()),
                "embed": embed.join("\n"),
            })
        );
    } else {
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
        match &verdict {
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
        if let Some((path, fresh)) = &written {
            let what = if *fresh { "written" } else { "already there" };
            out!("canonical PEM:  {} ({what})", path.display());
        }
        if matches!(verdict, Verdict::Accepted) {
            out!("embed it:");
            for line in &embed {
                out!("    {line}");
            }
            if product_code.is_none() {
                out!("(YOUR_PRODUCT_CODE: the product code your container sends to RegisterUsage)");
            }
        }
    }
    match verdict {
        Verdict::Accepted => EXIT_OK,
        Verdict::Refused { .. } => EXIT_REJECTED,
    }
}
