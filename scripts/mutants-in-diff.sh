#!/usr/bin/env bash
# Mutation testing of the lines a change touches in the core crate (`core/src/`), with the core's
# own tests and the settings in .cargo/mutants.toml. Fails when a mutant is missed, unless
# docs/mutants-equivalent.md lists it (as `core/src/FILE: MUTANT`, without the line number), or when
# a mutant times out or the unmutated tree fails its tests.
#
#   scripts/mutants-in-diff.sh                  # the last commit (HEAD~1...HEAD)
#   MUTANTS_BASE=origin/main scripts/mutants-in-diff.sh
#   MUTANTS_BASE=1fbf412~1 MUTANTS_HEAD=1fbf412 scripts/mutants-in-diff.sh
#                                               # one past commit's lines (in today's tree:
#                                               # meaningful while those lines are unchanged)
#   MUTANTS_JOBS=2 scripts/mutants-in-diff.sh   # parallel builds (default 1)
#   MUTANTS_PROFILE=dev scripts/mutants-in-diff.sh
#                                               # reuse `cargo test`'s build (what CI does)
#   MUTANTS_IN_PLACE=1 scripts/mutants-in-diff.sh
#                                               # mutate this checkout itself (restored after
#                                               # each mutant) and reuse its target dir: for a
#                                               # throwaway clone such as CI's
#
# Needs `cargo install cargo-mutants --locked` and `cargo install cargo-nextest --locked`
# (the test tool .cargo/mutants.toml names). Output: target/mutants-in-diff/mutants.out/.
#
# cargo-mutants 27.1 runs its baseline with the tests of the mutated package only, ignoring
# `test_package`, and this configuration's test targets are the root package's: so the
# baseline here is run directly, with the same test set, and cargo-mutants skips its own.
set -euo pipefail

cd "$(git rev-parse --show-toplevel)"
base="${MUTANTS_BASE:-HEAD~1}"
head="${MUTANTS_HEAD:-HEAD}"
jobs="${MUTANTS_JOBS:-1}"
out="${CARGO_TARGET_DIR:-target}/mutants-in-diff"
mkdir -p "$out"
diff="$out/change.diff"

# Only the core's sources: a change elsewhere has no core mutants.
git diff "$base...$head" -- core/src/ > "$diff"
if [ ! -s "$diff" ]; then
    echo "mutants-in-diff: no change under core/src/ in $base...$head: no mutants"
    exit 0
fi
echo "mutants-in-diff: $(grep -c '^+++ ' "$diff") file(s) under core/src/ changed in $base...$head"

profile="${MUTANTS_PROFILE:-mutants}"
# The unmutated tree must pass the set of tests each mutant gets (.cargo/mutants.toml:
# `additional_cargo_args` and `additional_cargo_test_args`), or every mutant would look caught.
echo "mutants-in-diff: baseline (profile $profile)"
cargo nextest run --cargo-profile "$profile" -p register-usage-jwt-core -p register-usage-jwt \
    --lib --test suite --test interop \
    -E 'not test(/never_verifies$/) and not test(/^differential::/)'

args=(-p register-usage-jwt-core --in-diff "$diff" --output "$out" --no-shuffle
      --baseline skip --timeout "${MUTANTS_TIMEOUT:-120}" --build-timeout 600 --profile "$profile")
if [ -n "${MUTANTS_IN_PLACE:-}" ]; then
    # One tree, so one job.
    args+=(--in-place)
else
    args+=(--jobs "$jobs")
fi
status=0
cargo mutants "${args[@]}" || status=$?
# cargo-mutants exit codes: 0 every mutant caught (or none generated), 2 some missed,
# 3 some timed out, 4 the unmutated tree failed its tests; anything else is a usage error.
case "$status" in
    0) echo "mutants-in-diff: every mutant caught"; exit 0 ;;
    2) ;;
    *) echo "mutants-in-diff: cargo-mutants exited $status (3: timeout, 4: baseline failed)" >&2
       exit "$status" ;;
esac

missed="$out/mutants.out/missed.txt"
unexplained=0
while IFS= read -r line; do
    [ -n "$line" ] || continue
    # `core/src/json.rs:123:45: replace | with ^ in f` -> `core/src/json.rs: replace | with ^ in f`
    name="$(printf '%s' "$line" | sed -E 's/^([^:]+):[0-9]+:[0-9]+: /\1: /')"
    if grep -qF -- "\`$name\`" docs/mutants-equivalent.md; then
        echo "equivalent (listed in docs/mutants-equivalent.md): $line"
    else
        echo "MISSED: $line" >&2
        unexplained=$((unexplained + 1))
    fi
done < "$missed"
if [ "$unexplained" -gt 0 ]; then
    echo "mutants-in-diff: $unexplained missed mutant(s) not listed in docs/mutants-equivalent.md:" \
         "write a test that catches each, or list it there with why it cannot change behaviour" >&2
    exit 2
fi
echo "mutants-in-diff: every missed mutant is listed as equivalent"
