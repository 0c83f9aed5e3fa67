//! What the core's tests, benches and fuzz targets share: the product code and nonce they
//! use, the published test keys, minting PS256 tokens with a deterministic salt, hand-built
//! PKCS#1 keys, and the costliest pre-signature constructions.
//!
//! Not published (`publish = false`): it reads the private test keys in `keys/`, which no
//! package ships. The core's packaged tests compile without it (see `tests/suite/main.rs`).
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation
)]

use base64ct::{Base64UrlUnpadded, Encoding};
use register_usage_jwt::{KeyPolicy, PublicKey, Verifier};
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{RandomizedSigner, SignatureEncoding};
use sha2::{Digest, Sha256};

pub const PRODUCT_CODE: &str = "1fszvu527waovqeuhpkyx2b5d";
pub const NONCE: &str = "3f1e5a0c-6b7d-4e2a-9c31-0d8f2b7a4e55";
pub const HEADER: &str = r#"{"alg":"PS256","typ":"JWT"}"#;

/// The repository's `keys/` directory, where the TEST ONLY key pairs are.
pub const KEYS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../keys");

pub fn private_key(stem: &str) -> rsa::PrivateKey {
    let pem = std::fs::read_to_string(format!("{KEYS_DIR}/{stem}.key.pem")).unwrap();
    rsa::PrivateKey::from_pkcs8_pem(&pem).unwrap()
}

pub fn public_key(stem: &str) -> PublicKey {
    let pem = std::fs::read_to_string(format!("{KEYS_DIR}/{stem}.pub.pem")).unwrap();
    PublicKey::from_pem_with_policy(&pem, KeyPolicy::DangerouslyAllowPublishedTestKeys).unwrap()
}

pub fn b64(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

/// SHA-256 in counter mode, seeded by the signing input: deterministic salts, so every
/// test run mints the same tokens. The fuzz targets sign with it too, so every input replays
/// exactly.
pub struct DetRng {
    seed: [u8; 32],
    counter: u64,
}

impl DetRng {
    pub fn new(seed: &[u8]) -> Self {
        Self {
            seed: Sha256::digest(seed).into(),
            counter: 0,
        }
    }

    fn block(&mut self) -> [u8; 32] {
        self.counter += 1;
        Sha256::new()
            .chain_update(self.seed)
            .chain_update(self.counter.to_be_bytes())
            .finalize()
            .into()
    }
}

impl rsa::rand_core::TryRng for DetRng {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let b = self.block();
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let b = self.block();
        Ok(u64::from_be_bytes(b[..8].try_into().unwrap()))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for chunk in dst.chunks_mut(32) {
            let b = self.block();
            chunk.copy_from_slice(&b[..chunk.len()]);
        }
        Ok(())
    }
}

impl rsa::rand_core::TryCryptoRng for DetRng {}

/// A PS256 token over the given header and payload JSON, with a salt of `salt_len` bytes.
pub fn mint_with_salt(stem: &str, header: &str, payload: &str, salt_len: usize) -> String {
    let signing_input = format!("{}.{}", b64(header.as_bytes()), b64(payload.as_bytes()));
    let key = rsa::pss::SigningKey::<Sha256>::new_with_salt_len(private_key(stem), salt_len);
    let signature = key
        .try_sign_with_rng(
            &mut DetRng::new(signing_input.as_bytes()),
            signing_input.as_bytes(),
        )
        .unwrap()
        .to_vec();
    format!("{signing_input}.{}", b64(&signature))
}

pub fn mint(stem: &str, header: &str, payload: &str) -> String {
    mint_with_salt(stem, header, payload, 32)
}

/// The RegisterUsage payload for the default product, version and nonce.
pub fn payload() -> String {
    format!(r#"{{"ProductCode":"{PRODUCT_CODE}","PublicKeyVersion":1,"Nonce":"{NONCE}"}}"#)
}

pub fn verifier() -> Verifier {
    Verifier::new(PRODUCT_CODE, [(1, public_key("test-only-rsa2048"))]).unwrap()
}

/// Crafted headers, each as large as `budget` bytes allow: the JSON constructions that cost
/// the JSON reader the most (escaped and fully escaped names, a duplicate found last, nesting
/// to and past its bound, the most members, wide arrays, nested objects, long escaped
/// strings). `(name, header JSON, the header's own verdict)`: `"ok"` for a header the header
/// step accepts, else the error code it refuses it with.
pub fn crafted_headers(budget: usize) -> Vec<(&'static str, String, &'static str)> {
    use register_usage_jwt::{MAX_JSON_DEPTH, MAX_JSON_MEMBERS};

    // `{"alg":"PS256",` + members + `}`, each member built by `member(i, size, last)`: as
    // many members as fit, up to `count`, then the largest `size` that fits.
    let object = |count: usize, member: &dyn Fn(usize, usize, bool) -> String| {
        let build = |count: usize, size: usize| {
            let members: Vec<String> = (0..count)
                .map(|i| member(i, size, i + 1 == count))
                .collect();
            format!(r#"{{"alg":"PS256",{}}}"#, members.join(","))
        };
        let count = (1..=count)
            .rev()
            .find(|&n| build(n, 0).len() <= budget)
            .unwrap_or(1);
        let mut size = 0;
        loop {
            let (current, next) = (build(count, size), build(count, size + 1));
            if next.len() > budget || next == current {
                return current;
            }
            size += 1;
        }
    };
    let others = MAX_JSON_MEMBERS - 1; // `alg` is one member
    let escaped = |c: char| format!("\\u{:04x}", c as u32);
    let cases = vec![
        (
            // Names equal but for a final escape: every comparison of a naive duplicate check
            // decodes a whole name.
            "escaped names",
            object(others, &|i, size, _| {
                format!(
                    r#""{}{}":0"#,
                    "a".repeat(size),
                    escaped(char::from_u32(0x100 + i as u32).unwrap())
                )
            }),
            "ok",
        ),
        (
            "fully escaped names",
            object(others, &|i, size, _| {
                let name: String = std::iter::repeat_n('b', size)
                    .chain(std::iter::once(char::from_u32(0x4E00 + i as u32).unwrap()))
                    .map(escaped)
                    .collect();
                format!(r#""{name}":0"#)
            }),
            "ok",
        ),
        (
            // The same with the duplicate last: found only once every name is read.
            "fully escaped names, duplicate last",
            object(others, &|i, size, last| {
                let last = if last { 0 } else { i };
                let name: String = std::iter::repeat_n('b', size)
                    .chain(std::iter::once(
                        char::from_u32(0x4E00 + last as u32).unwrap(),
                    ))
                    .map(escaped)
                    .collect();
                format!(r#""{name}":0"#)
            }),
            "malformed_header",
        ),
        (
            "nesting to the bound in every member",
            object(others, &|i, size, _| {
                let depth = size.min(MAX_JSON_DEPTH);
                format!(r#""n{i}":{}0{}"#, "[".repeat(depth), "]".repeat(depth))
            }),
            "ok",
        ),
        (
            "nesting one past the bound, at the end",
            {
                let depth = MAX_JSON_DEPTH + 1;
                let deep = format!(r#""deep":{}0{}"#, "[".repeat(depth), "]".repeat(depth));
                object(others - 1, &|i, size, last| {
                    if last {
                        deep.clone()
                    } else {
                        format!(r#""m{i}":"{}""#, "x".repeat(size))
                    }
                })
            },
            "malformed_header",
        ),
        (
            "many members",
            object(others, &|i, size, _| {
                format!(r#""m{i}":{}"#, "1".repeat(size + 1))
            }),
            "ok",
        ),
        (
            "one member too many",
            // Short names, so that all of them fit the smallest budget.
            object(others + 1, &|i, size, _| {
                format!(r#""{i}":{}"#, "1".repeat(size + 1))
            }),
            "malformed_header",
        ),
        (
            // Containers one byte each, so that no run of brackets closes in one step.
            "wide arrays of empty arrays",
            object(others, &|i, size, _| {
                format!(r#""w{i}":[{}[]]"#, "[],".repeat(size))
            }),
            "ok",
        ),
        (
            // The most values per byte: one digit and a comma.
            "wide arrays of numbers",
            object(others, &|i, size, _| {
                format!(r#""v{i}":[{}0]"#, "0,".repeat(size))
            }),
            "ok",
        ),
        (
            // Nested objects of many members: their names are read but not kept.
            "nested objects of many members",
            object(others, &|i, size, _| {
                let members: Vec<String> = (0..size).map(|j| format!(r#""{j}":0"#)).collect();
                format!(r#""o{i}":{{{}}}"#, members.join(","))
            }),
            "ok",
        ),
        (
            // A string of escaped surrogate pairs: the slowest characters to validate.
            "long escaped string",
            object(1, &|_, size, _| {
                format!(r#""s":"{}""#, "\\ud83d\\ude00".repeat(size))
            }),
            "ok",
        ),
    ];
    for (name, header, _) in &cases {
        assert!(
            header.len() <= budget,
            "{name}: {} > {budget}",
            header.len()
        );
    }
    cases
}

/// The most expensive tokens to reject before any signature work that we could construct:
/// each header is a [`crafted_headers`] construction as long as the header checked before
/// the signature may be (`MAX_PRE_SIGNATURE_HEADER_LEN`), the payload pads the token to the
/// size bound (it is only decoded before the signature), and the signature is 1 byte long, so
/// that no RSA work can follow. `(name, token, expected error code)`: the header's refusal,
/// or `bad_signature` for a header the header step accepts.
///
/// Shared by the hardening tests (the verdicts) and `benches/presignature.rs` (the cost).
pub fn worst_pre_signature_tokens() -> Vec<(&'static str, String, &'static str)> {
    use register_usage_jwt::{MAX_PRE_SIGNATURE_HEADER_LEN, MAX_TOKEN_LEN};
    const SIGNATURE: &str = ".AA";
    crafted_headers(MAX_PRE_SIGNATURE_HEADER_LEN)
        .into_iter()
        .map(|(name, header, verdict)| {
            let header = b64(header.as_bytes());
            // The most payload that fits: base64 makes 4 characters of 3 bytes.
            let room = MAX_TOKEN_LEN - header.len() - 1 - SIGNATURE.len();
            let padding = "p".repeat(room / 4 * 3 - r#"{"pad":""}"#.len());
            let payload = b64(format!(r#"{{"pad":"{padding}"}}"#).as_bytes());
            let token = format!("{header}.{payload}{SIGNATURE}");
            assert!(token.len() <= MAX_TOKEN_LEN, "{name}");
            let code = if verdict == "ok" {
                "bad_signature"
            } else {
                verdict
            };
            (name, token, code)
        })
        .collect()
}

/// [`crafted_headers`] as long as a signed token allows (about 5.5 KiB), longer than the header
/// checked before the signature: `(name, header JSON, the header's own verdict)`. Unsigned,
/// such a header is never read (the 1-byte signature is refused first); signed, it is
/// checked after the signature.
pub fn long_crafted_headers() -> Vec<(&'static str, String, &'static str)> {
    use register_usage_jwt::MAX_TOKEN_LEN;
    // Room for the RegisterUsage claims and a 2048-bit signature (342 characters), so that
    // the signed token fits the size bound; base64 makes 4 characters of 3 bytes.
    const ROOM: usize = 600;
    crafted_headers((MAX_TOKEN_LEN - ROOM) / 4 * 3)
}

/// DER of PKCS#1 `RSAPublicKey { n, e }` for big-endian integers without leading zeros.
pub fn pkcs1_der(modulus: &[u8], exponent: &[u8]) -> Vec<u8> {
    fn integer(bytes: &[u8]) -> Vec<u8> {
        let mut content = bytes.to_vec();
        if content[0] & 0x80 != 0 {
            content.insert(0, 0);
        }
        tlv(0x02, &content)
    }
    let mut body = integer(modulus);
    body.extend(integer(exponent));
    tlv(0x30, &body)
}

/// A DER tag-length-value with a definite length in its shortest form.
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().position(|&b| b != 0).unwrap();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// A PEM block labelled `label` around `der`, at 64 columns.
pub fn pem(label: &str, der: &[u8]) -> String {
    let body = base64ct::Base64::encode_string(der);
    let mut pem = format!("-----BEGIN {label}-----\n");
    for line in body.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(line).unwrap());
        pem.push('\n');
    }
    pem.push_str(&format!("-----END {label}-----\n"));
    pem
}
