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
use worker::{event, Env, ScheduleContext, ScheduledEvent};
#[cfg(target_arch = "wasm32")]
use worker_http::{contract as shared, settings::Consumer};

worker_http::routes! {
    data: ();
    get "/health" => |_, rc| async move { handlers::health(&rc).await },
    get "/openapi.json" => |_, rc| async move {
        // The operator's routes need the token, unless the worker runs them open.
        let admin = <Consumer as worker_http::settings::FromVars>::of(&rc.env)?.admin.required();
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

// The `fetch` export: every request through `serve` and this router; a panic in a handler is
// answered with our JSON 500 (worker_http::panic).
worker_http::fetch_entry!(Consumer, "consumer-cron", |_ctx| ());

/// Cron budget: stop draining well before a scheduled invocation's time limit.
#[cfg(target_arch = "wasm32")]
const CRON_BUDGET_MS: u64 = 25_000;

/// A scheduled run: its own request id, one log line of what it did (or why it could not run).
#[cfg(target_arch = "wasm32")]
#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    use worker_http::config::runtime;
    use worker_http::log::{request_id, Level, Scope};
    use worker_http::settings::{Common, FromVars};
    // A request id is no credential: the clock stands in if randomness ever failed.
    let random = runtime::random().unwrap_or_else(|_| runtime::now_ms().to_be_bytes());
    let id = request_id(None, None, random);
    let settings = Common::of(&env).and_then(|common| Consumer::of(&env).map(|_| common));
    let level = settings.as_ref().map_or(Level::Info, |s| s.log_level);
    let scope = Scope::new("consumer-cron", id, level);
    match settings {
        Ok(_) => drop(run::drain_or_join(&env, &scope, CRON_BUDGET_MS, "cron", false).await),
        Err(e) => {
            let cause = serde_json::json!({"cause": e.cause().unwrap_or_default()});
            scope.event("consumer_run_failed", Level::Error, &cause);
        }
    }
}
