//! The launcher as `make dev` and the harnesses run it: its runner, `dev-stack up`, supervision,
//! durability, secrets and the deploy's dry run on bare workerd.
//!
//! Every test file of the crate is a module of this one test binary, so that they compile and
//! link once, not once a file; the scenario each proves opens its file.
//! Each test starts the stack it needs (`common::DevStack`, `dev-stack up`, bare workerd).
//! `make test` runs each file in a process of its own (`scripts/test_rust.py`); one file alone:
//! `cargo test -p dev-stack --test integration <file>::`.

mod common;
mod deploy;
mod dev_runner;
mod durability;
mod healing;
mod secrets;
mod up;
