//! Orders, carts and their payments through the three workers under real `wrangler dev`,
//! the gateway and redis-server.
//!
//! One module per test file, the scenario it proves at its top; why one binary, and how each
//! file runs alone: `scripts/test_rust.py`. Each file gets its own stack, shared by its tests
//! (`dev_stack::per_test_file`).

mod carts;
mod idempotency;
mod logs;
mod order_access;
mod order_cost;
mod orders;
mod rate_limit;
mod reservations;
mod round_trips;
