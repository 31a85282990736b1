//! payment-worker: orders (carts of lines) and the simulated payment processor. Placing an order
//! is one script over the shop's Redis that reads every line's price and stock, never the
//! client's, and reserves them all or none (`store::Orders::place`). The contract
//! (`contract.rs`) is tested natively; the behaviour through `wrangler dev`.

pub mod contract;
#[cfg(target_arch = "wasm32")]
mod handlers;
#[cfg(target_arch = "wasm32")]
mod payment;

#[cfg(target_arch = "wasm32")]
use worker::Context;
#[cfg(target_arch = "wasm32")]
use worker_http::{health, settings::Payment};

worker_http::routes! {
    data: Context;
    get "/health" => |_, rc| async move { health::check(&rc, "payment").await },
    get "/openapi.json" => |_, rc| async move { handlers::openapi(&rc.env) },
    get "/config" => |_, rc| async move { handlers::config(&rc.env) },
    post "/orders" => |req, rc| async move { handlers::place(req, &rc).await },
    get "/orders" => |req, rc| async move { handlers::recent(&req, &rc).await },
    get "/orders/:id" => |_, rc| async move { handlers::read(&rc).await },
    post "/orders/:id/cancel" => |req, rc| async move { handlers::cancel(&req, &rc).await },
}

// The `fetch` export: every request through `serve` and this router; a panic in a handler is
// answered with our JSON 500 (worker_http::panic).
worker_http::fetch_entry!(Payment, "payment", |ctx| ctx);
