#!/usr/bin/env python3
"""Generate the TEST ONLY RSA key pairs in keys/.

Run from anywhere:  python3 keys/generate_keys.py [--force]

Refuses to overwrite existing key files unless --force is given: the keys are
generated once and committed, and the fixtures in tests/fixtures/ are signed
with them. Regenerating keys means regenerating tests/fixtures/tokens.json too.

Needs python3 `cryptography` and the `openssl` CLI (3.x, for the RSA-PSS keys
whose SPKI carries id-RSASSA-PSS with parameters).
"""
import os
import subprocess
import sys
import tempfile

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

HERE = os.path.dirname(os.path.abspath(__file__))


def p(name):
    return os.path.join(HERE, name)


PLAIN = {  # stem -> bits ; rsaEncryption keys, e = 65537
    "test-only-rsa2048": 2048,
    "test-only-rsa3072": 3072,
    "test-only-rsa4096": 4096,
    "test-only-rsa2048-other": 2048,
    "test-only-rsa1024": 1024,  # weak: the crate must reject it
}
PSS = {  # stem -> (md, saltlen) ; openssl genpkey -algorithm RSA-PSS, 2048 bits
    "test-only-rsapss2048-sha256-salt32": ("sha256", 32),
    "test-only-rsapss2048-sha384-salt20": ("sha384", 20),  # must be REJECTED by the crate
}


def outputs():
    files = []
    for stem in PLAIN:
        files += [stem + ".key.pem", stem + ".pub.pem"]
    files += [
        "test-only-rsa2048.pub.pkcs1.pem",
        "test-only-rsa2048.pub.der",
        "test-only-rsa2048.pub.pss-noparams.pem",
    ]
    for stem in PSS:
        files += [stem + ".key.pem", stem + ".pub.pem"]
    return files


def write(name, data):
    with open(p(name), "wb") as f:
        f.write(data)


# --- minimal DER helpers (for the hand-built id-RSASSA-PSS SPKI) ---
def der_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, body):
    return bytes([tag]) + der_len(len(body)) + body


OID_RSASSA_PSS = bytes.fromhex("06092a864886f70d01010a")  # 1.2.840.113549.1.1.10


def pss_noparams_spki(pub):
    pkcs1 = pub.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    alg = tlv(0x30, OID_RSASSA_PSS)  # AlgorithmIdentifier with parameters ABSENT
    return tlv(0x30, alg + tlv(0x03, b"\x00" + pkcs1))


def pem(label, der):
    import base64
    b = base64.b64encode(der).decode()
    lines = [b[i:i + 64] for i in range(0, len(b), 64)]
    return ("-----BEGIN %s-----\n%s\n-----END %s-----\n" % (label, "\n".join(lines), label)).encode()


def main():
    force = "--force" in sys.argv[1:]
    unknown = [a for a in sys.argv[1:] if a != "--force"]
    if unknown:
        sys.exit("usage: generate_keys.py [--force]")
    existing = [f for f in outputs() if os.path.exists(p(f))]
    if existing and not force:
        sys.exit("refusing to overwrite existing keys (%s ...); pass --force to regenerate "
                 "(then also regenerate tests/fixtures/tokens.json)" % existing[0])

    for stem, bits in PLAIN.items():
        key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
        write(stem + ".key.pem", key.private_bytes(serialization.Encoding.PEM,
                                                    serialization.PrivateFormat.PKCS8,
                                                    serialization.NoEncryption()))
        pub = key.public_key()
        write(stem + ".pub.pem", pub.public_bytes(serialization.Encoding.PEM,
                                                  serialization.PublicFormat.SubjectPublicKeyInfo))
        if stem == "test-only-rsa2048":
            write(stem + ".pub.pkcs1.pem", pub.public_bytes(serialization.Encoding.PEM,
                                                            serialization.PublicFormat.PKCS1))
            write(stem + ".pub.der", pub.public_bytes(serialization.Encoding.DER,
                                                      serialization.PublicFormat.SubjectPublicKeyInfo))
            write(stem + ".pub.pss-noparams.pem", pem("PUBLIC KEY", pss_noparams_spki(pub)))

    for stem, (md, salt) in PSS.items():
        subprocess.run(["openssl", "genpkey", "-algorithm", "RSA-PSS",
                        "-pkeyopt", "rsa_keygen_bits:2048",
                        "-pkeyopt", "rsa_keygen_pubexp:65537",
                        "-pkeyopt", "rsa_pss_keygen_md:" + md,
                        "-pkeyopt", "rsa_pss_keygen_mgf1_md:" + md,
                        "-pkeyopt", "rsa_pss_keygen_saltlen:%d" % salt,
                        "-out", p(stem + ".key.pem")], check=True)
        subprocess.run(["openssl", "pkey", "-in", p(stem + ".key.pem"), "-pubout",
                        "-out", p(stem + ".pub.pem")], check=True)
    print("wrote %d files in %s" % (len(outputs()), HERE))


if __name__ == "__main__":
    main()
