#!/usr/bin/env python3
"""Vendor the test vectors into tests/vectors/ (re-runnable; overwrites the vendored copies).

    python3 tests/vectors/vendor.py [SOURCE_DIR]     (default /work/shared/vectors)

* wycheproof/: the listed Wycheproof files, copied byte for byte, plus LICENSE.
* jwt/: every *.json copied; files that carry only a `jwk` get a DERIVED field
  `public_key_pem` (SPKI PEM built from the JWK's n and e with python `cryptography`),
  inserted right after `jwk`. Files that already have `public_key_pem` are copied verbatim.
* LICENSES/: Apache-2.0 (Wycheproof's LICENSE file) and MIT.
"""
import base64
import json
import os
import shutil
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicNumbers

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/vectors"

WYCHEPROOF = [
    "rsa_pss_2048_sha256_mgf1_32_test.json",
    "rsa_pss_3072_sha256_mgf1_32_test.json",
    "rsa_pss_4096_sha256_mgf1_32_test.json",
    "rsa_pss_2048_sha256_mgf1_32_params_test.json",
    "rsa_pss_3072_sha256_mgf1_32_params_test.json",
    "rsa_pss_2048_sha256_mgf1_0_test.json",
    "rsa_pss_misc_test.json",
    "rsa_signature_2048_sha256_test.json",
    "rsa_signature_3072_sha256_test.json",
    "rsa_signature_4096_sha256_test.json",
    "LICENSE",
]

MIT = """MIT License

Copyright (c) the respective upstream authors

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


def b64u_int(s):
    return int.from_bytes(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)), "big")


def jwk_to_pem(jwk):
    assert jwk["kty"] == "RSA", jwk
    key = RSAPublicNumbers(b64u_int(jwk["e"]), b64u_int(jwk["n"])).public_key()
    return key.public_bytes(serialization.Encoding.PEM,
                            serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def main():
    wdir = os.path.join(HERE, "wycheproof")
    jdir = os.path.join(HERE, "jwt")
    ldir = os.path.join(HERE, "LICENSES")
    for d in (wdir, jdir, ldir):
        os.makedirs(d, exist_ok=True)
    for name in WYCHEPROOF:
        shutil.copyfile(os.path.join(SRC, "wycheproof", name), os.path.join(wdir, name))
    shutil.copyfile(os.path.join(SRC, "wycheproof", "LICENSE"), os.path.join(ldir, "Apache-2.0.txt"))
    with open(os.path.join(ldir, "MIT.txt"), "w") as f:
        f.write(MIT)

    derived = []
    src_j = os.path.join(SRC, "jwt")
    for name in sorted(os.listdir(src_j)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(src_j, name), "rb") as f:
            raw = f.read()
        d = json.loads(raw)
        if "public_key_pem" in d or "jwk" not in d:
            with open(os.path.join(jdir, name), "wb") as f:
                f.write(raw)
            continue
        out = {}
        for k, v in d.items():
            out[k] = v
            if k == "jwk":
                out["public_key_pem"] = jwk_to_pem(v)
        with open(os.path.join(jdir, name), "w", encoding="utf-8") as f:
            json.dump(out, f, indent=2, ensure_ascii=False)
            f.write("\n")
        derived.append(name)
    print("wycheproof: %d files; jwt: public_key_pem derived for %d files: %s"
          % (len(WYCHEPROOF), len(derived), ", ".join(derived)))


if __name__ == "__main__":
    main()
