// Only the signature check makes a verified token: its fields are private.
use register_usage_jwt_core::fuzzing::{Claims, VerifiedToken};

fn main() {
    let token = VerifiedToken {
        header: br#"{"alg":"PS256"}"#, //~ ERROR E0451: VerifiedToken header payload
        payload: br#"{"ProductCode":"p","PublicKeyVersion":1}"#,
        header_checked: true,
    };
    let _ = Claims::parse(&token);
}
