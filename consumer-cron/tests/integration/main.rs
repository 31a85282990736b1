//! The consumer and the operator's routes through the three workers under real `wrangler dev`
//! + gateway + redis-server.
//!
//! Every test file of the crate is a module of this one test binary, so that they compile and
//! link once, not once a file; the scenario each proves opens its file.
//! Each file still gets its own stack, shared by its tests (`dev_stack::per_test_file`).
//! `make test` runs each file in a process of its own (`scripts/test_rust.py`); one file alone:
//! `cargo test -p consumer-cron --test integration <file>::`.

mod crash;
mod dead_letter;
mod exactly_once;
mod health;
mod lost_payment;
mod operations;
