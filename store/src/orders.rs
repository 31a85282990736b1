//! Orders: each method is one round trip to Redis.

use domain::idempotency::{self, IdempotencyKey};
use domain::order::MAX_TOTAL;
use domain::{FeeRate, Id, LineRequest, Order, OrderStatus, Page, PageRequest};
use upstash_rest::{scripts, Client, Command, Error, Transport, Value};

use crate::rows::{self, Index};
use crate::schema::{reply, Stream};
use crate::script::{number, tagged, Script};
use crate::Keys;

pub(crate) static PLACE_ORDER: Script = script!(key_locked "place_order.lua");
pub(crate) static CANCEL_ORDER: Script = script!(key_locked "cancel_order.lua");
pub(crate) static COMPLETE_PAYMENTS: Script = script!(key_locked "complete_payments.lua");

/// An order to place: its new id, its lines (each product once, as `domain::OrderRequest` merges
/// them), the fee rate, when it is placed and when its payment is due, and, for a request with an
/// `Idempotency-Key`, the key and the request's fingerprint.
pub struct Placement<'a> {
    pub id: &'a Id,
    pub lines: &'a [LineRequest],
    pub fee_rate: FeeRate,
    pub now_ms: u64,
    pub due_ms: u64,
    pub retry: Option<(&'a IdempotencyKey, &'a str)>,
}

/// A line that asks for more than is available.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortage {
    pub product_id: Id,
    pub available: u64,
}

/// What placing an order did. Nothing is stored unless it is `Created`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placed {
    /// Stored, every line reserved: the order as placed. Also this request's own retry (the
    /// client library sent the script again after a failure that had in fact reached Redis).
    Created(Order),
    /// A request with the same key and the same content came first: its order as placed (the
    /// caller compares its id with its own: the same id is this request's own earlier attempt).
    Replay(Order),
    /// The key was used by a request that asked for something else.
    KeyReused,
    /// These products do not exist.
    UnknownProducts(Vec<Id>),
    /// These lines ask for more than is available.
    Short(Vec<Shortage>),
    /// The total would be past `domain::order::MAX_TOTAL`.
    TooLarge,
}

/// What cancelling an order did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cancelled {
    /// The order after: cancelled, its reservations released.
    Done(Order),
    Unknown,
    /// Only a pending order can be cancelled: its status.
    NotCancellable(Option<OrderStatus>),
}

pub struct Orders<'a, T> {
    client: &'a Client<T>,
    keys: &'a Keys,
}

impl<'a, T: Transport> Orders<'a, T> {
    pub fn new(client: &'a Client<T>, keys: &'a Keys) -> Self {
        Self { client, keys }
    }

    /// Places an order of every line or of none, in one script (one round trip, however many
    /// lines): prices and names read, availability checked, every line reserved, the order, its
    /// history entry, its due payment and the idempotency key's record stored. Safe to retry: a
    /// second run for the same order id finds the order.
    pub async fn place(&self, p: &Placement<'_>) -> Result<Placed, Error> {
        let mut keys = vec![
            self.keys.order(p.id.as_str()),
            self.keys.orders(),
            self.keys.pending_orders(),
            self.keys.reserved(),
        ];
        keys.extend(p.lines.iter().map(|l| self.keys.product(l.product_id.as_str())));
        let mut args = vec![
            p.id.to_string(),
            p.now_ms.to_string(),
            p.due_ms.to_string(),
            p.fee_rate.basis_points().to_string(),
            MAX_TOTAL.cents().to_string(),
            p.retry
                .map(|(_, fingerprint)| fingerprint)
                .unwrap_or_default()
                .to_owned(),
            idempotency::TTL_SECONDS.to_string(),
            p.lines.len().to_string(),
        ];
        for line in p.lines {
            args.extend([line.product_id.to_string(), line.quantity.get().to_string()]);
        }
        if let Some((key, _)) = p.retry {
            keys.push(self.keys.idempotency(key.as_str()));
        }
        let reply = self
            .client
            .run(scripts::eval(PLACE_ORDER.source(), keys, args).idempotent(true))
            .await?;
        let (tag, rest) = tagged(reply);
        let ids = |parts: &[Value]| -> Vec<Id> {
            parts
                .iter()
                .filter_map(|v| v.as_str().and_then(Id::parse))
                .collect()
        };
        let placed = match tag.as_deref() {
            Some(reply::CREATED) => {
                rows::order_of(p.id, Value::Array(rest)).map(|o| Placed::Created(o.as_placed()))
            }
            Some(reply::REPLAY) => {
                let mut parts = rest.into_iter();
                let first = parts.next().and_then(|v| v.as_str().and_then(Id::parse));
                first
                    .and_then(|id| rows::order_of(&id, Value::Array(parts.collect())))
                    .map(|order| Placed::Replay(order.as_placed()))
            }
            Some(reply::REUSED) => Some(Placed::KeyReused),
            Some(reply::UNKNOWN) => Some(Placed::UnknownProducts(ids(&rest))),
            Some(reply::SHORT) => Some(Placed::Short(
                rest.chunks(2)
                    .filter_map(|pair| {
                        Some(Shortage {
                            product_id: pair.first()?.as_str().and_then(Id::parse)?,
                            available: number(pair.get(1))?,
                        })
                    })
                    .collect(),
            )),
            Some(reply::TOO_LARGE) => Some(Placed::TooLarge),
            _ => None,
        };
        placed.ok_or_else(|| Error::Decode("place_order answered something else".into()))
    }

    /// Cancels a pending order and releases its reservations: one script, atomic with respect to
    /// the payment's completion.
    pub async fn cancel(&self, id: &Id, now_ms: u64) -> Result<Cancelled, Error> {
        let keys = [
            self.keys.order(id.as_str()),
            self.keys.pending_orders(),
            self.keys.reserved(),
        ];
        let args = [id.to_string(), now_ms.to_string()];
        let reply = self
            .client
            .run(scripts::eval(CANCEL_ORDER.source(), keys, args))
            .await?;
        let (tag, rest) = tagged(reply);
        match tag.as_deref() {
            Some(reply::CANCELLED) => rows::order_of(id, Value::Array(rest))
                .map(Cancelled::Done)
                .ok_or_else(|| Error::Decode("a cancelled order that does not read back".into())),
            None => Ok(Cancelled::Unknown),
            Some(reply::NOT_CANCELLABLE) => Ok(Cancelled::NotCancellable(
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
        Ok(rows::order_of(id, reply))
    }

    /// A page of the history, newest first.
    pub async fn recent(&self, page: &PageRequest) -> Result<Page<Order>, Error> {
        let found = rows::page_by_index(self.client, Index::history(self.keys), page).await?;
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
        let args = std::iter::once(now_ms.to_string()).chain(ids.iter().map(ToString::to_string));
        let reply = self
            .client
            .run(scripts::eval(COMPLETE_PAYMENTS.source(), keys, args))
            .await?;
        Ok(number(Some(&reply)).unwrap_or(0))
    }
}
