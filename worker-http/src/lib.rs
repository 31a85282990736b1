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
pub mod panic;
#[cfg(target_arch = "wasm32")]
pub mod ratelimit;
pub mod respond;
#[cfg(target_arch = "wasm32")]
pub mod serve;
pub mod settings;

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

/// The worker's `fetch` export: `handler` (an `async fn(Request, Env, Context) ->
/// worker::Result<Response>` of the calling module) answered through `worker_http::panic::respond`, so that a
/// panic is a JSON 500 (what `#[event(fetch)]` would do, plus that).
///
/// `fetch_entry!(Settings, "name", |ctx| data)` writes that handler too: every request through
/// `serve` (the worker's name, its `Settings`) and the `router` and `ROUTES` of its `routes!`,
/// whose data `data` makes of the request's `Context`.
#[macro_export]
macro_rules! fetch_entry {
    ($settings:ty, $worker:literal, |$ctx:ident| $data:expr) => {
        #[cfg(target_arch = "wasm32")]
        async fn fetch(
            req: $crate::__worker::Request,
            env: $crate::__worker::Env,
            $ctx: $crate::__worker::Context,
        ) -> $crate::__worker::Result<$crate::__worker::Response> {
            $crate::serve::<$settings, _>(req, env, $worker, ROUTES, |scope| {
                router($crate::Scoped { scope, data: $data })
            })
            .await
        }

        $crate::fetch_entry!(fetch);
    };
    ($handler:ident) => {
        #[cfg(target_arch = "wasm32")]
        mod __fetch_entry {
            use $crate::__worker::wasm_bindgen;
            use $crate::__worker::wasm_bindgen::prelude::wasm_bindgen;

            #[wasm_bindgen]
            pub fn fetch(
                req: $crate::__worker::web_sys::Request,
                env: $crate::__worker::Env,
                ctx: $crate::__worker::worker_sys::Context,
            ) -> $crate::__worker::js_sys::Promise {
                $crate::panic::respond(req, env, ctx, super::$handler)
            }
        }
    };
}
