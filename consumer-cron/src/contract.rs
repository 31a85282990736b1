//! consumer-cron's HTTP contract, as OpenAPI 3.1: served at `/openapi.json` and checked in at
//! `docs/openapi/consumer-cron.json`. Publicly it answers only `/health`, `/stats` and this
//! document; `POST /run` is an internal route for the payment worker's service binding.

use std::collections::BTreeMap;

use serde::Serialize;
use store::audit::{AuditReport, Checked, Observed, Problem, ProblemKind, Repair, ReservedChange};
use store::consumer::{Report, StreamStats};
use store::dead_letters::{self, DeadLetter, ReplayedEvent};
use store::Stream;
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

/// `POST /dead-letters/{stream}/replay` and `POST /dead-letters/{stream}/{id}/replay`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReplayAnswer {
    /// Each dead letter put back onto its stream, with its new event id.
    pub replayed: Vec<ReplayedEvent>,
    /// Dead letters of the stream left (a replay of all moves at most 1,000 at a time).
    pub remaining: u64,
    /// The consumer run the replay started at once (what became of the events: applied,
    /// duplicates, held again); `null` when nothing was replayed, or it joined a run under way or
    /// could not run (the cron applies them then).
    #[schema(required = true)]
    pub consumer_run: Option<Report>,
}

/// `DELETE /dead-letters/{stream}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Discarded {
    /// How many dead letters were removed.
    pub discarded: u64,
}

/// consumer-cron's OpenAPI document (`servers` relative; the worker sets its own origin).
pub fn openapi() -> utoipa::openapi::OpenApi {
    Api::openapi()
}

#[derive(OpenApi)]
#[openapi(
    info(description = include_str!("../../docs/openapi/consumer-cron.md")),
    paths(c::health, c::openapi_json, stats, audit, repair, dead_letters, replay_all, replay_one,
        discard_all, discard_one),
    components(
        schemas(ErrorBody, ErrorCode, Checked, Observed, Problem, ProblemKind, ReservedChange),
        responses(c::NotFound, c::Unavailable, c::Unauthorized, c::ValidationFailed, c::AdminUnavailable),
    ),
    modifiers(&PAGES, &Common),
    tags(
        (name = "consumer", description = "The stream consumers' state."),
        (name = "operations", description = "The operator's: the books audit and its repair, the dead letters (admin token)."),
        (name = "service", description = "Health and this document."),
    ),
)]
struct Api;

/// Dead letters a page holds without `limit`.
pub const DEAD_LETTERS_DEFAULT_LIMIT: u32 = 50;

/// The lists in pages: each stream's dead letters (a cursor names its stream's list).
const PAGES: c::Paged = c::Paged(&[c::Paging {
    path: "/dead-letters/{stream}",
    items: "Dead letters",
    default_limit: DEAD_LETTERS_DEFAULT_LIMIT,
    cursor_pattern: || domain::EntryId::cursor_pattern(&Stream::ALL.map(dead_letters::list_name)),
}]);

worker_http::response_set! {
    /// A dead-letter route's: admin only, of a stream that exists.
    StreamAdmin: [c::AdminAccess] 404 => c::NotFound;
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

/// Audit the books
///
/// Checks, on the live data, what the tests' books check proves: for each product, on hand is
/// the end of its ledger's chain (each entry's `quantity_after` = the previous one's + its
/// `change`; a ledger that still starts with `created` starts from 0, a trimmed one is checked
/// from its oldest kept entry); `reserved` = the units of the orders holding a reservation (the
/// pending set, the `order_completed` stream and its dead letters, in one snapshot); nothing
/// reserved beyond on hand; no payment pending past its due time plus `PAYMENT_GRACE_MS`; no
/// refunded or cancelled order holding stock; no completed order still holding it longer than
/// `CONSUMER_LAG_ALERT_MS`; every pending order due. Read-only, in bounded pages (200 products and
/// 5,000 ledger entries, 500 orders), each one Redis round trip; an answer makes at most 40
/// (`complete` false, `next` set): ask again with `cursor=<next>` (the snapshot is not taken
/// again). Logged with what it found.
#[utoipa::path(get, path = "/audit", tag = "operations", operation_id = "audit",
    params(("cursor" = Option<String>, Query, pattern = r"^audit\.[po]_[0-9A-Za-z_-]*$",
        description = "Where an earlier answer stopped: its `next`.")),
    security(("adminToken" = [])),
    responses(
        (status = 200, description = "What was checked and every problem found.", body = AuditReport),
        (status = 422, response = c::ValidationFailed),
        c::AdminAccess,
    ))]
#[allow(dead_code)] // a documentation marker for utoipa, never called
fn audit() {}

/// Repair `reserved`
///
/// Rebuilds the one derived count, the units reserved per product, from the orders holding
/// reservations (the audit's snapshot), in one script: each count that differs is rewritten, a
/// product that no longer exists holds nothing. Idempotent: a second run changes nothing. What
/// it changed is in the answer and in the log line (`audit_repair`).
#[utoipa::path(post, path = "/audit/repair", tag = "operations", operation_id = "auditRepair",
    security(("adminToken" = [])),
    responses(
        (status = 200, description = "What it changed (empty: `reserved` was right).", body = Repair),
        c::AdminAccess,
    ))]
#[allow(dead_code)] // a documentation marker for utoipa, never called
fn repair() {}

/// List dead letters
///
/// The events of a stream that could never apply, oldest first (the order a replay of all takes
/// them in), each with its fields, why it died, how many deliveries it had and when. One Redis
/// round trip a page; `Link` names the next page.
#[utoipa::path(get, path = "/dead-letters/{stream}", tag = "operations", operation_id = "deadLetters",
    params(
        ("stream" = String, Path, description = "`order_completed` or `refund_order` (another name is 404)."),
    ),
    security(("adminToken" = [])),
    responses(
        (status = 200, description = "A page of dead letters, oldest first.", body = Vec<DeadLetter>),
        (status = 422, response = c::ValidationFailed),
        StreamAdmin,
    ))]
#[allow(dead_code)] // a documentation marker for utoipa, never called
fn dead_letters() {}

/// Replay every dead letter
///
/// Puts the stream's dead letters (the oldest 1,000 at most; `remaining` says how many are left)
/// back onto it as the events they were, and removes them from the dead letters, in one script;
/// then runs the consumer. Each is applied exactly once like any event: one whose effect already
/// happened is a duplicate that changes nothing; one whose cause is not fixed is held and dies
/// again after its deliveries.
#[utoipa::path(post, path = "/dead-letters/{stream}/replay", tag = "operations", operation_id = "replayDeadLetters",
    params(("stream" = String, Path, description = "`order_completed` or `refund_order`.")),
    security(("adminToken" = [])),
    responses(
        (status = 200, description = "What was replayed, and the consumer run after it.", body = ReplayAnswer),
        StreamAdmin,
    ))]
#[allow(dead_code)] // a documentation marker for utoipa, never called
fn replay_all() {}

/// Replay one dead letter
///
/// As a replay of all, for this one.
#[utoipa::path(post, path = "/dead-letters/{stream}/{id}/replay", tag = "operations", operation_id = "replayDeadLetter",
    params(
        ("stream" = String, Path, description = "`order_completed` or `refund_order`."),
        ("id" = String, Path, description = "The dead letter's `id`."),
    ),
    security(("adminToken" = [])),
    responses(
        (status = 200, description = "Replayed, and the consumer run after it.", body = ReplayAnswer),
        StreamAdmin,
    ))]
#[allow(dead_code)] // a documentation marker for utoipa, never called
fn replay_one() {}

/// Discard every dead letter
///
/// Removes the stream's dead letters for good (one script). An `order_completed` dead letter's
/// order keeps holding its reservation: the audit then reports it (`completed_holding`), and its
/// repair releases the units.
#[utoipa::path(delete, path = "/dead-letters/{stream}", tag = "operations", operation_id = "discardDeadLetters",
    params(("stream" = String, Path, description = "`order_completed` or `refund_order`.")),
    security(("adminToken" = [])),
    responses(
        (status = 200, description = "How many were removed.", body = Discarded),
        StreamAdmin,
    ))]
#[allow(dead_code)] // a documentation marker for utoipa, never called
fn discard_all() {}

/// Discard one dead letter
#[utoipa::path(delete, path = "/dead-letters/{stream}/{id}", tag = "operations", operation_id = "discardDeadLetter",
    params(
        ("stream" = String, Path, description = "`order_completed` or `refund_order`."),
        ("id" = String, Path, description = "The dead letter's `id`."),
    ),
    security(("adminToken" = [])),
    responses(
        (status = 204, description = "Removed."),
        StreamAdmin,
    ))]
#[allow(dead_code)] // a documentation marker for utoipa, never called
fn discard_one() {}

worker_http::contract_tests!("docs/openapi/consumer-cron.json", crate::ROUTES);
