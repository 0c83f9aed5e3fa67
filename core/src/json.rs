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
/// the names of one object never need more than its text, and 6 KiB holds every decoded
/// segment of a token within [`MAX_TOKEN_LEN`](crate::MAX_TOKEN_LEN) (`token.rs` asserts it
/// at compile time). The caller owns the buffer, so the reader itself stays small enough to
/// move around on the stack.
pub(crate) const NAME_BYTES: usize = 6144;

/// The name room for an object of at most this many bytes of text: every RegisterUsage
/// header and payload AWS sends, and every header read before the signature
/// ([`MAX_PRE_SIGNATURE_HEADER_LEN`](crate::limits::MAX_PRE_SIGNATURE_HEADER_LEN)).
/// Zeroing 6 KiB per object for names that are almost never escaped was a measurable share
/// of a verification's work outside the arithmetic (docs/performance.md).
const SMALL_NAME_BYTES: usize = 1024;
const _: () = assert!(SMALL_NAME_BYTES >= crate::limits::MAX_PRE_SIGNATURE_HEADER_LEN);

/// Runs `read` with zeroed room for the decoded names of an object of `text_len` bytes:
/// [`SMALL_NAME_BYTES`] when that holds them (names never need more than the text), else
/// [`NAME_BYTES`].
pub(crate) fn with_names<R>(text_len: usize, read: impl FnOnce(&mut [u8]) -> R) -> R {
    if text_len <= SMALL_NAME_BYTES {
        read(&mut [0; SMALL_NAME_BYTES])
    } else {
        read(&mut [0; NAME_BYTES])
    }
}

/// A JSON string as it appears in the input, between its quotes, already validated:
/// every escape is well formed and every surrogate is paired.
#[derive(Clone, Copy, Debug)]
pub(crate) struct JsonStr<'a> {
    raw: &'a str,
    /// Whether `raw` holds a backslash, noted while it was read so that no comparison has to
    /// scan for one again.
    escaped: bool,
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
        if !self.escaped {
            return self.raw == other;
        }
        self.chars().eq(other.chars())
    }

    /// Whether the decoded string equals `other` ignoring ASCII case.
    pub(crate) fn decodes_to_ignoring_ascii_case(&self, other: &str) -> bool {
        if !self.escaped {
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
        let rest = self.rest.as_str();
        // Validated: four hex digits; the fallback only keeps this total.
        let value = hex4(rest.as_bytes(), 0).unwrap_or(0);
        self.rest = rest.get(4..).unwrap_or_default().chars();
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
                    surrogate_pair(unit, low)
                } else {
                    char::from_u32(unit)
                };
                code.unwrap_or(char::REPLACEMENT_CHARACTER)
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
    names: &'n mut [u8],
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
    /// it; `names` is scratch space for the decoded names of escaped members, at least as
    /// long as `input` (see [`with_names`]).
    pub(crate) fn new(input: &'a str, names: &'n mut [u8]) -> Result<Self, JsonDefect> {
        debug_assert!(
            names.len() >= input.len(),
            "names shorter than the object's text"
        );
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
        let (name, seen) = self.member_name_decoded()?;
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

    /// Reads a top-level member's name and records where its decoded bytes are: in the input
    /// when it has no escape, otherwise decoded into `names` in the same pass that checks it.
    fn member_name_decoded(&mut self) -> Result<(JsonStr<'a>, SeenName), JsonDefect> {
        let offset = self.pos;
        self.expect(b'"')?;
        let start = self.pos;
        let names_start = self.names_len;
        // `names` is at least as long as the input and unescaping never lengthens a name,
        // so the buffer cannot run out; should a caller pass less, the scan reports a syntax
        // error rather than panicking.
        let free = self.names.get_mut(names_start..).unwrap_or_default();
        let scanned = scan_string(self.input.as_bytes(), start, Some(free))?;
        let name = self.finish_string(start, &scanned)?;
        let seen = if scanned.escaped {
            self.names_len = names_start.saturating_add(scanned.decoded_len);
            SeenName {
                offset,
                start: names_start,
                len: scanned.decoded_len,
                unescaped_into_buffer: true,
            }
        } else {
            SeenName {
                offset,
                start,
                len: name.raw.len(),
                unescaped_into_buffer: false,
            }
        };
        Ok((name, seen))
    }

    /// The string `scanned` found from `start`; moves past its closing quote.
    fn finish_string(
        &mut self,
        start: usize,
        scanned: &ScannedString,
    ) -> Result<JsonStr<'a>, JsonDefect> {
        let raw = self
            .input
            .get(start..scanned.end)
            .ok_or(JsonDefect::Syntax {
                offset: scanned.end,
            })?;
        self.pos = scanned.end.saturating_add(1); // after the closing quote
        Ok(JsonStr {
            raw,
            escaped: scanned.escaped,
        })
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
        self.pos = skip_whitespace(self.input.as_bytes(), self.pos);
    }

    /// Reads one value. Scalars are returned; arrays and objects are checked and skipped by
    /// [`skip_container`].
    fn value(&mut self) -> Result<Value<'a>, JsonDefect> {
        self.skip_whitespace();
        let kind = match self.peek() {
            Some(b'[') => Value::Array,
            Some(b'{') => Value::Object,
            _ => return self.scalar(),
        };
        self.pos = skip_container(self.input.as_bytes(), self.pos)?;
        Ok(kind)
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
        self.pos = skip_literal(self.input.as_bytes(), self.pos, word.as_bytes())?;
        Ok(())
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    fn number(&mut self) -> Result<&'a str, JsonDefect> {
        let start = self.pos;
        self.pos = skip_number(self.input.as_bytes(), start)?;
        self.input.get(start..self.pos).ok_or(self.syntax())
    }

    /// A string starting at the opening quote: validates escapes and pairs surrogates.
    fn string(&mut self) -> Result<JsonStr<'a>, JsonDefect> {
        self.expect(b'"')?;
        let start = self.pos;
        let scanned = scan_string(self.input.as_bytes(), start, None)?;
        self.finish_string(start, &scanned)
    }
}

/// Checks the array or object that starts at `start` and returns the offset just after it.
///
/// Without recursion: one bit per open container (set for an object) in one word, so the
/// stack holds one word whatever the nesting. With a local read position and no values
/// built, because ignored arrays and objects are what a crafted header is made of, and a
/// header of up to `MAX_PRE_SIGNATURE_HEADER_LEN` bytes is read before any signature is
/// checked.
fn skip_container(bytes: &[u8], start: usize) -> Result<usize, JsonDefect> {
    const _: () = assert!(MAX_DEPTH <= 64, "the open containers are bits of one u64");
    let too_deep = JsonDefect::NestingTooDeep { max: MAX_DEPTH };
    let syntax = |offset| JsonDefect::Syntax { offset };
    // The open containers, the innermost in the lowest bit; `depth` of them.
    let mut open = 0u64;
    let mut depth = 0usize;
    let mut pos = start;
    loop {
        // Here a value is expected.
        pos = skip_whitespace(bytes, pos);
        match bytes.get(pos) {
            Some(b'[') => {
                depth = depth.saturating_add(1);
                if depth > MAX_DEPTH {
                    return Err(too_deep);
                }
                // The new lowest bit, clear: an array.
                open <<= 1;
                pos = skip_whitespace(bytes, pos.saturating_add(1));
                // An empty array closes in the loop below.
                if bytes.get(pos) != Some(&b']') {
                    continue;
                }
            }
            Some(b'{') => {
                depth = depth.saturating_add(1);
                if depth > MAX_DEPTH {
                    return Err(too_deep);
                }
                // The new lowest bit, set: an object.
                open = (open << 1).wrapping_add(1);
                pos = skip_whitespace(bytes, pos.saturating_add(1));
                // An empty object closes in the loop below.
                if bytes.get(pos) != Some(&b'}') {
                    pos = skip_member_name(bytes, pos)?;
                    continue;
                }
            }
            Some(b'"') => {
                pos = scan_string(bytes, pos.saturating_add(1), None)?
                    .end
                    .saturating_add(1);
            }
            Some(b'-' | b'0'..=b'9') => pos = skip_number(bytes, pos)?,
            Some(b't') => pos = skip_literal(bytes, pos, b"true")?,
            Some(b'f') => pos = skip_literal(bytes, pos, b"false")?,
            Some(b'n') => pos = skip_literal(bytes, pos, b"null")?,
            _ => return Err(syntax(pos)),
        }
        // Here a value has ended: close containers until one continues.
        loop {
            if depth == 0 {
                return Ok(pos);
            }
            let in_object = open & 1 == 1;
            pos = skip_whitespace(bytes, pos);
            match bytes.get(pos) {
                Some(b',') => {
                    pos = pos.saturating_add(1);
                    if in_object {
                        pos = skip_member_name(bytes, skip_whitespace(bytes, pos))?;
                    }
                    break;
                }
                Some(b'}') if in_object => {
                    pos = pos.saturating_add(1);
                    open >>= 1;
                    depth = depth.saturating_sub(1);
                }
                Some(b']') if !in_object => {
                    pos = pos.saturating_add(1);
                    open >>= 1;
                    depth = depth.saturating_sub(1);
                }
                _ => return Err(syntax(pos)),
            }
        }
    }
}

/// The offset of the first byte from `pos` on that is not JSON whitespace.
#[inline]
fn skip_whitespace(bytes: &[u8], mut pos: usize) -> usize {
    while matches!(bytes.get(pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        pos = pos.saturating_add(1);
    }
    pos
}

/// A nested member's name and colon, from its opening quote; the offset after the colon.
/// Nested names are not checked for duplicates.
fn skip_member_name(bytes: &[u8], pos: usize) -> Result<usize, JsonDefect> {
    if bytes.get(pos) != Some(&b'"') {
        return Err(JsonDefect::Syntax { offset: pos });
    }
    let end = scan_string(bytes, pos.saturating_add(1), None)?.end;
    let colon = skip_whitespace(bytes, end.saturating_add(1));
    if bytes.get(colon) != Some(&b':') {
        return Err(JsonDefect::Syntax { offset: colon });
    }
    Ok(colon.saturating_add(1))
}

/// `word` at `pos`; the offset after it.
fn skip_literal(bytes: &[u8], pos: usize, word: &[u8]) -> Result<usize, JsonDefect> {
    let end = pos.saturating_add(word.len());
    if bytes.get(pos..end) == Some(word) {
        Ok(end)
    } else {
        Err(JsonDefect::Syntax { offset: pos })
    }
}

/// Checks the number at `pos`, `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`;
/// the offset after it. On an error the offset is that of the byte at fault.
fn skip_number(bytes: &[u8], mut pos: usize) -> Result<usize, JsonDefect> {
    let digits = |from: usize| {
        let rest = bytes.get(from..).unwrap_or_default();
        rest.iter().take_while(|b| b.is_ascii_digit()).count()
    };
    if bytes.get(pos) == Some(&b'-') {
        pos = pos.saturating_add(1);
    }
    match bytes.get(pos) {
        Some(b'0') => pos = pos.saturating_add(1),
        Some(b'1'..=b'9') => pos = pos.saturating_add(digits(pos)),
        _ => return Err(JsonDefect::Syntax { offset: pos }),
    }
    if bytes.get(pos) == Some(&b'.') {
        pos = pos.saturating_add(1);
        match digits(pos) {
            0 => return Err(JsonDefect::Syntax { offset: pos }),
            n => pos = pos.saturating_add(n),
        }
    }
    if matches!(bytes.get(pos), Some(b'e' | b'E')) {
        pos = pos.saturating_add(1);
        if matches!(bytes.get(pos), Some(b'+' | b'-')) {
            pos = pos.saturating_add(1);
        }
        match digits(pos) {
            0 => return Err(JsonDefect::Syntax { offset: pos }),
            n => pos = pos.saturating_add(n),
        }
    }
    Ok(pos)
}

/// What [`scan_string`] found.
#[derive(Debug)]
struct ScannedString {
    /// The offset of the closing quote.
    end: usize,
    /// Whether the string has an escape.
    escaped: bool,
    /// How many bytes were decoded into the output, if the string has an escape.
    decoded_len: usize,
}

/// Reads a string from `start`, just after its opening quote, to its closing quote, and
/// checks every escape. With `decoded`, a string that has an escape is also decoded into it
/// in the same pass, so that duplicate names are compared without a second decoding.
fn scan_string(
    bytes: &[u8],
    start: usize,
    mut decoded: Option<&mut [u8]>,
) -> Result<ScannedString, JsonDefect> {
    let mut pos = start;
    let mut escaped = false;
    let mut written = 0usize;
    loop {
        // Until the first escape nothing is copied; at it, everything read so far is.
        let run_start = if escaped { pos } else { start };
        pos = pos.saturating_add(plain_run(bytes.get(pos..).unwrap_or_default()));
        let at_escape = match bytes.get(pos) {
            Some(b'"') => false,
            Some(b'\\') => true,
            // The end of the input, or a control character, which must be escaped.
            _ => return Err(JsonDefect::Syntax { offset: pos }),
        };
        if let Some(out) = decoded.as_deref_mut() {
            if escaped || at_escape {
                let run = bytes.get(run_start..pos).unwrap_or_default();
                written = append(out, written, run).ok_or(JsonDefect::Syntax { offset: pos })?;
            }
        }
        if !at_escape {
            return Ok(ScannedString {
                end: pos,
                escaped,
                decoded_len: written,
            });
        }
        escaped = true;
        let (end, c) = escape(bytes, pos)?;
        if let Some(out) = decoded.as_deref_mut() {
            let end_written = written.saturating_add(c.len_utf8());
            let slot = out
                .get_mut(written..end_written)
                .ok_or(JsonDefect::Syntax { offset: pos })?;
            c.encode_utf8(slot);
            written = end_written;
        }
        pos = end;
    }
}

/// Copies `bytes` to `out` at `at`; where the copy ends, or `None` if `out` is too short.
#[inline]
fn append(out: &mut [u8], at: usize, bytes: &[u8]) -> Option<usize> {
    if bytes.is_empty() {
        return Some(at);
    }
    let end = at.checked_add(bytes.len())?;
    out.get_mut(at..end)?.copy_from_slice(bytes);
    Some(end)
}

/// The escape whose backslash is at `at`, once it is checked: one of the eight
/// one-character escapes, or `\uXXXX` that is not a surrogate, or a high surrogate followed
/// by `\uXXXX` with a low one. Where it ends and the character it stands for; the offsets
/// in the errors are those of the byte at fault.
#[inline]
fn escape(bytes: &[u8], at: usize) -> Result<(usize, char), JsonDefect> {
    let after = |n: usize| at.saturating_add(n);
    let simple = |c: char| Ok((after(2), c));
    match bytes.get(after(1)) {
        Some(b'"') => simple('"'),
        Some(b'\\') => simple('\\'),
        Some(b'/') => simple('/'),
        Some(b'b') => simple('\u{8}'),
        Some(b'f') => simple('\u{c}'),
        Some(b'n') => simple('\n'),
        Some(b'r') => simple('\r'),
        Some(b't') => simple('\t'),
        Some(b'u') => {
            let unit = hex4(bytes, after(2))?;
            if (0xDC00..0xE000).contains(&unit) {
                return Err(JsonDefect::UnpairedSurrogate { offset: after(6) });
            }
            if !(0xD800..0xDC00).contains(&unit) {
                // Not a surrogate, so a scalar value.
                let c = char::from_u32(unit).ok_or(JsonDefect::Syntax { offset: after(2) })?;
                return Ok((after(6), c));
            }
            if bytes.get(after(6)) != Some(&b'\\') {
                return Err(JsonDefect::UnpairedSurrogate { offset: after(6) });
            }
            if bytes.get(after(7)) != Some(&b'u') {
                return Err(JsonDefect::UnpairedSurrogate { offset: after(7) });
            }
            let low = hex4(bytes, after(8))?;
            if !(0xDC00..0xE000).contains(&low) {
                return Err(JsonDefect::UnpairedSurrogate { offset: after(12) });
            }
            let c = surrogate_pair(unit, low).ok_or(JsonDefect::Syntax { offset: after(2) })?;
            Ok((after(12), c))
        }
        _ => Err(JsonDefect::Syntax { offset: after(1) }),
    }
}

/// The character a UTF-16 surrogate pair stands for; `None` unless `high` and `low` are a
/// high and a low surrogate.
fn surrogate_pair(high: u32, low: u32) -> Option<char> {
    let units = [u16::try_from(high).ok()?, u16::try_from(low).ok()?];
    let mut decoded = char::decode_utf16(units);
    match (decoded.next(), decoded.next()) {
        (Some(Ok(c)), None) => Some(c),
        _ => None,
    }
}

/// The four hex digits at `at`, as one UTF-16 code unit.
#[inline]
fn hex4(bytes: &[u8], at: usize) -> Result<u32, JsonDefect> {
    if let Some(&[a, b, c, d]) = bytes.get(at..at.saturating_add(4)) {
        // One table lookup per digit, no branch on which digit it is: a header of fully
        // escaped names is mostly these.
        let value = |digit: u8| {
            HEX_VALUE
                .get(usize::from(digit))
                .copied()
                .unwrap_or(NOT_HEX)
        };
        let digits = [value(a), value(b), value(c), value(d)];
        if digits.iter().all(|&digit| digit & NOT_HEX == 0) {
            return Ok(digits.iter().fold(0, |unit: u32, &digit| {
                unit.wrapping_mul(16).wrapping_add(u32::from(digit))
            }));
        }
    }
    Err(bad_hex_digit(bytes, at))
}

/// The error for four hex digits at `at` of which one is wrong or missing: a syntax error
/// at the first such. Out of line, so that the valid path of [`hex4`] stays small where it
/// is inlined.
#[cold]
#[inline(never)]
fn bad_hex_digit(bytes: &[u8], at: usize) -> JsonDefect {
    let offset = (at..at.saturating_add(4))
        .find(|&offset| bytes.get(offset).and_then(|&b| hex_digit(b)).is_none())
        .unwrap_or(at);
    JsonDefect::Syntax { offset }
}

/// How many bytes at the start of `bytes` a string holds as they are: all but the quote,
/// the backslash and the control characters.
///
/// Sixteen bytes are tested per step with no early exit inside a step, which the compiler
/// turns into vector compares: a token's strings are most of its bytes, and a byte-by-byte
/// scan of the 8 KiB an attacker may send costs more than decoding it.
#[inline]
fn plain_run(bytes: &[u8]) -> usize {
    // One `matches!` over the three kinds: no branch per byte.
    let special = |b: u8| matches!(b, b'"' | b'\\' | 0x00..=0x1F);
    // Short runs (most names, small values, the run right after an escape) end within a
    // few bytes: those are tested one by one before any vector step is set up.
    const SHORT: usize = 8;
    if let Some(end) = bytes.iter().take(SHORT).position(|&b| special(b)) {
        return end;
    }
    let mut skipped = SHORT.min(bytes.len());
    for chunk in bytes.get(skipped..).unwrap_or_default().chunks_exact(16) {
        let Ok(chunk) = <&[u8; 16]>::try_from(chunk) else {
            break;
        };
        if chunk.iter().fold(false, |found, &b| found | special(b)) {
            break;
        }
        skipped = skipped.saturating_add(16);
    }
    let rest = bytes.get(skipped..).unwrap_or_default();
    skipped.saturating_add(rest.iter().position(|&b| special(b)).unwrap_or(rest.len()))
}

/// Marks a byte that is not a hex digit in [`HEX_VALUE`]; no digit's value has this bit.
const NOT_HEX: u8 = 0x10;

/// Each byte's value as a hex digit, or [`NOT_HEX`].
const HEX_VALUE: [u8; 256] = {
    let mut table = [NOT_HEX; 256];
    let mut b = 0u8;
    loop {
        if let Some(value) = hex_digit(b) {
            // Evaluated at compile time: an index out of bounds would fail the build. A hex
            // digit's value is below 16.
            #[allow(clippy::indexing_slicing, clippy::cast_possible_truncation)]
            {
                table[b as usize] = value as u8;
            }
        }
        if b == u8::MAX {
            break table;
        }
        b += 1;
    }
};

/// The value of one hex digit.
const fn hex_digit(b: u8) -> Option<u32> {
    let value = match b {
        b'0'..=b'9' => b.wrapping_sub(b'0'),
        b'a'..=b'f' => b.wrapping_sub(b'a').wrapping_add(10),
        b'A'..=b'F' => b.wrapping_sub(b'A').wrapping_add(10),
        _ => return None,
    };
    Some(value as u32)
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

    /// The one-pass decoder of member names agrees with the character iterator the claims
    /// are compared through, on every kind of escape and on runs between them.
    #[test]
    fn name_decoding_agrees_with_decoded_chars() {
        let cases = [
            r#""#,
            r#"plain"#,
            r#"\"\\\/\b\f\n\r\t"#,
            r#"a\u0041b\u00e9c\u4e00d"#,
            r#"\ud83d\ude00"#,
            r#"x\uD834\uDD1Ey\uDBFF\uDFFFz"#,
            r#"\u0000\u001f\u007F\u0080\u07ff\u0800\uffff"#,
            r#"é日本\n語\u0041"#,
            r#"tail\\"#,
        ];
        for raw in cases {
            let input = alloc::format!(r#"{{"{raw}":0}}"#);
            let mut names = [0; NAME_BYTES];
            let mut reader = ObjectReader::new(&input, &mut names).unwrap();
            let (name, _) = reader.next_member().unwrap().unwrap();
            let expected: String = name.chars().collect();
            let mut out = [0u8; 64];
            let scanned = scan_string(raw.as_bytes(), 0, Some(&mut out)).unwrap_err();
            // `raw` has no closing quote: the scan stops at its end.
            assert_eq!(scanned, JsonDefect::Syntax { offset: raw.len() }, "{raw}");
            let quoted = alloc::format!("{raw}\"");
            let scanned = scan_string(quoted.as_bytes(), 0, Some(&mut out)).unwrap();
            assert_eq!(scanned.end, raw.len());
            assert_eq!(scanned.escaped, raw.contains('\\'), "{raw}");
            if scanned.escaped {
                let decoded = &out[..scanned.decoded_len];
                assert_eq!(
                    core::str::from_utf8(decoded),
                    Ok(expected.as_str()),
                    "{raw}"
                );
                // Too short an output is refused, not truncated.
                let short = &mut out[..expected.len() - 1];
                assert!(
                    scan_string(quoted.as_bytes(), 0, Some(short)).is_err(),
                    "{raw}"
                );
            }
            // The names buffer of the reader holds the same bytes.
            drop(reader);
            if scanned.escaped {
                assert_eq!(&names[..expected.len()], expected.as_bytes(), "{raw}");
            }
        }
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
            "{\"a\":[1}}",
            "{\"a\":{\"b\":[0]]}",
            "{\"a\":[{\"b\":[0]]]}",
            "{\"a\":[[1}]}",
            "{\"a\":[{}}}",
            "{\"a\":{\"b\"]}",
            "{\"a\":{\"b\":1]}",
            "{\"a\":\"\\x\"}",
            "{\"a\":\"\n\"}",
            "{\"a\":garbage}",
            "{} x",
            "{\"a\":1}}",
            "{'a':1}",
            "{\"a\":\"\\u12\"}",
            // A bad digit in each position, and two in one escape.
            "{\"a\":\"\\uz000\"}",
            "{\"a\":\"\\u0z00\"}",
            "{\"a\":\"\\u00z0\"}",
            "{\"a\":\"\\u000z\"}",
            "{\"a\":\"\\uzz00\"}",
            "{\"a\":\"\\uz0z0\"}",
            "{\"a\":\"\\uz00z\"}",
            "{\"a\":\"\\u0zz0\"}",
            "{\"a\":\"\\u00zz\"}",
            "{\"a\":[1 2]}",
            "{\"a\":{\"b\":1 \"c\":2}}",
        ] {
            assert!(members(bad).is_err(), "accepted {bad:?}");
        }
    }

    /// Every kind of value, inside ignored arrays and objects and at every depth.
    #[test]
    fn skips_every_kind_of_value() {
        let input = r#"{"a":[true,false,null,-1.5e3,0,"s\u00e9",{"k":[{}]},[],{}],
            "b":{"t":true,"f":false,"n":null,"o":{"x":[false]}},"c":[[false],[null],[true]]}"#;
        assert_eq!(
            members(input).unwrap(),
            [
                ("a".into(), JsonType::Array),
                ("b".into(), JsonType::Object),
                ("c".into(), JsonType::Array),
            ]
        );
    }

    /// The one place a surrogate pair is combined: every high and low surrogate at the edges
    /// of their ranges, and anything else refused.
    #[test]
    fn surrogate_pairs_combine() {
        assert_eq!(surrogate_pair(0xD800, 0xDC00), Some('\u{10000}'));
        assert_eq!(surrogate_pair(0xD83D, 0xDE00), Some('\u{1F600}'));
        assert_eq!(surrogate_pair(0xDBFF, 0xDFFF), Some('\u{10FFFF}'));
        for (high, low) in [
            (0xDC00, 0xD800),
            (0xD800, 0x0041),
            (0x0041, 0xDC00),
            (0x1D800, 0xDC00),
        ] {
            assert_eq!(surrogate_pair(high, low), None, "{high:x} {low:x}");
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
