#!/usr/bin/env bash
# CI for the Java binding (bindings/java/): builds the JNI library with cargo, the jar with
# javac and jar (no Maven: its repository is not reachable), runs the JUnit 5 tests against
# the built jar (every case of the conformance corpus, the misuse cases, concurrent verify +
# close, the RSS/heap leak loop, the Cleaner), and the start-up example against
# `register-usage-jwt emulate`, including the attack run.
#
# The tests print one line per misuse case on stdout,
# "reliability: java<TAB>CASE<TAB>OUTCOME", for the README's reliability figure.
#
#   bindings/java/ci.sh
#
# Needs: cargo, a JDK >= 17 and JUnit 5 (installed with apt-get as openjdk-17-jdk-headless
# and junit5 if missing). Builds into target/debug and target/java-ci.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TERM_COLOR=never
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
OUT=$TARGET/java-ci
start=$(date +%s)
step() { echo; echo "== java: $* ($(( $(date +%s) - start ))s)"; }
fail() { echo "FAILED: $*" >&2; exit 1; }

JUNIT=/usr/share/java/junit-platform-console-standalone.jar
step "JDK and JUnit 5"
if ! command -v javac >/dev/null 2>&1 || ! command -v jar >/dev/null 2>&1 || [ ! -f "$JUNIT" ]; then
    SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq openjdk-17-jdk-headless junit5 >/dev/null
fi
javac -version
[ -f "$JUNIT" ] || fail "junit5 installed no $JUNIT"

step "build the JNI library and the CLI (the emulator)"
cargo build -p register-usage-jwt-java -p register-usage-jwt-cli
EMULATOR=$TARGET/debug/register-usage-jwt
case "$(uname -m)" in
    x86_64) PLATFORM=linux-x86_64 ;;
    aarch64) PLATFORM=linux-aarch64 ;;
    *) fail "no platform name for $(uname -m)" ;;
esac

step "javac and jar: the library jar (native library for $PLATFORM inside)"
rm -rf "$OUT"
mkdir -p "$OUT/classes" "$OUT/resources/native/$PLATFORM" "$OUT/test-classes"
cp "$TARGET/debug/libregister_usage_jwt_java.so" "$OUT/resources/native/$PLATFORM/"
JAVAC=(javac --release 17 -Xlint:all -Werror -encoding UTF-8)
"${JAVAC[@]}" -d "$OUT/classes" $(find bindings/java/src/main -name '*.java')
JAR=$OUT/register-usage-jwt.jar
jar --create --file "$JAR" -C "$OUT/classes" . -C "$OUT/resources" .

step "the conformance corpus is what its generator writes"
python3 tests/fixtures/generate_conformance.py --check

step "JUnit 5 tests against the jar"
"${JAVAC[@]}" -cp "$JAR:$JUNIT" -d "$OUT/test-classes" $(find bindings/java/src/test -name '*.java')
java -Drepo.root="$PWD" -jar "$JUNIT" --disable-banner --details=tree --fail-if-no-tests \
    -cp "$JAR:$OUT/test-classes" --select-package com.registerusagejwt >"$OUT/test.log" 2>&1 ||
    { cat "$OUT/test.log"; fail "JUnit tests"; }
grep '^reliability: ' "$OUT/test.log"
grep -E 'RSS|tests (successful|failed|aborted|skipped)' "$OUT/test.log"
grep -B1 -A1 'duplicate key versions' "$OUT/test.log" || true
echo "$(grep -c '^reliability: ' "$OUT/test.log") misuse cases refused"

step "build the start-up example: as shipped, and the demo build that trusts a published TEST key"
for variant in shipped demo-test-only; do
    mkdir -p "$OUT/example-$variant"
    "${JAVAC[@]}" -cp "$JAR" -d "$OUT/example-$variant" \
        bindings/java/example/src/com/example/startup/*.java bindings/java/example/$variant/com/example/startup/*.java
done
# The shipped build's key is its placeholder resource; the demo's is the one copy of the
# published TEST key in keys/ (no second copy in the repository).
cp bindings/java/example/shipped/com/example/startup/product_key.pem "$OUT/example-shipped/com/example/startup/"
cp keys/test-only-rsa2048.pub.pem "$OUT/example-demo-test-only/com/example/startup/demo_product_key_TEST_ONLY.pem"
jar --create --file "$OUT/startup.jar" --main-class com.example.startup.Startup -C "$OUT/example-shipped" .
jar --create --file "$OUT/startup-demo-TEST-ONLY.jar" --main-class com.example.startup.Startup -C "$OUT/example-demo-test-only" .
SHIPPED=(java -cp "$OUT/startup.jar:$JAR" com.example.startup.Startup)
DEMO=(java -cp "$OUT/startup-demo-TEST-ONLY.jar:$JAR" com.example.startup.Startup)

# The emulator: started with its arguments, its address read from its first line.
# The emulator harness shared with the other bindings (start_emulator, expect_run, ...).
source bindings/emulator.sh
trap stop_emulator EXIT

step "the example against the emulator (TEST ONLY key keys/test-only-rsa2048)"
start_emulator
REGISTER_USAGE_ENDPOINT=$URL expect_run "Java: entitled" 0 "entitled: starting" "${DEMO[@]}"
expect_calls 1 "Java: entitled"

start_emulator --fail-with ThrottlingException:2 --fail-with InternalServiceErrorException:1
REGISTER_USAGE_ENDPOINT=$URL expect_run "Java: retried throttling and internal errors" 0 "entitled: starting" "${DEMO[@]}"
expect_calls 4 "Java: retried throttling and internal errors"

start_emulator --fail-with CustomerNotEntitledException
REGISTER_USAGE_ENDPOINT=$URL expect_run "Java: not entitled, not retried" 1 "CustomerNotEntitledException" "${DEMO[@]}"
expect_calls 1 "Java: not entitled, not retried"

start_emulator --fail-with ThrottlingException
REGISTER_USAGE_ENDPOINT=$URL expect_run "Java: throttled for ever: gives up" 1 "attempt 5 of 5" "${DEMO[@]}"

# The attack: an emulator signing with another key (its private half also published), and
# the one setting the program reads pointing at it. The program must refuse.
start_emulator --key 1=keys/test-only-rsa2048-other.key.pem
REGISTER_USAGE_ENDPOINT=$URL expect_run "Java: attack (emulator signing with another key)" 1 "bad_signature" "${DEMO[@]}"
grep -q "entitled: starting" "$OUT/run.log" && fail "the demo program started under attack"
REGISTER_USAGE_ENDPOINT=$URL expect_run "Java: attack, the program as shipped" 1 "NOT STARTING" "${SHIPPED[@]}"
grep -q "entitled: starting" "$OUT/run.log" && fail "the shipped program started"

REGISTER_USAGE_ENDPOINT=not-a-url expect_run "Java: endpoint not a URL" 1 "REGISTER_USAGE_ENDPOINT" "${DEMO[@]}"
REGISTER_USAGE_ENDPOINT=$URL expect_run "Java: unedited key placeholder" 1 "invalid_key" "${SHIPPED[@]}"
stop_emulator

step "done"
