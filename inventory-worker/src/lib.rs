//! inventory-worker: the product catalogue (`api.md`, inventory section). Each handler parses,
//! makes one call to the store (one Redis round trip), and answers. The logic it calls is tested
//! natively in `domain`, `store` and `worker-http`; this crate is tested through `wrangler dev`.
#![cfg(target_arch = "wasm32")]

use worker::{event, Context, Env, Request, Response, Result, Router};
use worker_http::{health, reply, serve};

mod handlers;

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let router = Router::new()
        .get_async("/health", |_, ctx| async move {
            reply(health::check(&ctx.env, "inventory").await)
        })
        .get_async("/products", |_, ctx| async move {
            reply(handlers::list(&ctx.env).await)
        })
        .post_async("/products", |req, ctx| async move {
            reply(handlers::create(req, &ctx.env).await)
        })
        .get_async("/products/:id", |_, ctx| async move {
            reply(handlers::read(&ctx).await)
        })
        .patch_async("/products/:id", |req, ctx| async move {
            reply(handlers::update(req, &ctx).await)
        })
        .delete_async("/products/:id", |req, ctx| async move {
            reply(handlers::delete(req, &ctx).await)
        });
    serve(req, env, router).await
}
