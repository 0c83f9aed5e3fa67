//! `register-usage-jwt emulate`: a local RegisterUsage endpoint speaking AWS JSON 1.1.
//!
//! Built on axum + tokio: the AWS SDKs talk HTTP/1.1 with keep-alive and expect a correct
//! server; hyper (under axum) is the HTTP implementation the Rust AWS SDK itself uses, so in
//! this workspace the emulator shares tokio and hyper with the start-up example instead of
//! adding a second HTTP stack.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use clap::{Args, ValueEnum};
use serde_json::{Number, Value, json};

use crate::mint::{self, Claims};
use crate::{EXIT_CONFIG, EXIT_OK, Spelling};

const TARGET: &str = "AWSMPMeteringService.RegisterUsage";
const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// An error every RegisterUsage call answers with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Scenario {
    /// CustomerNotEntitledException (400).
    NotEntitled,
    /// PlatformNotSupportedException (400).
    PlatformNotSupported,
    /// InvalidRegionException (400).
    InvalidRegion,
    /// DisabledApiException (400).
    DisabledApi,
    /// InternalServiceErrorException (500).
    InternalError,
}

impl Scenario {
    fn error(self) -> AwsError {
        match self {
            Scenario::NotEntitled => AwsError::new(
                "CustomerNotEntitledException",
                "Customer is not entitled to this product (emulated).",
            ),
            Scenario::PlatformNotSupported => AwsError::new(
                "PlatformNotSupportedException",
                "AWS Marketplace does not support metering usage from the underlying platform \
                 (emulated). Currently, Amazon ECS, Amazon EKS, and AWS Fargate are supported.",
            ),
            Scenario::InvalidRegion => AwsError::new(
                "InvalidRegionException",
                "RegisterUsage must be called in the same AWS Region the ECS task was launched \
                 in (emulated).",
            ),
            Scenario::DisabledApi => AwsError::new(
                "DisabledApiException",
                "The API is disabled in the Region (emulated).",
            ),
            Scenario::InternalError => AwsError {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                ..AwsError::new(
                    "InternalServiceErrorException",
                    "An internal error has occurred (emulated). Retry your request.",
                )
            },
        }
    }
}

#[derive(Args, Debug)]
pub struct EmulateArgs {
    /// Address to listen on; port 0 picks a free port. The first stdout line is
    /// `listening on http://ADDR`.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// PEM private key to sign with [default: the bundled TEST ONLY
    /// keys/test-only-rsa2048.key.pem].
    #[arg(long, value_name = "FILE")]
    pub private_key: Option<PathBuf>,
    /// Entitled product codes (repeatable); any other is InvalidProductCodeException.
    /// Without this option every well-formed product code is entitled.
    #[arg(long = "product-code", value_name = "C")]
    pub product_codes: Vec<String>,
    /// Configured public key versions (repeatable) [default: 1]; any other is
    /// InvalidPublicKeyVersionException.
    #[arg(long = "key-version", value_name = "N")]
    pub key_versions: Vec<u64>,
    /// Claim spelling in the tokens.
    #[arg(long, value_enum, default_value_t = Spelling::Pascal)]
    pub spelling: Spelling,
    /// Put `iat` (now) in the tokens.
    #[arg(long)]
    pub iat: bool,
    /// Report an expired key version: put this PublicKeyRotationTimestamp (epoch seconds)
    /// in the tokens and the responses.
    #[arg(long, value_name = "T", value_parser = mint::parse_number)]
    pub rotation_timestamp: Option<Number>,
    /// Answer the first N calls with ThrottlingException, then succeed.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub throttle: u64,
    /// Answer every (well-formed) call with this error.
    #[arg(long, value_enum)]
    pub scenario: Option<Scenario>,
    /// PSS salt length of the tokens (PS256 is 32; others make tokens verifiers must refuse).
    #[arg(long, value_name = "BYTES", default_value_t = 32)]
    pub salt_len: usize,
}

struct Emulator {
    key: rsa::PrivateKey,
    args: EmulateArgs,
    calls: AtomicU64,
}

/// An AWS JSON 1.1 error.
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

    fn validation(message: impl Into<String>) -> Self {
        Self::new("ValidationException", message)
    }
}

impl IntoResponse for AwsError {
    fn into_response(self) -> Response {
        let body = json!({"__type": self.name, "message": self.message}).to_string();
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
        headers.insert("x-amzn-ErrorType", HeaderValue::from_static(self.name));
        headers.insert(
            "x-amzn-RequestId",
            HeaderValue::from_static("00000000-0000-4000-8000-emulated0000"),
        );
        response
    }
}

fn success(body: Value) -> Response {
    let mut response = (StatusCode::OK, body.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    headers.insert(
        "x-amzn-RequestId",
        HeaderValue::from_static("00000000-0000-4000-8000-emulated0000"),
    );
    response
}

fn valid_product_code(code: &str) -> bool {
    (1..=255).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-/=:_.@".contains(&b))
}

impl Emulator {
    fn key_versions(&self) -> Vec<u64> {
        if self.args.key_versions.is_empty() {
            vec![1]
        } else {
            self.args.key_versions.clone()
        }
    }

    fn handle(&self, headers: &HeaderMap, body: &[u8]) -> Result<Value, AwsError> {
        let target = headers
            .get("x-amz-target")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if target != TARGET {
            return Err(AwsError::new(
                "UnknownOperationException",
                format!("this emulator implements only {TARGET}, not {target:?}"),
            ));
        }
        let request: Value = serde_json::from_slice(body).map_err(|e| {
            AwsError::new(
                "SerializationException",
                format!("the body is not JSON: {e}"),
            )
        })?;
        let Value::Object(request) = request else {
            return Err(AwsError::new(
                "SerializationException",
                "the body is not a JSON object",
            ));
        };

        let call = self.calls.fetch_add(1, Ordering::SeqCst);
        if call < self.args.throttle {
            return Err(AwsError::new(
                "ThrottlingException",
                format!(
                    "Rate exceeded (emulated: call {} of the first {} is throttled)",
                    call.saturating_add(1),
                    self.args.throttle
                ),
            ));
        }

        // ProductCode: 1-255 of [-a-zA-Z0-9/=:_.@], and one this emulator entitles.
        let product_code = match request.get("ProductCode") {
            Some(Value::String(code)) => code.clone(),
            Some(_) => {
                return Err(AwsError::new(
                    "InvalidProductCodeException",
                    "ProductCode must be a string",
                ));
            }
            None => {
                return Err(AwsError::validation(
                    "1 validation error detected: Value null at 'productCode' failed to satisfy \
                     constraint: Member must not be null",
                ));
            }
        };
        if !valid_product_code(&product_code) {
            return Err(AwsError::new(
                "InvalidProductCodeException",
                "ProductCode must be 1 to 255 characters of [-a-zA-Z0-9/=:_.@]",
            ));
        }
        if !self.args.product_codes.is_empty() && !self.args.product_codes.contains(&product_code) {
            return Err(AwsError::new(
                "InvalidProductCodeException",
                "The product code passed does not match the product code used for publishing \
                 the product (emulated).",
            ));
        }

        // PublicKeyVersion: an integer >= 1 that is configured.
        let versions = self.key_versions();
        let key_version = request
            .get("PublicKeyVersion")
            .and_then(Value::as_u64)
            .filter(|v| *v >= 1 && versions.contains(v))
            .ok_or_else(|| {
                AwsError::new(
                    "InvalidPublicKeyVersionException",
                    format!("Public Key version is invalid (emulated; configured: {versions:?})."),
                )
            })?;

        // Nonce: optional, a string of at most 255 characters.
        let nonce = match request.get("Nonce") {
            None | Some(Value::Null) => None,
            Some(Value::String(nonce)) if nonce.chars().count() <= 255 => Some(nonce.clone()),
            Some(Value::String(_)) => {
                return Err(AwsError::validation(
                    "1 validation error detected: Value at 'nonce' failed to satisfy constraint: \
                     Member must have length less than or equal to 255",
                ));
            }
            Some(_) => return Err(AwsError::validation("Nonce must be a string")),
        };

        if let Some(scenario) = self.args.scenario {
            return Err(scenario.error());
        }

        let iat = self.args.iat.then(|| {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            Number::from(now)
        });
        let claims = Claims {
            product_code,
            key_version,
            nonce,
            iat,
            rotation: self.args.rotation_timestamp.clone(),
            spelling: self.args.spelling,
        };
        let token =
            mint::sign(&self.key, self.args.salt_len, &claims.to_json()).map_err(|message| {
                AwsError {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    ..AwsError::new("InternalServiceErrorException", message)
                }
            })?;
        let mut response = json!({"Signature": token});
        if let Some(rotation) = &self.args.rotation_timestamp {
            response["PublicKeyRotationTimestamp"] = Value::Number(rotation.clone());
        }
        Ok(response)
    }
}

async fn register_usage(
    State(emulator): State<Arc<Emulator>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let outcome = emulator.handle(&headers, &body);
    match outcome {
        Ok(response) => {
            eprintln!("emulate: RegisterUsage -> 200");
            success(response)
        }
        Err(error) => {
            eprintln!(
                "emulate: RegisterUsage -> {} {}",
                error.status.as_u16(),
                error.name
            );
            error.into_response()
        }
    }
}

async fn unknown_route() -> Response {
    AwsError::new(
        "UnknownOperationException",
        "this emulator answers only POST / with X-Amz-Target AWSMPMeteringService.RegisterUsage",
    )
    .into_response()
}

pub fn run(args: EmulateArgs) -> u8 {
    let key = match mint::load_private_key(args.private_key.as_deref()) {
        Ok(key) => key,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_CONFIG;
        }
    };
    if !args.listen.ip().is_loopback() {
        eprintln!(
            "WARNING: listening on {}, not loopback: anyone who can reach it gets tokens signed \
             with the emulator's key",
            args.listen
        );
    }
    if args.private_key.is_none() {
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
        key,
        args,
        calls: AtomicU64::new(0),
    });
    let app = Router::new()
        .route("/", axum::routing::post(register_usage))
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
