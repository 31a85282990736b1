# Two commands: `make dev` runs the stack locally, `make test` tests everything.
# Both install what they need first (scripts/setup.sh; the test tools only for the targets that
# use them) and only rebuild what changed.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
# node_modules/.bin first: wrangler needs the Node 22 that the `node` npm package brings.
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CARGO_TERM_COLOR ?= never

WORKERS := $(shell sed -nE 's/^build = \{ command = "scripts\/build-worker.sh ([a-z-]+)".*/\1/p' wrangler.toml)

.PHONY: help setup setup-test build dev deploy test lint test-rust test-lane-rust test-lane-http test-contract test-gateway test-frontend test-deploy bench fuzz openapi

help:
	@echo "make dev    the whole stack locally: redis-server, the Upstash-compatible gateway, the workers"
	@echo "            under wrangler dev and the dashboard (Ctrl-C stops everything)"
	@echo "make deploy everything to your Cloudflare account (after wrangler login; see docs/deploy.md);"
	@echo "            make deploy DRY_RUN=1 runs what works offline and prints the rest"
	@echo "make test   lint, then every test of the project"
	@echo "make bench  each worker's size and startup CPU beside a hello-world, then the whole system end"
	@echo "            to end (wrangler dev and bare workerd, Upstash cost,"
	@echo "            sustained orders), the gateway under @upstash/redis, pages at 10,000 products"
	@echo "make fuzz   contract fuzzing of every worker with a random seed, longer than make test's"
	@echo "make openapi  regenerate docs/openapi/*.json after an API change (and the frontend's git-ignored types)"

setup:
	@scripts/setup.sh

# The test tools on top: Chromium, and the Python virtualenv with Schemathesis and
# openapi-spec-validator. `make dev` does not wait for them.
setup-test: setup
	@scripts/setup.sh test

# The gateway and the dev runner (debug), and each worker's wasm bundle (release).
build: setup
	cargo build -q -p upstash-local -p dev-stack
	@# The workers' wasm (release, LTO) in one cargo run, so that they share the cores;
	@# worker-build then finds them built.
	cargo build -q --lib --release --target wasm32-unknown-unknown $(addprefix -p ,$(WORKERS))
	@for w in $(WORKERS); do scripts/build-worker.sh $$w; done

dev: build
	target/debug/dev-stack

# The frontend's typecheck first generates its API types from docs/openapi/*.json (npm's
# pretypecheck; they are not in git), so a contract change the dashboard does not follow fails here.
lint: setup-test
	cargo fmt --all -- --check
	cargo clippy -q --workspace --all-targets --all-features -- -D warnings
	cargo clippy -q --target wasm32-unknown-unknown -p upstash-rest -p worker-http $(addprefix -p ,$(WORKERS)) -- -D warnings
	npm --prefix frontend run -s lint
	npm --prefix frontend run -s typecheck
	.venv/bin/openapi-spec-validator docs/openapi/*.json

# Every Rust test; the test binaries run three at a time (scripts/test_rust.py says why), and
# the time each took is printed at the end. `scripts/test_rust.py <filter>` runs some of them.
test-rust: build
	python3 scripts/test_rust.py

# Each worker's /openapi.json validated as OpenAPI 3.1, then fuzzed by Schemathesis (fixed seed).
test-contract: build setup-test
	.venv/bin/python scripts/contract_fuzz.py

fuzz: build setup-test
	.venv/bin/python scripts/contract_fuzz.py --random

openapi:
	UPDATE_OPENAPI=1 cargo test -q -p inventory-worker -p payment-worker -p consumer-cron --lib contract
	npm --prefix frontend run -s api:types

test-gateway: build
	npm run -s test:gateway

# Vitest unit tests, then the dashboard in headless Chromium against the real local stack.
test-frontend: build setup-test
	npm --prefix frontend test
	npm --prefix frontend run -s test:e2e

# One command: secrets (from the environment, or asked without echo), workers in binding order,
# the dashboard on Pages (scripts/deploy.py). DRY_RUN=1: bundles, sizes, the dashboard's build.
deploy: build
	python3 scripts/deploy.py $(if $(DRY_RUN),--dry-run)

# The deploy's dry run, as a user runs it (no secret needed): every worker bundles and fits.
test-deploy: build
	python3 scripts/deploy.py --dry-run --out target/deploy-dry-run

# Lint first (a slip fails in a minute); then two lanes side by side, each running its steps one
# after another: the Rust binaries, the gateway's suite and the deploy's dry run; the contract
# checks and the dashboard's tests. Each step starts its own stacks on their own free ports and
# spends much of its time waiting on them, so two lanes keep the two cores busier than one (three
# measured slower: docs/testing.md, "Where the time goes"). Each lane prints its output whole when
# it ends (--output-sync); the first failure fails `make test`.
test: lint
	@echo "make test: two lanes side by side (test-rust, test-gateway, test-deploy | test-contract, test-frontend); each prints when it ends"
	+$(MAKE) --no-print-directory -j2 --output-sync=recurse test-lane-rust test-lane-http

# Steps one after another, once `build` and `setup-test` are done (-o: not again).
in_turn = for step in $(1); do $(MAKE) --no-print-directory -o build -o setup -o setup-test $$step || exit 1; done

test-lane-rust: build setup-test
	+@$(call in_turn,test-rust test-gateway test-deploy)

test-lane-http: build setup-test
	+@$(call in_turn,test-contract test-frontend)

# Every part runs on the release gateway; wrk comes from apt (once). Each script stops what it starts.
bench: build
	@scripts/setup.sh bench
	cargo build -q --release -p upstash-local
	.venv/bin/python scripts/bench_startup.py
	export UPSTASH_LOCAL_BIN=$(CURDIR)/target/release/upstash-local && \
	.venv/bin/python scripts/bench_e2e.py && \
	.venv/bin/python scripts/bench_latency.py && \
	BENCH_OPS=3000 node upstash-local/bench/throughput.mjs && \
	.venv/bin/python scripts/bench_pages.py
