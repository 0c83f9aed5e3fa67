#!/usr/bin/env bash
# CI for the Go package (bindings/go/): go vet, the tests under the race detector (every
# interop fixture, the conformance corpus, the misuse cases, concurrent Verify + Close, the RSS leak loop), and the
# start-up example against `register-usage-jwt emulate`, including the attack run. Also the
# tests again with cgo's full pointer checks (GODEBUG=cgocheck=2).
#
# The tests print one line per misuse case on stdout,
# "reliability: go<TAB>CASE<TAB>OUTCOME", for the README's reliability figure.
#
#   bindings/go/ci.sh
#
# Needs: cargo, cc (cgo), go >= 1.19 (installed with apt-get as golang-go if missing). Builds
# the C static library and the CLI with cargo into target/debug (reused when up to date,
# shared with bindings/c/ci.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TERM_COLOR=never
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
OUT=$TARGET/go-ci
mkdir -p "$OUT"
start=$(date +%s)
step() { echo; echo "== go: $* ($(( $(date +%s) - start ))s)"; }
fail() { echo "FAILED: $*" >&2; exit 1; }

step "go toolchain"
if ! command -v go >/dev/null 2>&1; then
    SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq golang-go >/dev/null
fi
go version
# No Go module proxy is needed: the package has no module dependencies.
export GOPROXY=off GOTOOLCHAIN=local CGO_ENABLED=1

step "build the C static library and the CLI (the emulator), once"
cargo build -p register-usage-jwt-ffi -p register-usage-jwt-cli
LIB=$TARGET/debug/libregister_usage_jwt_c.a
EMULATOR=$TARGET/debug/register-usage-jwt
# The header comes from the package's own #cgo CFLAGS (../c/include); the static library
# (not the shared one next to it) and what Rust's std needs from libc come from here.
export CGO_CFLAGS="-I$PWD/bindings/c/include"
export CGO_LDFLAGS="$LIB -lpthread -ldl -lm"

step "gofmt and go vet (both builds of the example)"
cd bindings/go
unformatted=$(gofmt -l .)
[ -z "$unformatted" ] || fail "not gofmt'ed: $unformatted"
go vet ./...
go vet -tags insecure_published_test_keys ./...
cd ../..

step "the conformance corpus is what its generator writes"
python3 tests/fixtures/generate_conformance.py --check

step "go test -race"
(cd bindings/go && go test -race -count=1 -v ./...) >"$OUT/test.log" 2>&1 || { cat "$OUT/test.log"; fail "go test -race"; }
grep '^reliability: ' "$OUT/test.log"
grep -E '^(ok|FAIL|---)|RSS|--- SKIP' "$OUT/test.log" || true
echo "$(grep -c -- '--- PASS: TestInteropFixtures/' "$OUT/test.log") interop fixtures passed," \
     "$(grep -c -- '--- PASS: TestConformanceCorpus/' "$OUT/test.log") conformance cases passed" \
     "($(grep -c -- '--- SKIP: TestConformanceCorpus/' "$OUT/test.log") skipped)," \
     "$(grep -c '^--- PASS' "$OUT/test.log") tests passed," \
     "$(grep -c '^reliability: ' "$OUT/test.log") misuse cases refused"

step "without the race detector: cgo's full pointer checks (GODEBUG=cgocheck=2), the RSS leak loop at its strict bound"
(cd bindings/go && GODEBUG=cgocheck=2 go test -count=1 -v ./...) >"$OUT/test-cgocheck.log" 2>&1 ||
    { cat "$OUT/test-cgocheck.log"; fail "go test with GODEBUG=cgocheck=2"; }
grep -E '^(ok|FAIL)|RSS|unfreed' "$OUT/test-cgocheck.log"

step "the demo build's quoted TEST key is keys/test-only-rsa2048.pub.pem"
(cd bindings/go && go test -count=1 -tags insecure_published_test_keys ./example/startup)

step "build the start-up example: as shipped, and the demo build that trusts a published TEST key"
(cd bindings/go && go build -o "$OUT/startup" ./example/startup &&
    go build -tags insecure_published_test_keys -o "$OUT/startup_demo_TEST_ONLY" ./example/startup)

# The emulator: started with its arguments, its address read from its first line.
# The emulator harness shared with the other bindings (start_emulator, expect_run, ...).
source bindings/emulator.sh
trap stop_emulator EXIT

step "the example against the emulator (TEST ONLY key keys/test-only-rsa2048)"
start_emulator
REGISTER_USAGE_ENDPOINT=$URL expect_run "Go: entitled" 0 "entitled: starting" "$OUT/startup_demo_TEST_ONLY"
expect_calls 1 "Go: entitled"

start_emulator --fail-with ThrottlingException:2 --fail-with InternalServiceErrorException:1
REGISTER_USAGE_ENDPOINT=$URL expect_run "Go: retried throttling and internal errors" 0 "entitled: starting" "$OUT/startup_demo_TEST_ONLY"
expect_calls 4 "Go: retried throttling and internal errors"

start_emulator --fail-with CustomerNotEntitledException
REGISTER_USAGE_ENDPOINT=$URL expect_run "Go: not entitled, not retried" 1 "CustomerNotEntitledException" "$OUT/startup_demo_TEST_ONLY"
expect_calls 1 "Go: not entitled, not retried"

start_emulator --fail-with ThrottlingException
REGISTER_USAGE_ENDPOINT=$URL expect_run "Go: throttled for ever: gives up" 1 "attempt 5 of 5" "$OUT/startup_demo_TEST_ONLY"

# The attack: an emulator signing with another key (its private half also published), and
# the one setting the program reads pointing at it. The program must refuse.
start_emulator --key 1=keys/test-only-rsa2048-other.key.pem
REGISTER_USAGE_ENDPOINT=$URL expect_run "Go: attack (emulator signing with another key)" 1 "bad_signature" "$OUT/startup_demo_TEST_ONLY"
REGISTER_USAGE_ENDPOINT=$URL expect_run "Go: attack, the program as shipped" 1 "NOT STARTING" "$OUT/startup"
grep -q "entitled: starting" "$OUT/run.log" && fail "the shipped program started"

REGISTER_USAGE_ENDPOINT=not-a-url expect_run "Go: endpoint not a URL" 1 "REGISTER_USAGE_ENDPOINT" "$OUT/startup_demo_TEST_ONLY"
REGISTER_USAGE_ENDPOINT=$URL expect_run "Go: unedited key placeholder" 1 "invalid_key" "$OUT/startup"
stop_emulator

step "done"
