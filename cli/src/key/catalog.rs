//! The Marketplace Catalog API client of `key fetch` and `key check`: a product's key versions.
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
    /// Give up on the Catalog API after this many seconds (connecting, each read, and the
    /// whole call with its retries).
    #[arg(long, value_name = "SECONDS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
}

#[cfg(not(feature = "catalog"))]
pub fn not_built() -> u8 {
    crate::output::err!(
        "error (not_built): this register-usage-jwt was built without the AWS SDK; `key fetch` \
         and `key check` need the `catalog` feature: \
         cargo install --path cli --features catalog (from a checkout of register-usage-jwt). \
         Or fetch the key yourself: aws marketplace-catalog describe-entity --catalog \
         AWSMarketplace --entity-id ID, then `register-usage-jwt key inspect`."
    );
    crate::EXIT_CONFIG
}

#[cfg(feature = "catalog")]
pub use with_sdk::{
    CatalogKey, Entity, checked_product_code, describe, naming, note_naming, policy,
};

#[cfg(feature = "catalog")]
mod with_sdk {
    use std::time::Duration;

    use aws_sdk_marketplacecatalog::error::SdkError;
    use register_usage_jwt::{
        ConfigError, DecodedKey, KeyPolicy, ProductCodeDefect, PublicKey, Verifier, decode_key,
    };
    use serde_json::Value;

    use super::super::details::Details;
    use super::super::files;
    use super::CatalogArgs;
    use crate::EXIT_CONFIG;
    use crate::output::{err, escape_remote};

    /// One entry of `SignatureVerificationKeys`.
    pub struct CatalogKey {
        pub version: u32,
        /// Escaped for printing ([`escape_remote`]).
        pub status: String,
        /// The key, or why its `PublicKey` string is refused.
        pub key: Result<(DecodedKey, Details), String>,
    }

    /// What DescribeEntity said about the product.
    pub struct Entity {
        /// `ProductCode` when it is a product code by the library's rule.
        pub product_code: Option<String>,
        /// `ProductCode` when it is not, escaped for printing, and why.
        pub refused_code: Option<(String, ProductCodeDefect)>,
        pub keys: Vec<CatalogKey>,
    }

    /// Why `code` is not a product code, by the library's own rule: `Verifier::new` judges
    /// the code before it looks at the keys, so an empty key list isolates that judgement.
    pub(super) fn product_code_defect(code: &str) -> Option<ProductCodeDefect> {
        match Verifier::new(code, Vec::<(u32, PublicKey)>::new()) {
            Err(ConfigError::InvalidProductCode { defect, .. }) => Some(defect),
            _ => None,
        }
    }

    /// The `--product-code` the user passed, refused (exit 2) unless it is a product code.
    pub fn checked_product_code(args: &CatalogArgs) -> Result<(), u8> {
        let Some(code) = &args.product_code else {
            return Ok(());
        };
        match product_code_defect(code) {
            None => Ok(()),
            Some(defect) => {
                err!(
                    "error (usage): --product-code \"{}\" is not a product code: {defect}; pass \
                     the code your container sends to RegisterUsage",
                    escape_remote(code)
                );
                Err(EXIT_CONFIG)
            }
        }
    }

    /// The product code for the embed lines, if known, and the file names' product part
    /// ([`files::file_stem`]: the code, else the product id, never raw).
    pub fn naming(
        args: &CatalogArgs,
        entity: &Entity,
        product_id: &str,
    ) -> (Option<String>, String) {
        let code = args.product_code.clone().or(entity.product_code.clone());
        let stem = files::file_stem(code.as_deref().unwrap_or(product_id));
        (code, stem)
    }

    /// Says on stderr how the files are named when it is not simply by the product code.
    pub fn note_naming(code: Option<&str>, stem: &str, entity: &Entity, product_id: &str) {
        if let Some((shown, defect)) = &entity.refused_code {
            err!(
                "note: the catalog's ProductCode \"{shown}\" is not a product code ({defect}); \
                 it is not used"
            );
        }
        match code {
            None => err!(
                "note: DescribeEntity did not give the product code, so the files are named by \
                 the product id {}; pass --product-code CODE (the code your container sends to \
                 RegisterUsage) to name them by code and fill in the embed lines",
                escape_remote(product_id)
            ),
            Some(code) if code != stem => err!(
                "note: the product code {} holds characters that are not safe in a file name, \
                 so the files are named product-{stem}-v<N>.pem",
                escape_remote(code)
            ),
            Some(_) => {}
        }
    }

    pub fn describe(product_id: &str, args: &CatalogArgs) -> Result<Entity, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the runtime: {e}"))?;
        let details = runtime.block_on(async {
            let region = args
                .region
                .clone()
                .unwrap_or_else(|| "us-east-1".to_owned());
            // Every step bounded: an endpoint that accepts the connection and never answers
            // must end the command, not hang a CI job.
            let limit = Duration::from_secs(args.timeout);
            let timeouts = aws_config::timeout::TimeoutConfig::builder()
                .connect_timeout(limit)
                .read_timeout(limit)
                .operation_attempt_timeout(limit)
                .operation_timeout(limit)
                .build();
            let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
                .region(aws_config::Region::new(region))
                .timeout_config(timeouts);
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
                .map_err(|e| describe_error(&e, product_id, args))?;
            match (output.details(), output.details_document()) {
                (Some(text), _) => serde_json::from_str::<Value>(text)
                    .map_err(|e| format!("the entity's Details is not JSON: {e}")),
                (None, Some(document)) => Ok(document_to_json(document)),
                (None, None) => Err("DescribeEntity returned no Details".to_owned()),
            }
        })?;
        parse_details(&details)
    }

    /// The message for a failed DescribeEntity: a timeout says which limit and what to do;
    /// anything else gives the SDK's error with its causes. Escaped: it carries the server's
    /// words.
    fn describe_error<E: std::error::Error + 'static, R: std::fmt::Debug>(
        error: &SdkError<E, R>,
        product_id: &str,
        args: &CatalogArgs,
    ) -> String {
        let timed_out = match error {
            SdkError::TimeoutError(_) => true,
            SdkError::DispatchFailure(failure) => failure.is_timeout(),
            _ => false,
        };
        if timed_out {
            return format!(
                "DescribeEntity {} timed out: {} gave no answer within {} s; check the \
                 endpoint, the network and any proxy, or allow longer with --timeout SECONDS",
                escape_remote(product_id),
                args.endpoint_url
                    .as_deref()
                    .map_or(std::borrow::Cow::Borrowed("the Catalog API"), escape_remote),
                args.timeout
            );
        }
        use std::error::Error as _;
        let mut message = format!("DescribeEntity {product_id} failed: {error}");
        let mut source = error.source();
        while let Some(cause) = source {
            message.push_str(&format!(": {cause}"));
            source = cause.source();
        }
        escape_remote(&message).into_owned()
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
        let code = ["ProductCode", "productCode"]
            .iter()
            .find_map(|name| details.get(*name).and_then(Value::as_str));
        let (product_code, refused_code) = match code.map(|c| (c, product_code_defect(c))) {
            None => (None, None),
            Some((code, None)) => (Some(code.to_owned()), None),
            Some((code, Some(defect))) => (None, Some((escape_remote(code).into_owned(), defect))),
        };
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
            let status = entry.get("Status").and_then(Value::as_str).map_or_else(
                || "(no status)".to_owned(),
                |s| escape_remote(s).into_owned(),
            );
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
        Ok(Entity {
            product_code,
            refused_code,
            keys,
        })
    }

    pub fn policy(args: &CatalogArgs) -> KeyPolicy {
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
}

#[cfg(all(test, feature = "catalog"))]
mod tests {
    use super::with_sdk::product_code_defect;

    /// The judgement rests on `Verifier::new` checking the code before the keys: if that
    /// order changed, every code would pass here.
    #[test]
    fn product_codes_are_judged_by_the_library() {
        assert_eq!(product_code_defect("1fszvu527waovqeuhpkyx2b5d"), None);
        assert_eq!(product_code_defect("x/../../escaped"), None);
        for bad in ["", "a\u{1b}b", "a b", "a\rb", &"a".repeat(256)] {
            assert!(product_code_defect(bad).is_some(), "{bad:?}");
        }
    }
}
