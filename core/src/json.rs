//! A bounded, strict reader for the two small JSON objects in a token.
//!
//! The header and the claims are flat objects whose members we look up by name; everything
//! else in them (a `jwk`, an unknown nested claim) is validated and skipped. The reader is
//! written for that job alone, instead of using a general JSON library, because the job
//! needs four things together that `serde-json-core` 0.7 does not give:
//!
//! * `\uXXXX` escapes with UTF-16 surrogate pairs (it rejects them);
//! * strict grammar inside ignored values (it skips an unknown scalar by scanning to the
//!   next delimiter, so `{"x": garbage}` passes);
//! * skipping nested values without recursion, so nesting as deep as the token bound allows
//!   costs no stack (it recurses once per level);
//! * duplicate detection for members it does not know (serde's derive sees only its own).
//!
//! The input is a `&str`, so UTF-8 validity is settled before parsing. Every read is
//! bounds-checked through `get`; nothing here can panic or allocate.

use crate::error::{JsonDefect, JsonType};

/// The most members the header or the claims object may have. A RegisterUsage payload has
/// at most six and a JOSE header rarely more than eight; the bound keeps duplicate detection
/// on the stack.
pub const MAX_JSON_MEMBERS: usize = 64;
use MAX_JSON_MEMBERS as MAX_MEMBERS;

/// The deepest nesting accepted inside a member's value of the header or the claims. A JOSE
/// header nests two levels at most (a `jwk`), a RegisterUsage payload none; the bound keeps
/// a crafted header's cost before the signature check small and the skipper's stack to one
/// word.
pub const MAX_JSON_DEPTH: usize = 64;
use MAX_JSON_DEPTH as MAX_DEPTH;

/// Room for the decoded names of escaped members: unescaping never lengthens a name, so
/// the names of one object never need more than the decoded token holds. The caller owns
/// the buffer, so the reader itself stays small enough to move around on the stack.
pub(crate) const NAME_BYTES: usize = crate::token::MAX_DECODED_LEN;

/// A JSON string as it appears in the input, between its quotes, already validated:
/// every escape is well formed and every surrogate is paired.
#[derive(Clone, Copy, Debug)]
pub(crate) struct JsonStr<'a> {
    raw: &'a str,
}

impl<'a> JsonStr<'a> {
    /// The decoded characters, with escapes resolved.
    pub(crate) fn chars(&self) -> DecodedChars<'a> {
        DecodedChars {
            rest: self.raw.chars(),
        }
    }

    /// Whether the decoded string equals `other`, byte for byte.
    pub(crate) fn decodes_to(&self, other: &str) -> bool {
        if !self.raw.contains('\\') {
            return self.raw == other;
        }
        self.chars().eq(other.chars())
    }

    /// Whether the decoded string equals `other` ignoring ASCII case.
    pub(crate) fn decodes_to_ignoring_ascii_case(&self, other: &str) -> bool {
        if !self.raw.contains('\\') {
            return self.raw.eq_ignore_ascii_case(other);
        }
        self.chars()
            .map(|c| c.to_ascii_lowercase())
            .eq(other.chars().map(|c| c.to_ascii_lowercase()))
    }
}

/// Iterator over the characters of a validated [`JsonStr`].
pub(crate) struct DecodedChars<'a> {
    rest: core::str::Chars<'a>,
}

impl DecodedChars<'_> {
    fn hex4(&mut self) -> u32 {
        let mut value = 0u32;
        for _ in 0..4 {
            let digit = self.rest.next().and_then(|c| c.to_digit(16)).unwrap_or(0);
            value = (value << 4) | digit;
        }
        value
    }
}

impl Iterator for DecodedChars<'_> {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        let c = self.rest.next()?;
        if c != '\\' {
            return Some(c);
        }
        // The string was validated when it was read, so every branch below is well formed;
        // the fallbacks only keep this function total.
        Some(match self.rest.next()? {
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'u' => {
                let unit = self.hex4();
                let code = if (0xD800..0xDC00).contains(&unit) {
                    // A high surrogate is always followed by `\u` and a low surrogate.
                    self.rest.next();
                    self.rest.next();
                    let low = self.hex4();
                    // Both halves were range-checked when the string was read, so this is
                    // at most 0x10FFFF.
                    0x10000u32.wrapping_add(((unit & 0x3FF) << 10) | (low & 0x3FF))
                } else {
                    unit
                };
                char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER)
            }
            other => other, // `"`, `\` and `/` stand for themselves.
        })
    }
}

/// A member's value. Arrays and objects are validated and skipped.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Value<'a> {
    String(JsonStr<'a>),
    /// A number in strict JSON grammar, as written.
    Number(&'a str),
    Bool,
    Null,
    Array,
    Object,
}

impl Value<'_> {
    pub(crate) fn kind(&self) -> JsonType {
        match self {
            Value::String(_) => JsonType::String,
            Value::Number(_) => JsonType::Number,
            Value::Bool => JsonType::Boolean,
            Value::Null => JsonType::Null,
            Value::Array => JsonType::Array,
            Value::Object => JsonType::Object,
        }
    }
}

/// Reads the members of one top-level object, in order, and rejects duplicates.
///
/// Duplicates are found when the object closes, by sorting the decoded names: comparing each
/// name with every earlier one costs `O(members²)` decodes, which a crafted header of many
/// escaped names turns into more work than a signature check, before any signature is
/// checked. Decoding each escaped name once into `names` and sorting keeps the work linear
/// in the input, times `log(members)` byte comparisons.
pub(crate) struct ObjectReader<'a, 'n> {
    input: &'a str,
    pos: usize,
    state: State,
    seen: heapless::Vec<SeenName, MAX_MEMBERS>,
    names: &'n mut [u8; NAME_BYTES],
    names_len: usize,
    /// The JSON text of the last member's value, as written.
    value_text: &'a str,
}

/// Where a member's decoded name is: in the input itself when it has no escape, otherwise
/// in the reader's `names` buffer.
#[derive(Clone, Copy)]
struct SeenName {
    /// Byte offset of the name's opening quote, for the error.
    offset: usize,
    start: usize,
    len: usize,
    unescaped_into_buffer: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    First,
    Next,
    Done,
}

impl<'a, 'n> ObjectReader<'a, 'n> {
    /// Starts reading `input`, which must hold one object and nothing but whitespace around
    /// it; `names` is scratch space for the decoded names of escaped members.
    pub(crate) fn new(input: &'a str, names: &'n mut [u8; NAME_BYTES]) -> Result<Self, JsonDefect> {
        let mut reader = Self {
            input,
            pos: 0,
            state: State::First,
            seen: heapless::Vec::new(),
            names,
            names_len: 0,
            value_text: "",
        };
        reader.skip_whitespace();
        match reader.peek() {
            Some(b'{') => reader.bump(),
            Some(_) => return Err(JsonDefect::NotAnObject),
            None => return Err(JsonDefect::Syntax { offset: reader.pos }),
        }
        Ok(reader)
    }

    /// The next member, or `None` after the closing brace (and only whitespace after it).
    pub(crate) fn next_member(&mut self) -> Result<Option<(JsonStr<'a>, Value<'a>)>, JsonDefect> {
        self.skip_whitespace();
        match (self.state, self.peek()) {
            (State::Done, _) => return Ok(None),
            (State::First | State::Next, Some(b'}')) => {
                self.bump();
                self.state = State::Done;
                self.skip_whitespace();
                if self.peek().is_some() {
                    return Err(JsonDefect::TrailingData { offset: self.pos });
                }
                return match self.first_duplicate() {
                    None => Ok(None),
                    Some(offset) => Err(JsonDefect::DuplicateMember { offset }),
                };
            }
            (State::Next, Some(b',')) => {
                self.bump();
                self.skip_whitespace();
            }
            (State::First, _) => {}
            (State::Next, _) => return Err(self.syntax()),
        }
        let name_offset = self.pos;
        let name = self.string()?;
        let seen = self.remember(name_offset, name)?;
        self.seen
            .push(seen)
            .map_err(|_| JsonDefect::TooManyMembers { max: MAX_MEMBERS })?;
        self.skip_whitespace();
        self.expect(b':')?;
        self.skip_whitespace();
        let value_start = self.pos;
        let value = self.value()?;
        self.value_text = self.input.get(value_start..self.pos).unwrap_or_default();
        self.state = State::Next;
        Ok(Some((name, value)))
    }

    /// The JSON text of the value [`next_member`](Self::next_member) returned last, exactly
    /// as written (strings with their quotes and escapes).
    pub(crate) fn value_text(&self) -> &'a str {
        self.value_text
    }

    /// Records where `name`'s decoded bytes are, unescaping it into `names` if need be.
    fn remember(&mut self, offset: usize, name: JsonStr<'a>) -> Result<SeenName, JsonDefect> {
        // The name starts after its opening quote.
        let raw_start = offset.saturating_add(1);
        if !name.raw.contains('\\') {
            return Ok(SeenName {
                offset,
                start: raw_start,
                len: name.raw.len(),
                unescaped_into_buffer: false,
            });
        }
        let start = self.names_len;
        let mut utf8 = [0u8; 4];
        let mut rest = name.raw;
        // Runs without an escape are copied whole; only the escapes are decoded one by one,
        // so a long name with one escape costs a copy, not a character-by-character decode.
        while !rest.is_empty() {
            let run = rest.find('\\').unwrap_or(rest.len());
            let (plain, escaped) = rest.split_at(run);
            self.push_name_bytes(plain.as_bytes(), offset)?;
            let mut chars = JsonStr { raw: escaped }.chars();
            if let Some(c) = chars.next() {
                self.push_name_bytes(c.encode_utf8(&mut utf8).as_bytes(), offset)?;
            }
            rest = chars.rest.as_str();
        }
        Ok(SeenName {
            offset,
            start,
            len: self.names_len.saturating_sub(start),
            unescaped_into_buffer: true,
        })
    }

    fn push_name_bytes(&mut self, bytes: &[u8], offset: usize) -> Result<(), JsonDefect> {
        let end = self.names_len.saturating_add(bytes.len());
        // Unreachable while `NAME_BYTES` covers the decoded token; a syntax error at the name
        // rather than a panic should that bound ever change.
        self.names
            .get_mut(self.names_len..end)
            .ok_or(JsonDefect::Syntax { offset })?
            .copy_from_slice(bytes);
        self.names_len = end;
        Ok(())
    }

    /// The offset of a member whose decoded name an earlier member already has, if any.
    fn first_duplicate(&mut self) -> Option<usize> {
        let (input, names) = (self.input.as_bytes(), &*self.names);
        let bytes = |seen: &SeenName| {
            let source: &[u8] = if seen.unescaped_into_buffer {
                names
            } else {
                input
            };
            source
                .get(seen.start..seen.start.saturating_add(seen.len))
                .unwrap_or(&[])
        };
        self.seen
            .sort_unstable_by(|a, b| bytes(a).cmp(bytes(b)).then(a.offset.cmp(&b.offset)));
        self.seen
            .windows(2)
            .filter_map(|pair| match pair {
                [a, b] if bytes(a) == bytes(b) => Some(b.offset),
                _ => None,
            })
            .min()
    }

    fn peek(&self) -> Option<u8> {
        self.input.as_bytes().get(self.pos).copied()
    }

    fn bump(&mut self) {
        self.pos = self.pos.saturating_add(1);
    }

    fn syntax(&self) -> JsonDefect {
        JsonDefect::Syntax { offset: self.pos }
    }

    fn expect(&mut self, byte: u8) -> Result<(), JsonDefect> {
        if self.peek() == Some(byte) {
            self.bump();
            Ok(())
        } else {
            Err(self.syntax())
        }
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.bump();
        }
    }

    /// Reads one value. Scalars are returned; arrays and objects are walked without
    /// recursion, keeping one bit per open container (set for an object).
    fn value(&mut self) -> Result<Value<'a>, JsonDefect> {
        self.skip_whitespace();
        let kind = match self.peek() {
            Some(b'[') => Value::Array,
            Some(b'{') => Value::Object,
            _ => return self.scalar(),
        };
        let mut open = BitStack::new();
        loop {
            // Here a value is expected.
            self.skip_whitespace();
            match self.peek() {
                Some(b'[') => {
                    self.bump();
                    open.push(false)?;
                    self.skip_whitespace();
                    if self.peek() == Some(b']') {
                        self.bump();
                        open.pop();
                    } else {
                        continue;
                    }
                }
                Some(b'{') => {
                    self.bump();
                    open.push(true)?;
                    self.skip_whitespace();
                    if self.peek() == Some(b'}') {
                        self.bump();
                        open.pop();
                    } else {
                        self.member_name()?;
                        continue;
                    }
                }
                _ => {
                    self.scalar()?;
                }
            }
            // Here a value has ended: close containers until one continues.
            loop {
                let Some(in_object) = open.top() else {
                    return Ok(kind);
                };
                self.skip_whitespace();
                match self.peek() {
                    Some(b',') => {
                        self.bump();
                        if in_object {
                            self.skip_whitespace();
                            self.member_name()?;
                        }
                        break;
                    }
                    Some(b'}') if in_object => {
                        self.bump();
                        open.pop();
                    }
                    Some(b']') if !in_object => {
                        self.bump();
                        open.pop();
                    }
                    _ => return Err(self.syntax()),
                }
            }
        }
    }

    /// A nested member's name and colon; nested names are not checked for duplicates.
    fn member_name(&mut self) -> Result<(), JsonDefect> {
        self.string()?;
        self.skip_whitespace();
        self.expect(b':')
    }

    fn scalar(&mut self) -> Result<Value<'a>, JsonDefect> {
        match self.peek() {
            Some(b'"') => self.string().map(Value::String),
            Some(b'-' | b'0'..=b'9') => self.number().map(Value::Number),
            Some(b't') => self.literal("true").map(|()| Value::Bool),
            Some(b'f') => self.literal("false").map(|()| Value::Bool),
            Some(b'n') => self.literal("null").map(|()| Value::Null),
            _ => Err(self.syntax()),
        }
    }

    fn literal(&mut self, word: &str) -> Result<(), JsonDefect> {
        let end = self.pos.saturating_add(word.len());
        if self.input.get(self.pos..end) == Some(word) {
            self.pos = end;
            Ok(())
        } else {
            Err(self.syntax())
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.bump();
        }
        self.pos.saturating_sub(start)
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    fn number(&mut self) -> Result<&'a str, JsonDefect> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.bump();
        }
        match self.peek() {
            Some(b'0') => self.bump(),
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.syntax()),
        }
        if self.peek() == Some(b'.') {
            self.bump();
            if self.digits() == 0 {
                return Err(self.syntax());
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.bump();
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.bump();
            }
            if self.digits() == 0 {
                return Err(self.syntax());
            }
        }
        self.input.get(start..self.pos).ok_or(self.syntax())
    }

    fn hex4(&mut self) -> Result<u32, JsonDefect> {
        let mut value = 0u32;
        for _ in 0..4 {
            let digit = self
                .peek()
                .and_then(|b| char::from(b).to_digit(16))
                .ok_or(self.syntax())?;
            value = (value << 4) | digit;
            self.bump();
        }
        Ok(value)
    }

    /// A string starting at the opening quote: validates escapes and pairs surrogates.
    fn string(&mut self) -> Result<JsonStr<'a>, JsonDefect> {
        self.expect(b'"')?;
        let start = self.pos;
        loop {
            // Skip the plain bytes in one tight scan; only quotes, escapes and control
            // characters need the byte-by-byte rules below.
            let rest = self.input.as_bytes().get(self.pos..).unwrap_or_default();
            let plain = rest
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                .unwrap_or(rest.len());
            self.pos = self.pos.saturating_add(plain);
            match self.peek() {
                None => return Err(self.syntax()),
                Some(b'"') => break,
                Some(b'\\') => {
                    self.bump();
                    match self.peek() {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.bump(),
                        Some(b'u') => {
                            self.bump();
                            let unit = self.hex4()?;
                            if (0xDC00..0xE000).contains(&unit) {
                                return Err(JsonDefect::UnpairedSurrogate { offset: self.pos });
                            }
                            if (0xD800..0xDC00).contains(&unit) {
                                if self.peek() != Some(b'\\') {
                                    return Err(JsonDefect::UnpairedSurrogate { offset: self.pos });
                                }
                                self.bump();
                                if self.peek() != Some(b'u') {
                                    return Err(JsonDefect::UnpairedSurrogate { offset: self.pos });
                                }
                                self.bump();
                                let low = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&low) {
                                    return Err(JsonDefect::UnpairedSurrogate { offset: self.pos });
                                }
                            }
                        }
                        _ => return Err(self.syntax()),
                    }
                }
                Some(0x00..=0x1F) => return Err(self.syntax()),
                Some(_) => self.bump(),
            }
        }
        let raw = self.input.get(start..self.pos).ok_or(self.syntax())?;
        self.bump(); // the closing quote
        Ok(JsonStr { raw })
    }
}

/// One bit per open container, on the stack.
struct BitStack {
    bits: [u64; MAX_DEPTH / 64],
    len: usize,
}

impl BitStack {
    fn new() -> Self {
        Self {
            bits: [0; MAX_DEPTH / 64],
            len: 0,
        }
    }

    fn push(&mut self, bit: bool) -> Result<(), JsonDefect> {
        let word = self
            .bits
            .get_mut(self.len / 64)
            .ok_or(JsonDefect::NestingTooDeep { max: MAX_DEPTH })?;
        let mask = 1u64 << (self.len % 64);
        if bit {
            *word |= mask;
        } else {
            *word &= !mask;
        }
        self.len = self.len.saturating_add(1);
        Ok(())
    }

    fn pop(&mut self) {
        self.len = self.len.saturating_sub(1);
    }

    fn top(&self) -> Option<bool> {
        let index = self.len.checked_sub(1)?;
        let word = self.bits.get(index / 64)?;
        Some(word & (1u64 << (index % 64)) != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;
    use alloc::vec::Vec;

    fn members(input: &str) -> Result<Vec<(String, JsonType)>, JsonDefect> {
        let mut names = [0; NAME_BYTES];
        let mut reader = ObjectReader::new(input, &mut names)?;
        let mut out = Vec::new();
        while let Some((name, value)) = reader.next_member()? {
            out.push((name.chars().collect(), value.kind()));
        }
        Ok(out)
    }

    #[test]
    fn reads_flat_and_nested_members() {
        let got = members(r#" {"a":1, "b" : "x", "c":{"d":[1,{"e":null},[]],"f":{}}, "g":true } "#)
            .unwrap();
        let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["a", "b", "c", "g"]);
        assert_eq!(got[2].1, JsonType::Object);
    }

    #[test]
    fn empty_object() {
        assert!(members("{}").unwrap().is_empty());
        assert!(members(" { } ").unwrap().is_empty());
    }

    #[test]
    fn rejects_bad_grammar() {
        for bad in [
            "",
            "[]",
            "{",
            "{\"a\"}",
            "{\"a\":}",
            "{\"a\":1,}",
            "{,}",
            "{\"a\":01}",
            "{\"a\":1.}",
            "{\"a\":.5}",
            "{\"a\":1e}",
            "{\"a\":+1}",
            "{\"a\":tru}",
            "{\"a\":nul}",
            "{\"a\":[1,]}",
            "{\"a\":[1}",
            "{\"a\":{\"b\"]}",
            "{\"a\":{\"b\":1]}",
            "{\"a\":\"\\x\"}",
            "{\"a\":\"\n\"}",
            "{\"a\":garbage}",
            "{} x",
            "{\"a\":1}}",
            "{'a':1}",
            "{\"a\":\"\\u12\"}",
            "{\"a\":[1 2]}",
            "{\"a\":{\"b\":1 \"c\":2}}",
        ] {
            assert!(members(bad).is_err(), "accepted {bad:?}");
        }
    }

    #[test]
    fn rejects_duplicates_after_unescaping() {
        assert!(matches!(
            members(r#"{"a":1,"a":2}"#),
            Err(JsonDefect::DuplicateMember { .. })
        ));
        assert!(matches!(
            members(r#"{"a":1,"\u0061":2}"#),
            Err(JsonDefect::DuplicateMember { .. })
        ));
        // Nested objects are values, not members of the top level.
        assert!(members(r#"{"a":{"a":1},"b":{"a":2}}"#).is_ok());
        // Found wherever they are, and the offset is the later occurrence's.
        assert!(matches!(
            members(r#"{"b":1,"\u0061":2,"c":3,"a":4}"#),
            Err(JsonDefect::DuplicateMember { offset: 24 })
        ));
        assert!(matches!(
            members(r#"{"\u00e9":1,"x":2,"é":3}"#),
            Err(JsonDefect::DuplicateMember { .. })
        ));
        // Names that differ only after an escape are different.
        assert!(members(r#"{"a\u0062":1,"ab\u0063":2,"abd":3}"#).is_ok());
    }

    #[test]
    fn decodes_escapes_and_surrogate_pairs() {
        let input = r#"{"k":"\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00x"}"#;
        let mut names = [0; NAME_BYTES];
        let mut reader = ObjectReader::new(input, &mut names).unwrap();
        let (_, value) = reader.next_member().unwrap().unwrap();
        let Value::String(s) = value else { panic!() };
        assert!(s.decodes_to("\"\\/\u{8}\u{c}\n\r\t\u{e9}\u{1F600}x"));
        // Surrogate pairs across the whole supplementary range (a proptest found that
        // U+20000 once decoded wrongly).
        for (escaped, decoded) in [
            (r#"{"k":"\ud800\udc00"}"#, "\u{10000}"),
            (r#"{"k":"\ud840\udc00"}"#, "\u{20000}"),
            (r#"{"k":"\udbff\udfff"}"#, "\u{10FFFF}"),
        ] {
            let mut names = [0; NAME_BYTES];
            let mut reader = ObjectReader::new(escaped, &mut names).unwrap();
            let (_, value) = reader.next_member().unwrap().unwrap();
            let Value::String(s) = value else { panic!() };
            assert!(s.decodes_to(decoded), "{escaped}");
        }
        assert!(!s.decodes_to("\"\\/"));
    }

    #[test]
    fn rejects_unpaired_surrogates() {
        for bad in [
            r#"{"k":"\ud83d"}"#,
            r#"{"k":"\ude00"}"#,
            r#"{"k":"\ud83dx"}"#,
            r#"{"k":"\ud83d\u0041"}"#,
        ] {
            assert!(
                matches!(members(bad), Err(JsonDefect::UnpairedSurrogate { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn nesting_to_the_bound_costs_no_recursion() {
        let depth = MAX_DEPTH;
        let mut input = String::from("{\"x\":");
        input.extend(core::iter::repeat_n('[', depth));
        input.extend(core::iter::repeat_n(']', depth));
        input.push('}');
        assert_eq!(members(&input).unwrap().len(), 1);
        let mut input = String::from("{\"x\":");
        for _ in 0..depth {
            input.push_str("{\"y\":");
        }
        input.push('1');
        input.extend(core::iter::repeat_n('}', depth));
        input.push('}');
        assert_eq!(members(&input).unwrap().len(), 1);
    }

    #[test]
    fn too_deep_is_an_error_not_a_crash() {
        let depth = MAX_DEPTH + 1;
        let mut input = String::from("{\"x\":");
        input.extend(core::iter::repeat_n('[', depth));
        input.extend(core::iter::repeat_n(']', depth));
        input.push('}');
        assert!(matches!(
            members(&input),
            Err(JsonDefect::NestingTooDeep { .. })
        ));
    }

    #[test]
    fn member_count_is_bounded() {
        let mut input = String::from("{");
        for i in 0..=MAX_MEMBERS {
            if i > 0 {
                input.push(',');
            }
            input.push_str(&alloc::format!("\"m{i}\":0"));
        }
        input.push('}');
        assert!(matches!(
            members(&input),
            Err(JsonDefect::TooManyMembers { .. })
        ));
    }

    // Found by mutation testing (docs/mutants.md): each test below fails under a mutant
    // that every other test let through.

    #[test]
    fn every_scalar_spelling_is_read_with_its_type() {
        let got = members(
            r#"{"z":0,"n":-0.5e-3,"e":1E+2,"f":false,"t":true,"u":null,"s":"x","a":[],"o":{}}"#,
        )
        .unwrap();
        let kinds: Vec<JsonType> = got.iter().map(|(_, kind)| *kind).collect();
        assert_eq!(
            kinds,
            [
                JsonType::Number,
                JsonType::Number,
                JsonType::Number,
                JsonType::Boolean,
                JsonType::Boolean,
                JsonType::Null,
                JsonType::String,
                JsonType::Array,
                JsonType::Object,
            ]
        );
    }

    #[test]
    fn value_text_is_the_value_as_written() {
        let input = r#"{"a" : "x\u0041" ,"b":-1.5e3, "c":[1, {"d":2}] }"#;
        let mut names = [0; NAME_BYTES];
        let mut reader = ObjectReader::new(input, &mut names).unwrap();
        let mut texts = Vec::new();
        while reader.next_member().unwrap().is_some() {
            texts.push(reader.value_text());
        }
        assert_eq!(texts, [r#""x\u0041""#, "-1.5e3", r#"[1, {"d":2}]"#]);
    }

    #[test]
    fn comparison_ignoring_case_resolves_escapes() {
        let value = |input: &'static str| {
            let mut names = [0; NAME_BYTES];
            let mut reader = ObjectReader::new(input, &mut names).unwrap();
            match reader.next_member().unwrap() {
                Some((_, Value::String(s))) => s,
                _ => panic!("{input}"),
            }
        };
        assert!(value(r#"{"k":"\u004awt"}"#).decodes_to_ignoring_ascii_case("JWT"));
        assert!(value(r#"{"k":"jwt"}"#).decodes_to_ignoring_ascii_case("JWT"));
        assert!(!value(r#"{"k":"\u004bwt"}"#).decodes_to_ignoring_ascii_case("JWT"));
        assert!(!value(r#"{"k":"jwx"}"#).decodes_to_ignoring_ascii_case("JWT"));
        assert!(value(r#"{"k":"\u004aWT"}"#).decodes_to("JWT"));
        assert!(!value(r#"{"k":"\u004aWT"}"#).decodes_to("jWT"));
    }
}
