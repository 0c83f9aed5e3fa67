//! Tolerant claims: a RegisterUsage token written in every spelling the crate accepts.

use arbitrary::Arbitrary;

use crate::fixture::{NONCE, PRODUCT_CODE};
use crate::model::CLAIM_SPELLINGS;
use crate::structured::{
    Member, NumberForm, Piece, Value, escape_char, plain, render_object, whitespace,
};

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
