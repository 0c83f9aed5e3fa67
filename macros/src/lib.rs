//! Embed an AWS Marketplace product key in your binary, checked when it is compiled.
//!
//! AWS Marketplace gives the seller one RSA public key per container product and key
//! version. [`embed_product_key!`] reads that key's file while your crate compiles, runs
//! the same checks as [`PublicKey::from_pem`] (well-formed, 2048 to 4096 bits, not a key
//! whose private half is public), and **fails the build** if the key would be refused at
//! run time. Your binary then carries the key's DER, prepared (its Montgomery constants
//! computed by the library on the build host), and cannot start with a wrong key file.
//!
//! ```
//! # extern crate register_usage_jwt_core as register_usage_jwt;
//! use register_usage_jwt::{EmbeddedKey, Nonce, PublicKey, Verifier};
//! use register_usage_jwt_macros::embed_product_key;
//!
//! // The path is relative to the directory of *your* crate's Cargo.toml.
//! const PRODUCT_KEY_V1: EmbeddedKey =
//!     embed_product_key!("../keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem");
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // Once, at start-up: prepare the key (this cannot fail: the macro ran the same checks,
//! // with the same register-usage-jwt-core that loads the key at run time).
//! let key = PublicKey::from_embedded(PRODUCT_KEY_V1)?;
//! assert_eq!(key.bits(), 3072);
//! let verifier = Verifier::new("1fszvu527waovqeuhpkyx2b5d", [(1, key)])?;
//! # let _ = (verifier, Nonce::new("n")?);
//! # Ok(())
//! # }
//! ```
//!
//! # One dependency: the `macros` feature of register-usage-jwt
//! Sellers normally do not depend on this crate: `register-usage-jwt` re-exports its macros
//! as `register_usage_jwt::embed_product_key!` and `register_usage_jwt::embed_test_key!`
//! behind its `macros` feature, and those work under any name you give the dependency:
//!
//! ```toml
//! [dependencies]
//! # add default-features = false for no_std
//! register-usage-jwt = { version = "0.1", features = ["macros"] }
//! # or renamed: rujwt = { package = "register-usage-jwt", version = "0.1", features = ["macros"] }
//! ```
//!
//! Used directly, as above, this crate's macros expand to paths under `::register_usage_jwt`,
//! so your `Cargo.toml` then needs both crates, and `register-usage-jwt` under its own name.
//!
//! The macro runs on the build host, so your binary can be `no_std`: the expansion is a
//! `const` expression holding the DER bytes and the prepared key (the modulus as 64-bit
//! words, `R² mod n`, `−n⁻¹ mod 2⁶⁴`, `⌊R / n⌋`, the exponent, the size and the
//! fingerprint), nothing else. `PublicKey::from_embedded` then parses, hashes and divides
//! nothing at start-up: it checks in about one Montgomery reduction that the constants belong
//! to the modulus.
//!
//! # The key file
//! * The path is one string literal, relative to `CARGO_MANIFEST_DIR` (the directory of
//!   the Cargo.toml of the crate that invokes the macro), or absolute.
//! * PEM (`BEGIN PUBLIC KEY` or `BEGIN RSA PUBLIC KEY`) exactly as AWS Marketplace gave it,
//!   or DER (SubjectPublicKeyInfo or PKCS#1), or any other form
//!   [`decode_key`](register_usage_jwt_core::decode_key) reads (PEM of any line width or with
//!   escaped line breaks, base64 or base64url DER). The form is read from the content; the
//!   file's name does not matter.
//! * Cargo rebuilds your crate when the file changes.
//!
//! # Errors are build errors
//! A key that [`PublicKey::from_pem`] would refuse stops the build, pointing at the path:
//!
//! ```text
//! error: register-usage-jwt: keys/product-v1.pem: this is the sample key from AWS's
//!        documentation (the jwt.io sample key); its private key is public, ... (code compromised_key)
//! ```
//!
//! The message is `register-usage-jwt: <path>: <what is wrong> (code <code>)`, where the
//! code is [`ConfigError::code`] (`invalid_key`, `weak_key`, `compromised_key`), or
//! `key_file_unreadable` when the file cannot be read.
//!
//! # Tests and demos
//! [`embed_test_key!`] also accepts this crate's own published test keys. It is for tests
//! and demos **only**; see its documentation.
//!
//! [`PublicKey::from_pem`]: register_usage_jwt_core::PublicKey::from_pem
//! [`ConfigError::code`]: register_usage_jwt_core::ConfigError::code
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::path::PathBuf;
use std::str::FromStr;

use proc_macro::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use register_usage_jwt_core::{
    __EmbeddingParts, ConfigError, KeyDefect, KeyPolicy, KnownKey, PublicKey,
};

/// Embeds the product key in the file at the given path, checked at compile time; expands
/// to a `const` expression of type [`EmbeddedKey`].
///
/// ```
/// # extern crate register_usage_jwt_core as register_usage_jwt;
/// # use register_usage_jwt::{EmbeddedKey, PublicKey};
/// const PRODUCT_KEY_V1: EmbeddedKey = register_usage_jwt_macros::embed_product_key!(
///     "../keys/real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem"
/// );
/// # fn main() -> Result<(), register_usage_jwt::ConfigError> {
/// let key = PublicKey::from_embedded(PRODUCT_KEY_V1)?;
/// # assert_eq!(key.bits(), 3072);
/// # Ok(())
/// # }
/// ```
///
/// The production policy applies ([`KeyPolicy::Production`]): keys that are malformed,
/// under 2048 bits, the AWS documentation's sample key, or one of this crate's test keys
/// fail the build:
///
/// ```compile_fail
/// # extern crate register_usage_jwt_core as register_usage_jwt;
/// # use register_usage_jwt::EmbeddedKey;
/// // One of register-usage-jwt's own test keys: its private half is published.
/// const KEY: EmbeddedKey =
///     register_usage_jwt_macros::embed_product_key!("../keys/test-only-rsa2048.pub.pem");
/// # fn main() {}
/// ```
///
/// See the [crate documentation](crate) for the path and file format.
///
/// [`EmbeddedKey`]: register_usage_jwt_core::EmbeddedKey
/// [`KeyPolicy::Production`]: register_usage_jwt_core::KeyPolicy::Production
#[proc_macro]
pub fn embed_product_key(input: TokenStream) -> TokenStream {
    expand(input, Mode::Product)
}

/// **TESTS AND DEMOS ONLY.** Embeds a key like [`embed_product_key!`], but also accepts
/// this crate's own test keys (the `keys/` directory of `register-usage-jwt`), **whose
/// private keys are published**: anyone can mint tokens that such a key accepts.
///
/// Never use this macro for a key a shipped product trusts. The AWS documentation's sample
/// key, weak keys and malformed keys are still refused.
///
/// To keep the opt-in visible where the key is used as well, this macro does **not** make an
/// [`EmbeddedKey`] (which [`PublicKey::from_embedded`] loads under the production policy):
/// it expands to the key's DER as a `&'static [u8]` `const` expression, which you load
/// with [`KeyPolicy::DangerouslyAllowPublishedTestKeys`]:
///
/// ```
/// # extern crate register_usage_jwt_core as register_usage_jwt;
/// use register_usage_jwt::{KeyPolicy, PublicKey};
///
/// // TEST ONLY: the private half of this key is in register-usage-jwt's repository.
/// const TEST_KEY_DER: &[u8] =
///     register_usage_jwt_macros::embed_test_key!("../keys/test-only-rsa3072.pub.pem");
///
/// # fn main() -> Result<(), register_usage_jwt::ConfigError> {
/// let key = PublicKey::from_der_with_policy(
///     TEST_KEY_DER,
///     KeyPolicy::DangerouslyAllowPublishedTestKeys,
/// )?;
/// assert_eq!(key.bits(), 3072);
/// # Ok(())
/// # }
/// ```
///
/// [`EmbeddedKey`]: register_usage_jwt_core::EmbeddedKey
/// [`PublicKey::from_embedded`]: register_usage_jwt_core::PublicKey::from_embedded
/// [`KeyPolicy::DangerouslyAllowPublishedTestKeys`]: register_usage_jwt_core::KeyPolicy::DangerouslyAllowPublishedTestKeys
#[proc_macro]
pub fn embed_test_key(input: TokenStream) -> TokenStream {
    expand(input, Mode::PublishedTestKeysAllowed)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Product,
    PublishedTestKeysAllowed,
}

impl Mode {
    fn policy(self) -> KeyPolicy {
        match self {
            Mode::Product => KeyPolicy::Production,
            Mode::PublishedTestKeysAllowed => KeyPolicy::DangerouslyAllowPublishedTestKeys,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Mode::Product => "embed_product_key!",
            Mode::PublishedTestKeysAllowed => "embed_test_key!",
        }
    }
}

/// A build error: the message and where to point it.
struct Failure {
    span: Span,
    message: String,
}

fn expand(input: TokenStream, mode: Mode) -> TokenStream {
    match try_expand(input, mode) {
        Ok(tokens) => tokens,
        Err(failure) => compile_error(&failure.message, failure.span),
    }
}

fn try_expand(input: TokenStream, mode: Mode) -> Result<TokenStream, Failure> {
    let (crate_path, input) = split_crate_path(input);
    let (path, span) = parse_path_literal(input, mode)?;
    let fail = |message: String| Failure {
        span,
        message: format!("register-usage-jwt: {path}: {message}"),
    };

    let file = manifest_dir()
        .map_err(|why| fail(format!("{why} (code key_file_unreadable)")))?
        .join(&path);
    let bytes = std::fs::read(&file).map_err(|error| {
        fail(format!(
            "cannot read the key file: {error}; the path is relative to the directory of \
             the invoking crate's Cargo.toml (code key_file_unreadable)"
        ))
    })?;

    let checked = checked_key(&bytes, mode).map_err(|error| {
        let hint = match (mode, error) {
            (
                Mode::Product,
                ConfigError::CompromisedKey {
                    key: KnownKey::CrateTestKey,
                },
            ) => "; tests and demos may use embed_test_key! instead",
            _ => "",
        };
        fail(format!("{error} (code {}){hint}", error.code()))
    })?;

    // The absolute path, so that `include_bytes!` makes Cargo rebuild when the file changes.
    let tracked = std::fs::canonicalize(&file).unwrap_or(file);
    let tracked = tracked.to_str().ok_or_else(|| {
        fail("the key file's path is not valid UTF-8 (code key_file_unreadable)".to_owned())
    })?;

    let mut out = TokenStream::new();
    out.extend(code("const _: &[u8] = ::core::include_bytes!"));
    out.extend([group(
        Delimiter::Parenthesis,
        TokenTree::Literal(Literal::string(tracked)).into(),
    )]);
    out.extend(code(";"));
    out.extend(code("const __REGISTER_USAGE_JWT_DER: &[u8] ="));
    out.extend([TokenTree::Literal(Literal::byte_string(checked.der()))]);
    out.extend(code(";"));
    match checked {
        Checked::Product(parts) => {
            out.extend(crate_path);
            out.extend(code("::EmbeddedKey::__checked_at_compile_time"));
            let mut args = code("__REGISTER_USAGE_JWT_DER,");
            args.extend([TokenTree::Literal(Literal::usize_suffixed(
                parts.modulus_at,
            ))]);
            args.extend(code(","));
            args.extend(limbs(&parts.modulus));
            args.extend(code(","));
            args.extend(limbs(&parts.r2));
            args.extend(code(","));
            args.extend([TokenTree::Literal(Literal::u64_suffixed(parts.n0_inv))]);
            args.extend(code(","));
            args.extend(limbs(&parts.quotient));
            args.extend(code(","));
            args.extend([TokenTree::Literal(Literal::u64_suffixed(parts.exponent))]);
            args.extend(code(","));
            args.extend([TokenTree::Literal(Literal::usize_suffixed(parts.bits))]);
            args.extend(code(","));
            let bytes: TokenStream = parts
                .fingerprint
                .iter()
                .flat_map(|&b| {
                    [
                        TokenTree::Literal(Literal::u8_suffixed(b)),
                        TokenTree::Punct(Punct::new(',', Spacing::Alone)),
                    ]
                })
                .collect();
            args.extend([group(Delimiter::Bracket, bytes)]);
            out.extend([group(Delimiter::Parenthesis, args)]);
        }
        Checked::TestKey(_) => out.extend(code("__REGISTER_USAGE_JWT_DER")),
    }
    Ok(TokenStream::from(group(Delimiter::Brace, out)))
}

/// The path of `register-usage-jwt` in the expansion, and the rest of the input.
///
/// `register_usage_jwt::embed_product_key!` (feature `macros`) passes `@crate $crate;` before
/// the caller's tokens: `$crate` names that crate under whatever name the caller's
/// `Cargo.toml` gives it. Called directly, the macros assume the crate's own name.
fn split_crate_path(input: TokenStream) -> (TokenStream, TokenStream) {
    let tokens = flatten_invisible_groups(input);
    if let [TokenTree::Punct(at), TokenTree::Ident(keyword), rest @ ..] = tokens.as_slice() {
        if at.as_char() == '@' && keyword.to_string() == "crate" {
            if let Some(end) = rest
                .iter()
                .position(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ';'))
            {
                let (path, after) = rest.split_at(end);
                return (
                    path.iter().cloned().collect(),
                    after.iter().skip(1).cloned().collect(),
                );
            }
        }
    }
    (code("::register_usage_jwt"), tokens.into_iter().collect())
}

/// The one string literal the macros take, and its span.
fn parse_path_literal(input: TokenStream, mode: Mode) -> Result<(String, Span), Failure> {
    let usage = |span| Failure {
        span,
        message: format!(
            "register-usage-jwt: {} takes one string literal: the key file's path, relative \
             to the directory of your crate's Cargo.toml",
            mode.name()
        ),
    };
    let mut tokens = flatten_invisible_groups(input).into_iter();
    let first = tokens.next().ok_or_else(|| usage(Span::call_site()))?;
    let span = first.span();
    // An optional trailing comma, nothing else.
    match tokens.next() {
        None => {}
        Some(TokenTree::Punct(p)) if p.as_char() == ',' && tokens.clone().next().is_none() => {}
        Some(other) => return Err(usage(other.span())),
    }
    match litrs::StringLit::try_from(&first) {
        Ok(lit) if lit.suffix().is_empty() => Ok((lit.value().to_owned(), span)),
        _ => Err(usage(span)),
    }
}

/// Tokens passed through `macro_rules!` fragments arrive in invisible groups.
fn flatten_invisible_groups(input: TokenStream) -> Vec<TokenTree> {
    let mut out = Vec::new();
    for token in input {
        match token {
            TokenTree::Group(g) if g.delimiter() == Delimiter::None => {
                out.extend(flatten_invisible_groups(g.stream()));
            }
            other => out.push(other),
        }
    }
    out
}

/// Name of the environment variable through which this crate's own compile-fail tests point
/// the macro at `macros/`: trybuild compiles each case in a generated crate under `target/`.
const TRYBUILD_MANIFEST_DIR: &str = "REGISTER_USAGE_JWT_MACROS_TRYBUILD_MANIFEST_DIR";
/// The package trybuild generates for this crate's tests; the override applies to it only.
const TRYBUILD_PACKAGE: &str = "register-usage-jwt-macros-tests";

fn manifest_dir() -> Result<PathBuf, &'static str> {
    if std::env::var_os("CARGO_PKG_NAME").is_some_and(|name| name == TRYBUILD_PACKAGE) {
        if let Some(dir) = std::env::var_os(TRYBUILD_MANIFEST_DIR) {
            return Ok(PathBuf::from(dir));
        }
    }
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .ok_or("CARGO_MANIFEST_DIR is not set, so the path cannot be resolved; build with cargo")
}

/// A key that passed the checks of its macro.
enum Checked {
    /// `embed_product_key!`: the key prepared by the library, as `EmbeddedKey` holds it.
    Product(__EmbeddingParts),
    /// `embed_test_key!`: the DER alone.
    TestKey(Vec<u8>),
}

impl Checked {
    fn der(&self) -> &[u8] {
        match self {
            Checked::Product(parts) => &parts.der,
            Checked::TestKey(der) => der,
        }
    }
}

/// Checks the key under the macro's policy; returns its DER (SPKI or PKCS#1, as in the file)
/// and, for a product key, what `EmbeddedKey` holds.
fn checked_key(bytes: &[u8], mode: Mode) -> Result<Checked, ConfigError> {
    // The library's one function decides the form (PEM of any width, escaped PEM, base64 or
    // binary DER), so the macro, `PublicKey::from_pem` and the CLI never disagree.
    let decoded =
        register_usage_jwt_core::decode_key(bytes).map_err(|defect| ConfigError::InvalidKey {
            defect: KeyDefect::Form { defect },
        })?;
    let der = decoded.der();
    // What the binary loads must be exactly what was checked: the embedded DER, read the
    // way `PublicKey::from_der` (or the test loader) reads it. For a product key the library
    // runs those checks and prepares the key (its Montgomery constants, with its own
    // arithmetic), so `PublicKey::from_embedded` only verifies the constants.
    match mode {
        Mode::Product => Ok(Checked::Product(
            register_usage_jwt_core::__prepare_for_embedding(der)?,
        )),
        Mode::PublishedTestKeysAllowed => {
            PublicKey::from_der_with_policy(der, mode.policy())?;
            Ok(Checked::TestKey(der.to_vec()))
        }
    }
}

/// `&[w0, w1, ...]` as `u64` literals.
fn limbs(words: &[u64]) -> TokenStream {
    let list: TokenStream = words
        .iter()
        .flat_map(|&w| {
            [
                TokenTree::Literal(Literal::u64_suffixed(w)),
                TokenTree::Punct(Punct::new(',', Spacing::Alone)),
            ]
        })
        .collect();
    let mut out = code("&");
    out.extend([group(Delimiter::Bracket, list)]);
    out
}

fn code(source: &str) -> TokenStream {
    // Only called with the fixed fragments above, which always tokenize.
    TokenStream::from_str(source).unwrap_or_default()
}

fn group(delimiter: Delimiter, stream: TokenStream) -> TokenTree {
    TokenTree::Group(Group::new(delimiter, stream))
}

/// `::core::compile_error!("message")`, every token carrying `span`.
fn compile_error(message: &str, span: Span) -> TokenStream {
    let mut literal = Literal::string(message);
    literal.set_span(span);
    let mut args = Group::new(Delimiter::Parenthesis, TokenTree::Literal(literal).into());
    args.set_span(span);
    let mut tokens = Vec::new();
    for part in ["core", "compile_error"] {
        let mut colons = Punct::new(':', Spacing::Joint);
        colons.set_span(span);
        tokens.push(TokenTree::Punct(colons));
        let mut colon = Punct::new(':', Spacing::Alone);
        colon.set_span(span);
        tokens.push(TokenTree::Punct(colon));
        tokens.push(TokenTree::Ident(Ident::new(part, span)));
    }
    let mut bang = Punct::new('!', Spacing::Alone);
    bang.set_span(span);
    tokens.push(TokenTree::Punct(bang));
    tokens.push(TokenTree::Group(args));
    tokens.into_iter().collect()
}
