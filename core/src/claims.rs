//! The RegisterUsage claims, read only after the signature has verified.
//!
//! AWS documents PascalCase names (`ProductCode`, `PublicKeyVersion`, `Nonce`,
//! `PublicKeyRotationTimestamp`) while integrations validated against real tokens read
//! camelCase (`productCode`, `publicKeyVersion`, `nonce`, `iat`). Both are accepted; a claim
//! present under two spellings, or under a case variant of one, is ambiguous and refused, so
//! no other parser can read a different value out of the same token.

use crate::error::{Error, Expected, JsonDefect, Member};
use crate::json::{self, JsonStr, ObjectReader, Value};
use crate::registration::{RawClaim, TimeClaim, Timestamp};
use crate::token::VerifiedToken;

/// Judges a decoded payload as claims without trusting it: the parse of [`Claims::parse`],
/// of which only the verdict comes out, never a value.
pub(crate) fn judge_unsigned(payload: &[u8]) -> Result<(), Error> {
    Claims::parse_json(payload)
        .map(|_| ())
        .map_err(|defect| Error::MalformedClaims { defect })
}

/// The claims this crate reads, each with its accepted spellings. This table is the only
/// place that names them; [`Member::name`] gives the documented spelling for errors.
const CLAIMS: [(Member, &[&str]); 5] = [
    (Member::ProductCode, &["ProductCode", "productCode"]),
    (
        Member::PublicKeyVersion,
        &["PublicKeyVersion", "publicKeyVersion"],
    ),
    (Member::Nonce, &["Nonce", "nonce"]),
    (
        Member::PublicKeyRotationTimestamp,
        &["PublicKeyRotationTimestamp", "publicKeyRotationTimestamp"],
    ),
    (Member::IssuedAt, &["iat"]),
];

/// The claims of a token whose signature has verified.
#[derive(Debug)]
pub struct Claims<'a> {
    pub(crate) product_code: JsonStr<'a>,
    pub(crate) key_version: u32,
    /// `None` when absent or `null`.
    pub(crate) nonce: Option<JsonStr<'a>>,
    /// `None` when absent or `null`; informational, so any other value is kept as it is.
    pub(crate) issued_at: Option<TimeClaim>,
    /// As `issued_at`.
    pub(crate) rotation: Option<TimeClaim>,
}

impl<'a> Claims<'a> {
    /// Parses the payload of a token whose signature has verified: claims are read from
    /// nothing else. Unknown members are validated and ignored.
    ///
    /// # Errors
    /// [`Error::MalformedClaims`].
    pub fn parse(token: &VerifiedToken<'a>) -> Result<Self, Error> {
        Self::parse_json(token.payload()).map_err(|defect| Error::MalformedClaims { defect })
    }

    fn parse_json(payload: &'a [u8]) -> Result<Self, JsonDefect> {
        let text = core::str::from_utf8(payload).map_err(|e| JsonDefect::NotUtf8 {
            offset: e.valid_up_to(),
        })?;
        json::with_names(text.len(), |names| Self::read(text, names))
    }

    fn read(text: &'a str, names: &mut [u8]) -> Result<Self, JsonDefect> {
        let mut reader = ObjectReader::new(text, names)?;
        let mut product_code = None;
        let mut key_version = None;
        let mut nonce = None;
        let mut issued_at = None;
        let mut rotation = None;
        let mut seen = [false; CLAIMS.len()];
        while let Some((name, value)) = reader.next_member()? {
            let Some((index, member)) = identify(&name)? else {
                continue;
            };
            let first_time = seen.get_mut(index).map(|s| !core::mem::replace(s, true));
            if first_time != Some(true) {
                return Err(JsonDefect::AmbiguousMember { member });
            }
            let wrong = |expected| JsonDefect::WrongType {
                member,
                expected,
                found: value.kind(),
            };
            match (member, value) {
                (Member::ProductCode, Value::String(s)) => product_code = Some(s),
                (Member::ProductCode, _) => return Err(wrong(Expected::String)),
                (Member::PublicKeyVersion, Value::Number(n)) => {
                    key_version = Some(positive_integer(n, member)?);
                }
                (Member::PublicKeyVersion, _) => return Err(wrong(Expected::PositiveInteger)),
                (Member::Nonce, Value::String(s)) => nonce = Some(s),
                (Member::Nonce, Value::Null) => nonce = None,
                (Member::Nonce, _) => return Err(wrong(Expected::StringOrNull)),
                (Member::IssuedAt, value) => issued_at = time_claim(value, reader.value_text()),
                (Member::PublicKeyRotationTimestamp, value) => {
                    rotation = time_claim(value, reader.value_text());
                }
                // `CLAIMS` names only the five claims above; a member it gained without a
                // rule here would be ignored like any unknown member, never misread.
                _ => {}
            }
        }
        let missing = |member| JsonDefect::MissingMember { member };
        Ok(Claims {
            product_code: product_code.ok_or(missing(Member::ProductCode))?,
            key_version: key_version.ok_or(missing(Member::PublicKeyVersion))?,
            nonce,
            issued_at,
            rotation,
        })
    }
}

/// Which claim a member names: `Ok(None)` for an unknown member, an error for a case variant
/// of a known name (`productcode`, `NONCE`).
fn identify(name: &JsonStr<'_>) -> Result<Option<(usize, Member)>, JsonDefect> {
    for (index, (member, spellings)) in CLAIMS.iter().enumerate() {
        if spellings.iter().any(|s| name.decodes_to(s)) {
            return Ok(Some((index, *member)));
        }
        if spellings
            .iter()
            .any(|s| name.decodes_to_ignoring_ascii_case(s))
        {
            return Err(JsonDefect::AmbiguousMember { member: *member });
        }
    }
    Ok(None)
}

/// An informational time: a NumericDate when it is one, the JSON text otherwise; `null`
/// is no value.
fn time_claim(value: Value<'_>, text: &str) -> Option<TimeClaim> {
    match value {
        Value::Null => None,
        Value::Number(n) => Some(
            n.parse::<f64>()
                .ok()
                .and_then(Timestamp::from_secs_f64)
                .map_or_else(|| TimeClaim::Other(RawClaim::new(text)), TimeClaim::Seconds),
        ),
        _ => Some(TimeClaim::Other(RawClaim::new(text))),
    }
}

/// A JSON number that must be an integer from 1 to `u32::MAX`, in any spelling JSON allows
/// (`1`, `1.0`, `1e0`, `10e-1`), decided exactly on the decimal digits: no floating point,
/// so `1.0000000000000000001` is not 1.
fn positive_integer(number: &str, member: Member) -> Result<u32, JsonDefect> {
    let (negative, unsigned) = match number.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, number),
    };
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (
            unsigned.get(..at).unwrap_or_default(),
            unsigned.get(at.saturating_add(1)..).unwrap_or_default(),
        ),
        None => (unsigned, "0"),
    };
    let (integer, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    // value = digits * 10^scale, with `digits` the integer and fraction digits together.
    let fraction_len = i64::try_from(fraction.len()).unwrap_or(i64::MAX);
    let scale = parse_exponent(exponent).saturating_sub(fraction_len);
    let digits = integer.bytes().chain(fraction.bytes());
    let significant = digits.skip_while(|&d| d == b'0');
    // Trailing zeros move into the scale, so the rest is an integer exactly when the scale
    // is not negative.
    let mut value: u64 = 0;
    let mut pending_zeros: i64 = 0;
    let mut too_large = false;
    for digit in significant {
        if digit == b'0' {
            pending_zeros = pending_zeros.saturating_add(1);
            continue;
        }
        for next in core::iter::repeat_n(0, usize::try_from(pending_zeros).unwrap_or(0))
            .chain(core::iter::once(digit.wrapping_sub(b'0')))
        {
            match value
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(next)))
                .filter(|&v| v <= u64::from(u32::MAX))
            {
                Some(v) => value = v,
                None => too_large = true,
            }
        }
        pending_zeros = 0;
    }
    let scale = scale.saturating_add(pending_zeros);
    if value == 0 {
        // Every spelling of zero, fraction or not, is zero: out of range.
        return Err(JsonDefect::OutOfRange { member });
    }
    if scale < 0 {
        return Err(JsonDefect::NotAnInteger { member });
    }
    if negative || too_large {
        return Err(JsonDefect::OutOfRange { member });
    }
    for _ in 0..scale {
        value = value
            .checked_mul(10)
            .filter(|&v| v <= u64::from(u32::MAX))
            .ok_or(JsonDefect::OutOfRange { member })?;
    }
    u32::try_from(value).map_err(|_| JsonDefect::OutOfRange { member })
}

/// A JSON exponent (`[+-]?[0-9]+`), saturating far beyond any scale that matters.
fn parse_exponent(text: &str) -> i64 {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..).unwrap_or_default()),
        Some(b'+') => (false, text.get(1..).unwrap_or_default()),
        _ => (false, text),
    };
    let magnitude = digits.bytes().fold(0i64, |acc, d| {
        acc.saturating_mul(10)
            .saturating_add(i64::from(d.wrapping_sub(b'0')))
    });
    if negative {
        magnitude.saturating_neg()
    } else {
        magnitude
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_names_are_the_first_spellings() {
        for (member, spellings) in CLAIMS {
            assert_eq!(Some(&member.name()), spellings.first());
        }
    }

    #[test]
    fn key_versions_in_every_integral_spelling() {
        let version = |n| positive_integer(n, Member::PublicKeyVersion);
        for (spelling, expected) in [
            ("1", 1),
            ("1.0", 1),
            ("1.000", 1),
            ("1e0", 1),
            ("1E+0", 1),
            ("10e-1", 1),
            ("0.1e1", 1),
            ("0.001e3", 1),
            ("100e-2", 1),
            ("2", 2),
            ("12", 12),
            ("1.2e1", 12),
            ("120e-1", 12),
            ("1e1", 10),
            ("4294967295", u32::MAX),
            ("4294967295.000", u32::MAX),
            ("4.294967295e9", u32::MAX),
            ("42949672950e-1", u32::MAX),
            ("1000000000", 1_000_000_000),
            ("1e9", 1_000_000_000),
        ] {
            assert_eq!(version(spelling), Ok(expected), "{spelling}");
        }
        let not_integer = Err(JsonDefect::NotAnInteger {
            member: Member::PublicKeyVersion,
        });
        for spelling in [
            "1.5",
            "1.0000000000000000001",
            "1e-1",
            "10e-2",
            "0.5",
            "123456789e-20",
        ] {
            assert_eq!(version(spelling), not_integer, "{spelling}");
        }
        let out_of_range = Err(JsonDefect::OutOfRange {
            member: Member::PublicKeyVersion,
        });
        for spelling in [
            "0",
            "-0",
            "0.0",
            "0e5",
            "-1",
            "-1.0",
            "4294967296",
            "4.294967296e9",
            "1e10",
            "1e99999999999999999999999",
            "99999999999999999999999",
            "-99999999999999999999999",
        ] {
            assert_eq!(version(spelling), out_of_range, "{spelling}");
        }
    }

    #[test]
    fn time_claims_keep_what_they_cannot_read() {
        let number = |n| time_claim(Value::Number(n), n);
        assert_eq!(
            number("1700000000.5").and_then(|t| t.timestamp()),
            Timestamp::from_secs_f64(1_700_000_000.5)
        );
        for odd in ["-1", "1e308", "253402300800"] {
            let Some(TimeClaim::Other(raw)) = number(odd) else {
                panic!("{odd} read as a NumericDate");
            };
            assert_eq!(raw.as_str(), odd);
        }
        assert_eq!(time_claim(Value::Null, "null"), None);
        let long = alloc::format!("\"{}\"", "x".repeat(100));
        let Some(TimeClaim::Other(raw)) = time_claim(Value::Bool, &long) else {
            panic!("a string read as a NumericDate");
        };
        assert!(raw.is_truncated());
        assert_eq!(raw.as_str().len(), crate::registration::MAX_RAW_CLAIM_LEN);
    }
}
