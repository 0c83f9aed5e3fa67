"""End-to-end tests of `register-usage-jwt emulate` through the real AWS SDK for Python:
Metering RegisterUsage and Catalog DescribeEntity, with the CLI verifier and python
`cryptography` checking the tokens. The start-up example's tests are in test_startup.py.

Builds nothing. Run from anywhere after `cargo build --workspace`:

    python3 -m unittest discover -s tests/e2e -v

Needs python3 with boto3 and cryptography. Binaries: see support.py.
"""

import base64
import json
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

import botocore.exceptions
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization

from support import (
    BIN,
    NONCE,
    OTHER_PRIV,
    PRIV_2048,
    PRIV_3072,
    PRODUCT,
    PUB,
    PUB_3072,
    Emulator,
    cli_verify,
    fresh_private_key,
    py_verify,
    py_verify_key,
    token_claims,
)


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


ROTATION = 1767225600


def load_catalog_key(text: str):
    """A `SignatureVerificationKeys` PublicKey string, in either form the emulator writes."""
    if text.startswith("-----BEGIN"):
        return serialization.load_pem_public_key(text.encode())
    return serialization.load_der_public_key(base64.b64decode(text, validate=True))


class EmulatorVersionsAndFailures(unittest.TestCase):
    def call(self, client, version=1):
        return client.register_usage(ProductCode=PRODUCT, PublicKeyVersion=version, Nonce=NONCE)

    def test_fail_with_runs_in_order_and_counts_every_call(self):
        with Emulator(
            "--fail-with", "ThrottlingException:2", "--fail-with", "InternalServiceErrorException:1"
        ) as emu:
            client = emu.client(max_attempts=1)
            for name, status in [
                ("ThrottlingException", 400),
                ("ThrottlingException", 400),
                ("InternalServiceErrorException", 500),
            ]:
                with self.assertRaises(botocore.exceptions.ClientError) as caught:
                    self.call(client)
                self.assertEqual(caught.exception.response["Error"]["Code"], name)
                status_code = caught.exception.response["ResponseMetadata"]["HTTPStatusCode"]
                self.assertEqual(status_code, status)
            py_verify(self.call(client)["Signature"])
            self.assertEqual(emu.calls(), {"RegisterUsage": 4, "DescribeEntity": 0})
            self.assertIn("RegisterUsage #4 v1 -> 200", emu.stderr())

    def test_fail_with_every_documented_error_for_ever(self):
        for name in [
            "CustomerNotEntitledException",
            "DisabledApiException",
            "InternalServiceErrorException",
            "InvalidProductCodeException",
            "InvalidPublicKeyVersionException",
            "InvalidRegionException",
            "PlatformNotSupportedException",
            "ThrottlingException",
        ]:
            with self.subTest(name=name), Emulator("--fail-with", name) as emu:
                client = emu.client(max_attempts=1)
                for _ in range(3):
                    with self.assertRaises(getattr(client.exceptions, name)):
                        self.call(client)
                self.assertEqual(emu.calls()["RegisterUsage"], 3)

    def test_bad_options_are_refused(self):
        cases = [
            ["--fail-with", "NoSuchException"],
            ["--fail-with", "ThrottlingException:x"],
            ["--key", "1=" + str(PRIV_2048), "--private-key", str(PRIV_2048)],
            ["--key", "0=" + str(PRIV_2048)],
            ["--key", "1=" + str(PRIV_2048), "--key", "1=" + str(PRIV_3072)],
            ["--expired", "2=1767225600"],
            ["--key", "1=/nonexistent/key.pem"],
        ]
        for args in cases:
            with self.subTest(args=args):
                result = subprocess.run(
                    [BIN, "emulate", *args], capture_output=True, text=True, timeout=60
                )
                self.assertEqual(result.returncode, 2, result)

    def test_each_version_signs_with_its_own_key(self):
        with Emulator("--key", f"1={PRIV_2048}", "--key", f"2={PRIV_3072}") as emu:
            client = emu.client(max_attempts=1)
            v1 = self.call(client, 1)["Signature"]
            v2 = self.call(client, 2)["Signature"]
            with self.assertRaises(client.exceptions.InvalidPublicKeyVersionException):
                self.call(client, 3)
        self.assertEqual(py_verify(v1)["PublicKeyVersion"], 1)
        self.assertEqual(py_verify(v2, PUB_3072)["PublicKeyVersion"], 2)
        with self.assertRaises(InvalidSignature):
            py_verify(v2, PUB)
        self.assertEqual(cli_verify(v2, "--nonce", NONCE, "--key-version", "2", key=PUB_3072).returncode, 0)

    def test_expired_version_carries_the_rotation_timestamp(self):
        with Emulator(
            "--key", f"1={PRIV_2048}", "--key", f"2={PRIV_3072}", "--expired", f"1={ROTATION}"
        ) as emu:
            client = emu.client(max_attempts=1)
            old = self.call(client, 1)
            new = self.call(client, 2)
        self.assertEqual(old["PublicKeyRotationTimestamp"].timestamp(), ROTATION)
        self.assertEqual(py_verify(old["Signature"])["PublicKeyRotationTimestamp"], ROTATION)
        self.assertNotIn("PublicKeyRotationTimestamp", new)
        self.assertNotIn("PublicKeyRotationTimestamp", py_verify(new["Signature"], PUB_3072))


class Catalog(unittest.TestCase):
    ENTITY = "prod-emulated12345"

    def describe(self, emu, entity=ENTITY):
        response = emu.catalog().describe_entity(Catalog="AWSMarketplace", EntityId=entity)
        return response, json.loads(response["Details"])

    def test_describe_entity_lists_every_version_in_both_forms(self):
        for form in ["pem", "base64-der"]:
            with self.subTest(form=form), Emulator(
                "--key", f"1={PRIV_2048}", "--key", f"2={PRIV_3072}",
                "--expired", f"1={ROTATION}",
                "--catalog-product-id", self.ENTITY, "--catalog-key-form", form,
            ) as emu:
                response, details = self.describe(emu)
                client = emu.client(max_attempts=1)
                tokens = {
                    v: client.register_usage(
                        ProductCode=PRODUCT, PublicKeyVersion=v, Nonce=NONCE
                    )["Signature"]
                    for v in (1, 2)
                }
                self.assertEqual(emu.calls(), {"RegisterUsage": 2, "DescribeEntity": 1})
            self.assertEqual(response["EntityType"], "ContainerProduct@1.0")
            self.assertEqual(response["EntityIdentifier"], self.ENTITY + "@1")
            self.assertTrue(response["EntityArn"].endswith("/ContainerProduct/" + self.ENTITY))
            self.assertEqual(response["DetailsDocument"], details)
            keys = details["SignatureVerificationKeys"]
            self.assertEqual([k["PublicKeyVersion"] for k in keys], [1, 2])
            self.assertEqual([k["Status"] for k in keys], ["Expired", "Active"])
            for entry in keys:
                text = entry["PublicKey"]
                self.assertEqual(text.startswith("-----BEGIN PUBLIC KEY-----\n"), form == "pem")
                key = load_catalog_key(text)
                version = entry["PublicKeyVersion"]
                # The fetched key verifies the emulator's token for its version...
                self.assertEqual(py_verify_key(tokens[version], key)["PublicKeyVersion"], version)
                # ...and it is the key of the file the emulator signs with.
                expected = PUB if version == 1 else PUB_3072
                self.assertEqual(
                    key.public_bytes(
                        serialization.Encoding.DER,
                        serialization.PublicFormat.SubjectPublicKeyInfo,
                    ),
                    serialization.load_pem_public_key(expected.read_bytes()).public_bytes(
                        serialization.Encoding.DER,
                        serialization.PublicFormat.SubjectPublicKeyInfo,
                    ),
                )

    def test_errors(self):
        with Emulator("--catalog-product-id", self.ENTITY) as emu:
            catalog = emu.catalog()
            with self.assertRaises(catalog.exceptions.ResourceNotFoundException):
                catalog.describe_entity(Catalog="AWSMarketplace", EntityId="prod-someoneelse")
            with self.assertRaises(catalog.exceptions.ValidationException):
                catalog.describe_entity(Catalog="NotMarketplace", EntityId=self.ENTITY)
            status, headers, body = emu.http("GET", "/DescribeEntity?catalog=AWSMarketplace")
            self.assertEqual(status, 422)
            self.assertEqual(headers["x-amzn-ErrorType"], "ValidationException")
            self.assertTrue(body["Message"])

    def test_versions_added_and_expired_while_running(self):
        with tempfile.TemporaryDirectory() as tmp, Emulator(
            "--key", f"1={PRIV_2048}", "--catalog-product-id", self.ENTITY
        ) as emu:
            fresh = fresh_private_key(Path(tmp), "v2.key.pem")
            _, details = self.describe(emu)
            self.assertEqual([k["PublicKeyVersion"] for k in details["SignatureVerificationKeys"]], [1])
            client = emu.client(max_attempts=1)
            with self.assertRaises(client.exceptions.InvalidPublicKeyVersionException):
                client.register_usage(ProductCode=PRODUCT, PublicKeyVersion=2, Nonce=NONCE)

            status, _, body = emu.add_key(2, fresh)
            self.assertEqual((status, body), (200, {"PublicKeyVersion": 2}))
            status, _, _ = emu.add_key(2, PRIV_3072)
            self.assertEqual(status, 409)
            self.assertEqual(emu.add_key(2, fresh)[0], 200)
            status, _, _ = emu.expire(1, ROTATION)
            self.assertEqual(status, 200)
            self.assertEqual(emu.expire(7, ROTATION)[0], 404)
            self.assertEqual(emu.http("POST", "/_emulator/keys", b"{not json")[0], 400)

            _, details = self.describe(emu)
            keys = details["SignatureVerificationKeys"]
            self.assertEqual([(k["PublicKeyVersion"], k["Status"]) for k in keys],
                             [(1, "Expired"), (2, "Active")])
            token = client.register_usage(ProductCode=PRODUCT, PublicKeyVersion=2, Nonce=NONCE)[
                "Signature"
            ]
            py_verify_key(token, load_catalog_key(keys[1]["PublicKey"]))
            py_verify(token, Path(str(fresh) + ".pub.pem"))
            old = client.register_usage(ProductCode=PRODUCT, PublicKeyVersion=1, Nonce=NONCE)
            self.assertEqual(old["PublicKeyRotationTimestamp"].timestamp(), ROTATION)
            self.assertIn("admin: added key version 2", emu.stderr())


if __name__ == "__main__":
    unittest.main()
