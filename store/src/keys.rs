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

    /// Hash `{name, price (cents), quantity}` of one product.
    pub fn product(&self, id: &str) -> String {
        format!("{}product:{id}", self.prefix)
    }

    /// The prefix of product hashes, for scripts that build keys from ids.
    pub fn product_prefix(&self) -> String {
        format!("{}product:", self.prefix)
    }

    /// Sorted set of product ids, scored by creation time: the catalogue's order.
    pub fn products(&self) -> String {
        format!("{}products", self.prefix)
    }

    /// Hash of one order (money in cents, times in ms; `stock` records the consumer's effect).
    pub fn order(&self, id: &str) -> String {
        format!("{}order:{id}", self.prefix)
    }

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

    /// A stream of events: `order_completed` or `refund_order`.
    pub fn stream(&self, stream: Stream) -> String {
        format!("{}{}", self.prefix, stream.name())
    }

    /// Where the events of `stream` that can never apply end up.
    pub fn dead_letters(&self, stream: Stream) -> String {
        format!("{}{}:dead", self.prefix, stream.name())
    }

    /// When the consumer last ran (ms).
    pub fn consumer_last_run(&self) -> String {
        format!("{}consumer:last_run", self.prefix)
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

    pub fn name(self) -> &'static str {
        match self {
            Self::OrderCompleted => "order_completed",
            Self::RefundOrder => "refund_order",
        }
    }

    pub fn group(self) -> &'static str {
        match self {
            Self::OrderCompleted => "inventory-group",
            Self::RefundOrder => "payment-group",
        }
    }
}
