//! The Redis schema, spelled here and nowhere else: every key, consumer group, hash field, event
//! field, marker and script reply tag. The Lua scripts spell none of it: they get keys in `KEYS`,
//! data in `ARGV`, and every name as a constant of the table `N` that `script.rs` writes before
//! each script from [`SCRIPT_NAMES`] (a name a script uses and this list lacks fails the build of
//! that script, and a unit test builds them all). `domain` knows none of it, and the tests use
//! these same definitions.

/// `KEY_PREFIX` when none is set.
pub const DEFAULT_PREFIX: &str = "shop:";

/// Where things live in Redis, under one configurable prefix (`KEY_PREFIX`), so that several
/// deployments or test runs can share a database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keys {
    prefix: String,
}

impl Keys {
    pub fn new(prefix: impl Into<String>) -> Self {
        Self {
            prefix: prefix.into(),
        }
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Hash of one product: fields in [`product`].
    pub fn product(&self, id: &str) -> String {
        format!("{}{id}", self.product_prefix())
    }

    /// The prefix of product hashes, for scripts that find ids in Redis (never spelled in a script).
    pub fn product_prefix(&self) -> String {
        format!("{}product:", self.prefix)
    }

    /// Sorted set of product ids, scored by creation time: the catalogue's order.
    pub fn products(&self) -> String {
        format!("{}products", self.prefix)
    }

    /// Hash of one order: fields in [`order`].
    pub fn order(&self, id: &str) -> String {
        format!("{}{id}", self.order_prefix())
    }

    /// The prefix of order hashes, for scripts that find ids in Redis.
    pub fn order_prefix(&self) -> String {
        format!("{}order:", self.prefix)
    }

    /// Sorted set of order ids by creation time: the history, newest last.
    pub fn orders(&self) -> String {
        format!("{}orders", self.prefix)
    }

    /// Sorted set of orders whose payment has not completed yet, scored by when it is due (when
    /// it was placed plus `PAYMENT_DELAY_MS`): each order carries its own due time, so the
    /// consumer's sweep needs only the grace it allows past it.
    pub fn pending_orders(&self) -> String {
        format!("{}orders:pending", self.prefix)
    }

    /// What a request with an `Idempotency-Key` placed, for 24 h (a string: its fingerprint, then
    /// the order id and the order's fields as placed, one per line; see place_order.lua).
    pub fn idempotency(&self, key: &str) -> String {
        format!("{}idempotency:{key}", self.prefix)
    }

    /// A stream of events: fields in [`event`].
    pub fn stream(&self, stream: Stream) -> String {
        format!("{}{}", self.prefix, stream.name())
    }

    /// Where the events of `stream` that can never apply end up: their fields plus [`dead_letter`]'s.
    pub fn dead_letters(&self, stream: Stream) -> String {
        format!("{}{}:dead", self.prefix, stream.name())
    }

    /// Hash of units reserved per product id (fields absent: 0): the lines of placed orders whose
    /// stock the consumer has not taken yet. One hash for all products, not a field of each
    /// product, so that every script that changes a reservation (a cancellation included, which
    /// learns its products from the order) can name its key up front and lock only its keys on
    /// Upstash.
    pub fn reserved(&self) -> String {
        format!("{}reserved", self.prefix)
    }

    /// The ledger of one product: a stream, one entry per change of its on-hand count (fields in
    /// [`ledger`]), written by the script that makes the change and capped near
    /// [`LEDGER_KEEP`] entries (`XADD … MAXLEN ~`). It outlives its product by
    /// [`LEDGER_RETENTION_S`] (its last entry says what the deletion removed).
    pub fn ledger(&self, id: &str) -> String {
        format!("{}{id}", self.ledger_prefix())
    }

    /// The prefix of ledger keys, for scripts that find product ids in Redis.
    pub fn ledger_prefix(&self) -> String {
        format!("{}ledger:", self.prefix)
    }

    /// What the consumer's last run did: a hash, fields in [`last_run`].
    pub fn consumer_last_run(&self) -> String {
        format!("{}consumer:last_run_record", self.prefix)
    }
}

/// The two streams of the system and the consumer group that owns each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Paid orders, for the inventory to take the stock.
    OrderCompleted,
    /// Orders the inventory could not deliver, for the payment side to refund.
    RefundOrder,
}

impl Stream {
    pub const ALL: [Stream; 2] = [Stream::OrderCompleted, Stream::RefundOrder];

    /// The stream of this name (`order_completed`, `refund_order`).
    pub fn of_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Also the stream's name in the consumer's `/stats`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::OrderCompleted => "order_completed",
            Self::RefundOrder => "refund_order",
        }
    }

    pub const fn group(self) -> &'static str {
        match self {
            Self::OrderCompleted => "inventory-group",
            Self::RefundOrder => "payment-group",
        }
    }
}

/// Fields of a product hash.
pub mod product {
    pub const NAME: &str = "name";
    /// Cents.
    pub const PRICE: &str = "price";
    /// On hand.
    pub const QUANTITY: &str = "quantity";
    /// 1 at creation, incremented by every script that writes the hash: half of the product's
    /// `ETag` (`domain::ETag`; the other half is its reserved units).
    pub const VERSION: &str = "version";
    /// Not a field of the hash: the product's count in [`super::Keys::reserved`], which reads
    /// merge into its fields under this name.
    pub const RESERVED: &str = "reserved";
}

/// At least this many of a product's latest ledger entries are kept (`MAXLEN ~`: Redis trims
/// whole nodes of its stream, so it keeps a few more, never fewer).
pub const LEDGER_KEEP: u64 = 1_000;

/// How long a deleted product's ledger is kept (30 days), readable as before.
pub const LEDGER_RETENTION_S: u64 = 30 * 24 * 60 * 60;

/// Fields of a ledger entry (`domain::LedgerEntry`), and its reasons (`domain::LedgerReason`).
pub mod ledger {
    /// When (ms, the clock of the worker that made the change).
    pub const AT: &str = "at";
    /// The signed change of on hand.
    pub const CHANGE: &str = "change";
    pub const QUANTITY_AFTER: &str = "quantity_after";
    /// One of `domain::LedgerReason`.
    pub const REASON: &str = "reason";
    /// `domain::AdjustmentReason`, for an adjustment.
    pub const ADJUSTMENT_REASON: &str = "adjustment_reason";
    /// An adjustment's note.
    pub const NOTE: &str = "note";
    /// The order that took the units.
    pub const ORDER_ID: &str = "order_id";
}

/// Fields of an order hash (money in cents, times in ms). Its lines are fields too, named by
/// [`order::line_field`]: `line:<n>:<field>` for n from 1 to the `lines` count.
pub mod order {
    /// `domain::OrderStatus::as_str`.
    pub const STATUS: &str = "status";
    /// `domain::RefundReason::as_str`, once refunded.
    pub const REFUND_REASON: &str = "refund_reason";
    pub const CREATED_AT: &str = "created_at";
    pub const UPDATED_AT: &str = "updated_at";
    /// The sum of the lines' totals.
    pub const TOTAL: &str = "total";
    /// What the order does with its stock, one of [`super::stock`]: recorded so that an event
    /// delivered twice changes the stock once.
    pub const STOCK: &str = "stock";
    /// How many lines the order has.
    pub const LINES: &str = "lines";
    /// A line's fields: the product, its name and unit price when ordered, the fee on that price,
    /// the units.
    pub const LINE_PREFIX: &str = "line:";
    pub const LINE_SEPARATOR: &str = ":";
    pub const LINE_PRODUCT_ID: &str = "product_id";
    pub const LINE_NAME: &str = "name";
    pub const LINE_QUANTITY: &str = "quantity";
    pub const LINE_PRICE: &str = "price";
    pub const LINE_FEE: &str = "fee";

    /// The field of line `n` (from 1) named `field`: `line:2:quantity`.
    pub fn line_field(n: usize, field: &str) -> String {
        format!("{LINE_PREFIX}{n}{LINE_SEPARATOR}{field}")
    }
}

/// Values of an order's `stock` field.
pub mod stock {
    /// Every line's quantity is reserved on its product.
    pub const RESERVED: &str = "reserved";
    /// The consumer turned the reservations into decrements.
    pub const TAKEN: &str = "taken";
    /// A product was deleted: the consumer released every reservation and asked for a refund.
    pub const REFUND_REQUESTED: &str = "refund_requested";
    /// The order was cancelled and its reservations released.
    pub const RELEASED: &str = "released";
}

/// Fields of both streams' events: the tutorial's `order_completed` carries the order (`pk` is its
/// id, `status` is `completed`; a one-line order also its `product_id`, `price`, `fee`,
/// `quantity`); `refund_order` the same plus `refund_reason`. The consumer reads only `pk` and, for
/// a refund, the reason: the order's own fields decide the effect, not the event's.
pub mod event {
    pub const ORDER_ID: &str = "pk";
    pub const PRODUCT_ID: &str = "product_id";
    pub const PRICE: &str = "price";
    pub const FEE: &str = "fee";
    pub const TOTAL: &str = "total";
    pub const QUANTITY: &str = "quantity";
    pub const STATUS: &str = "status";
    pub const REFUND_REASON: &str = "refund_reason";
    /// How many lines the order has.
    pub const LINES: &str = "lines";
}

/// Fields of the record of the consumer's last run.
pub mod last_run {
    /// When it ran (ms).
    pub const AT: &str = "at";
    /// How long it took (ms).
    pub const DURATION_MS: &str = "duration_ms";
    /// How it ended: one of the outcomes below.
    pub const OUTCOME: &str = "outcome";
    pub const OK: &str = "ok";
    /// Stopped with events left for the next run.
    pub const MORE_WAITING: &str = "more_waiting";
    pub const READ_ERRORS: &str = "read_errors";
}

/// What a dead-letter entry adds to the event's own fields, and the reasons it gives.
pub mod dead_letter {
    /// The entry's id in its stream.
    pub const SOURCE_ID: &str = "dead_source_id";
    pub const REASON: &str = "dead_reason";
    pub const DELIVERIES: &str = "dead_deliveries";

    /// The event's fields do not decode (no order id, or a refund without a known reason).
    pub const MALFORMED: &str = "malformed";
    /// No such order (or its key is not a hash).
    pub const UNKNOWN_ORDER: &str = "unknown_order";
    /// The order lacks its status or a line's product or quantity.
    pub const DAMAGED_ORDER: &str = "damaged_order";
    /// A product's key is not a hash with a numeric quantity, or holds fewer units than the
    /// order's line (the books no longer balance).
    pub const DAMAGED_PRODUCT: &str = "damaged_product";
    /// A refund for an order whose stock nobody asked to refund.
    pub const REFUND_NOT_REQUESTED: &str = "refund_not_requested";
    /// An `order_completed` event whose order is still pending (never paid).
    pub const NOT_PAID: &str = "not_paid";
}

/// The tags that start the scripts' replies (`{tag, ...}`), read by name on the Rust side.
pub mod reply {
    /// The order was stored (or was there already: this request's own retry).
    pub const CREATED: &str = "created";
    /// A request with the same key and the same content came first.
    pub const REPLAY: &str = "replay";
    /// The key was used by a request that asked for something else.
    pub const REUSED: &str = "reused";
    /// Some products do not exist: their ids follow.
    pub const UNKNOWN: &str = "unknown";
    /// Some lines ask for more than is available: `product id, available` pairs follow.
    pub const SHORT: &str = "short";
    /// The order's total would be past `domain::order::MAX_TOTAL`.
    pub const TOO_LARGE: &str = "too_large";
    pub const CANCELLED: &str = "cancelled";
    /// Not pending: its status follows.
    pub const NOT_CANCELLABLE: &str = "not_cancellable";
    /// The product after a change: its fields follow.
    pub const OK: &str = "ok";
    /// The change would set on hand below what is reserved: the reserved count follows.
    pub const BELOW: &str = "below";
    /// The change would set on hand below 0: on hand follows.
    pub const NEGATIVE: &str = "negative";
    /// The change would set on hand above `Quantity::MAX`: on hand follows.
    pub const ABOVE_MAX: &str = "above_max";
    /// `If-Match` named none of the product's current tags: its version and reserved units follow.
    pub const STALE: &str = "stale";
}

/// What the books audit (`audit.rs`) can find: the `kind` of each problem.
pub mod audit {
    /// A ledger entry whose `quantity_after` is not the previous one's plus its `change` (or, for
    /// its first `created` entry, not its `change`).
    pub const LEDGER_CHAIN: &str = "ledger_chain";
    /// On hand is not the newest ledger entry's `quantity_after`.
    pub const ON_HAND_MISMATCH: &str = "on_hand_mismatch";
    /// A product without a ledger.
    pub const LEDGER_MISSING: &str = "ledger_missing";
    /// A product's hash is no hash with a numeric `quantity`.
    pub const DAMAGED_PRODUCT: &str = "damaged_product";
    /// `reserved` is not the units of the orders holding a reservation on the product.
    pub const RESERVED_MISMATCH: &str = "reserved_mismatch";
    /// More units reserved than on hand.
    pub const RESERVED_OVER_ON_HAND: &str = "reserved_over_on_hand";
    /// An order still pending past its due time plus the grace.
    pub const OVERDUE_PAYMENT: &str = "overdue_payment";
    /// A pending order missing from the pending set: nothing would ever complete it.
    pub const PENDING_UNSCHEDULED: &str = "pending_unscheduled";
    /// A refunded or cancelled order still holding its reservation.
    pub const RELEASED_HOLDING: &str = "released_holding";
    /// A completed order still holding its reservation past `CONSUMER_LAG_ALERT_MS`.
    pub const COMPLETED_HOLDING: &str = "completed_holding";
    /// An order hash without a status.
    pub const DAMAGED_ORDER: &str = "damaged_order";
    /// What the audit's reservations script does: check only (`EVAL_RO`), or also rewrite
    /// `reserved`.
    pub const CHECK: &str = "check";
    pub const REPAIR: &str = "repair";
    /// What a page of the audit walks: the catalogue, or the order history.
    pub const PRODUCTS: &str = "products";
    pub const ORDERS: &str = "orders";
}

/// The counters of a consumer run, as its script returns them (`name, count` pairs).
pub mod report {
    /// 1 when more is waiting than one run reads.
    pub const MORE: &str = "more";
    pub const PAYMENTS_RECOVERED: &str = "payments_recovered";
    pub const READ: &str = "read";
    pub const APPLIED: &str = "applied";
    pub const REFUND_REQUESTS: &str = "refund_requests";
    pub const REFUNDED: &str = "refunded";
    pub const DUPLICATES: &str = "duplicates";
    pub const DEAD_LETTERED: &str = "dead_lettered";
    pub const HELD: &str = "held";
    pub const READ_ERRORS: &str = "read_errors";
}

/// The pages' order, as `page_by_index.lua` takes it.
pub mod direction {
    pub const OLDEST_FIRST: &str = "oldest";
    pub const NEWEST_FIRST: &str = "newest";
}

use domain::{LedgerReason, OrderStatus, RefundReason};

/// Every name a script may use, as `N.<constant>`: `(the constant, its value)`. `script.rs` puts
/// the ones a script uses into a table before it.
pub(crate) const SCRIPT_NAMES: &[(&str, &str)] = &[
    ("P_NAME", product::NAME),
    ("P_PRICE", product::PRICE),
    ("P_QUANTITY", product::QUANTITY),
    ("P_RESERVED", product::RESERVED),
    ("P_VERSION", product::VERSION),
    ("LG_AT", ledger::AT),
    ("LG_CHANGE", ledger::CHANGE),
    ("LG_AFTER", ledger::QUANTITY_AFTER),
    ("LG_REASON", ledger::REASON),
    ("LG_ADJUSTMENT", ledger::ADJUSTMENT_REASON),
    ("LG_NOTE", ledger::NOTE),
    ("LG_ORDER_ID", ledger::ORDER_ID),
    ("LR_CREATED", LedgerReason::Created.as_str()),
    ("LR_ADJUSTMENT", LedgerReason::Adjustment.as_str()),
    ("LR_SET", LedgerReason::Set.as_str()),
    ("LR_ORDER", LedgerReason::Order.as_str()),
    ("LR_DELETED", LedgerReason::Deleted.as_str()),
    ("O_STATUS", order::STATUS),
    ("O_REFUND_REASON", order::REFUND_REASON),
    ("O_CREATED_AT", order::CREATED_AT),
    ("O_UPDATED_AT", order::UPDATED_AT),
    ("O_TOTAL", order::TOTAL),
    ("O_STOCK", order::STOCK),
    ("O_LINES", order::LINES),
    ("LINE_PREFIX", order::LINE_PREFIX),
    ("LINE_SEPARATOR", order::LINE_SEPARATOR),
    ("L_PRODUCT_ID", order::LINE_PRODUCT_ID),
    ("L_NAME", order::LINE_NAME),
    ("L_QUANTITY", order::LINE_QUANTITY),
    ("L_PRICE", order::LINE_PRICE),
    ("L_FEE", order::LINE_FEE),
    ("PENDING", OrderStatus::Pending.as_str()),
    ("COMPLETED", OrderStatus::Completed.as_str()),
    ("REFUNDED", OrderStatus::Refunded.as_str()),
    ("CANCELLED", OrderStatus::Cancelled.as_str()),
    ("PRODUCT_DELETED", RefundReason::ProductDeleted.as_str()),
    ("S_RESERVED", stock::RESERVED),
    ("S_TAKEN", stock::TAKEN),
    ("S_REFUND_REQUESTED", stock::REFUND_REQUESTED),
    ("S_RELEASED", stock::RELEASED),
    ("E_ORDER_ID", event::ORDER_ID),
    ("E_PRODUCT_ID", event::PRODUCT_ID),
    ("E_PRICE", event::PRICE),
    ("E_FEE", event::FEE),
    ("E_TOTAL", event::TOTAL),
    ("E_QUANTITY", event::QUANTITY),
    ("E_STATUS", event::STATUS),
    ("E_REFUND_REASON", event::REFUND_REASON),
    ("E_LINES", event::LINES),
    ("INVENTORY_GROUP", Stream::OrderCompleted.group()),
    ("PAYMENT_GROUP", Stream::RefundOrder.group()),
    ("L_AT", last_run::AT),
    ("L_DURATION", last_run::DURATION_MS),
    ("L_OUTCOME", last_run::OUTCOME),
    ("OUTCOME_OK", last_run::OK),
    ("OUTCOME_MORE_WAITING", last_run::MORE_WAITING),
    ("OUTCOME_READ_ERRORS", last_run::READ_ERRORS),
    ("D_SOURCE_ID", dead_letter::SOURCE_ID),
    ("D_REASON", dead_letter::REASON),
    ("D_DELIVERIES", dead_letter::DELIVERIES),
    ("MALFORMED", dead_letter::MALFORMED),
    ("UNKNOWN_ORDER", dead_letter::UNKNOWN_ORDER),
    ("DAMAGED_ORDER", dead_letter::DAMAGED_ORDER),
    ("DAMAGED_PRODUCT", dead_letter::DAMAGED_PRODUCT),
    ("REFUND_NOT_REQUESTED", dead_letter::REFUND_NOT_REQUESTED),
    ("NOT_PAID", dead_letter::NOT_PAID),
    ("R_CREATED", reply::CREATED),
    ("R_REPLAY", reply::REPLAY),
    ("R_REUSED", reply::REUSED),
    ("R_UNKNOWN", reply::UNKNOWN),
    ("R_SHORT", reply::SHORT),
    ("R_TOO_LARGE", reply::TOO_LARGE),
    ("R_CANCELLED", reply::CANCELLED),
    ("R_NOT_CANCELLABLE", reply::NOT_CANCELLABLE),
    ("R_OK", reply::OK),
    ("R_BELOW", reply::BELOW),
    ("R_NEGATIVE", reply::NEGATIVE),
    ("R_ABOVE_MAX", reply::ABOVE_MAX),
    ("R_STALE", reply::STALE),
    ("A_LEDGER_CHAIN", audit::LEDGER_CHAIN),
    ("A_ON_HAND_MISMATCH", audit::ON_HAND_MISMATCH),
    ("A_LEDGER_MISSING", audit::LEDGER_MISSING),
    ("A_DAMAGED_PRODUCT", audit::DAMAGED_PRODUCT),
    ("A_RESERVED_MISMATCH", audit::RESERVED_MISMATCH),
    ("A_RESERVED_OVER_ON_HAND", audit::RESERVED_OVER_ON_HAND),
    ("A_OVERDUE_PAYMENT", audit::OVERDUE_PAYMENT),
    ("A_PENDING_UNSCHEDULED", audit::PENDING_UNSCHEDULED),
    ("A_RELEASED_HOLDING", audit::RELEASED_HOLDING),
    ("A_COMPLETED_HOLDING", audit::COMPLETED_HOLDING),
    ("A_DAMAGED_ORDER", audit::DAMAGED_ORDER),
    ("A_REPAIR", audit::REPAIR),
    ("A_ORDERS", audit::ORDERS),
    ("C_MORE", report::MORE),
    ("C_PAYMENTS_RECOVERED", report::PAYMENTS_RECOVERED),
    ("C_READ", report::READ),
    ("C_APPLIED", report::APPLIED),
    ("C_REFUND_REQUESTS", report::REFUND_REQUESTS),
    ("C_REFUNDED", report::REFUNDED),
    ("C_DUPLICATES", report::DUPLICATES),
    ("C_DEAD_LETTERED", report::DEAD_LETTERED),
    ("C_HELD", report::HELD),
    ("C_READ_ERRORS", report::READ_ERRORS),
    ("NEWEST_FIRST", direction::NEWEST_FIRST),
    ("OLDEST_FIRST", direction::OLDEST_FIRST),
];
