//! The JOSE header: `alg` must be `PS256`; nothing in it is used to find a key.

use crate::error::{Algorithm, Error, Expected, HeaderParameter, JsonDefect, Member};
use crate::json::{self, ObjectReader, Value};

/// The kind of a refused `alg` value, for the error.
fn classify(name: &str) -> Algorithm {
    match name {
        "none" => Algorithm::None,
        "HS256" | "HS384" | "HS512" => Algorithm::Hmac,
        "RS256" | "RS384" | "RS512" => Algorithm::RsaPkcs1,
        "PS384" | "PS512" => Algorithm::RsaPssOtherHash,
        "ES256" | "ES384" | "ES512" | "ES256K" | "EdDSA" | "Ed25519" | "Ed448" => {
            Algorithm::EllipticCurve
        }
        _ => Algorithm::Other,
    }
}

/// Checks the decoded header. Other members (`kid`, `jwk`, `x5c`, ...) are validated as JSON
/// and ignored: the key is chosen by the caller's key version alone.
pub(crate) fn check(header: &[u8]) -> Result<(), Error> {
    let malformed = |defect| Error::MalformedHeader { defect };
    let text = core::str::from_utf8(header).map_err(|e| {
        malformed(JsonDefect::NotUtf8 {
            offset: e.valid_up_to(),
        })
    })?;
    json::with_names(text.len(), |names| check_text(text, names))
}

fn check_text(text: &str, names: &mut [u8]) -> Result<(), Error> {
    let malformed = |defect| Error::MalformedHeader { defect };
    let mut reader = ObjectReader::new(text, names).map_err(malformed)?;
    let mut algorithm_ok = None;
    let mut refused = None;
    while let Some((name, value)) = reader.next_member().map_err(malformed)? {
        if name.decodes_to("alg") {
            let Value::String(alg) = value else {
                return Err(malformed(JsonDefect::WrongType {
                    member: Member::Alg,
                    expected: Expected::String,
                    found: value.kind(),
                }));
            };
            algorithm_ok = Some(if alg.decodes_to("PS256") {
                Ok(())
            } else {
                // The names worth telling apart are short; anything longer is `Other`.
                let mut short = heapless::String::<8>::new();
                if alg.chars().try_for_each(|c| short.push(c)).is_err() {
                    short.clear();
                }
                Err(classify(&short))
            });
        } else if name.decodes_to("typ") {
            match value {
                // Media type names are case-insensitive (RFC 7519 §5.1), and a `typ` without
                // a `/` means `application/` + value (RFC 7515 §4.1.9): `jwt`, `JWT` and
                // `application/jwt` all name the same type.
                Value::String(typ)
                    if typ.decodes_to_ignoring_ascii_case("JWT")
                        || typ.decodes_to_ignoring_ascii_case("application/JWT") => {}
                Value::String(_) => refused = refused.or(Some(HeaderParameter::Typ)),
                other => {
                    return Err(malformed(JsonDefect::WrongType {
                        member: Member::Typ,
                        expected: Expected::String,
                        found: other.kind(),
                    }));
                }
            }
        } else if name.decodes_to("crit") {
            refused = refused.or(Some(HeaderParameter::Crit));
        } else if name.decodes_to("b64") {
            refused = refused.or(Some(HeaderParameter::B64));
        }
    }
    match algorithm_ok {
        None => Err(malformed(JsonDefect::MissingMember {
            member: Member::Alg,
        })),
        Some(Err(found)) => Err(Error::UnsupportedAlgorithm { found }),
        Some(Ok(())) => match refused {
            Some(parameter) => Err(Error::UnsupportedHeader { parameter }),
            None => Ok(()),
        },
    }
}
