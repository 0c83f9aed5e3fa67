//! `key check`: whether a directory holds every key version the Marketplace Catalog API
//! lists, for CI (feature `catalog`).
//!
//! [`gather`] asks the catalog and reads the directory, [`judge`] compares each version,
//! [`render`] prints one line per version and the exit code.

use std::path::{Path, PathBuf};

use register_usage_jwt::{DecodedKey, KeyPolicy, decode_key};

use super::catalog::{self, CatalogKey, CheckArgs, Entity};
use super::details::{Details, Verdict};
use super::files;
use crate::input;
use crate::output::{err, out};
use crate::{EXIT_CONFIG, EXIT_OK, EXIT_REJECTED};

pub fn run(args: &CheckArgs) -> u8 {
    if let Err(code) = catalog::checked_product_code(&args.catalog) {
        return code;
    }
    let policy = catalog::policy(&args.catalog);
    let gathered = match gather(args) {
        Ok(gathered) => gathered,
        Err(message) => {
            err!("error (catalog): {message}");
            return EXIT_CONFIG;
        }
    };
    let findings: Vec<Finding<'_>> = gathered
        .entity
        .keys
        .iter()
        .zip(&gathered.local)
        .map(|(listed, (_, local))| judge(listed, local, policy))
        .collect();
    render(args, &gathered, &findings)
}

/// What the catalog lists and what the directory holds.
struct Gathered {
    entity: Entity,
    /// The product code for the hints, if known, and the file names' product part.
    code: Option<String>,
    stem: String,
    /// For each of `entity.keys`, in order: its file in the directory and what it holds.
    local: Vec<(PathBuf, Local)>,
    /// Versions the directory holds that the catalog does not list: version, path.
    unlisted: Vec<(u32, String)>,
}

/// A version's key file in the directory, as read.
enum Local {
    Missing,
    Unreadable(String),
    /// Boxed: a decoded key holds its DER inline (2 KiB), the other variants a word.
    Key(Box<DecodedKey>, Details),
}

/// What one listed version comes to.
enum Finding<'a> {
    /// The catalog's key is refused by the library.
    CatalogRefused {
        verdict: &'static str,
        code: &'static str,
        message: String,
    },
    /// The catalog's `PublicKey` is not a key.
    CatalogUnreadable(&'a str),
    Missing,
    /// The directory's file cannot be used, and why.
    Unusable(String),
    Same(&'a Details),
    Different {
        local: &'a Details,
        listed: &'a Details,
    },
}

fn gather(args: &CheckArgs) -> Result<Gathered, String> {
    let entity = catalog::describe(&args.product_id, &args.catalog)?;
    let (code, stem) = catalog::naming(&args.catalog, &entity, &args.product_id);
    let local = entity
        .keys
        .iter()
        .map(|entry| {
            let path = args.dir.join(files::file_name(&stem, entry.version));
            let local = read_local(&path);
            (path, local)
        })
        .collect();
    let listed: Vec<u32> = entity.keys.iter().map(|k| k.version).collect();
    let mut unlisted: Vec<(u32, String)> = std::fs::read_dir(&args.dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| {
                    let path = e.path();
                    let (code, version) = files::parse_file_name(&path)?;
                    (code == stem && !listed.contains(&version))
                        .then(|| (version, path.display().to_string()))
                })
                .collect()
        })
        .unwrap_or_default();
    unlisted.sort();
    Ok(Gathered {
        entity,
        code,
        stem,
        local,
        unlisted,
    })
}

/// The key file the directory holds for a version, read whole (as the library and the macro
/// read it when it is embedded).
fn read_local(path: &Path) -> Local {
    let bytes = match input::read_regular(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Local::Missing,
        Err(e) => return Local::Unreadable(e.to_string()),
        Ok(None) => {
            return Local::Unreadable(input::too_large_file_message(
                "key file",
                &path.display().to_string(),
            ));
        }
        Ok(Some(bytes)) => bytes,
    };
    let key = match decode_key(&bytes) {
        Ok(key) => key,
        Err(defect) => return Local::Unreadable(defect.to_string()),
    };
    match Details::read(&key) {
        Ok(details) => Local::Key(Box::new(key), details),
        Err(why) => Local::Unreadable(why),
    }
}

/// The catalog's key first (a key the library refuses is a problem whatever the directory
/// holds), then the directory's, judged by the same policy, then the two compared whole.
fn judge<'a>(listed: &'a CatalogKey, local: &'a Local, policy: KeyPolicy) -> Finding<'a> {
    let listed = match &listed.key {
        Err(why) => return Finding::CatalogUnreadable(why),
        Ok((decoded, details)) => match Verdict::of(decoded, policy) {
            Verdict::Refused {
                verdict,
                code,
                message,
            } => {
                return Finding::CatalogRefused {
                    verdict,
                    code,
                    message,
                };
            }
            Verdict::Accepted => details,
        },
    };
    match local {
        Local::Missing => Finding::Missing,
        Local::Unreadable(why) => Finding::Unusable(why.clone()),
        Local::Key(key, local) => match Verdict::of(key, policy) {
            Verdict::Refused {
                verdict,
                code,
                message,
            } => Finding::Unusable(format!("REFUSED, {verdict} ({code}): {message}")),
            Verdict::Accepted if local.same_key(listed) => Finding::Same(local),
            Verdict::Accepted => Finding::Different { local, listed },
        },
    }
}

fn render(args: &CheckArgs, gathered: &Gathered, findings: &[Finding<'_>]) -> u8 {
    let Gathered {
        entity,
        code,
        stem,
        local,
        unlisted,
    } = gathered;
    catalog::note_naming(code.as_deref(), stem, entity, &args.product_id);
    let fetch_hint = format!(
        "register-usage-jwt key fetch --product-id {} --out {}{}",
        args.product_id,
        args.dir.display(),
        args.catalog
            .product_code
            .as_ref()
            .map(|c| format!(" --product-code {c}"))
            .unwrap_or_default()
    );
    let mut problems = 0usize;
    for ((entry, (path, _)), finding) in entity.keys.iter().zip(local).zip(findings) {
        let label = format!("v{} ({})", entry.version, entry.status);
        match finding {
            Finding::CatalogRefused {
                verdict,
                code,
                message,
            } => out!("{label}: the catalog's key is REFUSED, {verdict} ({code}): {message}"),
            Finding::CatalogUnreadable(why) => {
                out!("{label}: the catalog's PublicKey cannot be read: {why}");
            }
            Finding::Missing => out!(
                "{label}: MISSING: {} does not exist. AWS Marketplace lists this key version: \
                 run `{fetch_hint}`, embed it, and ship a release before containers send \
                 PublicKeyVersion {}",
                path.display(),
                entry.version
            ),
            Finding::Unusable(why) => out!("{label}: {} cannot be used: {why}", path.display()),
            Finding::Same(local) => out!(
                "{label}: ok, {} (modulus sha256 {})",
                path.display(),
                local.modulus_sha256
            ),
            Finding::Different { local, listed } => out!(
                "{label}: DIFFERENT: {} holds modulus sha256 {} with exponent {}, the catalog \
                 lists modulus sha256 {} with exponent {} for this version. Find out which is \
                 right before shipping; to take the catalog's, move the file away and run \
                 `{fetch_hint}`",
                path.display(),
                local.modulus_sha256,
                local.exponent,
                listed.modulus_sha256,
                listed.exponent
            ),
        }
        if !matches!(finding, Finding::Same(_)) {
            problems += 1;
        }
    }
    // Versions DIR holds that the catalog no longer lists: worth a word, not a failure.
    for (version, path) in unlisted {
        out!("v{version}: {path} is not listed by the catalog (kept; nothing to do)");
    }
    if problems == 0 {
        out!(
            "ok: {} holds every key version the catalog lists ({})",
            args.dir.display(),
            entity
                .keys
                .iter()
                .map(|k| format!("v{}", k.version))
                .collect::<Vec<_>>()
                .join(", ")
        );
        EXIT_OK
    } else {
        out!("{problems} problem(s): see above");
        EXIT_REJECTED
    }
}
