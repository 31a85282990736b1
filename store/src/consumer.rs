//! The stream consumer: one script per run sweeps lost payments, reclaims what another run left
//! pending, reads both groups, applies and acknowledges a batch of each, dead-letters what can
//! never apply, applies the refunds it has just requested, trims the streams and records the run
//! (`lua/consumer_run.lua`).
//!
//! A run costs one REST round trip and one `EVAL` whatever it finds (an idle run included); the
//! worker calls it again only while a run reports more waiting than a batch.

use domain::order::DEFAULT_PAYMENT_GRACE_MS;
use serde::Serialize;
use upstash_rest::streams;
use upstash_rest::{scripts, Client, Error, Transport, TypedCommand, Value};

use crate::schema::{report, Stream, LEDGER_KEEP};
use crate::script::{number, Script};
use crate::Keys;

pub(crate) static CONSUMER_RUN: Script = script!("consumer_run.lua");
pub(crate) static CONSUMER_STATS: Script = script!("consumer_stats.lua");

/// Lost payments swept per run at most.
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
    /// A payment still pending this long after it was due lost its background task.
    pub payment_grace_ms: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            consumer: "consumer-cron".into(),
            batch_size: 100,
            reclaim_idle_ms: 60_000,
            max_deliveries: 5,
            payment_grace_ms: DEFAULT_PAYMENT_GRACE_MS,
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
    /// Orders whose stock was taken (every line).
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

impl Report {
    /// From the script's `name, count` pairs; `None` unless every counter is there. Also whether
    /// more is waiting.
    fn from_reply(reply: Value) -> Option<(Self, bool)> {
        let pairs = reply.into_array()?;
        let count = |name: &str| {
            let at = pairs
                .chunks(2)
                .position(|p| p.first().and_then(Value::as_str) == Some(name))?;
            number(pairs.get(2 * at + 1))
        };
        let report = Self {
            batches: 1,
            read: count(report::READ)?,
            payments_recovered: count(report::PAYMENTS_RECOVERED)?,
            applied: count(report::APPLIED)?,
            refund_requests: count(report::REFUND_REQUESTS)?,
            refunded: count(report::REFUNDED)?,
            duplicates: count(report::DUPLICATES)?,
            dead_lettered: count(report::DEAD_LETTERED)?,
            held: count(report::HELD)?,
            read_errors: count(report::READ_ERRORS)?,
        };
        Some((report, count(report::MORE)? == 1))
    }
}

impl std::ops::AddAssign for Report {
    fn add_assign(&mut self, o: Report) {
        self.batches += o.batches;
        self.read += o.read;
        self.payments_recovered += o.payments_recovered;
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
    /// `ok`, `more_waiting` or `read_errors` (`schema::last_run`).
    pub outcome: String,
}

/// One stream's backlog, as `/stats` shows it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StreamStats {
    /// Entries in the stream (trimmed after each run up to the oldest still pending).
    pub length: u64,
    /// Delivered to the group and not acknowledged yet.
    pub pending: u64,
    /// Events that could never apply, moved to `<stream>:dead`.
    pub dead_letters: u64,
    /// How long the oldest event delivered but not acknowledged has waited (ms), `null` if none.
    #[schema(required = true)]
    pub oldest_pending_age_ms: Option<u64>,
    /// How long the oldest event not yet delivered to the group has waited (ms): the lag;
    /// `null` if none.
    #[schema(required = true)]
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
            self.keys.consumer_last_run(),
            self.keys.reserved(),
        ];
        let args = [
            s.consumer.clone(),
            s.batch_size.to_string(),
            s.reclaim_idle_ms.to_string(),
            s.max_deliveries.to_string(),
            now_ms.to_string(),
            now_ms.saturating_sub(s.payment_grace_ms).to_string(),
            SWEEP_LIMIT.to_string(),
            self.keys.product_prefix(),
            self.keys.order_prefix(),
            match fault {
                Some(Fault::CrashAfterRead) => "crash_after_read".to_owned(),
                None => String::new(),
            },
            elapsed_ms.to_string(),
            self.keys.ledger_prefix(),
            LEDGER_KEEP.to_string(),
        ];
        // Safe to send again after a failure that may have reached Redis: every effect is
        // recorded per order, and events it left pending are reclaimed by a later run.
        let eval = scripts::eval(CONSUMER_RUN.source(), keys, args).idempotent(true);
        let reply = self.client.run(eval).await?;
        Report::from_reply(reply).ok_or_else(|| Error::Decode("consumer_run: unexpected reply".into()))
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
        let no_args: [&str; 0] = [];
        let reply = self
            .client
            .run(scripts::eval_ro(CONSUMER_STATS.source(), keys, no_args))
            .await?;
        let parts = reply.into_array().unwrap_or_default();
        // An entry id is `<ms>-<seq>`: its age is now minus its milliseconds.
        let age = |id: Option<&Value>| {
            let ms: u64 = id?.as_str()?.split('-').next()?.parse().ok()?;
            Some(now_ms.saturating_sub(ms))
        };
        let stats = |i: usize| {
            let row: &[Value] = parts.get(i).and_then(Value::as_array).unwrap_or_default();
            let number = |j: usize| number(row.get(j)).unwrap_or(0);
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
