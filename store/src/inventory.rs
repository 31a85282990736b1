//! The product catalogue: each method is one round trip to Redis.

use domain::{Id, NewProduct, Page, PageRequest, Product, ProductPatch};
use upstash_rest::{scripts, Client, Command, Error, Transport, Value};

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

/// Sets the given fields of an existing product and returns all of them; nil if there is none.
/// KEYS: the product; ARGV: fields and values.
pub(crate) const PATCH: &str = r"#!lua flags=allow-key-locking
if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
if #ARGV > 0 then redis.call('HSET', KEYS[1], unpack(ARGV)) end
return redis.call('HGETALL', KEYS[1])";

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
        )
        .await?;
        Ok(found.filter_map(|(id, fields)| rows::product_from(id, &fields)))
    }

    pub async fn get(&self, id: &Id) -> Result<Option<Product>, Error> {
        let reply = self
            .client
            .send(&Command::new("HGETALL").arg(self.keys.product(id.as_str())))
            .await?;
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

    /// The product after the change, or `None` if there is no such product.
    pub async fn patch(&self, id: &Id, patch: &ProductPatch) -> Result<Option<Product>, Error> {
        let mut args: Vec<String> = Vec::new();
        for (field, value) in rows::patch_fields(patch) {
            args.extend([field.to_owned(), value]);
        }
        let reply = self
            .client
            .run(scripts::eval(PATCH, [self.keys.product(id.as_str())], args))
            .await?;
        Ok(product(id.as_str(), reply))
    }

    /// `false` if there was no such product. One transaction: the hash and its index entry go together.
    pub async fn delete(&self, id: &Id) -> Result<bool, Error> {
        // Not retried after a failure that may have reached Redis: a retry would find nothing and
        // answer 404 for a delete that happened. The caller gets a 503 and may ask again.
        let del = Command::new("DEL")
            .arg(self.keys.product(id.as_str()))
            .idempotent(false);
        let zrem = Command::new("ZREM").arg(self.keys.products()).arg(id.as_str());
        let entries = self.client.transaction([del, zrem]).await?;
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
