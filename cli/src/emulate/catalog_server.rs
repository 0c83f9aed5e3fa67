//! Marketplace Catalog `DescribeEntity`, AWS REST-JSON: the product's
//! `SignatureVerificationKeys`, one per key version the emulator signs with.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::{AwsError, Emulator, respond};

const CATALOG: &str = "AWSMarketplace";

pub async fn describe_entity(
    State(emulator): State<Arc<Emulator>>,
    RawQuery(query): RawQuery,
) -> Response {
    Emulator::next_call(&emulator.describe_entity_calls);
    let query = query.unwrap_or_default();
    let entity_id = query_value(&query, "entityId");
    let outcome = emulator.describe_entity(query_value(&query, "catalog"), entity_id.as_deref());
    let shown = entity_id.as_deref().unwrap_or("(none)");
    match outcome {
        Ok(body) => {
            eprintln!("emulate: DescribeEntity {shown} -> 200");
            respond(StatusCode::OK, &body, "application/json", None)
        }
        Err(error) => {
            eprintln!(
                "emulate: DescribeEntity {shown} -> {} {}",
                error.status.as_u16(),
                error.name
            );
            error.rest_json()
        }
    }
}

impl Emulator {
    fn describe_entity(
        &self,
        catalog: Option<String>,
        entity_id: Option<&str>,
    ) -> Result<Value, AwsError> {
        let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
        if catalog.as_deref() != Some(CATALOG) {
            return Err(AwsError::validation(format!(
                "catalog must be {CATALOG}, not {catalog:?}"
            ))
            .with_status(unprocessable));
        }
        let Some(entity_id) = entity_id.filter(|id| !id.is_empty()) else {
            return Err(AwsError::validation("entityId is required").with_status(unprocessable));
        };
        if !self
            .args
            .catalog_product_ids
            .iter()
            .any(|id| id == entity_id)
        {
            return Err(AwsError::new(
                "ResourceNotFoundException",
                format!("The specified resource wasn't found (emulated: no entity {entity_id:?})."),
            )
            .with_status(StatusCode::NOT_FOUND));
        }
        let keys: Vec<Value> = self
            .versions()
            .0
            .iter()
            .map(|(number, version)| {
                json!({
                    "PublicKey": version.public_key_text(self.args.catalog_key_form),
                    "PublicKeyVersion": number,
                    "Status": if version.rotation.is_some() { "Expired" } else { "Active" },
                })
            })
            .collect();
        let details = json!({
            "Description": {"ProductTitle": format!("Emulated container product {entity_id}")},
            "SignatureVerificationKeys": keys,
        });
        Ok(json!({
            "EntityType": "ContainerProduct@1.0",
            "EntityIdentifier": format!("{entity_id}@1"),
            "EntityArn": format!(
                "arn:aws:aws-marketplace:us-east-1:123456789012:{CATALOG}/ContainerProduct/{entity_id}"
            ),
            "LastModifiedDate": "2026-01-01T00:00:00Z",
            "Details": details.to_string(),
            "DetailsDocument": details,
        }))
    }
}

/// The percent-decoded value of `name` in a query string (`+` is a space, as in forms).
fn query_value(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (percent_decode(key)? == name).then(|| percent_decode(value))?
    })
}

fn percent_decode(text: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&first, tail)) = rest.split_first() {
        match first {
            b'%' => {
                let hex = tail.get(..2)?;
                let hex = std::str::from_utf8(hex).ok()?;
                bytes.push(u8::from_str_radix(hex, 16).ok()?);
                rest = tail.get(2..)?;
            }
            b'+' => {
                bytes.push(b' ');
                rest = tail;
            }
            other => {
                bytes.push(other);
                rest = tail;
            }
        }
    }
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::query_value;

    #[test]
    fn query_values_are_decoded() {
        let query = "catalog=AWSMarketplace&entityId=prod-a%2Fb+c";
        assert_eq!(
            query_value(query, "catalog").as_deref(),
            Some("AWSMarketplace")
        );
        assert_eq!(
            query_value(query, "entityId").as_deref(),
            Some("prod-a/b c")
        );
        assert_eq!(query_value(query, "missing"), None);
        assert_eq!(query_value("entityId=%zz", "entityId"), None);
    }
}
