"""The local stack for scripts: `dev-stack` (redis-server, the upstash-local gateway, the workers
under `wrangler dev`) on free ports with its data in a folder of the caller's, ready when this
returns; `stop_stack` stops all of it (dev-stack stops its children when it is stopped)."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKERS = [("inventory", "INVENTORY_PORT"), ("payment", "PAYMENT_PORT"), ("consumer-cron", "CONSUMER_CRON_PORT")]
READY_TIMEOUT_S = 300


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_on_sigterm():
    """SIGTERM (a killed `make`) unwinds like Ctrl-C, so the callers' `finally` stops what they started."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def start_stack(dev_dir, admin_token="", extra_env=None):
    ports = {name: free_port() for name in ["REDIS_PORT", "UPSTASH_LOCAL_PORT", "FRONTEND_PORT"]}
    ports.update({var: free_port() for _, var in WORKERS})
    env = dict(os.environ, **{k: str(v) for k, v in ports.items()})
    env.update(DEV_DIR=dev_dir, SERVE_FRONTEND="0")
    if admin_token:
        env["ADMIN_TOKEN"] = admin_token
    env.update(extra_env or {})
    env["PATH"] = f"{ROOT / 'node_modules/.bin'}:{env.get('PATH', '')}"
    log = open(Path(dev_dir) / "dev-stack.log", "w+")
    proc = subprocess.Popen(
        [str(ROOT / "target/debug/dev-stack")], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL, start_new_session=True,
    )
    deadline, text = time.time() + READY_TIMEOUT_S, ""
    try:
        while time.time() < deadline:
            log.seek(0)
            text = log.read()
            if "all services ready" in text:
                return proc, ports
            if proc.poll() is not None:
                raise RuntimeError(f"dev-stack exited:\n{text}")
            time.sleep(1)
        raise RuntimeError(f"dev-stack not ready after {READY_TIMEOUT_S} s:\n{text}")
    except BaseException:
        stop_stack(proc)  # a failed or interrupted start leaves nothing behind
        raise


def stop_stack(proc, timeout_s=30):
    """Stops a process group started here: SIGTERM (it stops what it started), SIGKILL if it
    has not ended in `timeout_s`. Also used for workerd (workerd_stack.py)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


