#!/usr/bin/env bash
# Proves that every worker bundles for deployment (`wrangler deploy --dry-run`, offline) and fits
# Cloudflare's free-plan limit of 3 MB after gzip; prints each size.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export WRANGLER_SEND_METRICS=false WRANGLER_SEND_ERROR_REPORTS=false CLOUDFLARE_CF_FETCH_ENABLED=false CI=true
limit_kib=3072
status=0
for env in $(grep -oE '^\[env\.[a-z-]+\]' wrangler.toml | sed -E 's/\[env\.(.*)\]/\1/'); do
  out="target/deploy/$env"
  rm -rf "$out"
  log=$(wrangler deploy --dry-run --outdir "$out" -e "$env" </dev/null 2>&1) || { echo "$log"; echo "deploy dry-run of $env: FAILED"; exit 1; }
  # wrangler prints "Total Upload: 412.34 KiB / gzip: 150.12 KiB"
  gzip_kib=$(echo "$log" | sed -nE 's/.*gzip: ([0-9.]+) KiB.*/\1/p' | tail -1)
  if [ -z "$gzip_kib" ]; then echo "$log"; echo "deploy dry-run of $env: no size reported"; exit 1; fi
  if awk -v s="$gzip_kib" -v l="$limit_kib" 'BEGIN { exit !(s < l) }'; then
    echo "deploy dry-run: $env worker is $gzip_kib KiB gzip (limit $limit_kib KiB): ok"
  else
    echo "deploy dry-run: $env worker is $gzip_kib KiB gzip, over the $limit_kib KiB limit"; status=1
  fi
done
exit $status
