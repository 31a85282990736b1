"""`make deploy`: the three workers, their secrets and the dashboard, to the Cloudflare account
`wrangler login` logged in to, in one command. Running it again is safe: secrets are overwritten,
the workers and the dashboard are deployed again, the Pages project is made only once.

    make deploy            # asks (without echo) for what is not in the environment
    make deploy DRY_RUN=1  # runs every step that works offline, prints the others

Reads UPSTASH_REDIS_REST_URL, UPSTASH_REDIS_REST_TOKEN and ADMIN_TOKEN from the environment, or
asks for them without echo. Without ADMIN_TOKEN the workers refuse every admin operation (503
`admin_not_configured`) until one is set by running this again with it. PAGES_PROJECT names the
dashboard's Pages project (default: fastapi-microservices-dashboard).

The steps, in order: the Pages project (made if missing) gives the dashboard's URL; each worker,
in the order its service bindings need (a worker after those it binds), gets its secrets
(`wrangler secret bulk`, from stdin: never on a command line nor in a file) and is deployed with
`ALLOWED_ORIGINS` set to that URL (`wrangler deploy --var`, so wrangler.toml is never edited);
then the dashboard is built with the workers' URLs and deployed to Pages. What it deployed, or
would deploy, is written to <out>/plan.json (names only, never a secret's value): the bare-workerd
test harness (`dev_stack::WorkerdShop`) runs the dry run's bundles with exactly that config.
"""

import argparse
import getpass
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The secrets each worker reads (worker-http/tests/settings.rs holds this line against the code).
SECRETS = {"inventory": ["UPSTASH_REDIS_REST_URL", "UPSTASH_REDIS_REST_TOKEN", "ADMIN_TOKEN"], "payment": ["UPSTASH_REDIS_REST_URL", "UPSTASH_REDIS_REST_TOKEN", "ADMIN_TOKEN"], "consumer-cron": ["UPSTASH_REDIS_REST_URL", "UPSTASH_REDIS_REST_TOKEN", "ADMIN_TOKEN"]}
# Without these nothing works; ADMIN_TOKEN is optional (closed without it).
REQUIRED = ["UPSTASH_REDIS_REST_URL", "UPSTASH_REDIS_REST_TOKEN"]
ALL_SECRETS = sorted({name for names in SECRETS.values() for name in names})
# The dashboard calls these workers (frontend/src/api/config.ts; consumer-cron for its Operations
# screen): their URLs go into its build.
DASHBOARD_APIS = {"inventory": "VITE_INVENTORY_URL", "payment": "VITE_PAYMENT_URL",
                  "consumer-cron": "VITE_CONSUMER_URL"}
QUIET = dict(WRANGLER_SEND_METRICS="false", WRANGLER_SEND_ERROR_REPORTS="false")
# Cloudflare's limit on a worker's upload after gzip on the free plan.
GZIP_LIMIT_KIB = 3072


def say(line=""):
    print(line, flush=True)


def fail(message):
    print(f"make deploy: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def child_env():
    """Our environment without the secrets (no child needs them there) and wrangler's Node first."""
    env = {k: v for k, v in os.environ.items() if k not in ALL_SECRETS}
    env.update(QUIET, PATH=f"{ROOT / 'node_modules/.bin'}:{env.get('PATH', '')}")
    return env


def run(args, stdin_text=None, capture=False):
    """Runs a command from the repository root (its output shown); returns its output when asked."""
    say(f"$ {' '.join(args)}")
    process = subprocess.run(args, cwd=ROOT, env=child_env(), input=stdin_text, text=True,
                             stdin=None if stdin_text is not None else subprocess.DEVNULL,
                             stdout=subprocess.PIPE if capture else None, stderr=None)
    if capture and process.stdout:
        print(process.stdout, end="", flush=True)
    if process.returncode != 0:
        fail(f"`{' '.join(args[:3])}` failed (exit status {process.returncode})")
    return process.stdout or ""


def secret_values(dry_run):
    """Each secret from the environment, or asked for without echo (not in a dry run, which
    uploads nothing); blank means not given."""
    values, interactive = {}, sys.stdin.isatty() and not dry_run
    for name in ALL_SECRETS:
        value = os.environ.get(name, "").strip()
        if not value and interactive:
            hint = " (Enter: none, admin operations stay refused)" if name not in REQUIRED else ""
            value = getpass.getpass(f"{name}{hint}: ").strip()
        if value:
            values[name] = value
        elif name in REQUIRED and not dry_run:
            fail(f"{name} is not set: export it, or run make deploy from a terminal to be asked")
    if "UPSTASH_REDIS_REST_URL" in values and not re.match(r"^https?://", values["UPSTASH_REDIS_REST_URL"]):
        fail("UPSTASH_REDIS_REST_URL must be the database's https:// REST URL (Upstash console, REST API)")
    return values


def deploy_order(config):
    """The [env.X] sections, each after the workers its service bindings name."""
    sections = config["env"]
    by_name = {section["name"]: env for env, section in sections.items()}
    order = []

    def visit(env, seen=()):
        if env in order:
            return
        if env in seen:
            fail(f"service bindings form a cycle through {env}")
        for binding in sections[env].get("services", []):
            if binding["service"] in by_name:
                visit(by_name[binding["service"]], seen + (env,))
        order.append(env)

    for env in sections:
        visit(env)
    return order


def pages_url(project, dry_run):
    """The dashboard's URL: its project's pages.dev domain, the project made if it is missing."""
    if dry_run:
        say(f"dry run: would make the Pages project {project} if missing (wrangler pages project create)")
        return f"https://{project}.pages.dev"

    def domain():
        listed = json.loads(run(["wrangler", "pages", "project", "list", "--json"], capture=True) or "[]")
        for entry in listed:
            if entry.get("Project Name") == project:
                domains = [d.strip() for d in entry.get("Project Domains", "").split(",")]
                return next((d for d in domains if d.endswith(".pages.dev")), None)
        return None

    found = domain()
    if found is None:
        run(["wrangler", "pages", "project", "create", project, "--production-branch", "main"])
        found = domain()
    if not found:
        fail(f"the Pages project {project} has no pages.dev domain")
    return f"https://{found}"


def deploy_worker(env, section, origin, secrets, out, dry_run):
    """Its secrets, then the worker itself; returns (its URL, its plan entry)."""
    names = [n for n in SECRETS[env] if n in secrets]
    missing = [n for n in SECRETS[env] if n not in secrets]
    payload = json.dumps({n: secrets[n] for n in names})
    bulk = ["wrangler", "secret", "bulk", "-e", env]
    if dry_run:
        say(f"dry run: would run `{' '.join(bulk)}` with {', '.join(names) or 'nothing'} on stdin")
    elif names:
        run(bulk, stdin_text=payload)
    if missing:
        say(f"  {section['name']}: no {', '.join(missing)} given; what needs it is refused")
    bundle = out / env
    var = f"ALLOWED_ORIGINS:{origin}"
    if dry_run:
        shutil.rmtree(bundle, ignore_errors=True)
        output = run(["wrangler", "deploy", "-e", env, "--var", var, "--dry-run", "--outdir", str(bundle)],
                     capture=True)
        url = f"https://{section['name']}.YOUR-SUBDOMAIN.workers.dev"
    else:
        output = run(["wrangler", "deploy", "-e", env, "--var", var], capture=True)
        found = re.search(r"https://[\w.-]+\.workers\.dev", output)
        if not found:
            fail(f"wrangler deploy -e {env} printed no workers.dev URL (is a workers.dev subdomain "
                 "registered for the account? Workers & Pages in the dashboard)")
        url = found.group(0)
    size = re.search(r"Total Upload: ([\d.]+) KiB / gzip: ([\d.]+) KiB", output)
    if not size:
        fail(f"wrangler deploy -e {env} reported no size")
    if float(size.group(2)) >= GZIP_LIMIT_KIB:
        fail(f"{section['name']} is {size.group(2)} KiB gzip, over the free plan's {GZIP_LIMIT_KIB} KiB")
    plan = {
        "env": env,
        "name": section["name"],
        "url": url,
        "bundle": str(bundle) if dry_run else None,
        "main": Path(section["main"]).with_suffix(".js").name,  # wrangler bundles shim.mjs as shim.js
        "vars": {**section.get("vars", {}), "ALLOWED_ORIGINS": origin},
        "services": section.get("services", []),
        "ratelimits": [r["name"] for r in section.get("ratelimits", [])],
        "secrets": names,
        "upload_kib": float(size.group(1)),
        "gzip_kib": float(size.group(2)),
    }
    return url, plan


def deploy_dashboard(project, urls, out, dry_run):
    """The dashboard built against the deployed workers, then published on Pages."""
    env = {var: urls[api] for api, var in DASHBOARD_APIS.items()}
    dist = out / "dashboard"
    shutil.rmtree(dist, ignore_errors=True)
    say(f"$ {' '.join(f'{k}={v}' for k, v in env.items())} npm --prefix frontend run build -- --outDir {dist}")
    built = subprocess.run(["npm", "--prefix", "frontend", "run", "-s", "build", "--", "--outDir", str(dist),
                            "--emptyOutDir"], cwd=ROOT, env={**child_env(), **env}, stdin=subprocess.DEVNULL)
    if built.returncode != 0:
        fail("the dashboard did not build")
    publish = ["wrangler", "pages", "deploy", str(dist), "--project-name", project, "--branch", "main"]
    if dry_run:
        say(f"dry run: would run `{' '.join(publish)}`")
    else:
        run(publish)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="run what works offline, print the rest")
    parser.add_argument("--out", type=Path, default=ROOT / "target/deploy", help="bundles, dashboard, plan.json")
    parser.add_argument("--workers-only", action="store_true", help="leave the dashboard out (for tests)")
    args = parser.parse_args()
    dry_run, out = args.dry_run, args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    config = tomllib.loads((ROOT / "wrangler.toml").read_text())
    project = os.environ.get("PAGES_PROJECT", "fastapi-microservices-dashboard")

    secrets = secret_values(dry_run)
    if not dry_run:
        whoami = run(["wrangler", "whoami"], capture=True)
        if "not authenticated" in whoami.lower():
            fail("not logged in to Cloudflare: run `node_modules/.bin/wrangler login` first")
    origin = pages_url(project, dry_run)
    urls, plans = {}, []
    for env in deploy_order(config):
        urls[env], plan = deploy_worker(env, config["env"][env], origin, secrets, out, dry_run)
        plan["compatibility_date"] = config["compatibility_date"]
        plans.append(plan)
    if not args.workers_only:
        deploy_dashboard(project, urls, out, dry_run)
    (out / "plan.json").write_text(json.dumps({"dry_run": dry_run, "dashboard": origin, "workers": plans},
                                              indent=2) + "\n")
    say()
    for plan in plans:
        say(f"{plan['name']}: {plan['url']} ({plan['gzip_kib']} KiB gzip, limit {GZIP_LIMIT_KIB})")
    say(f"dashboard: {origin}")
    if dry_run:
        say(f"dry run done: bundles and plan in {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}; "
            "nothing was uploaded")
    if "ADMIN_TOKEN" not in secrets:
        say("no ADMIN_TOKEN given: a worker without one refuses product changes, stock adjustments and "
            "ledgers, the list of all orders, the audit and the dead letters (503 admin_not_configured); "
            "ADMIN_TOKEN=... make deploy sets it (one set before stays)")


if __name__ == "__main__":
    main()
