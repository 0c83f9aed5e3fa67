#!/usr/bin/env bash
# The README's reliability figure: how the code around the verifier fails when an attacker
# controls the container's environment, the catalog's answers, a key file or the arguments.
#
#   scripts/reliability.sh            run every case, print the table
#   scripts/reliability.sh --write    also rewrite it in README.md (<!-- reliability:begin/end -->)
#   scripts/reliability.sh --check    fail when README.md's table differs (CI)
#
# Each case is a test that fails on its own when the outcome is wrong (an accepted token, a
# panic, a hang, a file outside --out); here each prints one line,
#   reliability: <surface> TAB <case> TAB <outcome>
# and this script counts them. It runs, in this order: the start-up program's attack test,
# the tool's fail-closed tests (catalog feature), the C ABI and C++ checks (bindings/c/ci.sh) and the
# Python package's (bindings/python/ci.sh), the Go package's (bindings/go/ci.sh), the Java
# binding's (bindings/java/ci.sh) and the JavaScript package's (bindings/js/ci.sh), so CI runs
# the binding checks through it.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-}
LOG_DIR=${CARGO_TARGET_DIR:-$PWD/target}/reliability
mkdir -p "$LOG_DIR"
export CARGO_TERM_COLOR=never

run() { # name, command...: runs it, keeps its output, fails as it fails
    local name=$1
    shift
    echo "== reliability: $name: $*"
    if ! "$@" > "$LOG_DIR/$name.log" 2>&1; then
        tail -n 60 "$LOG_DIR/$name.log"
        echo "FAILED: $name (full output: $LOG_DIR/$name.log)" >&2
        exit 1
    fi
}

run startup cargo test -p register-usage-startup-example --test environment_attack -- --nocapture
run tool cargo test -p register-usage-jwt-cli --features catalog --test fail_closed -- --nocapture
run c bindings/c/ci.sh --skip-miri
run python env PYTEST_ADDOPTS=-s bindings/python/ci.sh
run go bindings/go/ci.sh
run java bindings/java/ci.sh
run js bindings/js/ci.sh

lines=$(cat "$LOG_DIR"/{startup,tool,c,python,go,java,js}.log | tr -d '\r' | grep -aoE 'reliability: [^	]+	[^	]+	.*' || true)
if [ -z "$lines" ]; then
    echo "FAILED: no reliability lines in the logs" >&2
    exit 1
fi

table=$(printf '%s\n' "$lines" | python3 -c '
import sys, collections
rows = collections.OrderedDict()
names = {
    "startup": ("the start-up program (examples/startup): environment and endpoint", "`examples/startup/tests/environment_attack.rs`"),
    "tool": ("the tool (`key fetch`/`check`/`inspect`): catalog answers and key files", "`cli/tests/fail_closed.rs`"),
    "c-abi": ("the C ABI: NULLs, lengths, bad UTF-8, misuse", "`bindings/c/ci.sh`"),
    "c++": ("the C++ wrapper: moved-from objects, embedded NULs", "`bindings/c/ci.sh`"),
    "python": ("the Python package: wrong types, NULs, surrogates, misuse", "`bindings/python/ci.sh`"),
    "go": ("the Go package: NULs, bad UTF-8, size bound, nil, use after Close, concurrent Close", "`bindings/go/ci.sh`"),
    "java": ("the Java binding: nulls, unpaired surrogates, size bound, negative versions, use after close, concurrent close", "`bindings/java/ci.sh`"),
    "js": ("the JavaScript package: wrong types, surrogates, key versions, size bound, use after close", "`bindings/js/ci.sh`"),
}
seen = set()
for line in sys.stdin:
    surface, case, outcome = line.rstrip("\n")[len("reliability: "):].split("\t", 2)
    if (surface, case) in seen:
        continue  # a case run twice (two builds of one test) counts once
    seen.add((surface, case))
    # Failing closed: refused with a message, a safe answer to misuse (C++), a file kept under
    # --out, or remote text shown with its control characters escaped.
    closed = outcome.startswith(("refused", "safe", "written only")) or ", escaped:" in outcome
    r = rows.setdefault(surface, [0, 0])
    r[0] += 1
    r[1] += closed
print("| surface | cases | failed closed | tested by |")
print("|---|---:|---:|---|")
total = [0, 0]
for surface, (cases, closed) in rows.items():
    label, cmd = names.get(surface, (surface, "?"))
    print(f"| {label} | {cases} | {closed} | {cmd} |")
    total[0] += cases
    total[1] += closed
print(f"| **all** | **{total[0]}** | **{total[1]}** | `scripts/reliability.sh` |")
if total[0] != total[1]:
    sys.exit("a case did not fail closed: see the lines above")
')
echo "$table"

README=README.md
begin='<!-- reliability:begin -->'
end='<!-- reliability:end -->'
current=$(sed -n "/^$begin\$/,/^$end\$/p" "$README" | sed '1d;$d')
case "$mode" in
--write)
    python3 - "$README" "$begin" "$end" "$table" <<'EOF'
import sys, pathlib
path, begin, end, table = sys.argv[1:]
text = pathlib.Path(path).read_text()
head, rest = text.split(begin + "\n", 1)
_, tail = rest.split(end, 1)
pathlib.Path(path).write_text(f"{head}{begin}\n{table}\n{end}{tail}")
EOF
    echo "wrote the table into $README"
    ;;
--check)
    if [ "$current" != "$table" ]; then
        echo "FAILED: README.md's reliability table is stale; run scripts/reliability.sh --write" >&2
        diff <(echo "$current") <(echo "$table") || true
        exit 1
    fi
    echo "README.md's reliability table is current"
    ;;
esac
