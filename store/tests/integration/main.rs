//! The store's scripts and reads against a real redis-server behind the gateway.
//!
//! One module per test file, the scenario it proves at its top; why one binary, and how each
//! file runs alone: `scripts/test_rust.py`. Each test starts its own stack (`common::start`).

mod audit;
mod common;
mod consumer;
mod dead_letters;
mod inventory;
mod orders;
mod stock;
