#!/usr/bin/env bash
# Assembles the interactive API docs every worker serves at /docs (Workers static assets, see
# `[env.X.assets]` in wrangler.toml) into docs-ui/dist/: our page and Swagger UI's files from the
# npm package swagger-ui-dist (package-lock.json pins it). Nothing is loaded from a CDN at run time.
set -euo pipefail
cd "$(dirname "$0")"
src=../node_modules/swagger-ui-dist
[ -f "$src/swagger-ui-bundle.js" ] || { echo "docs-ui: $src is missing: run make setup (npm ci)" >&2; exit 1; }
out=dist
# Many `wrangler dev` start at once in the tests, each running this: one at a time.
exec 9>".build.lock"
flock 9
if [ -f "$out/docs.html" ] && [ -z "$(find docs.html init.js "$src/package.json" -newer "$out/docs.html" -print -quit)" ]; then
  exit 0
fi
rm -rf "$out.tmp"
mkdir -p "$out.tmp/swagger-ui"
cp "$src/swagger-ui-bundle.js" "$src/swagger-ui.css" "$src/favicon-32x32.png" "$src/LICENSE" "$src/NOTICE" \
   init.js "$out.tmp/swagger-ui/"
cp docs.html "$out.tmp/"
rm -rf "$out" && mv "$out.tmp" "$out"
