#!/usr/bin/env bash
# Packages the three published crates (register-usage-jwt, its implementation
# register-usage-jwt-core, and register-usage-jwt-macros), checks what they ship, unpacks them
# and runs their own tests from the unpacked sources (as a seller vendoring them, or
# crates.io, sees them).
#
#   scripts/package-check.sh
#
# The unpacked crates resolve each other (register-usage-jwt -> -core and -macros, -macros ->
# -core) through a `[patch.crates-io]` to the unpacked sources, since none is published yet.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# Outside the repository, so the unpacked crates are not taken for workspace members.
work="${TMPDIR:-/tmp}/register-usage-jwt-package-check"
rm -rf "$work"
mkdir -p "$work"

crates=(register-usage-jwt-core register-usage-jwt-macros register-usage-jwt)
cargo package --no-verify --allow-dirty -p register-usage-jwt-core -p register-usage-jwt-macros -p register-usage-jwt

for crate in "${crates[@]}"; do
    file="$root/target/package/$crate-0.1.0.crate"
    listing=$(tar tzf "$file")
    echo "== $crate: $(echo "$listing" | wc -l) files"
    # Nothing secret, nothing of the repository's tooling.
    if echo "$listing" | grep -E '\.key\.pem$|PRIVATE|/\.ci/|/fuzz/|/cli/|/scripts/|/checks/|/docs/|/examples/|/bindings/|/test-support/'; then
        echo "FAIL: $crate ships files it must not (above)"
        exit 1
    fi
    if tar xzf "$file" -O | grep -q -- '-----BEGIN [A-Z ]*PRIVATE KEY-----'; then
        echo "FAIL: $crate ships a private key"
        exit 1
    fi
    for required in LICENSE-MIT LICENSE-APACHE Cargo.toml; do
        echo "$listing" | grep -qx "$crate-0.1.0/$required" || { echo "FAIL: $crate lacks $required"; exit 1; }
    done
    tar xzf "$file" -C "$work"
done

# The packaged README (the registry page) has no relative links.
for readme in "$work/register-usage-jwt-0.1.0/CRATE-README.md" "$work/register-usage-jwt-core-0.1.0/README.md" "$work/register-usage-jwt-macros-0.1.0/README.md"; do
    if grep -nE '\]\((\.\.?/|[a-zA-Z0-9_-]+\.md|[a-zA-Z0-9_-]+/)' "$readme"; then
        echo "FAIL: relative link in $readme (above)"
        exit 1
    fi
done

# The core's and the macros' tests read the repository's one copy of each key and of the demo
# token through `../keys` and `../tests/fixtures` (relative to their manifests, or `../../`
# from src/); neither package carries them. The facade's package ships the public keys and the
# demo token, so they are laid beside the unpacked crates where the repository has them.
facade="$work/register-usage-jwt-0.1.0"
cp -R "$facade/keys" "$work/keys"
mkdir -p "$work/tests/fixtures"
cp "$facade/tests/fixtures/demo-token.txt" "$work/tests/fixtures/demo-token.txt"

mkdir -p "$work/.cargo"
cat > "$work/.cargo/config.toml" <<TOML
[patch.crates-io]
register-usage-jwt-core = { path = "$work/register-usage-jwt-core-0.1.0" }
register-usage-jwt-macros = { path = "$work/register-usage-jwt-macros-0.1.0" }
TOML

# A fresh target dir every run: the unpacked sources carry the archive's timestamps, which
# cargo's freshness check cannot tell from an earlier run's build.
export CARGO_TARGET_DIR="${work}-target"
rm -rf "$CARGO_TARGET_DIR"
for crate in "${crates[@]}"; do
    echo "== cargo test in the unpacked $crate"
    (cd "$work/$crate-0.1.0" && cargo test --all-features)
    (cd "$work/$crate-0.1.0" && cargo test)
done
echo "package check: OK"
