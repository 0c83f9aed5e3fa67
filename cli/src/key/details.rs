//! What a key is, for display, and what the library says of it: [`Details`] read from the
//! DER, [`Verdict`] from the library's own key loading. Nothing here writes or prints.

use register_usage_jwt::{ConfigError, DecodedKey, KeyEncoding, KeyForm, KeyPolicy, PublicKey};
use rsa::pkcs1::der::{Decode, asn1::Any};
use rsa::pkcs1::{RsaPssParams, RsaPublicKeyRef};
use rsa::pkcs8::ObjectIdentifier;
use rsa::pkcs8::spki::SubjectPublicKeyInfoRef;
use rsa::sha2::{Digest, Sha256};

use crate::report::hex;

/// The form's variant name, for `--json`.
pub fn form_kind(form: KeyForm) -> &'static str {
    match form {
        KeyForm::Pem { .. } => "Pem",
        KeyForm::PemEscapedNewlines { .. } => "PemEscapedNewlines",
        KeyForm::Base64Der { .. } => "Base64Der",
        KeyForm::Der => "Der",
        _ => "other",
    }
}
const ID_RSA_ENCRYPTION: ObjectIdentifier = rsa::pkcs1::ALGORITHM_OID;
const ID_RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");

/// What a key's DER says, read for display. Whether the key is usable is the library's
/// verdict ([`Verdict`]), not this.
pub struct Details {
    pub algorithm: &'static str,
    pub pss_parameters: Option<String>,
    pub bits: usize,
    pub exponent: String,
    pub modulus_sha256: String,
    /// The key itself, for comparing: modulus and exponent without leading zeros.
    modulus: Vec<u8>,
    public_exponent: Vec<u8>,
}

impl Details {
    pub fn read(key: &DecodedKey) -> Result<Self, String> {
        let (algorithm, pss_parameters, pkcs1) = match key.encoding() {
            KeyEncoding::Pkcs1 => ("PKCS#1 RSAPublicKey (rsaEncryption)", None, key.der()),
            _ => {
                let spki = SubjectPublicKeyInfoRef::from_der(key.der())
                    .map_err(|e| format!("its SubjectPublicKeyInfo does not parse: {e}"))?;
                let pkcs1 = spki
                    .subject_public_key
                    .as_bytes()
                    .ok_or("its subjectPublicKey is not whole bytes")?;
                match spki.algorithm.oid {
                    ID_RSA_ENCRYPTION => ("SubjectPublicKeyInfo, rsaEncryption", None, pkcs1),
                    ID_RSASSA_PSS => (
                        "SubjectPublicKeyInfo, id-RSASSA-PSS",
                        Some(match spki.algorithm.parameters {
                            None => "absent (any PSS parameters)".to_owned(),
                            Some(params) => describe_pss(params),
                        }),
                        pkcs1,
                    ),
                    other => return Err(format!("its algorithm {other} is not RSA")),
                }
            }
        };
        let key = RsaPublicKeyRef::from_der(pkcs1)
            .map_err(|e| format!("its RSA public key does not parse: {e}"))?;
        let modulus = strip_leading_zeros(key.modulus.as_bytes());
        let exponent = strip_leading_zeros(key.public_exponent.as_bytes());
        let bits = modulus.first().map_or(0, |top| {
            (modulus.len() - 1) * 8 + (8 - top.leading_zeros() as usize)
        });
        let exponent_text = if exponent.len() <= 8 {
            let mut value = 0u64;
            for &byte in exponent {
                value = (value << 8) | u64::from(byte);
            }
            value.to_string()
        } else {
            format!("0x{}", hex(exponent))
        };
        Ok(Details {
            algorithm,
            pss_parameters,
            bits,
            exponent: exponent_text,
            modulus_sha256: hex(&Sha256::digest(modulus)),
            modulus: modulus.to_vec(),
            public_exponent: exponent.to_vec(),
        })
    }

    /// Whether both describe the same RSA public key: modulus and exponent. The encoding
    /// (PKCS#1 or SubjectPublicKeyInfo) may differ; what verifies a signature may not.
    pub fn same_key(&self, other: &Details) -> bool {
        self.modulus == other.modulus && self.public_exponent == other.public_exponent
    }
}

fn describe_pss(params: rsa::pkcs8::der::AnyRef<'_>) -> String {
    let name = |oid: ObjectIdentifier| match oid.to_string().as_str() {
        "1.3.14.3.2.26" => "SHA-1".to_owned(),
        "2.16.840.1.101.3.4.2.1" => "SHA-256".to_owned(),
        "2.16.840.1.101.3.4.2.2" => "SHA-384".to_owned(),
        "2.16.840.1.101.3.4.2.3" => "SHA-512".to_owned(),
        other => other.to_owned(),
    };
    match params.decode_as::<RsaPssParams<Any>>() {
        Ok(p) => format!(
            "hash {}, MGF1 with {}, salt {} bytes",
            name(p.hash.oid),
            p.mask_gen
                .parameters
                .map_or_else(|| "?".to_owned(), |h| name(h.oid)),
            p.salt_len
        ),
        Err(e) => format!("unreadable ({e})"),
    }
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or(&[])
}

/// The library's verdict on a key under the production policy.
pub enum Verdict {
    Accepted,
    /// Refused: `weak`, `compromised` or `invalid`, with the library's code and message.
    Refused {
        verdict: &'static str,
        code: &'static str,
        message: String,
    },
}

impl Verdict {
    pub fn of(key: &DecodedKey, policy: KeyPolicy) -> Self {
        // TODO(core): `PublicKey::from_decoded(&DecodedKey, policy)` so the encoding found
        // here is the one parsed (today `from_der` tries SPKI, then PKCS#1).
        match PublicKey::from_der_with_policy(key.der(), policy) {
            Ok(_) => Verdict::Accepted,
            Err(error) => Verdict::Refused {
                verdict: match error {
                    ConfigError::WeakKey { .. } => "weak",
                    ConfigError::CompromisedKey { .. } => "compromised",
                    _ => "invalid",
                },
                code: error.code(),
                message: error.to_string(),
            },
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Verdict::Accepted => "accepted",
            Verdict::Refused { verdict, .. } => verdict,
        }
    }
}
