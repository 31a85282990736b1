//! Rows as Redis holds them: domain values to hash fields and back (field names from
//! [`crate::schema`]), and one script that reads a page of an index's hashes.

use std::collections::HashMap;

use domain::{
    Cents, Cursor, Id, NewProduct, OrderStatus, Page, PageRequest, Product, ProductName, ProductPatch,
    Quantity, RefundReason,
};
use upstash_rest::{scripts, Client, Error, Transport, Value};

use crate::schema::{order, product};

/// The fields of a new product's hash.
pub fn new_product_fields(new: &NewProduct) -> Vec<(&'static str, String)> {
    vec![
        (product::NAME, new.name.as_str().to_owned()),
        (product::PRICE, new.price.0.to_string()),
        (product::QUANTITY, new.quantity.0.to_string()),
    ]
}

/// The fields a patch sets, in the same order.
pub fn patch_fields(patch: &ProductPatch) -> Vec<(&'static str, String)> {
    let mut fields = Vec::new();
    if let Some(name) = &patch.name {
        fields.push((product::NAME, name.as_str().to_owned()));
    }
    if let Some(price) = patch.price {
        fields.push((product::PRICE, price.0.to_string()));
    }
    if let Some(quantity) = patch.quantity {
        fields.push((product::QUANTITY, quantity.0.to_string()));
    }
    fields
}

/// A product from its hash. `None` when the hash is missing or damaged, which the caller treats as
/// "no such product".
pub fn product_from(id: Id, fields: &HashMap<String, String>) -> Option<Product> {
    let get = |name: &str| fields.get(name).map(String::as_str);
    // Stock never goes below 0 (the consumer checks it), but read defensively.
    let on_hand = get(product::QUANTITY)?.parse::<i64>().ok()?.max(0) as u64;
    let reserved = get(product::RESERVED).map_or(Some(0), |r| r.parse::<u64>().ok())?;
    Some(Product {
        id,
        name: ProductName::from_stored(get(product::NAME)?.to_owned()),
        price: Cents(get(product::PRICE)?.parse().ok()?),
        quantity: Quantity(on_hand),
        available: Quantity(on_hand.saturating_sub(reserved)),
    })
}

/// The fields of an order's hash (money in cents, times in ms); the scripts write the same names.
pub fn order_fields(o: &domain::Order) -> Vec<(&'static str, String)> {
    let mut fields = vec![
        (order::PRODUCT_ID, o.product_id.to_string()),
        (order::PRICE, o.price.0.to_string()),
        (order::FEE, o.fee.0.to_string()),
        (order::TOTAL, o.total.0.to_string()),
        (order::QUANTITY, o.quantity.0.to_string()),
        (order::STATUS, o.status.as_str().to_owned()),
        (order::CREATED_AT, o.created_at.to_string()),
        (order::UPDATED_AT, o.updated_at.to_string()),
    ];
    if let Some(reason) = o.refund_reason {
        fields.push((order::REFUND_REASON, reason.to_string()));
    }
    fields
}

/// An order from its hash; `None` if it is missing or damaged (treated as "no such order").
pub fn order_from(id: Id, fields: &HashMap<String, String>) -> Option<domain::Order> {
    let get = |name: &str| fields.get(name).map(String::as_str);
    let number = |name: &str| get(name)?.parse::<u64>().ok();
    Some(domain::Order {
        id,
        product_id: Id::parse(get(order::PRODUCT_ID)?)?,
        price: Cents(number(order::PRICE)?),
        fee: Cents(number(order::FEE)?),
        total: Cents(number(order::TOTAL)?),
        quantity: Quantity(number(order::QUANTITY)?),
        status: OrderStatus::parse(get(order::STATUS)?)?,
        refund_reason: get(order::REFUND_REASON).and_then(RefundReason::parse),
        created_at: number(order::CREATED_AT)?,
        updated_at: number(order::UPDATED_AT).unwrap_or(number(order::CREATED_AT)?),
    })
}

/// A script's `{tag, rest...}` reply: its tag (`None` for an empty or nil reply) and the rest.
pub fn tagged(reply: Value) -> (Option<String>, Vec<Value>) {
    let mut parts = reply.into_array().unwrap_or_default().into_iter();
    let tag = parts.next().and_then(|v| v.as_str().map(str::to_owned));
    (tag, parts.collect())
}

const PAGE_BY_INDEX: &str = include_str!("lua/page_by_index.lua");

#[derive(Clone, Copy)]
pub enum Order {
    OldestFirst,
    NewestFirst,
}

/// One page of `(id, fields)` of the hashes `{hash_prefix}{id}` for the ids of `index`, in
/// (score, id) order after `page.after`: one `EVAL`.
/// With `extra` (a hash and a name), each item's value in that hash is added to its fields under
/// that name.
pub async fn page_by_index<T: Transport>(
    client: &Client<T>,
    index: String,
    hash_prefix: String,
    order: Order,
    page: &PageRequest,
    extra: Option<(String, &str)>,
) -> Result<Page<(Id, HashMap<String, String>)>, Error> {
    let order = match order {
        Order::OldestFirst => "oldest",
        Order::NewestFirst => "newest",
    };
    let (score, id) = match &page.after {
        Some(cursor) => (cursor.score.to_string(), cursor.id.to_string()),
        None => (String::new(), String::new()),
    };
    let mut keys = vec![index];
    let mut args = vec![hash_prefix, order.to_owned(), page.limit.to_string(), score, id];
    if let Some((hash, name)) = extra {
        keys.push(hash);
        args.push(name.to_owned());
    }
    // Read-only: EVAL_RO (on Upstash it still takes the global lock: its ids come from the index).
    let reply = client.run(scripts::eval_ro(PAGE_BY_INDEX, keys, args)).await?;
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
    use domain::{FeeRate, Pricing};

    fn map(pairs: Vec<(&'static str, String)>) -> HashMap<String, String> {
        pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
    }

    #[test]
    fn orders_round_trip_through_their_hash() {
        let mut o = domain::Order::place(
            Id::generate(1, [1; 10]),
            Id::generate(2, [2; 10]),
            Quantity(3),
            Pricing::new(Cents(2000), Quantity(3), FeeRate::TUTORIAL),
            1_795_623_553_161,
        );
        assert_eq!(order_from(o.id.clone(), &map(order_fields(&o))), Some(o.clone()));
        o.status = OrderStatus::Refunded;
        o.refund_reason = Some(RefundReason::InsufficientStock);
        assert_eq!(order_from(o.id.clone(), &map(order_fields(&o))), Some(o.clone()));
        let mut damaged = map(order_fields(&o));
        damaged.remove(order::STATUS);
        assert_eq!(order_from(o.id.clone(), &damaged), None);
    }

    #[test]
    fn products_round_trip_through_their_hash_and_damage_reads_as_none() {
        let id = Id::generate(1, [1; 10]);
        let new =
            NewProduct::from_json(&serde_json::json!({"name": "Widget", "price": "19.99", "quantity": 3}))
                .unwrap();
        let mut fields = map(new_product_fields(&new));
        let p = product_from(id.clone(), &fields).unwrap();
        assert_eq!((p.name, p.price, p.quantity), (new.name, new.price, new.quantity));
        fields.insert(product::QUANTITY.into(), "-2".into());
        assert_eq!(
            product_from(id.clone(), &fields).map(|p| p.quantity),
            Some(Quantity(0))
        );
        fields.remove(product::QUANTITY);
        assert_eq!(product_from(id, &fields), None);
    }
}
