// Claims cannot be parsed from a token that has only been decoded.
use register_usage_jwt_core::fuzzing::{Claims, UntrustedToken};

fn claims_before_the_signature(token: &UntrustedToken<'_>) {
    let _ = Claims::parse(token); //~ ERROR E0308: VerifiedToken UntrustedToken
}

fn main() {}
