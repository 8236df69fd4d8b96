#!/usr/bin/env bash
# History-audit benchmark (run by hand): keygate check --history against gitleaks and betterleaks
# on the full history of a real repository, same machine, same run, interleaved rounds.
#
#   benches/history.sh REPO [ROUNDS]
#
# REPO is a clone with a work tree, kept outside this repository (e.g. the search tool's
# `fetch github:rust-lang/cargo`, then `git clone /work/.mirror/rust-lang+cargo/repo /tmp/cargo`).
# Peers come from ../shared/peers/install.sh (PEERS, default $HOME/.keygate-peers/bin).
# All three scan every ref: gitleaks and betterleaks run `git log --all`, so keygate gets `--all`.
# Prints, per tool and round: wall seconds, user+sys CPU seconds, peak RSS (MB, GNU time -v,
# which covers the git child processes each tool waits for), and keygate's blob MB/s.
set -euo pipefail
repo=${1:?usage: benches/history.sh REPO [ROUNDS]}
rounds=${2:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
peers=${PEERS:-$HOME/.keygate-peers/bin}
keygate=$here/target/release/keygate
[ -x "$keygate" ] || (cd "$here" && cargo build --release)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# betterleaks runs git with GIT_CONFIG_GLOBAL=/dev/null. Where /dev/null is not the character
# device (it was a plain file on the shared benchmark machine, which other processes wrote into),
# git then fails with "bad config line 1 in file /dev/null". This shim points those variables at
# an empty file instead; it costs one `sh` exec per git command (betterleaks runs two).
if [ ! -c /dev/null ]; then
  mkdir -p "$out/shim"
  : >"$out/empty-config"
  cat >"$out/shim/git" <<SHIM
#!/bin/sh
[ "\$GIT_CONFIG_GLOBAL" = /dev/null ] && export GIT_CONFIG_GLOBAL=$out/empty-config
[ "\$GIT_CONFIG_SYSTEM" = /dev/null ] && export GIT_CONFIG_SYSTEM=$out/empty-config
exec $(command -v git) "\$@"
SHIM
  chmod +x "$out/shim/git"
  shim_path="$out/shim:$PATH"
  echo "note: /dev/null is not a device here; betterleaks runs with a git shim (see script)"
else
  shim_path=$PATH
fi

echo "repo: $repo ($(git -C "$repo" rev-list --count HEAD) commits reachable from HEAD)"
echo "machine: $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg)"

measure() { # name cmd...
  local name=$1; shift
  local try
  for try in 1 2 3; do
    (cd "$repo" && /usr/bin/time -v "$@" >"$out/$name.stdout" 2>"$out/$name.stderr") || true
    # A run that did not scan (e.g. its `git log` failed) is not a measurement: retry it.
    grep -qE 'incomplete scan|exit status 128' "$out/$name.stderr" || break
    echo "$name: incomplete run, retrying" >&2
  done
  local wall user sys rss
  wall=$(grep 'Elapsed (wall clock)' "$out/$name.stderr" | awk '{print $NF}' \
    | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  user=$(grep 'User time' "$out/$name.stderr" | awk '{print $NF}')
  sys=$(grep 'System time' "$out/$name.stderr" | awk '{print $NF}')
  rss=$(grep 'Maximum resident' "$out/$name.stderr" | awk '{print $NF}')
  local extra=""
  if [ "$name" = keygate ]; then
    local bytes
    bytes=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["bytes_scanned"])' "$out/$name.stdout")
    extra=$(awk -v b="$bytes" -v w="$wall" 'BEGIN{printf "blob data %.0f MB, %.0f MB/s", b/1048576, b/1048576/w}')
    extra="$extra, findings $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$out/$name.stdout")"
  fi
  echo "$name $wall $(awk -v r="$rss" 'BEGIN{print r/1024}')" >>"$out/walls"
  printf '%-12s wall %6.2fs  cpu %6.2fs  peak %5.0f MB  %s\n' "$name" "$wall" \
    "$(awk -v u="$user" -v s="$sys" 'BEGIN{print u+s}')" "$(awk -v r="$rss" 'BEGIN{print r/1024}')" "$extra"
}

for round in $(seq 1 "$rounds"); do
  echo "round $round (load $(cut -d' ' -f1 /proc/loadavg))"
  measure keygate "$keygate" check --history --all --format json
  measure gitleaks "$peers/gitleaks" git . --no-banner --report-path "$out/gitleaks.json"
  PATH=$shim_path measure betterleaks "$peers/betterleaks" git . --no-banner -o "$out/betterleaks.json"
done

# Medians over the rounds, and keygate's speed-up over the faster peer (target: at least 2x,
# with no more peak memory than either peer).
python3 - "$out/walls" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name, wall, rss = line.split()
    runs.setdefault(name, []).append((float(wall), float(rss)))
med = {n: statistics.median(w for w, _ in r) for n, r in runs.items()}
peak = {n: max(m for _, m in r) for n, r in runs.items()}
for n in med:
    print(f"median {n:<12} {med[n]:6.2f} s   peak {peak[n]:5.0f} MB")
peers = [n for n in med if n != "keygate"]
if "keygate" in med and peers:
    fastest = min(peers, key=med.get)
    print(f"keygate is {med[fastest] / med['keygate']:.2f}x faster than {fastest}, the faster peer")
PY
