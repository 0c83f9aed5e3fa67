//! The exported functions called as C would call them: through raw pointers, with NULLs,
//! invalid UTF-8, stale out-parameters and several threads.
//!
//! Runs under Miri (`cargo +nightly miri test -p register-usage-jwt-ffi`) except the tests
//! marked `ignore` there: they verify RSA signatures, too slow for Miri's interpreter (key
//! loading is not, so every path up to the signature check runs under Miri). The C test
//! program (`bindings/c/tests/c/`) runs the verifying paths under AddressSanitizer.
#![allow(
    unsafe_code,
    clippy::undocumented_unsafe_blocks,
    clippy::multiple_unsafe_ops_per_block,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::float_cmp
)]

use std::ffi::{CStr, CString, c_char};
use std::mem::MaybeUninit;
use std::ptr;

use register_usage_jwt_c::*;

const PRODUCT: &CStr = c"1fszvu527waovqeuhpkyx2b5d";
const NONCE: &CStr = c"5f0c7a52-5bd4-4d5c-93e6-1b7d2c0e9a41";
const KEY_3072: &str = include_str!("../../../keys/test-only-rsa3072.pub.pem");
const KEY_2048_DER: &[u8] = include_bytes!("../../../keys/test-only-rsa2048.pub.der");
const DEMO_TOKEN: &str = include_str!("../../../tests/fixtures/demo-token.txt");

/// A caller's `ruj_error`, pre-filled with garbage to show every field is written.
fn garbage_error() -> ruj_error {
    ruj_error {
        status: -77,
        code: [0x55; RUJ_ERROR_CODE_SIZE],
        message: [0x55; RUJ_ERROR_MESSAGE_SIZE],
    }
}

fn text(chars: &[c_char]) -> String {
    let bytes: Vec<u8> = chars.iter().map(|&c| c as u8).collect();
    CStr::from_bytes_until_nul(&bytes)
        .expect("NUL-terminated")
        .to_str()
        .expect("UTF-8")
        .to_owned()
}

fn status_code(status: ruj_status) -> String {
    unsafe { CStr::from_ptr(ruj_status_code(status)) }
        .to_str()
        .unwrap()
        .to_owned()
}

fn key(pem: &str) -> ruj_key {
    ruj_key {
        version: 1,
        data: pem.as_ptr(),
        len: pem.len(),
    }
}

/// A verifier for `product` with the 3072-bit test key as version 1.
fn test_verifier(product: &CStr) -> *mut ruj_verifier {
    let keys = [key(KEY_3072)];
    let mut verifier = ptr::null_mut();
    let mut error = garbage_error();
    let status = unsafe {
        ruj_verifier_new_dangerously_allowing_published_test_keys(
            product.as_ptr(),
            keys.as_ptr(),
            keys.len(),
            &mut verifier,
            &mut error,
        )
    };
    assert_eq!(status, RUJ_OK, "{}", text(&error.message));
    assert_eq!(error.status, RUJ_OK);
    assert_eq!(text(&error.code), "ok");
    assert!(!verifier.is_null());
    verifier
}

fn demo_token() -> CString {
    CString::new(DEMO_TOKEN.trim_end()).unwrap()
}

/// Verifies and returns (status, code, message, registration).
fn verify(
    verifier: *const ruj_verifier,
    token: &CStr,
    nonce: Option<&CStr>,
) -> (ruj_status, String, String, *mut ruj_registration) {
    let mut registration: *mut ruj_registration = ptr::dangling_mut(); // stale: must be overwritten
    let mut error = garbage_error();
    let status = unsafe {
        match nonce {
            Some(nonce) => ruj_verifier_verify(
                verifier,
                token.as_ptr(),
                1,
                nonce.as_ptr(),
                &mut registration,
                &mut error,
            ),
            None => ruj_verifier_verify_replayable_without_nonce(
                verifier,
                token.as_ptr(),
                1,
                &mut registration,
                &mut error,
            ),
        }
    };
    assert_eq!(error.status, status);
    if status != RUJ_OK {
        assert!(registration.is_null());
        assert!(!text(&error.message).is_empty());
    }
    (
        status,
        text(&error.code),
        text(&error.message),
        registration,
    )
}

#[test]
fn null_arguments_are_errors() {
    let keys = [key(KEY_3072)];
    let mut verifier: *mut ruj_verifier = ptr::dangling_mut();
    let mut error = garbage_error();
    let status =
        unsafe { ruj_verifier_new(ptr::null(), keys.as_ptr(), 1, &mut verifier, &mut error) };
    assert_eq!(status, RUJ_NULL_ARGUMENT);
    assert!(verifier.is_null());
    assert_eq!(text(&error.code), "null_argument");
    assert!(text(&error.message).contains("product_code"));

    let status =
        unsafe { ruj_verifier_new(PRODUCT.as_ptr(), ptr::null(), 1, &mut verifier, &mut error) };
    assert_eq!(status, RUJ_NULL_ARGUMENT);
    let status = unsafe {
        ruj_verifier_new(
            PRODUCT.as_ptr(),
            keys.as_ptr(),
            1,
            ptr::null_mut(),
            ptr::null_mut(),
        )
    };
    assert_eq!(status, RUJ_NULL_ARGUMENT);
    let null_key = [ruj_key {
        version: 1,
        data: ptr::null(),
        len: 10,
    }];
    let status = unsafe {
        ruj_verifier_new(
            PRODUCT.as_ptr(),
            null_key.as_ptr(),
            1,
            &mut verifier,
            ptr::null_mut(),
        )
    };
    assert_eq!(status, RUJ_NULL_ARGUMENT);

    let token = demo_token();
    let mut registration = ptr::null_mut();
    let status = unsafe {
        ruj_verifier_verify(
            ptr::null(),
            token.as_ptr(),
            1,
            NONCE.as_ptr(),
            &mut registration,
            &mut error,
        )
    };
    assert_eq!(status, RUJ_NULL_ARGUMENT);
    assert!(text(&error.message).contains("verifier"));

    // The accessors and free functions accept NULL.
    unsafe {
        assert!(ruj_registration_product_code(ptr::null()).is_null());
        assert!(ruj_registration_nonce(ptr::null()).is_null());
        assert_eq!(ruj_registration_key_version(ptr::null()), 0);
        let mut seconds = -1.0;
        assert_eq!(
            ruj_registration_issued_at(ptr::null(), &mut seconds),
            RUJ_TIME_ABSENT
        );
        assert_eq!(seconds, -1.0);
        ruj_registration_free(ptr::null_mut());
        ruj_verifier_free(ptr::null_mut());
    }
}

#[test]
fn null_token_nonce_and_out_pointer_with_a_verifier() {
    let verifier = test_verifier(PRODUCT);
    let token = demo_token();
    let mut registration = ptr::null_mut();
    let mut error = garbage_error();
    unsafe {
        let status = ruj_verifier_verify(
            verifier,
            ptr::null(),
            1,
            NONCE.as_ptr(),
            &mut registration,
            &mut error,
        );
        assert_eq!(
            (status, text(&error.code).as_str()),
            (RUJ_NULL_ARGUMENT, "null_argument")
        );
        assert!(text(&error.message).contains("token"));
        let status = ruj_verifier_verify(
            verifier,
            token.as_ptr(),
            1,
            ptr::null(),
            &mut registration,
            &mut error,
        );
        assert_eq!(status, RUJ_NULL_ARGUMENT);
        assert!(text(&error.message).contains("nonce"));
        let status = ruj_verifier_verify(
            verifier,
            token.as_ptr(),
            1,
            NONCE.as_ptr(),
            ptr::null_mut(),
            &mut error,
        );
        assert_eq!(status, RUJ_NULL_ARGUMENT);
        assert!(text(&error.message).contains("registration_out"));
        ruj_verifier_free(verifier);
    }
}

#[test]
fn invalid_utf8_is_an_error() {
    let bad = c"abc\xff";
    let keys = [key(KEY_3072)];
    let mut verifier = ptr::null_mut();
    let mut error = garbage_error();
    let status =
        unsafe { ruj_verifier_new(bad.as_ptr(), keys.as_ptr(), 1, &mut verifier, &mut error) };
    assert_eq!(
        (status, text(&error.code).as_str()),
        (RUJ_INVALID_UTF8, "invalid_utf8")
    );
    assert!(verifier.is_null());

    let mut pem = KEY_3072.as_bytes().to_vec();
    pem.push(0xff);
    let keys = [ruj_key {
        version: 1,
        data: pem.as_ptr(),
        len: pem.len(),
    }];
    let status = unsafe {
        ruj_verifier_new(
            PRODUCT.as_ptr(),
            keys.as_ptr(),
            1,
            &mut verifier,
            &mut error,
        )
    };
    // Key data is bytes (DER is not text), read by the library in any form: a byte after the
    // PEM block is text outside it (RFC 7468), so the key is read, and refused under the
    // production policy as the published test key it is, never a text-encoding error.
    assert_eq!(status, RUJ_COMPROMISED_KEY);
    assert!(verifier.is_null());

    let verifier = test_verifier(PRODUCT);
    let (status, code, message, _) = verify(verifier, &demo_token(), Some(bad));
    assert_eq!((status, code.as_str()), (RUJ_INVALID_UTF8, "invalid_utf8"));
    assert!(message.contains("nonce"));
    unsafe { ruj_verifier_free(verifier) };
}

/// Lengths above `isize::MAX` (`PTRDIFF_MAX`) describe no memory: refused with a status
/// before anything is read (before the fix, `slice::from_raw_parts` saw them: an abort in
/// debug builds, a crash in release, UB that Miri reports).
#[test]
fn lengths_above_isize_max_are_refused() {
    let huge = [isize::MAX as usize + 1, usize::MAX];
    let pem = KEY_3072.as_bytes();
    for len in huge {
        for data in [pem.as_ptr(), ptr::null()] {
            // The impossible length on the first key, and on the second after a good one.
            for keys in [
                vec![ruj_key {
                    version: 1,
                    data,
                    len,
                }],
                vec![
                    key(KEY_3072),
                    ruj_key {
                        version: 2,
                        data,
                        len,
                    },
                ],
            ] {
                let mut verifier: *mut ruj_verifier = ptr::dangling_mut();
                let mut error = garbage_error();
                let status = unsafe {
                    ruj_verifier_new_dangerously_allowing_published_test_keys(
                        PRODUCT.as_ptr(),
                        keys.as_ptr(),
                        keys.len(),
                        &mut verifier,
                        &mut error,
                    )
                };
                assert_eq!(
                    (status, text(&error.code).as_str()),
                    (RUJ_INVALID_ARGUMENT, "invalid_argument")
                );
                assert_eq!(status_code(status), "invalid_argument");
                assert!(verifier.is_null());
                let message = text(&error.message);
                assert!(message.contains("key data") && message.contains(&len.to_string()));
            }
        }

        // A key count that large is more keys than the library accepts, before the array
        // is read.
        let keys = [key(KEY_3072)];
        let mut verifier = ptr::null_mut();
        let mut error = garbage_error();
        let status = unsafe {
            ruj_verifier_new(
                PRODUCT.as_ptr(),
                keys.as_ptr(),
                len,
                &mut verifier,
                &mut error,
            )
        };
        assert_eq!(status, RUJ_KEY_COUNT);

        // A nonce buffer that large: refused, and nothing is written.
        let mut buffer = [0x55 as c_char; RUJ_RANDOM_NONCE_SIZE];
        let status = unsafe { ruj_random_nonce(buffer.as_mut_ptr(), len, &mut error) };
        assert_eq!(
            (status, text(&error.code).as_str()),
            (RUJ_INVALID_ARGUMENT, "invalid_argument")
        );
        assert!(buffer.iter().all(|&c| c == 0x55));
        assert!(text(&error.message).contains("buffer"));
    }
    // `isize::MAX` itself passes the length check (it is a possible size); with a NULL
    // pointer it is the NULL that is refused.
    let keys = [ruj_key {
        version: 1,
        data: ptr::null(),
        len: isize::MAX as usize,
    }];
    let mut verifier = ptr::null_mut();
    let status = unsafe {
        ruj_verifier_new(
            PRODUCT.as_ptr(),
            keys.as_ptr(),
            1,
            &mut verifier,
            ptr::null_mut(),
        )
    };
    assert_eq!(status, RUJ_NULL_ARGUMENT);
}

#[test]
fn configuration_errors_carry_the_core_codes() {
    let mut verifier = ptr::null_mut();
    let mut error = garbage_error();
    // (keys, product code, allow test keys, status, code)
    let cases: Vec<(Vec<ruj_key>, &CStr, bool, ruj_status, &str)> = vec![
        (vec![], PRODUCT, false, RUJ_KEY_COUNT, "key_count"),
        (
            vec![key(KEY_3072)],
            c"",
            true,
            RUJ_INVALID_PRODUCT_CODE,
            "invalid_product_code",
        ),
        (
            vec![key(KEY_3072)],
            c"bad code!",
            true,
            RUJ_INVALID_PRODUCT_CODE,
            "invalid_product_code",
        ),
        (
            vec![key("not a key")],
            PRODUCT,
            true,
            RUJ_INVALID_KEY,
            "invalid_key",
        ),
        (
            vec![key(KEY_3072)],
            PRODUCT,
            false,
            RUJ_COMPROMISED_KEY,
            "compromised_key",
        ),
    ];
    for (keys, product, allow_test_keys, want_status, want_code) in cases {
        let new = if allow_test_keys {
            ruj_verifier_new_dangerously_allowing_published_test_keys
        } else {
            ruj_verifier_new
        };
        let status = unsafe {
            new(
                product.as_ptr(),
                keys.as_ptr(),
                keys.len(),
                &mut verifier,
                &mut error,
            )
        };
        assert_eq!(
            (status, text(&error.code).as_str()),
            (want_status, want_code)
        );
        assert_eq!(status_code(status), want_code);
        assert!(ruj_status_is_configuration_error(status));
        assert!(verifier.is_null());
    }
    // More keys than any verifier holds is refused before the array is read.
    let status = unsafe {
        ruj_verifier_new(
            PRODUCT.as_ptr(),
            ptr::dangling(),
            usize::MAX,
            &mut verifier,
            &mut error,
        )
    };
    assert_eq!(status, RUJ_KEY_COUNT);
    // Version 0 and duplicates, with a key the test policy accepts.
    for (versions, want) in [
        (vec![0], RUJ_INVALID_KEY_VERSION),
        (vec![1, 1], RUJ_DUPLICATE_KEY_VERSION),
    ] {
        let keys: Vec<ruj_key> = versions
            .iter()
            .map(|&version| ruj_key {
                version,
                ..key(KEY_3072)
            })
            .collect();
        let status = unsafe {
            ruj_verifier_new_dangerously_allowing_published_test_keys(
                PRODUCT.as_ptr(),
                keys.as_ptr(),
                keys.len(),
                &mut verifier,
                &mut error,
            )
        };
        assert_eq!(status, want);
    }
}

#[test]
fn malformed_tokens_are_refused_before_any_signature_work() {
    let verifier = test_verifier(PRODUCT);
    for (token, want) in [
        (c"", RUJ_MALFORMED_TOKEN),
        (c"a.b", RUJ_MALFORMED_TOKEN),
        (c"a.b.c=", RUJ_MALFORMED_TOKEN),
        (c"\xff\xfe.\x80.x", RUJ_MALFORMED_TOKEN),
        (c"eyJhbGciOiJIUzI1NiJ9.e30.AAAA", RUJ_UNSUPPORTED_ALGORITHM),
        (c"e30.e30.AAAA", RUJ_MALFORMED_HEADER),
    ] {
        let (status, code, _, _) = verify(verifier, token, Some(NONCE));
        assert_eq!(status, want, "{token:?}");
        assert_eq!(code, status_code(want));
        assert!(ruj_status_is_rejection(status));
    }
    let huge = CString::new("a".repeat(100_000)).unwrap();
    assert_eq!(verify(verifier, &huge, Some(NONCE)).0, RUJ_TOKEN_TOO_LARGE);
    let (status, code, _, _) = verify(verifier, &demo_token(), Some(c""));
    assert_eq!(
        (status, code.as_str()),
        (RUJ_INVALID_NONCE, "invalid_nonce")
    );
    unsafe { ruj_verifier_free(verifier) };
}

#[test]
fn random_nonce_checks_its_buffer() {
    let mut buffer = [0x55 as c_char; RUJ_RANDOM_NONCE_SIZE];
    let mut error = garbage_error();
    let status = unsafe { ruj_random_nonce(buffer.as_mut_ptr(), 10, &mut error) };
    assert_eq!(
        (status, text(&error.code).as_str()),
        (RUJ_BUFFER_TOO_SMALL, "buffer_too_small")
    );
    assert_eq!(buffer[0], 0);
    let status = unsafe { ruj_random_nonce(ptr::null_mut(), 100, ptr::null_mut()) };
    assert_eq!(status, RUJ_NULL_ARGUMENT);
    let status = unsafe { ruj_random_nonce(buffer.as_mut_ptr(), buffer.len(), &mut error) };
    assert_eq!(status, RUJ_OK);
    let nonce = text(&buffer);
    assert_eq!(nonce.len(), RUJ_RANDOM_NONCE_SIZE - 1);
}

#[test]
#[cfg_attr(miri, ignore = "RSA verification takes minutes in Miri")]
fn the_demo_token_verifies_and_its_registration_reads_back() {
    let verifier = test_verifier(PRODUCT);
    let (status, code, message, registration) = verify(verifier, &demo_token(), Some(NONCE));
    assert_eq!(status, RUJ_OK, "{message}");
    assert_eq!(code, "ok");
    unsafe {
        assert_eq!(
            CStr::from_ptr(ruj_registration_product_code(registration)),
            PRODUCT
        );
        assert_eq!(CStr::from_ptr(ruj_registration_nonce(registration)), NONCE);
        assert_eq!(ruj_registration_key_version(registration), 1);
        let mut seconds = -1.0;
        let kind = ruj_registration_public_key_rotation_timestamp(registration, &mut seconds);
        assert_eq!(kind, RUJ_TIME_ABSENT);
        ruj_registration_free(registration);
        ruj_verifier_free(verifier);
    }
}

#[test]
#[cfg_attr(miri, ignore = "RSA verification takes minutes in Miri")]
fn forged_replayed_and_wrong_product_tokens_are_refused() {
    let verifier = test_verifier(PRODUCT);
    let token = DEMO_TOKEN.trim_end();
    let (header, rest) = token.split_once('.').unwrap();
    let signature = rest.split_once('.').unwrap().1;
    // Other claims under the same signature.
    let other_claims =
        "eyJwcm9kdWN0Q29kZSI6IjFmc3p2dTUyN3dhb3ZxZXVocGt5eDJiNWQiLCJwdWJsaWNLZXlWZXJzaW9uIjoxfQ";
    let forged = CString::new(format!("{header}.{other_claims}.{signature}")).unwrap();
    assert_eq!(verify(verifier, &forged, Some(NONCE)).0, RUJ_BAD_SIGNATURE);
    let (status, code, _, _) = verify(verifier, &demo_token(), Some(c"another-nonce"));
    assert_eq!(
        (status, code.as_str()),
        (RUJ_NONCE_MISMATCH, "nonce_mismatch")
    );
    let (status, _, _, _) = verify(verifier, &demo_token(), None);
    assert_eq!(status, RUJ_UNEXPECTED_NONCE);
    let other = test_verifier(c"someoneelsesproduct");
    let (status, code, _, _) = verify(other, &demo_token(), Some(NONCE));
    assert_eq!(
        (status, code.as_str()),
        (RUJ_PRODUCT_CODE_MISMATCH, "product_code_mismatch")
    );
    unsafe {
        ruj_verifier_free(verifier);
        ruj_verifier_free(other);
    }
}

#[test]
fn der_keys_load() {
    let keys = [ruj_key {
        version: 3,
        data: KEY_2048_DER.as_ptr(),
        len: KEY_2048_DER.len(),
    }];
    let mut verifier = ptr::null_mut();
    let mut error = garbage_error();
    let status = unsafe {
        ruj_verifier_new(
            PRODUCT.as_ptr(),
            keys.as_ptr(),
            1,
            &mut verifier,
            &mut error,
        )
    };
    // A published test key: refused by default, accepted with the loud opt-in.
    assert_eq!(status, RUJ_COMPROMISED_KEY);
    let status = unsafe {
        ruj_verifier_new_dangerously_allowing_published_test_keys(
            PRODUCT.as_ptr(),
            keys.as_ptr(),
            1,
            &mut verifier,
            &mut error,
        )
    };
    assert_eq!(status, RUJ_OK);
    unsafe { ruj_verifier_free(verifier) };
}

#[test]
#[cfg_attr(miri, ignore = "RSA verification takes minutes in Miri")]
fn one_verifier_serves_many_threads() {
    struct Shared(*mut ruj_verifier);
    // SAFETY (test): the verifier is immutable and `Sync`; the C ABI promises sharing.
    unsafe impl Sync for Shared {}
    let shared = Shared(test_verifier(PRODUCT));
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                let shared = &shared;
                for _ in 0..5 {
                    let (status, _, message, registration) =
                        verify(shared.0, &demo_token(), Some(NONCE));
                    assert_eq!(status, RUJ_OK, "{message}");
                    unsafe { ruj_registration_free(registration) };
                }
            });
        }
    });
    unsafe { ruj_verifier_free(shared.0) };
}

#[test]
fn every_field_of_the_error_is_written_on_success_too() {
    let mut error = MaybeUninit::<ruj_error>::uninit();
    let mut buffer = [0 as c_char; RUJ_RANDOM_NONCE_SIZE];
    let status = unsafe { ruj_random_nonce(buffer.as_mut_ptr(), buffer.len(), error.as_mut_ptr()) };
    assert_eq!(status, RUJ_OK);
    // Under Miri, reading an unwritten byte here would be reported.
    let error = unsafe { error.assume_init() };
    assert_eq!(text(&error.code), "ok");
    assert_eq!(text(&error.message), "");
    assert!(error.message.iter().all(|&c| c == 0));
}
