//! A small typed client for the Upstash Redis REST protocol: single commands, pipelines and
//! transactions over one code path, on the Workers fetch API (wasm32) or reqwest (feature
//! `native`), with base64 responses, read-your-writes sync tokens, typed errors and retries that
//! never repeat a request of unknown effect unless it is idempotent.
//!
//! We don't use the `upstash-redis-rs` crate: its latest release, 0.1.2, compiles neither on
//! stable Rust (`#![feature(macro_metavar_expr)]`, E0554) nor for wasm32 (its async-trait futures
//! must be `Send`, reqwest's wasm futures are not). It also covers only 11 commands: no streams,
//! pipelines, transactions or EVAL.
//!
//! ```no_run
//! # #[cfg(feature = "native")]
//! # async fn demo() -> Result<(), upstash_rest::Error> {
//! use upstash_rest::{strings::SetOptions, Client, Config};
//! let client = Client::native(Config::from_env()?)?;
//! client.set("greeting", "hello", SetOptions::default().ex(60)).await?;
//! assert_eq!(client.get_string("greeting").await?.as_deref(), Some("hello"));
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
pub use commands::scripts::Script;
pub use commands::stream_types::{AutoClaim, GroupInfo, PendingEntry, PendingSummary, StreamEntry, StreamId};
pub use commands::{hashes, keys, scripts, sorted_sets, streams, strings};
pub use config::{Config, ResponseEncoding};
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
