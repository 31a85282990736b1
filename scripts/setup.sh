#!/usr/bin/env bash
# Installs what `make dev` needs on a fresh machine of this project's kind (Debian, Rust by rustup,
# Node 20+ with npm), and with an argument what else a target needs:
#   scripts/setup.sh          make dev, make build
#   scripts/setup.sh test     + the test tools: Chromium for the browser tests, a Python virtualenv
#                             with Schemathesis and openapi-spec-validator (make test, lint, fuzz)
#   scripts/setup.sh bench    + the test tools and wrk (make bench)
# Quick when everything is already there. Everything comes from the package registries (apt,
# crates.io, npm, PyPI): nothing is downloaded from anywhere else.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=
apt_install() {
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
has_deb() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

command -v redis-server >/dev/null || { echo "setup: installing redis-server (apt)"; apt_install redis-server; }
for deb in pkg-config libssl-dev; do  # to build worker-build
  has_deb "$deb" || { echo "setup: installing $deb (apt)"; apt_install "$deb"; }
done
target=${1:-dev}
case $target in dev|test|bench) ;; *) echo "usage: scripts/setup.sh [test|bench]" >&2; exit 2;; esac
test_tools=; [ "$target" = dev ] || test_tools=1
# make bench: wrk, the HTTP load generator.
if [ "$target" = bench ] && ! command -v wrk >/dev/null; then echo "setup: installing wrk (apt)"; apt_install wrk; fi
if [ -n "$test_tools" ] && [ -f frontend/package.json ] && ! command -v chromium >/dev/null; then
  echo "setup: installing chromium for the browser tests (apt)"
  apt_install chromium
fi

command -v node >/dev/null && command -v npm >/dev/null || {
  echo "setup: node and npm are needed (Node 20 or newer)" >&2; exit 1; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "setup: adding the wasm32-unknown-unknown Rust target"
  rustup target add wasm32-unknown-unknown
fi
for component in clippy rustfmt; do
  rustup component list --installed | grep -q "^$component" || rustup component add "$component"
done

# cargo install <crate> at an exact version unless <bin> already reports it.
cargo_tool() {
  local bin=$1 crate=$2 version=$3; shift 3
  if ! "$HOME/.cargo/bin/$bin" --version 2>/dev/null | grep -q "$version"; then
    echo "setup: cargo install $crate $version (a few minutes, once)"
    cargo install -q "$crate" --version "$version" "$@"
  fi
}
cargo_tool worker-build worker-build 0.8.7 --locked
# Must equal the wasm-bindgen in Cargo.lock. Not --locked: its lockfile wants a webpki-roots the
# registry index here lacks.
cargo_tool wasm-bindgen wasm-bindgen-cli 0.2.130

# An install is redone when what it was made from changed: the stamp holds the SHA-256 of that
# file (a lockfile, the requirements), not a time, so that a fresh clone or a branch switch, which
# give every file a new mtime, does not reinstall what is already there.
digest() { sha256sum "$1" | cut -d' ' -f1; }
stale() { [ ! -f "$2" ] || [ "$(digest "$1")" != "$(cat "$2")" ]; }  # stale <source> <stamp>

# Python tools of the contract checks (Schemathesis, openapi-spec-validator), pinned in
# scripts/requirements.txt, in a git-ignored virtualenv; reinstalled when that file changes.
if [ -n "$test_tools" ] && { [ ! -x .venv/bin/st ] || stale scripts/requirements.txt .venv/.installed; }; then
  echo "setup: installing the contract-testing tools (pip, scripts/requirements.txt)"
  python3 -m venv .venv 2>/dev/null || { apt_install python3-venv; python3 -m venv .venv; }
  .venv/bin/pip install -q --disable-pip-version-check -r scripts/requirements.txt
  digest scripts/requirements.txt > .venv/.installed
fi

# npm ci only when a lockfile changed since the last install.
npm_ci() {
  local dir=$1
  if stale "$dir/package-lock.json" "$dir/node_modules/.installed-lock"; then
    echo "setup: installing npm packages in $dir (npm ci)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    digest "$dir/package-lock.json" > "$dir/node_modules/.installed-lock"
  fi
}
npm_ci .
[ ! -f frontend/package-lock.json ] || npm_ci frontend
