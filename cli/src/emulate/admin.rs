//! The emulator's own endpoints (not AWS): call counters, and key versions added or expired
//! while it runs, so a test can play a key rotation against a running emulator.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Number, Value, json};

use super::keys::Version;
use super::{Emulator, respond};
use crate::mint;

fn answer(status: StatusCode, body: &Value) -> Response {
    respond(status, body, "application/json", None)
}

fn refuse(status: StatusCode, message: impl Into<String>) -> Response {
    let message = message.into();
    eprintln!("emulate: admin: refused: {message}");
    answer(status, &json!({"Message": message}))
}

/// `GET /_emulator/calls`.
pub async fn calls(State(emulator): State<Arc<Emulator>>) -> Response {
    answer(
        StatusCode::OK,
        &json!({
            "RegisterUsage": emulator.register_usage_calls.load(Ordering::SeqCst),
            "DescribeEntity": emulator.describe_entity_calls.load(Ordering::SeqCst),
        }),
    )
}

/// The `PublicKeyVersion` and optional `PublicKeyRotationTimestamp` of an admin request.
fn version_and_rotation(body: &Value) -> Result<(u64, Option<Number>), String> {
    let version = body
        .get("PublicKeyVersion")
        .and_then(Value::as_u64)
        .filter(|n| (1..=i32::MAX as u64).contains(n))
        .ok_or("PublicKeyVersion must be an integer from 1 to 2147483647")?;
    let rotation = match body.get("PublicKeyRotationTimestamp") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => Some(mint::parse_number(&n.to_string())?),
        Some(_) => return Err("PublicKeyRotationTimestamp must be a number".to_owned()),
    };
    Ok((version, rotation))
}

/// `POST /_emulator/keys` `{"PublicKeyVersion", "PrivateKey", "PublicKeyRotationTimestamp"?}`.
pub async fn add_key(State(emulator): State<Arc<Emulator>>, body: Bytes) -> Response {
    let body: Value = match serde_json::from_slice(&body) {
        Ok(body) => body,
        Err(e) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                format!("the body is not JSON: {e}"),
            );
        }
    };
    let (number, rotation) = match version_and_rotation(&body) {
        Ok(parsed) => parsed,
        Err(message) => return refuse(StatusCode::BAD_REQUEST, message),
    };
    let Some(pem) = body.get("PrivateKey").and_then(Value::as_str) else {
        return refuse(StatusCode::BAD_REQUEST, "PrivateKey must be a PEM string");
    };
    let mut version = match mint::parse_private_key(pem).and_then(Version::new) {
        Ok(version) => version,
        Err(message) => return refuse(StatusCode::BAD_REQUEST, message),
    };
    version.rotation = rotation;
    let mut versions = emulator.versions();
    if let Some(existing) = versions.0.get_mut(&number) {
        if existing.spki_der != version.spki_der {
            return refuse(
                StatusCode::CONFLICT,
                format!("key version {number} exists with a different key"),
            );
        }
        existing.rotation = version.rotation;
    } else {
        versions.0.insert(number, version);
    }
    eprintln!("emulate: admin: added key version {number}");
    answer(StatusCode::OK, &json!({"PublicKeyVersion": number}))
}

/// `POST /_emulator/expire` `{"PublicKeyVersion", "PublicKeyRotationTimestamp"}`.
pub async fn expire(State(emulator): State<Arc<Emulator>>, body: Bytes) -> Response {
    let parsed = serde_json::from_slice::<Value>(&body)
        .map_err(|e| format!("the body is not JSON: {e}"))
        .and_then(|body| version_and_rotation(&body));
    let (number, rotation) = match parsed {
        Ok((number, Some(rotation))) => (number, rotation),
        Ok((_, None)) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "PublicKeyRotationTimestamp (epoch seconds) is required",
            );
        }
        Err(message) => return refuse(StatusCode::BAD_REQUEST, message),
    };
    let mut versions = emulator.versions();
    let Some(version) = versions.0.get_mut(&number) else {
        return refuse(
            StatusCode::NOT_FOUND,
            format!("the emulator has no key version {number}"),
        );
    };
    version.rotation = Some(rotation);
    eprintln!("emulate: admin: key version {number} expired");
    answer(StatusCode::OK, &json!({"PublicKeyVersion": number}))
}
