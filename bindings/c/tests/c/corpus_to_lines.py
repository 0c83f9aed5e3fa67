#!/usr/bin/env python3
"""Writes the conformance corpus (tests/fixtures/conformance.json: its `cases` and its
`c_abi` cases) as lines a C program reads without a JSON parser.

The first line names every code the corpus covers or explains (`codes`, `not_covered`, and
the same two of `c_abi`), so the C test can check each status of the C ABI against it:

    codes CODE...

then one case per line, space-separated; text and bytes are hex, `-` is NULL (or, for the
nonce, the call without a nonce), `=` the empty string:

    case NAME KIND EXPECT ALLOW PRODUCT NKEYS [VERSION KEY]... VERIFY TOKEN VERSION NONCE

ALLOW is 1 for the dangerous test-key opt-in; KEY is the key file's bytes or the key text;
VERIFY is `V` when the case verifies a token after creating the verifier, else `-` (and the
three fields after it are `-`).

    python3 bindings/c/tests/c/corpus_to_lines.py tests/fixtures/conformance.json OUT
"""

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[4]


def hexed(data):
    if data is None:
        return "-"
    if isinstance(data, str):
        data = data.encode("utf-8")
    return data.hex() or "="


def c_string(text, override_hex=None):
    """A NUL-terminated argument: hex of its bytes, which must hold no NUL (C would cut it)."""
    data = bytes.fromhex(override_hex) if override_hex is not None else (
        None if text is None else text.encode("utf-8"))
    assert data is None or b"\0" not in data, f"a NUL in {text!r}: C cannot pass it"
    return hexed(data)


def key_bytes(key):
    if "file" in key:
        return (REPO / key["file"]).read_bytes()
    return key["text"].encode("utf-8")


def line(case):
    fields = [
        "case",
        hexed(case["name"]),
        case["kind"],
        case["expect"],
        "1" if case["allow_published_test_keys"] else "0",
        c_string(case["product_code"], case.get("product_code_bytes")),
        str(len(case["keys"])),
    ]
    for key in case["keys"]:
        fields += [str(key["version"]), hexed(key_bytes(key))]
    verify = case["verify"]
    if verify is None:
        fields += ["-", "-", "-", "-"]
    else:
        fields += ["V", c_string(verify["token"]), str(verify["key_version"]),
                   c_string(verify["nonce"], verify.get("nonce_bytes"))]
    return " ".join(fields)


def main(source, destination):
    corpus = json.loads(Path(source).read_text(encoding="utf-8"))
    assert corpus["format"] == 1, "this converter reads format 1"
    c_abi = corpus["c_abi"]
    codes = (corpus["codes"]["rejection"] + corpus["codes"]["configuration"]
             + list(corpus["not_covered"]) + c_abi["codes"] + list(c_abi["not_covered"]))
    cases = corpus["cases"] + c_abi["cases"]
    with open(destination, "w", encoding="ascii") as out:
        out.write(" ".join(["codes"] + codes) + "\n")
        for case in cases:
            out.write(line(case) + "\n")
    print(f"{len(cases)} corpus cases ({len(c_abi['cases'])} of the C ABI) written to {destination}")


if __name__ == "__main__":
    main(*sys.argv[1:])
