#!/usr/bin/env python3
"""Writes tests/fixtures/tokens.json as lines a C program reads without a JSON parser.

One case per line, space-separated; text fields are hex-encoded UTF-8 so any nonce or token
survives, `-` stands for null:

    name key_stem product request_version configured_version nonce expect
    claim_product claim_version claim_nonce claim_issued_at claim_rotation token

The claim fields are `-` unless expect is `valid`; timestamps are Python float reprs, which
C's strtod reads back to the same double.

    python3 bindings/c/tests/c/fixtures_to_lines.py tests/fixtures/tokens.json OUT
"""

import json
import sys


def hexed(text):
    return "-" if text is None else (text.encode("utf-8").hex() or "=")


def number(value):
    if isinstance(value, dict):  # {"other": true}: present, not a NumericDate
        return "other"
    return "-" if value is None else repr(float(value))


def main(source, destination):
    cases = json.load(open(source, encoding="utf-8"))["cases"]
    with open(destination, "w", encoding="ascii") as out:
        for case in cases:
            request = case["request"]
            claims = case.get("claims") or {}
            fields = [
                hexed(case["name"]),
                case["key"],
                hexed(request["product_code"]),
                str(request["key_version"]),
                str(case.get("configured_version", request["key_version"])),
                hexed(request["nonce"]),
                case["expect"],
                hexed(claims.get("product_code")),
                str(claims["key_version"]) if claims else "-",
                hexed(claims.get("nonce")),
                number(claims.get("issued_at")),
                number(claims.get("rotation")),
                hexed(case["token"]),
            ]
            out.write(" ".join(fields) + "\n")
    print(f"{len(cases)} cases written to {destination}")


if __name__ == "__main__":
    main(*sys.argv[1:])
