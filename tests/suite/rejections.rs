//! One named test per rejection, each asserting its specific, structured error.

use crate::common;
use common::*;
use register_usage_jwt::{
    Algorithm, Error, Expected, HeaderParameter, JsonDefect, JsonType, MAX_TOKEN_LEN, Member,
    Nonce, Segment, SignatureDefect, TimeClaim, TokenDefect, Verifier,
};

fn verify(token: &str) -> Result<register_usage_jwt::Registration, Error> {
    verifier().verify(token, 1, &Nonce::new(NONCE).unwrap())
}

fn with_payload(payload: &str) -> Result<register_usage_jwt::Registration, Error> {
    verify(&mint("test-only-rsa2048", HEADER, payload))
}

fn with_header(header: &str) -> Result<register_usage_jwt::Registration, Error> {
    verify(&mint("test-only-rsa2048", header, &payload()))
}

fn claims_defect(payload: &str) -> JsonDefect {
    match with_payload(payload) {
        Err(Error::MalformedClaims { defect }) => defect,
        other => panic!("{payload}: {other:?}"),
    }
}

fn header_defect(header: &str) -> JsonDefect {
    match with_header(header) {
        Err(Error::MalformedHeader { defect }) => defect,
        other => panic!("{header}: {other:?}"),
    }
}

fn token_defect(token: &str) -> TokenDefect {
    match verify(token) {
        Err(Error::MalformedToken { defect }) => defect,
        other => panic!("{token}: {other:?}"),
    }
}

#[test]
fn accepts_a_valid_token() {
    let registration = with_payload(&payload()).unwrap();
    assert_eq!(registration.product_code(), PRODUCT_CODE);
    assert_eq!(registration.key_version(), 1);
    assert_eq!(registration.nonce(), Some(NONCE));
    assert_eq!(registration.issued_at(), None);
    assert_eq!(registration.public_key_rotation_timestamp(), None);
}

#[test]
fn token_too_large() {
    let token = "a".repeat(MAX_TOKEN_LEN + 1);
    assert_eq!(
        verify(&token).unwrap_err(),
        Error::TokenTooLarge {
            len: MAX_TOKEN_LEN + 1,
            max: MAX_TOKEN_LEN
        }
    );
    assert_eq!(verify(&token).unwrap_err().code(), "token_too_large");
}

#[test]
fn malformed_token_segment_count() {
    assert_eq!(token_defect("abc"), TokenDefect::SegmentCount { found: 1 });
    assert_eq!(token_defect("a.b"), TokenDefect::SegmentCount { found: 2 });
    assert_eq!(
        token_defect("a.b.c.d"),
        TokenDefect::SegmentCount { found: 4 }
    );
    assert_eq!(token_defect(""), TokenDefect::SegmentCount { found: 1 });
    assert_eq!(
        token_defect(&".".repeat(MAX_TOKEN_LEN)),
        TokenDefect::SegmentCount {
            found: MAX_TOKEN_LEN + 1
        }
    );
}

#[test]
fn malformed_token_empty_segment() {
    let token = mint("test-only-rsa2048", HEADER, &payload());
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(
        token_defect(&format!(".{}.{}", parts[1], parts[2])),
        TokenDefect::EmptySegment {
            segment: Segment::Header
        }
    );
    assert_eq!(
        token_defect(&format!("{}..{}", parts[0], parts[2])),
        TokenDefect::EmptySegment {
            segment: Segment::Payload
        }
    );
    // `alg: none` tokens end with an empty signature.
    assert_eq!(
        token_defect(&format!("{}.{}.", parts[0], parts[1])),
        TokenDefect::EmptySegment {
            segment: Segment::Signature
        }
    );
}

#[test]
fn malformed_token_non_canonical_base64() {
    let token = mint("test-only-rsa2048", HEADER, &payload());
    let parts: Vec<&str> = token.split('.').collect();
    let header_b64 = |segment: &str| format!("{segment}.{}.{}", parts[1], parts[2]);
    let base64 = |segment| TokenDefect::Base64 { segment };
    // Padding, standard alphabet, whitespace.
    assert_eq!(
        token_defect(&format!("{}.{}.{}=", parts[0], parts[1], parts[2])),
        base64(Segment::Signature)
    );
    assert_eq!(token_defect(&header_b64("eyJ+")), base64(Segment::Header));
    assert_eq!(token_defect(&header_b64("eyJ/")), base64(Segment::Header));
    assert_eq!(
        token_defect(&format!("{} .{}.{}", parts[0], parts[1], parts[2])),
        base64(Segment::Header)
    );
    assert_eq!(
        token_defect(&format!("{}.{}\n.{}", parts[0], parts[1], parts[2])),
        base64(Segment::Payload)
    );
    // "QQ" is 'A'; "QR" decodes to 'A' too but has non-zero trailing bits.
    assert_eq!(token_defect(&header_b64("QR")), base64(Segment::Header));
    // An impossible length (one character left over).
    assert_eq!(token_defect(&header_b64("QUJDR")), base64(Segment::Header));
}

#[test]
fn malformed_header() {
    assert_eq!(header_defect("not json"), JsonDefect::NotAnObject);
    assert!(matches!(
        header_defect("{not json"),
        JsonDefect::Syntax { .. }
    ));
    assert_eq!(header_defect(r#"["PS256"]"#), JsonDefect::NotAnObject);
    assert!(matches!(
        header_defect(r#"{"alg":"PS256","alg":"PS256"}"#),
        JsonDefect::DuplicateMember { .. }
    ));
    assert!(matches!(
        header_defect(r#"{"alg":"PS256","\u0061lg":"none"}"#),
        JsonDefect::DuplicateMember { .. }
    ));
    assert_eq!(
        header_defect(r#"{"typ":"JWT"}"#),
        JsonDefect::MissingMember {
            member: Member::Alg
        }
    );
    assert_eq!(
        header_defect(r#"{"alg":["PS256"]}"#),
        JsonDefect::WrongType {
            member: Member::Alg,
            expected: Expected::String,
            found: JsonType::Array
        }
    );
    assert!(matches!(
        header_defect(r#"{"alg":"PS256"} {}"#),
        JsonDefect::TrailingData { .. }
    ));
    assert!(matches!(
        header_defect(r#"{"alg":"PS256","x":"\ud800"}"#),
        JsonDefect::UnpairedSurrogate { .. }
    ));
    match verify(&format!(
        "{}.{}.{}",
        b64(&[0xff, 0xfe]),
        b64(b"{}"),
        b64(b"x")
    )) {
        Err(Error::MalformedHeader {
            defect: JsonDefect::NotUtf8 { offset: 0 },
        }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn unsupported_algorithm() {
    for (alg, found) in [
        ("none", Algorithm::None),
        ("HS256", Algorithm::Hmac),
        ("RS256", Algorithm::RsaPkcs1),
        ("PS384", Algorithm::RsaPssOtherHash),
        ("ES256", Algorithm::EllipticCurve),
        ("ps256", Algorithm::Other),
        ("PS256 ", Algorithm::Other),
    ] {
        let header = format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#);
        assert_eq!(
            with_header(&header).unwrap_err(),
            Error::UnsupportedAlgorithm { found },
            "{alg}"
        );
    }
    // An escaped spelling of PS256 is PS256.
    assert!(with_header(r#"{"alg":"PS\u0032\u0035\u0036"}"#).is_ok());
}

#[test]
fn unsupported_header() {
    for (header, parameter) in [
        (r#"{"alg":"PS256","crit":["exp"]}"#, HeaderParameter::Crit),
        (r#"{"alg":"PS256","crit":[]}"#, HeaderParameter::Crit),
        (r#"{"alg":"PS256","b64":false}"#, HeaderParameter::B64),
        (r#"{"alg":"PS256","typ":"JOSE"}"#, HeaderParameter::Typ),
    ] {
        assert_eq!(
            with_header(header).unwrap_err(),
            Error::UnsupportedHeader { parameter },
            "{header}"
        );
    }
    // Key-bearing members are ignored, never used to find a key.
    assert!(
        with_header(
            r#"{"alg":"PS256","kid":"x","jku":"https://evil","jwk":{"kty":"RSA"},"x5c":["AA"]}"#
        )
        .is_ok()
    );
}

#[test]
fn unknown_key_version() {
    let verifier = Verifier::new(
        PRODUCT_CODE,
        [
            (1, public_key("test-only-rsa2048")),
            (3, public_key("test-only-rsa3072")),
        ],
    )
    .unwrap();
    let token = mint("test-only-rsa2048", HEADER, &payload());
    let error = verifier
        .verify(&token, 2, &Nonce::new(NONCE).unwrap())
        .unwrap_err();
    let Error::UnknownKeyVersion {
        requested,
        configured,
    } = error
    else {
        panic!("{error:?}")
    };
    assert_eq!(requested, 2);
    assert_eq!(configured.as_slice(), &[1, 3]);
    assert!(error.to_string().contains("configured: 1, 3"), "{error}");
}

#[test]
fn bad_signature_wrong_key() {
    let token = mint("test-only-rsa2048-other", HEADER, &payload());
    assert_eq!(
        verify(&token).unwrap_err(),
        Error::BadSignature {
            defect: SignatureDefect::Mismatch
        }
    );
}

#[test]
fn bad_signature_wrong_salt_length() {
    for salt in [0, 20, 64] {
        let token = mint_with_salt("test-only-rsa2048", HEADER, &payload(), salt);
        assert_eq!(
            verify(&token).unwrap_err(),
            Error::BadSignature {
                defect: SignatureDefect::Mismatch
            },
            "salt {salt}"
        );
    }
}

#[test]
fn bad_signature_length_and_range() {
    let token = mint("test-only-rsa2048", HEADER, &payload());
    let (signing_input, _) = token.rsplit_once('.').unwrap();
    let with_signature = |sig: &[u8]| verify(&format!("{signing_input}.{}", b64(sig)));
    assert_eq!(
        with_signature(&[1u8; 255]).unwrap_err(),
        Error::BadSignature {
            defect: SignatureDefect::Length {
                found: 255,
                expected: 256
            }
        }
    );
    assert_eq!(
        with_signature(&[1u8; 257]).unwrap_err(),
        Error::BadSignature {
            defect: SignatureDefect::Length {
                found: 257,
                expected: 256
            }
        }
    );
    assert_eq!(
        with_signature(&[0xffu8; 256]).unwrap_err(),
        Error::BadSignature {
            defect: SignatureDefect::NotReduced
        }
    );
    assert_eq!(
        with_signature(&[0u8; 256]).unwrap_err(),
        Error::BadSignature {
            defect: SignatureDefect::Mismatch
        }
    );
    // The signature of a 4096-bit key does not fit a 2048-bit one.
    let big = mint("test-only-rsa4096", HEADER, &payload());
    assert!(matches!(
        verify(&big).unwrap_err(),
        Error::BadSignature {
            defect: SignatureDefect::Length { found: 512, .. }
        }
    ));
}

#[test]
fn malformed_claims_types() {
    let pc = PRODUCT_CODE;
    let wrong = |member, expected, found| JsonDefect::WrongType {
        member,
        expected,
        found,
    };
    let version = Member::PublicKeyVersion;
    assert_eq!(
        claims_defect(&format!(
            r#"{{"ProductCode":"{pc}","PublicKeyVersion":"1","Nonce":"{NONCE}"}}"#
        )),
        wrong(version, Expected::PositiveInteger, JsonType::String)
    );
    for zero_or_too_large in ["0", "0.0", "-0", "4294967296", "1e10", "-1", "-1.0"] {
        assert_eq!(
            claims_defect(&format!(
                r#"{{"ProductCode":"{pc}","PublicKeyVersion":{zero_or_too_large},"Nonce":"{NONCE}"}}"#
            )),
            JsonDefect::OutOfRange { member: version },
            "{zero_or_too_large}"
        );
    }
    // A fraction is refused exactly, with no floating-point rounding.
    for fractional in [
        "1.5",
        "1e-1",
        "1.0000000000000000001",
        "0.99999999999999999999",
    ] {
        assert_eq!(
            claims_defect(&format!(
                r#"{{"ProductCode":"{pc}","PublicKeyVersion":{fractional},"Nonce":"{NONCE}"}}"#
            )),
            JsonDefect::NotAnInteger { member: version },
            "{fractional}"
        );
    }
    assert_eq!(
        claims_defect(r#"{"ProductCode":7,"PublicKeyVersion":1}"#),
        wrong(Member::ProductCode, Expected::String, JsonType::Number)
    );
    assert_eq!(
        claims_defect(&format!(
            r#"{{"ProductCode":"{pc}","PublicKeyVersion":1,"Nonce":5}}"#
        )),
        wrong(Member::Nonce, Expected::StringOrNull, JsonType::Number)
    );
}

/// What protects nothing is accepted: a genuine AWS token must never be refused over it.
#[test]
fn tolerated_typ_spellings() {
    for typ in [
        "JWT",
        "jwt",
        "application/jwt",
        "APPLICATION/JWT",
        "application/JWT",
    ] {
        let header = format!(r#"{{"alg":"PS256","typ":"{typ}"}}"#);
        assert!(with_header(&header).is_ok(), "{typ}");
    }
    for refused in [
        "JOSE",
        "application/jose",
        "text/jwt",
        "application/jwt+x",
        "at+jwt",
    ] {
        let header = format!(r#"{{"alg":"PS256","typ":"{refused}"}}"#);
        assert_eq!(
            with_header(&header).unwrap_err(),
            Error::UnsupportedHeader {
                parameter: HeaderParameter::Typ
            },
            "{refused}"
        );
    }
}

#[test]
fn tolerated_key_version_spellings() {
    let pc = PRODUCT_CODE;
    for spelling in [
        "1", "1.0", "1e0", "1E0", "10e-1", "0.1e1", "1.000e+0", "100E-2",
    ] {
        let registration = with_payload(&format!(
            r#"{{"ProductCode":"{pc}","PublicKeyVersion":{spelling},"Nonce":"{NONCE}"}}"#
        ))
        .unwrap_or_else(|e| panic!("{spelling}: {e}"));
        assert_eq!(registration.key_version(), 1, "{spelling}");
    }
    // Read exactly: 2.0 is version 2, which the caller did not send.
    assert_eq!(
        with_payload(&format!(
            r#"{{"ProductCode":"{pc}","PublicKeyVersion":2.0,"Nonce":"{NONCE}"}}"#
        ))
        .unwrap_err(),
        Error::KeyVersionMismatch {
            expected: 1,
            found: 2
        }
    );
}

#[test]
fn tolerated_time_claims_of_any_form() {
    let pc = PRODUCT_CODE;
    let claims = |iat: &str, rotation: &str| {
        with_payload(&format!(
            r#"{{"ProductCode":"{pc}","PublicKeyVersion":1,"Nonce":"{NONCE}","iat":{iat},"PublicKeyRotationTimestamp":{rotation}}}"#
        ))
        .unwrap_or_else(|e| panic!("iat {iat}, rotation {rotation}: {e}"))
    };
    let raw = |claim: Option<&TimeClaim>| match claim {
        Some(TimeClaim::Other(raw)) => raw.as_str().to_owned(),
        other => panic!("{other:?}"),
    };
    // NumericDates are read.
    let registration = claims("1767225600", "1800000000.5");
    assert_eq!(
        registration
            .issued_at()
            .and_then(TimeClaim::timestamp)
            .map(|t| t.unix_seconds()),
        Some(1_767_225_600)
    );
    assert_eq!(
        registration
            .public_key_rotation_timestamp()
            .and_then(TimeClaim::timestamp)
            .map(|t| t.as_secs_f64()),
        Some(1_800_000_000.5)
    );
    // Anything else is reported as written, and a rotation timestamp in any form is present.
    for (iat, rotation) in [
        (r#""1767225600""#, r#""2026-12-01T00:00:00Z""#),
        ("-1", "1e400"),
        ("1e308", "-5.5"),
        ("true", r#"{"at":1}"#),
        ("[1]", "false"),
        (r#""""#, r#""\u00e9""#),
    ] {
        let registration = claims(iat, rotation);
        assert_eq!(raw(registration.issued_at()), iat);
        assert_eq!(raw(registration.public_key_rotation_timestamp()), rotation);
    }
    // `null` is no value, in either spelling of the rotation claim.
    let registration = claims("null", "null");
    assert_eq!(registration.issued_at(), None);
    assert_eq!(registration.public_key_rotation_timestamp(), None);
    let registration = with_payload(&format!(
        r#"{{"productCode":"{pc}","publicKeyVersion":1.0,"nonce":"{NONCE}","publicKeyRotationTimestamp":"soon","typ":"x"}}"#
    ))
    .unwrap();
    assert_eq!(
        raw(registration.public_key_rotation_timestamp()),
        r#""soon""#
    );
    // Tolerance stops at ambiguity: two spellings of an informational claim are still refused.
    assert_eq!(
        claims_defect(&format!(
            r#"{{"ProductCode":"{pc}","PublicKeyVersion":1,"Nonce":"{NONCE}","PublicKeyRotationTimestamp":1,"publicKeyRotationTimestamp":1}}"#
        )),
        JsonDefect::AmbiguousMember {
            member: Member::PublicKeyRotationTimestamp
        }
    );
}

/// Every tolerance at once, on a token whose strict parts are all right.
#[test]
fn tolerated_forms_mixed_in_one_token() {
    let pc = PRODUCT_CODE;
    let token = mint(
        "test-only-rsa2048",
        r#"{"typ":"application/JWT","alg":"PS256","kid":"ignored"}"#,
        &format!(
            r#"{{"iat":"yesterday","productCode":"{pc}","PublicKeyVersion":10e-1,"Nonce":"{NONCE}","PublicKeyRotationTimestamp":-1,"extra":{{"n":[1,2]}}}}"#
        ),
    );
    let registration = verify(&token).unwrap();
    assert_eq!(registration.key_version(), 1);
    assert!(registration.public_key_rotation_timestamp().is_some());
    assert!(
        registration
            .issued_at()
            .is_some_and(|t| t.timestamp().is_none())
    );
}

#[test]
fn malformed_claims_missing_and_ambiguous() {
    let pc = PRODUCT_CODE;
    assert_eq!(
        claims_defect(r#"{"PublicKeyVersion":1}"#),
        JsonDefect::MissingMember {
            member: Member::ProductCode
        }
    );
    assert_eq!(
        claims_defect(&format!(r#"{{"ProductCode":"{pc}"}}"#)),
        JsonDefect::MissingMember {
            member: Member::PublicKeyVersion
        }
    );
    assert_eq!(
        claims_defect(&format!(
            r#"{{"ProductCode":"{pc}","productCode":"{pc}","PublicKeyVersion":1}}"#
        )),
        JsonDefect::AmbiguousMember {
            member: Member::ProductCode
        }
    );
    assert_eq!(
        claims_defect(&format!(
            r#"{{"ProductCode":"{pc}","PublicKeyVersion":1,"Nonce":"{NONCE}","nonce":"other"}}"#
        )),
        JsonDefect::AmbiguousMember {
            member: Member::Nonce
        }
    );
    assert_eq!(
        claims_defect(&format!(
            r#"{{"ProductCode":"{pc}","PublicKeyVersion":1,"NONCE":"x"}}"#
        )),
        JsonDefect::AmbiguousMember {
            member: Member::Nonce
        }
    );
    assert!(matches!(
        claims_defect(&format!(
            r#"{{"ProductCode":"{pc}","PublicKeyVersion":1,"x":1,"x":2}}"#
        )),
        JsonDefect::DuplicateMember { .. }
    ));
    assert_eq!(claims_defect("[]"), JsonDefect::NotAnObject);
    assert!(matches!(
        claims_defect(&format!(
            r#"{{"ProductCode":"{pc}","PublicKeyVersion":1,"x":bad}}"#
        )),
        JsonDefect::Syntax { .. }
    ));
}

#[test]
fn malformed_claims_not_utf8() {
    let header = b64(HEADER.as_bytes());
    let payload = b64(&[b'{', 0xC3, b'}']);
    let signing_input = format!("{header}.{payload}");
    // Sign the raw bytes directly: the payload is not valid UTF-8.
    use rsa::signature::{SignatureEncoding, Signer};
    let key = rsa::pss::SigningKey::<sha2::Sha256>::new(private_key("test-only-rsa2048"));
    let token = format!(
        "{signing_input}.{}",
        b64(&key.sign(signing_input.as_bytes()).to_vec())
    );
    assert_eq!(
        verify(&token).unwrap_err(),
        Error::MalformedClaims {
            defect: JsonDefect::NotUtf8 { offset: 1 }
        }
    );
}

#[test]
fn key_version_mismatch() {
    let payload =
        format!(r#"{{"ProductCode":"{PRODUCT_CODE}","PublicKeyVersion":2,"Nonce":"{NONCE}"}}"#);
    assert_eq!(
        with_payload(&payload).unwrap_err(),
        Error::KeyVersionMismatch {
            expected: 1,
            found: 2
        }
    );
}

#[test]
fn product_code_mismatch() {
    for code in [
        "other",
        "1fszvu527waovqeuhpkyx2b5",
        "1FSZVU527WAOVQEUHPKYX2B5D",
        "",
    ] {
        let payload =
            format!(r#"{{"ProductCode":"{code}","PublicKeyVersion":1,"Nonce":"{NONCE}"}}"#);
        assert_eq!(
            with_payload(&payload).unwrap_err(),
            Error::ProductCodeMismatch,
            "{code}"
        );
    }
}

#[test]
fn nonce_mismatch_missing_and_unexpected() {
    let pc = PRODUCT_CODE;
    let other = format!(r#"{{"ProductCode":"{pc}","PublicKeyVersion":1,"Nonce":"replayed"}}"#);
    assert_eq!(with_payload(&other).unwrap_err(), Error::NonceMismatch);
    let none = format!(r#"{{"ProductCode":"{pc}","PublicKeyVersion":1}}"#);
    assert_eq!(with_payload(&none).unwrap_err(), Error::NonceMissing);
    let null = format!(r#"{{"ProductCode":"{pc}","PublicKeyVersion":1,"Nonce":null}}"#);
    assert_eq!(with_payload(&null).unwrap_err(), Error::NonceMissing);

    let verifier = verifier();
    let with_nonce = mint("test-only-rsa2048", HEADER, &payload());
    assert_eq!(
        verifier
            .verify_replayable_without_nonce(&with_nonce, 1)
            .unwrap_err(),
        Error::UnexpectedNonce
    );
    let empty = mint(
        "test-only-rsa2048",
        HEADER,
        &format!(r#"{{"ProductCode":"{pc}","PublicKeyVersion":1,"Nonce":""}}"#),
    );
    assert_eq!(
        verifier
            .verify_replayable_without_nonce(&empty, 1)
            .unwrap_err(),
        Error::UnexpectedNonce
    );
    let registration = verifier
        .verify_replayable_without_nonce(mint("test-only-rsa2048", HEADER, &none), 1)
        .unwrap();
    assert_eq!(registration.nonce(), None);
}

#[test]
fn every_code_is_distinct_and_every_message_says_what_to_do() {
    let errors = [
        verify(&"a".repeat(MAX_TOKEN_LEN + 1)).unwrap_err(),
        verify("a.b").unwrap_err(),
        with_header("[]").unwrap_err(),
        with_header(r#"{"alg":"RS256"}"#).unwrap_err(),
        with_header(r#"{"alg":"PS256","crit":[]}"#).unwrap_err(),
        verifier()
            .verify(
                mint("test-only-rsa2048", HEADER, &payload()),
                9,
                &Nonce::new(NONCE).unwrap(),
            )
            .unwrap_err(),
        verify(&mint("test-only-rsa2048-other", HEADER, &payload())).unwrap_err(),
        with_payload("{}").unwrap_err(),
        with_payload(&format!(
            r#"{{"ProductCode":"{PRODUCT_CODE}","PublicKeyVersion":2}}"#
        ))
        .unwrap_err(),
        with_payload(r#"{"ProductCode":"x","PublicKeyVersion":1}"#).unwrap_err(),
        with_payload(&format!(
            r#"{{"ProductCode":"{PRODUCT_CODE}","PublicKeyVersion":1,"Nonce":"n"}}"#
        ))
        .unwrap_err(),
        with_payload(&format!(
            r#"{{"ProductCode":"{PRODUCT_CODE}","PublicKeyVersion":1}}"#
        ))
        .unwrap_err(),
        verifier()
            .verify_replayable_without_nonce(mint("test-only-rsa2048", HEADER, &payload()), 1)
            .unwrap_err(),
    ];
    let codes: std::collections::BTreeSet<&str> = errors.iter().map(Error::code).collect();
    assert_eq!(
        codes.into_iter().collect::<Vec<_>>(),
        [
            "bad_signature",
            "key_version_mismatch",
            "malformed_claims",
            "malformed_header",
            "malformed_token",
            "nonce_mismatch",
            "nonce_missing",
            "product_code_mismatch",
            "token_too_large",
            "unexpected_nonce",
            "unknown_key_version",
            "unsupported_algorithm",
            "unsupported_header",
        ]
    );
    for error in errors {
        let message = error.to_string();
        assert!(message.len() > 40, "{message}");
        let _: &dyn core::error::Error = &error;
    }
}
