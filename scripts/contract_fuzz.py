#!/usr/bin/env python3
"""Contract checks of the three workers against the real local stack.

Starts the local stack (`dev-stack up --profile shop`: redis-server, the upstash-local gateway and
the workers under `wrangler dev`, on free ports), then for each worker:
  1. validates the document it serves at /openapi.json as OpenAPI 3.1 (openapi-spec-validator);
  2. runs Schemathesis on it (every check: no 5xx, documented statuses, bodies and headers,
     negative data rejected, the admin token enforced, 405 with Allow, stateful links).
The three workers are fuzzed side by side. The stack is stopped whatever happens. Exit status 0
only if everything passed.

  contract_fuzz.py                 fixed seed, bounded: what `make test` runs
  contract_fuzz.py --random        random seed, many more cases: `make fuzz`
"""

import argparse
import json
import os
import random
import re
import secrets
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from openapi_spec_validator import validate

from stack import CEILING_S, ROOT, WORKERS, start_stack

VENV_BIN = Path(sys.executable).parent
CI_SEED = 20261128


def seed_products(base, admin_token):
    """Products for the fuzzed orders to reach (see schemathesis_hooks.py): in stock, short, out."""
    ids = []
    for quantity in (1_000_000_000, 1_000_000, 3, 1, 0):
        body = json.dumps({"name": f"Fuzzed {quantity}", "price": 20, "quantity": quantity}).encode()
        req = urllib.request.Request(f"{base}/products", data=body, method="POST", headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {admin_token}"})
        with urllib.request.urlopen(req, timeout=CEILING_S) as r:
            ids.append(json.load(r)["id"])
    return ids


def fuzz(name, base, seed, max_examples, admin_token, report_dir, products):
    document = json.load(urllib.request.urlopen(f"{base}/openapi.json", timeout=CEILING_S))
    validate(document)  # raises on an invalid OpenAPI 3.1 document
    print(f"{name}: /openapi.json is valid OpenAPI {document['openapi']} "
          f"({sum(len(v) for v in document['paths'].values())} operations)", flush=True)
    command = [
        str(VENV_BIN / "st"), "--no-color", "--config-file", str(ROOT / "scripts/schemathesis.toml"),
        "run", f"{base}/openapi.json", "--seed", str(seed), "--max-examples", str(max_examples),
        "--request-timeout", str(CEILING_S),
        "--report", "junit", "--report-junit-path", str(report_dir / f"{name}.xml"),
    ]
    env = dict(os.environ, SCHEMATHESIS_HOOKS="schemathesis_hooks", CONTRACT_PRODUCT_IDS=",".join(products),
               PYTHONPATH=str(ROOT / "scripts"), CONTRACT_ADMIN_TOKEN=admin_token)
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
    output = result.stdout + result.stderr
    cases = re.search(r"(\d+) generated", output)
    count = int(cases.group(1)) if cases else 0
    if result.returncode != 0 or count == 0:
        print(output.replace(admin_token, "<ADMIN_TOKEN>"))
    print(f"{name}: Schemathesis ran {count} cases (seed {seed}): "
          f"{'ok' if result.returncode == 0 else 'FAILED'}", flush=True)
    return result.returncode == 0 and count > 0, count


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--random", action="store_true", help="random seed and more cases (make fuzz)")
    parser.add_argument("--max-examples", type=int, help="cases per operation and phase")
    args = parser.parse_args()
    seed = random.randrange(1 << 31) if args.random else CI_SEED
    max_examples = args.max_examples or (500 if args.random else 30)
    report_dir = ROOT / "artifacts/contract"
    report_dir.mkdir(parents=True, exist_ok=True)

    admin_token = secrets.token_hex(16)
    started = time.time()
    # Fuzzing sends thousands of writes a minute from one address: past the default limits.
    # (The 429 itself has its own test.)
    stack = start_stack(admin_token=admin_token, rate_limit=1_000_000)
    print(f"stack ready in {time.time() - started:.0f} s", flush=True)
    try:
        # Fresh products for each worker: the inventory's fuzzing changes the ones it gets.
        runs = [(name, stack.url(service), seed_products(stack.url("inventory-worker"), admin_token))
                for name, service in WORKERS.items()]
        # The three side by side: each mostly waits on its worker under `wrangler dev`.
        with ThreadPoolExecutor(len(runs)) as pool:
            results = list(pool.map(
                lambda run: fuzz(run[0], run[1], seed, max_examples, admin_token, report_dir, run[2]), runs))
        passed = [ok for ok, _ in results]
        total = sum(count for _, count in results)
        # The fuzzed orders reached real products (schemathesis_hooks.py): say how many.
        # The list of all orders is the back office's: it needs the admin token.
        listing = urllib.request.Request(f"{stack.url('payment-worker')}/orders?limit=500",
                                         headers={"Authorization": f"Bearer {admin_token}"})
        page = urllib.request.urlopen(listing, timeout=CEILING_S)
        placed = len(json.load(page))
        print(f"payment: the fuzzing placed {placed} orders (first 500 counted)", flush=True)
        # Fuzzing that never reaches a real product tests only the 404s.
        passed.append(placed > 0)
    finally:
        stack.stop()
    print(f"contract: {passed.count(True)} passed, {passed.count(False)} failed "
          f"({total} Schemathesis cases, seed {seed}, {time.time() - started:.0f} s)")
    return 0 if all(passed) else 1


if __name__ == "__main__":
    sys.exit(main())
