#!/usr/bin/env bash
# Hook latency: how long the pre-commit check takes on one small staged change in a repository
# with many tracked files, beside gitleaks' and betterleaks' pre-commit modes on the same change
# in the same run, and what the hook adds to a whole `git commit`.
#
#   benches/hook_latency.sh [FILES]        (default 5000 tracked files; run by hand, not in CI)
#
# Needs hyperfine and a release build (cargo build --release); the peers are optional and read
# from $PEERS (default ~/.keygate-peers/bin, see ../shared/peers/install.sh). Medians over
# $RUNS runs (default 60) after $WARMUP warm-up runs (default 5).
# Targets: `keygate check --staged` under 10 ms median; `git commit` with the hook at most 1.3x
# the time without it. A commit with an empty `#!/bin/sh` hook is measured too: the floor of any
# hook that starts a process (Git re-reads and refreshes the index after a pre-commit hook).
set -euo pipefail

files=${1:-5000}
runs=${RUNS:-60}
warmup=${WARMUP:-5}
root=$(cd "$(dirname -- "$0")/.." && pwd)
keygate=${KEYGATE:-$root/target/release/keygate}
peers=${PEERS:-$HOME/.keygate-peers/bin}

command -v hyperfine >/dev/null || { echo "hook_latency: hyperfine is not installed" >&2; exit 1; }
[ -x "$keygate" ] || { echo "hook_latency: $keygate missing: run cargo build --release" >&2; exit 1; }
keygate=$(cd "$(dirname -- "$keygate")" && pwd)/$(basename -- "$keygate")
export PATH="$(dirname -- "$keygate"):$PATH" NO_COLOR=1

work=$(mktemp -d "${TMPDIR:-/tmp}/keygate-hook-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
repo=$work/repo
mkdir -p "$repo"
cd "$repo"
git init -q -b main
git config user.email bench@example.com
git config user.name bench
git config commit.gpgsign false
git config gc.auto 0

echo "hook_latency: generating $files tracked files in $repo" >&2
python3 - "$files" <<'PY'
import os, sys
n = int(sys.argv[1])
for i in range(n):
    d = f"src/pkg{i // 100:03d}"
    os.makedirs(d, exist_ok=True)
    with open(f"{d}/module_{i:05d}.py", "w") as f:
        f.write(f'"""Module {i}."""\nimport os\n\n')
        for j in range(40):
            f.write(f"def handler_{j}(request):\n    value = request.get('field_{j}', {j})\n"
                    f"    return os.environ.get('SETTING_{j}', str(value))\n\n")
PY
git add -A
git commit -q -m "generated tree"
base=$(git rev-parse HEAD)
tracked=$(git ls-files | wc -l)

# One small staged change: two lines added to one file.
target=src/pkg010/module_01000.py
printf 'def added():\n    return os.environ["MIGOSMTP_API_KEY"]\n' >> "$target"
git add "$target"
"$keygate" check --staged >/dev/null || { echo "hook_latency: the change should pass" >&2; exit 1; }

json=$work/json
mkdir -p "$json"
cmds=(-n "keygate check --staged" "$keygate check --staged")
if [ -x "$peers/gitleaks" ]; then
  cmds+=(-n "gitleaks git --pre-commit --staged" "$peers/gitleaks git --pre-commit --staged --no-banner .")
fi
if [ -x "$peers/betterleaks" ]; then
  cmds+=(-n "betterleaks git --staged" "$peers/betterleaks git --staged --no-banner .")
fi
echo "hook_latency: checking one staged change in a repository of $tracked tracked files" >&2
hyperfine -N -i --warmup "$warmup" --runs "$runs" --export-json "$json/check.json" "${cmds[@]}" >&2

"$keygate" install >/dev/null
empty=$work/empty-hooks
mkdir -p "$empty"
printf '#!/bin/sh\n' >"$empty/pre-commit"
chmod +x "$empty/pre-commit"
echo "hook_latency: git commit with and without keygate's hook" >&2
hyperfine -N --warmup "$warmup" --runs "$runs" \
  --prepare "git -C $repo reset -q --soft $base" \
  -n "git commit (no hook)" "git -C $repo commit -q --no-verify -m bench" \
  -n "git commit (empty hook)" "git -C $repo -c core.hooksPath=$empty commit -q -m bench" \
  -n "git commit (keygate hook)" "git -C $repo commit -q -m bench" \
  --export-json "$json/commit.json" >&2

python3 - "$json" "$tracked" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import json, sys
d, tracked, cpus, load = sys.argv[1:]
def results(name):
    return {r["command"]: (r["median"] * 1000, (r["user"] + r["system"]) * 1000)
            for r in json.load(open(f"{d}/{name}.json"))["results"]}
check, commit = results("check"), results("commit")
print(f"\nOne small staged change, {tracked} tracked files ({cpus} CPUs, load average {load}):\n")
print("| command | median wall time | mean CPU time (user + sys) |")
print("|---|---:|---:|")
for name, (ms, cpu) in check.items():
    print(f"| `{name}` | {ms:.1f} ms | {cpu:.1f} ms |")
(base, base_cpu), (hooked, hooked_cpu) = commit["git commit (no hook)"], commit["git commit (keygate hook)"]
empty, empty_cpu = commit["git commit (empty hook)"]
print(f"| `git commit` without a hook | {base:.1f} ms | {base_cpu:.1f} ms |")
print(f"| `git commit` with an empty `#!/bin/sh` hook | {empty:.1f} ms ({empty / base:.2f}x) | {empty_cpu:.1f} ms |")
print(f"| `git commit` with keygate's hook | {hooked:.1f} ms ({hooked / base:.2f}x) | {hooked_cpu:.1f} ms |")
ok = check["keygate check --staged"][0] < 10 and hooked <= 1.3 * base
print(f"\ntargets (check < 10 ms, commit <= 1.3x): {'met' if ok else 'NOT met'}")
PY
