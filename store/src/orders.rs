//! Orders: each method is one round trip to Redis.

use domain::idempotency::{self, IdempotencyKey};
use domain::{Id, Order, Page, PageRequest};
use upstash_rest::{scripts, Client, Command, Error, Transport, Value};

use crate::keys::Stream;
use crate::{rows, Keys};

const COMPLETE_PAYMENTS: &str = include_str!("lua/complete_payments.lua");
const PLACE_ORDER: &str = include_str!("lua/place_order.lua");

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
}

pub struct Orders<'a, T> {
    client: &'a Client<T>,
    keys: &'a Keys,
}

impl<'a, T: Transport> Orders<'a, T> {
    pub fn new(client: &'a Client<T>, keys: &'a Keys) -> Self {
        Self { client, keys }
    }

    /// Stores a new order, its place in the history and in the pending payments: one script.
    /// With an idempotency key, also the answer a retry gets: `answer` is what this request
    /// answers if it is the first with `key`.
    pub async fn create(&self, order: &Order, key: Option<Retryable<'_>>) -> Result<Placed, Error> {
        let id = order.id.as_str();
        let mut keys = vec![
            self.keys.order(id),
            self.keys.orders(),
            self.keys.pending_orders(),
        ];
        let (fingerprint, answer) = match &key {
            Some(k) => {
                keys.push(self.keys.idempotency(k.key.as_str()));
                (k.fingerprint.as_str(), k.answer)
            }
            None => ("", ""),
        };
        let mut args = vec![
            id.to_owned(),
            order.created_at.to_string(),
            fingerprint.to_owned(),
            answer.to_owned(),
            idempotency::TTL_SECONDS.to_string(),
        ];
        for (field, value) in order.to_hash() {
            args.extend([field.to_owned(), value]);
        }
        let reply = self
            .client
            .run(scripts::eval(PLACE_ORDER, keys, args).idempotent(true))
            .await?;
        let parts = reply.into_array().unwrap_or_default();
        match parts.first().and_then(Value::as_str) {
            Some("created") => Ok(Placed::Created),
            Some("replay") => Ok(Placed::Replay(
                parts
                    .get(1)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            )),
            Some("reused") => Ok(Placed::KeyReused),
            _ => Err(Error::Decode("place_order answered something else".into())),
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
        let rows = rows::page_by_index(
            self.client,
            self.keys.orders(),
            self.keys.order_prefix(),
            rows::Order::NewestFirst,
            page,
        )
        .await?;
        Ok(Page {
            items: rows
                .items
                .into_iter()
                .filter_map(|(id, fields)| Order::from_hash(id, &fields))
                .collect(),
            next: rows.next,
        })
    }

    /// The payment went through: marks these orders completed and adds their `order_completed`
    /// events, atomically. Returns how many were still pending.
    pub async fn complete(&self, ids: &[Id], now_ms: u64) -> Result<u64, Error> {
        let mut args = vec![self.keys.order_prefix(), now_ms.to_string(), "ids".into()];
        args.extend(ids.iter().map(ToString::to_string));
        self.run_complete(args).await
    }

    /// Completes the payments that have been pending since before `cutoff_ms`: their background
    /// task died (eviction, deploy). Up to `limit` per call.
    pub async fn complete_stale(&self, cutoff_ms: u64, limit: u32, now_ms: u64) -> Result<u64, Error> {
        self.run_complete(self.stale_args(cutoff_ms, limit, now_ms)).await
    }

    fn stale_args(&self, cutoff_ms: u64, limit: u32, now_ms: u64) -> Vec<String> {
        let (prefix, now) = (self.keys.order_prefix(), now_ms.to_string());
        vec![
            prefix,
            now,
            "older_than".into(),
            cutoff_ms.to_string(),
            limit.to_string(),
        ]
    }

    fn complete_command(&self, args: Vec<String>) -> Command {
        let keys = [
            self.keys.pending_orders(),
            self.keys.stream(Stream::OrderCompleted),
        ];
        scripts::eval(COMPLETE_PAYMENTS, keys, args).into_command()
    }

    /// The stale-payment sweep as a command, for the consumer to put in its read pipeline.
    pub fn complete_stale_command(&self, cutoff_ms: u64, limit: u32, now_ms: u64) -> Command {
        self.complete_command(self.stale_args(cutoff_ms, limit, now_ms))
    }

    async fn run_complete(&self, args: Vec<String>) -> Result<u64, Error> {
        let reply = self.client.send(&self.complete_command(args)).await?;
        Ok(reply.as_int().and_then(|n| u64::try_from(n).ok()).unwrap_or(0))
    }
}

/// An order from its id and its HGETALL reply.
fn order(id: &str, fields: Value) -> Option<Order> {
    Order::from_hash(Id::parse(id)?, &rows::fields_of(fields)?)
}
