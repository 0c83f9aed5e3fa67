//! The JOSE header: `alg` must be `PS256`; nothing in it is used to find a key.

use crate::error::{Algorithm, Error, HeaderParameter, JsonDefect};
use crate::json::{ObjectReader, Value};

/// Checks the decoded header. Other members (`kid`, `jwk`, `x5c`, ...) are validated as JSON
/// and ignored: the key is chosen by the caller's key version alone.
pub(crate) fn check(header: &[u8]) -> Result<(), Error> {
    let malformed = |defect| Error::MalformedHeader { defect };
    let text = core::str::from_utf8(header).map_err(|e| {
        malformed(JsonDefect::NotUtf8 {
            offset: e.valid_up_to(),
        })
    })?;
    let mut reader = ObjectReader::new(text).map_err(malformed)?;
    let mut algorithm_ok = None;
    let mut refused = None;
    while let Some((name, value)) = reader.next_member().map_err(malformed)? {
        if name.decodes_to("alg") {
            let Value::String(alg) = value else {
                return Err(malformed(JsonDefect::WrongType {
                    name: "alg",
                    expected: "a string",
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
                Err(Algorithm::classify(&short))
            });
        } else if name.decodes_to("typ") {
            match value {
                // Media type names are case-insensitive (RFC 7519 §5.1), so `jwt` is `JWT`.
                Value::String(typ) if typ.decodes_to_ignoring_ascii_case("JWT") => {}
                Value::String(_) => refused = refused.or(Some(HeaderParameter::Typ)),
                other => {
                    return Err(malformed(JsonDefect::WrongType {
                        name: "typ",
                        expected: "a string",
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
        None => Err(malformed(JsonDefect::MissingMember { name: "alg" })),
        Some(Err(found)) => Err(Error::UnsupportedAlgorithm { found }),
        Some(Ok(())) => match refused {
            Some(parameter) => Err(Error::UnsupportedHeader { parameter }),
            None => Ok(()),
        },
    }
}
