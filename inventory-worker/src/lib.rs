//! inventory-worker: the product catalogue. Each handler parses, makes one call to the store (one
//! Redis round trip), and answers. The logic it calls is tested natively in `domain`, `store` and
//! `worker-http`; the contract (`contract.rs`) natively too; this crate's behaviour through
//! `wrangler dev`.

pub mod contract;
#[cfg(target_arch = "wasm32")]
mod handlers;

#[cfg(target_arch = "wasm32")]
use worker_http::{health, settings::Inventory};

worker_http::routes! {
    data: ();
    get "/health" => |_, rc| async move { health::check(&rc, "inventory").await },
    get "/openapi.json" => |_, rc| async move { handlers::openapi(&rc.env) },
    get "/config" => |_, _| async move { handlers::config() },
    get "/products" => |req, rc| async move { handlers::list(&req, &rc).await },
    post "/products" => |req, rc| async move { handlers::create(req, &rc).await },
    get "/products/:id" => |req, rc| async move { handlers::read(&req, &rc).await },
    patch "/products/:id" => |req, rc| async move { handlers::update(req, &rc).await },
    delete "/products/:id" => |req, rc| async move { handlers::delete(req, &rc).await },
    post "/products/:id/adjustments" => |req, rc| async move { handlers::adjust(req, &rc).await },
    get "/products/:id/ledger" => |req, rc| async move { handlers::ledger(&req, &rc).await },
}

// The `fetch` export: every request through `serve` and this router; a panic in a handler is
// answered with our JSON 500 (worker_http::panic).
worker_http::fetch_entry!(Inventory, "inventory", |_ctx| ());
