"""The local stack for scripts, started through `dev-stack up` (the one launcher of the project: it
chooses the ports, starts redis-server, the upstash-local gateway and the workers under `wrangler
dev`, and stops all of it when its stdin closes). `start_stack` returns once everything is ready,
or raises at once, with dev-stack's reason on stderr, if it exits first."""

import json
import os
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

# Ports reserved by the running stack for processes started here (bare workerd, workerd_stack.py).
_spare_ports = []


def take_spare_port():
    """A port reserved by the stack (`start_stack(spare_ports=…)`) for a process started here."""
    if not _spare_ports:
        raise RuntimeError("no spare port left: start the stack with spare_ports=<how many you need>")
    return _spare_ports.pop()


# workerd_stack.py's name for it, until bare workerd is one of dev-stack's profiles.
free_port = take_spare_port


class Stack:
    """A running `dev-stack up`: its ready line (URLs, ports, pids, the gateway's token)."""

    def __init__(self, proc, ready):
        self.proc, self.ready = proc, ready
        self.token = ready.get("token")

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


def start_stack(profile="shop", admin_token="", rate_limit=None, consumer_every=None, spare_ports=0):
    """`dev-stack up --profile <profile>`; the admin token goes through the environment, never argv."""
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
    if spare_ports:
        args += ["--spare-ports", str(spare_ports)]
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
        stack = Stack(proc, json.loads(line))
        _spare_ports[:] = stack.ready.get("spare_ports", [])
        return stack
    except BaseException:
        Stack(proc, {}).stop()  # a failed or interrupted start leaves nothing behind
        raise


def stop_stack(proc, timeout_s=30):
    """Stops a `Stack`, or a process group started here (workerd_stack.py's workerd): SIGTERM, then
    SIGKILL if it has not ended in `timeout_s`."""
    if isinstance(proc, Stack):
        proc.stop(timeout_s)
        return
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
