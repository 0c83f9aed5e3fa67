#!/usr/bin/env bash
# CI for the JavaScript / TypeScript package (bindings/js/): builds the WebAssembly module
# (bindings/js/wasm) and its wasm-bindgen glue, packs the npm package, installs the tarball
# into a fresh directory and runs the Node tests there (every interop fixture, the
# conformance corpus, the misuse cases, the leak loop), then the start-up example
# (bindings/js/example) against `register-usage-jwt emulate`, including the attack run.
#
# The tests write one line per misuse case, "reliability: js<TAB>CASE<TAB>OUTCOME", which
# this script prints for scripts/reliability.sh.
#
#   bindings/js/ci.sh
#
# Needs: cargo and rustup (adds the wasm32-unknown-unknown target if missing), Node >= 20
# with npm. Installs wasm-bindgen-cli at exactly the version of wasm-bindgen in Cargo.lock
# when `wasm-bindgen` on PATH is missing or another version (a few minutes, once).
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD
export CARGO_TERM_COLOR=never
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
OUT=$TARGET/js-ci
rm -rf "$OUT"
mkdir -p "$OUT"
start=$(date +%s)
step() { echo; echo "== js: $* ($(( $(date +%s) - start ))s)"; }
fail() { echo "FAILED: $*" >&2; exit 1; }

step "toolchains"
node --version
npm --version
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' || fail "Node 20 or later is needed"
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
fi
# The CLI must be the exact version of the wasm-bindgen library the module links (its
# generated glue and the module's custom section must match).
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
[ -n "$WB_VERSION" ] || fail "no wasm-bindgen in Cargo.lock"
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WB_VERSION" ]; then
    step "cargo install wasm-bindgen-cli $WB_VERSION"
    # --locked first; a registry mirror that lacks one of the CLI's locked dependencies
    # (this machine's lacks webpki-roots 1.0.11) gets the newest compatible ones instead.
    cargo install wasm-bindgen-cli --locked --version "$WB_VERSION" ||
        cargo install wasm-bindgen-cli --version "$WB_VERSION"
fi
wasm-bindgen --version

step "build the WebAssembly module and its glue"
cargo build --release --target wasm32-unknown-unknown -p register-usage-jwt-wasm
PKG=$OUT/package
mkdir -p "$PKG/lib" "$PKG/generated"
wasm-bindgen --target nodejs --out-dir "$PKG/generated" --out-name register_usage_jwt_wasm \
    "$TARGET/wasm32-unknown-unknown/release/register_usage_jwt_wasm.wasm"
cp bindings/js/package.json bindings/js/README.md LICENSE-MIT LICENSE-APACHE "$PKG/"
cp bindings/js/lib/index.js bindings/js/lib/index.d.ts "$PKG/lib/"
echo "module: $(wc -c <"$PKG/generated/register_usage_jwt_wasm_bg.wasm") bytes"

step "npm pack"
TARBALL=$(cd "$PKG" && npm pack --silent --pack-destination "$OUT")
TARBALL=$OUT/$TARBALL
tar -tzf "$TARBALL"

step "install the tarball into a fresh directory and run the tests there"
FRESH=$(mktemp -d)
trap 'rm -rf "$FRESH"' EXIT
cp -r bindings/js/test "$FRESH/test"
(cd "$FRESH" && echo '{"private": true}' >package.json &&
    npm install --no-audit --no-fund --ignore-scripts "$TARBALL" >/dev/null)
[ -f "$FRESH/node_modules/register-usage-jwt/generated/register_usage_jwt_wasm_bg.wasm" ] || fail "the tarball lacks the module"
: >"$OUT/reliability.log"
(cd "$FRESH" && REGISTER_USAGE_JWT_REPO=$REPO RELIABILITY_LOG=$OUT/reliability.log LEAK_LOG=$OUT/leak.log \
    node --expose-gc --test --test-reporter=spec test/) >"$OUT/test.log" 2>&1 ||
    { cat "$OUT/test.log"; fail "node --test"; }
cat "$OUT/reliability.log"
cat "$OUT/leak.log"
grep -E '^ℹ (tests|pass|fail|skipped)' "$OUT/test.log"
grep -q '^ℹ fail 0$' "$OUT/test.log" || fail "a test failed"
grep -q '^ℹ skipped 0$' "$OUT/test.log" || fail "a test was skipped"
echo "$(grep -c '^reliability: ' "$OUT/reliability.log") misuse cases refused"

step "the start-up example: npm ci (the AWS SDK from its lock file), then the packed package"
cargo build -p register-usage-jwt-cli
EMULATOR=$TARGET/debug/register-usage-jwt
EXAMPLE=$FRESH/example
mkdir -p "$EXAMPLE"
cp bindings/js/example/*.js bindings/js/example/package.json \
    bindings/js/example/package-lock.json "$EXAMPLE/"
# The demo's key: the one copy of the published TEST key in keys/.
cp keys/test-only-rsa2048.pub.pem "$EXAMPLE/demo_product_key_TEST_ONLY.pem"
(cd "$EXAMPLE" && npm ci --no-audit --no-fund --ignore-scripts >/dev/null &&
    npm install --no-save --no-audit --no-fund --ignore-scripts "$TARBALL" >/dev/null)

step "the TypeScript types: tsc --strict on a use of the installed package (typescript from the example's lock)"
cp bindings/js/test-types/use.ts "$EXAMPLE/use.ts"
(cd "$EXAMPLE" && node_modules/.bin/tsc --noEmit --strict --module nodenext --moduleResolution nodenext \
    --target es2022 --lib es2022,esnext.disposable use.ts) || fail "tsc"
echo "types: ok"

# The emulator harness shared with the other bindings; expect_run is redefined below.
source bindings/emulator.sh
trap 'stop_emulator; rm -rf "$FRESH"' EXIT
# expect_run NAME STATUS TEXT COMMAND...: runs COMMAND with a clean environment (a region
# and dummy credentials, no instance metadata, no AWS files), checks its exit status and that
# its output contains TEXT.
expect_run() {
    local name=$1 want=$2 text=$3 got=0
    shift 3
    env -i PATH="$PATH" HOME="$FRESH" AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
        AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/nonexistent/aws-config \
        AWS_SHARED_CREDENTIALS_FILE=/nonexistent/aws-credentials "$@" >"$OUT/run.log" 2>&1 || got=$?
    cat "$OUT/run.log"
    [ "$got" -eq "$want" ] || fail "$name: exit status $got, expected $want"
    grep -q -- "$text" "$OUT/run.log" || fail "$name: output lacks '$text'"
    echo "ok: $name"
}
DEMO="node $EXAMPLE/main_demo_TEST_ONLY.js"
SHIPPED="node $EXAMPLE/main.js"

step "the example against the emulator (TEST ONLY key keys/test-only-rsa2048)"
start_emulator
expect_run "JS: entitled" 0 "entitled: starting" REGISTER_USAGE_ENDPOINT="$URL" $DEMO
expect_calls 1 "JS: entitled"

start_emulator --fail-with ThrottlingException:2 --fail-with InternalServiceErrorException:1
expect_run "JS: retried throttling and internal errors" 0 "entitled: starting" REGISTER_USAGE_ENDPOINT="$URL" $DEMO
expect_calls 4 "JS: retried throttling and internal errors"

start_emulator --fail-with CustomerNotEntitledException
expect_run "JS: not entitled, not retried" 1 "CustomerNotEntitledException" REGISTER_USAGE_ENDPOINT="$URL" $DEMO
expect_calls 1 "JS: not entitled, not retried"

start_emulator --fail-with InvalidProductCodeException
expect_run "JS: invalid product code, not retried (SDK retry settings in the environment change nothing)" 1 \
    "InvalidProductCodeException" REGISTER_USAGE_ENDPOINT="$URL" AWS_MAX_ATTEMPTS=10 AWS_RETRY_MODE=adaptive $DEMO
expect_calls 1 "JS: invalid product code, not retried"

start_emulator --fail-with ThrottlingException
expect_run "JS: throttled for ever: gives up" 1 "attempt 5 of 5" REGISTER_USAGE_ENDPOINT="$URL" $DEMO
expect_calls 5 "JS: throttled for ever: gives up"

# The attack: an emulator signing with another key, and every setting the program reads
# (and every one a careless version of it might read) set by the attacker, as environment
# variables and as arguments. The program must refuse: it reaches the attacker's endpoint,
# gets a token and refuses its signature.
attack() {
    local name=$1
    shift
    expect_run "$name" 1 "bad_signature" REGISTER_USAGE_ENDPOINT="$URL" \
        AWS_ENDPOINT_URL="$URL" AWS_ENDPOINT_URL_MARKETPLACE_METERING="$URL" \
        AWS_REGION=eu-west-1 AWS_DEFAULT_REGION=eu-west-1 AWS_ACCESS_KEY_ID=attacker AWS_SECRET_ACCESS_KEY=attacker \
        AWS_SESSION_TOKEN=attacker AWS_MAX_ATTEMPTS=1 AWS_RETRY_MODE=legacy \
        AWS_USE_FIPS_ENDPOINT=false AWS_USE_DUALSTACK_ENDPOINT=false \
        HTTP_PROXY="$URL" HTTPS_PROXY="$URL" http_proxy="$URL" https_proxy="$URL" NO_PROXY= \
        NODE_TLS_REJECT_UNAUTHORIZED=0 NODE_EXTRA_CA_CERTS="$REPO/keys/test-only-rsa2048.pub.pem" \
        AWS_CA_BUNDLE="$REPO/keys/test-only-rsa2048.pub.pem" NODE_OPTIONS=--no-warnings NODE_ENV=development \
        REGISTER_USAGE_PUBLIC_KEY="$REPO/keys/test-only-rsa2048-other.pub.pem" \
        REGISTER_USAGE_INSECURE_ALLOW_PUBLISHED_TEST_KEYS=1 REGISTER_USAGE_JWT_ALLOW_TEST_KEYS=1 \
        REGISTER_USAGE_PRODUCT_CODE=1fszvu527waovqeuhpkyx2b5d REGISTER_USAGE_PUBLIC_KEY_VERSION=2 \
        REGISTER_USAGE_MAX_ATTEMPTS=1 "$@" \
        --public-key "$REPO/keys/test-only-rsa2048-other.pub.pem" --insecure-allow-published-test-keys \
        --product-code 1fszvu527waovqeuhpkyx2b5d --public-key-version 2 --endpoint "$URL"
    grep -q "entitled: starting" "$OUT/run.log" && fail "$name: the program started"
    expect_calls 1 "$name"
}
start_emulator --key 1=keys/test-only-rsa2048-other.key.pem --key 2=keys/test-only-rsa2048-other.key.pem
attack "JS attack: emulator signing with another key, the demo build" $DEMO
start_emulator --key 1=keys/test-only-rsa2048-other.key.pem --key 2=keys/test-only-rsa2048-other.key.pem
attack "JS attack: emulator signing with another key, the program as shipped" $SHIPPED
start_emulator --key 1=keys/test-only-rsa2048.key.pem --key 2=keys/test-only-rsa2048.key.pem
attack "JS attack: emulator signing with the published test key, the program as shipped" $SHIPPED

expect_run "JS: endpoint not a URL" 1 "REGISTER_USAGE_ENDPOINT" REGISTER_USAGE_ENDPOINT=not-a-url $DEMO
expect_run "JS: nothing listening" 1 "NOT STARTING" REGISTER_USAGE_ENDPOINT=http://127.0.0.1:9 $DEMO
stop_emulator

step "done"
