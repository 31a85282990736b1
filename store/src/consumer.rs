//! The stream consumer: reads both groups, applies a batch in one atomic script, reclaims what
//! another run left pending, dead-letters what can never apply, and sweeps lost payments and
//! reservations no order claimed.
//!
//! A batch of up to `batch_size` events per stream costs two REST round trips, whatever its size:
//! one pipeline to read (sweep, reclaim, read new, for both streams) and one `EVAL` to apply.

use domain::order::{DEFAULT_PAYMENT_DELAY_MS, DEFAULT_PAYMENT_GRACE_MS};
use domain::{OrderCompleted, OrderStatus, RefundReason, RefundRequested};
use serde::Serialize;
use upstash_rest::streams::{self, NEW_ENTRIES};
use upstash_rest::{scripts, Client, Command, Error, StreamEntry, StreamId, Transport, TypedCommand, Value};

use crate::schema::{dead_letter, event, order, product, stock, ScriptNames, Stream};
use crate::{rows, Keys, Orders, Reservations};

const APPLY_EVENTS: &str = script!("apply_events.lua");
const CONSUMER_STATS: &str = include_str!("lua/consumer_stats.lua");

/// The start of apply_events.lua's ARGV.
const APPLY_EVENTS_NAMES: ScriptNames = ScriptNames(&[
    ("INVENTORY", Stream::OrderCompleted.group()),
    ("PAYMENT", Stream::RefundOrder.group()),
    ("O_STOCK", order::STOCK),
    ("O_PRODUCT_ID", order::PRODUCT_ID),
    ("O_QUANTITY", order::QUANTITY),
    ("O_PRICE", order::PRICE),
    ("O_FEE", order::FEE),
    ("O_TOTAL", order::TOTAL),
    ("O_STATUS", order::STATUS),
    ("O_REFUND_REASON", order::REFUND_REASON),
    ("O_UPDATED_AT", order::UPDATED_AT),
    ("P_QUANTITY", product::QUANTITY),
    ("TAKEN", stock::TAKEN),
    ("REFUND_REQUESTED", stock::REFUND_REQUESTED),
    ("COMPLETED", OrderStatus::Completed.as_str()),
    ("REFUNDED", OrderStatus::Refunded.as_str()),
    ("PRODUCT_DELETED", RefundReason::ProductDeleted.as_str()),
    ("INSUFFICIENT_STOCK", RefundReason::InsufficientStock.as_str()),
    ("E_ORDER_ID", event::ORDER_ID),
    ("E_PRODUCT_ID", event::PRODUCT_ID),
    ("E_PRICE", event::PRICE),
    ("E_FEE", event::FEE),
    ("E_TOTAL", event::TOTAL),
    ("E_QUANTITY", event::QUANTITY),
    ("E_STATUS", event::STATUS),
    ("E_REFUND_REASON", event::REFUND_REASON),
    ("D_SOURCE_ID", dead_letter::SOURCE_ID),
    ("D_REASON", dead_letter::REASON),
    ("D_DELIVERIES", dead_letter::DELIVERIES),
    ("MALFORMED", dead_letter::MALFORMED),
    ("UNKNOWN_ORDER", dead_letter::UNKNOWN_ORDER),
    ("DAMAGED_ORDER", dead_letter::DAMAGED_ORDER),
    ("DAMAGED_PRODUCT", dead_letter::DAMAGED_PRODUCT),
    ("REFUND_NOT_REQUESTED", dead_letter::REFUND_NOT_REQUESTED),
    ("RESERVED", stock::RESERVED),
    ("P_RESERVED", product::RESERVED),
]);

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

/// Events read, not yet applied.
#[derive(Debug, Default)]
pub struct Batch {
    completed: Vec<(StreamId, OrderCompleted)>,
    refunds: Vec<(StreamId, RefundRequested)>,
    malformed_completed: Vec<StreamId>,
    malformed_refunds: Vec<StreamId>,
    payments_recovered: u64,
    holds_released: u64,
    /// A stream gave a full batch: there may be more.
    full: bool,
    /// Where each stream's next XAUTOCLAIM scan starts (`0-0`: from the beginning).
    claim_cursors: [StreamId; 2],
    read_errors: u64,
}

impl Batch {
    pub fn len(&self) -> usize {
        self.completed.len()
            + self.refunds.len()
            + self.malformed_completed.len()
            + self.malformed_refunds.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What the sweep at the start of a run did.
#[derive(Debug, Default)]
struct Swept {
    payments: u64,
    holds: u64,
}

/// Test-only fault switch: the run dies after reading a batch, before applying it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    CrashAfterRead,
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

    /// Reads a batch (one round trip): with `sweep`, first completes lost payments and releases
    /// unclaimed holds; then for each
    /// stream reclaims events idle past `reclaim_idle_ms` and reads new ones.
    /// The first read on a new database finds no groups (NOGROUP): it creates them and reads again.
    /// `cursors`: where the reclaim scans start, from the previous batch of the same run.
    pub async fn read(&self, now_ms: u64, sweep: bool, cursors: [StreamId; 2]) -> Result<Batch, Error> {
        let mut swept = Swept::default();
        let batch = match self.try_read(now_ms, sweep, cursors, &mut swept).await {
            Err(e) if e.is_redis_code("NOGROUP") => {
                self.ensure_groups().await?;
                self.try_read(now_ms, false, cursors, &mut swept).await
            }
            other => other,
        };
        batch.map(|b| Batch {
            payments_recovered: swept.payments,
            holds_released: swept.holds,
            ..b
        })
    }

    async fn try_read(
        &self,
        now_ms: u64,
        sweep: bool,
        cursors: [StreamId; 2],
        swept: &mut Swept,
    ) -> Result<Batch, Error> {
        let s = &self.settings;
        let mut commands: Vec<Command> = Vec::new();
        if sweep {
            let cutoff = now_ms.saturating_sub(s.stale_payment_ms);
            commands.push(Orders::new(self.client, self.keys).complete_stale_command(cutoff, 100, now_ms));
            commands.push(Reservations::new(self.client, self.keys).release_stale_command(cutoff, 100));
        }
        commands.push(Command::new("SET").arg(self.keys.consumer_last_run()).arg(now_ms));
        let mut reads = Vec::new();
        for (stream, cursor) in Stream::ALL.into_iter().zip(cursors) {
            let key = self.keys.stream(stream);
            let claim = streams::xautoclaim(
                &key,
                stream.group(),
                &s.consumer,
                s.reclaim_idle_ms,
                cursor,
                s.batch_size,
            );
            let new = streams::xreadgroup(stream.group(), &s.consumer, &key, NEW_ENTRIES, s.batch_size);
            commands.push(claim.command().clone());
            commands.push(new.command().clone());
            reads.push((stream, claim, new));
        }
        let mut entries = self.client.pipeline(&commands).await?.into_iter();
        let mut next = || {
            entries
                .next()
                .unwrap_or_else(|| Err(Error::Decode("missing reply".into())))
        };
        let mut batch = Batch::default();
        // The sweep and the last-run mark are bookkeeping: their failure must not stop the events.
        if sweep {
            for count in [&mut swept.payments, &mut swept.holds] {
                match next() {
                    Ok(n) => *count += n.as_int().and_then(|n| u64::try_from(n).ok()).unwrap_or(0),
                    Err(_) => batch.read_errors += 1,
                }
            }
        }
        if next().is_err() {
            batch.read_errors += 1;
        }
        for (i, (stream, claim, new)) in reads.into_iter().enumerate() {
            let claimed = lenient(claim.decode(next()), &mut batch.read_errors)?;
            let fresh = lenient(new.decode(next()), &mut batch.read_errors)?;
            batch.full |= fresh.len() as u64 >= s.batch_size || claimed.entries.len() as u64 >= s.batch_size;
            batch.claim_cursors[i] = claimed.next;
            for entry in claimed.entries.into_iter().chain(fresh).filter(|e| !e.deleted) {
                batch.add(stream, entry);
            }
        }
        Ok(batch)
    }

    /// Applies a batch (one round trip, atomic). An empty batch costs nothing.
    pub async fn apply(&self, batch: &Batch, now_ms: u64) -> Result<Report, Error> {
        let mut report = Report {
            payments_recovered: batch.payments_recovered,
            holds_released: batch.holds_released,
            read: batch.len() as u64,
            read_errors: batch.read_errors,
            ..Report::default()
        };
        if batch.is_empty() {
            return Ok(report);
        }
        // KEYS and ARGV as the script's header lays them out.
        let mut keys = vec![
            self.keys.stream(Stream::OrderCompleted),
            self.keys.stream(Stream::RefundOrder),
            self.keys.dead_letters(Stream::OrderCompleted),
            self.keys.dead_letters(Stream::RefundOrder),
        ];
        let mut args: Vec<String> = APPLY_EVENTS_NAMES.args().collect();
        args.extend([
            self.keys.product_prefix(),
            now_ms.to_string(),
            self.settings.max_deliveries.to_string(),
        ]);
        args.push(batch.completed.len().to_string());
        for (id, e) in &batch.completed {
            args.extend([id.to_string(), e.order_id.to_string()]);
            keys.push(self.keys.order(e.order_id.as_str()));
        }
        args.push(batch.refunds.len().to_string());
        for (id, e) in &batch.refunds {
            args.extend([id.to_string(), e.reason.to_string()]);
            keys.push(self.keys.order(e.order_id.as_str()));
        }
        for malformed in [&batch.malformed_completed, &batch.malformed_refunds] {
            args.push(malformed.len().to_string());
            args.extend(malformed.iter().map(ToString::to_string));
        }
        // Idempotent by design (every effect is recorded per order), so a retry after an
        // ambiguous failure is safe.
        let eval = scripts::eval(APPLY_EVENTS, keys, args).idempotent(true);
        let counts: Vec<u64> = self
            .client
            .run(eval)
            .await?
            .into_array()
            .unwrap_or_default()
            .iter()
            .map(|v| v.as_int().and_then(|n| u64::try_from(n).ok()).unwrap_or(0))
            .collect();
        let [applied, refund_requests, refunded, duplicates, dead_lettered, held] = counts[..] else {
            return Err(Error::Decode("apply_events: unexpected reply".into()));
        };
        report.batches = 1;
        report.applied = applied;
        report.refund_requests = refund_requests;
        report.refunded = refunded;
        report.duplicates = duplicates;
        report.dead_lettered = dead_lettered;
        report.held = held;
        Ok(report)
    }

    /// Reads and applies batches until there is nothing left or `budget_ms` has passed.
    pub async fn drain(
        &self,
        clock: impl Fn() -> u64,
        budget_ms: u64,
        fault: Option<Fault>,
    ) -> Result<Report, Error> {
        let started = clock();
        let mut report = Report::default();
        let mut sweep = true;
        let mut cursors = [StreamId::ZERO; 2];
        loop {
            let batch = self.read(clock(), sweep, cursors).await?;
            sweep = false;
            cursors = batch.claim_cursors;
            if fault == Some(Fault::CrashAfterRead) && !batch.is_empty() {
                return Err(Error::Transport {
                    message: "fault injected: crash after read".into(),
                    maybe_sent: true,
                });
            }
            let done = self.apply(&batch, clock()).await?;
            report += done;
            // A full batch may have more behind it; refunds requested now are read next batch.
            let more = (batch.full || done.refund_requests > 0) && batch.read_errors == 0;
            if !more || clock().saturating_sub(started) >= budget_ms {
                return Ok(report);
            }
        }
    }

    /// Lengths, dead letters, pending counts, the age of the oldest pending and of the oldest
    /// undelivered event, and the last run (ms): one read-only script, one round trip.
    pub async fn stats(&self, now_ms: u64) -> Result<([(Stream, StreamStats); 2], Option<u64>), Error> {
        let mut keys = Vec::new();
        for stream in Stream::ALL {
            keys.push(self.keys.stream(stream));
            keys.push(self.keys.dead_letters(stream));
        }
        keys.push(self.keys.consumer_last_run());
        let groups = Stream::ALL.map(Stream::group);
        let reply = self
            .client
            .run(scripts::eval_ro(CONSUMER_STATS, keys, groups))
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
        let last_run = parts.get(2).and_then(Value::as_str).and_then(|s| s.parse().ok());
        Ok((
            [
                (Stream::OrderCompleted, stats(0)),
                (Stream::RefundOrder, stats(1)),
            ],
            last_run,
        ))
    }
}

/// One part of a read. NOGROUP ends the read (the groups are made and it starts again); any
/// other failure (Upstash's pending-entries limit on XREADGROUP, say) is counted and read as
/// nothing, so that what the other parts claimed is still applied, which is what brings the
/// pending count down.
fn lenient<T: Default>(part: Result<T, Error>, errors: &mut u64) -> Result<T, Error> {
    match part {
        Err(e) if e.is_redis_code("NOGROUP") => Err(e),
        Err(_) => {
            *errors += 1;
            Ok(T::default())
        }
        ok => ok,
    }
}

impl Batch {
    fn add(&mut self, stream: Stream, entry: StreamEntry) {
        match stream {
            Stream::OrderCompleted => match rows::order_completed(&entry.fields) {
                Some(event) => self.completed.push((entry.id, event)),
                None => self.malformed_completed.push(entry.id),
            },
            Stream::RefundOrder => match rows::refund_requested(&entry.fields) {
                Some(event) => self.refunds.push((entry.id, event)),
                None => self.malformed_refunds.push(entry.id),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_script_takes_the_names_in_the_order_they_are_sent() {
        super::APPLY_EVENTS_NAMES.assert_unpacked_by(super::APPLY_EVENTS);
    }
}
