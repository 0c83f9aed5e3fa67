#!/usr/bin/env bash
# CI for the Python package (bindings/python/): build and install it the way a user does
# (`pip install ./bindings/python`, which fetches maturin from PyPI into an isolated build
# environment), then run the pytest suite against the installed wheel: the interop
# fixtures, every case of the conformance corpus (tests/fixtures/conformance.json), every
# rejection and configuration code, and the seller's flow with boto3's
# `meteringmarketplace` client against `register-usage-jwt emulate`.
#
#   bindings/python/ci.sh
#
# Needs: cargo, python3 with pip (pytest, boto3 and cryptography are installed if missing).
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TERM_COLOR=never
PYTHON=${PYTHON:-python3}
start=$(date +%s)
step() { echo; echo "== python: $* ($(( $(date +%s) - start ))s)"; }

step "test dependencies (pytest, boto3, cryptography)"
if ! "$PYTHON" -c "import pytest, boto3, cryptography" 2>/dev/null; then
    "$PYTHON" -m pip install --quiet pytest boto3 cryptography
fi

step "the emulator the seller's-flow tests call"
cargo build -p register-usage-jwt-cli

step "pip install ./bindings/python (maturin, abi3 wheel)"
"$PYTHON" -m pip install --quiet --force-reinstall --no-deps ./bindings/python
"$PYTHON" - <<'EOF'
import pathlib, register_usage_jwt as m
files = sorted(p.name for p in pathlib.Path(m.__file__).parent.iterdir())
print("installed", m.__version__, "from", pathlib.Path(m.__file__).parent, files)
assert "py.typed" in files and "__init__.pyi" in files, "type stubs missing from the wheel"
assert any(name.endswith(".abi3.so") for name in files), "not an abi3 extension"
EOF

step "pytest"
REGISTER_USAGE_E2E_REQUIRED=1 "$PYTHON" -m pytest -p no:cacheprovider bindings/python/tests

step "done"
