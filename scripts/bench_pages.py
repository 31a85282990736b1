#!/usr/bin/env python3
"""Benchmark of the catalogue's pages (`make bench`): 10,000 products on the local stack, then
requests/s and latency of a page of 100 (the first, and one deep in the list through its cursor)
and of the default page of 500, sequential and 16 at a time. Prints a Markdown table; measured on
this machine, asserted nowhere."""

import json
import statistics
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from stack import start_stack, stop_on_sigterm

PRODUCTS = 10_000
REQUESTS = 200


def post(url, body):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.status


def get(url):
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as r:
        body = r.read()
        link = r.headers.get("Link")
    return time.perf_counter() - started, len(body), link


def measure(url, concurrency):
    get(url)  # warm
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(lambda _: get(url), range(REQUESTS)))
    elapsed = time.perf_counter() - started
    latencies = sorted(r[0] * 1000 for r in results)
    return {
        "rps": REQUESTS / elapsed,
        "p50": statistics.median(latencies),
        "p99": latencies[int(len(latencies) * 0.99) - 1],
        "bytes": results[0][1],
    }


def main():
    stop_on_sigterm()
    stack = start_stack(rate_limit=1_000_000)
    try:
        base = stack.url("inventory-worker")
        started = time.perf_counter()
        with ThreadPoolExecutor(32) as pool:
            statuses = list(pool.map(
                lambda n: post(f"{base}/products", {"name": f"bench {n}", "price": 1, "quantity": n}),
                range(PRODUCTS)))
        assert statuses.count(201) == PRODUCTS, "every product was created"
        print(f"{PRODUCTS} products created in {time.perf_counter() - started:.0f} s")
        deep = f"{base}/products?limit=100"
        for _ in range(50):  # page 51 of 100: through 5,000 products
            # The Link header's target may be relative (RFC 8288): resolved against the page's URL.
            deep = urllib.parse.urljoin(deep, get(deep)[2].split("<", 1)[1].split(">", 1)[0])
        rows = [
            ("first page of 100 (`?limit=100`)", f"{base}/products?limit=100"),
            ("page 51 of 100 (through its cursor)", deep),
            ("default page of 500 (no `limit`)", f"{base}/products"),
        ]
        print("\n| request | concurrent | requests/s | p50 ms | p99 ms | body |")
        print("|---|---:|---:|---:|---:|---:|")
        for name, url in rows:
            for concurrency in (1, 16):
                m = measure(url, concurrency)
                print(f"| {name} | {concurrency} | {m['rps']:.0f} | {m['p50']:.1f} | {m['p99']:.1f} "
                      f"| {m['bytes'] / 1024:.0f} KiB |")
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
