//! The simulated payment processor, as in the tutorial: the order turns `completed`
//! `PAYMENT_DELAY_MS` after it was placed, in the background, without holding the response. The
//! order and its `order_completed` event change in one atomic script; then consumer-cron is nudged
//! so the stock follows within about a second. If this task dies (eviction, deploy), the scheduled
//! sweep completes the order later: nothing stays pending forever. Its outcome is one log line
//! with the id of the request that placed the order.

use std::time::Duration;

use domain::Id;
use serde_json::json;
use worker::{Env, Method, Request, RequestInit};
use worker_http::auth;
use worker_http::config::{runtime, InternalRoute};
use worker_http::log::{Level, Scope};
use worker_http::settings::{Common, Fault, FromVars};
use worker_http::Backend;

pub async fn process(env: Env, scope: Scope, order: Id, delay_ms: u64) {
    worker::Delay::from(Duration::from_millis(delay_ms)).await;
    if Common::of(&env).is_ok_and(|c| c.faults.has(Fault::SkipPaymentCompletion)) {
        return;
    }
    let backend = match Backend::for_scope(&env, &scope) {
        Ok(backend) => backend,
        Err(e) => {
            let details = json!({"order_id": order, "cause": e.cause().unwrap_or_default()});
            return scope.event("payment_completion_failed", Level::Error, &details);
        }
    };
    match backend
        .orders()
        .complete(std::slice::from_ref(&order), runtime::now_ms())
        .await
    {
        Ok(completed) => {
            let nudge = nudge_consumer(&env, &scope).await;
            let details = json!({"order_id": order, "completed": completed, "nudge": nudge});
            scope.event("payment_completed", Level::Info, &details);
        }
        Err(e) => {
            let details = json!({
                "order_id": order,
                "cause": format!("redis: {e}"),
                "next": "the scheduled sweep completes it",
            });
            scope.event("payment_completion_failed", Level::Error, &details);
        }
    }
}

/// Asks consumer-cron (service binding `CONSUMER`) to process the streams now, with the order's
/// request id. Best effort: the cron is the safety net. Says how it went, for the log line.
async fn nudge_consumer(env: &Env, scope: &Scope) -> String {
    let token = Common::of(env)
        .ok()
        .and_then(|c| c.internal_token(InternalRoute::ConsumerRun));
    let (Ok(consumer), Some(token)) = (env.service("CONSUMER"), token) else {
        return "no CONSUMER service binding: the stock follows at the next cron run".into();
    };
    let mut init = RequestInit::new();
    init.with_method(Method::Post);
    let Ok(mut request) = Request::new_with_init("https://consumer-cron/run", &init) else {
        return "could not build the request".into();
    };
    let headers_set = request.headers_mut().and_then(|h| {
        h.set(auth::INTERNAL_TOKEN_HEADER, &token)?;
        h.set("X-Request-Id", &scope.request_id)
    });
    if let Err(e) = headers_set {
        return format!("could not set its headers: {e}");
    }
    match consumer.fetch_request(request).await {
        Ok(res) if res.status_code() == 200 => "ok".into(),
        Ok(res) if res.status_code() == 202 => "joined the run under way".into(),
        Ok(res) => format!("consumer-cron answered {}", res.status_code()),
        Err(e) => format!("consumer-cron unreachable: {e}"),
    }
}
