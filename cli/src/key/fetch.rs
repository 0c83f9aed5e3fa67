//! `key fetch`: every key version the Marketplace Catalog API lists, judged by the library
//! and written as canonical PEM under `--out` (feature `catalog`).
//!
//! [`catalog::describe`] gathers, [`judge`] asks the library about each version, [`write`]
//! writes the accepted ones, [`render`] prints them and the embed lines.

use std::path::PathBuf;

use register_usage_jwt::{DecodedKey, KeyPolicy};

use super::catalog::{self, CatalogKey, Entity, FetchArgs};
use super::details::{Details, Verdict};
use super::embed::embed_lines;
use super::files;
use crate::output::{err, out};
use crate::{EXIT_CONFIG, EXIT_OK, EXIT_REJECTED};

pub fn run(args: &FetchArgs) -> u8 {
    if let Err(code) = catalog::checked_product_code(&args.catalog) {
        return code;
    }
    let policy = catalog::policy(&args.catalog);
    let entity = match catalog::describe(&args.product_id, &args.catalog) {
        Ok(entity) => entity,
        Err(message) => {
            err!("error (catalog): {message}");
            return EXIT_CONFIG;
        }
    };
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        err!("error (io): cannot create {}: {e}", args.out.display());
        return EXIT_CONFIG;
    }
    let (code, stem) = catalog::naming(&args.catalog, &entity, &args.product_id);
    catalog::note_naming(code.as_deref(), &stem, &entity, &args.product_id);
    if entity.keys.is_empty() {
        err!("error (catalog): the product lists no signature verification keys");
        return EXIT_REJECTED;
    }
    let outcomes: Vec<Outcome<'_>> = entity
        .keys
        .iter()
        .map(|entry| match judge(entry, policy) {
            Ok((decoded, details)) => {
                let path = args.out.join(files::file_name(&stem, entry.version));
                write(decoded, details, path)
            }
            Err(refused) => refused,
        })
        .collect();
    render(&entity, code.as_deref(), &outcomes)
}

/// What became of one listed version.
enum Outcome<'a> {
    /// The catalog's `PublicKey` is not a key.
    Unreadable(&'a str),
    /// The library refuses the key.
    Refused {
        verdict: &'static str,
        code: &'static str,
        message: String,
    },
    /// In its file: written now (`fresh`) or already there.
    Kept {
        path: PathBuf,
        fresh: bool,
        decoded: &'a DecodedKey,
        details: &'a Details,
    },
    NotWritten(String),
}

/// The version's key, if the library accepts it under `policy`.
fn judge(entry: &CatalogKey, policy: KeyPolicy) -> Result<(&DecodedKey, &Details), Outcome<'_>> {
    let (decoded, details) = entry.key.as_ref().map_err(|why| Outcome::Unreadable(why))?;
    match Verdict::of(decoded, policy) {
        Verdict::Accepted => Ok((decoded, details)),
        Verdict::Refused {
            verdict,
            code,
            message,
        } => Err(Outcome::Refused {
            verdict,
            code,
            message,
        }),
    }
}

fn write<'a>(decoded: &'a DecodedKey, details: &'a Details, path: PathBuf) -> Outcome<'a> {
    match files::canonical_pem(decoded).and_then(|pem| files::write_pem(&path, details, &pem)) {
        Ok(fresh) => Outcome::Kept {
            path,
            fresh,
            decoded,
            details,
        },
        Err(message) => Outcome::NotWritten(message),
    }
}

fn render(entity: &Entity, code: Option<&str>, outcomes: &[Outcome<'_>]) -> u8 {
    let mut ok = true;
    let mut embedded = Vec::new();
    for (entry, outcome) in entity.keys.iter().zip(outcomes) {
        let label = format!("v{} ({})", entry.version, entry.status);
        match outcome {
            Outcome::Unreadable(why) => out!("{label}: REFUSED: the catalog's PublicKey: {why}"),
            Outcome::Refused {
                verdict,
                code,
                message,
            } => out!("{label}: REFUSED, {verdict} ({code}): {message}"),
            Outcome::Kept {
                path,
                fresh,
                decoded,
                details,
            } => {
                out!(
                    "{label}: {} ({}), RSA-{}, e {}, modulus sha256 {}, form {}",
                    path.display(),
                    if *fresh { "written" } else { "unchanged" },
                    details.bits,
                    details.exponent,
                    details.modulus_sha256,
                    decoded.form()
                );
                embedded.push((entry.version, path.display().to_string()));
            }
            Outcome::NotWritten(message) => out!("{label}: NOT WRITTEN: {message}"),
        }
        ok &= matches!(outcome, Outcome::Kept { .. });
    }
    if !embedded.is_empty() {
        out!("embed them:");
        for line in embed_lines(code, &embedded) {
            out!("    {line}");
        }
        let expired: Vec<_> = entity
            .keys
            .iter()
            .filter(|k| !k.status.eq_ignore_ascii_case("active"))
            .map(|k| format!("v{} ({})", k.version, k.status))
            .collect();
        if !expired.is_empty() {
            out!(
                "not active: {}; keep verifying with them until every running container \
                 sends a newer PublicKeyVersion",
                expired.join(", ")
            );
        }
    }
    if ok { EXIT_OK } else { EXIT_REJECTED }
}
