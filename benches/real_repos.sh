#!/usr/bin/env bash
# Throughput on real repositories: `keygate check` on each given clone's working tree beside
# `gitleaks dir` on the same tree, in the same run (hyperfine, the commands one after the other
# on each repository), with MB/s, files/s, CPU time and system calls (strace -c -f) side by side.
#
#   benches/real_repos.sh REPO [REPO...]      (clones with a working tree; run by hand, not in CI)
#
# The script fetches nothing: clone the repositories yourself (the README's figures use
# rust-lang/cargo, webpack/webpack and python/mypy) and pass their folders. Nothing in them is
# changed, except keygate's folder-listing cache in .git/keygate/.
# Needs hyperfine and a release build (cargo build --release); strace is optional (Debian:
# apt-get install strace). $BASE names a second keygate binary to measure beside this one (a
# build of main, say); gitleaks is read from $PEERS (default ~/.keygate-peers/bin, see
# ../shared/peers/install.sh). Medians over $RUNS runs (default 10) after $WARMUP warm-up runs
# (default 2). MB and files are those of the tracked files present on disk.
set -euo pipefail

[ $# -ge 1 ] || { sed -n '2,15p' "$0" >&2; exit 2; }
runs=${RUNS:-10}
warmup=${WARMUP:-2}
root=$(cd "$(dirname -- "$0")/.." && pwd)
keygate=${KEYGATE:-$root/target/release/keygate}
base=${BASE:-}
peers=${PEERS:-$HOME/.keygate-peers/bin}
gitleaks=$peers/gitleaks

command -v hyperfine >/dev/null || { echo "real_repos: hyperfine is not installed" >&2; exit 1; }
[ -x "$keygate" ] || { echo "real_repos: $keygate missing: run cargo build --release" >&2; exit 1; }
[ -x "$gitleaks" ] || gitleaks=$(command -v gitleaks || true)
have_strace=$(command -v strace || true)
[ -n "$have_strace" ] || echo "real_repos: strace is not installed: no system call counts" >&2
export NO_COLOR=1

work=$(mktemp -d "${TMPDIR:-/tmp}/keygate-real-repos.XXXXXX")
trap 'rm -rf "$work"' EXIT

# name|command lines for one repository (run inside it).
tools() {
  echo "keygate|$keygate check --format json --output $work/keygate.json"
  if [ -n "$base" ]; then
    echo "keygate (base)|$base check --format json --output $work/base.json"
  fi
  if [ -n "$gitleaks" ]; then
    echo "gitleaks dir|$gitleaks dir . --no-banner --report-path $work/gitleaks.json"
  fi
}

rows=$work/rows
: >"$rows"
for repo in "$@"; do
  repo=$(cd "$repo" && pwd)
  name=$(basename "$repo")
  # Tracked files present on disk, and their bytes.
  read -r files bytes < <(cd "$repo" && git ls-files -z | xargs -0 -r stat -c '%s' 2>/dev/null |
    awk '{ n++; b += $1 } END { print n + 0, b + 0 }')
  echo "real_repos: $name: $files tracked files, $bytes bytes" >&2
  args=()
  while IFS='|' read -r label cmd; do
    args+=(-n "$label" "$cmd")
  done < <(tools)
  (cd "$repo" && hyperfine -N -i --warmup "$warmup" --runs "$runs" \
    --export-json "$work/$name.json" "${args[@]}" >&2)
  while IFS='|' read -r label cmd; do
    calls=""
    if [ -n "$have_strace" ]; then
      (cd "$repo" && strace -c -f -o "$work/strace" $cmd >/dev/null 2>&1) || true
      calls=$(awk '$NF == "total" { print $4 }' "$work/strace")
    fi
    echo "$name|$files|$bytes|$label|$calls" >>"$rows"
  done < <(tools)
done

python3 - "$work" "$rows" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import json, sys
work, rows, cpus, load = sys.argv[1:]
print(f"\nWorking-tree check on real repositories ({cpus} CPUs, load average at the end {load}):\n")
print("| repository | files | MB | tool | median wall | MB/s | files/s | CPU user+sys | syscalls | per file | vs gitleaks |")
print("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|")
lines = [l.rstrip("\n").split("|") for l in open(rows) if l.strip()]
for name, files, size, label, calls in lines:
    res = {r["command"]: r for r in json.load(open(f"{work}/{name}.json"))["results"]}
    r = res[label]
    med = r["median"]
    mb = int(size) / 1e6
    cpu = (r["user"] + r["system"]) * 1000
    peer = res.get("gitleaks dir")
    ratio = f"{peer['median'] / med:.1f}x" if peer and label != "gitleaks dir" else ""
    per = f"{int(calls) / int(files):.1f}" if calls else ""
    shown = f"{int(calls):,}" if calls else ""
    print(f"| {name} | {int(files):,} | {mb:.1f} | {label} | {med * 1000:.0f} ms | {mb / med:.0f} | "
          f"{int(files) / med:,.0f} | {cpu:.0f} ms | {shown} | {per} | {ratio} |")
PY
