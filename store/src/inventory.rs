//! The product catalogue: each method is one round trip to Redis.

use domain::{Id, NewProduct, Page, PageRequest, Product, ProductPatch};
use upstash_rest::{scripts, Client, Command, Error, Transport, Value};

use crate::schema::product;
use crate::{rows, Keys};

pub struct Inventory<'a, T> {
    client: &'a Client<T>,
    keys: &'a Keys,
}

/// Creates the product unless its id is taken (1), else 0. KEYS: the product, the index; ARGV: its
/// id, its score in the index (creation time), then its fields and values.
pub(crate) const CREATE: &str = r"#!lua flags=allow-key-locking
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return 1";

/// Sets the given fields of an existing product and returns `{'ok', all its fields...}`; nil if
/// there is none; `{'below', reserved}` (and changes nothing) if the new on-hand quantity is
/// below what placed orders have reserved. KEYS: the product, the units reserved per product;
/// ARGV: the quantity field's name, the product id, then fields and values.
pub(crate) const PATCH: &str = r"#!lua flags=allow-key-locking
if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
local reserved = tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '0') or 0
for i = 3, #ARGV, 2 do
  if ARGV[i] == ARGV[1] and tonumber(ARGV[i + 1]) < reserved then return { 'below', reserved } end
end
if #ARGV > 2 then redis.call('HSET', KEYS[1], unpack(ARGV, 3)) end
local all = redis.call('HGETALL', KEYS[1])
table.insert(all, 1, 'ok')
return all";

/// A product's fields with its reserved units added under the name ARGV[2] (nothing if none); none
/// if there is no product. KEYS: the product, the units reserved per product; ARGV: its id, the
/// name. Only reads (sent as EVAL: a flagged script under EVAL_RO needs Redis's no-writes flag).
pub(crate) const READ: &str = r"#!lua flags=allow-key-locking
local fields = redis.call('HGETALL', KEYS[1])
local reserved = #fields > 0 and redis.call('HGET', KEYS[2], ARGV[1])
if reserved then
  fields[#fields + 1] = ARGV[2]
  fields[#fields + 1] = reserved
end
return fields";

/// What a patch did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Patched {
    /// The product after the change.
    Done(Product),
    NotFound,
    /// The new quantity is below this many reserved units: nothing changed.
    BelowReserved(u64),
}

impl<'a, T: Transport> Inventory<'a, T> {
    pub fn new(client: &'a Client<T>, keys: &'a Keys) -> Self {
        Self { client, keys }
    }

    /// A page of the catalogue, oldest first.
    pub async fn list(&self, page: &PageRequest) -> Result<Page<Product>, Error> {
        let found = rows::page_by_index(
            self.client,
            self.keys.products(),
            self.keys.product_prefix(),
            rows::Order::OldestFirst,
            page,
            Some((self.keys.reserved(), product::RESERVED)),
        )
        .await?;
        Ok(found.filter_map(|(id, fields)| rows::product_from(id, &fields)))
    }

    pub async fn get(&self, id: &Id) -> Result<Option<Product>, Error> {
        let keys = [self.keys.product(id.as_str()), self.keys.reserved()];
        let args = [id.to_string(), product::RESERVED.to_owned()];
        let reply = self.client.run(scripts::eval(READ, keys, args)).await?;
        Ok(product(id.as_str(), reply))
    }

    /// `false` if the id is already taken (practically never: 80 random bits).
    pub async fn create(&self, id: &Id, new: &NewProduct, created_ms: u64) -> Result<bool, Error> {
        let keys = [self.keys.product(id.as_str()), self.keys.products()];
        let mut args = vec![id.to_string(), created_ms.to_string()];
        for (field, value) in rows::new_product_fields(new) {
            args.extend([field.to_owned(), value]);
        }
        let reply = self.client.run(scripts::eval(CREATE, keys, args)).await?;
        Ok(reply.as_int() == Some(1))
    }

    /// Refuses (changing nothing) to set the quantity on hand below what is reserved: every
    /// order placed can be delivered.
    pub async fn patch(&self, id: &Id, patch: &ProductPatch) -> Result<Patched, Error> {
        let mut args = vec![product::QUANTITY.to_owned(), id.to_string()];
        for (field, value) in rows::patch_fields(patch) {
            args.extend([field.to_owned(), value]);
        }
        let keys = [self.keys.product(id.as_str()), self.keys.reserved()];
        let reply = self.client.run(scripts::eval(PATCH, keys, args)).await?;
        let (tag, rest) = rows::tagged(reply);
        match tag.as_deref() {
            None => Ok(Patched::NotFound),
            Some("ok") => product(id.as_str(), Value::Array(rest))
                .map(Patched::Done)
                .ok_or_else(|| Error::Decode("a patched product that does not read back".into())),
            Some("below") => Ok(Patched::BelowReserved(
                rest.first().and_then(Value::as_int).unwrap_or(0).max(0) as u64,
            )),
            _ => Err(Error::Decode("patch answered something else".into())),
        }
    }

    /// `false` if there was no such product. One transaction: the hash, its index entry and its
    /// reserved count go together.
    pub async fn delete(&self, id: &Id) -> Result<bool, Error> {
        // Not retried after a failure that may have reached Redis: a retry would find nothing and
        // answer 404 for a delete that happened. The caller gets a 503 and may ask again.
        let del = Command::new("DEL")
            .arg(self.keys.product(id.as_str()))
            .idempotent(false);
        let zrem = Command::new("ZREM").arg(self.keys.products()).arg(id.as_str());
        // Its reservations go with it (its orders are refunded).
        let hdel = Command::new("HDEL").arg(self.keys.reserved()).arg(id.as_str());
        let entries = self.client.transaction([del, zrem, hdel]).await?;
        let deleted = entries
            .into_iter()
            .next()
            .and_then(|e| e.ok())
            .and_then(|v| v.as_int())
            .unwrap_or(0);
        Ok(deleted == 1)
    }
}

/// A product from its id and its HGETALL reply.
fn product(id: &str, fields: Value) -> Option<Product> {
    rows::product_from(Id::parse(id)?, &rows::fields_of(fields)?)
}
