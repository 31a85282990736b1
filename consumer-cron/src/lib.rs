//! consumer-cron: the tutorial's two polling consumers as one scheduled worker. It runs on its
//! cron trigger (every minute) and whenever the payment worker nudges it through a service
//! binding; publicly it answers only `/health`, `/stats` and its `/openapi.json`.

pub mod contract;
#[cfg(target_arch = "wasm32")]
mod handlers;
#[cfg(target_arch = "wasm32")]
mod run;

#[cfg(target_arch = "wasm32")]
use worker::{event, Context, Env, Request, Response, Result, Router, ScheduleContext, ScheduledEvent};
#[cfg(target_arch = "wasm32")]
use worker_http::{contract as shared, health, reply, serve};

worker_http::routes! {
    data: ();
    get "/health" => |_, rc| async move { reply(health::check(&rc.env, "consumer-cron").await) },
    get "/openapi.json" => |req, _| async move {
        reply(shared::serve_document(&req, contract::openapi(), false))
    },
    get "/stats" => |_, rc| async move { reply(handlers::stats(&rc.env).await) },
    post "/run" => |req, rc| async move { reply(handlers::nudged(&req, &rc).await) },
}

#[cfg(target_arch = "wasm32")]
#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    serve(req, env, router(Router::new()), ROUTES).await
}

/// Cron budget: stop draining well before a scheduled invocation's time limit.
#[cfg(target_arch = "wasm32")]
const CRON_BUDGET_MS: u64 = 25_000;

#[cfg(target_arch = "wasm32")]
#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    let _ = run::drain(&env, CRON_BUDGET_MS, "cron").await;
}
