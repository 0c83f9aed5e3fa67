#!/usr/bin/env bash
# The committed fuzz seeds: one archive per target, fuzz/seeds/<target>.tar.xz, holding the
# target's minimised corpus (a flat directory of files named by content hash).
#
#   fuzz/seeds.sh unpack [TARGET...]              # seeds/<target>.tar.xz -> corpus/<target>/
#                                                 # (adds; keeps files already there)
#   fuzz/seeds.sh pack [--from DIR] [TARGET...]   # DIR/<target>/ -> seeds/<target>.tar.xz
#                                                 # (DIR defaults to corpus; replaces)
#   fuzz/seeds.sh list [TARGET...]                # "sha256  <target>/<name>" of every seed
#
# Without TARGET: every archive in seeds/ (unpack, list), every directory in DIR (pack).
# fuzz/run-all.sh unpacks before fuzzing. After a campaign, minimise with libFuzzer and pack
# the result, which replaces the target's seeds (from fuzz/, after `cargo +nightly fuzz build`):
#
#   target/x86_64-unknown-linux-gnu/release/$t -merge=1 -max_len=9000 -timeout=10 \
#     -rss_limit_mb=2048 min/$t corpus/$t
#   ./seeds.sh pack --from min $t
#
# Packing is deterministic, so the same files give the same bytes: names sorted, mtime 0,
# owner and group 0, mode 0644, GNU format (GNU tar), then `xz -6e -T1` (single-threaded:
# multi-threaded xz writes other bytes). An archive whose tar stream would not change is
# left as it is, so another xz version never rewrites it for nothing.
set -euo pipefail

cd "$(dirname "$0")"

usage() {
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

# The tar stream of the files directly in directory $1, deterministic.
tar_stream() {
    (cd "$1" && find . -maxdepth 1 -type f -printf '%P\0' | LC_ALL=C sort -z) |
        tar --create --format=gnu --sort=name --mtime=@0 --owner=0 --group=0 \
            --numeric-owner --mode=0644 --no-recursion -C "$1" --null --files-from=- \
            --file=-
}

archived_targets() {
    local archive
    for archive in seeds/*.tar.xz; do
        [ -e "$archive" ] || continue
        archive="${archive#seeds/}"
        echo "${archive%.tar.xz}"
    done
}

command="${1:-}"
shift || true
case "$command" in
    unpack)
        targets=("$@")
        [ "${#targets[@]}" -gt 0 ] || mapfile -t targets < <(archived_targets)
        for target in "${targets[@]}"; do
            if [ ! -f "seeds/$target.tar.xz" ]; then
                echo "no seeds for $target (seeds/$target.tar.xz)" >&2
                continue
            fi
            mkdir -p "corpus/$target"
            tar --extract --xz --file="seeds/$target.tar.xz" --directory="corpus/$target" \
                --skip-old-files --touch --no-same-owner --no-same-permissions
        done
        ;;
    pack)
        from=corpus
        if [ "${1:-}" = "--from" ]; then
            [ "$#" -ge 2 ] || usage
            from="$2"
            shift 2
        fi
        targets=("$@")
        if [ "${#targets[@]}" -eq 0 ]; then
            for dir in "$from"/*/; do
                [ -d "$dir" ] || continue
                dir="${dir%/}"
                targets+=("${dir##*/}")
            done
        fi
        for target in "${targets[@]}"; do
            files=0
            if [ -d "$from/$target" ]; then
                files=$(find "$from/$target" -maxdepth 1 -type f | wc -l)
            fi
            if [ "$files" -eq 0 ]; then
                echo "no files in $from/$target/: nothing packed" >&2
                exit 1
            fi
            archive="seeds/$target.tar.xz"
            new=$(mktemp)
            tar_stream "$from/$target" >"$new"
            if [ -f "$archive" ] && xz --decompress --stdout "$archive" | cmp -s - "$new"; then
                echo "$archive: unchanged ($files files)"
            else
                xz -6e -T1 --stdout "$new" >"$archive.tmp"
                mv "$archive.tmp" "$archive"
                echo "$archive: $files files, $(stat -c %s "$archive") bytes"
            fi
            rm -f "$new"
        done
        ;;
    list)
        targets=("$@")
        [ "${#targets[@]}" -gt 0 ] || mapfile -t targets < <(archived_targets)
        scratch=$(mktemp -d)
        trap 'rm -rf "$scratch"' EXIT
        for target in "${targets[@]}"; do
            mkdir "$scratch/$target"
            tar --extract --xz --file="seeds/$target.tar.xz" --directory="$scratch/$target"
        done
        (cd "$scratch" && find . -type f -printf '%P\0' | LC_ALL=C sort -z |
            xargs -0 --no-run-if-empty sha256sum)
        ;;
    *)
        usage
        ;;
esac
