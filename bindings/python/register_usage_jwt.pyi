"""Offline verification of AWS Marketplace RegisterUsage tokens (PS256 JWTs).

Run the check inside the paid process, before any paid work::

    nonce = random_nonce()
    token = client.register_usage(ProductCode=PRODUCT_CODE, PublicKeyVersion=1,
                                  Nonce=nonce)["Signature"]
    registration = VERIFIER.verify(token, 1, nonce)   # raises TokenRejected
"""

from typing import Mapping, Optional, Union

__version__: str

class RegisterUsageJwtError(Exception):
    """Base class of this package's errors."""

    code: str
    """A stable machine-readable code, such as ``"bad_signature"``."""

class TokenRejected(RegisterUsageJwtError):
    """The token was refused: do not run as paid software.

    ``code`` is the Rust library's ``Error::code()``: ``token_too_large``,
    ``malformed_token``, ``malformed_header``, ``unsupported_algorithm``,
    ``unsupported_header``, ``unknown_key_version``, ``bad_signature``,
    ``malformed_claims``, ``key_version_mismatch``, ``product_code_mismatch``,
    ``nonce_mismatch``, ``nonce_missing``, ``unexpected_nonce`` (more may be added).
    """

class ConfigurationError(RegisterUsageJwtError):
    """The verifier cannot be configured as asked: the seller's to fix.

    ``code`` is the Rust library's ``ConfigError::code()``: ``invalid_key``, ``weak_key``,
    ``compromised_key``, ``invalid_product_code``, ``invalid_nonce``,
    ``invalid_key_version``, ``duplicate_key_version``, ``key_count`` (more may be added).
    """

class Registration:
    """A verified registration; only ``Verifier.verify`` makes one."""

    @property
    def product_code(self) -> str: ...
    @property
    def key_version(self) -> int: ...
    @property
    def nonce(self) -> Optional[str]:
        """The nonce sent; None only from ``verify_replayable_without_nonce``."""
    @property
    def issued_at(self) -> Optional[Union[float, str]]:
        """``iat``: epoch seconds when AWS issued the token, if it says."""
    @property
    def public_key_rotation_timestamp(self) -> Optional[Union[float, str]]:
        """Present only when the key version used has expired: ship the new key version."""

class Verifier:
    """Verifies RegisterUsage tokens for one product. Immutable; share it between threads."""

    def __init__(self, product_code: str, keys: Mapping[int, Union[str, bytes]]) -> None:
        """``keys`` maps each PublicKeyVersion to its public key: PEM text, or PEM or DER
        bytes. Raises ConfigurationError for a weak key, a key whose private half is
        public (AWS's documentation sample, this package's test keys), an unreadable key
        or an invalid product code."""
    @classmethod
    def dangerously_allowing_published_test_keys(
        cls, product_code: str, keys: Mapping[int, Union[str, bytes]]
    ) -> "Verifier":
        """INSECURE, for tests and demos only: also accepts register-usage-jwt's test keys,
        whose private keys are published. Never ship a program that calls this."""
    @property
    def product_code(self) -> str: ...
    @property
    def key_versions(self) -> list[int]: ...
    def verify(self, token: Union[str, bytes], key_version: int, nonce: str) -> Registration:
        """Verifies the ``Signature`` of a RegisterUsage response for the call that sent
        ``key_version`` and ``nonce``. Raises TokenRejected if it must not be trusted, and
        ConfigurationError (``invalid_nonce``) for an empty or over-long nonce."""
    def verify_replayable_without_nonce(
        self, token: Union[str, bytes], key_version: int
    ) -> Registration:
        """REPLAYABLE: for a call that sent no nonce. A captured token verifies forever;
        use ``verify`` with ``random_nonce()`` instead."""

def random_nonce() -> str:
    """A fresh random nonce (32 base64url characters, 192 bits from the OS) for one RegisterUsage call."""
