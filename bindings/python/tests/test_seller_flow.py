"""The seller's start-up flow with the real AWS SDK: boto3's `meteringmarketplace` client
calls RegisterUsage on `register-usage-jwt emulate`, and the token is verified in-process.

Needs the CLI built (`cargo build -p register-usage-jwt-cli`); skipped without it unless
REGISTER_USAGE_E2E_REQUIRED=1."""

import time

import pytest

from register_usage_jwt import TokenRejected, Verifier, random_nonce

from conftest import KEYS, published_test_key

PRODUCT = "cqcvf9f0ugw8rkbgmf1c9dxyz"
KEY_VERSION = 1


def product_verifier(product: str = PRODUCT) -> Verifier:
    # The emulator signs with a published TEST key; a real container compiles in the key AWS
    # Marketplace gave it and uses Verifier(...), which refuses test keys.
    return Verifier.dangerously_allowing_published_test_keys(
        product, {KEY_VERSION: published_test_key("test-only-rsa2048")}
    )


def register(emu, nonce, product=PRODUCT):
    response = emu.client().register_usage(
        ProductCode=product, PublicKeyVersion=KEY_VERSION, Nonce=nonce
    )
    return response["Signature"]


def test_fresh_nonce_call_verify(emulator):
    verifier = product_verifier()
    with emulator("--product-code", PRODUCT) as emu:
        nonce = random_nonce()
        token = register(emu, nonce)
    registration = verifier.verify(token, KEY_VERSION, nonce)
    assert registration.product_code == PRODUCT
    assert registration.key_version == KEY_VERSION
    assert registration.nonce == nonce
    assert registration.public_key_rotation_timestamp is None


def test_a_replayed_token_is_refused(emulator):
    verifier = product_verifier()
    with emulator() as emu:
        first_nonce = random_nonce()
        captured = register(emu, first_nonce)
    assert verifier.verify(captured, KEY_VERSION, first_nonce).nonce == first_nonce
    # The next start sends a fresh nonce; an attacker answers with the captured token.
    with pytest.raises(TokenRejected) as caught:
        verifier.verify(captured, KEY_VERSION, random_nonce())
    assert caught.value.code == "nonce_mismatch"


def test_a_fake_endpoints_token_is_refused(emulator):
    # A fake endpoint signs with its own key: the product key does not verify it.
    fake_key = str(KEYS / "test-only-rsa2048-other.key.pem")
    with emulator("--private-key", fake_key) as emu:
        nonce = random_nonce()
        token = register(emu, nonce)
    with pytest.raises(TokenRejected) as caught:
        product_verifier().verify(token, KEY_VERSION, nonce)
    assert caught.value.code == "bad_signature"


def test_another_products_token_is_refused(emulator):
    with emulator("--product-code", "someoneelsesproduct") as emu:
        nonce = random_nonce()
        token = register(emu, nonce, product="someoneelsesproduct")
    with pytest.raises(TokenRejected) as caught:
        product_verifier().verify(token, KEY_VERSION, nonce)
    assert caught.value.code == "product_code_mismatch"


def test_a_token_with_another_salt_length_is_refused(emulator):
    with emulator("--salt-len", "20") as emu:
        nonce = random_nonce()
        token = register(emu, nonce)
    with pytest.raises(TokenRejected) as caught:
        product_verifier().verify(token, KEY_VERSION, nonce)
    assert caught.value.code == "bad_signature"


def test_camel_claims_with_iat_and_rotation(emulator):
    with emulator("--spelling", "camel", "--iat", "--rotation-timestamp", "1767225600") as emu:
        nonce = random_nonce()
        token = register(emu, nonce)
    registration = product_verifier().verify(token, KEY_VERSION, nonce)
    assert abs(registration.issued_at - time.time()) < 300
    assert registration.public_key_rotation_timestamp == 1767225600


def test_sdk_errors_stop_before_any_token(emulator):
    with emulator("--scenario", "not-entitled") as emu:
        client = emu.client()
        with pytest.raises(client.exceptions.CustomerNotEntitledException):
            client.register_usage(
                ProductCode=PRODUCT, PublicKeyVersion=KEY_VERSION, Nonce=random_nonce()
            )
