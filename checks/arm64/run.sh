#!/usr/bin/env bash
# arm64 (AWS Graviton, aarch64-unknown-linux-gnu): cross-builds the native artefacts and runs
# their tests under qemu-user. See checks/arm64/README.md.
#
#   checks/arm64/run.sh           the core's and the facade's tests (unit, integration,
#                                 doctests), the C test against the static and the shared
#                                 library, the no_std proof program, a sanity timing
#   checks/arm64/run.sh --quick   the same, but of the facade's integration tests only
#                                 tests/interop.rs (skips the repository suite: ~80 s)
#
# Installs what is missing: rustup's aarch64 target; Debian's gcc-aarch64-linux-gnu,
# libc6-dev-arm64-cross and qemu-user (apt-get, through sudo unless root).
# Debug builds (the workspace's dev profile); its own output under $CARGO_TARGET_DIR
# (default target/), so it reuses the host build's build scripts and proc macros.
set -euo pipefail

# The C ABI crate. Relative to the repository root: change these when it moves.
FFI_DIR=bindings/c
FFI_PACKAGE=register-usage-jwt-ffi
FFI_LIB_NAME=register_usage_jwt_c                  # lib$FFI_LIB_NAME.a / .so
FFI_INCLUDE_DIR=$FFI_DIR/include                   # register_usage_jwt.h
FFI_EXAMPLES_DIR=$FFI_DIR/examples                 # demo_product_key.h (TEST key)
FFI_C_TEST=$FFI_DIR/tests/c/test_register_usage_jwt.c
FFI_FIXTURES_TO_LINES=$FFI_DIR/tests/c/fixtures_to_lines.py
FFI_CORPUS_TO_LINES=$FFI_DIR/tests/c/corpus_to_lines.py
# The rest of the repository.
FIXTURES=tests/fixtures/tokens.json
CORPUS=tests/fixtures/conformance.json
KEYS_DIR=keys
NOSTD_DIR=checks/nostd
HERE_DIR=checks/arm64

TRIPLE=aarch64-unknown-linux-gnu
CROSS_CC=aarch64-linux-gnu-gcc
SYSROOT=/usr/aarch64-linux-gnu
QEMU=(qemu-aarch64 -L "$SYSROOT")
LOOP_COUNT=20

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export CARGO_TERM_COLOR=never
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
OUT=$TARGET/arm64-check
mkdir -p "$OUT"
start=$(date +%s)
step() { echo; echo "== arm64: $* ($(( $(date +%s) - start ))s)"; }
fail() { echo "FAILED: $*" >&2; exit 1; }
quick=false
case "${1:-}" in
    "") ;;
    --quick) quick=true ;;
    *) fail "unknown argument $1 (see the top of $0)" ;;
esac

step "install what is missing (rustup target, cross gcc, qemu-user)"
if ! rustup target list --installed | grep -qx "$TRIPLE"; then
    rustup target add "$TRIPLE"
fi
packages=()
command -v "$CROSS_CC" >/dev/null 2>&1 || packages+=(gcc-aarch64-linux-gnu)
[ -e "$SYSROOT/include/stdio.h" ] || packages+=(libc6-dev-arm64-cross)
command -v qemu-aarch64 >/dev/null 2>&1 || packages+=(qemu-user)
if [ ${#packages[@]} -gt 0 ]; then
    sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${packages[@]}"
else
    echo "all present"
fi
rustc --version
"$CROSS_CC" --version | head -n 1
qemu-aarch64 --version | head -n 1

# Cargo links with the cross gcc and runs every test binary (doctests too, Rust >= 1.89)
# under qemu.
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=$CROSS_CC
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="${QEMU[*]}"
export CC_aarch64_unknown_linux_gnu=$CROSS_CC

# is_arm64 FILE: fails unless FILE is an AArch64 ELF (not a host binary run by mistake).
is_arm64() {
    aarch64-linux-gnu-readelf -h "$1" | grep -q 'Machine:.*AArch64' \
        || fail "$1 is not an AArch64 ELF file"
}

# One cargo invocation for both packages: one feature resolution, so the core builds once
# (as in the host's `cargo test --workspace`).
if $quick; then
    step "core (unit tests, doctests) and facade (tests/interop.rs) under qemu"
    cargo test --target "$TRIPLE" -p register-usage-jwt-core -p register-usage-jwt \
        --lib --test interop 2>&1 | tee "$OUT/tests.log"
    cargo test --target "$TRIPLE" -p register-usage-jwt-core -p register-usage-jwt \
        --doc 2>&1 | tee -a "$OUT/tests.log"
else
    step "core and facade: unit, integration and doctests under qemu"
    cargo test --target "$TRIPLE" -p register-usage-jwt-core -p register-usage-jwt \
        2>&1 | tee "$OUT/tests.log"
fi
grep -q '^     Running .*aarch64-unknown-linux-gnu' "$OUT/tests.log" \
    || fail "no test binary ran for $TRIPLE"
awk '/^test result:/ { p += $4; f += $6; i += $8; n++ }
     END { printf "arm64 Rust tests under qemu: %d passed, %d failed, %d ignored (%d test binaries and doctest runs)\n", p, f, i, n }' \
    "$OUT/tests.log"

step "C ABI ($FFI_PACKAGE): static and shared library for $TRIPLE"
cargo build --target "$TRIPLE" -p "$FFI_PACKAGE"
LIB=$TARGET/$TRIPLE/debug
is_arm64 "$LIB/lib$FFI_LIB_NAME.so"
python3 "$FFI_FIXTURES_TO_LINES" "$FIXTURES" "$OUT/fixtures.txt"
python3 "$FFI_CORPUS_TO_LINES" "$CORPUS" "$OUT/corpus.txt"
C_FLAGS=(-std=c11 -Wall -Wextra -Werror -pedantic -g -I"$FFI_INCLUDE_DIR" -I"$FFI_EXAMPLES_DIR")
LINK=(-lpthread -ldl -lm)

step "the Java (JNI) and Python (PyO3, abi3) native libraries for $TRIPLE: built and checked, not run (no arm64 JVM or CPython here)"
# PYO3_BUILD_EXTENSION_MODULE: what maturin sets, so the Python extension does not link
# libpython (the interpreter that loads it provides the symbols; no arm64 libpython here).
PYO3_BUILD_EXTENSION_MODULE=1 cargo build --target "$TRIPLE" -p register-usage-jwt-java -p register-usage-jwt-python
is_arm64 "$LIB/libregister_usage_jwt_java.so"
is_arm64 "$LIB/libregister_usage_jwt_python.so"

step "C test under qemu, static library"
# No AddressSanitizer here: it does not run under qemu-user (bindings/c/ci.sh runs it on the host).
"$CROSS_CC" "${C_FLAGS[@]}" "$FFI_C_TEST" "$LIB/lib$FFI_LIB_NAME.a" "${LINK[@]}" \
    -o "$OUT/test_static"
is_arm64 "$OUT/test_static"
c_start=$(date +%s%N)
"${QEMU[@]}" "$OUT/test_static" "$OUT/fixtures.txt" "$KEYS_DIR" "$OUT/corpus.txt"
c_ms=$(( ($(date +%s%N) - c_start) / 1000000 ))

step "C test under qemu, shared library"
"$CROSS_CC" "${C_FLAGS[@]}" "$FFI_C_TEST" -L"$LIB" -Wl,-rpath,"$LIB" -l"$FFI_LIB_NAME" \
    "${LINK[@]}" -o "$OUT/test_shared"
is_arm64 "$OUT/test_shared"
"${QEMU[@]}" "$OUT/test_shared" "$OUT/fixtures.txt" "$KEYS_DIR" "$OUT/corpus.txt"

step "no_std proof program ($NOSTD_DIR, --locked, release as in its run.sh) under qemu"
nostd_target=$PWD/$NOSTD_DIR/target
(cd "$NOSTD_DIR" && CARGO_TARGET_DIR=$nostd_target cargo build --release --locked --target "$TRIPLE")
nostd_bin=$nostd_target/$TRIPLE/release/register-usage-jwt-nostd-check
is_arm64 "$nostd_bin"
"${QEMU[@]}" "$nostd_bin" || fail "the no_std binary exited with status $?"

step "sanity timing (under qemu emulation, not a performance figure)"
read -r TOKEN NONCE < <(python3 - "$FIXTURES" <<'EOF'
import json, sys
for case in json.load(open(sys.argv[1]))["cases"]:
    if (case["expect"] == "valid" and case["key"] == "test-only-rsa2048"
            and case["request"]["product_code"] == "1fszvu527waovqeuhpkyx2b5d"
            and case["request"]["key_version"] == 1 and case["request"]["nonce"]):
        print(case["token"], case["request"]["nonce"])
        break
EOF
)
[ -n "${TOKEN:-}" ] || fail "no valid fixture token for the timing"
"$CROSS_CC" "${C_FLAGS[@]}" "$HERE_DIR/verify_loop.c" "$LIB/lib$FFI_LIB_NAME.a" "${LINK[@]}" \
    -o "$OUT/verify_loop"
is_arm64 "$OUT/verify_loop"
echo "under qemu emulation, not a performance figure (debug build, dev profile):"
echo "  arm64 under qemu:   $("${QEMU[@]}" "$OUT/verify_loop" "$TOKEN" "$NONCE" "$LOOP_COUNT")"
if [ -f "$TARGET/debug/lib$FFI_LIB_NAME.a" ]; then
    # The host's own debug build of the same library, if one is already there (bindings/c/ci.sh),
    # for scale only.
    cc "${C_FLAGS[@]}" "$HERE_DIR/verify_loop.c" "$TARGET/debug/lib$FFI_LIB_NAME.a" \
        "${LINK[@]}" -o "$OUT/verify_loop_host"
    echo "  x86_64 native:      $("$OUT/verify_loop_host" "$TOKEN" "$NONCE" "$LOOP_COUNT")"
fi
echo "  the whole C test (every fixture and corpus case) under qemu: ${c_ms} ms"

step "done: arm64 checks passed"
