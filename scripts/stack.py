"""The local stack for scripts, started through `dev-stack up` (the one launcher of the project: it
chooses the ports, starts redis-server, the upstash-local gateway and the workers under `wrangler
dev`, and stops all of it when its stdin closes). `start_stack` returns once everything is ready,
or raises at once, with dev-stack's reason on stderr, if it exits first."""

import hashlib
import json
import os
import time
import urllib.error
import urllib.request
import selectors
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV_STACK = Path(os.environ.get("DEV_STACK_BIN", ROOT / "target/debug/dev-stack"))
# Each worker's wrangler.toml env, and its name in dev-stack's ready line (the README's).
WORKERS = {"inventory": "inventory-worker", "payment": "payment-worker", "consumer-cron": "consumer-cron"}
# Only bounds a hang: a cold build of the workers under `wrangler dev` can take minutes.
READY_CEILING_S = 600
# How long one request may take before it is a hang: generous, since a loaded 2-core machine is
# slow and a slow machine must never fail a correct system.
CEILING_S = 120

class Stack:
    """A running `dev-stack up`: its ready line (URLs, ports, pids, the gateway's token)."""

    def __init__(self, proc, ready):
        self.proc, self.ready = proc, ready
        self.token = ready.get("token")

    def nudge_headers(self):
        """What the payment worker sends consumer-cron's `POST /run`: the internal token, derived
        from the gateway's (`worker_http::config`'s `consumer-nudge` scheme)."""
        return {"X-Internal-Token": hashlib.sha1(f"consumer-nudge:{self.token}".encode()).hexdigest()}

    def url(self, service):
        return self.ready["services"][service]["url"]

    def port(self, service):
        return self.ready["services"][service]["port"]

    def stop(self, timeout_s=60):
        """Closes its stdin: it stops everything it started, then exits."""
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                self.proc.terminate()
                self.proc.wait()


def stop_on_sigterm():
    """SIGTERM (a killed `make`) unwinds like Ctrl-C, so the callers' `finally` stops what they started."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def start_stack(profile="shop", admin_token="", rate_limit=None, consumer_every=None, round_trip_delay_ms=0,
                variables=None):
    """`dev-stack up --profile <profile>` (`shop`: the workers under `wrangler dev`; `workerd`: on
    bare workerd, as deployed); the admin token goes through the environment, never argv."""
    if not DEV_STACK.exists():
        raise RuntimeError(f"{DEV_STACK} is missing: `make build` builds it")
    args = [str(DEV_STACK), "up", "--profile", profile]
    env = dict(os.environ, PATH=f"{ROOT / 'node_modules/.bin'}:{os.environ.get('PATH', '')}")
    if admin_token:
        args.append("--admin-token-from-env")
        env["ADMIN_TOKEN"] = admin_token
    if rate_limit is not None:
        args += ["--rate-limit", str(rate_limit)]
    if consumer_every is not None:
        args += ["--consumer-every", str(consumer_every)]
    for name, value in (variables or {}).items():  # not secrets: a command line is readable
        args += ["--var", f"{name}={value}"]
    if round_trip_delay_ms:
        args += ["--round-trip-delay-ms", str(round_trip_delay_ms)]
    # stderr stays ours: what dev-stack says when something fails reaches the user as it happens.
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(proc.stdout, selectors.EVENT_READ)
            if not selector.select(timeout=READY_CEILING_S):
                raise RuntimeError(f"dev-stack up not ready after {READY_CEILING_S} s (a hang)")
        line = proc.stdout.readline()
        if not line:  # it exited: its reason is on stderr above
            raise RuntimeError(f"dev-stack up exited with {proc.wait()} before it was ready")
        return Stack(proc, json.loads(line))
    except BaseException:
        Stack(proc, {}).stop()  # a failed or interrupted start leaves nothing behind
        raise


def call(method, url, body=None, headers=None):
    """One request; (status, the JSON body or None)."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, None


class Gateway:
    """The gateway's counters (`GET /__stats`): what the requests in between cost on Upstash."""

    def __init__(self, url, token):
        self.url, self.auth = url, {"Authorization": f"Bearer {token}"}

    def stats(self):
        return call("GET", f"{self.url}/__stats", headers=self.auth)[1]

    def spent(self, before):
        now = self.stats()
        return now["requests"] - before["requests"], now["commands"] - before["commands"]

    def wait_quiet(self, first=0.0, limit=60):
        """Until the counters stand still for 1.5 s: background payments and consumer runs are over.
        `first`: orders were just placed, and their payments start PAYMENT_DELAY_MS (5 s) later."""
        time.sleep(first)
        last, still, deadline = self.stats(), 0, time.time() + limit
        while still < 3 and time.time() < deadline:
            time.sleep(0.5)
            now = self.stats()
            still = still + 1 if now == last else 0
            last = now
