#!/bin/sh
# Builds a small example application (examples/doctor-demo) as a fresh Git repository in a
# temporary folder, with a local .env of generated fake keys, installs keygate's hook, and runs
# `keygate doctor` on it. The README shows its report.
#
#   examples/doctor-demo.sh            (KEYGATE=path/to/keygate to use another binary)
set -eu
keygate=${KEYGATE:-keygate}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/keygate-doctor-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -R "$here/doctor-demo/." "$work/"
mv "$work/gitignore" "$work/.gitignore"
cd "$work"
git init -q -b main
git config user.email demo@example.com
git config user.name demo
git add -A
git commit -q -m "demo app"
# Fake keys, made here so that no key is ever written in keygate's repository.
fake() { LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c "$1"; }
printf 'MIGOSMTP_API_KEY=mk_live_%s\nTELNXO_API_KEY=KEY%s\nOLD_SMS_TOKEN=%s\n' \
  "$(fake 32)" "$(fake 40)" "$(fake 36)" >.env
"$keygate" install >/dev/null
"$keygate" doctor "$@" | sed "s|$work|/tmp/doctor-demo|"
