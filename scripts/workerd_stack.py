"""The three workers on bare `workerd` (the open-source runtime wrangler ships), for `make bench`:
each worker's bundle from `wrangler deploy --dry-run`, and one capnp config generated from
wrangler.toml (vars, service bindings, the gateway's URL and token) in a private temp folder."""

import ctypes
import json
import os
import signal
import subprocess
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

from stack import ROOT, free_port, stop_stack

WORKERD = ROOT / "node_modules/@cloudflare/workerd-linux-64/bin/workerd"
ENVS = ["inventory", "payment", "consumer-cron"]
# workerd has no Rate Limiting binding (wrangler simulates it in Miniflare): a stand-in that never
# limits, as RATE_LIMIT=1000000 does for the wrangler dev stack.
NO_LIMIT = "export default function () { return { async limit() { return { success: true }; } }; }"
QUIET = dict(WRANGLER_SEND_METRICS="false", WRANGLER_SEND_ERROR_REPORTS="false",
             CLOUDFLARE_CF_FETCH_ENABLED="false", CI="true")


def text(value):
    return json.dumps(str(value))  # a capnp string literal (same escapes as JSON)


def module(path, name):
    kind = "wasm" if name.endswith(".wasm") else "esModule"
    return f"(name = {text(name)}, {kind} = embed {text(path)})"


def worker_config(env, section, out, secrets, date):
    files = sorted(p.name for p in out.iterdir() if p.suffix in (".js", ".mjs", ".wasm"))
    entry = Path(section["main"]).with_suffix(".js").name  # wrangler bundles shim.mjs as shim.js
    files.sort(key=lambda f: f != entry)  # the entry module first: workerd's rule
    bindings = [f"(name = {text(k)}, text = {text(v)})" for k, v in {**section.get("vars", {}), **secrets}.items()]
    bindings += [f"(name = {text(s['binding'])}, service = {text(s['service'])})" for s in section.get("services", [])]
    bindings += [f"(name = {text(r['name'])}, wrapped = (moduleName = \"bench-internal:no-limit\"))"
                 for r in section.get("ratelimits", [])]
    return (f"(name = {text(section['name'])}, worker = (\n"
            f"  modules = [{', '.join(module(f'{env}/{f}', f) for f in files)}],\n"
            f"  compatibilityDate = {text(date)},\n"
            f"  bindings = [{', '.join(bindings)}],\n"
            f"  globalOutbound = \"loopback\"))")


def start_workerd(tmp, gateway_url, token):
    """Builds the bundles and the config in `tmp` (0700), starts workerd; returns (process, {env: url})."""
    tmp = Path(tmp)
    tmp.mkdir(mode=0o700, exist_ok=True)  # private: the config holds the token
    config = tomllib.loads((ROOT / "wrangler.toml").read_text())
    env = dict(os.environ, **QUIET, PATH=f"{ROOT / 'node_modules/.bin'}:{os.environ['PATH']}")
    services, sockets, urls = [], [], {}
    # ADMIN_AUTH=open: the bench's shop is the tutorial's open one, as make dev runs it without a token.
    secrets = {"UPSTASH_REDIS_REST_URL": gateway_url, "UPSTASH_REDIS_REST_TOKEN": token, "ADMIN_AUTH": "open"}
    for name in ENVS:
        section = config["env"][name]
        out = tmp / name
        subprocess.run(["wrangler", "deploy", "--dry-run", "--outdir", str(out), "-e", name], cwd=ROOT,
                       env=env, stdin=subprocess.DEVNULL, capture_output=True, check=True)
        services.append(worker_config(name, section, out, secrets, config["compatibility_date"]))
        port = free_port()
        sockets.append(f"(name = {text(name)}, address = \"127.0.0.1:{port}\", http = (), "
                       f"service = {text(section['name'])})")
        urls[name] = f"http://127.0.0.1:{port}"
    # The gateway is on loopback, which workerd's default "internet" service refuses.
    services.append('(name = "loopback", network = (allow = ["public", "private", "local"]))')
    capnp = (f'using Workerd = import "/workerd/workerd.capnp";\n'
             f"const config :Workerd.Config = (\n"
             f"  services = [\n{','.join(services)}\n  ],\n"
             f"  sockets = [{', '.join(sockets)}],\n"
             f"  extensions = [(modules = [(name = \"bench-internal:no-limit\", esModule = {text(NO_LIMIT)}, "
             f"internal = true)])]);\n")
    path = tmp / "workerd.capnp"
    path.touch(mode=0o600)
    path.write_text(capnp)
    log = open(tmp / "workerd.log", "w")
    proc = subprocess.Popen([str(WORKERD), "serve", str(path)], cwd=tmp, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True, preexec_fn=die_with_parent)
    deadline = time.time() + 30
    for url in urls.values():
        while True:
            try:
                urllib.request.urlopen(f"{url}/health", timeout=5).read()
                break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    stop_workerd(proc)
                    raise RuntimeError(f"workerd did not start:\n{(tmp / 'workerd.log').read_text()}")
                time.sleep(0.2)
    return proc, urls


def die_with_parent():
    ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: no workerd outlives a killed bench


def stop_workerd(proc):
    stop_stack(proc, timeout_s=10)
