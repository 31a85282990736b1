//! Orders: each method is one round trip to Redis.

use domain::idempotency::{self, IdempotencyKey};
use domain::{Id, Order, OrderStatus, Page, PageRequest};
use upstash_rest::{scripts, Client, Command, Error, Transport, Value};

use crate::schema::{event, order, stock, ScriptNames, Stream};
use crate::{rows, Hold, Keys};

pub(crate) const COMPLETE_PAYMENTS: &str = script!(key_locked "completion.lua", "complete_payments.lua");
pub(crate) const PLACE_ORDER: &str = script!(key_locked "place_order.lua");
pub(crate) const CANCEL_ORDER: &str = script!(key_locked "cancel_order.lua");

/// The start of place_order.lua's ARGV.
const PLACE_ORDER_NAMES: ScriptNames =
    ScriptNames(&[("O_STOCK", order::STOCK), ("RESERVED", stock::RESERVED)]);

/// The start of cancel_order.lua's ARGV.
const CANCEL_ORDER_NAMES: ScriptNames = ScriptNames(&[
    ("O_STATUS", order::STATUS),
    ("O_STOCK", order::STOCK),
    ("O_PRODUCT_ID", order::PRODUCT_ID),
    ("O_QUANTITY", order::QUANTITY),
    ("O_UPDATED_AT", order::UPDATED_AT),
    ("PENDING", OrderStatus::Pending.as_str()),
    ("CANCELLED", OrderStatus::Cancelled.as_str()),
    ("RESERVED", stock::RESERVED),
    ("RELEASED", stock::RELEASED),
]);

/// A request with an `Idempotency-Key`: the key, what the request asks (`OrderRequest::fingerprint`)
/// and its answer if it is the first.
pub struct Retryable<'a> {
    pub key: &'a IdempotencyKey,
    pub fingerprint: String,
    pub answer: &'a str,
}

/// What placing an order did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placed {
    /// Stored: this request is the first (or has no key).
    Created,
    /// A request with the same key and the same content came first: its answer.
    Replay(String),
    /// The key was used by a request that asked for something else.
    KeyReused,
    /// The hold was released before the order could claim it (the order took longer than the
    /// sweep allows): nothing was stored.
    HoldExpired,
}

/// What cancelling an order did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cancelled {
    /// The order after: cancelled, its reservation released.
    Done(Order),
    Unknown,
    /// Only a pending order can be cancelled: its status.
    NotCancellable(Option<OrderStatus>),
}

/// The start of the ARGV of the scripts that complete payments (completion.lua unpacks them).
pub(crate) const COMPLETION_NAMES: ScriptNames = ScriptNames(&[
    ("O_STATUS", order::STATUS),
    ("O_PRODUCT_ID", order::PRODUCT_ID),
    ("O_PRICE", order::PRICE),
    ("O_FEE", order::FEE),
    ("O_TOTAL", order::TOTAL),
    ("O_QUANTITY", order::QUANTITY),
    ("O_UPDATED_AT", order::UPDATED_AT),
    ("PENDING", OrderStatus::Pending.as_str()),
    ("COMPLETED", OrderStatus::Completed.as_str()),
    ("E_ORDER_ID", event::ORDER_ID),
    ("E_PRODUCT_ID", event::PRODUCT_ID),
    ("E_PRICE", event::PRICE),
    ("E_FEE", event::FEE),
    ("E_TOTAL", event::TOTAL),
    ("E_QUANTITY", event::QUANTITY),
    ("E_STATUS", event::STATUS),
]);

pub struct Orders<'a, T> {
    client: &'a Client<T>,
    keys: &'a Keys,
}

impl<'a, T: Transport> Orders<'a, T> {
    pub fn new(client: &'a Client<T>, keys: &'a Keys) -> Self {
        Self { client, keys }
    }

    /// Stores a new order, its place in the history and in the pending payments, and claims its
    /// reservation (`hold`): one script. With an idempotency key, also the answer a retry gets:
    /// `answer` is what this request answers if it is the first with `key`. Without a hold the
    /// order holds no stock, as orders placed before reservations existed (the consumer then
    /// checks the stock itself); the payment worker always reserves first.
    pub async fn create(
        &self,
        order: &Order,
        hold: Option<&Hold>,
        key: Option<Retryable<'_>>,
    ) -> Result<Placed, Error> {
        let id = order.id.as_str();
        let mut keys = vec![
            self.keys.order(id),
            self.keys.orders(),
            self.keys.pending_orders(),
            self.keys.holds(),
            self.keys.reserved(),
        ];
        let (fingerprint, answer) = match &key {
            Some(k) => {
                keys.push(self.keys.idempotency(k.key.as_str()));
                (k.fingerprint.as_str(), k.answer)
            }
            None => ("", ""),
        };
        let mut args: Vec<String> = PLACE_ORDER_NAMES.args().collect();
        args.extend([
            id.to_owned(),
            order.created_at.to_string(),
            fingerprint.to_owned(),
            answer.to_owned(),
            idempotency::TTL_SECONDS.to_string(),
            hold.map(Hold::member).unwrap_or_default(),
            order.product_id.to_string(),
            order.quantity.0.to_string(),
        ]);
        for (field, value) in rows::order_fields(order) {
            args.extend([field.to_owned(), value]);
        }
        let reply = self
            .client
            .run(scripts::eval(PLACE_ORDER, keys, args).idempotent(true))
            .await?;
        let (tag, rest) = rows::tagged(reply);
        match tag.as_deref() {
            Some("created") => Ok(Placed::Created),
            Some("replay") => Ok(Placed::Replay(
                rest.first()
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            )),
            Some("reused") => Ok(Placed::KeyReused),
            Some("expired") => Ok(Placed::HoldExpired),
            _ => Err(Error::Decode("place_order answered something else".into())),
        }
    }

    /// Cancels a pending order and releases its reservation: one script, atomic with respect to
    /// the payment's completion.
    pub async fn cancel(&self, id: &Id, now_ms: u64) -> Result<Cancelled, Error> {
        let keys = [
            self.keys.order(id.as_str()),
            self.keys.pending_orders(),
            self.keys.reserved(),
        ];
        let args = CANCEL_ORDER_NAMES
            .args()
            .chain([id.to_string(), now_ms.to_string()]);
        let reply = self.client.run(scripts::eval(CANCEL_ORDER, keys, args)).await?;
        let (tag, rest) = rows::tagged(reply);
        match tag.as_deref() {
            Some("cancelled") => order(id.as_str(), Value::Array(rest))
                .map(Cancelled::Done)
                .ok_or_else(|| Error::Decode("a cancelled order that does not read back".into())),
            Some("unknown") => Ok(Cancelled::Unknown),
            Some("not_cancellable") => Ok(Cancelled::NotCancellable(
                rest.first().and_then(Value::as_str).and_then(OrderStatus::parse),
            )),
            _ => Err(Error::Decode("cancel_order answered something else".into())),
        }
    }

    pub async fn get(&self, id: &Id) -> Result<Option<Order>, Error> {
        let reply = self
            .client
            .send(&Command::new("HGETALL").arg(self.keys.order(id.as_str())))
            .await?;
        Ok(order(id.as_str(), reply))
    }

    /// A page of the history, newest first.
    pub async fn recent(&self, page: &PageRequest) -> Result<Page<Order>, Error> {
        let found = rows::page_by_index(
            self.client,
            self.keys.orders(),
            self.keys.order_prefix(),
            rows::Order::NewestFirst,
            page,
            None,
        )
        .await?;
        Ok(found.filter_map(|(id, fields)| rows::order_from(id, &fields)))
    }

    /// The payment went through: marks these orders completed and adds their `order_completed`
    /// events, atomically. Returns how many were still pending. Every key is in KEYS: on Upstash
    /// it locks only these orders.
    pub async fn complete(&self, ids: &[Id], now_ms: u64) -> Result<u64, Error> {
        let keys = [
            self.keys.pending_orders(),
            self.keys.stream(Stream::OrderCompleted),
        ]
        .into_iter()
        .chain(ids.iter().map(|id| self.keys.order(id.as_str())));
        let args = COMPLETION_NAMES
            .args()
            .chain([now_ms.to_string()])
            .chain(ids.iter().map(ToString::to_string));
        let reply = self
            .client
            .run(scripts::eval(COMPLETE_PAYMENTS, keys, args))
            .await?;
        Ok(reply.as_int().and_then(|n| u64::try_from(n).ok()).unwrap_or(0))
    }
}

/// An order from its id and its HGETALL reply.
fn order(id: &str, fields: Value) -> Option<Order> {
    rows::order_from(Id::parse(id)?, &rows::fields_of(fields)?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_script_takes_the_names_in_the_order_they_are_sent() {
        super::COMPLETION_NAMES.assert_unpacked_by(super::COMPLETE_PAYMENTS);
        super::PLACE_ORDER_NAMES.assert_unpacked_by(super::PLACE_ORDER);
        super::CANCEL_ORDER_NAMES.assert_unpacked_by(super::CANCEL_ORDER);
    }
}
