//! `key fetch`: every key version the Marketplace Catalog API lists, judged by the library
//! and written as canonical PEM under `--out` (feature `catalog`).

use super::catalog::{self, FetchArgs};
use super::details::Verdict;
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
    let mut ok = true;
    let mut embedded = Vec::new();
    for entry in &entity.keys {
        let label = format!("v{} ({})", entry.version, entry.status);
        let (decoded, details) = match &entry.key {
            Ok(key) => key,
            Err(why) => {
                out!("{label}: REFUSED: the catalog's PublicKey: {why}");
                ok = false;
                continue;
            }
        };
        if let Verdict::Refused {
            verdict,
            code,
            message,
        } = Verdict::of(decoded, policy)
        {
            out!("{label}: REFUSED, {verdict} ({code}): {message}");
            ok = false;
            continue;
        }
        let path = args.out.join(files::file_name(&stem, entry.version));
        let written =
            files::canonical_pem(decoded).and_then(|pem| files::write_pem(&path, details, &pem));
        match written {
            Ok(fresh) => {
                out!(
                    "{label}: {} ({}), RSA-{}, e {}, modulus sha256 {}, form {}",
                    path.display(),
                    if fresh { "written" } else { "unchanged" },
                    details.bits,
                    details.exponent,
                    details.modulus_sha256,
                    decoded.form()
                );
                embedded.push((entry.version, path.display().to_string()));
            }
            Err(message) => {
                out!("{label}: NOT WRITTEN: {message}");
                ok = false;
            }
        }
    }
    if !embedded.is_empty() {
        out!("embed them:");
        for line in embed_lines(code.as_deref(), &embedded) {
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
