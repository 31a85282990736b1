#!/usr/bin/env bash
# Builds one worker crate into <crate>/build/ with worker-build, offline (wasm-bindgen, esbuild and
# wasm-opt come from cargo and npm, not from downloads), and only when a source changed since.
# wrangler runs this as the `build.command` of each [env.X] in wrangler.toml.
set -euo pipefail
crate=${1:?usage: scripts/build-worker.sh <crate>}
cd "$(dirname "$0")/.."
root=$PWD
docs-ui/build.sh  # the /docs assets every worker serves

# The crates every worker is made of (keep in step with the workers' Cargo.toml).
shared="domain store upstash-rest worker-http"
stamp="$crate/build/worker/shim.mjs"
sources=(Cargo.lock Cargo.toml "$crate")
for dep in $shared; do sources+=("$dep/Cargo.toml" "$dep/src"); done
if [ -f "$stamp" ] && [ -z "$(find "${sources[@]}" -newer "$stamp" -not -path "$crate/build/*" -not -path "$crate/tests/*" -print -quit)" ]; then
  exit 0
fi
export PATH="$root/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export WASM_BINDGEN_BIN=wasm-bindgen
export ESBUILD_BIN="$root/node_modules/.bin/esbuild"
export WASM_OPT_BIN="$root/node_modules/.bin/wasm-opt"

# worker-build's own steps after cargo (wasm-bindgen, wasm-opt, esbuild: ~25 s a worker here) give
# the same bundle for the same wasm and the same tools, so their output is kept in target/ under a
# key of both: a clean clone with a build cache, or a source change that leaves the wasm as it was,
# skips them. Cargo first (a no-op when `make build` has just built the three).
cargo build -q --lib --release --target wasm32-unknown-unknown -p "$crate"
wasm="target/wasm32-unknown-unknown/release/${crate//-/_}.wasm"
key=$(cat "$wasm" Cargo.lock package-lock.json "$0" | sha256sum | cut -c1-32)
cache="target/worker-build-cache/$crate-$key"
if [ -f "$cache/worker/shim.mjs" ]; then
  mkdir -p "$crate/build"
  cp -a "$cache/." "$crate/build/"
else
  worker-build --release "$crate"
  rm -rf target/worker-build-cache/"$crate"-*  # one kept a worker: the newest
  mkdir -p "$cache"
  cp -a "$crate/build/." "$cache/"
fi
touch "$stamp"
