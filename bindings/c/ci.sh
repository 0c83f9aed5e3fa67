#!/usr/bin/env bash
# CI for the C ABI (bindings/c/): header drift, the C test (the interop fixtures with their
# claims, and every case of the conformance corpus tests/fixtures/conformance.json with its
# code) under AddressSanitizer + UBSan, the C test again against a Rust side built with
# AddressSanitizer (nightly), the C start-up example, the C++ test and RAII example under
# AddressSanitizer + UBSan, and Miri on the crate's Rust tests when a nightly toolchain with
# Miri is present. The crate's Rust tests and clippy also run with the workspace (`cargo test
# --workspace`).
#
# The C and C++ tests print one line per misuse case on stdout,
# "reliability: c-abi|c++<TAB>CASE<TAB>OUTCOME", for the README's reliability figure.
#
#   bindings/c/ci.sh                  everything CI runs
#   bindings/c/ci.sh --valgrind       also the C test under valgrind (slow: minutes)
#   bindings/c/ci.sh --skip-miri      all but Miri (which takes minutes on 2 cores)
#   bindings/c/ci.sh --update-header  regenerate include/register_usage_jwt.h and stop
#
# Needs: cargo, cc and c++ (gcc: -fsanitize=address), python3, valgrind (optional),
# cbindgen (installed with `cargo install --locked` if missing), a nightly toolchain for
# the Rust side under AddressSanitizer (`rustup toolchain install nightly`; without it that
# step fails, unless RUJ_FFI_SKIP_RUST_ASAN=1 says to skip it).
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TERM_COLOR=never
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
OUT=$TARGET/ffi-ci
mkdir -p "$OUT"
start=$(date +%s)
step() { echo; echo "== ffi: $* ($(( $(date +%s) - start ))s)"; }
fail() { echo "FAILED: $*" >&2; exit 1; }

CBINDGEN_VERSION=0.29.4
HEADER=bindings/c/include/register_usage_jwt.h
generate_header() {
    cbindgen --quiet --config bindings/c/cbindgen.toml --crate register-usage-jwt-ffi --output "$1" bindings/c
}

step "cbindgen $CBINDGEN_VERSION"
if ! cbindgen --version 2>/dev/null | grep -qx "cbindgen $CBINDGEN_VERSION"; then
    cargo install --locked cbindgen --version "$CBINDGEN_VERSION"
fi
if [ "${1:-}" = "--update-header" ]; then
    generate_header "$HEADER"
    echo "wrote $HEADER"
    exit 0
fi

step "header drift: $HEADER must equal what cbindgen generates"
generate_header "$OUT/register_usage_jwt.h"
if ! diff -u "$HEADER" "$OUT/register_usage_jwt.h"; then
    fail "$HEADER is stale: run bindings/c/ci.sh --update-header and commit it"
fi

step "build the static and shared libraries"
cargo build -p register-usage-jwt-ffi
LIB=$TARGET/debug
LINK=(-lpthread -ldl -lm)
python3 bindings/c/tests/c/fixtures_to_lines.py tests/fixtures/tokens.json "$OUT/fixtures.txt"
python3 bindings/c/tests/c/corpus_to_lines.py tests/fixtures/conformance.json "$OUT/corpus.txt"
C_FLAGS=(-std=c11 -Wall -Wextra -Werror -pedantic -g -Ibindings/c/include -Ibindings/c/examples)
CXX_FLAGS=(-std=c++17 -Wall -Wextra -Werror -pedantic -g -Ibindings/c/include -Ibindings/c/examples/cpp)
SANITIZE=(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

step "C test under AddressSanitizer + UBSan (static library)"
cc "${C_FLAGS[@]}" "${SANITIZE[@]}" bindings/c/tests/c/test_register_usage_jwt.c \
    "$LIB/libregister_usage_jwt_c.a" "${LINK[@]}" -o "$OUT/test_asan"
"$OUT/test_asan" "$OUT/fixtures.txt" keys "$OUT/corpus.txt"

# The run above instruments only the C code: a use after free inside Rust reads poisoned
# memory unchecked. Here the Rust side (this crate, the core, every dependency; not the
# precompiled std) is built with -Zsanitizer=address, in its own target directory, and
# linked with the C test's AddressSanitizer runtime.
step "C test against the Rust side built with AddressSanitizer (nightly)"
if [ "${RUJ_FFI_SKIP_RUST_ASAN:-}" = 1 ]; then
    echo "SKIPPED: RUJ_FFI_SKIP_RUST_ASAN=1"
elif ! cargo +nightly --version >/dev/null 2>&1; then
    fail "no nightly toolchain (rustup toolchain install nightly), or set RUJ_FFI_SKIP_RUST_ASAN=1"
else
    ASAN_TARGET=$TARGET/ffi-asan
    RUSTFLAGS="-Zsanitizer=address -Cforce-frame-pointers=yes" CARGO_TARGET_DIR=$ASAN_TARGET \
        cargo +nightly build -p register-usage-jwt-ffi --target x86_64-unknown-linux-gnu
    cc "${C_FLAGS[@]}" "${SANITIZE[@]}" bindings/c/tests/c/test_register_usage_jwt.c \
        "$ASAN_TARGET/x86_64-unknown-linux-gnu/debug/libregister_usage_jwt_c.a" "${LINK[@]}" \
        -o "$OUT/test_rust_asan"
    # The reliability lines were printed by the run above; count them once.
    "$OUT/test_rust_asan" "$OUT/fixtures.txt" keys "$OUT/corpus.txt" | grep -v '^reliability: '
fi

step "C test under valgrind (shared library; only with --valgrind)"
if [ "${1:-}" != "--valgrind" ]; then
    echo "SKIPPED: pass --valgrind (AddressSanitizer + UBSan above run the same test)"
elif command -v valgrind >/dev/null 2>&1; then
    cc "${C_FLAGS[@]}" bindings/c/tests/c/test_register_usage_jwt.c -L"$LIB" \
        -Wl,-rpath,"$LIB" -lregister_usage_jwt_c "${LINK[@]}" -o "$OUT/test_shared"
    valgrind --quiet --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect \
        "$OUT/test_shared" "$OUT/fixtures.txt" keys "$OUT/corpus.txt" | grep -v '^reliability: '
else
    fail "--valgrind given but valgrind is not installed"
fi

# A valid fixture token and its nonce, for the examples.
read -r TOKEN NONCE < <(python3 - <<'EOF'
import json
for case in json.load(open("tests/fixtures/tokens.json"))["cases"]:
    if (case["expect"] == "valid" and case["key"] == "test-only-rsa2048"
            and case["request"]["product_code"] == "1fszvu527waovqeuhpkyx2b5d"
            and case["request"]["key_version"] == 1 and case["request"]["nonce"]):
        print(case["token"], case["request"]["nonce"])
        break
EOF
)
[ -n "$TOKEN" ] || fail "no valid fixture token for the examples"

# expect_run NAME STATUS TEXT COMMAND...: runs COMMAND, checks its exit status and that its
# output contains TEXT.
expect_run() {
    local name=$1 want=$2 text=$3 got=0
    shift 3
    "$@" >"$OUT/run.log" 2>&1 || got=$?
    cat "$OUT/run.log"
    [ "$got" -eq "$want" ] || fail "$name: exit status $got, expected $want"
    grep -q -- "$text" "$OUT/run.log" || fail "$name: output lacks '$text'"
    echo "ok: $name"
}

step "C start-up example"
cc "${C_FLAGS[@]}" "${SANITIZE[@]}" -DREGISTER_USAGE_DEMO_WITH_PUBLISHED_TEST_KEY \
    bindings/c/examples/startup.c "$LIB/libregister_usage_jwt_c.a" "${LINK[@]}" -o "$OUT/startup_demo"
cc "${C_FLAGS[@]}" bindings/c/examples/startup.c "$LIB/libregister_usage_jwt_c.a" "${LINK[@]}" \
    -o "$OUT/startup_production"
expect_run "C: entitled" 0 "entitled: starting" "$OUT/startup_demo" "$TOKEN" "$NONCE"
expect_run "C: replayed token" 1 "nonce_mismatch" "$OUT/startup_demo" "$TOKEN" "another-nonce"
expect_run "C: forged token" 1 "malformed_token\|bad_signature" "$OUT/startup_demo" "${TOKEN}x" "$NONCE"
expect_run "C: unedited key placeholder" 1 "invalid_key" "$OUT/startup_production" "$TOKEN" "$NONCE"

step "C++ test under AddressSanitizer + UBSan: moved-from objects, strings holding a NUL"
c++ "${CXX_FLAGS[@]}" "${SANITIZE[@]}" bindings/c/tests/cpp/test_register_usage_jwt.cpp \
    "$LIB/libregister_usage_jwt_c.a" "${LINK[@]}" -o "$OUT/test_cpp"
"$OUT/test_cpp" "$TOKEN" "$NONCE"

step "C++ RAII example"
c++ "${CXX_FLAGS[@]}" "${SANITIZE[@]}" -DREGISTER_USAGE_DEMO_WITH_PUBLISHED_TEST_KEY \
    bindings/c/examples/cpp/startup.cpp "$LIB/libregister_usage_jwt_c.a" "${LINK[@]}" -o "$OUT/startup_cpp_demo"
c++ "${CXX_FLAGS[@]}" bindings/c/examples/cpp/startup.cpp "$LIB/libregister_usage_jwt_c.a" "${LINK[@]}" \
    -o "$OUT/startup_cpp_production"
expect_run "C++: entitled" 0 "entitled: starting" "$OUT/startup_cpp_demo" "$TOKEN" "$NONCE"
expect_run "C++: replayed token" 1 "nonce_mismatch" "$OUT/startup_cpp_demo" "$TOKEN" "another-nonce"
expect_run "C++: unedited key placeholder" 1 "invalid_key" "$OUT/startup_cpp_production" "$TOKEN" "$NONCE"

step "Miri on the crate's Rust tests (RSA-heavy tests are ignored under Miri)"
if [ "${1:-}" = "--skip-miri" ]; then
    echo "SKIPPED: --skip-miri"
elif cargo +nightly miri --version >/dev/null 2>&1; then
    CARGO_TARGET_DIR=$TARGET/miri-build cargo +nightly miri test -p register-usage-jwt-ffi
else
    echo "SKIPPED: no nightly toolchain with Miri here"
    echo "(rustup toolchain install nightly --component miri rust-src, then re-run)"
fi

step "done"
