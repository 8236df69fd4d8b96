#!/usr/bin/env sh
# Builds and installs the keygate binary with cargo. Safe to re-run.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v cargo >/dev/null 2>&1; then
  echo "install.sh: cargo is not installed; install Rust first: https://rustup.rs" >&2
  exit 1
fi
cargo install --path "$here" --locked --quiet --force
echo "install.sh: keygate installed: $(command -v keygate || echo "$HOME/.cargo/bin/keygate (add ~/.cargo/bin to PATH)")"
