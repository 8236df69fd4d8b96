#!/bin/sh
# Runs every fuzz target (or those named) for SECONDS seconds each, one after another, and prints
# each target's executions. Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
#   fuzz/run.sh 600                 # every target, 10 minutes each
#   fuzz/run.sh 600 scan config     # two targets
# Crashes land in fuzz/artifacts/<target>/; the corpus grows in fuzz/corpus/<target>/ (both
# ignored by Git). Seeds: fuzz/seeds/<target>/ when present.
set -eu
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-600}
[ $# -gt 0 ] && shift
TARGETS=${*:-"scan index_file added_lines env_file config baseline gitleaks"}
for target in $TARGETS; do
    mkdir -p "fuzz/corpus/$target"
    seeds=""
    [ -d "fuzz/seeds/$target" ] && seeds="fuzz/seeds/$target"
    echo "== $target: ${SECONDS_EACH}s"
    cargo +nightly fuzz run "$target" "fuzz/corpus/$target" $seeds -- \
        -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=20 -print_final_stats=1 \
        2>&1 | tee "fuzz/last-$target.log" | grep -E "stat::number_of_executed_units|Done|ERROR|SUMMARY" || true
done
