//! Shared pieces of the fuzz targets: the test keys, the fixed verifier, the reference
//! signer (with test-support's deterministic RNG), reference models of the header and
//! claims rules (verdicts, and the values a registration must report), a structured JSON
//! generator, and a generator of RegisterUsage tokens in every tolerated spelling.
//!
//! Everything here is test code: it panics freely.

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use base64ct::{Base64UrlUnpadded, Encoding};
use register_usage_jwt::{KeyPolicy, Nonce, PublicKey, Verifier};
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::RandomizedSigner;
use sha2::Sha256;

/// The product code the fixed verifier is configured with.
pub const PRODUCT_CODE: &str = "1fszvu527waovqeuhpkyx2b5d";
/// The nonce the fixed verifier expects (the one in `tests/fixtures/tokens.json`).
pub const NONCE: &str = "3f1e5a0c-6b7d-4e2a-9c31-0d8f2b7a4e55";

/// The three test key sizes, configured under key versions 1, 2 and 3 in this order.
pub const KEY_STEMS: [&str; 3] = [
    "test-only-rsa2048",
    "test-only-rsa3072",
    "test-only-rsa4096",
];

const PUBLIC_PEMS: [&str; 3] = [
    include_str!("../../keys/test-only-rsa2048.pub.pem"),
    include_str!("../../keys/test-only-rsa3072.pub.pem"),
    include_str!("../../keys/test-only-rsa4096.pub.pem"),
];
const PRIVATE_PEMS: [&str; 3] = [
    include_str!("../../keys/test-only-rsa2048.key.pem"),
    include_str!("../../keys/test-only-rsa3072.key.pem"),
    include_str!("../../keys/test-only-rsa4096.key.pem"),
];

/// One test key in every form the targets need.
pub struct TestKey {
    /// The crate's prepared key.
    pub ours: PublicKey,
    /// `rsa`'s public key (the reference verifier).
    pub reference: rsa::PublicKey,
    /// `rsa`'s private key (the reference signer).
    pub private: rsa::PrivateKey,
}

/// The three test keys (2048, 3072, 4096), parsed once.
pub fn keys() -> &'static [TestKey; 3] {
    static KEYS: OnceLock<[TestKey; 3]> = OnceLock::new();
    KEYS.get_or_init(|| {
        core::array::from_fn(|i| {
            let ours = PublicKey::from_pem_with_policy(
                PUBLIC_PEMS[i],
                KeyPolicy::DangerouslyAllowPublishedTestKeys,
            )
            .expect("test public key");
            let private =
                rsa::PrivateKey::from_pkcs8_pem(PRIVATE_PEMS[i]).expect("test private key");
            let reference = private.to_public_key();
            TestKey {
                ours,
                reference,
                private,
            }
        })
    })
}

/// The fixed verifier: product `PRODUCT_CODE`, the 2048/3072/4096 test keys as versions 1/2/3.
pub fn verifier() -> &'static Verifier {
    static VERIFIER: OnceLock<Verifier> = OnceLock::new();
    VERIFIER.get_or_init(|| {
        let keys = keys();
        Verifier::new(
            PRODUCT_CODE,
            [
                (1, keys[0].ours.clone()),
                (2, keys[1].ours.clone()),
                (3, keys[2].ours.clone()),
            ],
        )
        .expect("verifier")
    })
}

/// The fixed nonce.
pub fn nonce() -> Nonce<'static> {
    Nonce::new(NONCE).expect("nonce")
}

/// The deterministic RNG of the tests (SHA-256 in counter mode), so the reference signer
/// needs no OS randomness and every input replays exactly.
pub use register_usage_jwt_test_support::DetRng;

/// Signs `message` with PS256 (salt `salt_len`) under test key `index`; `None` when `rsa`
/// refuses the salt length.
pub fn sign_pss(index: usize, message: &[u8], salt_len: usize, seed: &[u8]) -> Option<Vec<u8>> {
    let key =
        rsa::pss::SigningKey::<Sha256>::new_with_salt_len(keys()[index].private.clone(), salt_len);
    let mut rng = DetRng::new(seed);
    let signature = key.try_sign_with_rng(&mut rng, message).ok()?;
    Some(rsa::signature::SignatureEncoding::to_vec(&signature))
}

/// A compact PS256 token over `header` and `payload` (raw JSON bytes), signed with test key
/// `index`.
pub fn mint(index: usize, header: &[u8], payload: &[u8], seed: &[u8]) -> String {
    let signing_input = format!(
        "{}.{}",
        Base64UrlUnpadded::encode_string(header),
        Base64UrlUnpadded::encode_string(payload)
    );
    let signature = sign_pss(index, signing_input.as_bytes(), 32, seed).expect("sign");
    format!(
        "{signing_input}.{}",
        Base64UrlUnpadded::encode_string(&signature)
    )
}

/// The reference verdict of `rsa::pss::VerifyingKey::<Sha256>::new` (salt length 32).
pub fn reference_verify(index: usize, message: &[u8], signature: &[u8]) -> bool {
    use rsa::signature::Verifier as _;
    let verifying_key = rsa::pss::VerifyingKey::<Sha256>::new(keys()[index].reference.clone());
    match rsa::pss::Signature::try_from(signature) {
        Ok(signature) => verifying_key.verify(message, &signature).is_ok(),
        Err(_) => false,
    }
}

// ---------------------------------------------------------------------------------------
// Reference models of the JSON rules, on top of serde_json.
// ---------------------------------------------------------------------------------------

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

const CLAIM_SPELLINGS: [&[&str]; 5] = [
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

// ---------------------------------------------------------------------------------------
// A structured JSON generator.
// ---------------------------------------------------------------------------------------

/// Member names the crate treats specially, and a few it must ignore.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum KnownName {
    ProductCode,
    ProductCodeCamel,
    PublicKeyVersion,
    PublicKeyVersionCamel,
    Nonce,
    NonceCamel,
    PublicKeyRotationTimestamp,
    PublicKeyRotationTimestampCamel,
    Iat,
    Alg,
    Typ,
    Crit,
    B64,
    Kid,
    Jwk,
    PublicKeyExpirationTimestamp,
    Exp,
}

impl KnownName {
    pub fn text(self) -> &'static str {
        match self {
            KnownName::ProductCode => "ProductCode",
            KnownName::ProductCodeCamel => "productCode",
            KnownName::PublicKeyVersion => "PublicKeyVersion",
            KnownName::PublicKeyVersionCamel => "publicKeyVersion",
            KnownName::Nonce => "Nonce",
            KnownName::NonceCamel => "nonce",
            KnownName::PublicKeyRotationTimestamp => "PublicKeyRotationTimestamp",
            KnownName::PublicKeyRotationTimestampCamel => "publicKeyRotationTimestamp",
            KnownName::Iat => "iat",
            KnownName::Alg => "alg",
            KnownName::Typ => "typ",
            KnownName::Crit => "crit",
            KnownName::B64 => "b64",
            KnownName::Kid => "kid",
            KnownName::Jwk => "jwk",
            KnownName::PublicKeyExpirationTimestamp => "PublicKeyExpirationTimestamp",
            KnownName::Exp => "exp",
        }
    }
}

/// Values the verifier compares against.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum KnownValue {
    ProductCode,
    Nonce,
    Ps256,
    Jwt,
    Empty,
}

impl KnownValue {
    fn text(self) -> &'static str {
        match self {
            KnownValue::ProductCode => PRODUCT_CODE,
            KnownValue::Nonce => NONCE,
            KnownValue::Ps256 => "PS256",
            KnownValue::Jwt => "JWT",
            KnownValue::Empty => "",
        }
    }
}

/// A member name.
#[derive(Arbitrary, Debug, Clone)]
pub enum Name {
    Known(KnownName),
    /// A known name with the ASCII case of the letters selected by the mask flipped.
    CaseFlip(KnownName, u64),
    /// A known name with the characters selected by the mask written as `\uXXXX`.
    Escaped(KnownName, u64, bool),
    /// A known name followed by extra pieces (`ProductCode\u0000`, `nonce `, ...).
    Suffixed(KnownName, Vec<Piece>),
    Pieces(Vec<Piece>),
}

/// A piece of a JSON string body.
#[derive(Arbitrary, Debug, Clone)]
pub enum Piece {
    Text(String),
    Known(KnownValue),
    /// One of `\" \\ \/ \b \f \n \r \t`, or an invalid escape.
    Escape(u8),
    /// `\uXXXX` with any code unit, lone surrogates included.
    Unit(u16, bool),
    /// A character written as `\uXXXX` (a surrogate pair when astral).
    EscapedChar(char),
    /// A raw byte below 0x20 (invalid inside a string).
    Control(u8),
}

/// A number written in one of the forms JSON allows, or almost allows.
#[derive(Arbitrary, Debug, Clone)]
pub struct NumberForm {
    negative: bool,
    leading_zeros: u8,
    integer: u64,
    fraction: Option<u32>,
    exponent: Option<(u8, bool, i16)>,
    huge_digits: u8,
}

/// A JSON value.
#[derive(Arbitrary, Debug, Clone)]
pub enum Value {
    String(Vec<Piece>),
    Known(KnownValue),
    Integer(u64),
    Number(NumberForm),
    True,
    False,
    Null,
    Array(Vec<Value>),
    Object(Vec<Member>),
    /// `depth` nested arrays (or single-member objects) around `null`.
    Deep(u16, bool),
    /// Arbitrary text where a value belongs.
    Raw(String),
}

/// One member of an object.
#[derive(Arbitrary, Debug, Clone)]
pub struct Member {
    pub name: Name,
    pub spaces: u8,
    pub value: Value,
}

/// A whole document: usually one object, sometimes with trailing data.
#[derive(Arbitrary, Debug)]
pub struct Document {
    pub leading: u8,
    pub members: Vec<Member>,
    pub trailing: u8,
    pub tail: Option<String>,
}

fn whitespace(out: &mut String, selector: u8) {
    for i in 0..(selector % 4) {
        out.push(match (selector >> (2 + i)) & 3 {
            0 => ' ',
            1 => '\t',
            2 => '\n',
            _ => '\r',
        });
    }
}

fn escape_unit(out: &mut String, unit: u16, upper: bool) {
    if upper {
        out.push_str(&format!("\\u{unit:04X}"));
    } else {
        out.push_str(&format!("\\u{unit:04x}"));
    }
}

fn escape_char(out: &mut String, c: char, upper: bool) {
    let mut units = [0u16; 2];
    for unit in c.encode_utf16(&mut units) {
        escape_unit(out, *unit, upper);
    }
}

fn plain(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => escape_unit(out, c as u16, false),
            c => out.push(c),
        }
    }
}

impl Piece {
    fn render(&self, out: &mut String) {
        match self {
            Piece::Text(text) => plain(out, text),
            Piece::Known(value) => plain(out, value.text()),
            Piece::Escape(which) => out.push_str(match which % 10 {
                0 => "\\\"",
                1 => "\\\\",
                2 => "\\/",
                3 => "\\b",
                4 => "\\f",
                5 => "\\n",
                6 => "\\r",
                7 => "\\t",
                8 => "\\x",
                _ => "\\",
            }),
            Piece::Unit(unit, upper) => escape_unit(out, *unit, *upper),
            Piece::EscapedChar(c) => escape_char(out, *c, false),
            Piece::Control(byte) => out.push(char::from(byte % 0x20)),
        }
    }
}

impl Name {
    fn render(&self, out: &mut String) {
        out.push('"');
        match self {
            Name::Known(name) => out.push_str(name.text()),
            Name::CaseFlip(name, mask) => {
                for (i, c) in name.text().chars().enumerate() {
                    if (mask >> (i % 64)) & 1 == 1 {
                        if c.is_ascii_lowercase() {
                            out.push(c.to_ascii_uppercase());
                        } else {
                            out.push(c.to_ascii_lowercase());
                        }
                    } else {
                        out.push(c);
                    }
                }
            }
            Name::Escaped(name, mask, upper) => {
                for (i, c) in name.text().chars().enumerate() {
                    if (mask >> (i % 64)) & 1 == 1 {
                        escape_char(out, c, *upper);
                    } else {
                        out.push(c);
                    }
                }
            }
            Name::Suffixed(name, pieces) => {
                out.push_str(name.text());
                for piece in pieces {
                    piece.render(out);
                }
            }
            Name::Pieces(pieces) => {
                for piece in pieces {
                    piece.render(out);
                }
            }
        }
        out.push('"');
    }
}

impl NumberForm {
    fn render(&self, out: &mut String) {
        if self.negative {
            out.push('-');
        }
        for _ in 0..(self.leading_zeros % 3) {
            out.push('0');
        }
        out.push_str(&self.integer.to_string());
        for _ in 0..(self.huge_digits % 64) {
            out.push('9');
        }
        if let Some(fraction) = self.fraction {
            out.push('.');
            if fraction != u32::MAX {
                out.push_str(&fraction.to_string());
            }
        }
        if let Some((style, upper, exponent)) = self.exponent {
            out.push(if upper { 'E' } else { 'e' });
            match style % 3 {
                0 => {}
                1 => out.push('+'),
                _ => out.push('-'),
            }
            if exponent != i16::MIN {
                out.push_str(&exponent.unsigned_abs().to_string());
            }
        }
    }
}

impl Value {
    fn render(&self, out: &mut String) {
        match self {
            Value::String(pieces) => {
                out.push('"');
                for piece in pieces {
                    piece.render(out);
                }
                out.push('"');
            }
            Value::Known(value) => {
                out.push('"');
                plain(out, value.text());
                out.push('"');
            }
            Value::Integer(n) => out.push_str(&n.to_string()),
            Value::Number(form) => form.render(out),
            Value::True => out.push_str("true"),
            Value::False => out.push_str("false"),
            Value::Null => out.push_str("null"),
            Value::Array(values) => {
                out.push('[');
                for (i, value) in values.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    value.render(out);
                }
                out.push(']');
            }
            Value::Object(members) => render_object(out, members),
            Value::Deep(depth, object) => {
                let depth = usize::from(*depth % 9000);
                for _ in 0..depth {
                    out.push_str(if *object { "{\"d\":" } else { "[" });
                }
                out.push_str("null");
                for _ in 0..depth {
                    out.push(if *object { '}' } else { ']' });
                }
            }
            Value::Raw(text) => out.push_str(text),
        }
    }
}

fn render_object(out: &mut String, members: &[Member]) {
    out.push('{');
    for (i, member) in members.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        whitespace(out, member.spaces);
        member.name.render(out);
        whitespace(out, member.spaces >> 4);
        out.push(':');
        member.value.render(out);
    }
    out.push('}');
}

impl Document {
    /// The JSON text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        whitespace(&mut out, self.leading);
        render_object(&mut out, &self.members);
        whitespace(&mut out, self.trailing);
        if let Some(tail) = &self.tail {
            out.push_str(tail);
        }
        out
    }
}

// ---------------------------------------------------------------------------------------
// Tolerant claims: a RegisterUsage token written in every spelling the crate accepts.
// ---------------------------------------------------------------------------------------

/// How one character of a JSON string is written.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum CharStyle {
    Plain,
    /// `\uXXXX` (a surrogate pair when astral), lower- or upper-case hex.
    Unicode(bool),
    /// The short escape when the character has one (`\/`, `\"`, `\\`, `\n`...), else plain.
    Short,
}

/// A change to a string after it is spelled: the model decides what it then decodes to.
#[derive(Arbitrary, Debug, Clone)]
pub enum Damage {
    /// A piece inserted before the `at`-th character (a lone surrogate, an invalid escape...).
    Insert(u8, Piece),
    /// The `at`-th character dropped.
    Drop(u8),
    /// The ASCII case of the `at`-th character flipped.
    FlipCase(u8),
}

/// A string written with a style per character, perhaps damaged.
#[derive(Arbitrary, Debug, Clone)]
pub struct Spelling {
    pub styles: Vec<CharStyle>,
    pub damage: Option<Damage>,
}

impl Spelling {
    /// `"..."`: `text` spelled this way.
    pub fn render(&self, text: &str, out: &mut String) {
        let chars: Vec<char> = text.chars().collect();
        let damage = self.damage.as_ref();
        out.push('"');
        for (i, &c) in chars.iter().enumerate() {
            let mut c = c;
            match damage {
                Some(Damage::Insert(at, piece)) if usize::from(*at) % (chars.len() + 1) == i => {
                    piece.render(out);
                }
                Some(Damage::Drop(at)) if usize::from(*at) % chars.len().max(1) == i => continue,
                Some(Damage::FlipCase(at)) if usize::from(*at) % chars.len().max(1) == i => {
                    c = if c.is_ascii_lowercase() {
                        c.to_ascii_uppercase()
                    } else {
                        c.to_ascii_lowercase()
                    };
                }
                _ => {}
            }
            let style = if self.styles.is_empty() {
                CharStyle::Plain
            } else {
                self.styles[i % self.styles.len()]
            };
            match (style, c) {
                (CharStyle::Unicode(upper), c) => escape_char(out, c, upper),
                (CharStyle::Short, '/') => out.push_str("\\/"),
                (CharStyle::Short, '\u{8}') => out.push_str("\\b"),
                (CharStyle::Short, '\u{c}') => out.push_str("\\f"),
                (CharStyle::Short, '\n') => out.push_str("\\n"),
                (CharStyle::Short, '\r') => out.push_str("\\r"),
                (CharStyle::Short, '\t') => out.push_str("\\t"),
                (_, c) => plain(out, c.encode_utf8(&mut [0; 4])),
            }
        }
        if let Some(Damage::Insert(at, piece)) = damage
            && usize::from(*at) % (chars.len() + 1) == chars.len()
        {
            piece.render(out);
        }
        out.push('"');
    }
}

/// A spelling of a positive integer as a JSON number: `1`, `1.0`, `10e-1`, `0.001E3`...
#[derive(Arbitrary, Debug, Clone)]
pub struct IntegerSpelling {
    /// Zeros appended to the digits, then taken back by the exponent.
    pub zeros: u8,
    /// Where the decimal point goes in the digits (from the right).
    pub point: u8,
    /// Zeros written before the first digit after `0.` when the point is at the far left.
    pub leading: bool,
    pub upper_e: bool,
    pub plus: bool,
    /// Write `e0` (or the needed exponent) even when it is zero.
    pub force_exponent: bool,
}

impl IntegerSpelling {
    pub fn render(&self, value: u64, out: &mut String) {
        let mut digits = value.to_string();
        let zeros = usize::from(self.zeros % 24);
        digits.push_str(&"0".repeat(zeros));
        // value = digits * 10^(-fraction_len) * 10^exponent
        let fraction_len = usize::from(self.point) % (digits.len() + 1);
        let split = digits.len() - fraction_len;
        let exponent = fraction_len as i64 - zeros as i64;
        if split == 0 {
            out.push('0');
        } else {
            out.push_str(&digits[..split]);
        }
        if fraction_len > 0 {
            out.push('.');
            out.push_str(&digits[split..]);
        }
        if exponent != 0 || self.force_exponent {
            out.push(if self.upper_e { 'E' } else { 'e' });
            if exponent < 0 {
                out.push('-');
            } else if self.plus {
                out.push('+');
            }
            out.push_str(&exponent.unsigned_abs().to_string());
        }
    }
}

/// The key version as written in the token.
#[derive(Arbitrary, Debug, Clone)]
pub enum VersionForm {
    /// The configured version, spelled as a number.
    Configured(IntegerSpelling),
    /// Another integer, spelled as a number.
    Other(u64, IntegerSpelling),
    /// Any number form (fractions, negative, huge, malformed).
    Number(NumberForm),
    /// The configured version as a string, or any other value.
    Quoted(Spelling),
    Value(Value),
}

/// A time claim (`iat`, the rotation timestamp) of any type.
#[derive(Arbitrary, Debug, Clone)]
pub enum TimeForm {
    Integer(u64),
    Spelled(u64, IntegerSpelling),
    /// Seconds with a fraction, written by Rust's `Display` or `LowerExp` of an f64.
    Float(f64, bool),
    Number(NumberForm),
    /// A date written as a string (`"2026-11-29T12:00:00Z"`) or any string.
    Date(u32, Spelling),
    Value(Value),
}

/// `typ` in the header.
#[derive(Arbitrary, Debug, Clone)]
pub enum TypForm {
    /// `JWT` or `application/jwt`, each letter's case chosen by the mask, spelled.
    Jwt(bool, u32, Spelling),
    Value(Value),
}

/// Which spelling of a claim name.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum NameForm {
    Pascal,
    Camel,
    /// The chosen spelling, each character `\u`-escaped per the mask.
    Escaped(bool, u32),
    /// A case variant: the verifier must refuse.
    CaseFlip(bool, u32),
}

impl NameForm {
    fn render(self, spellings: &[&str], out: &mut String) {
        let pick = |camel: bool| spellings[usize::from(camel) % spellings.len()];
        out.push('"');
        match self {
            NameForm::Pascal => out.push_str(pick(false)),
            NameForm::Camel => out.push_str(pick(true)),
            NameForm::Escaped(camel, mask) => {
                for (i, c) in pick(camel).chars().enumerate() {
                    if (mask >> (i % 32)) & 1 == 1 {
                        escape_char(out, c, i % 2 == 0);
                    } else {
                        out.push(c);
                    }
                }
            }
            NameForm::CaseFlip(camel, mask) => {
                for (i, c) in pick(camel).chars().enumerate() {
                    if (mask >> (i % 32)) & 1 == 1 {
                        out.push(if c.is_ascii_lowercase() {
                            c.to_ascii_uppercase()
                        } else {
                            c.to_ascii_lowercase()
                        });
                    } else {
                        out.push(c);
                    }
                }
            }
        }
        out.push('"');
    }
}

/// A RegisterUsage token's header and claims, written in every way the crate tolerates and
/// a few it must refuse.
#[derive(Arbitrary, Debug, Clone)]
pub struct TolerantToken {
    /// The product code the verifier is configured with (kept to the allowed characters;
    /// the fixed one when nothing is left).
    pub product_code: String,
    /// The key version the verifier is configured with (1 when 0).
    pub key_version: u32,
    /// The nonce the caller sent (any text; the fixed one when `Nonce::new` refuses it).
    pub nonce: String,
    pub typ: Option<TypForm>,
    pub typ_first: bool,
    pub product_name: NameForm,
    pub product: Spelling,
    pub version_name: NameForm,
    pub version: VersionForm,
    /// `None`: no nonce claim; `Some(None)`: `null`.
    pub nonce_claim: Option<(NameForm, Option<Spelling>)>,
    pub iat: Option<TimeForm>,
    pub rotation: Option<(NameForm, TimeForm)>,
    /// Members the crate must ignore.
    pub extra: Vec<Member>,
    /// Rotates the members' order.
    pub order: u8,
    pub spaces: u8,
}

impl TolerantToken {
    /// The configured product code, nonce and key version.
    pub fn configuration(&self) -> (String, String, u32) {
        let product: String = self
            .product_code
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || "-/=:_.@".contains(*c))
            .take(255)
            .collect();
        let product = if product.is_empty() {
            PRODUCT_CODE.to_owned()
        } else {
            product
        };
        let nonce = if register_usage_jwt::Nonce::new(&self.nonce).is_ok() {
            self.nonce.clone()
        } else {
            NONCE.to_owned()
        };
        (product, nonce, self.key_version.max(1))
    }

    /// The header JSON.
    pub fn header(&self) -> String {
        let mut members = vec![r#""alg":"PS256""#.to_owned()];
        if let Some(typ) = &self.typ {
            let mut member = String::from(r#""typ":"#);
            match typ {
                TypForm::Jwt(media, mask, spelling) => {
                    let name = if *media { "application/jwt" } else { "jwt" };
                    let cased: String = name
                        .chars()
                        .enumerate()
                        .map(|(i, c)| {
                            if (mask >> (i % 32)) & 1 == 1 {
                                c.to_ascii_uppercase()
                            } else {
                                c
                            }
                        })
                        .collect();
                    spelling.render(&cased, &mut member);
                }
                TypForm::Value(value) => value.render(&mut member),
            }
            if self.typ_first {
                members.insert(0, member);
            } else {
                members.push(member);
            }
        }
        format!("{{{}}}", members.join(","))
    }

    /// The claims JSON.
    pub fn payload(&self) -> String {
        let (product, nonce, version) = self.configuration();
        let mut members: Vec<String> = Vec::new();
        let mut member = |name: NameForm, spellings: &[&str], value: &dyn Fn(&mut String)| {
            let mut out = String::new();
            whitespace(&mut out, self.spaces);
            name.render(spellings, &mut out);
            whitespace(&mut out, self.spaces >> 4);
            out.push(':');
            value(&mut out);
            members.push(out);
        };
        member(self.product_name, CLAIM_SPELLINGS[0], &|out| {
            self.product.render(&product, out)
        });
        member(
            self.version_name,
            CLAIM_SPELLINGS[1],
            &|out| match &self.version {
                VersionForm::Configured(spelling) => spelling.render(u64::from(version), out),
                VersionForm::Other(value, spelling) => spelling.render(*value, out),
                VersionForm::Number(form) => form.render(out),
                VersionForm::Quoted(spelling) => spelling.render(&version.to_string(), out),
                VersionForm::Value(value) => value.render(out),
            },
        );
        if let Some((name, value)) = &self.nonce_claim {
            member(*name, CLAIM_SPELLINGS[2], &|out| match value {
                Some(spelling) => spelling.render(&nonce, out),
                None => out.push_str("null"),
            });
        }
        if let Some(iat) = &self.iat {
            member(NameForm::Pascal, CLAIM_SPELLINGS[4], &|out| iat.render(out));
        }
        if let Some((name, time)) = &self.rotation {
            member(*name, CLAIM_SPELLINGS[3], &|out| time.render(out));
        }
        for extra in self.extra.iter().take(8) {
            let mut out = String::new();
            render_object(&mut out, std::slice::from_ref(extra));
            // `{` + member + `}`: keep the member.
            members.push(out[1..out.len() - 1].to_owned());
        }
        let len = members.len();
        members.rotate_left(usize::from(self.order) % len);
        format!("{{{}}}", members.join(","))
    }
}

impl TimeForm {
    fn render(&self, out: &mut String) {
        match self {
            TimeForm::Integer(n) => out.push_str(&n.to_string()),
            TimeForm::Spelled(n, spelling) => spelling.render(*n, out),
            TimeForm::Float(x, exp) => {
                // JSON has no inf or NaN: write those as an integer instead.
                let x = if x.is_finite() { *x } else { 1.7e9 };
                let text = if *exp {
                    format!("{x:e}")
                } else {
                    format!("{x}")
                };
                out.push_str(&text);
            }
            TimeForm::Number(form) => form.render(out),
            TimeForm::Date(seconds, spelling) => {
                let days = seconds / 86_400;
                let text = format!(
                    "2026-{:02}-{:02}T{:02}:{:02}:00Z",
                    1 + days % 12,
                    1 + days % 28,
                    (seconds / 3600) % 24,
                    (seconds / 60) % 60
                );
                spelling.render(&text, out);
            }
            TimeForm::Value(value) => value.render(out),
        }
    }
}
