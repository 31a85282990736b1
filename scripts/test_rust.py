#!/usr/bin/env python3
"""`make test-rust`: every Rust test of the workspace, with the test binaries run side by side.

`cargo test --workspace` runs its test binaries one after another, and most of ours spend their
time waiting on a stack (`wrangler dev` starting, a payment's delay, a restart): the binaries are
independent (each starts its own stack on its own ports, see docs/local-stack.md), so running a few
at once cuts the wall time by more than half on two cores. cargo-nextest would run them in parallel
too, but one process per test, which would start a stack per test where a file's tests share one
(`Shop::shared`). So: build every test binary with cargo, run `TEST_JOBS` (3) at once, longest
known first, print each one's output whole when it ends (only the summary when it passed), then
the time each took. Exit status 0 only if every binary and the doctests passed.

A crate's integration tests are one binary (`tests/integration/`, a module per file: one compile
and one link instead of one a file); each of its files runs as a process of its own, as when it
was a binary, named `<package>/<file>`, with its own stack (`dev_stack::per_test_file`). One file
by hand: `cargo test -p <package> --test integration <file>::`.

  test_rust.py                 everything
  test_rust.py <filter>        the runs whose `<package>/<name>` contains <filter> (no doctests)
"""

import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CARGO = ["cargo", "test", "--workspace", "--all-features"]
JOBS = int(os.environ.get("TEST_JOBS", "3"))
# Started first: the longest binaries (measured, docs/testing.md), so the others fill in around them.
LONGEST = ["dev-stack/healing", "payment-worker/reservations", "dev-stack/secrets", "dev-stack/durability",
           "payment-worker/carts", "payment-worker/order_cost", "dev-stack/up", "consumer-cron/crash",
           "inventory-worker/redis_down", "consumer-cron/operations", "payment-worker/round_trips",
           "consumer-cron/dead_letter", "consumer-cron/lost_payment"]


def files_of(executable):
    """The test files (top modules) of an integration binary: {file: [test names]}."""
    listed = subprocess.run([executable, "--list", "--format", "terse"], stdout=subprocess.PIPE, text=True,
                            check=True).stdout
    files = {}
    for line in listed.splitlines():
        if line.endswith(": test"):
            name = line[: -len(": test")]
            files.setdefault(name.split("::")[0], []).append(name)
    return files


def test_binaries():
    """Builds every test binary; returns the runs [(package/name, command, package dir, tests listed)]."""
    out = subprocess.run(CARGO + ["--no-run", "--message-format=json-render-diagnostics"], cwd=ROOT,
                         stdout=subprocess.PIPE, text=True)
    if out.returncode != 0:
        sys.exit(out.returncode)
    found = []
    for line in out.stdout.splitlines():
        message = json.loads(line) if line.startswith("{") else {}
        if message.get("reason") == "compiler-artifact" and message.get("executable") and message["profile"]["test"]:
            package = Path(message["manifest_path"]).parent
            executable = message["executable"]
            if message["target"]["name"] == "integration":
                for file, tests in files_of(executable).items():
                    found.append((f"{package.name}/{file}", [executable, "--exact", *tests], package, len(tests)))
            else:
                found.append((f"{package.name}/{message['target']['name']}", [executable], package, None))
    rank = {name: i for i, name in enumerate(LONGEST)}
    return sorted(found, key=lambda b: rank.get(b[0], len(rank)))


def run(binary):
    """Runs one test binary (or one file of it) from its package's folder, as cargo does."""
    name, command, cwd, listed = binary
    started = time.time()
    out = subprocess.run(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    took = time.time() - started
    counts = re.findall(r"test result: \w+\. (\d+) passed; (\d+) failed", out.stdout)
    passed = sum(int(p) for p, _ in counts)
    # A file's run names its tests: each must have run (a name that matched nothing runs nothing).
    ok = out.returncode == 0 and listed in (None, passed)
    if ok:
        print(f"ok      {took:6.1f} s  {name} ({passed} tests)", flush=True)
    else:
        print(f"\n===== FAILED: {name} ({took:.1f} s) =====\n{out.stdout}\n===== end of {name} =====\n", flush=True)
    return name, took, ok


def main():
    only = sys.argv[1] if len(sys.argv) > 1 else None
    binaries = [b for b in test_binaries() if not only or only in b[0]]
    started = time.time()
    with ThreadPoolExecutor(JOBS) as pool:
        results = list(pool.map(run, binaries))
    if not only:
        doc = subprocess.run(CARGO + ["--doc", "-q"], cwd=ROOT)
        results.append(("doctests", 0.0, doc.returncode == 0))
    failed = [name for name, _, ok in results if not ok]
    print(f"\ntest-rust: {len(results) - len(failed)} runs passed, {len(failed)} failed "
          f"in {time.time() - started:.0f} s ({JOBS} at a time); the slowest:")
    for name, took, _ in sorted(results, key=lambda r: -r[1])[:10]:
        print(f"  {took:6.1f} s  {name}")
    if failed:
        print("FAILED: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
