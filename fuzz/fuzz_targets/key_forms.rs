//! Key forms: arbitrary bytes, and the repository's public keys rewritten in every form
//! AWS Marketplace sellers paste them in (PEM at any line width, one-line PEM, CRLF, literal
//! `\n` / `\r\n` escapes and `\/`, explanatory text around the block, bare base64 or
//! base64url with or without padding at any width, binary DER), perhaps damaged, through
//! `decode_key` and `PublicKey::from_any_form_with_policy`.
//!
//! Oracles:
//! - whenever `decode_key` accepts, the DER it returns is what the input holds, checked
//!   independently of the crate's form detection (the input itself for DER, the input's
//!   base64 for bare base64, the compacted PEM body for PEM), and `from_any_form_with_policy`
//!   gives exactly what `from_der_with_policy` gives for that DER (verdict, fingerprint,
//!   bits);
//! - for an undamaged rewrite of a known key, `decode_key` must accept with the form the
//!   rewrite has, return the key's canonical DER, and the loaded key must equal (fingerprint,
//!   bits, or the same refusal) what the canonical DER gives.
//!
//! The command-line tool has no form detection of its own: `cli/src/key.rs` and
//! `cli/src/verify.rs` call `decode_key` and `from_any_form_with_policy`, so this target
//! covers it.
#![no_main]

use arbitrary::Arbitrary;
use base64ct::{Base64, Base64Unpadded, Base64Url, Base64UrlUnpadded, Encoding};
use libfuzzer_sys::fuzz_target;
use register_usage_jwt::{
    Base64Alphabet, ConfigError, KeyForm, KeyPolicy, PemLabel, PublicKey, decode_key,
};

/// The repository's public keys, as committed: (PEM, whether PKCS#1).
const KEYS: [(&str, bool); 10] = [
    (include_str!("../../keys/test-only-rsa2048.pub.pem"), false),
    (include_str!("../../keys/test-only-rsa3072.pub.pem"), false),
    (include_str!("../../keys/test-only-rsa4096.pub.pem"), false),
    (
        include_str!("../../keys/test-only-rsa2048.pub.pkcs1.pem"),
        true,
    ),
    (
        include_str!("../../keys/test-only-rsa2048.pub.pss-noparams.pem"),
        false,
    ),
    (
        include_str!("../../keys/test-only-rsapss2048-sha256-salt32.pub.pem"),
        false,
    ),
    (
        include_str!("../../keys/test-only-rsapss2048-sha384-salt20.pub.pem"),
        false,
    ),
    (include_str!("../../keys/test-only-rsa1024.pub.pem"), false),
    (
        include_str!("../../keys/test-only-rsa2048-other.pub.pem"),
        false,
    ),
    // The production policy refuses the published test keys: one key under it too.
    (include_str!("../../keys/test-only-rsa2048.pub.pem"), false),
];

/// The DER inside a committed PEM, decoded without the crate.
fn canonical_der(pem: &str) -> Vec<u8> {
    let body: String = pem
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    Base64::decode_vec(body.trim()).expect("committed PEM")
}

/// A text that can stand before or after a PEM block: letters, digits, spaces, line breaks.
#[derive(Arbitrary, Debug)]
struct Explanatory(Vec<u8>);

impl Explanatory {
    fn render(&self, first_is_letter: bool) -> String {
        self.0
            .iter()
            .take(200)
            .enumerate()
            .map(|(i, &b)| match b % 40 {
                0..=25 => char::from(b'a' + b % 40),
                26..=35 if !(first_is_letter && i == 0) => char::from(b'0' + b % 40 - 26),
                36 | 37 if !(first_is_letter && i == 0) => ' ',
                38 if !(first_is_letter && i == 0) => '\n',
                _ => 'x',
            })
            .collect()
    }
}

/// How a known key is rewritten.
#[derive(Arbitrary, Debug)]
enum Rewrite {
    Pem {
        /// Body line width (0: the whole body on one line).
        width: u8,
        /// What separates lines: `\n`, `\r\n`, a space, literal `\n`, literal `\r\n`.
        separator: u8,
        /// Write each `/` of the body as `\/` (as JSON may).
        escape_slash: bool,
        before: Option<Explanatory>,
        after: Option<Explanatory>,
        byte_order_mark: bool,
    },
    Base64 {
        url: bool,
        padded: bool,
        width: u8,
        crlf: bool,
        leading_spaces: u8,
        trailing_newline: bool,
    },
    Der,
}

/// Damage to the rewritten bytes.
#[derive(Arbitrary, Debug)]
enum Damage {
    Flip(u16, u8),
    Insert(u16, u8),
    Remove(u16),
    Truncate(u16),
    /// Another label on both boundary lines.
    Label(String),
    /// The other public-key label (PKCS#1 for SPKI and the reverse).
    SwapLabel,
}

#[derive(Arbitrary, Debug)]
enum Input {
    Bytes(Vec<u8>),
    Known {
        key: u8,
        rewrite: Rewrite,
        damage: Option<Damage>,
    },
}

fn wrap(body: &str, width: usize, separator: &str) -> String {
    if width == 0 {
        return body.to_owned();
    }
    body.as_bytes()
        .chunks(width)
        .map(|line| std::str::from_utf8(line).expect("base64"))
        .collect::<Vec<_>>()
        .join(separator)
}

/// The rewritten key and the form `decode_key` must report for it.
fn rewrite(
    der: &[u8],
    pkcs1: bool,
    rewrite: &Rewrite,
    damage: Option<&Damage>,
) -> (Vec<u8>, KeyForm) {
    match rewrite {
        Rewrite::Pem {
            width,
            separator,
            escape_slash,
            before,
            after,
            byte_order_mark,
        } => {
            let (separator, escaped) = match separator % 5 {
                0 => ("\n", false),
                1 => ("\r\n", false),
                2 => (" ", false),
                3 => ("\\n", true),
                _ => ("\\r\\n", true),
            };
            let mut label = if pkcs1 {
                "RSA PUBLIC KEY"
            } else {
                "PUBLIC KEY"
            }
            .to_owned();
            match damage {
                Some(Damage::Label(other)) => label = other.clone(),
                Some(Damage::SwapLabel) => {
                    label = if pkcs1 {
                        "PUBLIC KEY"
                    } else {
                        "RSA PUBLIC KEY"
                    }
                    .to_owned();
                }
                _ => {}
            }
            let mut body = wrap(&Base64::encode_string(der), usize::from(*width), separator);
            let slash = *escape_slash && body.contains('/');
            if slash {
                body = body.replace('/', "\\/");
            }
            let mut text = String::new();
            if *byte_order_mark {
                text.push('\u{feff}');
            }
            if let Some(before) = before {
                text.push_str(&before.render(true));
                text.push('\n');
            }
            text.push_str(&format!(
                "-----BEGIN {label}-----{separator}{body}{separator}-----END {label}-----"
            ));
            if let Some(after) = after {
                text.push('\n');
                text.push_str(&after.render(false));
            }
            let label = if pkcs1 {
                PemLabel::RsaPublicKey
            } else {
                PemLabel::PublicKey
            };
            let form = if escaped || slash {
                KeyForm::PemEscapedNewlines { label }
            } else {
                KeyForm::Pem { label }
            };
            (text.into_bytes(), form)
        }
        Rewrite::Base64 {
            url,
            padded,
            width,
            crlf,
            leading_spaces,
            trailing_newline,
        } => {
            let body = match (url, padded) {
                (false, true) => Base64::encode_string(der),
                (false, false) => Base64Unpadded::encode_string(der),
                (true, true) => Base64Url::encode_string(der),
                (true, false) => Base64UrlUnpadded::encode_string(der),
            };
            // The alphabet shows only where the DER's base64 has a `+`/`/` or `-`/`_`.
            let alphabet = if body.contains(['-', '_']) {
                Base64Alphabet::Url
            } else {
                Base64Alphabet::Standard
            };
            let mut text = " ".repeat(usize::from(leading_spaces % 4));
            text.push_str(&wrap(
                &body,
                usize::from(*width),
                if *crlf { "\r\n" } else { "\n" },
            ));
            if *trailing_newline {
                text.push('\n');
            }
            (text.into_bytes(), KeyForm::Base64Der { alphabet })
        }
        Rewrite::Der => (der.to_vec(), KeyForm::Der),
    }
}

fn damage_bytes(bytes: &mut Vec<u8>, damage: &Damage) {
    let at = |i: u16, len: usize| usize::from(i) % len.max(1);
    match *damage {
        Damage::Flip(i, mask) if !bytes.is_empty() => {
            let i = at(i, bytes.len());
            bytes[i] ^= mask.max(1);
        }
        Damage::Insert(i, byte) => {
            let i = at(i, bytes.len() + 1);
            bytes.insert(i, byte);
        }
        Damage::Remove(i) if !bytes.is_empty() => {
            let i = at(i, bytes.len());
            bytes.remove(i);
        }
        Damage::Truncate(i) => bytes.truncate(at(i, bytes.len())),
        _ => {}
    }
}

/// What a load reports, for comparing two loads.
fn summary(result: &Result<PublicKey, ConfigError>) -> Result<([u8; 32], usize), &'static str> {
    match result {
        Ok(key) => Ok((key.fingerprint(), key.bits())),
        Err(error) => Err(error.code()),
    }
}

/// Removes what PEM and escaped PEM allow between base64 characters.
fn compact(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut bytes = text.iter().copied().peekable();
    while let Some(b) = bytes.next() {
        match b {
            b'\\' => match bytes.peek() {
                Some(b'n' | b'r') => {
                    bytes.next();
                }
                Some(b'/') => {
                    bytes.next();
                    out.push(b'/');
                }
                _ => out.push(b),
            },
            b if b.is_ascii_whitespace() => {}
            b => out.push(b),
        }
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The independent checks on any input `decode_key` accepts.
fn check_accepted(input: &[u8], policy: KeyPolicy) {
    let Ok(decoded) = decode_key(input) else {
        let error =
            PublicKey::from_any_form_with_policy(input, policy).expect_err("decode_key refused it");
        assert_eq!(error.code(), "invalid_key", "{error:?}");
        return;
    };
    let der = decoded.der();
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    match decoded.form() {
        KeyForm::Der => assert_eq!(der, input),
        KeyForm::Base64Der { alphabet } => {
            let text: Vec<u8> = input
                .iter()
                .copied()
                .filter(|b| !b.is_ascii_whitespace())
                .collect();
            let text = std::str::from_utf8(&text).expect("base64 is ASCII");
            let unpadded = text.trim_end_matches('=');
            let reference = match alphabet {
                Base64Alphabet::Url => Base64UrlUnpadded::decode_vec(unpadded),
                _ => Base64Unpadded::decode_vec(unpadded),
            }
            .expect("accepted base64 decodes");
            assert_eq!(der, reference.as_slice());
        }
        KeyForm::Pem { label } | KeyForm::PemEscapedNewlines { label } => {
            let b64 = Base64::encode_string(der);
            let block = format!(
                "-----BEGIN{}-----{b64}-----END{}-----",
                label.as_str().replace(' ', ""),
                label.as_str().replace(' ', "")
            );
            assert!(
                find(&compact(input), block.as_bytes()),
                "the DER is not the PEM body: {decoded:?}"
            );
            if let KeyForm::Pem { .. } = decoded.form() {
                // No escape in the body: no backslash between the boundaries.
                let begin = format!("-----BEGIN {}-----", label.as_str());
                let start = input
                    .windows(begin.len())
                    .position(|w| w == begin.as_bytes())
                    .expect("a BEGIN line");
                let rest = &input[start + begin.len()..];
                let end = rest
                    .windows(9)
                    .position(|w| w == b"-----END ")
                    .expect("an END line");
                assert!(
                    !rest[..end].contains(&b'\\'),
                    "an escape in a plain PEM body"
                );
            }
        }
        _ => {}
    }
    let from_form = PublicKey::from_any_form_with_policy(input, policy);
    let from_der = PublicKey::from_der_with_policy(der, policy);
    assert_eq!(summary(&from_form), summary(&from_der), "{decoded:?}");
}

fuzz_target!(|input: Input| {
    match input {
        Input::Bytes(bytes) => {
            check_accepted(&bytes, KeyPolicy::DangerouslyAllowPublishedTestKeys);
            check_accepted(&bytes, KeyPolicy::Production);
            if let Ok(text) = std::str::from_utf8(&bytes) {
                let a = PublicKey::from_pem_with_policy(text, KeyPolicy::Production);
                let b = PublicKey::from_any_form_with_policy(&bytes, KeyPolicy::Production);
                assert_eq!(summary(&a), summary(&b));
            }
        }
        Input::Known {
            key,
            rewrite: how,
            damage,
        } => {
            let index = usize::from(key) % KEYS.len();
            let (pem, pkcs1) = KEYS[index];
            let policy = if index == KEYS.len() - 1 {
                KeyPolicy::Production
            } else {
                KeyPolicy::DangerouslyAllowPublishedTestKeys
            };
            let der = canonical_der(pem);
            let (mut bytes, form) = rewrite(&der, pkcs1, &how, damage.as_ref());
            check_accepted(&bytes, policy);
            match &damage {
                None => {
                    let decoded = decode_key(&bytes)
                        .unwrap_or_else(|e| panic!("{e:?}: {:?}", String::from_utf8_lossy(&bytes)));
                    assert_eq!(decoded.form(), form);
                    assert_eq!(decoded.der(), der.as_slice());
                    assert_eq!(
                        summary(&PublicKey::from_any_form_with_policy(&bytes, policy)),
                        summary(&PublicKey::from_der_with_policy(&der, policy)),
                    );
                }
                Some(Damage::SwapLabel) => {
                    if matches!(how, Rewrite::Pem { .. }) {
                        assert!(decode_key(&bytes).is_err(), "a swapped label was accepted");
                    }
                }
                Some(damage) => {
                    damage_bytes(&mut bytes, damage);
                    check_accepted(&bytes, policy);
                }
            }
        }
    }
});
