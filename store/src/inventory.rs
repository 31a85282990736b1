//! The product catalogue: each method is one round trip to Redis. Every change of a product's on
//! hand also appends its ledger entry in the same script, and every write to its hash increments
//! its version (half of its `ETag`).

use domain::{
    Adjustment, Condition, ETag, EntryPage, EntryPageRequest, Id, LedgerEntry, NewProduct, Page, PageRequest,
    Product, ProductPatch, Quantity,
};
use upstash_rest::{scripts, streams, Client, Error, Transport, Value};

use crate::rows::{self, Index};
use crate::schema::{reply, LEDGER_KEEP, LEDGER_RETENTION_S};
use crate::script::{number, tagged, Script};
use crate::Keys;

pub(crate) static CREATE: Script = script!(key_locked "create_product.lua");
pub(crate) static READ: Script = script!(key_locked "read_product.lua");
pub(crate) static PATCH: Script = script!(key_locked "patch_product.lua");
pub(crate) static ADJUST: Script = script!(key_locked "adjust_product.lua");
pub(crate) static DELETE: Script = script!(key_locked "delete_product.lua");

/// The list name a ledger's cursors carry (`ledger.<entry id>`).
pub const LEDGER_LIST: &str = "ledger";

pub struct Inventory<'a, T> {
    client: &'a Client<T>,
    keys: &'a Keys,
}

/// What a change (a patch, an adjustment) did. Nothing changed unless it is `Done`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    /// The product after the change.
    Done(Product),
    NotFound,
    /// On hand would go below this many reserved units.
    BelowReserved(u64),
    /// On hand (this many now) would go below 0.
    BelowZero(u64),
    /// On hand (this many now) would go past `Quantity::MAX`.
    AboveMax(u64),
    /// `If-Match` named none of the product's current tags: this one.
    Stale(ETag),
}

/// Which product a change is of, the `If-Match` it must satisfy (`None`: whatever the product
/// is now), and when it is made (its ledger entry's time).
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    pub id: &'a Id,
    pub condition: Option<&'a Condition>,
    pub now_ms: u64,
}

impl<'a> Change<'a> {
    pub fn new(id: &'a Id, condition: Option<&'a Condition>, now_ms: u64) -> Self {
        Self {
            id,
            condition,
            now_ms,
        }
    }
}

/// What a deletion did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deleted {
    Done,
    NotFound,
    /// `If-Match` named none of the product's current tags: this one (nothing deleted).
    Stale(ETag),
}

impl<'a, T: Transport> Inventory<'a, T> {
    pub fn new(client: &'a Client<T>, keys: &'a Keys) -> Self {
        Self { client, keys }
    }

    /// A page of the catalogue, oldest first.
    pub async fn list(&self, page: &PageRequest) -> Result<Page<Product>, Error> {
        let found = rows::page_by_index(self.client, Index::catalogue(self.keys), page).await?;
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

    /// `false` if the id is already taken (practically never: 80 random bits). The product starts
    /// at version 1, its ledger with a `created` entry.
    pub async fn create(&self, id: &Id, new: &NewProduct, created_ms: u64) -> Result<bool, Error> {
        let keys = [
            self.keys.product(id.as_str()),
            self.keys.products(),
            self.keys.ledger(id.as_str()),
        ];
        let mut args = vec![id.to_string(), created_ms.to_string(), LEDGER_KEEP.to_string()];
        for (field, value) in rows::new_product_fields(new) {
            args.extend([field.to_owned(), value]);
        }
        let reply = self
            .client
            .run(scripts::eval(CREATE.source(), keys, args))
            .await?;
        Ok(reply.as_int() == Some(1))
    }

    /// Refuses (changing nothing) to set the quantity on hand below what is reserved, so that
    /// every order placed can be delivered; with `condition`, to change a product whose ETag it
    /// does not name. A quantity that changes on hand is a `set` entry of the ledger.
    pub async fn patch(&self, change: Change<'_>, patch: &ProductPatch) -> Result<Changed, Error> {
        let (id, condition, now_ms) = (change.id, change.condition, change.now_ms);
        let mut args = vec![id.to_string(), now_ms.to_string(), LEDGER_KEEP.to_string()];
        args.extend(condition_args(condition));
        for (field, value) in rows::patch_fields(patch) {
            args.extend([field.to_owned(), value]);
        }
        let reply = self
            .client
            .run(scripts::eval(PATCH.source(), self.change_keys(id), args))
            .await?;
        changed(id, reply, "patch_product")
    }

    /// Adds the adjustment's delta to on hand, atomically with every other change (nothing is
    /// overwritten), and records it in the ledger. Not retried after a failure that may have
    /// reached Redis (it would apply twice); with `condition`, a client's own retry is safe: the
    /// second attempt finds the product changed (412).
    pub async fn adjust(&self, change: Change<'_>, adjustment: &Adjustment) -> Result<Changed, Error> {
        let (id, condition, now_ms) = (change.id, change.condition, change.now_ms);
        let mut args = vec![
            id.to_string(),
            now_ms.to_string(),
            LEDGER_KEEP.to_string(),
            adjustment.delta.get().to_string(),
            Quantity::MAX.to_string(),
            adjustment.reason.as_str().to_owned(),
            adjustment
                .note
                .as_ref()
                .map(|n| n.as_str().to_owned())
                .unwrap_or_default(),
        ];
        args.extend(condition_args(condition));
        let adjust = scripts::eval(ADJUST.source(), self.change_keys(id), args).idempotent(false);
        let reply = self.client.run(adjust).await?;
        changed(id, reply, "adjust_product")
    }

    /// Deletes the product (its reservations go with it: its orders are refunded); with
    /// `condition`, only if its ETag is one it names. Its ledger stays for
    /// `schema::LEDGER_RETENTION_S`, its last entry `deleted`.
    pub async fn delete(&self, change: Change<'_>) -> Result<Deleted, Error> {
        let (id, condition, now_ms) = (change.id, change.condition, change.now_ms);
        let keys = [
            self.keys.product(id.as_str()),
            self.keys.products(),
            self.keys.reserved(),
            self.keys.ledger(id.as_str()),
        ];
        let mut args = vec![
            id.to_string(),
            now_ms.to_string(),
            LEDGER_KEEP.to_string(),
            LEDGER_RETENTION_S.to_string(),
        ];
        args.extend(condition_args(condition));
        // Not retried after a failure that may have reached Redis: a retry would find nothing and
        // answer 404 for a delete that happened. The caller gets a 503 and may ask again.
        let delete = scripts::eval(DELETE.source(), keys, args).idempotent(false);
        let (tag, rest) = tagged(self.client.run(delete).await?);
        match tag.as_deref() {
            Some(reply::OK) => Ok(Deleted::Done),
            None => Ok(Deleted::NotFound),
            Some(reply::STALE) => Ok(Deleted::Stale(etag_of(&rest))),
            _ => Err(Error::Decode("delete_product answered something else".into())),
        }
    }

    /// A page of the product's ledger, newest first: one `XREVRANGE` (one round trip, one
    /// command). `None` when there is no such ledger (a product that never existed, or deleted
    /// longer ago than the retention).
    pub async fn ledger(
        &self,
        id: &Id,
        page: &EntryPageRequest,
    ) -> Result<Option<EntryPage<LedgerEntry>>, Error> {
        let from = match page.after {
            // Nothing comes before the first possible id (and Redis refuses `(0-0` as a bound).
            Some(after) if after.ms == 0 && after.seq == 0 => {
                return Ok(Some(EntryPage {
                    items: vec![],
                    next: None,
                }))
            }
            Some(after) => format!("({after}"),
            None => "+".to_owned(),
        };
        let read = streams::xrevrange(
            self.keys.ledger(id.as_str()),
            from,
            "-",
            Some(u64::from(page.limit) + 1),
        );
        let mut entries = self.client.run(read).await?;
        if entries.is_empty() && page.after.is_none() {
            return Ok(None);
        }
        let more = entries.len() > page.limit as usize;
        entries.truncate(page.limit as usize);
        let next = more
            .then(|| {
                entries.last().map(|e| domain::EntryId {
                    ms: e.id.ms,
                    seq: e.id.seq,
                })
            })
            .flatten();
        Ok(Some(EntryPage {
            items: entries.iter().filter_map(rows::ledger_entry_from).collect(),
            next,
        }))
    }

    /// A change's keys: the product, the reserved units, its ledger.
    fn change_keys(&self, id: &Id) -> [String; 3] {
        [
            self.keys.product(id.as_str()),
            self.keys.reserved(),
            self.keys.ledger(id.as_str()),
        ]
    }
}

/// The condition's part of a script's ARGV (see `precondition` in `lua/shared.lua`): `''` for
/// none (`If-Match: *` is none too: a missing product is a 404 either way), else the number of
/// tags and each one's version and reserved units.
fn condition_args(condition: Option<&Condition>) -> Vec<String> {
    match condition {
        None | Some(Condition::Any) => vec![String::new()],
        Some(Condition::OneOf(tags)) => std::iter::once(tags.len().to_string())
            .chain(
                tags.iter()
                    .flat_map(|t| [t.version().to_string(), t.reserved().to_string()]),
            )
            .collect(),
    }
}

/// The `{stale, version, reserved}` reply's tag.
fn etag_of(rest: &[Value]) -> ETag {
    ETag::new(
        number(rest.first()).unwrap_or(0),
        number(rest.get(1)).unwrap_or(0),
    )
}

/// What a patch or an adjustment answered.
fn changed(id: &Id, reply: Value, script: &str) -> Result<Changed, Error> {
    let (tag, rest) = tagged(reply);
    let count = || number(rest.first()).unwrap_or(0);
    match tag.as_deref() {
        None => Ok(Changed::NotFound),
        Some(reply::OK) => product(id, Value::Array(rest.clone()))
            .map(Changed::Done)
            .ok_or_else(|| Error::Decode(format!("{script}: a changed product that does not read back"))),
        Some(reply::BELOW) => Ok(Changed::BelowReserved(count())),
        Some(reply::NEGATIVE) => Ok(Changed::BelowZero(count())),
        Some(reply::ABOVE_MAX) => Ok(Changed::AboveMax(count())),
        Some(reply::STALE) => Ok(Changed::Stale(etag_of(&rest))),
        _ => Err(Error::Decode(format!("{script} answered something else"))),
    }
}

/// A product from its id and its fields (`product::RESERVED` merged in).
fn product(id: &Id, fields: Value) -> Option<Product> {
    rows::product_from(id.clone(), &rows::fields_of(fields)?)
}
