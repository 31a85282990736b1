//! The Redis schema, spelled here and nowhere else: every key, consumer group, hash field, event
//! field and marker. The Lua scripts spell none of it (they get keys in `KEYS` and names in `ARGV`,
//! see [`ScriptNames`]), `domain` knows none of it, and the tests use these same definitions.

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

    /// Sorted set of orders whose payment has not completed yet, by creation time.
    pub fn pending_orders(&self) -> String {
        format!("{}orders:pending", self.prefix)
    }

    /// What a request with an `Idempotency-Key` answered (a string: its fingerprint, a newline,
    /// the answer), for 24 h.
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

    /// Hash of units reserved per product id (fields absent: 0): placed orders' reservations not
    /// taken yet, and the holds. One hash for all products, not a field of each product, so that
    /// every script that changes a reservation (a cancellation included, which learns the product
    /// from the order) can name its key up front and lock only its keys on Upstash.
    pub fn reserved(&self) -> String {
        format!("{}reserved", self.prefix)
    }

    /// Sorted set of reservations not yet held by a stored order ([`hold`]), scored by when they
    /// were made (ms): placing an order claims its hold; the consumer's sweep releases the ones a
    /// crash left behind.
    pub fn holds(&self) -> String {
        format!("{}holds", self.prefix)
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
    /// Not a field of the hash: the product's count in [`super::Keys::reserved`], which reads
    /// merge into its fields under this name.
    pub const RESERVED: &str = "reserved";
}

/// A member of the holds set: `<owner>:<product id>:<quantity>`, so that the sweep can release
/// it without another key. The owner is the order id, or `key <Idempotency-Key>` (which may
/// contain the separator: readers split at the last two).
pub mod hold {
    pub const SEPARATOR: &str = ":";

    pub fn member(owner: &str, product_id: &str, quantity: u64) -> String {
        format!("{owner}{SEPARATOR}{product_id}{SEPARATOR}{quantity}")
    }
}

/// Fields of an order hash (money in cents, times in ms).
pub mod order {
    pub const PRODUCT_ID: &str = "product_id";
    pub const PRICE: &str = "price";
    pub const FEE: &str = "fee";
    pub const TOTAL: &str = "total";
    pub const QUANTITY: &str = "quantity";
    /// `domain::OrderStatus::as_str`.
    pub const STATUS: &str = "status";
    /// `domain::RefundReason::as_str`, once refunded.
    pub const REFUND_REASON: &str = "refund_reason";
    pub const CREATED_AT: &str = "created_at";
    pub const UPDATED_AT: &str = "updated_at";
    /// The consumer's effect on the stock, one of [`super::stock`]: recorded so that an event
    /// delivered twice changes the stock once.
    pub const STOCK: &str = "stock";
}

/// Values of an order's `stock` field (absent on orders placed before reservations existed: the
/// consumer then checks the stock itself).
pub mod stock {
    /// The order holds a reservation of its quantity on its product.
    pub const RESERVED: &str = "reserved";
    /// The consumer turned the reservation into the decrement.
    pub const TAKEN: &str = "taken";
    /// The consumer could not deliver and asked for a refund (holding nothing).
    pub const REFUND_REQUESTED: &str = "refund_requested";
    /// The order was cancelled and its reservation released.
    pub const RELEASED: &str = "released";
}

/// Fields of both streams' events: the tutorial's `order_completed` carries the order (`pk` is its
/// id, `status` is `completed`); `refund_order` the same plus `refund_reason`.
pub mod event {
    pub const ORDER_ID: &str = "pk";
    pub const PRODUCT_ID: &str = "product_id";
    pub const PRICE: &str = "price";
    pub const FEE: &str = "fee";
    pub const TOTAL: &str = "total";
    pub const QUANTITY: &str = "quantity";
    pub const STATUS: &str = "status";
    pub const REFUND_REASON: &str = "refund_reason";
}

/// Fields of the record of the consumer's last run.
pub mod last_run {
    /// When it ran (ms).
    pub const AT: &str = "at";
    /// How long it took (ms).
    pub const DURATION_MS: &str = "duration_ms";
    /// `ok`, `more_waiting` (stopped with events left for the next run) or `read_errors`.
    pub const OUTCOME: &str = "outcome";
}

/// What a dead-letter entry adds to the event's own fields, and the reasons it gives.
pub mod dead_letter {
    /// The entry's id in its stream.
    pub const SOURCE_ID: &str = "dead_source_id";
    pub const REASON: &str = "dead_reason";
    pub const DELIVERIES: &str = "dead_deliveries";

    /// The event's fields do not decode.
    pub const MALFORMED: &str = "malformed";
    /// No such order (or its key is not a hash).
    pub const UNKNOWN_ORDER: &str = "unknown_order";
    /// The order lacks its product or quantity.
    pub const DAMAGED_ORDER: &str = "damaged_order";
    /// The product's key is not a hash with a numeric quantity.
    pub const DAMAGED_PRODUCT: &str = "damaged_product";
    /// A refund for an order whose stock nobody asked to refund.
    pub const REFUND_NOT_REQUESTED: &str = "refund_not_requested";
    /// An `order_completed` event whose order is still pending (never paid).
    pub const NOT_PAID: &str = "not_paid";
}

/// The names a Lua script needs, sent first in its `ARGV` in this order: `(the script's local
/// variable, the value)`. The script takes them with one `local A, B, … = unpack(ARGV, 1, n)`,
/// which a unit test checks against this list.
pub(crate) struct ScriptNames(pub &'static [(&'static str, &'static str)]);

impl ScriptNames {
    pub fn args(&self) -> impl Iterator<Item = String> + '_ {
        self.0.iter().map(|(_, value)| (*value).to_owned())
    }

    /// Panics unless `script` unpacks exactly these names, in this order, from the start of ARGV.
    #[cfg(test)]
    pub fn assert_unpacked_by(&self, script: &str) {
        self.assert_unpacked_from(script, 1);
    }

    /// The same, for names unpacked from `ARGV[first]` on.
    #[cfg(test)]
    pub fn assert_unpacked_from(&self, script: &str, first: usize) {
        let unpack = format!("= unpack(ARGV, {first}, {})", first + self.0.len() - 1);
        let end = script
            .find(&unpack)
            .unwrap_or_else(|| panic!("no `{unpack}` in the script"));
        let start = script[..end].rfind("local ").expect("a local statement") + "local ".len();
        let locals: Vec<&str> = script[start..end].split(',').map(str::trim).collect();
        let expected: Vec<&str> = self.0.iter().map(|(local, _)| *local).collect();
        assert_eq!(locals, expected);
    }
}
