"""The Python API: every interop fixture, every rejection and configuration code, the
exception classes, keys as PEM text, PEM bytes and DER, threads, random nonces, and the
misuse cases (each prints a reliability line: run pytest with -s to see them)."""

import collections.abc
import json
import re
from concurrent.futures import ThreadPoolExecutor

import pytest

import register_usage_jwt as ruj
from register_usage_jwt import (
    ConfigurationError,
    RegisterUsageJwtError,
    Registration,
    TokenRejected,
    Verifier,
    random_nonce,
)

from conftest import KEYS, REPO, misuse, published_test_key

FIXTURES = json.loads((REPO / "tests/fixtures/tokens.json").read_text(encoding="utf-8"))["cases"]
REJECTION_CODES = {
    "token_too_large", "malformed_token", "malformed_header", "unsupported_algorithm",
    "unsupported_header", "unknown_key_version", "bad_signature", "malformed_claims",
    "key_version_mismatch", "product_code_mismatch", "nonce_mismatch", "nonce_missing",
    "unexpected_nonce",
}
PRODUCT = "1fszvu527waovqeuhpkyx2b5d"


def verifier_with_test_key(product: str = PRODUCT, stem: str = "test-only-rsa2048", version: int = 1):
    """A verifier that accepts a published TEST key: for tests only."""
    return Verifier.dangerously_allowing_published_test_keys(product, {version: published_test_key(stem)})



def valid_case():
    """The first valid fixture for PRODUCT, key version 1, with a nonce."""
    for case in FIXTURES:
        request = case["request"]
        if (case["expect"] == "valid" and case["key"] == "test-only-rsa2048"
                and request["product_code"] == PRODUCT and request["key_version"] == 1
                and request["nonce"]):
            return case
    raise AssertionError("no valid fixture")


@pytest.mark.parametrize("case", FIXTURES, ids=[case["name"] for case in FIXTURES])
def test_interop_fixture(case):
    request = case["request"]
    version = case.get("configured_version", request["key_version"])
    verifier = verifier_with_test_key(request["product_code"], case["key"], version)

    def run():
        if request["nonce"] is None:
            return verifier.verify_replayable_without_nonce(case["token"], request["key_version"])
        return verifier.verify(case["token"], request["key_version"], request["nonce"])

    if case["expect"] == "valid":
        registration = run()
        want = case["claims"]
        assert isinstance(registration, Registration)
        assert registration.product_code == want["product_code"]
        assert registration.key_version == want["key_version"]
        assert registration.nonce == want["nonce"]
        for got, wanted in [(registration.issued_at, want["issued_at"]),
                            (registration.public_key_rotation_timestamp, want["rotation"])]:
            if isinstance(wanted, dict):  # {"other": true}: present, reported as its JSON text
                assert isinstance(got, str), got
            else:
                assert got == wanted

    else:
        with pytest.raises(TokenRejected) as caught:
            run()
        assert caught.value.code == case["expect"]
        assert str(caught.value)


def test_the_fixtures_cover_every_rejection_code_and_both_signers():
    assert len(FIXTURES) > 150
    assert {case["expect"] for case in FIXTURES} - {"valid"} == REJECTION_CODES
    assert {"cryptography", "openssl"} <= {case["signer"] for case in FIXTURES}


def test_token_as_bytes():
    case = valid_case()
    registration = verifier_with_test_key().verify(case["token"].encode(), 1, case["request"]["nonce"])
    assert registration.nonce == case["request"]["nonce"]


def test_forged_replayed_and_wrong_product_tokens_are_refused():
    case = valid_case()
    token, nonce = case["token"], case["request"]["nonce"]
    verifier = verifier_with_test_key()
    assert verifier.verify(token, 1, nonce).product_code == PRODUCT

    header, payload, signature = token.split(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    with pytest.raises(TokenRejected) as caught:
        verifier.verify(f"{header}.{payload}.{flipped}", 1, nonce)
    assert caught.value.code == "bad_signature"

    with pytest.raises(TokenRejected) as caught:
        verifier.verify(token, 1, random_nonce())
    assert caught.value.code == "nonce_mismatch"

    with pytest.raises(TokenRejected) as caught:
        verifier_with_test_key("someoneelsesproduct").verify(token, 1, nonce)
    assert caught.value.code == "product_code_mismatch"

    with pytest.raises(TokenRejected) as caught:
        verifier.verify(token, 2, nonce)
    assert caught.value.code == "unknown_key_version"

    with pytest.raises(TokenRejected) as caught:
        verifier.verify_replayable_without_nonce(token, 1)
    assert caught.value.code == "unexpected_nonce"


def test_exception_classes():
    assert issubclass(TokenRejected, RegisterUsageJwtError)
    assert issubclass(ConfigurationError, RegisterUsageJwtError)
    assert issubclass(RegisterUsageJwtError, Exception)
    assert not issubclass(TokenRejected, ConfigurationError)
    assert not issubclass(ConfigurationError, TokenRejected)
    with pytest.raises(RegisterUsageJwtError) as caught:
        verifier_with_test_key().verify("not a token", 1, "nonce")
    assert type(caught.value) is TokenRejected
    assert caught.value.code == "malformed_token"
    assert "compact JWT" in str(caught.value)


class DuplicateVersions(collections.abc.Mapping):
    """A mapping that yields one key version twice (a dict cannot)."""

    def __init__(self, key):
        self.key = key

    def __getitem__(self, version):
        return self.key

    def __iter__(self):
        return iter([1, 1])

    def __len__(self):
        return 2


def configuration_cases():
    pem = published_test_key("test-only-rsa2048")
    allow = Verifier.dangerously_allowing_published_test_keys
    return {
        "invalid_key": lambda: allow(PRODUCT, {1: "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n"}),
        "invalid_key (bytes)": lambda: allow(PRODUCT, {1: b"\x30\x03\x02\x01\x01"}),
        "invalid_key (private key)": lambda: allow(PRODUCT, {1: (KEYS / "test-only-rsa2048.key.pem").read_text()}),
        "weak_key": lambda: allow(PRODUCT, {1: published_test_key("test-only-rsa1024")}),
        "compromised_key": lambda: Verifier(PRODUCT, {1: pem}),
        "invalid_product_code": lambda: allow("bad code!", {1: pem}),
        "invalid_product_code (empty)": lambda: allow("", {1: pem}),
        "invalid_nonce": lambda: allow(PRODUCT, {1: pem}).verify("a.b.c", 1, ""),
        "invalid_nonce (long)": lambda: allow(PRODUCT, {1: pem}).verify("a.b.c", 1, "n" * 256),
        "invalid_key_version": lambda: allow(PRODUCT, {0: pem}),
        "duplicate_key_version": lambda: allow(PRODUCT, DuplicateVersions(pem)),
        "key_count": lambda: allow(PRODUCT, {}),
        "key_count (9)": lambda: allow(PRODUCT, {version: pem for version in range(1, 10)}),
    }


@pytest.mark.parametrize("name", list(configuration_cases()))
def test_configuration_error(name):
    error = misuse(name, ConfigurationError, configuration_cases()[name])
    assert error.code == name.split(" ")[0]
    assert str(error)


def test_published_test_keys_are_refused_by_default():
    for stem in ["test-only-rsa2048", "test-only-rsa3072", "test-only-rsa4096"]:
        with pytest.raises(ConfigurationError) as caught:
            Verifier(PRODUCT, {1: published_test_key(stem)})
        assert caught.value.code == "compromised_key"
        assert "DangerouslyAllowPublishedTestKeys" in str(caught.value)


def test_keys_as_pem_text_pem_bytes_and_der():
    case = valid_case()
    pem = published_test_key("test-only-rsa2048")
    der = (KEYS / "test-only-rsa2048.pub.der").read_bytes()
    pkcs1 = (KEYS / "test-only-rsa2048.pub.pkcs1.pem").read_text()
    allow = Verifier.dangerously_allowing_published_test_keys
    for key in [pem, pem.encode(), der, pkcs1]:
        verifier = allow(PRODUCT, {1: key})
        assert verifier.verify(case["token"], 1, case["request"]["nonce"]).key_version == 1
    verifier = allow(PRODUCT, {2: der, 1: pem})
    assert sorted(verifier.key_versions) == [1, 2]
    assert verifier.product_code == PRODUCT
    assert "Verifier(" in repr(verifier)


def test_wrong_argument_types_are_type_errors():
    pem = published_test_key("test-only-rsa2048")
    allow = Verifier.dangerously_allowing_published_test_keys
    verifier = verifier_with_test_key()
    misuse("keys as a list", TypeError, lambda: allow(PRODUCT, [pem]))
    misuse("key as an int", TypeError, lambda: allow(PRODUCT, {1: 42}))
    misuse("key version as a str", TypeError, lambda: allow(PRODUCT, {"1": pem}))
    misuse("negative key version", (TypeError, OverflowError),
           lambda: verifier.verify("a.b.c", -1, "nonce"))
    misuse("key version above 2**32", OverflowError,
           lambda: verifier.verify("a.b.c", 2**32, "nonce"))
    misuse("token None", TypeError, lambda: verifier.verify(None, 1, "nonce"))
    misuse("nonce None", TypeError, lambda: verifier.verify("a.b.c", 1, None))
    misuse("nonce as bytes", TypeError, lambda: verifier.verify("a.b.c", 1, b"nonce"))
    misuse("product code None", TypeError, lambda: allow(None, {1: pem}))


def test_text_holding_a_nul_is_never_cut():
    # In C++ a std::string holding a NUL was cut there by the C ABI. Python passes the
    # whole text to the verifier, so nothing is cut: each of these is refused because the
    # text after the NUL counts (the text before it is the valid token, nonce, product).
    case = valid_case()
    token, nonce = case["token"], case["request"]["nonce"]
    verifier = verifier_with_test_key()
    error = misuse("nonce holding a NUL", TokenRejected,
                   lambda: verifier.verify(token, 1, nonce + "\x00x"))
    assert error.code == "nonce_mismatch"
    error = misuse("token holding a NUL", TokenRejected,
                   lambda: verifier.verify(token + "\x00x", 1, nonce))
    assert error.code == "malformed_token"
    error = misuse("token (bytes) holding a NUL", TokenRejected,
                   lambda: verifier.verify(token.encode() + b"\x00x", 1, nonce))
    assert error.code == "malformed_token"
    error = misuse("product code holding a NUL", ConfigurationError,
                   lambda: verifier_with_test_key(PRODUCT + "\x00x"))
    assert error.code == "invalid_product_code"
    assert verifier.verify(token, 1, nonce).nonce == nonce


def test_text_that_is_not_unicode_is_refused():
    # A lone surrogate cannot be encoded as UTF-8: refused before anything is verified.
    case = valid_case()
    token, nonce = case["token"], case["request"]["nonce"]
    verifier = verifier_with_test_key()
    misuse("nonce with a lone surrogate", UnicodeEncodeError,
           lambda: verifier.verify(token, 1, "\ud800"))
    misuse("token with a lone surrogate", TypeError,
           lambda: verifier.verify(token + "\ud800", 1, nonce))
    misuse("product code with a lone surrogate", UnicodeEncodeError,
           lambda: verifier_with_test_key("\ud800"))


def test_one_verifier_many_threads():
    case = valid_case()
    token, nonce = case["token"], case["request"]["nonce"]
    verifier = verifier_with_test_key()

    def work(i):
        if i % 2:
            return verifier.verify(token, 1, nonce).nonce
        try:
            verifier.verify(token, 1, f"replayed-{i}")
        except TokenRejected as rejected:
            return rejected.code
        return "verified"

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(work, range(40)))
    assert results == [nonce if i % 2 else "nonce_mismatch" for i in range(40)]


def test_random_nonce():
    nonces = {random_nonce() for _ in range(100)}
    assert len(nonces) == 100
    # 192 random bits as 32 base64url characters (the core's RandomNonce).
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{32}", nonce) for nonce in nonces)


def test_registration_repr_and_version():
    case = valid_case()
    nonce = case["request"]["nonce"]
    registration = verifier_with_test_key().verify(case["token"], 1, nonce)
    # Python values, each as Python's repr shows it, never Rust's Debug (`Some("n")`).
    assert repr(registration) == (
        f"Registration(product_code={PRODUCT!r}, key_version=1, nonce={nonce!r}, "
        f"issued_at={registration.issued_at!r}, "
        f"public_key_rotation_timestamp={registration.public_key_rotation_timestamp!r})"
    )
    assert ruj.__version__
    misuse("construct a Registration", TypeError, lambda: Registration())


def registration_for(case):
    request = case["request"]
    verifier = verifier_with_test_key(request["product_code"], case["key"],
                                      case.get("configured_version", request["key_version"]))
    if request["nonce"] is None:
        return verifier.verify_replayable_without_nonce(case["token"], request["key_version"])
    return verifier.verify(case["token"], request["key_version"], request["nonce"])


def test_registration_repr_is_python_for_every_kind_of_claim():
    # No nonce, times as floats, as JSON text (str) and absent: the repr evaluates back to
    # the same values.
    valid = [case for case in FIXTURES if case["expect"] == "valid"]
    seen = set()
    for case in valid:
        registration = registration_for(case)
        text = repr(registration)
        for rust_syntax in ["Some(", "Seconds(", "Other("]:
            assert rust_syntax not in text, text
        fields = eval(text, {"Registration": lambda **fields: fields})  # noqa: S307 - our repr
        assert fields == {
            "product_code": registration.product_code,
            "key_version": registration.key_version,
            "nonce": registration.nonce,
            "issued_at": registration.issued_at,
            "public_key_rotation_timestamp": registration.public_key_rotation_timestamp,
        }
        seen.add((registration.nonce is None, type(registration.issued_at).__name__,
                  type(registration.public_key_rotation_timestamp).__name__))
    assert any(nonce_absent for nonce_absent, _, _ in seen)
    kinds = {kind for _, issued, rotation in seen for kind in (issued, rotation)}
    assert {"NoneType", "float", "str"} <= kinds, seen


def test_verifier_repr_is_python():
    pem = published_test_key("test-only-rsa2048")
    verifier = Verifier.dangerously_allowing_published_test_keys(PRODUCT, {2: pem, 1: pem})
    assert repr(verifier) == (
        f"Verifier(product_code={PRODUCT!r}, key_versions={verifier.key_versions!r})"
    )
