//! The fetch handlers: the nudge from the payment worker, the public stats, and the operator's
//! audit and dead letters.

use domain::{EntryId, FieldError};
use serde_json::json;
use store::audit::{AuditSettings, Position};
use store::{dead_letters, Stream};
use worker::{Request, Response, RouteContext};
use worker_http::config::InternalRoute;
use worker_http::log::Level;
use worker_http::respond::{json, no_content};
use worker_http::settings::{Consumer, FromVars};
use worker_http::{auth, paging, ApiError, Backend, Scoped};

use crate::contract::{ConsumerStats, Discarded, ReplayAnswer};
use crate::{run, watch};
use worker_http::config::runtime;
use worker_http::contract::Health;

type Answer = std::result::Result<Response, ApiError>;

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

/// The operator's routes (the audit, the dead letters): the admin token when it is set.
fn admin(req: &Request, rc: &Ctx) -> Result<(), ApiError> {
    auth::check_admin_request(req, &Consumer::of(&rc.env)?.admin)
}

/// The audit's clock and thresholds: the consumer's `PAYMENT_GRACE_MS`, `CONSUMER_LAG_ALERT_MS`.
fn audit_settings(rc: &Ctx) -> Result<AuditSettings, ApiError> {
    let settings = Consumer::of(&rc.env)?;
    Ok(AuditSettings::new(
        runtime::now_ms(),
        settings.payment_grace_ms,
        settings.lag_alert_ms,
    ))
}

/// `GET /audit?cursor=C`: the books checked on the live data, in bounded read-only pages; a big
/// shop's audit goes on where `next` says. Logged with what it found.
pub async fn audit(req: &Request, rc: &Ctx) -> Answer {
    admin(req, rc)?;
    let query = paging::query_of(req);
    let from = match query.iter().find(|(k, _)| k == "cursor") {
        Some((_, text)) => Some(Position::parse(text).ok_or_else(|| {
            ApiError::Invalid(FieldError::new(
                "cursor",
                "cursor must be the `next` of an earlier audit answer",
            ))
        })?),
        None => None,
    };
    let report = Backend::of(rc)?
        .audit()
        .run(from.as_ref(), &audit_settings(rc)?)
        .await?;
    let kinds: Vec<&str> = report.problems.iter().map(|p| p.kind.as_str()).collect();
    let level = if report.ok { Level::Info } else { Level::Warn };
    let details =
        json!({"ok": report.ok, "complete": report.complete, "checked": report.checked, "problems": kinds});
    rc.data.scope.event("audit", level, &details);
    json(200, &report)
}

/// `POST /audit/repair`: `reserved` rebuilt from the orders holding reservations, in one script;
/// what it changed is in the answer and the log line.
pub async fn repair(req: &Request, rc: &Ctx) -> Answer {
    admin(req, rc)?;
    let repair = Backend::of(rc)?.audit().repair(&audit_settings(rc)?).await?;
    let level = if repair.changed.is_empty() {
        Level::Info
    } else {
        Level::Warn
    };
    rc.data.scope.event("audit_repair", level, &repair);
    json(200, &repair)
}

/// The `{stream}` of a dead-letter route: 404 for a name that is no stream.
fn stream_of(rc: &Ctx) -> Result<Stream, ApiError> {
    rc.param("stream")
        .and_then(|name| Stream::of_name(name))
        .ok_or_else(|| ApiError::NotFound("no such stream: order_completed or refund_order".into()))
}

/// The `{id}` of a dead letter: 404 for anything that is no stream entry id.
fn letter_of(rc: &Ctx) -> Result<EntryId, ApiError> {
    rc.param("id")
        .and_then(|id| EntryId::parse(id))
        .ok_or_else(no_such_letter)
}

fn no_such_letter() -> ApiError {
    ApiError::NotFound("no dead letter with this id in this stream".into())
}

/// `GET /dead-letters/:stream?limit=N&cursor=C`: oldest first, `Link` to the next page.
pub async fn dead_letters(req: &Request, rc: &Ctx) -> Answer {
    admin(req, rc)?;
    let stream = stream_of(rc)?;
    let list = dead_letters::list_name(stream);
    let page = paging::entry_request_of(
        &paging::query_of(req),
        crate::contract::DEAD_LETTERS_DEFAULT_LIMIT,
        &list,
    )?;
    let letters = Backend::of(rc)?.dead_letters().list(stream, &page).await?;
    paging::json_entry_page(req, &letters, page.limit, &list)
}

/// `POST /dead-letters/:stream/:id/replay` (`one`) or `POST /dead-letters/:stream/replay`: back
/// onto their stream in one script, then a consumer run (as a nudge: it joins one under way), so
/// that the answer says what became of them.
pub async fn replay(req: &Request, rc: &Ctx, one: bool) -> Answer {
    admin(req, rc)?;
    let stream = stream_of(rc)?;
    let which = if one { Some(letter_of(rc)?) } else { None };
    let replayed = Backend::of(rc)?
        .dead_letters()
        .replay(stream, which)
        .await?
        .ok_or_else(no_such_letter)?;
    let details =
        json!({"stream": stream.name(), "replayed": replayed.replayed, "remaining": replayed.remaining});
    rc.data
        .scope
        .event("dead_letters_replayed", Level::Info, &details);
    // The replay happened whatever the run does: a failed run is logged by it and answered as
    // none; the cron applies the events. Nothing replayed, nothing to run.
    let consumer_run = if replayed.replayed.is_empty() {
        None
    } else {
        run::drain_or_join(&rc.env, &rc.data.scope, NUDGE_BUDGET_MS, "replay", true)
            .await
            .ok()
            .flatten()
    };
    json(
        200,
        &ReplayAnswer {
            replayed: replayed.replayed,
            remaining: replayed.remaining,
            consumer_run,
        },
    )
}

/// `DELETE /dead-letters/:stream/:id` (`one`: 204) or `DELETE /dead-letters/:stream` (200, how
/// many): gone for good.
pub async fn discard(req: &Request, rc: &Ctx, one: bool) -> Answer {
    admin(req, rc)?;
    let stream = stream_of(rc)?;
    let which = if one { Some(letter_of(rc)?) } else { None };
    let discarded = Backend::of(rc)?.dead_letters().discard(stream, which).await?;
    if one && discarded == 0 {
        return Err(no_such_letter());
    }
    let details = json!({"stream": stream.name(), "dead_letter_id": which.map(|id| id.to_string()), "discarded": discarded});
    rc.data
        .scope
        .event("dead_letters_discarded", Level::Info, &details);
    if one {
        no_content()
    } else {
        json(200, &Discarded { discarded })
    }
}
