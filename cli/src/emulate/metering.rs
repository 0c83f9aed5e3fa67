//! Marketplace Metering `RegisterUsage`, AWS JSON 1.1.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use clap::ValueEnum;
use serde_json::{Number, Value, json};

use super::{AwsError, Emulator, respond};
use crate::mint::{self, Claims};

const TARGET: &str = "AWSMPMeteringService.RegisterUsage";
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// Every error RegisterUsage documents, by its AWS name (API reference, "Errors").
const DOCUMENTED_ERRORS: [&str; 8] = [
    "CustomerNotEntitledException",
    "DisabledApiException",
    "InternalServiceErrorException",
    "InvalidProductCodeException",
    "InvalidPublicKeyVersionException",
    "InvalidRegionException",
    "PlatformNotSupportedException",
    "ThrottlingException",
];

/// A documented RegisterUsage error, as AWS answers it (name, status, message).
fn documented_error(name: &'static str) -> AwsError {
    let message = match name {
        "CustomerNotEntitledException" => "Customer is not entitled to this product (emulated).",
        "DisabledApiException" => "The API is disabled in the Region (emulated).",
        "InternalServiceErrorException" => {
            "An internal error has occurred (emulated). Retry your request."
        }
        "InvalidProductCodeException" => {
            "The product code passed does not match the product code used for publishing the \
             product (emulated)."
        }
        "InvalidPublicKeyVersionException" => "Public Key version is invalid (emulated).",
        "InvalidRegionException" => {
            "RegisterUsage must be called in the same AWS Region the ECS task was launched in \
             (emulated)."
        }
        "PlatformNotSupportedException" => {
            "AWS Marketplace does not support metering usage from the underlying platform \
             (emulated). Currently, Amazon ECS, Amazon EKS, and AWS Fargate are supported."
        }
        _ => "The calls to the API are throttled (emulated).",
    };
    let error = AwsError::new(name, message);
    if name == "InternalServiceErrorException" {
        error.with_status(StatusCode::INTERNAL_SERVER_ERROR)
    } else {
        error
    }
}

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
        documented_error(match self {
            Scenario::NotEntitled => "CustomerNotEntitledException",
            Scenario::PlatformNotSupported => "PlatformNotSupportedException",
            Scenario::InvalidRegion => "InvalidRegionException",
            Scenario::DisabledApi => "DisabledApiException",
            Scenario::InternalError => "InternalServiceErrorException",
        })
    }
}

/// `--fail-with NAME[:N]`: the next `calls` calls (all when `None`) answer `name`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailWith {
    pub name: &'static str,
    pub calls: Option<u64>,
}

pub fn parse_fail_with(text: &str) -> Result<FailWith, String> {
    let (name, calls) = match text.split_once(':') {
        Some((name, count)) => {
            let count = count
                .parse::<u64>()
                .map_err(|_| format!("{text:?}: expected NAME:N with N a number of calls"))?;
            (name, Some(count))
        }
        None => (text, None),
    };
    let name = DOCUMENTED_ERRORS
        .into_iter()
        .find(|known| *known == name)
        .ok_or_else(|| {
            format!(
                "{name:?} is not a documented RegisterUsage error; one of: {}",
                DOCUMENTED_ERRORS.join(", ")
            )
        })?;
    Ok(FailWith { name, calls })
}

impl Emulator {
    /// The injected failure for the RegisterUsage call numbered `call` (0-based), if any.
    fn injected_failure(&self, call: u64) -> Option<AwsError> {
        if call < self.args.throttle {
            return Some(AwsError::new(
                "ThrottlingException",
                format!(
                    "Rate exceeded (emulated: call {} of the first {} is throttled)",
                    call.saturating_add(1),
                    self.args.throttle
                ),
            ));
        }
        let mut index = call - self.args.throttle;
        for plan in &self.args.fail_with {
            match plan.calls {
                None => return Some(documented_error(plan.name)),
                Some(n) if index < n => return Some(documented_error(plan.name)),
                Some(n) => index -= n,
            }
        }
        None
    }

    /// Answers one RegisterUsage request; the version it signed with on success.
    fn register_usage(&self, call: u64, request: &Value) -> Result<(u64, Value), AwsError> {
        if let Some(error) = self.injected_failure(call) {
            return Err(error);
        }
        let Value::Object(request) = request else {
            return Err(AwsError::new(
                "SerializationException",
                "the body is not a JSON object",
            ));
        };

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
            return Err(documented_error("InvalidProductCodeException"));
        }

        // PublicKeyVersion: an integer >= 1 that the emulator has a key for.
        let versions = self.versions();
        let requested = request.get("PublicKeyVersion").and_then(Value::as_u64);
        let Some((key_version, version)) =
            requested.and_then(|n| versions.0.get(&n).map(|v| (n, v)))
        else {
            return Err(AwsError::new(
                "InvalidPublicKeyVersionException",
                format!(
                    "Public Key version is invalid (emulated; configured: {:?}).",
                    versions.numbers()
                ),
            ));
        };

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
            rotation: version.rotation.clone(),
            spelling: self.args.spelling,
        };
        let token =
            mint::sign(&version.key, self.args.salt_len, &claims.to_json()).map_err(|message| {
                AwsError::new("InternalServiceErrorException", message)
                    .with_status(StatusCode::INTERNAL_SERVER_ERROR)
            })?;
        let mut response = json!({"Signature": token});
        if let Some(rotation) = &version.rotation {
            response["PublicKeyRotationTimestamp"] = Value::Number(rotation.clone());
        }
        Ok((key_version, response))
    }
}

fn valid_product_code(code: &str) -> bool {
    (1..=255).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-/=:_.@".contains(&b))
}

pub async fn register_usage(
    State(emulator): State<Arc<Emulator>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if target != TARGET {
        eprintln!("emulate: POST / with X-Amz-Target {target:?} -> 400 UnknownOperationException");
        return AwsError::new(
            "UnknownOperationException",
            format!("this emulator implements only {TARGET} on POST /, not {target:?}"),
        )
        .json_1_1();
    }
    let request: Value = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(e) => {
            eprintln!("emulate: RegisterUsage -> 400 SerializationException");
            return AwsError::new(
                "SerializationException",
                format!("the body is not JSON: {e}"),
            )
            .json_1_1();
        }
    };
    let call = Emulator::next_call(&emulator.register_usage_calls);
    let number = call.saturating_add(1);
    match emulator.register_usage(call, &request) {
        Ok((version, response)) => {
            eprintln!("emulate: RegisterUsage #{number} v{version} -> 200");
            respond(StatusCode::OK, &response, CONTENT_TYPE, None)
        }
        Err(error) => {
            eprintln!(
                "emulate: RegisterUsage #{number} -> {} {}",
                error.status.as_u16(),
                error.name
            );
            error.json_1_1()
        }
    }
}
