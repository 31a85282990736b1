//! The shop's data in Redis, and every operation on it as **one** REST round trip (a command, a
//! transaction or one EVAL): each round trip is a network hop and billed commands on Upstash.
//!
//! Scripts are always sent with `EVAL` and their source, never `EVALSHA` first: the fallback after
//! a `NOSCRIPT` would be a second round trip, and the sources are a few kilobytes at most.

#[macro_use]
mod script;

pub mod audit;
pub mod consumer;
pub mod dead_letters;
mod inventory;
mod orders;
mod rows;
pub mod schema;
mod store;
#[cfg(feature = "test-support")]
pub mod test_support;

pub use audit::Audit;
pub use consumer::Consumer;
pub use dead_letters::DeadLetters;
pub use inventory::{Change, Changed, Deleted, Inventory, LEDGER_LIST};
pub use orders::{Cancelled, Orders, Placed, Placement, Shortage};
pub use schema::{Keys, Stream};
pub use script::KEY_LOCKING;
pub use store::Store;
pub use upstash_rest::Error;
