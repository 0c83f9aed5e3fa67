//! `key fetch` and `key check`: a product's key versions from the Marketplace Catalog API.
//!
//! `DescribeEntity` (catalog `AWSMarketplace`) on the container product returns `Details`, a
//! JSON string whose `SignatureVerificationKeys` lists `{PublicKey, PublicKeyVersion,
//! Status}`. The form of `PublicKey` is documented nowhere, so it goes through the library's
//! `decode_key` like any other key text, and is written out as canonical PEM.
//!
//! Built only with the `catalog` feature: the AWS SDK more than doubles the tool's build, and
//! the README's first command must stay quick. Without it these commands say how to get it.
//!
//! File names: `product-<code>-v<N>.pem`. The product *code* (what a container sends to
//! RegisterUsage, 25 characters) is not the product *id* DescribeEntity takes
//! (`prod-...`). The code comes from `--product-code`, else from `Details` if it carries
//! one (`ProductCode`), else the files are named by the product id and the tool says so.

use std::path::PathBuf;

use clap::Args;

#[derive(Args, Debug)]
pub struct FetchArgs {
    /// The product id (entity id) of the container product, e.g. `prod-abcdefgh12345`.
    #[arg(long, value_name = "ID")]
    pub product_id: String,
    /// Where to write `product-<code>-v<N>.pem`.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out: PathBuf,
    #[command(flatten)]
    pub catalog: CatalogArgs,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The product id (entity id) of the container product.
    #[arg(long, value_name = "ID")]
    pub product_id: String,
    /// The directory that holds the product's keys (`product-<code>-v<N>.pem`).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub catalog: CatalogArgs,
}

#[derive(Args, Debug)]
pub struct CatalogArgs {
    /// The product code, for file names and the embed lines [default: `ProductCode` in the
    /// entity's Details if present, else the product id is used in file names].
    #[arg(long, value_name = "CODE")]
    pub product_code: Option<String>,
    /// The Catalog API endpoint (for tests and emulators) [default: the SDK's].
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// The AWS region of the Catalog API, which is served from us-east-1 [default:
    /// us-east-1, whatever the SDK's configuration says]. Credentials come from the SDK's
    /// usual chain (environment, profile, SSO, instance role).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// INSECURE: accept this crate's published TEST ONLY keys (for emulators and tests).
    #[arg(long)]
    pub insecure_allow_published_test_keys: bool,
}

#[cfg(not(feature = "catalog"))]
fn not_built() -> u8 {
    crate::output::err!(
        "error (not_built): this register-usage-jwt was built without the AWS SDK; `key fetch` \
         and `key check` need the `catalog` feature: \
         cargo install --path cli --features catalog (from a checkout of register-usage-jwt). \
         Or fetch the key yourself: aws marketplace-catalog describe-entity --catalog \
         AWSMarketplace --entity-id ID, then `register-usage-jwt key inspect`."
    );
    crate::EXIT_CONFIG
}

#[cfg(not(feature = "catalog"))]
pub fn fetch(_: &FetchArgs) -> u8 {
    not_built()
}

#[cfg(not(feature = "catalog"))]
pub fn check(_: &CheckArgs) -> u8 {
    not_built()
}

#[cfg(feature = "catalog")]
pub use with_sdk::{check, fetch};

#[cfg(feature = "catalog")]
mod with_sdk {
    use std::path::Path;

    use register_usage_jwt::{DecodedKey, KeyPolicy, decode_key};
    use serde_json::Value;

    use super::{CatalogArgs, CheckArgs, FetchArgs};
    use crate::key::{self, Details, Verdict};
    use crate::output::{err, out};
    use crate::{EXIT_CONFIG, EXIT_OK, EXIT_REJECTED};

    /// One entry of `SignatureVerificationKeys`.
    struct CatalogKey {
        version: u32,
        status: String,
        /// The key, or why its `PublicKey` string is refused.
        key: Result<(DecodedKey, Details), String>,
    }

    /// What DescribeEntity said about the product.
    struct Entity {
        product_code: Option<String>,
        keys: Vec<CatalogKey>,
    }

    /// The name the files carry: the product code if known, else the product id.
    fn file_stem(args: &CatalogArgs, entity: &Entity, product_id: &str) -> (String, bool) {
        match args.product_code.clone().or(entity.product_code.clone()) {
            Some(code) => (code, true),
            None => (product_id.to_owned(), false),
        }
    }

    fn describe(product_id: &str, args: &CatalogArgs) -> Result<Entity, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the runtime: {e}"))?;
        let details = runtime.block_on(async {
            let region = args
                .region
                .clone()
                .unwrap_or_else(|| "us-east-1".to_owned());
            let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
                .region(aws_config::Region::new(region));
            if let Some(url) = &args.endpoint_url {
                loader = loader.endpoint_url(url);
            }
            let config = loader.load().await;
            let client = aws_sdk_marketplacecatalog::Client::new(&config);
            let output = client
                .describe_entity()
                .catalog("AWSMarketplace")
                .entity_id(product_id)
                .send()
                .await
                .map_err(|e| {
                    use std::error::Error as _;
                    let mut message = format!("DescribeEntity {product_id} failed: {e}");
                    let mut source = e.source();
                    while let Some(cause) = source {
                        message.push_str(&format!(": {cause}"));
                        source = cause.source();
                    }
                    message
                })?;
            match (output.details(), output.details_document()) {
                (Some(text), _) => serde_json::from_str::<Value>(text)
                    .map_err(|e| format!("the entity's Details is not JSON: {e}")),
                (None, Some(document)) => Ok(document_to_json(document)),
                (None, None) => Err("DescribeEntity returned no Details".to_owned()),
            }
        })?;
        parse_details(&details)
    }

    fn document_to_json(document: &aws_smithy_types::Document) -> Value {
        use aws_smithy_types::{Document, Number};
        match document {
            Document::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), document_to_json(v)))
                    .collect(),
            ),
            Document::Array(items) => Value::Array(items.iter().map(document_to_json).collect()),
            Document::Number(Number::PosInt(n)) => Value::from(*n),
            Document::Number(Number::NegInt(n)) => Value::from(*n),
            Document::Number(Number::Float(f)) => Value::from(*f),
            Document::String(s) => Value::String(s.clone()),
            Document::Bool(b) => Value::Bool(*b),
            Document::Null => Value::Null,
        }
    }

    fn parse_details(details: &Value) -> Result<Entity, String> {
        let product_code = ["ProductCode", "productCode"]
            .iter()
            .find_map(|name| details.get(*name).and_then(Value::as_str))
            .map(str::to_owned);
        let entries = details
            .get("SignatureVerificationKeys")
            .and_then(Value::as_array)
            .ok_or(
                "the entity's Details has no SignatureVerificationKeys list: is the id a \
                 container product's, and does it use RegisterUsage?",
            )?;
        let mut keys = Vec::new();
        for (index, entry) in entries.iter().enumerate() {
            let version = match entry.get("PublicKeyVersion") {
                Some(Value::Number(n)) => n.as_u64(),
                Some(Value::String(s)) => s.trim().parse().ok(),
                _ => None,
            }
            .and_then(|v| u32::try_from(v).ok())
            .filter(|v| *v >= 1)
            .ok_or(format!(
                "SignatureVerificationKeys[{index}] has no PublicKeyVersion of at least 1"
            ))?;
            let status = entry
                .get("Status")
                .and_then(Value::as_str)
                .unwrap_or("(no status)")
                .to_owned();
            let key = match entry.get("PublicKey").and_then(Value::as_str) {
                None => Err("it has no PublicKey string".to_owned()),
                Some(text) => decode_key(text.as_bytes())
                    .map_err(|defect| defect.to_string())
                    .and_then(|key| Details::read(&key).map(|details| (key, details))),
            };
            keys.push(CatalogKey {
                version,
                status,
                key,
            });
        }
        keys.sort_by_key(|k| k.version);
        Ok(Entity { product_code, keys })
    }

    fn policy(args: &CatalogArgs) -> KeyPolicy {
        if args.insecure_allow_published_test_keys {
            err!(
                "WARNING: --insecure-allow-published-test-keys: accepting TEST ONLY keys whose \
                 private keys are PUBLIC. Never use this for a real product."
            );
            KeyPolicy::DangerouslyAllowPublishedTestKeys
        } else {
            KeyPolicy::Production
        }
    }

    fn note_stem(named_by_code: bool, product_id: &str) {
        if !named_by_code {
            err!(
                "note: DescribeEntity did not give the product code, so the files are named by \
                 the product id {product_id}; pass --product-code CODE (the code your container \
                 sends to RegisterUsage) to name them by code and fill in the embed lines"
            );
        }
    }

    pub fn fetch(args: &FetchArgs) -> u8 {
        let policy = policy(&args.catalog);
        let entity = match describe(&args.product_id, &args.catalog) {
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
        let (stem, named_by_code) = file_stem(&args.catalog, &entity, &args.product_id);
        note_stem(named_by_code, &args.product_id);
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
            let path = args.out.join(key::file_name(&stem, entry.version));
            let written =
                key::canonical_pem(decoded).and_then(|pem| key::write_pem(&path, decoded, &pem));
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
            let code = named_by_code.then_some(stem.as_str());
            for line in key::embed_lines(code, &embedded) {
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

    pub fn check(args: &CheckArgs) -> u8 {
        let policy = policy(&args.catalog);
        let entity = match describe(&args.product_id, &args.catalog) {
            Ok(entity) => entity,
            Err(message) => {
                err!("error (catalog): {message}");
                return EXIT_CONFIG;
            }
        };
        let (stem, named_by_code) = file_stem(&args.catalog, &entity, &args.product_id);
        note_stem(named_by_code, &args.product_id);
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
        for entry in &entity.keys {
            let label = format!("v{} ({})", entry.version, entry.status);
            let path = args.dir.join(key::file_name(&stem, entry.version));
            let catalog_sha = match &entry.key {
                Ok((decoded, details)) => {
                    if let Verdict::Refused {
                        verdict,
                        code,
                        message,
                    } = Verdict::of(decoded, policy)
                    {
                        out!(
                            "{label}: the catalog's key is REFUSED, {verdict} ({code}): {message}"
                        );
                        problems += 1;
                        continue;
                    }
                    details.modulus_sha256.clone()
                }
                Err(why) => {
                    out!("{label}: the catalog's PublicKey cannot be read: {why}");
                    problems += 1;
                    continue;
                }
            };
            match read_local(&path) {
                Local::Missing => {
                    out!(
                        "{label}: MISSING: {} does not exist. AWS Marketplace lists this key \
                         version: run `{fetch_hint}`, embed it, and ship a release before \
                         containers send PublicKeyVersion {}",
                        path.display(),
                        entry.version
                    );
                    problems += 1;
                }
                Local::Unreadable(why) => {
                    out!("{label}: {} cannot be used: {why}", path.display());
                    problems += 1;
                }
                Local::Key(sha) if sha == catalog_sha => {
                    out!("{label}: ok, {} (modulus sha256 {sha})", path.display());
                }
                Local::Key(sha) => {
                    out!(
                        "{label}: DIFFERENT: {} holds modulus sha256 {sha}, the catalog lists \
                         {catalog_sha} for this version. Find out which is right before \
                         shipping; to take the catalog's, move the file away and run \
                         `{fetch_hint}`",
                        path.display()
                    );
                    problems += 1;
                }
            }
        }
        // Versions DIR holds that the catalog no longer lists: worth a word, not a failure.
        let listed: Vec<u32> = entity.keys.iter().map(|k| k.version).collect();
        if let Ok(entries) = std::fs::read_dir(&args.dir) {
            let mut extra: Vec<(u32, String)> = entries
                .filter_map(Result::ok)
                .filter_map(|e| {
                    let path = e.path();
                    let (code, version) = key::parse_file_name(&path)?;
                    (code == stem && !listed.contains(&version))
                        .then(|| (version, path.display().to_string()))
                })
                .collect();
            extra.sort();
            for (version, path) in extra {
                out!("v{version}: {path} is not listed by the catalog (kept; nothing to do)");
            }
        }
        if problems == 0 {
            out!(
                "ok: {} holds every key version the catalog lists ({})",
                args.dir.display(),
                listed
                    .iter()
                    .map(|v| format!("v{v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            EXIT_OK
        } else {
            out!("{problems} problem(s): see above");
            EXIT_REJECTED
        }
    }

    enum Local {
        Missing,
        Unreadable(String),
        Key(String),
    }

    fn read_local(path: &Path) -> Local {
        match std::fs::read(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Local::Missing,
            Err(e) => Local::Unreadable(e.to_string()),
            Ok(bytes) => match decode_key(&bytes) {
                Err(defect) => Local::Unreadable(defect.to_string()),
                Ok(key) => match Details::read(&key) {
                    Ok(details) => Local::Key(details.modulus_sha256),
                    Err(why) => Local::Unreadable(why),
                },
            },
        }
    }
}
