//! The emulator's key versions: one private key each, and for an expired version the
//! `PublicKeyRotationTimestamp` its tokens and responses carry.

use std::collections::BTreeMap;
use std::path::PathBuf;

use base64ct::{Base64, Encoding};
use clap::ValueEnum;
use rsa::pkcs8::EncodePublicKey;
use serde_json::Number;

use super::EmulateArgs;
use crate::mint;

/// How the catalog writes a `PublicKey` string (the real form is not documented).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum KeyForm {
    /// SPKI PEM, `-----BEGIN PUBLIC KEY-----`, 64-column lines.
    Pem,
    /// The SPKI DER in standard base64 on one line, no header.
    Base64Der,
}

/// One key version.
pub struct Version {
    pub key: rsa::PrivateKey,
    /// The public half as SPKI DER (compared when a version is added again).
    pub spki_der: Vec<u8>,
    /// Set when the version has expired.
    pub rotation: Option<Number>,
}

impl Version {
    pub fn new(key: rsa::PrivateKey) -> Result<Self, String> {
        let spki_der = key
            .to_public_key()
            .to_public_key_der()
            .map_err(|e| format!("cannot encode the public key: {e}"))?
            .as_bytes()
            .to_vec();
        Ok(Self {
            key,
            spki_der,
            rotation: None,
        })
    }

    /// The public key as the catalog writes it.
    pub fn public_key_text(&self, form: KeyForm) -> String {
        let base64 = Base64::encode_string(&self.spki_der);
        match form {
            KeyForm::Base64Der => base64,
            KeyForm::Pem => {
                let mut pem = String::from("-----BEGIN PUBLIC KEY-----\n");
                // Base64 is ASCII, so splitting at any byte index is a char boundary.
                for line in base64.as_bytes().chunks(64) {
                    pem.push_str(&String::from_utf8_lossy(line));
                    pem.push('\n');
                }
                pem.push_str("-----END PUBLIC KEY-----\n");
                pem
            }
        }
    }
}

/// Every key version, by number.
pub struct Versions(pub BTreeMap<u64, Version>);

impl Versions {
    pub fn from_args(args: &EmulateArgs) -> Result<Self, String> {
        let mut versions = BTreeMap::new();
        if args.keys.is_empty() {
            let key = mint::load_private_key(args.private_key.as_deref())?;
            let numbers = if args.key_versions.is_empty() {
                vec![1]
            } else {
                args.key_versions.clone()
            };
            for number in numbers {
                check_number(number)?;
                versions.insert(number, Version::new(key.clone())?);
            }
        } else {
            for (number, path) in &args.keys {
                check_number(*number)?;
                let key = mint::load_private_key(Some(path))?;
                if versions.insert(*number, Version::new(key)?).is_some() {
                    return Err(format!("--key {number}=...: version {number} given twice"));
                }
            }
        }
        if let Some(when) = &args.rotation_timestamp {
            for version in versions.values_mut() {
                version.rotation = Some(when.clone());
            }
        }
        for (number, when) in &args.expired {
            let version = versions.get_mut(number).ok_or_else(|| {
                format!("--expired {number}=...: the emulator has no key version {number}")
            })?;
            version.rotation = Some(when.clone());
        }
        Ok(Self(versions))
    }

    pub fn numbers(&self) -> Vec<u64> {
        self.0.keys().copied().collect()
    }
}

fn check_number(number: u64) -> Result<(), String> {
    if (1..=i32::MAX as u64).contains(&number) {
        Ok(())
    } else {
        Err(format!(
            "key version {number}: a PublicKeyVersion is an integer from 1 to {}",
            i32::MAX
        ))
    }
}

/// `N=FILE` for `--key`.
pub fn parse_version_file(text: &str) -> Result<(u64, PathBuf), String> {
    let (number, path) = split_version(text, "N=FILE")?;
    if path.is_empty() {
        return Err(format!("{text:?}: expected N=FILE, the file is missing"));
    }
    Ok((number, PathBuf::from(path)))
}

/// `N=T` for `--expired`.
pub fn parse_version_timestamp(text: &str) -> Result<(u64, Number), String> {
    let (number, when) = split_version(text, "N=T")?;
    Ok((number, mint::parse_number(when)?))
}

fn split_version<'a>(text: &'a str, form: &str) -> Result<(u64, &'a str), String> {
    let (number, rest) = text
        .split_once('=')
        .ok_or_else(|| format!("{text:?}: expected {form}"))?;
    let number = number
        .parse::<u64>()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| format!("{text:?}: expected {form} with N an integer >= 1"))?;
    Ok((number, rest))
}
