//! payment-worker: orders and the simulated payment processor. The unit price comes from the
//! inventory through a service binding, never from the client. The contract (`contract.rs`) is
//! tested natively; the behaviour through `wrangler dev`.

pub mod contract;
#[cfg(target_arch = "wasm32")]
mod handlers;
#[cfg(target_arch = "wasm32")]
mod inventory;
#[cfg(target_arch = "wasm32")]
mod payment;

#[cfg(target_arch = "wasm32")]
use worker::{event, Context, Env, Request, Response, Result, Router};
#[cfg(target_arch = "wasm32")]
use worker_http::{health, reply, serve};

worker_http::routes! {
    data: Context;
    get "/health" => |_, rc| async move { reply(health::check(&rc.env, "payment").await) },
    get "/openapi.json" => |req, _| async move { reply(handlers::openapi(&req)) },
    get "/config" => |_, rc| async move { reply(handlers::config(&rc.env)) },
    post "/orders" => |req, rc| async move { reply(handlers::place(req, &rc).await) },
    get "/orders" => |req, rc| async move { reply(handlers::recent(&req, &rc.env).await) },
    get "/orders/:id" => |_, rc| async move { reply(handlers::read(&rc).await) },
}

#[cfg(target_arch = "wasm32")]
#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    serve(req, env, router(Router::with_data(ctx)), ROUTES).await
}
