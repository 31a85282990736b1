//! The inventory worker through real `wrangler dev` + gateway + redis-server.
//!
//! One module per test file, the scenario it proves at its top; why one binary, and how each
//! file runs alone: `scripts/test_rust.py`. Each file gets its own stack, shared by its tests
//! (`dev_stack::per_test_file`).

mod access;
mod bad_input;
mod common;
mod panic;
mod products;
mod redis_down;
mod round_trips;
mod stock;
