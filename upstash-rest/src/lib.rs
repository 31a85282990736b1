//! A small typed client for the Upstash Redis REST protocol: single commands, pipelines and
//! transactions over one code path, on the Workers fetch API (wasm32) or reqwest (feature
//! `native`), with base64 responses, read-your-writes sync tokens, typed errors and retries that
//! never repeat a request of unknown effect unless it is idempotent.
//!
//! It holds what the shop uses (`store`, `worker-http` and their tests): any command as a raw
//! [`Command`], and typed helpers for the two families it runs by name, scripts (`EVAL`,
//! `EVAL_RO`) and streams (`XGROUP CREATE`, `XREADGROUP`, `XRANGE`). A new family goes in its own
//! file under `commands/`, with its tests, when the shop needs it.
//!
//! We don't use the `upstash-redis-rs` crate: its latest release, 0.1.2, compiles neither on
//! stable Rust (`#![feature(macro_metavar_expr)]`, E0554) nor for wasm32 (its async-trait futures
//! must be `Send`, reqwest's wasm futures are not). It also covers only 11 commands: no streams,
//! pipelines, transactions or EVAL.
//!
//! ```no_run
//! # #[cfg(feature = "native")]
//! # async fn demo() -> Result<(), upstash_rest::Error> {
//! use upstash_rest::{scripts, Client, Command, Config};
//! let client = Client::native(Config::new("http://127.0.0.1:8079", "local-token")?)?;
//! client.send(&Command::new("SET").arg("greeting").arg("hello")).await?;
//! let length = client.run(scripts::eval_ro("return #redis.call('GET', KEYS[1])", ["greeting"], [] as [&str; 0])).await?;
//! assert_eq!(length.as_int(), Some(5));
//! # Ok(()) }
//! ```

mod client;
mod command;
pub mod commands;
mod config;
mod error;
mod idempotency;
mod replies;
mod response;
mod retry;
pub mod transport;
mod typed;
mod value;

pub use client::{Client, Entries};
pub use command::{Command, ToArg};
pub use commands::streams::{StreamEntry, StreamId};
pub use commands::{scripts, streams};
pub use config::Config;
pub use error::{Error, QuotaKind};
pub use retry::RetryPolicy;
#[cfg(target_arch = "wasm32")]
pub use transport::FetchTransport;
#[cfg(all(feature = "native", not(target_arch = "wasm32")))]
pub use transport::ReqwestTransport;
pub use transport::Transport;
pub use typed::{Decoder, TypedCommand};
pub use value::Value;

#[cfg(test)]
pub(crate) mod test_support;
