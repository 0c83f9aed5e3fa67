"""End-to-end tests: the RegisterUsage emulator, boto3, the CLI verifier, python
`cryptography`, and the start-up example.

Builds nothing. Run from anywhere after `cargo build --workspace`:

    python3 -m unittest discover -s tests/e2e -v

Binaries (defaults relative to the repository root):
    REGISTER_USAGE_JWT_BIN      target/debug/register-usage-jwt
    REGISTER_USAGE_STARTUP_BIN  target/debug/register-usage-startup-example
                                (the start-up example tests are skipped if it is missing)

Needs python3 with boto3 and cryptography.
"""

import base64
import json
import os
import queue
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request
from pathlib import Path

import boto3
import botocore.exceptions
from botocore.config import Config
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

REPO = Path(__file__).resolve().parents[2]
BIN = os.environ.get("REGISTER_USAGE_JWT_BIN", str(REPO / "target/debug/register-usage-jwt"))
STARTUP_BIN = os.environ.get(
    "REGISTER_USAGE_STARTUP_BIN", str(REPO / "target/debug/register-usage-startup-example")
)
KEYS = REPO / "keys"
PUB = KEYS / "test-only-rsa2048.pub.pem"
OTHER_PRIV = KEYS / "test-only-rsa2048-other.key.pem"
PRODUCT = "cqcvf9f0ugw8rkbgmf1c9dxyz"
NONCE = "2ead20e4-3e6d-42cd-8f56-24f02d1cc4e1"
TIMEOUT = 60


def b64url_decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


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
        """A boto3 client for the emulator. `max_attempts` counts every attempt, so 1 disables
        botocore's retries (botocore's own `max_attempts` key counts retries only)."""
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

    def raw(self, body: bytes, target: str = "AWSMPMeteringService.RegisterUsage"):
        """POSTs `body` as AWS JSON 1.1; returns (status, headers, parsed JSON body)."""
        request = urllib.request.Request(
            self.url + "/",
            data=body,
            method="POST",
            headers={"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"},
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                return response.status, response.headers, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, error.headers, json.loads(error.read())


def cli_verify(token: str, *extra: str, key: Path = PUB, product: str = PRODUCT, test_keys=True):
    args = [BIN, "verify", "--product-code", product, "--public-key", str(key), *extra]
    if test_keys:
        args.append("--insecure-allow-published-test-keys")
    args.append("-")
    return subprocess.run(args, input=token + "\n", capture_output=True, text=True, timeout=TIMEOUT)


def py_verify(token: str, public_pem: Path = PUB) -> dict:
    """Independent PS256 check with python `cryptography`; returns the claims."""
    header, payload, signature = token.split(".")
    key = serialization.load_pem_public_key(public_pem.read_bytes())
    key.verify(
        b64url_decode(signature),
        f"{header}.{payload}".encode(),
        padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
        hashes.SHA256(),
    )
    assert json.loads(b64url_decode(header)) == {"alg": "PS256", "typ": "JWT"}
    return json.loads(b64url_decode(payload))


class EmulatorWithSdk(unittest.TestCase):
    def register(self, emulator: Emulator, **kwargs):
        params = {"ProductCode": PRODUCT, "PublicKeyVersion": 1, "Nonce": NONCE}
        params.update(kwargs)
        return emulator.client(max_attempts=1).register_usage(**params)

    def test_success_verifies_with_cli_and_cryptography(self):
        with Emulator("--product-code", PRODUCT) as emu:
            response = self.register(emu)
        token = response["Signature"]
        self.assertNotIn("PublicKeyRotationTimestamp", response)

        result = cli_verify(token, "--nonce", NONCE, "--json")
        self.assertEqual(result.returncode, 0, result)
        self.assertEqual(
            json.loads(result.stdout),
            {
                "valid": True,
                "product_code": PRODUCT,
                "public_key_version": 1,
                "nonce": NONCE,
                "issued_at": None,
                "public_key_rotation_timestamp": None,
            },
        )
        claims = py_verify(token)
        self.assertEqual(
            claims, {"ProductCode": PRODUCT, "PublicKeyVersion": 1, "Nonce": NONCE}
        )

    def test_camel_spelling_with_iat(self):
        with Emulator("--spelling", "camel", "--iat") as emu:
            token = self.register(emu)["Signature"]
        claims = py_verify(token)
        self.assertEqual(claims["productCode"], PRODUCT)
        self.assertEqual(claims["publicKeyVersion"], 1)
        self.assertEqual(claims["nonce"], NONCE)
        self.assertLess(abs(claims["iat"] - time.time()), 300)
        result = cli_verify(token, "--nonce", NONCE, "--json")
        self.assertEqual(result.returncode, 0, result)
        self.assertEqual(json.loads(result.stdout)["issued_at"], claims["iat"])

    def test_rotation_timestamp_is_surfaced(self):
        with Emulator("--rotation-timestamp", "1767225600") as emu:
            response = self.register(emu)
        self.assertEqual(response["PublicKeyRotationTimestamp"].timestamp(), 1767225600)
        token = response["Signature"]
        self.assertEqual(py_verify(token)["PublicKeyRotationTimestamp"], 1767225600)
        result = cli_verify(token, "--nonce", NONCE, "--json")
        self.assertEqual(result.returncode, 0, result)
        self.assertEqual(json.loads(result.stdout)["public_key_rotation_timestamp"], 1767225600)
        self.assertIn("PublicKeyRotationTimestamp", result.stderr)
        human = cli_verify(token, "--nonce", NONCE)
        self.assertEqual(human.returncode, 0, human)
        self.assertIn("WARNING", human.stderr)
        self.assertIn("EXPIRED", human.stderr)

    def test_without_nonce_is_replayable_and_says_so(self):
        with Emulator() as emu:
            response = emu.client(max_attempts=1).register_usage(
                ProductCode=PRODUCT, PublicKeyVersion=1
            )
        token = response["Signature"]
        self.assertNotIn("Nonce", py_verify(token))
        result = cli_verify(token, "--no-nonce", "--json")
        self.assertEqual(result.returncode, 0, result)
        self.assertIsNone(json.loads(result.stdout)["nonce"])
        self.assertIn("REPLAYABLE", result.stderr)
        result = cli_verify(token, "--nonce", NONCE, "--json")
        self.assertEqual(result.returncode, 1, result)
        self.assertEqual(json.loads(result.stdout)["error"]["code"], "nonce_missing")

    def test_replayed_token_is_refused(self):
        with Emulator() as emu:
            token = self.register(emu)["Signature"]
        result = cli_verify(token, "--nonce", "another-nonce", "--json")
        self.assertEqual(result.returncode, 1, result)
        self.assertEqual(json.loads(result.stdout)["error"]["code"], "nonce_mismatch")

    def test_error_scenarios_arrive_as_sdk_exceptions(self):
        cases = {
            "not-entitled": "CustomerNotEntitledException",
            "platform-not-supported": "PlatformNotSupportedException",
            "invalid-region": "InvalidRegionException",
            "disabled-api": "DisabledApiException",
            "internal-error": "InternalServiceErrorException",
        }
        for scenario, name in cases.items():
            with self.subTest(scenario=scenario), Emulator("--scenario", scenario) as emu:
                client = emu.client(max_attempts=1)
                exception = getattr(client.exceptions, name)
                with self.assertRaises(exception) as caught:
                    client.register_usage(ProductCode=PRODUCT, PublicKeyVersion=1, Nonce=NONCE)
                status = caught.exception.response["ResponseMetadata"]["HTTPStatusCode"]
                self.assertEqual(status, 500 if scenario == "internal-error" else 400)

    def test_invalid_product_code(self):
        with Emulator("--product-code", PRODUCT) as emu:
            client = emu.client(max_attempts=1)
            with self.assertRaises(client.exceptions.InvalidProductCodeException):
                client.register_usage(ProductCode="someoneelsesproduct", PublicKeyVersion=1)
            with self.assertRaises(client.exceptions.InvalidProductCodeException):
                client.register_usage(ProductCode="bad code!", PublicKeyVersion=1)

    def test_invalid_public_key_version(self):
        with Emulator("--key-version", "1", "--key-version", "2") as emu:
            client = emu.client(max_attempts=1)
            self.assertIn("Signature", client.register_usage(ProductCode=PRODUCT, PublicKeyVersion=2))
            with self.assertRaises(client.exceptions.InvalidPublicKeyVersionException):
                client.register_usage(ProductCode=PRODUCT, PublicKeyVersion=3)

    def test_nonce_too_long(self):
        with Emulator() as emu:
            client = emu.client(max_attempts=1)
            with self.assertRaises(botocore.exceptions.ClientError) as caught:
                client.register_usage(ProductCode=PRODUCT, PublicKeyVersion=1, Nonce="n" * 256)
            self.assertEqual(caught.exception.response["Error"]["Code"], "ValidationException")
            ok = client.register_usage(ProductCode=PRODUCT, PublicKeyVersion=1, Nonce="é" * 255)
            claims = py_verify(ok["Signature"])
            self.assertEqual(claims["Nonce"], "é" * 255)

    def test_throttling_without_retries_then_success(self):
        with Emulator("--throttle", "1") as emu:
            client = emu.client(max_attempts=1)
            with self.assertRaises(client.exceptions.ThrottlingException):
                client.register_usage(ProductCode=PRODUCT, PublicKeyVersion=1, Nonce=NONCE)
            token = client.register_usage(ProductCode=PRODUCT, PublicKeyVersion=1, Nonce=NONCE)[
                "Signature"
            ]
        self.assertEqual(cli_verify(token, "--nonce", NONCE).returncode, 0)

    def test_throttle_then_success_with_sdk_retries(self):
        with Emulator("--throttle", "2") as emu:
            response = emu.client(max_attempts=4).register_usage(
                ProductCode=PRODUCT, PublicKeyVersion=1, Nonce=NONCE
            )
            self.assertEqual(response["ResponseMetadata"]["RetryAttempts"], 2)
            self.assertEqual(emu.stderr().count("ThrottlingException"), 2)
        self.assertEqual(cli_verify(response["Signature"], "--nonce", NONCE).returncode, 0)

    def test_forged_token_is_refused(self):
        with Emulator("--private-key", str(OTHER_PRIV)) as emu:
            token = self.register(emu)["Signature"]
        result = cli_verify(token, "--nonce", NONCE, "--json")
        self.assertEqual(result.returncode, 1, result)
        self.assertEqual(json.loads(result.stdout)["error"]["code"], "bad_signature")
        with self.assertRaises(InvalidSignature):
            py_verify(token)

    def test_wrong_salt_length_is_refused(self):
        with Emulator("--salt-len", "20") as emu:
            token = self.register(emu)["Signature"]
        result = cli_verify(token, "--nonce", NONCE, "--json")
        self.assertEqual(result.returncode, 1, result)
        self.assertEqual(json.loads(result.stdout)["error"]["code"], "bad_signature")
        with self.assertRaises(InvalidSignature):
            py_verify(token)

    def test_raw_protocol(self):
        good = json.dumps({"ProductCode": PRODUCT, "PublicKeyVersion": 1}).encode()
        with Emulator() as emu:
            status, headers, body = emu.raw(good)
            self.assertEqual(status, 200)
            self.assertEqual(headers["Content-Type"], "application/x-amz-json-1.1")
            self.assertIn("Signature", body)

            cases = [
                (good, "AWSMPMeteringService.MeterUsage", "UnknownOperationException"),
                (good, "Nope", "UnknownOperationException"),
                (b"{not json", None, "SerializationException"),
                (b'{"PublicKeyVersion": 1}', None, "ValidationException"),
                (b'{"ProductCode": "", "PublicKeyVersion": 1}', None, "InvalidProductCodeException"),
                (json.dumps({"ProductCode": "x" * 256, "PublicKeyVersion": 1}).encode(), None,
                 "InvalidProductCodeException"),
                (b'{"ProductCode": "p", "PublicKeyVersion": 0}', None, "InvalidPublicKeyVersionException"),
                (b'{"ProductCode": "p", "PublicKeyVersion": "1"}', None, "InvalidPublicKeyVersionException"),
                (b'{"ProductCode": "p", "PublicKeyVersion": 1.5}', None, "InvalidPublicKeyVersionException"),
                (b'{"ProductCode": "p"}', None, "InvalidPublicKeyVersionException"),
                (b'{"ProductCode": "p", "PublicKeyVersion": 1, "Nonce": 5}', None, "ValidationException"),
            ]
            for body_bytes, target, name in cases:
                with self.subTest(body=body_bytes[:60], target=target):
                    args = (body_bytes,) if target is None else (body_bytes, target)
                    status, headers, body = emu.raw(*args)
                    self.assertEqual(status, 400)
                    self.assertEqual(body["__type"], name)
                    self.assertEqual(headers["x-amzn-ErrorType"], name)
                    self.assertTrue(body["message"])


@unittest.skipUnless(os.path.exists(STARTUP_BIN), f"{STARTUP_BIN} not built")
class StartupExample(unittest.TestCase):
    def run_example(self, emulator: Emulator, *args: str, test_keys: bool = True, **env):
        environment = {
            "PATH": os.environ.get("PATH", ""),
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": "/nonexistent/aws-config",
            "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/aws-credentials",
            "REGISTER_USAGE_ENDPOINT": emulator.url,
            "REGISTER_USAGE_PRODUCT_CODE": PRODUCT,
            "REGISTER_USAGE_PUBLIC_KEY": str(PUB),
            "REGISTER_USAGE_INITIAL_BACKOFF_MS": "50",
        }
        if test_keys:
            environment["REGISTER_USAGE_INSECURE_ALLOW_PUBLISHED_TEST_KEYS"] = "1"
        environment.update(env)
        return subprocess.run(
            [STARTUP_BIN, *args], env=environment, capture_output=True, text=True, timeout=TIMEOUT
        )

    def test_success(self):
        with Emulator("--product-code", PRODUCT, "--spelling", "camel", "--iat") as emu:
            result = self.run_example(emu)
        self.assertEqual(result.returncode, 0, result)
        self.assertIn("entitled", result.stdout)

    def test_not_entitled(self):
        with Emulator("--scenario", "not-entitled") as emu:
            result = self.run_example(emu)
        self.assertNotEqual(result.returncode, 0, result)
        self.assertIn("CustomerNotEntitledException", result.stderr)
        self.assertNotIn("entitled\n", result.stdout)

    def test_throttled_then_success(self):
        with Emulator("--throttle", "2") as emu:
            result = self.run_example(emu)
            self.assertEqual(emu.stderr().count("ThrottlingException"), 2)
        self.assertEqual(result.returncode, 0, result)
        self.assertIn("entitled", result.stdout)
        self.assertIn("ThrottlingException", result.stderr)

    def test_throttled_too_long_gives_up(self):
        with Emulator("--throttle", "100") as emu:
            result = self.run_example(emu)
        self.assertNotEqual(result.returncode, 0, result)
        self.assertIn("ThrottlingException", result.stderr)

    def test_forged_token(self):
        with Emulator("--private-key", str(OTHER_PRIV)) as emu:
            result = self.run_example(emu)
        self.assertNotEqual(result.returncode, 0, result)
        self.assertIn("bad_signature", result.stderr)

    def test_rotation_warning(self):
        with Emulator("--rotation-timestamp", "1767225600") as emu:
            result = self.run_example(emu)
        self.assertEqual(result.returncode, 0, result)
        self.assertIn("PublicKeyRotationTimestamp", result.stderr)

    def test_test_key_refused_without_opt_in(self):
        with Emulator() as emu:
            result = self.run_example(emu, test_keys=False)
        self.assertNotEqual(result.returncode, 0, result)
        self.assertIn("compromised_key", result.stderr)

    def test_args_override_env(self):
        with Emulator("--product-code", "other-product") as emu:
            result = self.run_example(emu, "--product-code", "other-product")
        self.assertEqual(result.returncode, 0, result)


if __name__ == "__main__":
    unittest.main()
