"""Size and startup of each worker, for `make bench`: the raw and gzip bundle and the active CPU
time of its startup as `wrangler check startup` profiles it locally (a few samples a run, so each
is run RUNS times and the median kept), beside a JavaScript hello-world measured the same way in
the same run (scripts/startup-floor/): the floor, so that growth shows. Prints a Markdown table;
asserts nothing (times depend on the machine)."""

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

from stack import ROOT

RUNS = 5
FLOOR = ROOT / "scripts/startup-floor/wrangler.toml"
ENV = dict(os.environ, PATH=f"{ROOT / 'node_modules/.bin'}:{os.environ['PATH']}", WRANGLER_SEND_METRICS="false",
           WRANGLER_SEND_ERROR_REPORTS="false", CLOUDFLARE_CF_FETCH_ENABLED="false", CI="true")


def profile(target, outfile):
    """One `wrangler check startup` of `target` (an [env.X], or the floor): (raw KiB, gzip KiB,
    active ms, profile window ms)."""
    if target is None:
        args = ["--config", str(FLOOR), f"--args=--config {FLOOR}"]
    else:
        args = ["-e", target, f"--args=--env {target}"]
    out = subprocess.run(["wrangler", "check", "startup", *args, "--outfile", str(outfile)], cwd=ROOT, env=ENV,
                         stdin=subprocess.DEVNULL, capture_output=True, text=True)
    text = out.stdout + out.stderr
    size = re.search(r"Bundle: ([\d.]+) KiB / gzip: ([\d.]+) KiB", text)
    active = re.search(r"Active: ([\d.]+) ms", text)
    window = re.search(r"Profile window: ([\d.]+) ms", text)
    if out.returncode != 0 or not (size and active and window):
        sys.exit(f"wrangler check startup {' '.join(args)} failed:\n{text}")
    return float(size.group(1)), float(size.group(2)), float(active.group(1)), float(window.group(1))


def main():
    envs = list(tomllib.loads((ROOT / "wrangler.toml").read_text())["env"])
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        for target in envs + [None]:
            runs = [profile(target, Path(tmp) / "startup.cpuprofile") for _ in range(RUNS)]
            raw, gzip = runs[-1][0], runs[-1][1]
            active = statistics.median(r[2] for r in runs)
            window = statistics.median(r[3] for r in runs)
            name = f"{target} worker" if target else "JavaScript hello-world (the floor)"
            rows.append((name, raw, gzip, active, window))
            print(f"  {name}: {gzip} KiB gzip, active {active} ms", file=sys.stderr, flush=True)
    print(f"\nSize and startup, {time.strftime('%Y-%m-%d')}: `wrangler check startup`, median of {RUNS} runs "
          "each (local profile; Cloudflare's startup limit is 1 s)\n")
    print("| worker | bundle KiB | gzip KiB | active startup CPU ms | profile window ms |")
    print("|---|---:|---:|---:|---:|")
    for name, raw, gzip, active, window in rows:
        print(f"| {name} | {raw:.1f} | {gzip:.1f} | {active:.1f} | {window:.1f} |")


if __name__ == "__main__":
    main()
