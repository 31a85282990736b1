//! The fetch handlers: the nudge from the payment worker and the public stats.

use worker::{Request, Response, RouteContext};
use worker_http::config::InternalRoute;
use worker_http::respond::json;
use worker_http::settings::{Consumer, FromVars};
use worker_http::{auth, ApiError, Backend, Scoped};

use crate::contract::ConsumerStats;
use crate::{run, watch};
use worker_http::config::runtime;
use worker_http::contract::Health;

/// A nudge serves one payment: drain what is there and leave the rest to the next run.
const NUDGE_BUDGET_MS: u64 = 10_000;

/// `POST /run` from the payment worker only: anyone else gets the 404 of an unknown route.
/// What each route gets: the env and the request's scope.
pub type Ctx = RouteContext<Scoped<()>>;

pub async fn nudged(req: &Request, rc: &Ctx) -> std::result::Result<Response, ApiError> {
    auth::check_internal_request(req, &rc.env, InternalRoute::ConsumerRun)?;
    match run::drain_or_join(&rc.env, &rc.data.scope, NUDGE_BUDGET_MS, "nudge", true).await? {
        Some(report) => json(200, &report),
        // A run is under way: it goes once more for this nudge.
        None => Response::empty()
            .map(|r| r.with_status(202))
            .map_err(|e| ApiError::Internal(format!("response: {e}"))),
    }
}

/// `GET /health`: 503 when Redis does not answer; else 200, `ok`, or `degraded` with the reason
/// when the consumer falls behind (`CONSUMER_STALE_MS`, `CONSUMER_LAG_ALERT_MS`). One round trip.
pub async fn health(rc: &Ctx) -> std::result::Result<Response, ApiError> {
    let now = runtime::now_ms();
    let settings = Consumer::of(&rc.env)?;
    let stats = match Backend::of(rc) {
        Ok(backend) => backend.consumer(settings.store_settings()).stats(now).await.ok(),
        Err(_) => None,
    };
    let Some((streams, last_run)) = stats else {
        return worker_http::health::answer("consumer-cron", false);
    };
    let oldest_waiting = streams
        .iter()
        .filter_map(|(_, s)| s.oldest_undelivered_age_ms.max(s.oldest_pending_age_ms))
        .max();
    let reason = watch::behind(
        now,
        last_run.map(|run| run.at_ms),
        oldest_waiting,
        settings.stale_ms,
        settings.lag_alert_ms,
    );
    let health = Health {
        status: if reason.is_some() { "degraded" } else { "ok" },
        service: "consumer-cron",
        redis: "ok",
        reason,
    };
    json(200, &health)
}

/// `GET /stats`: per stream its length, pending events, dead letters and lag; the last run.
pub async fn stats(rc: &Ctx) -> std::result::Result<Response, ApiError> {
    let (streams, last_run) = Backend::of(rc)?
        .consumer(Consumer::of(&rc.env)?.store_settings())
        .stats(runtime::now_ms())
        .await?;
    let streams = streams
        .iter()
        .map(|(stream, stats)| (stream.name().to_owned(), *stats))
        .collect();
    json(
        200,
        &ConsumerStats {
            streams,
            last_run: last_run.as_ref().map(|run| domain::time::rfc3339(run.at_ms)),
            last_run_duration_ms: last_run.as_ref().map(|run| run.duration_ms),
            last_run_outcome: last_run.map(|run| run.outcome),
        },
    )
}
