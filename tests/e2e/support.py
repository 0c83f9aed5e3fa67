"""Shared pieces of the end-to-end tests: where the binaries are, the emulator as a context
manager, and independent checks with python `cryptography`.

Binaries (defaults relative to the repository root; `cli/tests/e2e.rs` sets them all):
    REGISTER_USAGE_JWT_BIN                  target/debug/register-usage-jwt
    REGISTER_USAGE_STARTUP_BIN              target/debug/register-usage-startup-example
                                            (the shipped program: the product key compiled in)
    REGISTER_USAGE_STARTUP_TEST_KEYS_BIN    target/debug/register-usage-startup-example-insecure-test-keys
                                            (TEST ONLY keys v1 and v2 compiled in; sends v2)
    REGISTER_USAGE_STARTUP_TEST_KEYS_V1_BIN target/debug/register-usage-startup-example-insecure-test-keys-v1-only
                                            (TEST ONLY key v1 compiled in; sends v1)
The two TEST ONLY programs are built by
    cargo build -p register-usage-startup-example --features insecure-published-test-keys --bins
"""

import base64
import json
import os
import queue
import subprocess
import tempfile
import threading
import urllib.error
import urllib.request
from pathlib import Path

import boto3
from botocore.config import Config
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

REPO = Path(__file__).resolve().parents[2]
TARGET = REPO / "target" / "debug"
BIN = os.environ.get("REGISTER_USAGE_JWT_BIN", str(TARGET / "register-usage-jwt"))
STARTUP_BIN = os.environ.get(
    "REGISTER_USAGE_STARTUP_BIN", str(TARGET / "register-usage-startup-example")
)
STARTUP_TEST_KEYS_BIN = os.environ.get(
    "REGISTER_USAGE_STARTUP_TEST_KEYS_BIN",
    str(TARGET / "register-usage-startup-example-insecure-test-keys"),
)
STARTUP_TEST_KEYS_V1_BIN = os.environ.get(
    "REGISTER_USAGE_STARTUP_TEST_KEYS_V1_BIN",
    str(TARGET / "register-usage-startup-example-insecure-test-keys-v1-only"),
)
KEYS = REPO / "keys"
PUB = KEYS / "test-only-rsa2048.pub.pem"
PRIV_2048 = KEYS / "test-only-rsa2048.key.pem"
PRIV_3072 = KEYS / "test-only-rsa3072.key.pem"
PUB_3072 = KEYS / "test-only-rsa3072.pub.pem"
OTHER_PRIV = KEYS / "test-only-rsa2048-other.key.pem"
PRODUCT = "cqcvf9f0ugw8rkbgmf1c9dxyz"
NONCE = "2ead20e4-3e6d-42cd-8f56-24f02d1cc4e1"
TIMEOUT = 120


def b64url_decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def token_claims(token: str) -> dict:
    """The claims of a token, NOT verified."""
    return json.loads(b64url_decode(token.split(".")[1]))


def fresh_private_key(directory: Path, name: str, bits: int = 2048) -> Path:
    """A newly generated RSA key (PKCS#8 PEM) in `directory`; nobody else has it."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    path = directory / name
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    public = directory / (name + ".pub.pem")
    public.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return path


class Emulator:
    """`register-usage-jwt emulate --listen 127.0.0.1:0 ARGS...`, as a context manager."""

    def __init__(self, *args: str):
        self.args = [BIN, "emulate", "--listen", "127.0.0.1:0", *args]
        self.log = tempfile.TemporaryFile()

    def __enter__(self) -> "Emulator":
        self.proc = subprocess.Popen(
            self.args, stdout=subprocess.PIPE, stderr=self.log, text=True
        )
        lines: "queue.Queue[str]" = queue.Queue()
        threading.Thread(
            target=lambda: lines.put(self.proc.stdout.readline()), daemon=True
        ).start()
        try:
            first = lines.get(timeout=TIMEOUT)
        except queue.Empty:
            self.__exit__(None, None, None)
            raise AssertionError("the emulator printed no address")
        prefix = "listening on "
        if not first.startswith(prefix):
            self.__exit__(None, None, None)
            raise AssertionError(f"unexpected first line {first!r}: {self.stderr()}")
        self.url = first[len(prefix):].strip()
        return self

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()
        self.log.close()

    def stderr(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def client(self, max_attempts: int | None = None):
        """A boto3 Metering client for the emulator. `max_attempts` counts every attempt, so
        1 disables botocore's retries (botocore's own `max_attempts` key counts retries)."""
        config = None
        if max_attempts is not None:
            config = Config(retries={"total_max_attempts": max_attempts, "mode": "standard"})
        return boto3.client(
            "meteringmarketplace",
            region_name="us-east-1",
            endpoint_url=self.url,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=config,
        )

    def catalog(self):
        """A boto3 Marketplace Catalog client for the emulator, without retries."""
        return boto3.client(
            "marketplace-catalog",
            region_name="us-east-1",
            endpoint_url=self.url,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=Config(retries={"total_max_attempts": 1, "mode": "standard"}),
        )

    def http(self, method: str, path: str, body=None, headers=None):
        """A plain HTTP request; returns (status, headers, parsed JSON body)."""
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path, data=data, method=method, headers=headers or {}
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                return response.status, response.headers, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, error.headers, json.loads(error.read())

    def raw(self, body: bytes, target: str = "AWSMPMeteringService.RegisterUsage"):
        """POSTs `body` as AWS JSON 1.1; returns (status, headers, parsed JSON body)."""
        return self.http(
            "POST",
            "/",
            body,
            {"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"},
        )

    def calls(self) -> dict:
        """The emulator's request counters, by operation."""
        status, _, body = self.http("GET", "/_emulator/calls")
        assert status == 200, body
        return body

    def add_key(self, version: int, private_key: Path, rotation=None):
        body = {"PublicKeyVersion": version, "PrivateKey": private_key.read_text()}
        if rotation is not None:
            body["PublicKeyRotationTimestamp"] = rotation
        return self.http("POST", "/_emulator/keys", body)

    def expire(self, version: int, rotation):
        body = {"PublicKeyVersion": version, "PublicKeyRotationTimestamp": rotation}
        return self.http("POST", "/_emulator/expire", body)


def cli_verify(token: str, *extra: str, key: Path = PUB, product: str = PRODUCT, test_keys=True):
    args = [BIN, "verify", "--product-code", product, "--public-key", str(key), *extra]
    if test_keys:
        args.append("--insecure-allow-published-test-keys")
    args.append("-")
    return subprocess.run(args, input=token + "\n", capture_output=True, text=True, timeout=TIMEOUT)


def py_verify(token: str, public_pem: Path = PUB) -> dict:
    """Independent PS256 check with python `cryptography`; returns the claims."""
    return py_verify_key(token, serialization.load_pem_public_key(public_pem.read_bytes()))


def py_verify_key(token: str, key) -> dict:
    header, payload, signature = token.split(".")
    key.verify(
        b64url_decode(signature),
        f"{header}.{payload}".encode(),
        padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
        hashes.SHA256(),
    )
    assert json.loads(b64url_decode(header)) == {"alg": "PS256", "typ": "JWT"}
    return json.loads(b64url_decode(payload))
