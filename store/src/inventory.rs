//! The product catalogue: each method is one round trip to Redis.

use domain::{Id, NewProduct, Page, PageRequest, Product, ProductPatch};
use upstash_rest::{scripts, Client, Error, Transport, Value};

use crate::rows::{self, Direction};
use crate::schema::reply;
use crate::script::{number, tagged, Script};
use crate::Keys;

pub(crate) static CREATE: Script = script!(key_locked "create_product.lua");
pub(crate) static READ: Script = script!(key_locked "read_product.lua");
pub(crate) static PATCH: Script = script!(key_locked "patch_product.lua");
pub(crate) static DELETE: Script = script!(key_locked "delete_product.lua");

pub struct Inventory<'a, T> {
    client: &'a Client<T>,
    keys: &'a Keys,
}

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
            Direction::OldestFirst,
            page,
            Some(self.keys.reserved()),
        )
        .await?;
        Ok(found.filter_map(|(id, fields)| rows::product_from(id, &fields)))
    }

    pub async fn get(&self, id: &Id) -> Result<Option<Product>, Error> {
        let keys = [self.keys.product(id.as_str()), self.keys.reserved()];
        let reply = self
            .client
            .run(scripts::eval(READ.source(), keys, [id.as_str()]))
            .await?;
        Ok(product(id, reply))
    }

    /// `false` if the id is already taken (practically never: 80 random bits).
    pub async fn create(&self, id: &Id, new: &NewProduct, created_ms: u64) -> Result<bool, Error> {
        let keys = [self.keys.product(id.as_str()), self.keys.products()];
        let mut args = vec![id.to_string(), created_ms.to_string()];
        for (field, value) in rows::new_product_fields(new) {
            args.extend([field.to_owned(), value]);
        }
        let reply = self
            .client
            .run(scripts::eval(CREATE.source(), keys, args))
            .await?;
        Ok(reply.as_int() == Some(1))
    }

    /// Refuses (changing nothing) to set the quantity on hand below what is reserved: every
    /// order placed can be delivered.
    pub async fn patch(&self, id: &Id, patch: &ProductPatch) -> Result<Patched, Error> {
        let mut args = vec![id.to_string()];
        for (field, value) in rows::patch_fields(patch) {
            args.extend([field.to_owned(), value]);
        }
        let keys = [self.keys.product(id.as_str()), self.keys.reserved()];
        let reply = self.client.run(scripts::eval(PATCH.source(), keys, args)).await?;
        let (tag, rest) = tagged(reply);
        match tag.as_deref() {
            None => Ok(Patched::NotFound),
            Some(reply::OK) => product(id, Value::Array(rest))
                .map(Patched::Done)
                .ok_or_else(|| Error::Decode("a patched product that does not read back".into())),
            Some(reply::BELOW) => Ok(Patched::BelowReserved(number(rest.first()).unwrap_or(0))),
            _ => Err(Error::Decode("patch_product answered something else".into())),
        }
    }

    /// `false` if there was no such product. Its reservations go with it (its orders are
    /// refunded).
    pub async fn delete(&self, id: &Id) -> Result<bool, Error> {
        let keys = [
            self.keys.product(id.as_str()),
            self.keys.products(),
            self.keys.reserved(),
        ];
        // Not retried after a failure that may have reached Redis: a retry would find nothing and
        // answer 404 for a delete that happened. The caller gets a 503 and may ask again.
        let delete = scripts::eval(DELETE.source(), keys, [id.as_str()]).idempotent(false);
        Ok(self.client.run(delete).await?.as_int() == Some(1))
    }
}

/// A product from its id and its fields (`product::RESERVED` merged in).
fn product(id: &Id, fields: Value) -> Option<Product> {
    rows::product_from(id.clone(), &rows::fields_of(fields)?)
}
