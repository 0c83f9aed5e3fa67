//! The human-readable account of a verification: each check in the order the verifier runs
//! them, which one failed, and the warnings a seller must not miss.

use register_usage_jwt::{Error, PublicKey, Registration, Step, TimeClaim};
use serde_json::{Value, json};

use crate::output::{err, out};

/// The checks, in the order the verifier runs them (the library's own list).
const CHECKS: [Step; 9] = Step::ALL;

/// Which check an error comes from: the library says (`None` only for an internal error).
fn failed_check(error: &Error) -> Option<usize> {
    let step = error.step()?;
    CHECKS.iter().position(|check| *check == step)
}

/// What the verifier was asked to check, for the account.
pub struct Request<'a> {
    pub token_len: usize,
    pub product_code: &'a str,
    pub key_version: u32,
    pub key: &'a PublicKey,
    pub nonce: Option<&'a str>,
}

fn passed_detail(index: usize, request: &Request<'_>) -> String {
    match index {
        0 => format!(
            "{} bytes (at most {})",
            request.token_len,
            register_usage_jwt::MAX_TOKEN_LEN
        ),
        1 => "three segments of strict unpadded base64url".to_owned(),
        2 => "alg PS256, nothing refused (no crit, b64, or non-JWT typ)".to_owned(),
        3 => format!(
            "version {}: RSA-{} key, modulus sha256 {}",
            request.key_version,
            request.key.bits(),
            hex(&request.key.fingerprint())
        ),
        4 => "RSASSA-PSS, SHA-256, MGF1-SHA-256, salt 32 bytes: valid".to_owned(),
        5 => "a JSON object of RegisterUsage claims, each spelled one way".to_owned(),
        6 => format!("{:?}", request.product_code),
        7 => format!("{}", request.key_version),
        _ => match request.nonce {
            Some(nonce) => format!("{nonce:?} echoed"),
            None => "none sent, none in the token: REPLAYABLE".to_owned(),
        },
    }
}

/// Prints the account of a verification on stdout and warnings on stderr.
pub fn print_human(request: &Request<'_>, outcome: &Result<Registration, Error>) {
    let failed = match outcome {
        Ok(_) => None,
        Err(error) => Some(failed_check(error)),
    };
    for (index, name) in CHECKS.iter().enumerate() {
        let (mark, detail) = match failed {
            None => ("ok  ", passed_detail(index, request)),
            Some(Some(at)) if index < at => ("ok  ", passed_detail(index, request)),
            Some(Some(at)) if index == at => ("FAIL", fail_detail(outcome)),
            Some(Some(_)) => ("--  ", "not reached".to_owned()),
            Some(None) => ("??  ", "unknown (see the error below)".to_owned()),
        };
        out!("  [{mark}] {name:<17} {detail}");
    }
    match outcome {
        Ok(registration) => {
            if let Some(issued) = registration.issued_at() {
                out!("  issued at (iat): {}", timestamp_text(issued));
            }
            if let Some(rotation) = registration.public_key_rotation_timestamp() {
                out!(
                    "  PublicKeyRotationTimestamp: {} -- key version {} has EXPIRED (see warning)",
                    timestamp_text(rotation),
                    registration.key_version()
                );
            }
            out!("VERIFIED: the token is a valid RegisterUsage registration");
            warn_rotation(registration.public_key_rotation_timestamp());
            if request.nonce.is_none() {
                warn_no_nonce();
            }
        }
        Err(error) => {
            out!("REJECTED ({}): {error}", error.code());
        }
    }
}

fn fail_detail(outcome: &Result<Registration, Error>) -> String {
    match outcome {
        Err(error) => format!("{} (see below)", error.code()),
        Ok(_) => String::new(),
    }
}

/// The loud warning for a token carrying `PublicKeyRotationTimestamp`.
pub fn warn_rotation(rotation: Option<&TimeClaim>) {
    if let Some(when) = rotation {
        err!(
            "WARNING: the token carries PublicKeyRotationTimestamp {}: this key version has \
             EXPIRED. It still verifies, but ship the new key version AWS Marketplace gives you \
             before the old key stops being used.",
            timestamp_text(when)
        );
    }
}

/// The loud warning for a verification without a nonce.
pub fn warn_no_nonce() {
    err!(
        "WARNING: verified WITHOUT a nonce (--no-nonce): this token is REPLAYABLE. Anyone who \
         captured it can answer any later RegisterUsage call with it. Send a fresh random nonce \
         with every call and verify with --nonce."
    );
}

/// The last second of year 9999: later "dates" are not shown as dates.
const LAST_DATE: u64 = 253_402_300_799;

/// A time claim: a NumericDate as the number it is with its UTC date; anything else (an
/// `iat` of 1e308, a string) as the JSON text the token holds.
pub fn timestamp_text(claim: &TimeClaim) -> String {
    match claim.timestamp() {
        Some(t) => seconds_text(t.as_secs_f64()),
        None => format!("{claim} (not a NumericDate, so not a date: reported as written)"),
    }
}

/// Epoch seconds as the number they are, with the UTC date when there is one to show.
pub fn seconds_text(seconds: f64) -> String {
    let number = number_text(seconds);
    if (0.0..=LAST_DATE as f64).contains(&seconds) {
        // In range, so the conversion is exact for the whole part.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let whole = seconds as u64;
        format!("{number} ({})", utc_date(whole))
    } else {
        format!("{number} (seconds; not a date before the year 10000)")
    }
}

/// A non-negative number of seconds as written: whole numbers in digits, fractions as
/// they are, very large values in exponent form (not 300 digits).
pub fn number_text(seconds: f64) -> String {
    if seconds.fract() == 0.0 && seconds < 9.0e15 {
        format!("{seconds:.0}")
    } else if seconds < 9.0e15 {
        format!("{seconds}")
    } else {
        format!("{seconds:e}")
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` for epoch seconds (proleptic Gregorian, civil-from-days).
pub fn utc_date(seconds: u64) -> String {
    let days = seconds / 86_400;
    let rem = seconds % 86_400;
    let (hh, mm, ss) = (rem / 3600, (rem % 3600) / 60, rem % 60);
    let z = i64::try_from(days).unwrap_or(i64::MAX / 2) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z")
}

/// A time claim as JSON: a NumericDate as a number (an integer when whole), anything else as
/// the JSON text the token holds, in a string.
pub fn timestamp_json(claim: Option<&TimeClaim>) -> Value {
    match claim.map(|c| (c, c.timestamp())) {
        None => Value::Null,
        Some((other, None)) => json!(other.to_string()),
        Some((_, Some(t))) => {
            let f = t.as_secs_f64();
            if f.fract() == 0.0 && f < 9.0e15 {
                json!(t.unix_seconds())
            } else {
                json!(f)
            }
        }
    }
}

/// The `--json` success object.
pub fn valid_json(registration: &Registration) -> Value {
    json!({
        "valid": true,
        "product_code": registration.product_code(),
        "public_key_version": registration.key_version(),
        "nonce": registration.nonce(),
        "issued_at": timestamp_json(registration.issued_at()),
        "public_key_rotation_timestamp": timestamp_json(registration.public_key_rotation_timestamp()),
    })
}

/// The `--json` failure object.
pub fn error_json(code: &str, message: &str) -> Value {
    json!({"valid": false, "error": {"code": code, "message": message}})
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(utc_date(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc_date(1_767_225_600), "2026-01-01T00:00:00Z");
        assert_eq!(utc_date(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn times_are_reported_as_they_are() {
        assert_eq!(number_text(1e308), "1e308");
        assert_eq!(number_text(1_767_225_600.0), "1767225600");
        assert_eq!(number_text(1.5), "1.5");
        assert_eq!(utc_date(LAST_DATE), "9999-12-31T23:59:59Z");
    }
}
