//! Reading hashes back: one script reads a page of an index's hashes, flat arrays become field maps.

use std::collections::HashMap;

use domain::{Cursor, Id, Page, PageRequest};
use upstash_rest::{scripts, Client, Error, Transport, Value};

const PAGE_BY_INDEX: &str = include_str!("lua/page_by_index.lua");

#[derive(Clone, Copy)]
pub enum Order {
    OldestFirst,
    NewestFirst,
}

/// One page of `(id, fields)` of the hashes `{hash_prefix}{id}` for the ids of `index`, in
/// (score, id) order after `page.after`: one `EVAL`.
pub async fn page_by_index<T: Transport>(
    client: &Client<T>,
    index: String,
    hash_prefix: String,
    order: Order,
    page: &PageRequest,
) -> Result<Page<(Id, HashMap<String, String>)>, Error> {
    let order = match order {
        Order::OldestFirst => "oldest",
        Order::NewestFirst => "newest",
    };
    let (score, id) = match &page.after {
        Some(cursor) => (cursor.score.to_string(), cursor.id.to_string()),
        None => (String::new(), String::new()),
    };
    let args = [hash_prefix, order.to_owned(), page.limit.to_string(), score, id];
    let reply = client.run(scripts::eval(PAGE_BY_INDEX, [index], args)).await?;
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
