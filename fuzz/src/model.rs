//! Reference models of the JSON rules, on top of serde_json.

/// The members of a top-level JSON object, in order, duplicates kept.
pub struct Members(pub Vec<(String, serde_json::Value)>);

impl<'de> serde::Deserialize<'de> for Members {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Members;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Members, A::Error> {
                let mut members = Vec::new();
                while let Some(entry) = map.next_entry::<String, serde_json::Value>()? {
                    members.push(entry);
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// The most members the crate reads in one object.
const MAX_MEMBERS: usize = 64;

/// Parses `bytes` as one JSON object with serde_json. `Err(None)` when serde_json cannot
/// judge (its recursion limit), `Err(Some(()))` when it is not a JSON object.
fn reference_members(bytes: &[u8]) -> Result<Members, Option<()>> {
    let text = std::str::from_utf8(bytes).map_err(|_| Some(()))?;
    serde_json::from_str::<Members>(text).map_err(|e| {
        if e.to_string().contains("recursion limit") {
            None
        } else {
            Some(())
        }
    })
}

/// The deepest nesting the crate accepts inside a member's value.
const MAX_DEPTH: usize = 64;

fn depth(value: &serde_json::Value) -> usize {
    match value {
        serde_json::Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        serde_json::Value::Object(members) => 1 + members.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// No member twice, at most `MAX_MEMBERS` members, no value nested past `MAX_DEPTH`.
fn no_duplicates(members: &Members) -> bool {
    members.0.len() <= MAX_MEMBERS
        && members.0.iter().all(|(_, v)| depth(v) <= MAX_DEPTH)
        && members
            .0
            .iter()
            .enumerate()
            .all(|(i, (a, _))| members.0[..i].iter().all(|(b, _)| a != b))
}

/// The key version a JSON number's text denotes, if it is an integer from 1 to `u32::MAX`:
/// written independently of the crate, on the decimal text (shift the decimal point by the
/// exponent, then require only zeros after it).
pub fn model_key_version(text: &str) -> Option<u32> {
    let unsigned = text.strip_prefix('-');
    let negative = unsigned.is_some();
    let text = unsigned.unwrap_or(text);
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], &text[at + 1..]),
        None => (text, "0"),
    };
    let exponent: i64 =
        exponent
            .trim_start_matches('+')
            .parse()
            .unwrap_or(if exponent.starts_with('-') {
                i64::MIN / 2
            } else {
                i64::MAX / 2
            });
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = format!("{int}{frac}");
    let digits = all_digits.trim_start_matches('0');
    let leading_zeros = (all_digits.len() - digits.len()) as i64;
    // The decimal point sits `point` digits into `digits`.
    let point = (int.len() as i64)
        .saturating_add(exponent)
        .saturating_sub(leading_zeros);
    if digits.is_empty() {
        return None; // zero
    }
    let point = point.clamp(-1, 64);
    if point <= 0 {
        return None; // a fraction below 1, or zero
    }
    let point = point as usize;
    let (whole, fraction) = if point >= digits.len() {
        (
            format!("{digits}{}", "0".repeat(point - digits.len())),
            String::new(),
        )
    } else {
        (digits[..point].to_owned(), digits[point..].to_owned())
    };
    if !fraction.bytes().all(|b| b == b'0') || negative {
        return None;
    }
    whole.parse::<u32>().ok().filter(|&v| v >= 1)
}

/// The claims a token must carry, as the reference model reads them.
#[derive(Debug, Default, PartialEq)]
pub struct ModelClaims {
    pub product_code: Option<String>,
    pub key_version: Option<u32>,
    pub nonce: Option<String>,
}

pub(crate) const CLAIM_SPELLINGS: [&[&str]; 5] = [
    &["ProductCode", "productCode"],
    &["PublicKeyVersion", "publicKeyVersion"],
    &["Nonce", "nonce"],
    &["PublicKeyRotationTimestamp", "publicKeyRotationTimestamp"],
    &["iat"],
];

fn number_text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The reference verdict on a decoded claims segment: `Some(Ok(claims))` when it must be
/// accepted, `Some(Err(()))` when it must be refused, `None` when the model cannot judge.
pub fn model_claims(bytes: &[u8]) -> Option<Result<ModelClaims, ()>> {
    model_claim_values(bytes).map(|verdict| {
        verdict.map(|values| ModelClaims {
            product_code: Some(values.product_code),
            key_version: Some(values.key_version),
            nonce: values.nonce,
        })
    })
}

/// The last second of 9999-12-31 UTC: the latest time claim read as seconds.
const LAST_SECOND_OF_9999: f64 = 253_402_300_799.0;
/// The most bytes of a time claim's JSON text the registration keeps.
const RAW_CLAIM_BYTES: usize = 64;

/// What a registration reports for `iat` or the rotation timestamp.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelTime {
    /// A JSON number from 0 to the end of year 9999, as seconds.
    Seconds(f64),
    /// Anything else (a string, a boolean, an array, an object, a number out of range):
    /// the value's JSON text, cut to whole characters within 64 bytes.
    Other { text: String, truncated: bool },
}

impl ModelTime {
    /// Reads the JSON text of a member's value; `None` for `null` (no claim).
    fn read(raw: &str, value: &serde_json::Value) -> Option<Self> {
        match value {
            serde_json::Value::Null => None,
            serde_json::Value::Number(_) => Some(
                // The decimal text to the nearest f64 (std's correctly rounded parser: the
                // model checks the glue around it, not the conversion itself).
                match raw.parse::<f64>() {
                    Ok(seconds)
                        if seconds.is_finite()
                            && (0.0..=LAST_SECOND_OF_9999).contains(&seconds) =>
                    {
                        ModelTime::Seconds(seconds)
                    }
                    _ => ModelTime::other(raw),
                },
            ),
            _ => Some(ModelTime::other(raw)),
        }
    }

    fn other(raw: &str) -> Self {
        let mut text = String::new();
        let mut truncated = false;
        for c in raw.chars() {
            if text.len() + c.len_utf8() > RAW_CLAIM_BYTES {
                truncated = true;
                break;
            }
            text.push(c);
        }
        ModelTime::Other { text, truncated }
    }

    /// Whether the crate's time claim reports the same thing (seconds compared bit for bit).
    pub fn matches(&self, claim: &register_usage_jwt::TimeClaim) -> bool {
        match (self, claim.timestamp()) {
            (ModelTime::Seconds(seconds), Some(found)) => {
                seconds.to_bits() == found.as_secs_f64().to_bits()
            }
            (ModelTime::Other { text, truncated }, None) => match claim {
                register_usage_jwt::TimeClaim::Other(raw) => {
                    raw.as_str() == text && raw.is_truncated() == *truncated
                }
                _ => false,
            },
            _ => false,
        }
    }
}

/// Every value the claims carry, decoded by the reference model.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelValues {
    pub product_code: String,
    pub key_version: u32,
    /// `None` when absent or `null`.
    pub nonce: Option<String>,
    pub issued_at: Option<ModelTime>,
    pub rotation: Option<ModelTime>,
}

/// The members of a top-level JSON object with each value's exact text.
struct RawMembers(Vec<(String, Box<serde_json::value::RawValue>)>);

impl<'de> serde::Deserialize<'de> for RawMembers {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawMembers;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawMembers, A::Error> {
                let mut members = Vec::new();
                while let Some(entry) =
                    map.next_entry::<String, Box<serde_json::value::RawValue>>()?
                {
                    members.push(entry);
                }
                Ok(RawMembers(members))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// The reference reading of a decoded claims segment: `Some(Ok(values))` when it must be
/// accepted, with every value the crate must report; `Some(Err(()))` when it must be
/// refused; `None` when the model cannot judge.
pub fn model_claim_values(bytes: &[u8]) -> Option<Result<ModelValues, ()>> {
    let members = match reference_members(bytes) {
        Ok(members) => members,
        Err(None) => return None,
        Err(Some(())) => return Some(Err(())),
    };
    if !no_duplicates(&members) {
        return Some(Err(()));
    }
    // The same document again, for each value's text (it parsed above, so it parses here).
    let raw = serde_json::from_slice::<RawMembers>(bytes).ok()?;
    if raw.0.len() != members.0.len() {
        return None;
    }
    let mut product_code = None;
    let mut key_version = None;
    let mut nonce = None;
    let mut issued_at = None;
    let mut rotation = None;
    let mut seen = [false; 5];
    for ((name, value), (_, raw)) in members.0.iter().zip(&raw.0) {
        let mut claim = None;
        for (index, spellings) in CLAIM_SPELLINGS.iter().enumerate() {
            if spellings.iter().any(|s| s == name) {
                claim = Some(index);
                break;
            }
            if spellings.iter().any(|s| s.eq_ignore_ascii_case(name)) {
                return Some(Err(())); // a case variant of a known claim
            }
        }
        let Some(index) = claim else { continue };
        if std::mem::replace(&mut seen[index], true) {
            return Some(Err(())); // two spellings of one claim
        }
        let ok = match (index, value) {
            (0, serde_json::Value::String(s)) => {
                product_code = Some(s.clone());
                true
            }
            (1, v) => match number_text(v).as_deref().and_then(model_key_version) {
                Some(n) => {
                    key_version = Some(n);
                    true
                }
                None => false,
            },
            (2, serde_json::Value::String(s)) => {
                nonce = Some(s.clone());
                true
            }
            (2, serde_json::Value::Null) => true,
            // Informational: any value at all, reported as read.
            (3, v) => {
                rotation = ModelTime::read(raw.get(), v);
                true
            }
            (4, v) => {
                issued_at = ModelTime::read(raw.get(), v);
                true
            }
            _ => false,
        };
        if !ok {
            return Some(Err(()));
        }
    }
    // The product code and the key version are required: parsing refuses a payload
    // without them.
    let (Some(product_code), Some(key_version)) = (product_code, key_version) else {
        return Some(Err(()));
    };
    Some(Ok(ModelValues {
        product_code,
        key_version,
        nonce,
        issued_at,
        rotation,
    }))
}

/// The reference verdict on a decoded header: `Some(true)` accept, `Some(false)` refuse,
/// `None` cannot judge.
pub fn model_header(bytes: &[u8]) -> Option<bool> {
    let members = match reference_members(bytes) {
        Ok(members) => members,
        Err(None) => return None,
        Err(Some(())) => return Some(false),
    };
    if !no_duplicates(&members) {
        return Some(false);
    }
    let mut alg_ok = false;
    for (name, value) in &members.0 {
        match (name.as_str(), value) {
            ("alg", serde_json::Value::String(s)) => alg_ok = s == "PS256",
            ("alg", _) => return Some(false),
            ("typ", serde_json::Value::String(s))
                if s.eq_ignore_ascii_case("JWT") || s.eq_ignore_ascii_case("application/jwt") => {}
            ("typ", _) | ("crit", _) | ("b64", _) => return Some(false),
            _ => {}
        }
    }
    Some(alg_ok)
}
