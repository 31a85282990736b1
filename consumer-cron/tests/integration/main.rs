//! The consumer and the operator's routes through the three workers under real
//! `wrangler dev`, the gateway and redis-server.
//!
//! One module per test file, the scenario it proves at its top; why one binary, and how each
//! file runs alone: `scripts/test_rust.py`. Each file gets its own stack, shared by its tests
//! (`dev_stack::per_test_file`).

mod crash;
mod dead_letter;
mod exactly_once;
mod health;
mod lost_payment;
mod operations;
