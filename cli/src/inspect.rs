//! `register-usage-jwt inspect`: decode without verifying, and say what `verify` would refuse
//! whatever the key.
//!
//! The header and claims are judged by the library's own parsers (the same functions
//! `Verifier::verify` runs), so `inspect` cannot disagree with `verify` about a token's
//! shape, header or claims. What it cannot judge is everything that needs the key and the
//! request: the signature, the product code, the key version and the nonce.

use std::fmt;

use base64ct::{Base64UrlUnpadded, Encoding};
use clap::Args;
use register_usage_jwt::{MAX_KEY_BITS, MAX_TOKEN_LEN, MIN_KEY_BITS};
use serde_core::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::{Map, Value, json};

use crate::input::{self, Token};
use crate::output::{err, out};
use crate::report::seconds_text;
use crate::{EXIT_CONFIG, EXIT_OK, EXIT_REJECTED};

#[derive(Args, Debug)]
pub struct InspectArgs {
    /// Print exactly one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
    /// The token, or `-` for stdin.
    #[arg(value_name = "TOKEN")]
    pub token: String,
}

/// Something `verify` refuses before (or without) looking at the key.
struct Problem {
    step: &'static str,
    code: &'static str,
    message: String,
}

impl Problem {
    fn from_error(step: &'static str, error: &register_usage_jwt::Error) -> Self {
        // TODO(core): `error.step()` names the step.
        Problem {
            step,
            code: error.code(),
            message: error.to_string(),
        }
    }

    fn to_json(&self) -> Value {
        json!({"step": self.step, "code": self.code, "message": self.message})
    }
}

/// The members of a JSON object in order, duplicates kept (a `Map` keeps only the last,
/// which would hide exactly what makes such a token ambiguous).
struct Members(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MembersVisitor;
        impl<'de> Visitor<'de> for MembersVisitor {
            type Value = Members;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry::<String, Value>()? {
                    members.push(member);
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(MembersVisitor)
    }
}

/// A decoded segment as shown: its members, or its JSON value, or its text.
struct Shown {
    text: String,
    json: Option<Value>,
    members: Option<Members>,
}

impl Shown {
    fn new(bytes: &[u8]) -> Self {
        Shown {
            text: String::from_utf8_lossy(bytes).into_owned(),
            json: serde_json::from_slice(bytes).ok(),
            members: serde_json::from_slice(bytes).ok(),
        }
    }

    fn print(&self, name: &str) {
        match (&self.members, &self.json) {
            (Some(members), _) => {
                out!("{name}:");
                out!("{{");
                for (key, value) in &members.0 {
                    let key = Value::String(key.clone());
                    out!("  {key}: {value}");
                    if let Some(date) = time_note(&key, value) {
                        out!("      ({date})");
                    }
                }
                out!("}}");
            }
            (None, Some(value)) => out!(
                "{name}:\n{}",
                serde_json::to_string_pretty(value).unwrap_or_default()
            ),
            (None, None) => out!("{name} (not JSON):\n{}", self.text),
        }
    }
}

/// For a time claim, the number as it is and its date.
fn time_note(key: &Value, value: &Value) -> Option<String> {
    let name = key.as_str()?;
    let is_time = matches!(
        name,
        "iat" | "PublicKeyRotationTimestamp" | "publicKeyRotationTimestamp"
    );
    let seconds = value.as_f64().filter(|s| is_time && *s >= 0.0)?;
    Some(format!("{name} = {}", seconds_text(seconds)))
}

pub fn run(args: &InspectArgs) -> u8 {
    let token = match input::read_token(&args.token) {
        Ok(Token::Complete(token)) => token,
        Ok(Token::MoreThan(read)) => {
            let problem = Problem {
                step: "size",
                code: "token_too_large",
                message: input::too_large_message(read),
            };
            if args.json {
                out!(
                    "{}",
                    json!({"verified": false, "refused": true, "size": null,
                           "problems": [problem.to_json()]})
                );
            } else {
                out!("REFUSED ({}): {}", problem.code, problem.message);
            }
            return EXIT_REJECTED;
        }
        Err(message) => {
            if args.json {
                out!(
                    "{}",
                    json!({"error": {"code": "unreadable_token", "message": message}})
                );
            } else {
                err!("error (unreadable_token): {message}");
            }
            return EXIT_CONFIG;
        }
    };
    let report = examine(&token);
    if args.json {
        out!("{}", report.to_json());
    } else {
        report.print();
    }
    if report.problems.is_empty() {
        EXIT_OK
    } else {
        EXIT_REJECTED
    }
}

/// What inspecting a token found.
struct Report {
    size: usize,
    segments: usize,
    header: Option<Shown>,
    claims: Option<Shown>,
    signature_len: Option<usize>,
    problems: Vec<Problem>,
}

fn examine(token: &[u8]) -> Report {
    let mut problems = Vec::new();
    let malformed = |message: String| Problem {
        step: "shape",
        code: "malformed_token",
        message,
    };
    if token.len() > MAX_TOKEN_LEN {
        problems.push(Problem {
            step: "size",
            code: "token_too_large",
            message: format!(
                "the token is {} bytes, more than the {MAX_TOKEN_LEN} any RegisterUsage token \
                 needs",
                token.len()
            ),
        });
    }
    let segments: Vec<&[u8]> = token.split(|&b| b == b'.').collect();
    let mut report = Report {
        size: token.len(),
        segments: segments.len(),
        header: None,
        claims: None,
        signature_len: None,
        problems: Vec::new(),
    };
    let [header, payload, signature] = segments.as_slice() else {
        problems.push(malformed(format!(
            "it has {} dot-separated segments instead of 3",
            segments.len()
        )));
        report.problems = problems;
        return report;
    };
    let mut decode = |name: &str, segment: &[u8]| -> Option<Vec<u8>> {
        let decoded = std::str::from_utf8(segment)
            .ok()
            .filter(|s| !s.is_empty())
            .and_then(|s| Base64UrlUnpadded::decode_vec(s).ok());
        if decoded.is_none() {
            problems.push(malformed(format!(
                "its {name} is {}",
                if segment.is_empty() {
                    "empty"
                } else {
                    "not strict unpadded base64url"
                }
            )));
        }
        decoded
    };
    let header = decode("header", header);
    let payload = decode("payload", payload);
    let signature = decode("signature", signature);

    // The library's own header and claims checks: what `verify` runs at those steps.
    if let Some(header) = &header {
        if let Err(error) = register_usage_jwt::check_header_unverified(header) {
            problems.push(Problem::from_error("header", &error));
        }
        report.header = Some(Shown::new(header));
    }
    if let Some(payload) = &payload {
        match register_usage_jwt::check_claims_unverified(payload) {
            Err(error) => problems.push(Problem::from_error("claims", &error)),
            Ok(()) => problems.extend(missing_claims(payload)),
        }
        report.claims = Some(Shown::new(payload));
    }
    if let Some(signature) = &signature {
        let len = signature.len();
        let (min, max) = (MIN_KEY_BITS / 8, MAX_KEY_BITS / 8);
        if !(min..=max).contains(&len) {
            problems.push(Problem {
                step: "signature",
                code: "bad_signature",
                message: format!(
                    "the signature is {len} bytes; a signature is as long as the key's modulus, \
                     and no key this verifier accepts ({MIN_KEY_BITS} to {MAX_KEY_BITS} bits, \
                     {min} to {max} bytes) makes one of {len} bytes"
                ),
            });
        }
        report.signature_len = Some(len);
    }
    report.problems = problems;
    report
}

/// The claims `verify` requires, when the library's parse accepted the payload.
// TODO(core): `Claims::parse` returns the required claims as non-optional fields, so its
// error names a missing one and this goes.
fn missing_claims(payload: &[u8]) -> Vec<Problem> {
    let Ok(Value::Object(claims)) = serde_json::from_slice::<Value>(payload) else {
        return Vec::new();
    };
    let has = |claims: &Map<String, Value>, names: [&str; 2]| {
        names
            .iter()
            .any(|n| claims.get(*n).is_some_and(|v| !v.is_null()))
    };
    [
        ("ProductCode", ["ProductCode", "productCode"]),
        ("PublicKeyVersion", ["PublicKeyVersion", "publicKeyVersion"]),
    ]
    .into_iter()
    .filter(|(_, names)| !has(&claims, *names))
    .map(|(name, _)| Problem {
        step: "claims",
        code: "malformed_claims",
        message: format!(
            "the token is signed but its claims are not RegisterUsage claims (no `{name}` \
             member)"
        ),
    })
    .collect()
}

impl Report {
    fn print(&self) {
        out!(
            "UNVERIFIED: decoded WITHOUT checking the signature or anything else; do not trust \
             these values (use `register-usage-jwt verify`)"
        );
        if self.segments != 3 {
            out!(
                "not a compact JWT: {} dot-separated segments instead of 3",
                self.segments
            );
        }
        if let Some(header) = &self.header {
            header.print("header (UNVERIFIED)");
        }
        if let Some(claims) = &self.claims {
            claims.print("claims (UNVERIFIED)");
        }
        if let Some(len) = self.signature_len {
            let bits = len.saturating_mul(8);
            if (MIN_KEY_BITS..=MAX_KEY_BITS).contains(&bits) {
                out!("signature: {len} bytes (the length an RSA-{bits} key's signatures have)");
            } else {
                out!(
                    "signature: {len} bytes (no key this verifier accepts signs with that length)"
                );
            }
        }
        out!("size: {} bytes (at most {MAX_TOKEN_LEN})", self.size);
        if self.problems.is_empty() {
            out!(
                "nothing here that `verify` refuses before checking the signature; verify it \
                 with your product key, product code and nonce (`register-usage-jwt verify`)"
            );
        } else {
            out!("`verify` would REFUSE this token whatever the key:");
            for problem in &self.problems {
                out!("  [{}] {}: {}", problem.step, problem.code, problem.message);
            }
        }
    }

    fn to_json(&self) -> Value {
        let shown = |s: &Option<Shown>| s.as_ref().and_then(|s| s.json.clone());
        let text = |s: &Option<Shown>| s.as_ref().map(|s| s.text.clone());
        json!({
            "verified": false,
            "refused": !self.problems.is_empty(),
            "size": self.size,
            "header": shown(&self.header),
            "header_text": text(&self.header),
            "claims": shown(&self.claims),
            "claims_text": text(&self.claims),
            "signature_len": self.signature_len,
            "problems": self.problems.iter().map(Problem::to_json).collect::<Vec<_>>(),
        })
    }
}
