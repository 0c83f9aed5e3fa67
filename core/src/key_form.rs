//! The forms a product key arrives in, and the one function that tells them apart.
//!
//! AWS Marketplace hands a seller the key for each product and key version through its
//! management portal or the Catalog API (`SignatureVerificationKeys[].PublicKey`), and the
//! form of that string is documented nowhere. Sellers paste it into files, environment
//! variables and JSON, so the same key shows up as a PEM block wrapped at any width, a PEM
//! on one line, a PEM whose line breaks became literal `\n` escapes, bare base64 of the DER,
//! or the DER itself. [`decode_key`] accepts each of those, says which it found, and refuses
//! everything ambiguous with a [`KeyFormDefect`] that says what was found and what to do.
//!
//! The library ([`PublicKey`](crate::PublicKey)), the embedding macro and the command-line
//! tool all call [`decode_key`], so they can never disagree about what a key file holds.
//! Deciding the form only looks at the outermost DER tags; whether the key is a usable
//! RSA key is for the full SPKI / PKCS#1 parse that follows.

use core::fmt;

use base64ct::{Base64, Base64Unpadded, Base64Url, Base64UrlUnpadded, Encoding};

/// The largest DER public key read: a 4096-bit SPKI with full RSASSA-PSS parameters is
/// under 700 bytes.
pub const MAX_KEY_DER_LEN: usize = 2048;

/// Base64 characters needed for [`MAX_KEY_DER_LEN`] bytes, padding included.
const MAX_BASE64_LEN: usize = MAX_KEY_DER_LEN.div_ceil(3) * 4;

/// How many leading bytes of an oversized structure are decoded to name it (a private key or
/// a certificate): its first three DER headers take at most 18.
const PREFIX_DER_LEN: usize = 48;

/// The base64 characters that hold exactly [`PREFIX_DER_LEN`] bytes, without padding:
/// 48 / 3 * 4, written out (a unit test checks it).
const PREFIX_BASE64_LEN: usize = 64;

const BEGIN: &[u8] = b"-----BEGIN ";
const END: &[u8] = b"-----END ";
const DASHES: &[u8] = b"-----";
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The PEM labels of a public key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PemLabel {
    /// `PUBLIC KEY`: a SubjectPublicKeyInfo.
    PublicKey,
    /// `RSA PUBLIC KEY`: a PKCS#1 `RSAPublicKey`.
    RsaPublicKey,
}

impl PemLabel {
    /// The label as written between `-----BEGIN ` and `-----`.
    pub const fn as_str(self) -> &'static str {
        match self {
            PemLabel::PublicKey => "PUBLIC KEY",
            PemLabel::RsaPublicKey => "RSA PUBLIC KEY",
        }
    }
}

/// The base64 alphabet of a bare base64 key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Base64Alphabet {
    /// `+` and `/` (RFC 4648 §4), with or without `=` padding.
    Standard,
    /// `-` and `_` (RFC 4648 §5), with or without `=` padding.
    Url,
}

/// How the key was written.
///
/// ```
/// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
/// use register_usage_jwt::{decode_key, KeyEncoding, KeyForm, PemLabel};
///
/// let pem = include_str!("../../keys/test-only-rsa2048.pub.pkcs1.pem");
/// let key = decode_key(pem.as_bytes())?;
/// assert_eq!(key.form(), KeyForm::Pem { label: PemLabel::RsaPublicKey });
/// assert_eq!(key.encoding(), KeyEncoding::Pkcs1);
///
/// let der = include_bytes!("../../keys/test-only-rsa2048.pub.der");
/// assert_eq!(decode_key(der)?.form(), KeyForm::Der);
/// assert_eq!(KeyForm::Der.to_string(), "binary DER");
/// # Ok::<(), register_usage_jwt::KeyFormDefect>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyForm {
    /// A PEM block (RFC 7468) with real line breaks, its body wrapped at any width or on one
    /// line, possibly with text before or after it.
    Pem {
        /// Its label.
        label: PemLabel,
    },
    /// A PEM block whose line breaks arrived as the two characters `\n` (or `\r\n`), as when
    /// it is copied out of a JSON string; `\/` is read as `/` as well.
    PemEscapedNewlines {
        /// Its label.
        label: PemLabel,
    },
    /// Base64 of the DER without PEM boundaries, on one line or several.
    Base64Der {
        /// Its alphabet.
        alphabet: Base64Alphabet,
    },
    /// The DER itself (binary).
    Der,
}

impl fmt::Display for KeyForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyForm::Pem { label } => write!(f, "PEM ({})", label.as_str()),
            KeyForm::PemEscapedNewlines { label } => write!(
                f,
                "PEM ({}) with literal \\n escapes instead of line breaks",
                label.as_str()
            ),
            KeyForm::Base64Der {
                alphabet: Base64Alphabet::Standard,
            } => f.write_str("base64 DER without PEM boundaries"),
            KeyForm::Base64Der {
                alphabet: Base64Alphabet::Url,
            } => f.write_str("base64url DER without PEM boundaries"),
            KeyForm::Der => f.write_str("binary DER"),
        }
    }
}

/// What the DER holds, from its outermost tags.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyEncoding {
    /// A SubjectPublicKeyInfo (RFC 5280), as `BEGIN PUBLIC KEY` holds.
    Spki,
    /// A PKCS#1 `RSAPublicKey` (RFC 8017), as `BEGIN RSA PUBLIC KEY` holds.
    Pkcs1,
}

impl fmt::Display for KeyEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyEncoding::Spki => "SubjectPublicKeyInfo",
            KeyEncoding::Pkcs1 => "PKCS#1 RSAPublicKey",
        })
    }
}

/// Why key text was refused before its DER was parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyFormDefect {
    /// Nothing but whitespace.
    Empty,
    /// A private key (PEM label or DER structure).
    PrivateKey,
    /// A certificate or certificate request, not a bare public key.
    Certificate,
    /// An OpenSSH public key (`ssh-rsa AAAA...` or RFC 4716).
    OpenSshKey,
    /// More than one PEM block.
    MultipleBlocks {
        /// How many `-----BEGIN` lines there are.
        count: usize,
    },
    /// A PEM block whose label is not a public key's.
    PemLabel,
    /// A PEM block with RFC 1421 headers (`Proc-Type:`, `DEK-Info:`, ...).
    PemHeaders,
    /// A `-----BEGIN` without a matching `-----END` line, or the reverse.
    PemBoundary,
    /// The PEM body is not base64 (an escape other than `\n`, `\r`, `\/` included).
    PemBase64,
    /// The PEM label does not match what its body holds (`PUBLIC KEY` around PKCS#1, or
    /// `RSA PUBLIC KEY` around an SPKI).
    PemLabelMismatch {
        /// The label found.
        label: PemLabel,
        /// What the body holds.
        found: KeyEncoding,
    },
    /// Neither PEM, nor base64, nor DER.
    NotBase64,
    /// Base64 or DER that decodes, but not to a public key.
    NotAKey,
    /// Longer than [`MAX_KEY_DER_LEN`] bytes of DER; no product key is.
    TooLarge,
}

impl fmt::Display for KeyFormDefect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyFormDefect::Empty => f.write_str(
                "it is empty; give the public key AWS Marketplace shows for this product and \
                 key version",
            ),
            KeyFormDefect::PrivateKey => f.write_str(
                "this is a private key: use the public key (and keep the private key out of \
                 your container)",
            ),
            KeyFormDefect::Certificate => f.write_str(
                "this is a certificate, not a public key: export its public key \
                 (`openssl x509 -pubkey -noout -in FILE`)",
            ),
            KeyFormDefect::OpenSshKey => f.write_str(
                "this is an OpenSSH key, not the key AWS Marketplace gave you; if it is the \
                 right key, convert it with `ssh-keygen -e -m PKCS8 -f FILE`",
            ),
            KeyFormDefect::MultipleBlocks { count } => write!(
                f,
                "it holds {count} PEM blocks; give one key per file (one per key version)"
            ),
            KeyFormDefect::PemLabel => f.write_str(
                "its PEM label is neither `PUBLIC KEY` nor `RSA PUBLIC KEY`; give the public \
                 key AWS Marketplace shows for this product",
            ),
            KeyFormDefect::PemHeaders => f.write_str(
                "its PEM block has headers (such as `Proc-Type:`), which a public key never \
                 has; give the key exactly as AWS Marketplace shows it",
            ),
            KeyFormDefect::PemBoundary => f.write_str(
                "its `-----BEGIN` and `-----END` lines do not match; copy the whole key, \
                 both lines included",
            ),
            KeyFormDefect::PemBase64 => f.write_str(
                "the body of its PEM block is not base64; copy the key again, unchanged",
            ),
            KeyFormDefect::PemLabelMismatch { label, found } => write!(
                f,
                "its PEM label `{}` does not match its body, which is a {found}; fix the \
                 label or copy the key again",
                label.as_str()
            ),
            KeyFormDefect::NotBase64 => f.write_str(
                "it is neither PEM, nor base64, nor DER; give the key exactly as AWS \
                 Marketplace shows it (the `PublicKey` string, without quotes)",
            ),
            KeyFormDefect::NotAKey => f.write_str(
                "it is base64 (or DER) that is not a key; give the `PublicKey` string AWS \
                 Marketplace shows for this product and key version",
            ),
            KeyFormDefect::TooLarge => write!(
                f,
                "it is more than {MAX_KEY_DER_LEN} bytes of DER, larger than any product key; \
                 give the public key only"
            ),
        }
    }
}

impl core::error::Error for KeyFormDefect {}

/// A key's DER, taken out of whatever form it arrived in.
#[derive(Clone, PartialEq, Eq)]
pub struct DecodedKey {
    form: KeyForm,
    encoding: KeyEncoding,
    der: [u8; MAX_KEY_DER_LEN],
    len: usize,
}

impl DecodedKey {
    /// How the key was written.
    pub fn form(&self) -> KeyForm {
        self.form
    }

    /// What the DER holds.
    pub fn encoding(&self) -> KeyEncoding {
        self.encoding
    }

    /// The DER.
    pub fn der(&self) -> &[u8] {
        self.der.get(..self.len).unwrap_or(&[])
    }
}

impl fmt::Debug for DecodedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodedKey")
            .field("form", &self.form)
            .field("encoding", &self.encoding)
            .field("der_len", &self.len)
            .finish()
    }
}

/// Decides the form of key text (or bytes) and takes the DER out of it.
///
/// Accepted: a PEM block labelled `PUBLIC KEY` or `RSA PUBLIC KEY` with its body wrapped at
/// any width or on one line, with any text before or after it (RFC 7468 §2); the same with
/// literal `\n` / `\r\n` escapes for its line breaks; base64 or base64url of the DER, with
/// or without padding, on one line or several; the DER itself. A UTF-8 byte-order mark is
/// skipped.
///
/// # Errors
/// A [`KeyFormDefect`] for anything else, in particular more than one PEM block, a private
/// key, a certificate, PEM headers and base64 that is not a key.
///
/// ```
/// # use register_usage_jwt_core as register_usage_jwt; // written for the facade crate
/// use register_usage_jwt::{decode_key, KeyForm, KeyFormDefect};
///
/// let pem = include_str!("../../keys/test-only-rsa3072.pub.pem");
/// let one_line: String = pem.lines().collect::<Vec<_>>().join("\\n");
/// let key = decode_key(one_line.as_bytes())?;
/// assert!(matches!(key.form(), KeyForm::PemEscapedNewlines { .. }));
/// assert_eq!(decode_key(pem.as_bytes())?.der(), key.der());
///
/// let private = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n";
/// assert_eq!(decode_key(private.as_bytes()), Err(KeyFormDefect::PrivateKey));
/// # Ok::<(), KeyFormDefect>(())
/// ```
pub fn decode_key(input: &[u8]) -> Result<DecodedKey, KeyFormDefect> {
    let input = input.strip_prefix(UTF8_BOM).unwrap_or(input);
    if input.first() == Some(&0x30) {
        // An ASN.1 SEQUENCE: no text form of a key starts with the character `0`.
        return from_der(input, KeyForm::Der);
    }
    if input.iter().all(u8::is_ascii_whitespace) {
        return Err(KeyFormDefect::Empty);
    }
    match find(input, BEGIN, 0) {
        Some(begin) => from_pem(input, begin),
        None => from_base64(input),
    }
}

/// One PEM block starting at `begin`, and nothing that could be a second one.
fn from_pem(input: &[u8], begin: usize) -> Result<DecodedKey, KeyFormDefect> {
    // Every block's label first: a file holding a private key anywhere is refused as such.
    let mut count = 0usize;
    let mut at = 0;
    while let Some(found) = find(input, BEGIN, at) {
        count = count.saturating_add(1);
        let after = found.saturating_add(BEGIN.len());
        if let Some((label, _)) = boundary_label(input, after) {
            classify_label(label)?;
        }
        at = after;
    }
    if count > 1 {
        return Err(KeyFormDefect::MultipleBlocks { count });
    }

    let after_begin = begin.saturating_add(BEGIN.len());
    let (label, body_start) =
        boundary_label(input, after_begin).ok_or(KeyFormDefect::PemBoundary)?;
    let label = classify_label(label)?;
    let end = find(input, END, body_start).ok_or(KeyFormDefect::PemBoundary)?;
    let (end_label, _) =
        boundary_label(input, end.saturating_add(END.len())).ok_or(KeyFormDefect::PemBoundary)?;
    if end_label != label.as_str().as_bytes() {
        return Err(KeyFormDefect::PemBoundary);
    }
    let body = input
        .get(body_start..end)
        .ok_or(KeyFormDefect::PemBoundary)?;
    if body.contains(&b':') {
        return Err(KeyFormDefect::PemHeaders);
    }

    let mut text = Compacted::new();
    let mut escaped = false;
    let mut bytes = body.iter().copied();
    while let Some(byte) = bytes.next() {
        match byte {
            b'\\' => {
                escaped = true;
                match bytes.next() {
                    Some(b'n' | b'r') => {}
                    Some(b'/') => text.push(b'/'),
                    _ => return Err(KeyFormDefect::PemBase64),
                }
            }
            byte if byte.is_ascii_whitespace() => {}
            byte => text.push(byte),
        }
    }
    // The boundary lines themselves may be separated by escapes only (`-----\nMII...`),
    // which leaves the body without a real line break; say so in the form either way.
    let form = if escaped {
        KeyForm::PemEscapedNewlines { label }
    } else {
        KeyForm::Pem { label }
    };
    if text.len == 0 {
        return Err(KeyFormDefect::PemBase64);
    }
    if text.overflowed() {
        return Err(KeyFormDefect::TooLarge);
    }
    let mut der = [0u8; MAX_KEY_DER_LEN];
    let len = Base64::decode(text.as_bytes(), &mut der)
        .map_err(|_| KeyFormDefect::PemBase64)?
        .len();
    let key = finish(der, len, form)?;
    let expected = match label {
        PemLabel::PublicKey => KeyEncoding::Spki,
        PemLabel::RsaPublicKey => KeyEncoding::Pkcs1,
    };
    if key.encoding != expected {
        return Err(KeyFormDefect::PemLabelMismatch {
            label,
            found: key.encoding,
        });
    }
    Ok(key)
}

/// The label of a boundary line (`LABEL-----` from `at`), and where the line ends.
fn boundary_label(input: &[u8], at: usize) -> Option<(&[u8], usize)> {
    let rest = input.get(at..)?;
    let len = find(rest, DASHES, 0)?;
    let label = rest.get(..len)?;
    let printable = label.iter().all(|b| (0x20..0x7f).contains(b));
    (printable && !label.is_empty())
        .then(|| (label, at.saturating_add(len).saturating_add(DASHES.len())))
}

/// Which public-key label this is, or why it is refused.
fn classify_label(label: &[u8]) -> Result<PemLabel, KeyFormDefect> {
    match label {
        b"PUBLIC KEY" => Ok(PemLabel::PublicKey),
        b"RSA PUBLIC KEY" => Ok(PemLabel::RsaPublicKey),
        // PRIVATE KEY, RSA PRIVATE KEY, ENCRYPTED PRIVATE KEY, OPENSSH PRIVATE KEY, ...
        label if find(label, b"PRIVATE", 0).is_some() => Err(KeyFormDefect::PrivateKey),
        // CERTIFICATE, TRUSTED CERTIFICATE, X509 CERTIFICATE, CERTIFICATE REQUEST, ...
        label if find(label, b"CERTIFICATE", 0).is_some() => Err(KeyFormDefect::Certificate),
        _ => Err(KeyFormDefect::PemLabel),
    }
}

/// Bare base64 (or base64url) of the DER, on one line or several.
fn from_base64(input: &[u8]) -> Result<DecodedKey, KeyFormDefect> {
    let trimmed = trim_ascii(input);
    if trimmed.starts_with(b"ssh-") || find(trimmed, b"BEGIN SSH2 PUBLIC KEY", 0).is_some() {
        return Err(KeyFormDefect::OpenSshKey);
    }
    if find(trimmed, END, 0).is_some() {
        return Err(KeyFormDefect::PemBoundary);
    }
    let mut text = Compacted::new();
    let (mut standard, mut url) = (false, false);
    for &byte in trimmed {
        match byte {
            b'+' | b'/' => standard = true,
            b'-' | b'_' => url = true,
            b'=' | b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => {}
            byte if byte.is_ascii_whitespace() => continue,
            _ => return Err(KeyFormDefect::NotBase64),
        }
        text.push(byte);
    }
    if standard && url {
        return Err(KeyFormDefect::NotBase64);
    }
    let alphabet = if url {
        Base64Alphabet::Url
    } else {
        Base64Alphabet::Standard
    };
    let form = KeyForm::Base64Der { alphabet };
    let padded = text.as_bytes().last() == Some(&b'=');

    if text.overflowed() {
        // Too long to be a product key; decode its start to say what it is instead.
        let prefix = text.as_bytes().get(..PREFIX_BASE64_LEN).unwrap_or(&[]);
        let mut start = [0u8; PREFIX_DER_LEN];
        let start = match alphabet {
            Base64Alphabet::Standard => Base64Unpadded::decode(prefix, &mut start),
            Base64Alphabet::Url => Base64UrlUnpadded::decode(prefix, &mut start),
        }
        .map_err(|_| KeyFormDefect::NotBase64)?;
        return match outline(start) {
            Some(Outline::PrivateKey) => Err(KeyFormDefect::PrivateKey),
            Some(Outline::Certificate) => Err(KeyFormDefect::Certificate),
            _ => Err(KeyFormDefect::TooLarge),
        };
    }

    let mut der = [0u8; MAX_KEY_DER_LEN];
    let decoded = match (alphabet, padded) {
        (Base64Alphabet::Standard, true) => Base64::decode(text.as_bytes(), &mut der),
        (Base64Alphabet::Standard, false) => Base64Unpadded::decode(text.as_bytes(), &mut der),
        (Base64Alphabet::Url, true) => Base64Url::decode(text.as_bytes(), &mut der),
        (Base64Alphabet::Url, false) => Base64UrlUnpadded::decode(text.as_bytes(), &mut der),
    };
    let len = decoded.map_err(|_| KeyFormDefect::NotBase64)?.len();
    finish(der, len, form)
}

/// Binary DER, as given.
fn from_der(input: &[u8], form: KeyForm) -> Result<DecodedKey, KeyFormDefect> {
    let mut der = [0u8; MAX_KEY_DER_LEN];
    match der.get_mut(..input.len()) {
        Some(dst) => dst.copy_from_slice(input),
        None => {
            return match outline(input) {
                Some(Outline::PrivateKey) => Err(KeyFormDefect::PrivateKey),
                Some(Outline::Certificate) => Err(KeyFormDefect::Certificate),
                _ => Err(KeyFormDefect::TooLarge),
            };
        }
    }
    finish(der, input.len(), form)
}

/// Names what `der[..len]` holds: one DER SEQUENCE spanning it exactly, shaped like a
/// public key.
fn finish(
    der: [u8; MAX_KEY_DER_LEN],
    len: usize,
    form: KeyForm,
) -> Result<DecodedKey, KeyFormDefect> {
    let bytes = der.get(..len).ok_or(KeyFormDefect::NotAKey)?;
    let (outer, _) = header(bytes).ok_or(KeyFormDefect::NotAKey)?;
    if outer.tag != 0x30 || outer.total() != Some(len) {
        return Err(KeyFormDefect::NotAKey);
    }
    let encoding = match outline(bytes) {
        Some(Outline::Spki) => KeyEncoding::Spki,
        Some(Outline::Pkcs1) => KeyEncoding::Pkcs1,
        Some(Outline::PrivateKey) => return Err(KeyFormDefect::PrivateKey),
        Some(Outline::Certificate) => return Err(KeyFormDefect::Certificate),
        None => return Err(KeyFormDefect::NotAKey),
    };
    Ok(DecodedKey {
        form,
        encoding,
        der,
        len,
    })
}

/// What a DER structure is, from its first few tags (a prefix is enough).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outline {
    /// `SEQUENCE { SEQUENCE { OID, ... }, BIT STRING }`.
    Spki,
    /// `SEQUENCE { INTEGER n (not a small version number), INTEGER e }`.
    Pkcs1,
    /// PKCS#1 `RSAPrivateKey` or PKCS#8: `SEQUENCE { INTEGER 0 or 1, ... }`.
    PrivateKey,
    /// X.509 certificate or request: `SEQUENCE { SEQUENCE { [0] or INTEGER, ... }, ... }`.
    Certificate,
}

const TAG_INTEGER: u8 = 0x02;
const TAG_OID: u8 = 0x06;
const TAG_SEQUENCE: u8 = 0x30;
const TAG_CONTEXT_0: u8 = 0xa0;

fn outline(der: &[u8]) -> Option<Outline> {
    let (outer, inside) = header(der)?;
    if outer.tag != TAG_SEQUENCE {
        return None;
    }
    let (first, first_content) = header(inside)?;
    match first.tag {
        TAG_INTEGER => {
            // A version number (0, or 1 for PKCS#8 v2) is one small byte; a modulus never is.
            let small = first.len == 1 && matches!(first_content.first(), Some(0 | 1));
            Some(if small {
                Outline::PrivateKey
            } else {
                Outline::Pkcs1
            })
        }
        TAG_SEQUENCE => match header(first_content)?.0.tag {
            TAG_OID => Some(Outline::Spki),
            TAG_CONTEXT_0 | TAG_INTEGER => Some(Outline::Certificate),
            _ => None,
        },
        _ => None,
    }
}

/// A DER tag and length.
struct Header {
    tag: u8,
    /// Bytes of tag and length.
    header_len: usize,
    /// Bytes of content.
    len: usize,
}

impl Header {
    fn total(&self) -> Option<usize> {
        self.header_len.checked_add(self.len)
    }
}

/// The header at the start of `bytes` and the bytes after it (the content, possibly more
/// or, in a prefix, less). Only the definite lengths DER allows, up to four length bytes.
///
/// This names a structure for a message; it decides nothing about the key's validity,
/// which the SPKI / PKCS#1 parse does.
fn header(bytes: &[u8]) -> Option<(Header, &[u8])> {
    let (&tag, rest) = bytes.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest, len_bytes) = if first < 0x80 {
        (usize::from(first), rest, 1usize)
    } else {
        let count = usize::from(first & 0x7f);
        if !(1..=4).contains(&count) {
            return None;
        }
        let (digits, rest) = (rest.get(..count)?, rest.get(count..)?);
        let mut len = 0usize;
        for &digit in digits {
            len = len.checked_mul(256)?.checked_add(usize::from(digit))?;
        }
        (len, rest, count.checked_add(1)?)
    };
    let header = Header {
        tag,
        header_len: len_bytes.checked_add(1)?,
        len,
    };
    Some((header, rest))
}

/// Base64 characters gathered without whitespace into a bounded buffer; what does not fit
/// is counted, not kept.
struct Compacted {
    bytes: [u8; MAX_BASE64_LEN],
    len: usize,
}

impl Compacted {
    fn new() -> Self {
        Self {
            bytes: [0; MAX_BASE64_LEN],
            len: 0,
        }
    }

    fn push(&mut self, byte: u8) {
        if let Some(slot) = self.bytes.get_mut(self.len) {
            *slot = byte;
        }
        self.len = self.len.saturating_add(1);
    }

    /// More text than [`MAX_KEY_DER_LEN`] bytes of DER take. Up to [`MAX_BASE64_LEN`]
    /// characters are held, and that many without padding decode to one byte more than the
    /// bound, so the data characters (not `=`) are counted as well: a 2049-byte structure
    /// is then refused as too large, not as bad base64.
    fn overflowed(&self) -> bool {
        let data_chars = self.as_bytes().iter().filter(|&&byte| byte != b'=').count();
        self.len > MAX_BASE64_LEN || data_chars.saturating_mul(3) / 4 > MAX_KEY_DER_LEN
    }

    fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&self.bytes)
    }
}

/// The first position at or after `from` where `needle` (non-empty) starts.
fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() {
        return None; // `windows(0)` would panic
    }
    let rest = haystack.get(from..)?;
    rest.windows(needle.len())
        .position(|window| window == needle)
        .and_then(|at| at.checked_add(from))
}

fn trim_ascii(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |at| at.saturating_add(1));
    bytes.get(start..end).unwrap_or(&[])
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
pub(crate) mod tests {
    use alloc::string::String;
    use alloc::vec::Vec;

    use super::*;

    const PEM: &str = include_str!("../../keys/test-only-rsa3072.pub.pem");
    const PKCS1_PEM: &str = include_str!("../../keys/test-only-rsa2048.pub.pkcs1.pem");
    const SPKI_2048_DER: &[u8] = include_bytes!("../../keys/test-only-rsa2048.pub.der");
    // The shape of a PKCS#1 `RSAPrivateKey` with toy numbers (15 = 3 x 5): what the form
    // detection reads, without shipping a private key in the package.
    const PRIVATE_PEM: &str = "-----BEGIN RSA PRIVATE KEY-----\nMBsCAQACAQ8CAQMCAQMCAQMCAQUCAQECAQECAQI=\n-----END RSA PRIVATE KEY-----\n";

    fn body(pem: &str) -> String {
        pem.lines().filter(|l| !l.starts_with("-----")).collect()
    }

    fn der_of(pem: &str) -> Vec<u8> {
        Base64::decode_vec(&body(pem)).unwrap()
    }

    fn wrap(text: &str, width: usize, eol: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        chars
            .chunks(width)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join(eol)
    }

    fn pem_with(label: &str, body: &str, eol: &str) -> String {
        let mut s = String::new();
        s.push_str("-----BEGIN ");
        s.push_str(label);
        s.push_str("-----");
        s.push_str(eol);
        s.push_str(body);
        s.push_str(eol);
        s.push_str("-----END ");
        s.push_str(label);
        s.push_str("-----");
        s.push_str(eol);
        s
    }

    /// A DER tag-length-value, with lengths up to 65535.
    pub(crate) fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let [high, low] = u16::try_from(content.len()).unwrap().to_be_bytes();
        let mut out = alloc::vec![tag];
        match (high, low) {
            (0, 0..0x80) => out.push(low),
            (0, _) => out.extend([0x81, low]),
            _ => out.extend([0x82, high, low]),
        }
        out.extend_from_slice(content);
        out
    }

    /// `SEQUENCE { SEQUENCE { OID rsaEncryption, NULL }, BIT STRING }` of exactly `total`
    /// bytes (from 279 on): the shape of an SPKI, which is all the form detection reads.
    fn spki_shaped(total: usize) -> Vec<u8> {
        let algorithm = tlv(
            TAG_SEQUENCE,
            &[
                tlv(TAG_OID, b"\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01"),
                tlv(0x05, b""),
            ]
            .concat(),
        );
        let bits = alloc::vec![0xff; total - 4 - algorithm.len() - 4];
        let der = tlv(TAG_SEQUENCE, &[algorithm, tlv(0x03, &bits)].concat());
        assert_eq!(der.len(), total);
        der
    }

    #[test]
    fn pem_at_any_width_and_line_ending() {
        let der = der_of(PEM);
        for width in [1, 16, 63, 64, 65, 76, 10_000] {
            for eol in ["\n", "\r\n", "\r"] {
                let pem = pem_with("PUBLIC KEY", &wrap(&body(PEM), width, eol), eol);
                let key = decode_key(pem.as_bytes()).unwrap();
                assert_eq!(key.der(), der.as_slice(), "width {width}");
                assert_eq!(
                    key.form(),
                    KeyForm::Pem {
                        label: PemLabel::PublicKey
                    }
                );
                assert_eq!(key.encoding(), KeyEncoding::Spki);
            }
        }
    }

    #[test]
    fn pem_on_one_line_and_with_text_around() {
        let der = der_of(PEM);
        let one_line = pem_with("PUBLIC KEY", &body(PEM), "");
        assert_eq!(decode_key(one_line.as_bytes()).unwrap().der(), der);
        let spaced = pem_with("PUBLIC KEY", &body(PEM), " ");
        assert_eq!(decode_key(spaced.as_bytes()).unwrap().der(), der);
        for before in ["Product key v1:\n", "\u{a0}\u{2003}\n", "  \t", "\u{feff}"] {
            let text = alloc::format!("{before}{PEM}trailing words\n");
            assert_eq!(
                decode_key(text.as_bytes()).unwrap().der(),
                der,
                "{before:?}"
            );
        }
    }

    #[test]
    fn pem_with_escaped_newlines() {
        let der = der_of(PEM);
        for escape in ["\\n", "\\r\\n"] {
            let escaped = PEM.trim_end().lines().collect::<Vec<_>>().join(escape);
            for text in [
                escaped.clone(),
                alloc::format!("\"{escaped}{escape}\""),
                escaped.replace('/', "\\/"),
            ] {
                let key = decode_key(text.as_bytes()).unwrap();
                assert_eq!(key.der(), der);
                assert_eq!(
                    key.form(),
                    KeyForm::PemEscapedNewlines {
                        label: PemLabel::PublicKey
                    }
                );
            }
        }
        let bad = PEM.trim_end().lines().collect::<Vec<_>>().join("\\t");
        assert_eq!(decode_key(bad.as_bytes()), Err(KeyFormDefect::PemBase64));
    }

    #[test]
    fn pkcs1_pem() {
        let key = decode_key(PKCS1_PEM.as_bytes()).unwrap();
        assert_eq!(key.encoding(), KeyEncoding::Pkcs1);
        assert_eq!(
            key.form(),
            KeyForm::Pem {
                label: PemLabel::RsaPublicKey
            }
        );
    }

    #[test]
    fn bare_base64_in_both_alphabets() {
        let der = der_of(PEM);
        let standard = body(PEM);
        let url = standard.replace('+', "-").replace('/', "_");
        assert_ne!(standard, url, "the test key's base64 should use + or /");
        let cases = [
            (standard.clone(), Base64Alphabet::Standard),
            (
                standard.trim_end_matches('=').into(),
                Base64Alphabet::Standard,
            ),
            (wrap(&standard, 64, "\n"), Base64Alphabet::Standard),
            (
                alloc::format!("  {}\r\n", wrap(&standard, 76, "\r\n")),
                Base64Alphabet::Standard,
            ),
            (url.clone(), Base64Alphabet::Url),
            (url.trim_end_matches('=').into(), Base64Alphabet::Url),
            (wrap(&url, 50, "\n"), Base64Alphabet::Url),
        ];
        for (text, alphabet) in cases {
            let key = decode_key(text.as_bytes()).unwrap();
            assert_eq!(key.der(), der);
            assert_eq!(key.form(), KeyForm::Base64Der { alphabet });
        }
    }

    #[test]
    fn binary_der() {
        let key = decode_key(SPKI_2048_DER).unwrap();
        assert_eq!(key.form(), KeyForm::Der);
        assert_eq!(key.der(), SPKI_2048_DER);
        // Trailing bytes or a truncation: not one DER structure.
        let mut longer = SPKI_2048_DER.to_vec();
        longer.push(0);
        assert_eq!(decode_key(&longer), Err(KeyFormDefect::NotAKey));
        let short = SPKI_2048_DER.get(..SPKI_2048_DER.len() - 1).unwrap();
        assert_eq!(decode_key(short), Err(KeyFormDefect::NotAKey));
    }

    #[test]
    fn refusals() {
        let private_der = der_of(PRIVATE_PEM);
        let private_b64 = body(PRIVATE_PEM);
        let two = alloc::format!("{PEM}{PEM}");
        let cases: Vec<(Vec<u8>, KeyFormDefect)> = alloc::vec![
            (b"".to_vec(), KeyFormDefect::Empty),
            (b" \r\n\t".to_vec(), KeyFormDefect::Empty),
            (PRIVATE_PEM.into(), KeyFormDefect::PrivateKey),
            (
                alloc::format!("{PEM}{PRIVATE_PEM}").into(),
                KeyFormDefect::PrivateKey
            ),
            (private_der.clone(), KeyFormDefect::PrivateKey),
            (private_b64.into(), KeyFormDefect::PrivateKey),
            (two.into(), KeyFormDefect::MultipleBlocks { count: 2 }),
            (
                pem_with("CERTIFICATE", &body(PEM), "\n").into(),
                KeyFormDefect::Certificate
            ),
            (
                pem_with("EC PARAMETERS", &body(PEM), "\n").into(),
                KeyFormDefect::PemLabel
            ),
            (
                pem_with(
                    "PUBLIC KEY",
                    &alloc::format!("Proc-Type: 4,ENCRYPTED\n\n{}", body(PEM)),
                    "\n"
                )
                .into(),
                KeyFormDefect::PemHeaders
            ),
            (
                PEM.replace("-----END PUBLIC KEY-----", "-----END RSA PUBLIC KEY-----")
                    .into(),
                KeyFormDefect::PemBoundary
            ),
            (
                PEM.replace("-----END PUBLIC KEY-----", "").into(),
                KeyFormDefect::PemBoundary
            ),
            (
                PEM.replace("-----BEGIN PUBLIC KEY-----", "").into(),
                KeyFormDefect::PemBoundary
            ),
            (
                PKCS1_PEM.replace("RSA PUBLIC KEY", "PUBLIC KEY").into(),
                KeyFormDefect::PemLabelMismatch {
                    label: PemLabel::PublicKey,
                    found: KeyEncoding::Pkcs1
                }
            ),
            (
                PEM.replace("PUBLIC KEY", "RSA PUBLIC KEY").into(),
                KeyFormDefect::PemLabelMismatch {
                    label: PemLabel::RsaPublicKey,
                    found: KeyEncoding::Spki
                }
            ),
            (
                pem_with("PUBLIC KEY", "", "\n").into(),
                KeyFormDefect::PemBase64
            ),
            (
                pem_with("PUBLIC KEY", "not*base64", "\n").into(),
                KeyFormDefect::PemBase64
            ),
            (
                b"hello world, this is not a key".to_vec(),
                KeyFormDefect::NotBase64
            ),
            (b"\"MIIBIjAN\"".to_vec(), KeyFormDefect::NotBase64),
            (b"aGVsbG8gd29ybGQ=".to_vec(), KeyFormDefect::NotAKey),
            (
                b"ssh-rsa AAAAB3NzaC1yc2E user@host".to_vec(),
                KeyFormDefect::OpenSshKey
            ),
            (alloc::vec![0x30; 5000], KeyFormDefect::TooLarge),
            (b"A".repeat(5000), KeyFormDefect::TooLarge),
        ];
        for (input, defect) in cases {
            assert_eq!(
                decode_key(&input),
                Err(defect),
                "{:?}",
                String::from_utf8_lossy(input.get(..60.min(input.len())).unwrap())
            );
        }
    }

    #[test]
    fn boundary_labels_must_be_printable_and_non_empty() {
        // Refused as a broken boundary line, not read as a label (which would say
        // `PemLabel`, or `PrivateKey` for the second).
        let body = body(PEM);
        for label in ["", "PUBLIC\tKEY", "RSA PRIVATE\x01KEY", "PUBLIC KEY\x7f"] {
            let pem = pem_with(label, &body, "\n");
            assert_eq!(
                decode_key(pem.as_bytes()),
                Err(KeyFormDefect::PemBoundary),
                "{label:?}"
            );
        }
        let empty_end = PEM.replace("-----END PUBLIC KEY-----", "-----END -----");
        assert_eq!(
            decode_key(empty_end.as_bytes()),
            Err(KeyFormDefect::PemBoundary)
        );
    }

    #[test]
    fn oversized_input_is_named_from_its_start() {
        let filler = tlv(0x04, &[0xff; 3000]);
        let version = tlv(TAG_INTEGER, &[0]);
        let rsa = tlv(
            TAG_SEQUENCE,
            &[
                tlv(TAG_OID, b"\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01"),
                tlv(0x05, b""),
            ]
            .concat(),
        );
        // PKCS#1 `RSAPrivateKey` and PKCS#8 `PrivateKeyInfo` (v1 and v2).
        let pkcs1_private = tlv(TAG_SEQUENCE, &[version.clone(), filler.clone()].concat());
        let pkcs8 = tlv(
            TAG_SEQUENCE,
            &[version.clone(), rsa.clone(), filler.clone()].concat(),
        );
        let pkcs8_v2 = tlv(
            TAG_SEQUENCE,
            &[tlv(TAG_INTEGER, &[1]), rsa.clone(), filler.clone()].concat(),
        );
        // An X.509 certificate (`[0] { INTEGER 2 }` version first) and a certificate
        // request (`INTEGER 0` version first).
        let certificate = tlv(
            TAG_SEQUENCE,
            &[
                tlv(
                    TAG_SEQUENCE,
                    &[tlv(TAG_CONTEXT_0, &tlv(TAG_INTEGER, &[2])), filler.clone()].concat(),
                ),
                rsa.clone(),
            ]
            .concat(),
        );
        let request = tlv(
            TAG_SEQUENCE,
            &[tlv(TAG_SEQUENCE, &[version, filler.clone()].concat()), rsa].concat(),
        );
        // Shaped like a public key, or like nothing: only too large.
        let public = spki_shaped(3000);
        let nothing = tlv(TAG_SEQUENCE, &filler);
        let cases = [
            (pkcs1_private, KeyFormDefect::PrivateKey),
            (pkcs8, KeyFormDefect::PrivateKey),
            (pkcs8_v2, KeyFormDefect::PrivateKey),
            (certificate, KeyFormDefect::Certificate),
            (request, KeyFormDefect::Certificate),
            (public, KeyFormDefect::TooLarge),
            (nothing, KeyFormDefect::TooLarge),
        ];
        // The prefix decoded is whole base64 quanta holding exactly PREFIX_DER_LEN bytes.
        assert_eq!(PREFIX_BASE64_LEN, PREFIX_DER_LEN / 3 * 4);
        assert_eq!(PREFIX_DER_LEN % 3, 0);
        for (der, defect) in cases {
            assert!(der.len() > MAX_KEY_DER_LEN);
            assert_eq!(decode_key(&der), Err(defect), "binary DER");
            let standard = Base64::encode_string(&der);
            assert!(standard.len() > MAX_BASE64_LEN);
            let url = standard.replace('+', "-").replace('/', "_");
            assert_ne!(standard, url, "the base64 should use + or /");
            for text in [standard.clone(), wrap(&standard, 64, "\n"), url] {
                assert_eq!(decode_key(text.as_bytes()), Err(defect), "{text:.40}");
            }
            // In a public key's PEM block: too large, whatever it holds.
            let pem = pem_with("PUBLIC KEY", &wrap(&standard, 64, "\n"), "\n");
            assert_eq!(decode_key(pem.as_bytes()), Err(KeyFormDefect::TooLarge));
        }
    }

    #[test]
    fn indefinite_length_is_not_der() {
        // `30 80`: a BER indefinite length, which DER forbids, read as no length at all
        // (not as the short-form length 128, which would span this input exactly).
        let content = tlv(TAG_INTEGER, &[0x7f; 126]);
        assert_eq!(content.len(), 0x80);
        let indefinite = [&[TAG_SEQUENCE, 0x80][..], &content].concat();
        assert_eq!(decode_key(&indefinite), Err(KeyFormDefect::NotAKey));
        let text = Base64::encode_string(&indefinite);
        assert_eq!(decode_key(text.as_bytes()), Err(KeyFormDefect::NotAKey));
        // The same content with its length in the long form DER requires (`81 80`).
        let definite = tlv(TAG_SEQUENCE, &content);
        assert_eq!(definite.get(..3).unwrap(), [TAG_SEQUENCE, 0x81, 0x80]);
        assert_eq!(
            decode_key(&definite).unwrap().encoding(),
            KeyEncoding::Pkcs1
        );
    }

    #[test]
    fn size_bound_is_exact() {
        // MAX_KEY_DER_LEN bytes of DER: accepted as DER, base64 (exactly MAX_BASE64_LEN
        // characters, padding included) and PEM.
        let der = spki_shaped(MAX_KEY_DER_LEN);
        let key = decode_key(&der).unwrap();
        assert_eq!(key.der(), der.as_slice());
        let text = Base64::encode_string(&der);
        assert_eq!(text.len(), MAX_BASE64_LEN);
        let key = decode_key(text.as_bytes()).unwrap();
        assert_eq!(key.der(), der.as_slice());
        assert_eq!(
            key.form(),
            KeyForm::Base64Der {
                alphabet: Base64Alphabet::Standard
            }
        );
        let pem = pem_with("PUBLIC KEY", &wrap(&text, 64, "\n"), "\n");
        assert_eq!(decode_key(pem.as_bytes()).unwrap().der(), der.as_slice());
        // One byte, or one character, more: too large.
        let longer = spki_shaped(MAX_KEY_DER_LEN + 1);
        assert_eq!(decode_key(&longer), Err(KeyFormDefect::TooLarge));
        let longer_text = alloc::format!("{text}A");
        assert_eq!(longer_text.len(), MAX_BASE64_LEN + 1);
        assert_eq!(
            decode_key(longer_text.as_bytes()),
            Err(KeyFormDefect::TooLarge)
        );
        let pem = pem_with("PUBLIC KEY", &wrap(&longer_text, 64, "\n"), "\n");
        assert_eq!(decode_key(pem.as_bytes()), Err(KeyFormDefect::TooLarge));
        // A structure of one or two bytes more fits the text bound when written unpadded:
        // still too large, in every alphabet and in PEM, not bad base64.
        for len in [MAX_KEY_DER_LEN + 1, MAX_KEY_DER_LEN + 2] {
            let der = spki_shaped(len);
            for text in [
                Base64::encode_string(&der),
                Base64Unpadded::encode_string(&der),
                Base64UrlUnpadded::encode_string(&der),
            ] {
                assert_eq!(
                    decode_key(text.as_bytes()),
                    Err(KeyFormDefect::TooLarge),
                    "{len} bytes as {} characters",
                    text.len()
                );
                let pem = pem_with("PUBLIC KEY", &wrap(&text, 64, "\n"), "\n");
                assert_eq!(decode_key(pem.as_bytes()), Err(KeyFormDefect::TooLarge));
            }
        }
        // Padding past the bound is too much text, though it holds no data.
        let over_padded = alloc::format!("{text}=");
        assert_eq!(
            decode_key(over_padded.as_bytes()),
            Err(KeyFormDefect::TooLarge)
        );
        // The bound counts data characters only: padding may follow a full-size structure.
        let unpadded = Base64Unpadded::encode_string(&der);
        assert_eq!(
            decode_key(unpadded.as_bytes()).unwrap().der(),
            der.as_slice()
        );
    }

    #[test]
    fn messages_say_what_to_do() {
        let private = alloc::format!("{}", KeyFormDefect::PrivateKey);
        assert!(
            private.contains("private key: use the public key"),
            "{private}"
        );
        let cert = alloc::format!("{}", KeyFormDefect::Certificate);
        assert!(cert.contains("certificate") && cert.contains("export its public key"));
        let not_key = alloc::format!("{}", KeyFormDefect::NotAKey);
        assert!(
            not_key.contains("base64 (or DER) that is not a key"),
            "{not_key}"
        );
    }

    #[test]
    fn form_and_encoding_texts() {
        let forms = [
            (
                KeyForm::Pem {
                    label: PemLabel::PublicKey,
                },
                "PEM (PUBLIC KEY)",
            ),
            (
                KeyForm::Pem {
                    label: PemLabel::RsaPublicKey,
                },
                "PEM (RSA PUBLIC KEY)",
            ),
            (
                KeyForm::PemEscapedNewlines {
                    label: PemLabel::PublicKey,
                },
                "PEM (PUBLIC KEY) with literal \\n escapes instead of line breaks",
            ),
            (
                KeyForm::PemEscapedNewlines {
                    label: PemLabel::RsaPublicKey,
                },
                "PEM (RSA PUBLIC KEY) with literal \\n escapes instead of line breaks",
            ),
            (
                KeyForm::Base64Der {
                    alphabet: Base64Alphabet::Standard,
                },
                "base64 DER without PEM boundaries",
            ),
            (
                KeyForm::Base64Der {
                    alphabet: Base64Alphabet::Url,
                },
                "base64url DER without PEM boundaries",
            ),
            (KeyForm::Der, "binary DER"),
        ];
        for (form, text) in forms {
            assert_eq!(alloc::format!("{form}"), text);
        }
        assert_eq!(
            alloc::format!("{}", KeyEncoding::Spki),
            "SubjectPublicKeyInfo"
        );
        assert_eq!(
            alloc::format!("{}", KeyEncoding::Pkcs1),
            "PKCS#1 RSAPublicKey"
        );
    }

    #[test]
    fn decoded_key_debug_names_form_encoding_and_length() {
        let key = decode_key(SPKI_2048_DER).unwrap();
        assert_eq!(
            alloc::format!("{key:?}"),
            alloc::format!(
                "DecodedKey {{ form: Der, encoding: Spki, der_len: {} }}",
                SPKI_2048_DER.len()
            )
        );
        let key = decode_key(PKCS1_PEM.as_bytes()).unwrap();
        assert_eq!(
            alloc::format!("{key:?}"),
            alloc::format!(
                "DecodedKey {{ form: Pem {{ label: RsaPublicKey }}, encoding: Pkcs1, \
                 der_len: {} }}",
                der_of(PKCS1_PEM).len()
            )
        );
    }

    #[test]
    fn no_panic_on_fragments() {
        // Every prefix and suffix of each accepted form decodes or is refused, never panics.
        let inputs = [
            PEM.as_bytes().to_vec(),
            PEM.trim_end()
                .lines()
                .collect::<Vec<_>>()
                .join("\\n")
                .into_bytes(),
            body(PEM).into_bytes(),
            SPKI_2048_DER.to_vec(),
        ];
        for input in inputs {
            for cut in 0..=input.len() {
                let _ = decode_key(input.get(..cut).unwrap());
                let _ = decode_key(input.get(cut..).unwrap());
            }
        }
    }
}
