//! payment-worker: orders (`api.md`, payment section) and the simulated payment processor. The
//! unit price comes from the inventory through a service binding, never from the client.
#![cfg(target_arch = "wasm32")]

mod handlers;
mod inventory;
mod payment;

use worker::{event, Context, Env, Request, Response, Result, Router};
use worker_http::{health, reply, serve};

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    let router = Router::with_data(ctx)
        .get_async("/health", |_, rc| async move {
            reply(health::check(&rc.env, "payment").await)
        })
        .post_async("/orders", |req, rc| async move {
            reply(handlers::place(req, &rc).await)
        })
        .get_async("/orders", |req, rc| async move {
            reply(handlers::recent(&req, &rc.env).await)
        })
        .get_async(
            "/orders/:id",
            |_, rc| async move { reply(handlers::read(&rc).await) },
        );
    serve(req, env, router).await
}
