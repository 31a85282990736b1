#!/usr/bin/env python3
"""The whole system end to end (`make bench`): requests/s and latency of the public endpoints (wrk)
under `wrangler dev` and on bare `workerd`, the parts alone (a worker without Redis, the gateway,
redis-server), Upstash cost from the gateway's counters (per request, per order's life, per idle
consumer run, orders a month on the free plan) and 30 s of sustained orders. Prints one Markdown
table; measured on this machine, asserted nowhere."""

import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from stack import WORKERS, Gateway, call, start_stack, stop_on_sigterm

SECONDS = int(os.environ.get("BENCH_SECONDS", 3))  # per wrk row
LEVELS = [1, 16, 64]
SUSTAINED_S = 30
BURST = 500
FREE_PLAN = 500_000  # Upstash free plan: commands a month
RUNS_A_MONTH = 60 * 24 * 30  # the cron, every minute
BIG_STOCK = 10**9  # enough for every order the bench places
WRK_DONE = """
done = function(s, lat, req)
  io.write(string.format('{"requests": %d, "us": %d, "non2xx": %d, "errors": %d, "p50": %d, "p99": %d}\\n',
    s.requests, s.duration, s.errors.status, s.errors.connect + s.errors.read + s.errors.write + s.errors.timeout,
    lat:percentile(50), lat:percentile(99)))
end
"""


def wrk(url, concurrency, method="GET", body=None, headers=None):
    """One wrk run; the request (and any token) goes in a private Lua file, never in argv."""
    lua = f"wrk.method = {json.dumps(method)}\nwrk.headers['Content-Type'] = 'application/json'\n"
    lua += "".join(f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}\n" for k, v in (headers or {}).items())
    if body is not None:
        lua += f"wrk.body = {json.dumps(json.dumps(body))}\n"
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:  # created 0600
        script.write(lua + WRK_DONE)
        script.flush()
        out = subprocess.run(["wrk", "-t", str(min(2, concurrency)), "-c", str(concurrency), "-d", f"{SECONDS}s",
                              "--timeout", "30s", "-s", script.name, url],
                             capture_output=True, text=True, check=True).stdout
    r = json.loads(out.strip().splitlines()[-1])
    return {"rps": r["requests"] / (r["us"] / 1e6), "p50": r["p50"] / 1000, "p99": r["p99"] / 1000,
            "bad": r["non2xx"] + r["errors"]}


class Table:
    def __init__(self):
        self.rows = []

    def add(self, what, where, c="", rps="", p50="", p99="", trips="", cmds="", note=""):
        f = lambda v, fmt: v if isinstance(v, str) else format(v, fmt)
        self.rows.append([what, where, str(c), f(rps, ".0f"), f(p50, ".1f"), f(p99, ".1f"), f(trips, ".2f"),
                          f(cmds, ".2f"), note])
        print("  " + " | ".join(self.rows[-1]), file=sys.stderr, flush=True)  # progress

    def print(self):
        print("| what | runs on | concurrent | requests/s | p50 ms | p99 ms | Upstash round trips | "
              "Upstash commands | note |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---|")
        for row in self.rows:
            print("| " + " | ".join(row) + " |")


def endpoints(inv, pay, product):
    return [
        ("`GET /products` (100 products)", "GET", f"{inv}/products", None),
        ("`GET /products/{id}`", "GET", f"{inv}/products/{product}", None),
        ("`POST /products`", "POST", f"{inv}/products", {"name": "bench", "price": 1, "quantity": BIG_STOCK}),
        ("`POST /orders`", "POST", f"{pay}/orders", {"product_id": product, "quantity": 1}),
    ]


def load_rows(table, gw, runtimes, redis_port):
    """wrk at each concurrency: the parts alone, then each endpoint on each runtime (name, its
    workers' URLs, a product of its own stack)."""
    product = runtimes[0][2]
    for name, urls, _ in runtimes:
        for c in LEVELS:
            m = wrk(f"{urls['inventory']}/products/not-an-id", c)  # 404 before any Redis call
            table.add("worker alone: `GET /products/<invalid id>` → 404", name, c, m["rps"], m["p50"], m["p99"],
                      note="no Redis")
    for c in LEVELS:
        m = wrk(f"{gw.url}/", c, "POST", ["HGETALL", f"shop:product:{product}"], gw.auth)
        table.add("gateway alone: one `HGETALL` over REST", "upstash-local", c, m["rps"], m["p50"], m["p99"], 1, 1)
    for c in LEVELS:
        out = subprocess.run(["redis-benchmark", "-p", str(redis_port), "-n", "20000", "-c", str(c), "--csv",
                              "HGETALL", f"shop:product:{product}"], capture_output=True, text=True, check=True)
        row = [v.strip('"') for v in out.stdout.strip().splitlines()[-1].split(",")]  # test,rps,avg,min,p50,…
        table.add("redis-server alone: `HGETALL` (redis-benchmark)", "redis-server", c, float(row[1]),
                  float(row[4]), float(row[6]))
    # Reads first, while the catalogue still has its 100 products; orders last (background work).
    for i, (what, method, _, _) in enumerate(endpoints("", "", product)):
        for name, urls, own in runtimes:
            _, _, url, body = endpoints(urls["inventory"], urls["payment"], own)[i]  # its own product
            for c in LEVELS:
                m = wrk(url, c, method, body)
                table.add(what, name, c, m["rps"], m["p50"], m["p99"],
                          note=f"{m['bad']} failed" if m["bad"] else "")
                if method == "POST" and "orders" in url and name == runtimes[0][0]:
                    gw.wait_quiet(first=5.5)  # the payments of these orders, 5 s later, not in the next row


def failed(statuses):
    other = ", ".join(f"{n} × {s}" for s, n in sorted(statuses.items()) if s != 201)
    return f" (others answered {other})" if other else ""


def stock(inv, product):
    return call("GET", f"{inv}/products/{product}")[1]["quantity"]


def wait_stock(inv, product, target, limit=120):
    """Polls until the stock is `target`; returns (polls, seconds)."""
    started, polls = time.time(), 0
    while time.time() - started < limit:
        polls += 1
        if stock(inv, product) == target:
            return polls, time.time() - started
        time.sleep(0.25)
    return polls, None  # reported: stock decrease − orders ≠ 0


def cost_rows(table, gw, urls, product, nudge):
    """Upstash round trips and commands, from the gateway's counters, with nothing else running."""
    inv, pay, con = urls["inventory"], urls["payment"], urls["consumer-cron"]
    gw.wait_quiet()
    per = {}
    *rest, place = endpoints(inv, pay, product)
    for what, method, url, body in rest + [
            ("worker alone: `GET /products/<invalid id>` → 404", "GET", f"{inv}/products/not-an-id", None),
            ("idle consumer run (`POST /run`, the nudge)", "POST", f"{con}/run", None), place]:
        before = gw.stats()
        for _ in range(20):
            call(method, url, body, nudge if url.endswith("/run") else None)
        per[what] = [n / 20 for n in gw.spent(before)]
        table.add(f"cost of {what}", "wrangler dev", 1, trips=per[what][0], cmds=per[what][1],
                  note="placing only" if "orders" in url else "")
    gw.wait_quiet(first=5.5)  # the payments of the orders just placed
    get_cost = per["`GET /products/{id}`"]
    idle = per["idle consumer run (`POST /run`, the nudge)"][1]

    def life(what, count, concurrency, initial, gap):
        item = call("POST", f"{inv}/products", {"name": what, "price": 2, "quantity": initial})[1]["id"]
        before, started = gw.stats(), time.time()

        def place(i):
            time.sleep(i * gap)
            return call("POST", f"{pay}/orders", {"product_id": item, "quantity": 1})[0]
        with ThreadPoolExecutor(concurrency) as pool:
            statuses = Counter(pool.map(place, range(count)))
        placed, last = statuses[201], time.time()
        polls, _ = wait_stock(inv, item, initial - placed)
        taken = time.time() - started
        # Every payment (5 s after its order) and consumer run is over, whenever the stock moves.
        time.sleep(max(0.0, last + 5.5 - time.time()))
        gw.wait_quiet()
        trips, cmds = gw.spent(before)
        trips, cmds = trips - polls * get_cost[0], cmds - polls * get_cost[1]  # minus our own polling
        orders = (FREE_PLAN - RUNS_A_MONTH * idle) / (cmds / placed)
        table.add(f"cost of an order's whole life, {what}", "wrangler dev", 1 if gap else concurrency,
                  trips=trips / placed, cmds=cmds / placed,
                  note=f"{placed}/{count} placed{failed(statuses)}, all stock taken {taken:.1f} s after the first; "
                  f"free plan: {orders:,.0f} orders a month")
    life("3 orders 0.5 s apart", 3, 3, 3, 0.5)
    life(f"burst of {BURST} at once", BURST, BURST, BURST, 0)
    table.add("idle cron a month (a run every minute)", "wrangler dev", cmds=f"{RUNS_A_MONTH * idle:,.0f}",
              note=f"{RUNS_A_MONTH * idle / FREE_PLAN:.0%} of the free plan's {FREE_PLAN:,} commands")


def sustained(table, gw, urls, product_name="sustained"):
    """16 clients place orders for 30 s; then how long until every one has its stock taken."""
    inv, pay = urls["inventory"], urls["payment"]
    gw.wait_quiet()
    item = call("POST", f"{inv}/products", {"name": product_name, "price": 1, "quantity": BIG_STOCK})[1]["id"]
    end, lock, placed, latencies, last = time.time() + SUSTAINED_S, threading.Lock(), [0], [], [0.0]

    def client(_):
        while time.time() < end:
            t = time.perf_counter()
            status = call("POST", f"{pay}/orders", {"product_id": item, "quantity": 1})[0]
            with lock:
                latencies.append((time.perf_counter() - t) * 1000)
                if status == 201:
                    placed[0] += 1
                    last[0] = time.time()
    started = time.time()
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(client, range(16)))
    elapsed = time.time() - started
    _, after = wait_stock(inv, item, BIG_STOCK - placed[0], limit=300)
    lag = f"{time.time() - last[0]:.1f} s" if after is not None else "not within 300 s"
    latencies.sort()
    lost = BIG_STOCK - stock(inv, item) - placed[0]
    table.add(f"sustained orders for {SUSTAINED_S} s", "wrangler dev", 16, placed[0] / elapsed,
              latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99)],
              note=f"{placed[0]} placed ({len(latencies) - placed[0]} failed); every stock taken {lag} after "
              f"the last (payment delay 5 s); stock decrease − orders = {lost}")


def seed(urls):
    """100 products (the catalogue the reads list), and the consumer's groups; their ids."""
    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(lambda n: call("POST", f"{urls['inventory']}/products",
                                           {"name": f"bench {n}", "price": 1, "quantity": BIG_STOCK})[1]["id"],
                            range(100)))
    return ids


def main():
    stop_on_sigterm()
    table = Table()
    # No timed consumer runs: only nudges, so the counters are ours. The same workers on bare
    # workerd, as deployed, in a stack of their own (their load is not counted).
    stack = start_stack(rate_limit=1_000_000, consumer_every=0)
    workerd = None
    try:
        token = stack.token
        gw = Gateway(stack.url("upstash-local"), token)
        nudge = stack.nudge_headers()
        urls = {env: stack.url(service) for env, service in WORKERS.items()}
        ids = seed(urls)
        call("POST", f"{urls['consumer-cron']}/run", headers=nudge)  # makes the groups
        workerd = start_stack(profile="workerd")
        workerd_urls = {env: workerd.url(service) for env, service in WORKERS.items()}
        load_rows(table, gw, [("wrangler dev", urls, ids[0]), ("workerd", workerd_urls, seed(workerd_urls)[0])],
                  stack.port("redis-server"))
        cost_rows(table, gw, urls, ids[1], nudge)
        sustained(table, gw, urls)
    finally:
        if workerd:
            workerd.stop()
        stack.stop()
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"\nThe whole system, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores ({cpu}), "
          f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, {platform.system()}; "
          f"wrk {SECONDS} s a row\n")
    table.print()


if __name__ == "__main__":
    main()
