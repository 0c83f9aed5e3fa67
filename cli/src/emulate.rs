//! `register-usage-jwt emulate`: local AWS Marketplace endpoints for tests. It answers
//! Metering `RegisterUsage` (AWS JSON 1.1) with tokens signed by one private key per key
//! version, Catalog `DescribeEntity` (REST-JSON) with those versions' public keys, and a few
//! admin endpoints of its own. `docs/emulator.md` is the contract: every flag, request and
//! response shape.
//!
//! Built on axum + tokio: the AWS SDKs talk HTTP/1.1 with keep-alive and expect a correct
//! server; hyper (under axum) is the HTTP implementation the Rust AWS SDK itself uses, so in
//! this workspace the emulator shares tokio and hyper with the start-up example instead of
//! adding a second HTTP stack.

mod admin;
mod catalog_server;
mod keys;
mod metering;

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use clap::Args;
use serde_json::{Number, Value, json};

use crate::mint;
use crate::{EXIT_CONFIG, EXIT_OK, Spelling};

pub use keys::KeyForm;
use keys::Versions;
pub use metering::{FailWith, Scenario};

const REQUEST_ID: &str = "00000000-0000-4000-8000-emulated0000";

#[derive(Args, Debug)]
pub struct EmulateArgs {
    /// Address to listen on; port 0 picks a free port. The first stdout line is
    /// `listening on http://ADDR`.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// Key version N signs with the PEM private key in FILE (repeatable; each version its
    /// own key). Not with --private-key / --key-version.
    #[arg(long = "key", value_name = "N=FILE", value_parser = keys::parse_version_file,
          conflicts_with_all = ["private_key", "key_versions"])]
    pub keys: Vec<(u64, PathBuf)>,
    /// PEM private key every --key-version signs with [default: the bundled TEST ONLY
    /// keys/test-only-rsa2048.key.pem].
    #[arg(long, value_name = "FILE")]
    pub private_key: Option<PathBuf>,
    /// Configured public key versions (repeatable) [default: 1], all signing with
    /// --private-key; any other is InvalidPublicKeyVersionException.
    #[arg(long = "key-version", value_name = "N")]
    pub key_versions: Vec<u64>,
    /// Version N has expired: its tokens and responses carry PublicKeyRotationTimestamp T
    /// (epoch seconds) and its catalog Status is "Expired" (repeatable).
    #[arg(long = "expired", value_name = "N=T", value_parser = keys::parse_version_timestamp)]
    pub expired: Vec<(u64, Number)>,
    /// Every version has expired at T (epoch seconds): put this PublicKeyRotationTimestamp
    /// in the tokens and the responses.
    #[arg(long, value_name = "T", value_parser = mint::parse_number)]
    pub rotation_timestamp: Option<Number>,
    /// Entitled product codes (repeatable); any other is InvalidProductCodeException.
    /// Without this option every well-formed product code is entitled.
    #[arg(long = "product-code", value_name = "C")]
    pub product_codes: Vec<String>,
    /// Catalog entity ids that DescribeEntity describes (repeatable); any other is
    /// ResourceNotFoundException.
    #[arg(long = "catalog-product-id", value_name = "ID")]
    pub catalog_product_ids: Vec<String>,
    /// How DescribeEntity writes each SignatureVerificationKeys PublicKey.
    #[arg(long, value_enum, default_value_t = KeyForm::Pem)]
    pub catalog_key_form: KeyForm,
    /// Claim spelling in the tokens.
    #[arg(long, value_enum, default_value_t = Spelling::Pascal)]
    pub spelling: Spelling,
    /// Put `iat` (now) in the tokens.
    #[arg(long)]
    pub iat: bool,
    /// Answer the first N calls with ThrottlingException, then succeed.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub throttle: u64,
    /// The next N RegisterUsage calls (all of them without `:N`) answer the documented error
    /// NAME, e.g. ThrottlingException:3 (repeatable, in order).
    #[arg(long = "fail-with", value_name = "NAME[:N]", value_parser = metering::parse_fail_with)]
    pub fail_with: Vec<FailWith>,
    /// Answer every (well-formed) call with this error.
    #[arg(long, value_enum)]
    pub scenario: Option<Scenario>,
    /// PSS salt length of the tokens (PS256 is 32; others make tokens verifiers must refuse).
    #[arg(long, value_name = "BYTES", default_value_t = 32)]
    pub salt_len: usize,
}

/// The running emulator: its options, its key versions (which the admin endpoints may
/// change) and its call counters.
struct Emulator {
    args: EmulateArgs,
    versions: Mutex<Versions>,
    register_usage_calls: AtomicU64,
    describe_entity_calls: AtomicU64,
}

impl Emulator {
    fn versions(&self) -> MutexGuard<'_, Versions> {
        // A panic while holding the lock leaves the map consistent (every change is one
        // insert), so a poisoned lock is still usable.
        self.versions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn next_call(counter: &AtomicU64) -> u64 {
        counter.fetch_add(1, Ordering::SeqCst)
    }
}

/// An AWS error, in the shape of one protocol or the other.
#[derive(Debug)]
struct AwsError {
    status: StatusCode,
    name: &'static str,
    message: String,
}

impl AwsError {
    fn new(name: &'static str, message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            name,
            message: message.into(),
        }
    }

    fn with_status(self, status: StatusCode) -> Self {
        Self { status, ..self }
    }

    fn validation(message: impl Into<String>) -> Self {
        Self::new("ValidationException", message)
    }

    /// AWS JSON 1.1 (Metering): `{"__type", "message"}`.
    fn json_1_1(self) -> Response {
        let body = json!({"__type": self.name, "message": self.message});
        respond(self.status, &body, metering::CONTENT_TYPE, Some(self.name))
    }

    /// REST-JSON (Catalog): `{"Message"}` and the name in `x-amzn-ErrorType`.
    fn rest_json(self) -> Response {
        let body = json!({"Message": self.message});
        respond(self.status, &body, "application/json", Some(self.name))
    }
}

fn respond(
    status: StatusCode,
    body: &Value,
    content_type: &'static str,
    error: Option<&'static str>,
) -> Response {
    let mut response = (status, body.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert("x-amzn-RequestId", HeaderValue::from_static(REQUEST_ID));
    if let Some(name) = error {
        headers.insert("x-amzn-ErrorType", HeaderValue::from_static(name));
    }
    response
}

async fn unknown_route() -> Response {
    AwsError::new(
        "UnknownOperationException",
        "this emulator answers POST / (X-Amz-Target AWSMPMeteringService.RegisterUsage), \
         GET /DescribeEntity and /_emulator/ (see docs/emulator.md)",
    )
    .json_1_1()
}

pub fn run(args: EmulateArgs) -> u8 {
    let versions = match Versions::from_args(&args) {
        Ok(versions) => versions,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_CONFIG;
        }
    };
    if !args.listen.ip().is_loopback() {
        eprintln!(
            "WARNING: listening on {}, not loopback: anyone who can reach it gets tokens signed \
             with the emulator's keys, and can add keys through /_emulator/keys",
            args.listen
        );
    }
    if args.keys.is_empty() && args.private_key.is_none() {
        eprintln!(
            "emulate: signing with the bundled TEST ONLY key keys/test-only-rsa2048.key.pem \
             (verify with keys/test-only-rsa2048.pub.pem and --insecure-allow-published-test-keys)"
        );
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return EXIT_CONFIG;
        }
    };
    let listen = args.listen;
    let emulator = Arc::new(Emulator {
        args,
        versions: Mutex::new(versions),
        register_usage_calls: AtomicU64::new(0),
        describe_entity_calls: AtomicU64::new(0),
    });
    let app = Router::new()
        .route("/", axum::routing::post(metering::register_usage))
        .route(
            "/DescribeEntity",
            axum::routing::get(catalog_server::describe_entity),
        )
        .route("/_emulator/calls", axum::routing::get(admin::calls))
        .route("/_emulator/keys", axum::routing::post(admin::add_key))
        .route("/_emulator/expire", axum::routing::post(admin::expire))
        .fallback(unknown_route)
        .with_state(emulator);
    let served = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen).await?;
        let local = listener.local_addr()?;
        let mut stdout = std::io::stdout();
        writeln!(stdout, "listening on http://{local}")?;
        stdout.flush()?;
        axum::serve(listener, app).await
    });
    match served {
        Ok(()) => EXIT_OK,
        Err(e) => {
            eprintln!("error: cannot serve on {listen}: {e}");
            EXIT_CONFIG
        }
    }
}
