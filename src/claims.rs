//! The RegisterUsage claims, read only after the signature has verified.
//!
//! AWS documents PascalCase names (`ProductCode`, `PublicKeyVersion`, `Nonce`,
//! `PublicKeyRotationTimestamp`) while integrations validated against real tokens read
//! camelCase (`productCode`, `publicKeyVersion`, `nonce`, `iat`). Both are accepted; a claim
//! present under two spellings, or under a case variant of one, is ambiguous and refused, so
//! no other parser can read a different value out of the same token.

use crate::error::{Error, JsonDefect};
use crate::json::{JsonStr, ObjectReader, Value};
use crate::registration::Timestamp;

/// The claims this crate reads, each with its accepted spellings; the first is the
/// documented one, which [`documented_name`] returns to name the claim in errors.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Claim {
    ProductCode,
    PublicKeyVersion,
    Nonce,
    RotationTimestamp,
    IssuedAt,
}

const CLAIMS: [(Claim, &[&str]); 5] = [
    (Claim::ProductCode, &["ProductCode", "productCode"]),
    (
        Claim::PublicKeyVersion,
        &["PublicKeyVersion", "publicKeyVersion"],
    ),
    (Claim::Nonce, &["Nonce", "nonce"]),
    (
        Claim::RotationTimestamp,
        &["PublicKeyRotationTimestamp", "publicKeyRotationTimestamp"],
    ),
    (Claim::IssuedAt, &["iat"]),
];

fn documented_name(claim: Claim) -> &'static str {
    match claim {
        Claim::ProductCode => "ProductCode",
        Claim::PublicKeyVersion => "PublicKeyVersion",
        Claim::Nonce => "Nonce",
        Claim::RotationTimestamp => "PublicKeyRotationTimestamp",
        Claim::IssuedAt => "iat",
    }
}

/// The claims of a token whose signature has verified.
#[derive(Debug, Default)]
pub(crate) struct Claims<'a> {
    pub(crate) product_code: Option<JsonStr<'a>>,
    pub(crate) key_version: Option<u32>,
    /// `None` when absent or `null`.
    pub(crate) nonce: Option<JsonStr<'a>>,
    pub(crate) issued_at: Option<Timestamp>,
    pub(crate) rotation: Option<Timestamp>,
}

impl<'a> Claims<'a> {
    /// Parses the decoded payload. Unknown members are validated and ignored.
    pub(crate) fn parse(payload: &'a [u8]) -> Result<Self, Error> {
        Self::parse_json(payload).map_err(|defect| Error::MalformedClaims { defect })
    }

    fn parse_json(payload: &'a [u8]) -> Result<Self, JsonDefect> {
        let text = core::str::from_utf8(payload).map_err(|e| JsonDefect::NotUtf8 {
            offset: e.valid_up_to(),
        })?;
        let mut reader = ObjectReader::new(text)?;
        let mut claims = Claims::default();
        let mut seen = [false; CLAIMS.len()];
        while let Some((name, value)) = reader.next_member()? {
            let Some((index, claim)) = identify(&name)? else {
                continue;
            };
            let first_time = seen.get_mut(index).map(|s| !core::mem::replace(s, true));
            if first_time != Some(true) {
                return Err(JsonDefect::AmbiguousMember {
                    name: documented_name(claim),
                });
            }
            claims.set(claim, value)?;
        }
        Ok(claims)
    }

    fn set(&mut self, claim: Claim, value: Value<'a>) -> Result<(), JsonDefect> {
        let name = documented_name(claim);
        let wrong = |expected| JsonDefect::WrongType {
            name,
            expected,
            found: value.kind(),
        };
        match claim {
            Claim::ProductCode => match value {
                Value::String(s) => self.product_code = Some(s),
                _ => return Err(wrong("a string")),
            },
            Claim::PublicKeyVersion => match value {
                Value::Number(n) => self.key_version = Some(key_version(n, name)?),
                _ => return Err(wrong("an integer")),
            },
            Claim::Nonce => match value {
                Value::String(s) => self.nonce = Some(s),
                Value::Null => self.nonce = None,
                _ => return Err(wrong("a string or null")),
            },
            Claim::RotationTimestamp | Claim::IssuedAt => {
                let time = match value {
                    Value::Number(n) => Some(timestamp(n, name)?),
                    Value::Null => None,
                    _ => return Err(wrong("a number of seconds or null")),
                };
                if claim == Claim::IssuedAt {
                    self.issued_at = time;
                } else {
                    self.rotation = time;
                }
            }
        }
        Ok(())
    }
}

/// Which claim a member names: `Ok(None)` for an unknown member, an error for a case variant
/// of a known name (`productcode`, `NONCE`).
fn identify(name: &JsonStr<'_>) -> Result<Option<(usize, Claim)>, JsonDefect> {
    for (index, (claim, spellings)) in CLAIMS.iter().enumerate() {
        if spellings.iter().any(|s| name.decodes_to(s)) {
            return Ok(Some((index, *claim)));
        }
        if spellings
            .iter()
            .any(|s| name.decodes_to_ignoring_ascii_case(s))
        {
            return Err(JsonDefect::AmbiguousMember {
                name: documented_name(*claim),
            });
        }
    }
    Ok(None)
}

/// A key version: a JSON integer (no fraction, no exponent) from 1 to `u32::MAX`.
fn key_version(number: &str, name: &'static str) -> Result<u32, JsonDefect> {
    if !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(JsonDefect::WrongType {
            name,
            expected: "an integer of at least 1",
            found: "a negative or fractional number",
        });
    }
    match number.parse::<u32>() {
        Ok(version) if version >= 1 => Ok(version),
        _ => Err(JsonDefect::OutOfRange { name }),
    }
}

/// Epoch seconds, integral or fractional, finite and not negative.
fn timestamp(number: &str, name: &'static str) -> Result<Timestamp, JsonDefect> {
    number
        .parse::<f64>()
        .ok()
        .and_then(Timestamp::from_secs_f64)
        .ok_or(JsonDefect::OutOfRange { name })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_names_are_the_first_spellings() {
        for (claim, spellings) in CLAIMS {
            assert_eq!(Some(&documented_name(claim)), spellings.first());
        }
    }
}
