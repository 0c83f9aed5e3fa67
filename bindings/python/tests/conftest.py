"""Shared fixtures: repository paths, test keys, `register-usage-jwt emulate`, and the
reliability lines of the misuse cases."""

import os
import queue
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
KEYS = REPO / "keys"
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
EMULATOR_BIN = Path(os.environ.get("REGISTER_USAGE_JWT_BIN", TARGET / "debug/register-usage-jwt"))
TIMEOUT = 60


def reliability(case: str, outcome: str) -> None:
    """Prints the line the README's reliability figure counts (run pytest with -s to see
    it): `reliability: python<TAB>CASE<TAB>OUTCOME`, tabs and line breaks as spaces. A line
    break first, so that the line starts a line of its own after pytest's progress dots."""
    flat = lambda text: " ".join(str(text).replace("\t", " ").splitlines())
    print(f"\nreliability: python\t{flat(case)}\t{flat(outcome)}", flush=True)


def misuse(case: str, expected, call):
    """A misuse case: `call()` must raise `expected`. Prints its reliability line
    ("refused CLASS[ CODE]: message", or "accepted" when nothing was raised) and returns
    the exception."""
    try:
        call()
    except Exception as error:  # noqa: BLE001 - every outcome is reported, then judged
        code = getattr(error, "code", None)
        name = type(error).__name__ + (f" {code}" if code else "")
        reliability(case, f"refused {name}: {error}")
        assert isinstance(error, expected), f"{case}: {name}, expected {expected}"
        return error
    reliability(case, "accepted")
    pytest.fail(f"{case}: nothing was raised")


def published_test_key(stem: str) -> str:
    """The PEM text of keys/<stem>.pub.pem (a TEST ONLY key whose private key is published)."""
    return (KEYS / f"{stem}.pub.pem").read_text()


class Emulator:
    """`register-usage-jwt emulate --listen 127.0.0.1:0 ARGS...` as a context manager."""

    def __init__(self, *args: str):
        self.args = [str(EMULATOR_BIN), "emulate", "--listen", "127.0.0.1:0", *args]
        self.log = tempfile.TemporaryFile()

    def __enter__(self) -> "Emulator":
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=self.log, text=True)
        lines: "queue.Queue[str]" = queue.Queue()
        threading.Thread(target=lambda: lines.put(self.proc.stdout.readline()), daemon=True).start()
        try:
            first = lines.get(timeout=TIMEOUT)
        except queue.Empty:
            self.__exit__()
            raise AssertionError("the emulator printed no address")
        prefix = "listening on "
        if not first.startswith(prefix):
            self.__exit__()
            raise AssertionError(f"unexpected first line {first!r}")
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

    def client(self):
        """boto3's real `meteringmarketplace` client, pointed at the emulator, no retries."""
        import boto3
        from botocore.config import Config

        return boto3.client(
            "meteringmarketplace",
            region_name="us-east-1",
            endpoint_url=self.url,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=Config(retries={"total_max_attempts": 1, "mode": "standard"}),
        )


@pytest.fixture
def emulator():
    """A factory: `with emulator("--iat") as emu: ...`. Skips when the binary is not built,
    unless REGISTER_USAGE_E2E_REQUIRED=1 (CI), where a missing binary fails."""
    missing = None
    if not EMULATOR_BIN.exists():
        missing = f"{EMULATOR_BIN} is not built (cargo build -p register-usage-jwt-cli)"
    else:
        try:
            import boto3  # noqa: F401
        except ImportError:
            missing = "boto3 is not installed (pip install boto3)"
    if missing:
        if os.environ.get("REGISTER_USAGE_E2E_REQUIRED") == "1":
            pytest.fail(missing)
        pytest.skip(missing)
    return Emulator
