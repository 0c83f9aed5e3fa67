"""The one conformance corpus (tests/fixtures/conformance.json, written by
tests/fixtures/generate_conformance.py): every interop fixture and a case for every
rejection and configuration code, the same file the Rust, C and Go tests run. Each case
must raise the exception class of its kind with its code (or verify, for "valid")."""

import collections.abc
import json

import pytest

from register_usage_jwt import ConfigurationError, Registration, TokenRejected, Verifier

from conftest import REPO

CORPUS = json.loads((REPO / "tests/fixtures/conformance.json").read_text(encoding="utf-8"))
CASES = CORPUS["cases"]
EXCEPTIONS = {"rejection": TokenRejected, "configuration": ConfigurationError}


class KeyPairs(collections.abc.Mapping):
    """The case's keys in their order, one version possibly twice (a dict cannot hold that,
    and the `duplicate_key_versions` cases need it)."""

    def __init__(self, pairs):
        self.pairs = pairs

    def __getitem__(self, version):
        return next(key for v, key in self.pairs if v == version)

    def __iter__(self):
        return iter([version for version, _ in self.pairs])

    def __len__(self):
        return len(self.pairs)

    def items(self):
        return list(self.pairs)


def key(entry):
    if "file" in entry:
        return (REPO / entry["file"]).read_bytes()
    return entry["text"]


def run(case):
    keys = KeyPairs([(entry["version"], key(entry)) for entry in case["keys"]])
    make = Verifier.dangerously_allowing_published_test_keys if case["allow_published_test_keys"] else Verifier
    verifier = make(case["product_code"], keys)
    verify = case["verify"]
    if verify is None:
        return verifier
    if verify["nonce"] is None:
        return verifier.verify_replayable_without_nonce(verify["token"], verify["key_version"])
    return verifier.verify(verify["token"], verify["key_version"], verify["nonce"])


def test_the_corpus_is_format_1_and_not_empty():
    assert CORPUS["format"] == 1
    assert len(CASES) > 150


def test_every_listed_code_has_a_case():
    listed = set(CORPUS["codes"]["rejection"]) | set(CORPUS["codes"]["configuration"])
    assert listed == {case["expect"] for case in CASES} - {"valid"}
    assert not listed & set(CORPUS["not_covered"])


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_conformance_case(case):
    if case["expect"] == "valid":
        registration = run(case)
        # The claims are compared field by field in test_verifier.py's interop test.
        assert isinstance(registration, Registration)
        assert registration.product_code == case["claims"]["product_code"]
        return
    with pytest.raises(EXCEPTIONS[case["kind"]]) as caught:
        run(case)
    assert caught.value.code == case["expect"]
    assert str(caught.value)
