//! The stream consumer: one script per run reclaims what another run left pending, reads both
//! groups, applies and acknowledges a batch of each, dead-letters what can never apply, applies
//! the refunds it has just requested, sweeps lost payments and reservations no order claimed,
//! trims the streams and records the run (`lua/consumer_run.lua`).
//!
//! A run costs one REST round trip and one `EVAL` whatever it finds (an idle run included); the
//! worker calls it again only while a run reports more waiting than a batch.

use domain::order::{DEFAULT_PAYMENT_DELAY_MS, DEFAULT_PAYMENT_GRACE_MS};
use domain::{OrderStatus, Quantity, RefundReason};
use serde::Serialize;
use upstash_rest::streams;
use upstash_rest::{scripts, Client, Error, Transport, TypedCommand, Value};

use crate::orders::COMPLETION_NAMES;
use crate::schema::{dead_letter, event, hold, last_run, order, product, stock, ScriptNames, Stream};
use crate::Keys;

const CONSUMER_RUN: &str = script!("completion.lua", "consumer_run.lua");
const CONSUMER_STATS: &str = include_str!("lua/consumer_stats.lua");

/// consumer_run.lua's names, after completion.lua's in its ARGV.
const CONSUMER_RUN_NAMES: ScriptNames = ScriptNames(&[
    ("INVENTORY", Stream::OrderCompleted.group()),
    ("PAYMENT", Stream::RefundOrder.group()),
    ("O_STOCK", order::STOCK),
    ("O_REFUND_REASON", order::REFUND_REASON),
    ("P_QUANTITY", product::QUANTITY),
    ("TAKEN", stock::TAKEN),
    ("REFUND_REQUESTED", stock::REFUND_REQUESTED),
    ("RESERVED", stock::RESERVED),
    ("REFUNDED", OrderStatus::Refunded.as_str()),
    ("PRODUCT_DELETED", RefundReason::ProductDeleted.as_str()),
    ("INSUFFICIENT_STOCK", RefundReason::InsufficientStock.as_str()),
    ("E_REFUND_REASON", event::REFUND_REASON),
    ("D_SOURCE_ID", dead_letter::SOURCE_ID),
    ("D_REASON", dead_letter::REASON),
    ("D_DELIVERIES", dead_letter::DELIVERIES),
    ("MALFORMED", dead_letter::MALFORMED),
    ("UNKNOWN_ORDER", dead_letter::UNKNOWN_ORDER),
    ("DAMAGED_ORDER", dead_letter::DAMAGED_ORDER),
    ("DAMAGED_PRODUCT", dead_letter::DAMAGED_PRODUCT),
    ("REFUND_NOT_REQUESTED", dead_letter::REFUND_NOT_REQUESTED),
    ("NOT_PAID", dead_letter::NOT_PAID),
    ("SEPARATOR", hold::SEPARATOR),
    ("L_AT", last_run::AT),
    ("L_DURATION", last_run::DURATION_MS),
    ("L_OUTCOME", last_run::OUTCOME),
]);

/// Lost payments and unclaimed holds swept per run at most.
const SWEEP_LIMIT: u32 = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The consumer name within both groups.
    pub consumer: String,
    /// Events read per stream and batch (and reclaimed per stream and batch).
    pub batch_size: u64,
    /// An event pending this long was left by a run that died: reclaim it and retry.
    pub reclaim_idle_ms: u64,
    /// Deliveries after which an event that cannot apply goes to the dead-letter stream.
    pub max_deliveries: u32,
    /// A payment still pending this long lost its background task; a hold no order claimed this
    /// long lost its order (the payment worker died between reserving and storing it).
    pub stale_payment_ms: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            consumer: "consumer-cron".into(),
            batch_size: 100,
            reclaim_idle_ms: 60_000,
            max_deliveries: 5,
            stale_payment_ms: DEFAULT_PAYMENT_DELAY_MS + DEFAULT_PAYMENT_GRACE_MS,
        }
    }
}

/// What one run (or batch) did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Report {
    /// Runs of the script (one round trip each).
    pub batches: u64,
    pub read: u64,
    /// Lost payments the sweep completed.
    pub payments_recovered: u64,
    /// Reservations the sweep released: their order was never stored.
    pub holds_released: u64,
    /// Stock taken.
    pub applied: u64,
    /// Orders the inventory could not deliver (a `refund_order` event each).
    pub refund_requests: u64,
    /// Orders marked refunded.
    pub refunded: u64,
    /// Events whose effect had already happened (redelivered or replayed).
    pub duplicates: u64,
    pub dead_lettered: u64,
    /// Events that could not apply yet and stay pending for a retry.
    pub held: u64,
    /// Parts of a read that failed (e.g. Upstash's pending-entries limit); what was read is
    /// still applied, and the run stops there.
    pub read_errors: u64,
}

impl std::ops::AddAssign for Report {
    fn add_assign(&mut self, o: Report) {
        self.batches += o.batches;
        self.read += o.read;
        self.payments_recovered += o.payments_recovered;
        self.holds_released += o.holds_released;
        self.applied += o.applied;
        self.refund_requests += o.refund_requests;
        self.refunded += o.refunded;
        self.duplicates += o.duplicates;
        self.dead_lettered += o.dead_lettered;
        self.held += o.held;
        self.read_errors += o.read_errors;
    }
}

/// Test-only fault switch: the run dies after reading a batch, before applying it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    CrashAfterRead,
}

/// What the last run recorded, for `/stats` and `/health`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastRun {
    pub at_ms: u64,
    pub duration_ms: u64,
    /// `ok`, `more_waiting` or `read_errors` (see `schema::last_run::OUTCOME`).
    pub outcome: String,
}

/// One stream's backlog, for `/stats`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StreamStats {
    pub length: u64,
    pub pending: u64,
    pub dead_letters: u64,
    /// How long the oldest event delivered but not acknowledged has waited (ms).
    pub oldest_pending_age_ms: Option<u64>,
    /// How long the oldest event not yet delivered to the group has waited (ms): the lag.
    pub oldest_undelivered_age_ms: Option<u64>,
}

pub struct Consumer<'a, T> {
    client: &'a Client<T>,
    keys: &'a Keys,
    settings: Settings,
}

impl<'a, T: Transport> Consumer<'a, T> {
    pub fn new(client: &'a Client<T>, keys: &'a Keys, settings: Settings) -> Self {
        Self {
            client,
            keys,
            settings,
        }
    }

    /// Creates both groups from the start of their streams (MKSTREAM, so a consumer that starts
    /// before the first order works; BUSYGROUP is fine). One round trip.
    pub async fn ensure_groups(&self) -> Result<(), Error> {
        let creates: Vec<TypedCommand<bool>> = Stream::ALL
            .iter()
            .map(|&s| streams::xgroup_create(self.keys.stream(s), s.group(), "0"))
            .collect();
        let entries = self
            .client
            .pipeline(creates.iter().map(TypedCommand::command))
            .await?;
        for (create, entry) in creates.iter().zip(entries) {
            create.decode(entry)?;
        }
        Ok(())
    }

    /// One run (one round trip): at most a batch per stream. Returns what it did and whether
    /// more is waiting. `elapsed_ms`: how long the run took before this call, for its record.
    pub async fn run_once(
        &self,
        now_ms: u64,
        elapsed_ms: u64,
        fault: Option<Fault>,
    ) -> Result<(Report, bool), Error> {
        let s = &self.settings;
        let keys = [
            self.keys.stream(Stream::OrderCompleted),
            self.keys.stream(Stream::RefundOrder),
            self.keys.dead_letters(Stream::OrderCompleted),
            self.keys.dead_letters(Stream::RefundOrder),
            self.keys.pending_orders(),
            self.keys.holds(),
            self.keys.consumer_last_run(),
            self.keys.reserved(),
        ];
        let settings = [
            s.consumer.clone(),
            s.batch_size.to_string(),
            s.reclaim_idle_ms.to_string(),
            s.max_deliveries.to_string(),
            now_ms.to_string(),
            now_ms.saturating_sub(s.stale_payment_ms).to_string(),
            SWEEP_LIMIT.to_string(),
            self.keys.product_prefix(),
            self.keys.order_prefix(),
            Quantity::MAX.to_string(),
            match fault {
                Some(Fault::CrashAfterRead) => "crash_after_read".to_owned(),
                None => String::new(),
            },
            elapsed_ms.to_string(),
        ];
        let args = COMPLETION_NAMES
            .args()
            .chain(CONSUMER_RUN_NAMES.args())
            .chain(settings);
        // Safe to send again after a failure that may have reached Redis: every effect is
        // recorded per order, and events it left pending are reclaimed by a later run.
        let eval = scripts::eval(CONSUMER_RUN, keys, args).idempotent(true);
        let counts: Vec<u64> = self
            .client
            .run(eval)
            .await?
            .into_array()
            .unwrap_or_default()
            .iter()
            .map(|v| v.as_int().and_then(|n| u64::try_from(n).ok()).unwrap_or(0))
            .collect();
        let [more, payments_recovered, holds_released, read, applied, refund_requests, refunded, duplicates, dead_lettered, held, read_errors] =
            counts[..]
        else {
            return Err(Error::Decode("consumer_run: unexpected reply".into()));
        };
        let report = Report {
            batches: 1,
            read,
            payments_recovered,
            holds_released,
            applied,
            refund_requests,
            refunded,
            duplicates,
            dead_lettered,
            held,
            read_errors,
        };
        Ok((report, more == 1))
    }

    /// Runs until nothing more is waiting, a run could not read everything, or `budget_ms` has
    /// passed.
    pub async fn drain(
        &self,
        clock: impl Fn() -> u64,
        budget_ms: u64,
        fault: Option<Fault>,
    ) -> Result<Report, Error> {
        let started = clock();
        let mut report = Report::default();
        loop {
            let now = clock();
            let (done, more) = self.run_once(now, now.saturating_sub(started), fault).await?;
            report += done;
            if !more || done.read_errors > 0 || clock().saturating_sub(started) >= budget_ms {
                return Ok(report);
            }
        }
    }

    /// Lengths, dead letters, pending counts, the age of the oldest pending and of the oldest
    /// undelivered event, and the last run: one read-only script, one round trip.
    pub async fn stats(&self, now_ms: u64) -> Result<([(Stream, StreamStats); 2], Option<LastRun>), Error> {
        let mut keys = Vec::new();
        for stream in Stream::ALL {
            keys.push(self.keys.stream(stream));
            keys.push(self.keys.dead_letters(stream));
        }
        keys.push(self.keys.consumer_last_run());
        let args = Stream::ALL.map(Stream::group).into_iter().chain([
            last_run::AT,
            last_run::DURATION_MS,
            last_run::OUTCOME,
        ]);
        let reply = self
            .client
            .run(scripts::eval_ro(CONSUMER_STATS, keys, args))
            .await?;
        let parts = reply.into_array().unwrap_or_default();
        // An entry id is `<ms>-<seq>`: its age is now minus its milliseconds.
        let age = |id: Option<&Value>| {
            let ms: u64 = id?.as_str()?.split('-').next()?.parse().ok()?;
            Some(now_ms.saturating_sub(ms))
        };
        let stats = |i: usize| {
            let row: &[Value] = parts.get(i).and_then(Value::as_array).unwrap_or_default();
            let number = |j: usize| row.get(j).and_then(Value::as_int).unwrap_or(0) as u64;
            StreamStats {
                length: number(0),
                dead_letters: number(1),
                pending: number(2),
                oldest_pending_age_ms: age(row.get(3)),
                oldest_undelivered_age_ms: age(row.get(4)),
            }
        };
        let record: &[Value] = parts.get(2).and_then(Value::as_array).unwrap_or_default();
        let field = |i: usize| record.get(i).and_then(Value::as_str);
        let last_run = field(0).and_then(|at| at.parse().ok()).map(|at_ms| LastRun {
            at_ms,
            duration_ms: field(1).and_then(|d| d.parse().ok()).unwrap_or(0),
            outcome: field(2).unwrap_or_default().to_owned(),
        });
        Ok((
            [
                (Stream::OrderCompleted, stats(0)),
                (Stream::RefundOrder, stats(1)),
            ],
            last_run,
        ))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_script_takes_the_names_in_the_order_they_are_sent() {
        super::COMPLETION_NAMES.assert_unpacked_by(super::CONSUMER_RUN);
        super::CONSUMER_RUN_NAMES.assert_unpacked_from(super::CONSUMER_RUN, 17);
    }
}
