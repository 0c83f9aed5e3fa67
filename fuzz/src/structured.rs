//! A structured JSON generator.

use arbitrary::Arbitrary;

use crate::fixture::{NONCE, PRODUCT_CODE};

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

pub(crate) fn whitespace(out: &mut String, selector: u8) {
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

pub(crate) fn escape_char(out: &mut String, c: char, upper: bool) {
    let mut units = [0u16; 2];
    for unit in c.encode_utf16(&mut units) {
        escape_unit(out, *unit, upper);
    }
}

pub(crate) fn plain(out: &mut String, text: &str) {
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
    pub(crate) fn render(&self, out: &mut String) {
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
    pub(crate) fn render(&self, out: &mut String) {
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
    pub(crate) fn render(&self, out: &mut String) {
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

pub(crate) fn render_object(out: &mut String, members: &[Member]) {
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
