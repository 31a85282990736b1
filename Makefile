# Two commands: `make dev` runs the stack locally, `make test` tests everything.
# Both install what they need first (scripts/setup.sh) and only rebuild what changed.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CARGO_TERM_COLOR ?= never

.PHONY: help setup dev test lint test-rust test-gateway bench

help:
	@echo "make dev    run redis-server and the Upstash-compatible gateway locally (Ctrl-C stops both)"
	@echo "make test   lint, then every test of the project (Rust and the official @upstash/redis client)"
	@echo "make bench  measure the gateway's throughput under the official client"

setup:
	@scripts/setup.sh

dev: setup
	cargo build -q -p upstash-local -p dev-stack
	target/debug/dev-stack

lint: setup
	cargo fmt --all -- --check
	cargo clippy -q --workspace --all-targets --all-features -- -D warnings
	cargo clippy -q -p upstash-rest --target wasm32-unknown-unknown -- -D warnings

test-rust: setup
	cargo build -q -p upstash-local
	cargo test -q --workspace --all-features

test-gateway: setup
	cargo build -q -p upstash-local
	npm run -s test:gateway

test: lint test-rust test-gateway

bench: setup
	cargo build -q --release -p upstash-local
	UPSTASH_LOCAL_BIN=$(CURDIR)/target/release/upstash-local node upstash-local/bench/throughput.mjs
