//! The launcher as `make dev` and the harnesses run it: its runner, `dev-stack up`, supervision,
//! durability, secrets and the deploy's dry run on bare workerd.
//!
//! One module per test file, the scenario it proves at its top; why one binary, and how each
//! file runs alone: `scripts/test_rust.py`. Each test starts the stack it needs
//! (`common::DevStack`, `dev-stack up`, bare workerd).

mod common;
mod deploy;
mod dev_runner;
mod durability;
mod healing;
mod secrets;
mod up;
