//! Stock reserved for orders as they are placed, owned by the inventory: the payment worker asks
//! for a reservation through the `INVENTORY` service binding ([`ReserveRequest`] in,
//! [`Reservation`] out), then `Orders::create` claims it in the script that stores the order.
//! A reservation is a unit count in the hash of reserved units (`available = quantity -
//! reserved`) plus a hold in the holds set until an order claims it; the consumer's run releases
//! holds left behind.

use domain::idempotency::IdempotencyKey;
use domain::{Id, Quantity};
use serde::{Deserialize, Serialize};
use upstash_rest::{scripts, Client, Error, Transport, Value};

use crate::schema::{hold, product, ScriptNames};
use crate::{rows, Keys};

pub(crate) const RESERVE: &str = script!(key_locked "reserve.lua");
pub(crate) const RELEASE_HOLD: &str = script!(key_locked "release_hold.lua");

/// The start of reserve.lua's ARGV.
const RESERVE_NAMES: ScriptNames =
    ScriptNames(&[("P_QUANTITY", product::QUANTITY), ("P_PRICE", product::PRICE)]);

/// One reservation: who holds it, of which product, how many units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hold {
    owner: String,
    product_id: Id,
    quantity: Quantity,
}

impl Hold {
    /// The reservation for one order. A request with an idempotency key holds it by the key, so
    /// that concurrent retries of one request share one reservation; without a key, by the order.
    pub fn for_order(
        order_id: &Id,
        product_id: &Id,
        quantity: Quantity,
        key: Option<&IdempotencyKey>,
    ) -> Self {
        let owner = match key {
            Some(key) => format!("key {key}"),
            None => order_id.to_string(),
        };
        Self {
            owner,
            product_id: product_id.clone(),
            quantity,
        }
    }

    /// Its member in the holds set.
    pub(crate) fn member(&self) -> String {
        hold::member(&self.owner, self.product_id.as_str(), self.quantity.0)
    }
}

/// What the payment worker sends the inventory to reserve stock for an order (JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReserveRequest {
    pub order_id: String,
    pub product_id: String,
    pub quantity: u64,
    /// The order request's `Idempotency-Key` and fingerprint, if it has a key: a retry of an
    /// order already placed answers its first answer and reserves nothing.
    #[serde(default)]
    pub idempotency_key: Option<String>,
    #[serde(default)]
    pub fingerprint: Option<String>,
}

/// A [`ReserveRequest`] read back: its hold, and the idempotency key and fingerprint if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reserve {
    pub hold: Hold,
    pub retry: Option<(IdempotencyKey, String)>,
}

impl ReserveRequest {
    pub fn new(hold_for: (&Id, &Id, Quantity), retry: Option<(&IdempotencyKey, &str)>) -> Self {
        let (order_id, product_id, quantity) = hold_for;
        Self {
            order_id: order_id.to_string(),
            product_id: product_id.to_string(),
            quantity: quantity.0,
            idempotency_key: retry.map(|(key, _)| key.to_string()),
            fingerprint: retry.map(|(_, fingerprint)| fingerprint.to_owned()),
        }
    }

    /// `None` if any part is invalid (the payment worker only sends valid ones).
    pub fn parse(&self) -> Option<Reserve> {
        let order_id = Id::parse(&self.order_id)?;
        let product_id = Id::parse(&self.product_id)?;
        let quantity = Quantity(self.quantity);
        if quantity.0 == 0 || quantity.0 > Quantity::MAX {
            return None;
        }
        let retry = match (&self.idempotency_key, &self.fingerprint) {
            (Some(key), Some(fingerprint)) => Some((IdempotencyKey::parse(key).ok()?, fingerprint.clone())),
            (None, None) => None,
            _ => return None,
        };
        let hold = Hold::for_order(&order_id, &product_id, quantity, retry.as_ref().map(|(k, _)| k));
        Some(Reserve { hold, retry })
    }
}

/// What the inventory answers a [`ReserveRequest`] (JSON, `outcome` tells which).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Reservation {
    /// Reserved at this unit price (cents); `available` is what is left.
    Reserved {
        price: u64,
        available: u64,
    },
    UnknownProduct,
    /// Not enough available: nothing reserved.
    Short {
        available: u64,
    },
    /// The idempotency key's first request was placed: its answer, and nothing reserved.
    Replay {
        answer: String,
    },
    /// The idempotency key was used for another request: nothing reserved.
    KeyReused,
}

pub struct Reservations<'a, T> {
    client: &'a Client<T>,
    keys: &'a Keys,
}

impl<'a, T: Transport> Reservations<'a, T> {
    pub fn new(client: &'a Client<T>, keys: &'a Keys) -> Self {
        Self { client, keys }
    }

    /// One round trip; safe to retry (the same hold is reserved once).
    pub async fn reserve(&self, reserve: &Reserve, now_ms: u64) -> Result<Reservation, Error> {
        let hold = &reserve.hold;
        let mut keys = vec![
            self.keys.product(hold.product_id.as_str()),
            self.keys.holds(),
            self.keys.reserved(),
        ];
        let mut args: Vec<String> = RESERVE_NAMES.args().collect();
        args.extend([
            hold.product_id.to_string(),
            hold.member(),
            hold.quantity.0.to_string(),
            now_ms.to_string(),
        ]);
        if let Some((key, fingerprint)) = &reserve.retry {
            keys.push(self.keys.idempotency(key.as_str()));
            args.push(fingerprint.clone());
        }
        let reply = self
            .client
            .run(scripts::eval(RESERVE, keys, args).idempotent(true))
            .await?;
        let (tag, rest) = rows::tagged(reply);
        let text = |i: usize| rest.get(i).and_then(Value::as_str).map(str::to_owned);
        let number = |i: usize| {
            let part = rest.get(i)?;
            part.as_int()
                .and_then(|n| u64::try_from(n).ok())
                .or_else(|| part.as_str()?.parse().ok())
        };
        let outcome = match tag.as_deref() {
            Some("reserved") => number(0)
                .zip(number(1))
                .map(|(price, available)| Reservation::Reserved { price, available }),
            Some("unknown") => Some(Reservation::UnknownProduct),
            Some("short") => number(0).map(|available| Reservation::Short { available }),
            Some("replay") => text(0).map(|answer| Reservation::Replay { answer }),
            Some("reused") => Some(Reservation::KeyReused),
            _ => None,
        };
        outcome.ok_or_else(|| Error::Decode("reserve answered something else".into()))
    }

    /// Gives a hold back now (its order was refused after the reservation). One round trip.
    pub async fn release(&self, hold: &Hold) -> Result<bool, Error> {
        let keys = [self.keys.holds(), self.keys.reserved()];
        let args = [
            hold.product_id.to_string(),
            hold.member(),
            hold.quantity.0.to_string(),
        ];
        let reply = self
            .client
            .run(scripts::eval(RELEASE_HOLD, keys, args).idempotent(true))
            .await?;
        Ok(reply.as_int() == Some(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scripts_take_the_names_in_the_order_they_are_sent() {
        RESERVE_NAMES.assert_unpacked_by(RESERVE);
    }

    #[test]
    fn a_reserve_request_reads_back_as_sent() {
        let (order, product) = (Id::generate(1, [1; 10]), Id::generate(1, [2; 10]));
        let key = IdempotencyKey::parse("checkout: 7").unwrap();
        let keyed = ReserveRequest::new((&order, &product, Quantity(3)), Some((&key, "fp")));
        let parsed = keyed.parse().unwrap();
        assert_eq!(parsed.retry, Some((key.clone(), "fp".into())));
        assert_eq!(
            parsed.hold,
            Hold::for_order(&order, &product, Quantity(3), Some(&key))
        );
        // Two orders with one key share a hold; without a key each order has its own.
        let other = Id::generate(1, [3; 10]);
        assert_eq!(
            Hold::for_order(&other, &product, Quantity(3), Some(&key)).member(),
            parsed.hold.member()
        );
        assert_ne!(
            Hold::for_order(&other, &product, Quantity(3), None).member(),
            Hold::for_order(&order, &product, Quantity(3), None).member()
        );
        let zero = ReserveRequest {
            quantity: 0,
            ..keyed.clone()
        };
        let half_key = ReserveRequest {
            fingerprint: None,
            ..keyed
        };
        assert_eq!((zero.parse(), half_key.parse()), (None, None));
    }
}
