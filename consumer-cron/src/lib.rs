//! consumer-cron: the tutorial's two polling consumers as one scheduled worker. It runs on its
//! cron trigger (every minute) and whenever the payment worker nudges it through a service
//! binding; publicly it answers only `/health` and `/stats`.
#![cfg(target_arch = "wasm32")]

mod run;

use serde_json::json;
use store::consumer::StreamStats;
use worker::{
    event, Context, Env, Request, Response, Result, RouteContext, Router, ScheduleContext, ScheduledEvent,
};
use worker_http::config;
use worker_http::respond::json;
use worker_http::{auth, health, reply, serve, ApiError, Backend};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let router = Router::new()
        .get_async("/health", |_, rc| async move {
            reply(health::check(&rc.env, "consumer-cron").await)
        })
        .get_async("/stats", |_, rc| async move { reply(stats(&rc.env).await) })
        .on_async("/run", |req, rc| async move { reply(nudged(&req, &rc).await) });
    serve(req, env, router).await
}

/// Cron budget: stop draining well before a scheduled invocation's time limit.
const CRON_BUDGET_MS: u64 = 25_000;
/// A nudge serves one payment: drain what is there and leave the rest to the next run.
const NUDGE_BUDGET_MS: u64 = 10_000;

#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    let _ = run::drain(&env, CRON_BUDGET_MS, "cron").await;
}

/// `POST /run` from the payment worker only: anyone else, whatever the method, gets the 404 of an
/// unknown route.
async fn nudged(req: &Request, rc: &RouteContext<()>) -> std::result::Result<Response, ApiError> {
    let given = req
        .headers()
        .get("X-Consumer-Nudge")
        .ok()
        .flatten()
        .unwrap_or_default();
    let expected = config::nudge_token(&rc.env).unwrap_or_default();
    let genuine = !expected.is_empty() && auth::constant_time_eq(given.as_bytes(), expected.as_bytes());
    if req.method() != worker::Method::Post || !genuine {
        return Err(ApiError::NotFound("no such route".into()));
    }
    let report = run::drain(&rc.env, NUDGE_BUDGET_MS, "nudge").await?;
    json(200, &report)
}

/// `GET /stats`: per stream its length, pending events and dead letters; the last run.
async fn stats(env: &Env) -> std::result::Result<Response, ApiError> {
    let (streams, last_run) = Backend::from_env(env)?
        .consumer(run::settings(env))
        .stats()
        .await?;
    let shown =
        |s: &StreamStats| json!({"length": s.length, "pending": s.pending, "dead_letters": s.dead_letters});
    let by_name: serde_json::Map<String, serde_json::Value> = streams
        .iter()
        .map(|(stream, s)| (stream.name().to_owned(), shown(s)))
        .collect();
    json(
        200,
        &json!({"streams": by_name, "last_run": last_run.map(domain::time::rfc3339)}),
    )
}
