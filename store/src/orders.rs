//! Orders: each method is one round trip to Redis.

use domain::{Id, Order, OrderStatus, Page, PageRequest};
use upstash_rest::{scripts, Client, Command, Error, Transport, Value};

use crate::schema::{event, order, ScriptNames, Stream};
use crate::{rows, Keys};

const COMPLETE_PAYMENTS: &str = include_str!("lua/complete_payments.lua");

/// The start of complete_payments.lua's ARGV.
const COMPLETE_PAYMENTS_NAMES: ScriptNames = ScriptNames(&[
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

    /// Stores a new order, its place in the history and in the pending payments: one transaction.
    pub async fn create(&self, order: &Order) -> Result<(), Error> {
        let id = order.id.as_str();
        let mut hset = Command::new("HSET").arg(self.keys.order(id));
        for (field, value) in rows::order_fields(order) {
            hset = hset.arg(field).arg(value);
        }
        let created = order.created_at.to_string();
        let history = Command::new("ZADD").arg(self.keys.orders()).arg(&created).arg(id);
        let pending = Command::new("ZADD")
            .arg(self.keys.pending_orders())
            .arg(&created)
            .arg(id);
        for entry in self.client.transaction([hset, history, pending]).await? {
            entry?;
        }
        Ok(())
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
                .filter_map(|(id, fields)| rows::order_from(id, &fields))
                .collect(),
            next: rows.next,
        })
    }

    /// The payment went through: marks these orders completed and adds their `order_completed`
    /// events, atomically. Returns how many were still pending.
    pub async fn complete(&self, ids: &[Id], now_ms: u64) -> Result<u64, Error> {
        let keys = ids.iter().map(|id| self.keys.order(id.as_str()));
        let mut args = vec!["ids".to_owned()];
        args.extend(ids.iter().map(ToString::to_string));
        self.run_complete(self.complete_command(keys, args, now_ms)).await
    }

    /// Completes the payments that have been pending since before `cutoff_ms`: their background
    /// task died (eviction, deploy). Up to `limit` per call.
    pub async fn complete_stale(&self, cutoff_ms: u64, limit: u32, now_ms: u64) -> Result<u64, Error> {
        self.run_complete(self.complete_stale_command(cutoff_ms, limit, now_ms))
            .await
    }

    /// The stale-payment sweep as a command, for the consumer to put in its read pipeline.
    pub fn complete_stale_command(&self, cutoff_ms: u64, limit: u32, now_ms: u64) -> Command {
        let args = vec![
            "older_than".to_owned(),
            cutoff_ms.to_string(),
            limit.to_string(),
            self.keys.order_prefix(),
        ];
        self.complete_command(std::iter::empty(), args, now_ms)
    }

    /// `order_keys` go after the script's two fixed KEYS, `args` after its names and `now` (see its
    /// header).
    fn complete_command(
        &self,
        order_keys: impl Iterator<Item = String>,
        args: Vec<String>,
        now_ms: u64,
    ) -> Command {
        let keys = [
            self.keys.pending_orders(),
            self.keys.stream(Stream::OrderCompleted),
        ]
        .into_iter()
        .chain(order_keys);
        let args = COMPLETE_PAYMENTS_NAMES
            .args()
            .chain([now_ms.to_string()])
            .chain(args);
        scripts::eval(COMPLETE_PAYMENTS, keys, args).into_command()
    }

    async fn run_complete(&self, command: Command) -> Result<u64, Error> {
        let reply = self.client.send(&command).await?;
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
        super::COMPLETE_PAYMENTS_NAMES.assert_unpacked_by(super::COMPLETE_PAYMENTS);
    }
}
