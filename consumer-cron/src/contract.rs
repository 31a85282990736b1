//! consumer-cron's HTTP contract, as OpenAPI 3.1: served at `/openapi.json` and checked in at
//! `docs/openapi/consumer-cron.json`. Publicly it answers only `/health`, `/stats` and this
//! document; `POST /run` is an internal route for the payment worker's service binding.

use std::collections::BTreeMap;

use serde::Serialize;
use store::consumer::StreamStats;
use utoipa::{OpenApi, ToSchema};
use worker_http::contract::{self as c, Common};
use worker_http::error::{ErrorBody, ErrorCode};

/// `GET /stats`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"streams": {
    "order_completed": {"length": 3, "pending": 1, "dead_letters": 0, "oldest_pending_age_ms": 420, "oldest_undelivered_age_ms": 180},
    "refund_order": {"length": 0, "pending": 0, "dead_letters": 0, "oldest_pending_age_ms": null, "oldest_undelivered_age_ms": null}},
    "last_run": "2026-11-25T16:19:13.161Z", "last_run_duration_ms": 12, "last_run_outcome": "ok"}))]
pub struct ConsumerStats {
    /// By stream name: `order_completed` and `refund_order`.
    pub streams: BTreeMap<String, StreamStats>,
    /// When the consumer last ran (RFC 3339), `null` before its first run. A run that could not
    /// reach Redis records nothing: this time grows old, and `/health` says `degraded`.
    #[schema(required = true, format = DateTime)]
    pub last_run: Option<String>,
    /// How long the last run took (ms), from its start to the end of its last script.
    #[schema(required = true)]
    pub last_run_duration_ms: Option<u64>,
    /// How the last run ended: `ok`, `more_waiting` (it stopped at its time budget with events
    /// left for the next run) or `read_errors` (a read failed; what was read was applied).
    #[schema(required = true)]
    pub last_run_outcome: Option<String>,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "consumer-cron",
        version = env!("CARGO_PKG_VERSION"),
        description = include_str!("../../docs/openapi/consumer-cron.md"),
    ),
    paths(c::health, c::openapi_json, stats),
    components(schemas(ErrorBody, ErrorCode), responses(c::NotFound, c::Unavailable)),
    tags(
        (name = "consumer", description = "The stream consumers' state."),
        (name = "service", description = "Health and this document."),
    ),
    modifiers(&Common),
)]
struct Api;

/// consumer-cron's OpenAPI document (`servers` relative; the worker sets its own origin).
pub fn openapi() -> utoipa::openapi::OpenApi {
    Api::openapi()
}

/// Backlog of the streams
///
/// Per stream its length, pending events, dead letters and lag, and the last run (when, how long,
/// how it ended); one Redis round trip.
#[utoipa::path(get, path = "/stats", tag = "consumer", operation_id = "consumerStats",
    responses(
        (status = 200, description = "The streams and the last run.", body = ConsumerStats),
        (status = 503, response = c::Unavailable),
    ))]
#[allow(dead_code)] // a documentation marker for utoipa, never called
fn stats() {}

worker_http::contract_tests!("docs/openapi/consumer-cron.json", crate::ROUTES);
