//! inventory-worker: the product catalogue. Each handler parses, makes one call to the store (one
//! Redis round trip), and answers. The logic it calls is tested natively in `domain`, `store` and
//! `worker-http`; the contract (`contract.rs`) natively too; this crate's behaviour through
//! `wrangler dev`.

pub mod contract;
#[cfg(target_arch = "wasm32")]
mod handlers;

#[cfg(target_arch = "wasm32")]
use worker::{event, Context, Env, Request, Response, Result, Router};
#[cfg(target_arch = "wasm32")]
use worker_http::{health, reply, serve};

worker_http::routes! {
    data: ();
    get "/health" => |_, ctx| async move { reply(health::check(&ctx.env, "inventory").await) },
    get "/openapi.json" => |req, ctx| async move { reply(handlers::openapi(&req, &ctx.env)) },
    get "/config" => |_, _| async move { reply(handlers::config()) },
    get "/products" => |req, ctx| async move { reply(handlers::list(&req, &ctx.env).await) },
    post "/products" => |req, ctx| async move { reply(handlers::create(req, &ctx.env).await) },
    get "/products/:id" => |_, ctx| async move { reply(handlers::read(&ctx).await) },
    patch "/products/:id" => |req, ctx| async move { reply(handlers::update(req, &ctx).await) },
    delete "/products/:id" => |req, ctx| async move { reply(handlers::delete(req, &ctx).await) },
}

#[cfg(target_arch = "wasm32")]
#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    serve(req, env, router(Router::new()), ROUTES).await
}
