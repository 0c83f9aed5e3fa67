#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 60) with the dictionary, starting from
# the committed seeds (fuzz/seeds/<target>.tar.xz) unpacked into the working corpus
# (fuzz/corpus/<target>/, git-ignored; see fuzz/seeds.sh). Exits non-zero on the first
# crash, leak, timeout or out-of-memory; the reproducer is left in fuzz/artifacts/<target>/.
#
#   fuzz/run-all.sh 45                 # every target, 45 s each (what CI runs: 9 targets,
#                                      # about 7 minutes of fuzzing plus the build)
#   fuzz/run-all.sh 600 verify_token   # selected targets only
#
# Needs `cargo install cargo-fuzz --locked` and a nightly toolchain.
set -euo pipefail

seconds="${1:-60}"
shift || true
cd "$(dirname "$0")"

targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
    mapfile -t targets < <(cargo +nightly fuzz list)
fi

# fuzz/ is its own workspace: its Cargo.lock is kept current (cargo fuzz has no --locked).
cargo +nightly metadata --locked --format-version 1 >/dev/null
cargo +nightly fuzz build

for target in "${targets[@]}"; do
    mkdir -p "corpus/$target"
    if [ -f "seeds/$target.tar.xz" ]; then
        ./seeds.sh unpack "$target"
    fi
    echo "== $target: ${seconds}s"
    cargo +nightly fuzz run "$target" "corpus/$target" -- \
        -dict=jwt.dict \
        -max_total_time="$seconds" \
        -max_len=9000 \
        -timeout=10 \
        -rss_limit_mb=2048 \
        -print_final_stats=1
done
echo "all ${#targets[@]} targets ran ${seconds}s each without a crash"
