//! The HTTP edge shared by the workers, so that each worker's own code is routes and one call
//! per handler. Pure parts (error mapping, CORS, content rules, auth) are tested natively; the
//! glue in `serve` and `respond` only moves them in and out of `worker` types.

pub mod auth;
#[cfg(target_arch = "wasm32")]
pub mod backend;
pub mod body;
pub mod config;
pub mod contract;
pub mod cors;
pub mod error;
pub mod health;
pub mod log;
pub mod paging;
#[cfg(target_arch = "wasm32")]
pub mod ratelimit;
pub mod respond;
#[cfg(target_arch = "wasm32")]
pub mod serve;

#[cfg(target_arch = "wasm32")]
pub use backend::Backend;
pub use domain::FieldError;
pub use error::ApiError;
pub use respond::{json, reply};
#[cfg(target_arch = "wasm32")]
pub use serve::{serve, Scoped};

/// For `routes!`, so that a worker need not name `worker` itself in the macro.
#[doc(hidden)]
pub use worker as __worker;
