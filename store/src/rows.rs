//! Rows as Redis holds them: domain values to hash fields and back (field names from
//! [`crate::schema`]), and one script that reads a page of an index's hashes.

use std::collections::HashMap;

use domain::{
    AdjustmentReason, Cents, Cursor, ETag, Id, LedgerEntry, LedgerReason, NewProduct, Note, Order, OrderLine,
    OrderState, OrderStatus, Page, PageRequest, Product, ProductName, ProductPatch, Quantity, RefundReason,
};
use upstash_rest::{scripts, Client, Error, StreamEntry, Transport, Value};

use crate::schema::{direction, ledger, order, product};
use crate::script::Script;
use crate::Keys;

/// The fields of a new product's hash.
pub fn new_product_fields(new: &NewProduct) -> Vec<(&'static str, String)> {
    vec![
        (product::NAME, new.name.as_str().to_owned()),
        (product::PRICE, new.price.cents().to_string()),
        (product::QUANTITY, new.quantity.get().to_string()),
    ]
}

/// The fields a patch sets, in the same order.
pub fn patch_fields(patch: &ProductPatch) -> Vec<(&'static str, String)> {
    let mut fields = Vec::new();
    if let Some(name) = &patch.name {
        fields.push((product::NAME, name.as_str().to_owned()));
    }
    if let Some(price) = patch.price {
        fields.push((product::PRICE, price.cents().to_string()));
    }
    if let Some(quantity) = patch.quantity {
        fields.push((product::QUANTITY, quantity.get().to_string()));
    }
    fields
}

/// A product from its hash (its reserved units merged in as `product::RESERVED`). `None` when the
/// hash is missing or damaged, which the caller treats as "no such product".
pub fn product_from(id: Id, fields: &HashMap<String, String>) -> Option<Product> {
    let get = |name: &str| fields.get(name).map(String::as_str);
    // Stock never goes below 0 (the consumer checks it), but read defensively.
    let on_hand = Quantity::new(get(product::QUANTITY)?.parse::<i64>().ok()?.max(0) as u64)?;
    let reserved = get(product::RESERVED).map_or(Some(0), |r| r.parse::<u64>().ok())?;
    let version = get(product::VERSION)?.parse().ok()?;
    Some(Product {
        id,
        name: ProductName::from_stored(get(product::NAME)?.to_owned()),
        price: Cents::new(get(product::PRICE)?.parse().ok()?),
        quantity: on_hand,
        available: on_hand.minus(Quantity::new(reserved.min(Quantity::MAX))?),
        etag: ETag::new(version, reserved),
    })
}

/// An order from its hash; `None` if it is missing or damaged (treated as "no such order").
pub fn order_from(id: Id, fields: &HashMap<String, String>) -> Option<Order> {
    let get = |name: &str| fields.get(name).map(String::as_str);
    let number = |name: &str| get(name)?.parse::<u64>().ok();
    let count = number(order::LINES)?;
    let lines = (1..=count as usize)
        .map(|n| {
            let line = |field: &str| fields.get(&order::line_field(n, field)).map(String::as_str);
            let cents = |field: &str| Some(Cents::new(line(field)?.parse().ok()?));
            Some(OrderLine::new(
                Id::parse(line(order::LINE_PRODUCT_ID)?)?,
                ProductName::from_stored(line(order::LINE_NAME)?.to_owned()),
                Quantity::new(line(order::LINE_QUANTITY)?.parse().ok()?)?,
                cents(order::LINE_PRICE)?,
                cents(order::LINE_FEE)?,
            ))
        })
        .collect::<Option<Vec<_>>>()?;
    let created_at = number(order::CREATED_AT)?;
    let state = OrderState {
        status: OrderStatus::parse(get(order::STATUS)?)?,
        refund_reason: get(order::REFUND_REASON).and_then(RefundReason::parse),
        created_at,
        updated_at: number(order::UPDATED_AT).unwrap_or(created_at),
    };
    Order::new(id, lines, state)
}

/// A ledger entry from its stream entry; `None` if it lacks a field or a number (never written
/// so: every entry comes from `ledger_add` in `lua/shared.lua`).
pub fn ledger_entry_from(entry: &StreamEntry) -> Option<LedgerEntry> {
    let get = |name: &str| entry.get_str(name);
    let number = |name: &str| get(name)?.parse::<i64>().ok();
    Some(LedgerEntry {
        id: entry.id.to_string(),
        at: domain::time::rfc3339(get(ledger::AT)?.parse().ok()?),
        change: number(ledger::CHANGE)?,
        quantity_after: number(ledger::QUANTITY_AFTER)?,
        reason: LedgerReason::parse(get(ledger::REASON)?)?,
        adjustment_reason: get(ledger::ADJUSTMENT_REASON).and_then(AdjustmentReason::parse),
        note: get(ledger::NOTE).map(|n| Note::from_stored(n.to_owned())),
        order_id: get(ledger::ORDER_ID).map(str::to_owned),
    })
}

/// An order from its id and a flat `[field, value, …]` reply.
pub fn order_of(id: &Id, flat: Value) -> Option<Order> {
    order_from(id.clone(), &fields_of(flat)?)
}

pub(crate) static PAGE_BY_INDEX: Script = script!("page_by_index.lua");

/// Which end of an index a page starts from.
#[derive(Clone, Copy)]
pub enum Direction {
    OldestFirst,
    NewestFirst,
}

/// A sorted set of ids whose items are hashes, and how its pages are read: the prefix of the
/// items' keys, the end it starts from, and the hash of reserved units whose count each item
/// carries as `product::RESERVED` (products).
pub struct Index {
    key: String,
    hash_prefix: String,
    direction: Direction,
    reserved: Option<String>,
}

impl Index {
    /// The catalogue: products oldest first, each with its reserved units.
    pub fn catalogue(keys: &Keys) -> Self {
        Self {
            key: keys.products(),
            hash_prefix: keys.product_prefix(),
            direction: Direction::OldestFirst,
            reserved: Some(keys.reserved()),
        }
    }

    /// The history: orders newest first.
    pub fn history(keys: &Keys) -> Self {
        Self {
            key: keys.orders(),
            hash_prefix: keys.order_prefix(),
            direction: Direction::NewestFirst,
            reserved: None,
        }
    }
}

/// One page of `(id, fields)` of the index's hashes, in its order after `page.after`: one
/// `EVAL_RO`.
pub async fn page_by_index<T: Transport>(
    client: &Client<T>,
    index: Index,
    page: &PageRequest,
) -> Result<Page<(Id, HashMap<String, String>)>, Error> {
    let Index {
        key,
        hash_prefix,
        direction,
        reserved,
    } = index;
    let direction = match direction {
        Direction::OldestFirst => direction::OLDEST_FIRST,
        Direction::NewestFirst => direction::NEWEST_FIRST,
    };
    let (score, id) = match &page.after {
        Some(cursor) => (cursor.score.to_string(), cursor.id.to_string()),
        None => (String::new(), String::new()),
    };
    let keys: Vec<String> = std::iter::once(key).chain(reserved).collect();
    let args = [
        hash_prefix,
        direction.to_owned(),
        page.limit.to_string(),
        score,
        id,
    ];
    // Read-only: EVAL_RO (on Upstash it still takes the global lock: its ids come from the index).
    let reply = client
        .run(scripts::eval_ro(PAGE_BY_INDEX.source(), keys, args))
        .await?;
    let mut flat = reply.into_array().unwrap_or_default().into_iter();
    let more = flat.next().and_then(|v| v.as_int()) == Some(1);
    let mut items = Vec::new();
    let mut last = None;
    let rest: Vec<Value> = flat.collect();
    for triple in rest.chunks(3) {
        let [id, score, fields] = triple else { continue };
        let Some(id) = id.as_str().and_then(Id::parse) else {
            continue;
        };
        let Some(score) = score.as_str().and_then(|s| s.parse::<f64>().ok()) else {
            continue;
        };
        last = Some(Cursor {
            score: score as u64,
            id: id.clone(),
        });
        if let Some(fields) = fields_of(fields.clone()) {
            items.push((id, fields));
        }
    }
    Ok(Page {
        items,
        next: if more { last } else { None },
    })
}

/// A hash as a flat `[field, value, …]` array (HGETALL over REST), as a map; `None` if it is not
/// an array or is empty (no such key).
pub fn fields_of(value: Value) -> Option<HashMap<String, String>> {
    let flat = value.into_array().filter(|a| !a.is_empty())?;
    Some(
        flat.chunks(2)
            .filter_map(|kv| Some((kv.first()?.as_str()?.to_owned(), kv.get(1)?.as_str()?.to_owned())))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn orders_read_from_their_hash_and_damage_reads_as_none() {
        let id = Id::generate(1, [1; 10]);
        let product = Id::generate(2, [2; 10]).to_string();
        let line = |field: &str| order::line_field(1, field);
        let fields = [
            (order::STATUS.to_owned(), "refunded"),
            (order::REFUND_REASON.to_owned(), "product_deleted"),
            (order::CREATED_AT.to_owned(), "1795623553161"),
            (order::LINES.to_owned(), "1"),
            (line(order::LINE_PRODUCT_ID), product.as_str()),
            (line(order::LINE_NAME), "Widget"),
            (line(order::LINE_QUANTITY), "3"),
            (line(order::LINE_PRICE), "2000"),
            (line(order::LINE_FEE), "400"),
        ];
        let hash: HashMap<String, String> = fields.iter().map(|(k, v)| (k.clone(), v.to_string())).collect();
        let order = order_from(id.clone(), &hash).unwrap();
        assert_eq!(order.total(), Cents::new(7200));
        assert_eq!(order.status(), OrderStatus::Refunded);
        assert_eq!(order.refund_reason(), Some(RefundReason::ProductDeleted));
        assert_eq!(
            order.updated_at(),
            order.created_at(),
            "never updated: its creation"
        );
        for missing in [
            order::STATUS.to_owned(),
            order::LINES.to_owned(),
            line(order::LINE_FEE),
        ] {
            let mut damaged = hash.clone();
            damaged.remove(&missing);
            assert_eq!(order_from(id.clone(), &damaged), None, "{missing}");
        }
    }

    #[test]
    fn products_read_from_their_hash_and_damage_reads_as_none() {
        let id = Id::generate(1, [1; 10]);
        let new = NewProduct::from_json(&json!({"name": "Widget", "price": "19.99", "quantity": 3})).unwrap();
        let mut fields: HashMap<String, String> = new_product_fields(&new)
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        fields.insert(product::RESERVED.into(), "2".into());
        fields.insert(product::VERSION.into(), "4".into());
        let p = product_from(id.clone(), &fields).unwrap();
        assert_eq!((p.name, p.price, p.quantity), (new.name, new.price, new.quantity));
        assert_eq!((p.available.get(), p.etag), (1, ETag::new(4, 2)));
        let negative = map(&[
            (product::NAME, "x"),
            (product::PRICE, "1"),
            (product::QUANTITY, "-2"),
            (product::VERSION, "1"),
        ]);
        assert_eq!(
            product_from(id.clone(), &negative).map(|p| p.quantity.get()),
            Some(0)
        );
        fields.remove(product::QUANTITY);
        assert_eq!(product_from(id, &fields), None);
    }
}
