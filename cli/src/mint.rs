//! `register-usage-jwt mint`: PS256 RegisterUsage-shaped tokens, for tests and demos.

use std::path::{Path, PathBuf};

use base64ct::{Base64UrlUnpadded, Encoding};
use clap::Args;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::pss::SigningKey;
use rsa::sha2::Sha256;
use rsa::signature::{RandomizedSigner, SignatureEncoding};
use serde_json::{Map, Number, Value};

use crate::output::{err, out};
use crate::{EXIT_CONFIG, EXIT_OK, Spelling, input};

/// The bundled TEST ONLY signing key (its private key is public).
pub const TEST_KEY_PEM: &str = include_str!("../../keys/test-only-rsa2048.key.pem");
/// An independent TEST ONLY key: "a key the verifier does not trust".
pub const OTHER_TEST_KEY_PEM: &str = include_str!("../../keys/test-only-rsa2048-other.key.pem");
/// The public half of [`TEST_KEY_PEM`].
pub const TEST_PUBLIC_KEY_PEM: &str = include_str!("../../keys/test-only-rsa2048.pub.pem");

#[derive(Args, Debug)]
pub struct MintArgs {
    /// The ProductCode claim.
    #[arg(long, value_name = "C")]
    pub product_code: String,
    /// The PublicKeyVersion claim.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub key_version: u64,
    /// The Nonce claim (omitted when not given).
    #[arg(long, value_name = "S")]
    pub nonce: Option<String>,
    /// The `iat` claim, epoch seconds.
    #[arg(long, value_name = "T", value_parser = parse_number)]
    pub iat: Option<Number>,
    /// The PublicKeyRotationTimestamp claim, epoch seconds.
    #[arg(long, value_name = "T", value_parser = parse_number)]
    pub rotation: Option<Number>,
    /// Claim spelling.
    #[arg(long, value_enum, default_value_t = Spelling::Pascal)]
    pub spelling: Spelling,
    /// PKCS#8 or PKCS#1 PEM private key [default: the bundled TEST ONLY
    /// keys/test-only-rsa2048.key.pem, embedded in this binary].
    #[arg(long, value_name = "FILE")]
    pub private_key: Option<PathBuf>,
    /// PSS salt length in bytes (PS256 requires 32; other values mint tokens a strict
    /// verifier must refuse).
    #[arg(long, value_name = "BYTES", default_value_t = 32)]
    pub salt_len: usize,
}

/// Parses a JSON number (epoch seconds, possibly fractional).
pub fn parse_number(text: &str) -> Result<Number, String> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Number(n)) if n.as_f64().is_some_and(|f| f >= 0.0) => Ok(n),
        _ => Err(format!(
            "{text:?} is not a non-negative number of epoch seconds"
        )),
    }
}

/// The claims of a minted token.
#[derive(Clone, Debug)]
pub struct Claims {
    pub product_code: String,
    pub key_version: u64,
    pub nonce: Option<String>,
    pub iat: Option<Number>,
    pub rotation: Option<Number>,
    pub spelling: Spelling,
}

impl Claims {
    /// The claims as a JSON object, in the chosen spelling.
    pub fn to_json(&self) -> Value {
        let names: [&str; 4] = match self.spelling {
            Spelling::Pascal => [
                "ProductCode",
                "PublicKeyVersion",
                "Nonce",
                "PublicKeyRotationTimestamp",
            ],
            Spelling::Camel => [
                "productCode",
                "publicKeyVersion",
                "nonce",
                "publicKeyRotationTimestamp",
            ],
        };
        let [product_code, key_version, nonce, rotation] = names;
        let mut map = Map::new();
        map.insert(product_code.into(), self.product_code.clone().into());
        map.insert(key_version.into(), self.key_version.into());
        if let Some(value) = &self.nonce {
            map.insert(nonce.into(), value.clone().into());
        }
        if let Some(value) = &self.iat {
            map.insert("iat".into(), Value::Number(value.clone()));
        }
        if let Some(value) = &self.rotation {
            map.insert(rotation.into(), Value::Number(value.clone()));
        }
        Value::Object(map)
    }
}

/// Reads a PKCS#8 (`PRIVATE KEY`) or PKCS#1 (`RSA PRIVATE KEY`) PEM private key.
pub fn parse_private_key(pem: &str) -> Result<rsa::PrivateKey, String> {
    rsa::PrivateKey::from_pkcs8_pem(pem)
        .or_else(|_| rsa::PrivateKey::from_pkcs1_pem(pem))
        .map_err(|e| format!("not a PKCS#8 or PKCS#1 PEM RSA private key: {e}"))
}

/// The private key from `path`, or the bundled test key.
pub fn load_private_key(path: Option<&Path>) -> Result<rsa::PrivateKey, String> {
    match path {
        None => parse_private_key(TEST_KEY_PEM),
        Some(path) => {
            let bytes = input::read_file(path, "private key")?;
            let text = String::from_utf8(bytes)
                .map_err(|_| format!("{} is not a PEM text file", path.display()))?;
            parse_private_key(&text).map_err(|e| format!("{}: {e}", path.display()))
        }
    }
}

/// Signs `header.payload` with RSASSA-PSS SHA-256 and the given salt length.
pub fn sign(key: &rsa::PrivateKey, salt_len: usize, claims: &Value) -> Result<String, String> {
    let header = Base64UrlUnpadded::encode_string(br#"{"alg":"PS256","typ":"JWT"}"#);
    let payload = Base64UrlUnpadded::encode_string(claims.to_string().as_bytes());
    let signing_input = format!("{header}.{payload}");
    let signer = SigningKey::<Sha256>::new_with_salt_len(key.clone(), salt_len);
    let signature = signer
        .try_sign_with_rng(&mut getrandom::SysRng, signing_input.as_bytes())
        .map_err(|e| format!("signing failed: {e}"))?;
    let signature = Base64UrlUnpadded::encode_string(&signature.to_bytes());
    Ok(format!("{signing_input}.{signature}"))
}

pub fn run(args: &MintArgs) -> u8 {
    let claims = Claims {
        product_code: args.product_code.clone(),
        key_version: args.key_version,
        nonce: args.nonce.clone(),
        iat: args.iat.clone(),
        rotation: args.rotation.clone(),
        spelling: args.spelling,
    };
    let token = load_private_key(args.private_key.as_deref())
        .and_then(|key| sign(&key, args.salt_len, &claims.to_json()));
    match token {
        Ok(token) => {
            out!("{token}");
            EXIT_OK
        }
        Err(message) => {
            err!("error: {message}");
            EXIT_CONFIG
        }
    }
}
