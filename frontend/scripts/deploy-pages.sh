#!/usr/bin/env bash
# Builds the dashboard against the deployed workers and publishes it on Cloudflare Pages.
#
#   VITE_INVENTORY_URL=https://inventory-worker.<account>.workers.dev \
#   VITE_PAYMENT_URL=https://payment-worker.<account>.workers.dev \
#   VITE_CONSUMER_URL=https://consumer-cron.<account>.workers.dev \
#   frontend/scripts/deploy-pages.sh <pages-project-name>
#
# Needs a Cloudflare login (`wrangler login`, or CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID).
# `make deploy` does this with the workers, and sets their ALLOWED_ORIGINS to the Pages URL
# (docs/deploy.md); this script publishes the dashboard alone.
set -euo pipefail

project="${1:-${PAGES_PROJECT:-}}"
if [[ -z "$project" ]]; then
  echo "usage: $0 <pages-project-name>   (or PAGES_PROJECT=<name>)" >&2
  exit 2
fi
for var in VITE_INVENTORY_URL VITE_PAYMENT_URL VITE_CONSUMER_URL; do
  if [[ -z "${!var:-}" ]]; then
    echo "$var is not set: the site would call the local workers (http://127.0.0.1:800x)." >&2
    exit 2
  fi
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
# wrangler 4 needs Node >= 22: the root package.json installs one into node_modules/.bin.
export PATH="$root/node_modules/.bin:$PATH"

npm --prefix frontend ci
npm --prefix frontend run build
wrangler pages deploy frontend/dist --project-name "$project" --branch "${PAGES_BRANCH:-main}"
