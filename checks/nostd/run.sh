#!/usr/bin/env bash
# Builds the no_std check binary (stable Rust, host target, its own target dir) and runs it.
# Fails if the core pulls in std (the build breaks), or if any fixture case does not reach
# its expected verdict (non-zero exit status).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
export CARGO_TARGET_DIR="$here/target"
cargo build --release --locked
bin="$CARGO_TARGET_DIR/release/register-usage-jwt-nostd-check"
status=0
"$bin" || status=$?
if [ "$status" -ne 0 ]; then
    echo "nostd-check: the no_std binary exited with status $status" >&2
    exit 1
fi
echo "nostd-check: passed"
