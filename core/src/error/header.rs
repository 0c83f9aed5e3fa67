//! The header's refusals: an algorithm other than PS256, a parameter never sent.

use core::fmt;

/// A JOSE `alg` value this crate refuses. RegisterUsage tokens are always `PS256`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// `none`: an unsigned token.
    None,
    /// An HMAC algorithm (`HS256`, `HS384`, `HS512`): the key-confusion attack.
    Hmac,
    /// RSASSA-PKCS1-v1_5 (`RS256`, `RS384`, `RS512`).
    RsaPkcs1,
    /// RSASSA-PSS with another hash (`PS384`, `PS512`).
    RsaPssOtherHash,
    /// Elliptic-curve or EdDSA algorithms.
    EllipticCurve,
    /// Anything else, including case variants such as `ps256`.
    Other,
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Algorithm::None => "`none` (an unsigned token)",
            Algorithm::Hmac => "an HMAC algorithm (HS*)",
            Algorithm::RsaPkcs1 => "RSASSA-PKCS1-v1_5 (RS*)",
            Algorithm::RsaPssOtherHash => "RSASSA-PSS with SHA-384 or SHA-512",
            Algorithm::EllipticCurve => "an elliptic-curve algorithm",
            Algorithm::Other => "an unknown algorithm",
        })
    }
}

/// A header parameter this crate refuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HeaderParameter {
    /// `crit`: extensions the verifier would be obliged to understand.
    Crit,
    /// `b64` (RFC 7797): an unencoded payload.
    B64,
    /// `typ` with a value other than `JWT`.
    Typ,
}

impl fmt::Display for HeaderParameter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HeaderParameter::Crit => "`crit`",
            HeaderParameter::B64 => "`b64`",
            HeaderParameter::Typ => "a `typ` other than `JWT`",
        })
    }
}
