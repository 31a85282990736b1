//! consumer-cron: the tutorial's two polling consumers as one scheduled worker. It runs on its
//! cron trigger (every minute) and whenever the payment worker nudges it through a service
//! binding; publicly it answers `/health`, `/stats` and its `/openapi.json`, and, for the
//! operator (admin token), the books audit and the dead letters.

pub mod contract;
#[cfg(target_arch = "wasm32")]
mod handlers;
#[cfg(target_arch = "wasm32")]
mod run;
pub mod watch;

#[cfg(target_arch = "wasm32")]
use worker::{event, Context, Env, Request, Response, Result, ScheduleContext, ScheduledEvent};
#[cfg(target_arch = "wasm32")]
use worker_http::{contract as shared, serve, Scoped};

worker_http::routes! {
    data: ();
    get "/health" => |_, rc| async move { handlers::health(&rc).await },
    get "/openapi.json" => |_, rc| async move {
        // With the admin token set, the operator's routes are marked as requiring it.
        let admin = worker_http::config::var(&rc.env, "ADMIN_TOKEN").is_some();
        shared::serve_document(contract::openapi(), admin)
    },
    get "/stats" => |_, rc| async move { handlers::stats(&rc).await },
    get "/audit" => |req, rc| async move { handlers::audit(&req, &rc).await },
    post "/audit/repair" => |req, rc| async move { handlers::repair(&req, &rc).await },
    get "/dead-letters/:stream" => |req, rc| async move { handlers::dead_letters(&req, &rc).await },
    post "/dead-letters/:stream/replay" => |req, rc| async move { handlers::replay(&req, &rc, false).await },
    post "/dead-letters/:stream/:id/replay" => |req, rc| async move { handlers::replay(&req, &rc, true).await },
    delete "/dead-letters/:stream" => |req, rc| async move { handlers::discard(&req, &rc, false).await },
    delete "/dead-letters/:stream/:id" => |req, rc| async move { handlers::discard(&req, &rc, true).await };
    // The payment worker's nudge (service binding and token): not in the OpenAPI document.
    internal:
    post "/run" => |req, rc| async move { handlers::nudged(&req, &rc).await },
}

#[cfg(target_arch = "wasm32")]
#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    serve(req, env, "consumer-cron", ROUTES, |scope| {
        router(Scoped { scope, data: () })
    })
    .await
}

/// Cron budget: stop draining well before a scheduled invocation's time limit.
#[cfg(target_arch = "wasm32")]
const CRON_BUDGET_MS: u64 = 25_000;

/// A scheduled run: its own request id, one log line of what it did.
#[cfg(target_arch = "wasm32")]
#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    use worker_http::config::{runtime, var};
    use worker_http::log::{request_id, Level, Scope};
    let level = Level::parse(var(&env, "LOG_LEVEL").as_deref());
    // A request id is no credential: the clock stands in if randomness ever failed.
    let random = runtime::random().unwrap_or_else(|_| runtime::now_ms().to_be_bytes());
    let scope = Scope::new("consumer-cron", request_id(None, None, random), level);
    let _ = run::drain_or_join(&env, &scope, CRON_BUDGET_MS, "cron", false).await;
}
