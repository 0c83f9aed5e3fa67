#!/usr/bin/env bash
# Fails if the tree holds a symbolic link (they break Windows checkouts and `cargo package`)
# or two byte-identical tracked files (every key and fixture has one home: keys/ for keys,
# tests/fixtures/ for fixtures). Per-package licence files are the one allowed repetition:
# each published crate must ship its own.
#
#   scripts/one-copy.sh
set -euo pipefail
cd "$(dirname "$0")/.."
status=0

links=$(find . \( -path ./target -o -path ./.git -o -path '*/target' \) -prune -o -type l -print)
tracked_links=$(git ls-files -s | awk '$1 == "120000" { print $4 }')
if [ -n "$links$tracked_links" ]; then
    echo "FAIL: symbolic links (replace each with a path to the one real file):"
    printf '%s\n' $links $tracked_links | sort -u
    status=1
fi

# Identical content, whatever the names: group the tracked files by their blob id.
dups=$(git ls-files -s | awk '$1 != "120000"' |
    awk '{ path = $4; n = split(path, parts, "/"); if (parts[n] !~ /^LICENSE/) print $2, path }' |
    sort | awk '{ if ($1 == prev) { if (!shown) print prevpath; print $2; shown = 1 } else shown = 0; prev = $1; prevpath = $2 }')
if [ -n "$dups" ]; then
    echo "FAIL: byte-identical files (keep one, point every reader at it):"
    echo "$dups"
    status=1
fi
[ "$status" -eq 0 ] && echo "one copy: no symbolic link, no duplicate among $(git ls-files | wc -l) tracked files"
exit "$status"
