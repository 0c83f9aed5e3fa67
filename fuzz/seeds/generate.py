#!/usr/bin/env python3
"""Writes the generated fuzz seeds into the working corpus, fuzz/corpus/<target>/.

verify_token: valid tokens for each test key size under the fuzz verifier's versions
(2048 = 1, 3072 = 2, 4096 = 3), PascalCase and camelCase claims, with and without a
nonce, plus every token of tests/fixtures/tokens.json up to 8193 bytes (the attack cases).
parse_header / parse_claims: the decoded headers and payloads of those tokens.
load_key: every public key in keys/ as PEM and as DER.
The structured targets (structured_claims, signed_claims, differential_pss) take
`arbitrary` input and start from an empty corpus.

Needs python3 with `cryptography`. Seeds are named by content hash, so reruns add
only new files; PSS salts are random, so delete the directories first to regenerate.
The committed seeds are the archives fuzz/seeds/<target>.tar.xz: to add these to them,
`fuzz/seeds.sh unpack`, run this, then `fuzz/seeds.sh pack` (which packs all of
fuzz/corpus/<target>/, so start from a corpus that holds only the seeds).
"""
import base64
import hashlib
import json
import os
import pathlib

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

ROOT = pathlib.Path(".")
SEEDS = ROOT / "fuzz" / "corpus"
PRODUCT = "1fszvu527waovqeuhpkyx2b5d"
NONCE = "3f1e5a0c-6b7d-4e2a-9c31-0d8f2b7a4e55"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def write(target: str, data: bytes) -> None:
    directory = SEEDS / target
    directory.mkdir(parents=True, exist_ok=True)
    (directory / hashlib.sha1(data).hexdigest()).write_bytes(data)


def mint(stem: str, header: dict, claims: dict) -> str:
    key = serialization.load_pem_private_key(
        (ROOT / "keys" / f"{stem}.key.pem").read_bytes(), password=None
    )
    signing_input = (
        b64(json.dumps(header, separators=(",", ":")).encode())
        + "."
        + b64(json.dumps(claims, separators=(",", ":")).encode())
    )
    signature = key.sign(
        signing_input.encode(),
        padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
        hashes.SHA256(),
    )
    return signing_input + "." + b64(signature)


def main() -> None:
    header = {"alg": "PS256", "typ": "JWT"}
    tokens = []
    for version, stem in enumerate(
        ["test-only-rsa2048", "test-only-rsa3072", "test-only-rsa4096"], start=1
    ):
        pascal = {"ProductCode": PRODUCT, "PublicKeyVersion": version, "Nonce": NONCE,
                  "PublicKeyRotationTimestamp": None}
        camel = {"productCode": PRODUCT, "publicKeyVersion": version, "nonce": NONCE,
                 "iat": 1700000000}
        bare = {"productCode": PRODUCT, "publicKeyVersion": version}
        for claims in (pascal, camel, bare):
            tokens.append(mint(stem, header, claims))
    fixtures = json.loads((ROOT / "tests" / "fixtures" / "tokens.json").read_text())
    for case in fixtures["cases"]:
        if case["name"].endswith("/openssl"):
            continue  # the same case as its /cryptography twin
        if len(case["token"].encode()) <= 8193:
            tokens.append(case["token"])
    for token in tokens:
        write("verify_token", token.encode())
        parts = token.split(".")
        if len(parts) != 3:
            continue
        for target, part in (("parse_header", parts[0]), ("parse_claims", parts[1])):
            try:
                write(target, unb64(part))
            except ValueError:
                pass
    for path in sorted((ROOT / "keys").glob("*.pub*")):
        data = path.read_bytes()
        write("load_key", data)
        if data.startswith(b"-----BEGIN"):
            body = b"".join(l for l in data.splitlines() if not l.startswith(b"-----"))
            write("load_key", base64.b64decode(body))
        else:
            write("load_key", data)


if __name__ == "__main__":
    os.chdir(pathlib.Path(__file__).resolve().parents[2])
    main()
