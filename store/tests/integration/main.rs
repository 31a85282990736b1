//! The store's scripts and reads against a real redis-server behind the gateway.
//!
//! Every test file of the crate is a module of this one test binary, so that they compile and
//! link once, not once a file; the scenario each proves opens its file.
//! Each test starts its own stack (`common::start`).
//! `make test` runs each file in a process of its own (`scripts/test_rust.py`); one file alone:
//! `cargo test -p store --test integration <file>::`.

mod audit;
mod common;
mod consumer;
mod dead_letters;
mod inventory;
mod orders;
mod stock;
