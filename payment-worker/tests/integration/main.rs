//! Orders, carts and their payments through the three workers under real `wrangler dev` +
//! gateway + redis-server.
//!
//! Every test file of the crate is a module of this one test binary, so that they compile and
//! link once, not once a file; the scenario each proves opens its file.
//! Each file still gets its own stack, shared by its tests (`dev_stack::per_test_file`).
//! `make test` runs each file in a process of its own (`scripts/test_rust.py`); one file alone:
//! `cargo test -p payment-worker --test integration <file>::`.

mod carts;
mod idempotency;
mod logs;
mod order_access;
mod order_cost;
mod orders;
mod rate_limit;
mod reservations;
mod round_trips;
