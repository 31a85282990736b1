#!/usr/bin/env python3
"""Every endpoint's latency as a deployed shop would see it (`make bench`): the three workers on
bare workerd, as `make deploy` builds them, one request at a time, first on a gateway that answers
at once, then on one that delays every round trip by BENCH_DELAY_MS (5 ms: about the distance
from a Cloudflare location to an Upstash database in its region). What each request costs in
Upstash round trips comes from the gateway's counters, so the table shows each round trip's
share: `added` is the p50 with the delay minus the p50 without, in round trips (what one `PING`
straight to the gateway gained from the delay, measured in the same run: a sleep of 5 ms takes
longer on a busy machine); a request that makes one round trip should add about one. Every route of the three OpenAPI documents has a row (the
script refuses to run otherwise, so a new route cannot be forgotten). Prints a Markdown table;
measured on this machine, asserted nowhere."""

import http.client
import json
import os
import statistics
import sys
import time
import urllib.parse

from stack import ROOT, WORKERS, Gateway, call, start_stack, stop_on_sigterm

DELAY_MS = int(os.environ.get("BENCH_DELAY_MS", 5))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", 100))  # per row and delay
# No payment completes while the bench runs: the orders stay pending, nothing runs in the
# background, and the counters around a row count only its requests.
VARS = {"PAYMENT_DELAY_MS": "600000"}  # its maximum: 10 minutes
BIG_STOCK = 10**9


class Client:
    """Keep-alive connections, one per worker: what is timed is the request, not a TCP handshake."""

    def __init__(self):
        self.connections = {}

    def send(self, method, url, body=None, headers=None):
        """(status, headers, JSON body or None, milliseconds)."""
        parts = urllib.parse.urlsplit(url)
        data = json.dumps(body).encode() if body is not None else None
        head = {"Content-Type": "application/json", **(headers or {})}
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        for attempt in (0, 1):
            conn = self.connections.get(parts.netloc) or http.client.HTTPConnection(parts.netloc, timeout=60)
            self.connections[parts.netloc] = conn
            try:
                started = time.perf_counter()
                conn.request(method, path, body=data, headers=head)
                response = conn.getresponse()
                raw = response.read()
                took = (time.perf_counter() - started) * 1000
                text = raw.decode() if raw else ""
                parsed = json.loads(text) if text.startswith(("{", "[")) else None
                return response.status, response.headers, parsed, took
            except (http.client.HTTPException, ConnectionError):
                conn.close()
                self.connections.pop(parts.netloc, None)
                if attempt:
                    raise


def routes():
    """Every (worker, METHOD path) of the three OpenAPI documents."""
    out = []
    for env, name in (("inventory", "inventory"), ("payment", "payment"), ("consumer-cron", "consumer-cron")):
        document = json.loads((ROOT / f"docs/openapi/{name}.json").read_text())
        for path, operations in document["paths"].items():
            out += [(env, f"{method.upper()} {path}") for method in operations
                    if method in ("get", "post", "patch", "delete", "put")]
    return out


class Shop:
    """A running workerd stack with what the rows need."""

    def __init__(self, stack):
        self.stack, self.client = stack, Client()
        self.gw = Gateway(stack.url("upstash-local"), stack.token)
        self.url = {env: stack.url(service) for env, service in WORKERS.items()}
        self.nudge = stack.nudge_headers()

    def product(self, quantity=BIG_STOCK):
        status, _, body, _ = self.client.send("POST", f"{self.url['inventory']}/products",
                                              {"name": "bench", "price": 2, "quantity": quantity})
        assert status == 201, (status, body)
        return body["id"]

    def order(self, product):
        status, _, body, _ = self.client.send("POST", f"{self.url['payment']}/orders",
                                              {"product_id": product, "quantity": 1})
        assert status == 201, (status, body)
        return body["id"]


def scenarios(shop):
    """For each route: (what the row says, a function of i giving the i-th request (method, url,
    body, headers), made before the timing where it needs a fresh resource)."""
    inv, pay, con = shop.url["inventory"], shop.url["payment"], shop.url["consumer-cron"]
    catalogue = [shop.product() for _ in range(100)]
    product, ledgered = catalogue[0], catalogue[1]
    cart = [{"product_id": p, "quantity": 1} for p in catalogue[:50]]
    order = shop.order(product)
    etag = [shop.client.send("GET", f"{inv}/products/{ledgered}")[1]["ETag"]]

    def fresh_products():
        ids = [shop.product() for _ in range(REQUESTS)]
        return lambda i: ("DELETE", f"{inv}/products/{ids[i]}", None, None)

    def fresh_orders():
        ids = [shop.order(product) for _ in range(REQUESTS)]
        return lambda i: ("POST", f"{pay}/orders/{ids[i]}/cancel", None, None)

    def same(method, url, body=None, headers=None):
        """A row's requests that are all the one request."""
        return lambda: lambda i: (method, url, body, headers)

    def patch(i):
        return "PATCH", f"{inv}/products/{ledgered}", {"quantity": 1_000 + i}, {"If-Match": etag[0]}

    letters = f"{con}/dead-letters/order_completed"
    plain = {  # route: (row, request), made when the row starts
        ("inventory", "GET /config"): ("", same("GET", f"{inv}/config")),
        ("inventory", "GET /health"): ("", same("GET", f"{inv}/health")),
        ("inventory", "GET /openapi.json"): ("", same("GET", f"{inv}/openapi.json")),
        ("inventory", "GET /products"): ("100 products", same("GET", f"{inv}/products")),
        ("inventory", "POST /products"): (
            "", same("POST", f"{inv}/products", {"name": "bench", "price": 1, "quantity": 5})),
        ("inventory", "GET /products/{id}"): ("", same("GET", f"{inv}/products/{product}")),
        ("inventory", "DELETE /products/{id}"): ("", fresh_products),
        ("inventory", "PATCH /products/{id}"): ("with `If-Match`", lambda: patch),
        ("inventory", "POST /products/{id}/adjustments"): (
            "", same("POST", f"{inv}/products/{ledgered}/adjustments", {"delta": 1, "reason": "restock"})),
        ("inventory", "GET /products/{id}/ledger"): (
            "a page of 100", same("GET", f"{inv}/products/{ledgered}/ledger?limit=100")),
        ("payment", "GET /config"): ("", same("GET", f"{pay}/config")),
        ("payment", "GET /health"): ("", same("GET", f"{pay}/health")),
        ("payment", "GET /openapi.json"): ("", same("GET", f"{pay}/openapi.json")),
        ("payment", "GET /orders"): ("a page of 100", same("GET", f"{pay}/orders?limit=100")),
        ("payment", "POST /orders"): (
            "one line", same("POST", f"{pay}/orders", {"product_id": product, "quantity": 1})),
        ("payment", "GET /orders/{id}"): ("", same("GET", f"{pay}/orders/{order}")),
        ("payment", "POST /orders/{id}/cancel"): ("", fresh_orders),
        ("consumer-cron", "GET /health"): ("", same("GET", f"{con}/health")),
        ("consumer-cron", "GET /openapi.json"): ("", same("GET", f"{con}/openapi.json")),
        ("consumer-cron", "GET /stats"): ("", same("GET", f"{con}/stats")),
        ("consumer-cron", "GET /audit"): ("this small shop", same("GET", f"{con}/audit")),
        ("consumer-cron", "POST /audit/repair"): ("nothing to repair", same("POST", f"{con}/audit/repair")),
        ("consumer-cron", "GET /dead-letters/{stream}"): ("none", same("GET", letters)),
        ("consumer-cron", "DELETE /dead-letters/{stream}"): ("none", same("DELETE", letters)),
        ("consumer-cron", "POST /dead-letters/{stream}/replay"): (
            "none, then a consumer run", same("POST", f"{letters}/replay")),
        ("consumer-cron", "DELETE /dead-letters/{stream}/{id}"): (
            "an id naming none: 404", same("DELETE", f"{letters}/1-0")),
        ("consumer-cron", "POST /dead-letters/{stream}/{id}/replay"): (
            "an id naming none: 404", same("POST", f"{letters}/1-0/replay")),
    }
    missing = [route for route in routes() if route not in plain]
    if missing:
        sys.exit(f"bench_latency.py: no row for {missing}: add one")
    rows = [(env, route, *plain[(env, route)]) for env, route in routes()]
    # Not in the documents: a cart of 50 lines, and the nudge (internal).
    index = next(i for i, row in enumerate(rows) if row[1] == "POST /orders") + 1
    rows.insert(index, ("payment", "POST /orders", "a cart of 50 lines",
                        same("POST", f"{pay}/orders", {"lines": cart})))
    rows.append(("consumer-cron", "POST /run", "internal: the payment's nudge, an idle run",
                 same("POST", f"{con}/run", None, shop.nudge)))
    return rows, etag


def gateway_p50(shop):
    """A `PING` straight to the gateway: what a round trip takes, from here, without a worker."""
    took = sorted(shop.client.send("POST", shop.gw.url, ["PING"], shop.gw.auth)[3] for _ in range(REQUESTS))
    return statistics.median(took)


def measure(shop, rows, etag):
    """{(env, route, note): (p50, p99, round trips, statuses)}, and the gateway's own p50."""
    results = {"gateway": gateway_p50(shop)}
    for env, route, note, make in rows:
        request = make()
        before, took, statuses = shop.gw.stats(), [], set()
        for i in range(REQUESTS):
            status, headers, _, ms = shop.client.send(*request(i))
            took.append(ms)
            statuses.add(status)
            if route == "PATCH /products/{id}":
                etag[0] = headers["ETag"]  # the next conditional PATCH names the current version
        trips, _ = shop.gw.spent(before)
        took.sort()
        results[(env, route, note)] = (statistics.median(took), took[int(len(took) * 0.99) - 1],
                                       trips / REQUESTS, statuses)
    return results


def run(delay_ms):
    stack = start_stack(profile="workerd", round_trip_delay_ms=delay_ms, variables=VARS)
    try:
        shop = Shop(stack)
        rows, etag = scenarios(shop)
        return rows, measure(shop, rows, etag)
    finally:
        stack.stop()


def main():
    stop_on_sigterm()
    rows, direct = run(0)
    _, delayed = run(DELAY_MS)
    trip = delayed["gateway"] - direct["gateway"]  # what the delay adds to one round trip
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"\nEvery endpoint on bare workerd, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores ({cpu}); "
          f"{REQUESTS} requests a row, one at a time; a `PING` straight to the gateway: p50 "
          f"{direct['gateway']:.1f} ms, {delayed['gateway']:.1f} ms with the {DELAY_MS} ms delay\n")
    print(f"| worker | request | Upstash round trips | p50 ms | p99 ms | p50 ms at {DELAY_MS} ms a trip | "
          f"p99 ms at {DELAY_MS} ms | added (round trips) | answered |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---|")
    for env, route, note, _ in rows:
        key = (env, route, note)
        (p50, p99, trips, statuses), (d50, d99, _, _) = direct[key], delayed[key]
        what = f"`{route}`" + (f" ({note})" if note else "")
        print(f"| {env} | {what} | {trips:.2f} | {p50:.1f} | {p99:.1f} | {d50:.1f} | {d99:.1f} | "
              f"{(d50 - p50) / trip:.1f} | {', '.join(map(str, sorted(statuses)))} |")


if __name__ == "__main__":
    main()
