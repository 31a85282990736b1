#!/usr/bin/env bash
# Builds one worker crate into <crate>/build/ with worker-build, offline (wasm-bindgen, esbuild and
# wasm-opt come from cargo and npm, not from downloads), and only when a source changed since.
# wrangler runs this as the `build.command` of each [env.X] in wrangler.toml.
set -euo pipefail
crate=${1:?usage: scripts/build-worker.sh <crate>}
cd "$(dirname "$0")/.."
root=$PWD

stamp="$crate/build/worker/shim.mjs"
if [ -f "$stamp" ] && [ -z "$(find Cargo.lock Cargo.toml ./*/Cargo.toml ./*/src -newer "$stamp" -print -quit)" ]; then
  exit 0
fi
export PATH="$root/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export WASM_BINDGEN_BIN=wasm-bindgen
export ESBUILD_BIN="$root/node_modules/.bin/esbuild"
export WASM_OPT_BIN="$root/node_modules/.bin/wasm-opt"
worker-build --release "$crate"
touch "$stamp"
