"""End-to-end tests of the start-up example (`examples/startup/`) against
`register-usage-jwt emulate`.

Three programs, all built from examples/startup (see support.py for their paths):
- the SHIPPED program, `register-usage-startup-example`: the product key compiled in, built
  without the TEST ONLY feature. The attack tests run it against an attacker's emulator.
- `...-insecure-test-keys`: TEST ONLY keys v1 (RSA-2048) and v2 (RSA-3072) compiled in;
  sends v2. The flow, retry and rotation tests run it.
- `...-insecure-test-keys-v1-only`: TEST ONLY key v1 only; the release from before a key
  rotation.

Run by `cli/tests/e2e.rs`, which builds the two TEST ONLY programs; or by hand after
    cargo build --workspace
    cargo build -p register-usage-startup-example --features insecure-published-test-keys --bins
    python3 -m unittest discover -s tests/e2e -v
"""

import json
import os
import subprocess
import tempfile
import unittest
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from support import (
    KEYS,
    OTHER_PRIV,
    PRIV_2048,
    PRIV_3072,
    REPO,
    STARTUP_BIN,
    STARTUP_TEST_KEYS_BIN,
    STARTUP_TEST_KEYS_V1_BIN,
    TIMEOUT,
    Emulator,
    fresh_private_key,
)

# The product code compiled into every start-up program.
EXAMPLE_PRODUCT = "1fszvu527waovqeuhpkyx2b5d"
# examples/startup/src/retry.rs: MAX_ATTEMPTS.
MAX_ATTEMPTS = 5
ROTATION = 1767225600
CATALOG_ENTITY = "prod-startupexample1"

# The documented RegisterUsage errors that must stop the program after one call.
NOT_RETRIED = [
    "CustomerNotEntitledException",
    "DisabledApiException",
    "InvalidProductCodeException",
    "InvalidPublicKeyVersionException",
    "InvalidRegionException",
    "PlatformNotSupportedException",
]


def environment(emulator: Emulator, **extra: str) -> dict:
    """A clean environment: dummy credentials, a region, the emulator as the endpoint."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": "/nonexistent/aws-config",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/aws-credentials",
        "REGISTER_USAGE_ENDPOINT": emulator.url,
    }
    env.update(extra)
    return env


def run(program: str, emulator: Emulator, *args: str, **extra: str):
    return subprocess.run(
        [program, *args],
        env=environment(emulator, **extra),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def der_of_pem(path: Path) -> bytes:
    return serialization.load_pem_public_key(path.read_bytes()).public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def example_emulator(*extra: str, v1: Path = PRIV_2048, v2: Path = PRIV_3072) -> Emulator:
    """The emulator signing as AWS would for the TEST ONLY programs' two key versions."""
    return Emulator(
        "--key", f"1={v1}", "--key", f"2={v2}", "--product-code", EXAMPLE_PRODUCT, *extra
    )


@unittest.skipUnless(os.path.exists(STARTUP_TEST_KEYS_BIN), f"{STARTUP_TEST_KEYS_BIN} not built")
class StartupFlow(unittest.TestCase):
    """The flow, with the TEST ONLY program (sends key version 2)."""

    def assert_entitled(self, result):
        self.assertEqual(result.returncode, 0, result)
        self.assertEqual(result.stdout.splitlines(), ["entitled", "working"], result)
        self.assertIn("THIS BUILD TRUSTS PUBLISHED TEST KEYS", result.stderr)

    def assert_not_started(self, result, reason: str):
        self.assertEqual(result.returncode, 1, result)
        self.assertNotIn("entitled", result.stdout, result)
        self.assertNotIn("working", result.stdout, result)
        self.assertIn("NOT STARTING", result.stderr)
        self.assertIn(reason, result.stderr)

    def test_success_sends_the_newest_version(self):
        with example_emulator() as emu:
            result = run(STARTUP_TEST_KEYS_BIN, emu)
            self.assertEqual(emu.calls()["RegisterUsage"], 1)
            self.assertIn("RegisterUsage #1 v2 -> 200", emu.stderr())
        self.assert_entitled(result)
        self.assertIn("key version 2", result.stderr)
        self.assertNotIn("KEY ROTATION", result.stderr)

    def test_camel_case_claims_with_iat(self):
        with example_emulator("--spelling", "camel", "--iat") as emu:
            result = run(STARTUP_TEST_KEYS_BIN, emu)
        self.assert_entitled(result)

    def test_throttled_three_times_then_success(self):
        with example_emulator("--fail-with", "ThrottlingException:3") as emu:
            result = run(STARTUP_TEST_KEYS_BIN, emu)
            self.assertEqual(emu.calls()["RegisterUsage"], 4)
        self.assert_entitled(result)

    def test_internal_error_twice_then_success(self):
        with example_emulator("--fail-with", "InternalServiceErrorException:2") as emu:
            result = run(STARTUP_TEST_KEYS_BIN, emu)
            self.assertEqual(emu.calls()["RegisterUsage"], 3)
        self.assert_entitled(result)

    def test_internal_error_for_ever_stops_at_the_bound(self):
        with example_emulator("--fail-with", "InternalServiceErrorException") as emu:
            result = run(STARTUP_TEST_KEYS_BIN, emu)
            self.assertEqual(emu.calls()["RegisterUsage"], MAX_ATTEMPTS)
        self.assert_not_started(result, "InternalServiceErrorException")

    def test_throttled_for_ever_stops_at_the_bound(self):
        with example_emulator("--fail-with", "ThrottlingException") as emu:
            result = run(STARTUP_TEST_KEYS_BIN, emu)
            self.assertEqual(emu.calls()["RegisterUsage"], MAX_ATTEMPTS)
        self.assert_not_started(result, "ThrottlingException")

    def test_every_other_documented_error_stops_after_one_call(self):
        for name in NOT_RETRIED:
            with self.subTest(name=name), example_emulator("--fail-with", name) as emu:
                result = run(STARTUP_TEST_KEYS_BIN, emu)
                self.assertEqual(emu.calls()["RegisterUsage"], 1)
                self.assert_not_started(result, name)

    def test_sdk_retry_settings_in_the_environment_change_nothing(self):
        sdk_settings = {"AWS_MAX_ATTEMPTS": "1", "AWS_RETRY_MODE": "adaptive"}
        with example_emulator("--fail-with", "ThrottlingException:2") as emu:
            result = run(STARTUP_TEST_KEYS_BIN, emu, **sdk_settings)
            self.assertEqual(emu.calls()["RegisterUsage"], 3)
        self.assert_entitled(result)
        with example_emulator("--fail-with", "InternalServiceErrorException") as emu:
            result = run(STARTUP_TEST_KEYS_BIN, emu, AWS_MAX_ATTEMPTS="50")
            self.assertEqual(emu.calls()["RegisterUsage"], MAX_ATTEMPTS)
        self.assert_not_started(result, "InternalServiceErrorException")

    def test_forged_token_is_refused_without_retry(self):
        with example_emulator(v2=OTHER_PRIV) as emu:
            result = run(STARTUP_TEST_KEYS_BIN, emu)
            self.assertEqual(emu.calls()["RegisterUsage"], 1)
        self.assert_not_started(result, "bad_signature")

    def test_unknown_key_version(self):
        with Emulator("--key", f"1={PRIV_2048}") as emu:
            result = run(STARTUP_TEST_KEYS_BIN, emu)
            self.assertEqual(emu.calls()["RegisterUsage"], 1)
        self.assert_not_started(result, "InvalidPublicKeyVersionException")

    def test_no_answer(self):
        with example_emulator() as emu:
            url = emu.url
        # The emulator has stopped: nothing listens there now.
        result = subprocess.run(
            [STARTUP_TEST_KEYS_BIN],
            env={**environment(emu), "REGISTER_USAGE_ENDPOINT": url},
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        self.assert_not_started(result, "RegisterUsage failed")


@unittest.skipUnless(
    os.path.exists(STARTUP_TEST_KEYS_BIN) and os.path.exists(STARTUP_TEST_KEYS_V1_BIN),
    "the TEST ONLY start-up programs are not built",
)
class KeyRotation(unittest.TestCase):
    """AWS issues key version 2 and expires version 1; the seller fetches v2, embeds it and
    ships a release that sends it."""

    def test_rotation_end_to_end(self):
        with Emulator(
            "--key", f"1={PRIV_2048}",
            "--product-code", EXAMPLE_PRODUCT,
            "--catalog-product-id", CATALOG_ENTITY,
        ) as emu:
            # Release 1 knows only version 1.
            before = run(STARTUP_TEST_KEYS_V1_BIN, emu)
            self.assertEqual(before.returncode, 0, before)
            self.assertNotIn("KEY ROTATION", before.stderr)

            # AWS Marketplace issues version 2 and expires version 1.
            self.assertEqual(emu.add_key(2, PRIV_3072)[0], 200)
            self.assertEqual(emu.expire(1, ROTATION)[0], 200)

            # Release 1 still starts, and says loudly that its key version has expired.
            expired = run(STARTUP_TEST_KEYS_V1_BIN, emu)
            self.assertEqual(expired.returncode, 0, expired)
            self.assertEqual(expired.stdout.splitlines(), ["entitled", "working"])
            self.assertIn("KEY ROTATION", expired.stderr)
            self.assertIn(f"PublicKeyRotationTimestamp {ROTATION}", expired.stderr)
            self.assertIn("public key version 1", expired.stderr)

            # The seller fetches the keys from the Catalog API (here through boto3).
            response = emu.catalog().describe_entity(
                Catalog="AWSMarketplace", EntityId=CATALOG_ENTITY
            )
            keys = json.loads(response["Details"])["SignatureVerificationKeys"]
            self.assertEqual(
                [(k["PublicKeyVersion"], k["Status"]) for k in keys], [(1, "Expired"), (2, "Active")]
            )
            fetched_v2 = serialization.load_pem_public_key(keys[1]["PublicKey"].encode())
            fetched_der = fetched_v2.public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            # Release 2 embeds exactly the fetched key (the file it compiles in is that key).
            self.assertEqual(fetched_der, der_of_pem(KEYS / "test-only-rsa3072.pub.pem"))
            self.assertIn(fetched_der, Path(STARTUP_TEST_KEYS_BIN).read_bytes())
            self.assertNotIn(fetched_der, Path(STARTUP_TEST_KEYS_V1_BIN).read_bytes())

            # Release 2 sends version 2; its token verifies, and nothing has expired.
            after = run(STARTUP_TEST_KEYS_BIN, emu)
            self.assertEqual(after.returncode, 0, after)
            self.assertEqual(after.stdout.splitlines(), ["entitled", "working"])
            self.assertNotIn("KEY ROTATION", after.stderr)
            self.assertIn("key version 2", after.stderr)
            log = emu.stderr()
            self.assertIn("RegisterUsage #2 v1 -> 200", log)
            self.assertIn("RegisterUsage #3 v2 -> 200", log)


@unittest.skipUnless(os.path.exists(STARTUP_BIN), f"{STARTUP_BIN} not built")
class ShippedProgramUnderAttack(unittest.TestCase):
    """The program AS SHIPPED (`register-usage-startup-example`, no TEST ONLY feature), with
    the attacker in control of the container's arguments, environment and network."""

    def test_this_is_the_shipped_program(self):
        binary = Path(STARTUP_BIN).read_bytes()
        product_key = KEYS / "real-product-key-1fszvu527waovqeuhpkyx2b5d-v1.pem"
        self.assertIn(der_of_pem(product_key), binary)
        for test_key in ["test-only-rsa2048.pub.pem", "test-only-rsa3072.pub.pem"]:
            self.assertNotIn(der_of_pem(KEYS / test_key), binary, test_key)

    def attack(self, emulator: Emulator, attacker_public_key: Path):
        # Every setting the program reads (REGISTER_USAGE_ENDPOINT and the AWS SDK's endpoint
        # and retry variables), and every one an earlier version of it read (the key file,
        # the test-key opt-in, the product code, the key version, retry tuning), as
        # arguments and as environment variables, all set to the attacker's values.
        url = emulator.url
        arguments = [
            "--public-key", str(attacker_public_key),
            "--insecure-allow-published-test-keys",
            "--product-code", EXAMPLE_PRODUCT,
            "--public-key-version", "2",
            "--endpoint", url,
            "--max-attempts", "1",
        ]
        settings = {
            "REGISTER_USAGE_ENDPOINT": url,
            "AWS_ENDPOINT_URL": url,
            "AWS_ENDPOINT_URL_MARKETPLACE_METERING": url,
            "AWS_MAX_ATTEMPTS": "1",
            "AWS_RETRY_MODE": "legacy",
            "REGISTER_USAGE_PUBLIC_KEY": str(attacker_public_key),
            "REGISTER_USAGE_INSECURE_ALLOW_PUBLISHED_TEST_KEYS": "1",
            "REGISTER_USAGE_PRODUCT_CODE": EXAMPLE_PRODUCT,
            "REGISTER_USAGE_PUBLIC_KEY_VERSION": "2",
            "REGISTER_USAGE_MAX_ATTEMPTS": "1",
            "REGISTER_USAGE_INITIAL_BACKOFF_MS": "0",
        }
        result = run(STARTUP_BIN, emulator, *arguments, **settings)
        self.assertNotEqual(result.returncode, 0, result)
        self.assertNotIn("entitled", result.stdout, result)
        self.assertNotIn("working", result.stdout, result)
        self.assertIn("NOT STARTING", result.stderr)
        # It reached the attacker's endpoint, got a token, and refused its signature.
        self.assertIn("bad_signature", result.stderr)
        self.assertEqual(emulator.calls()["RegisterUsage"], 1)
        return result

    def test_attacker_with_a_freshly_generated_key(self):
        with tempfile.TemporaryDirectory() as tmp:
            key = fresh_private_key(Path(tmp), "attacker.key.pem", bits=3072)
            public = Path(str(key) + ".pub.pem")
            versions = [a for v in (1, 2, 3) for a in ("--key", f"{v}={key}")]
            with Emulator(*versions) as emu:
                self.attack(emu, public)
                self.assertIn("v1 -> 200", emu.stderr())

    def test_attacker_with_a_published_test_key(self):
        versions = [a for v in (1, 2) for a in ("--key", f"{v}={PRIV_2048}")]
        with Emulator(*versions) as emu:
            self.attack(emu, KEYS / "test-only-rsa2048.pub.pem")

    def test_attacker_in_the_catalog_position(self):
        # Whatever a (fake) catalog says the keys are changes nothing: the program never
        # reads keys at run time. The emulator serves its attacker key there too.
        with tempfile.TemporaryDirectory() as tmp:
            key = fresh_private_key(Path(tmp), "attacker.key.pem")
            with Emulator("--key", f"1={key}", "--catalog-product-id", CATALOG_ENTITY) as emu:
                details = json.loads(
                    emu.catalog().describe_entity(
                        Catalog="AWSMarketplace", EntityId=CATALOG_ENTITY
                    )["Details"]
                )
                self.assertEqual(len(details["SignatureVerificationKeys"]), 1)
                self.attack(emu, Path(str(key) + ".pub.pem"))


if __name__ == "__main__":
    unittest.main()
