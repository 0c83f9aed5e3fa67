//! `stack-probe <case|all> <stack bytes>`: verifies the worst cases of the README's stack
//! bound (those of `tests/suite/hardening.rs::worst_cases_fit_a_64_kib_stack`) on a thread
//! with the given stack size, and exits 0 when each reached its expected verdict. A stack
//! overflow aborts the process (SIGABRT), so `run-stack.py` finds the smallest stack that
//! passes by running this binary repeatedly. `stack-probe list` prints the case names.
#![allow(clippy::unwrap_used)]

use base64ct::{Base64UrlUnpadded, Encoding};
use register_usage_jwt::{MAX_JSON_DEPTH, MAX_TOKEN_LEN, Nonce, PublicKey, Verifier};
use register_usage_jwt_test_support as common;

fn mint(header: &str, payload: &str) -> String {
    common::mint("test-only-rsa4096", header, payload)
}

fn claims(extra: &str) -> String {
    format!(
        r#"{{"productCode":"{}","publicKeyVersion":1,"nonce":"{}"{extra}}}"#,
        common::PRODUCT_CODE,
        common::NONCE
    )
}

/// As `hardening.rs::nested_token` with a 4096-bit key.
fn nested(open: &str, close: &str, in_header: bool) -> String {
    let deep = format!(
        r#""deep":{}null{}"#,
        open.repeat(MAX_JSON_DEPTH),
        close.repeat(MAX_JSON_DEPTH)
    );
    if in_header {
        mint(&format!(r#"{{"alg":"PS256",{deep}}}"#), &claims(""))
    } else {
        mint(common::HEADER, &claims(&format!(",{deep}")))
    }
}

/// As `hardening.rs::valid_token_of_len(4096, MAX_TOKEN_LEN)`.
fn largest() -> String {
    let sig_len = Base64UrlUnpadded::encoded_len(&[0u8; 512]);
    for spaces in 0..4 {
        let header = format!(
            "{{\"alg\":\"PS256\",{}\"typ\":\"JWT\"}}",
            " ".repeat(spaces)
        );
        for pad in 0..MAX_TOKEN_LEN {
            let payload = claims(&format!(r#","pad":"{}""#, "p".repeat(pad)));
            let len = Base64UrlUnpadded::encoded_len(header.as_bytes())
                + 1
                + Base64UrlUnpadded::encoded_len(payload.as_bytes())
                + 1
                + sig_len;
            if len == MAX_TOKEN_LEN {
                return mint(&header, &payload);
            }
            if len > MAX_TOKEN_LEN {
                break;
            }
        }
    }
    panic!("no token of exactly {MAX_TOKEN_LEN} bytes");
}

/// `(name, token, whether it verifies)`.
fn cases() -> Vec<(String, String, bool)> {
    let mut cases = vec![
        (
            "valid, nesting to the bound in the header".to_owned(),
            nested("[", "]", true),
            true,
        ),
        (
            "valid, objects nested to the bound in the payload".to_owned(),
            nested("{\"a\":", "}", false),
            true,
        ),
        (
            format!("valid, {MAX_TOKEN_LEN}-byte token"),
            largest(),
            true,
        ),
        ("dots only".to_owned(), ".".repeat(MAX_TOKEN_LEN), false),
    ];
    for (name, token, _) in common::worst_pre_signature_tokens() {
        cases.push((format!("refused: {name}"), token, false));
    }
    cases
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let cases = cases();
    if args.get(1).map(String::as_str) == Some("list") {
        for (name, _, _) in &cases {
            println!("{name}");
        }
        return;
    }
    let which = args[1].clone();
    let stack: usize = args[2].parse().unwrap();
    let selected: Vec<(String, String, bool)> = cases
        .into_iter()
        .filter(|(name, _, _)| which == "all" || *name == which)
        .collect();
    assert!(!selected.is_empty(), "no case named {which}");
    // Prepared on the main thread: only `verify` runs on the small stack.
    let key = PublicKey::from_pem_with_policy(
        include_str!("../../../../keys/test-only-rsa4096.pub.pem"),
        register_usage_jwt::KeyPolicy::DangerouslyAllowPublishedTestKeys,
    )
    .unwrap();
    let verifier = Verifier::new(common::PRODUCT_CODE, [(1, key)]).unwrap();
    let ok = std::thread::Builder::new()
        .stack_size(stack)
        .spawn(move || {
            let nonce = Nonce::new(common::NONCE).unwrap();
            selected
                .iter()
                .all(|(_, token, valid)| verifier.verify(token, 1, &nonce).is_ok() == *valid)
        })
        .unwrap()
        .join()
        .unwrap();
    std::process::exit(if ok { 0 } else { 2 });
}
