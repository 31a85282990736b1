//! Reading hashes back: one script lists an index's hashes, flat arrays become field maps.

use std::collections::HashMap;

use upstash_rest::{scripts, Client, Error, Transport, Value};

const HASHES_BY_INDEX: &str = include_str!("lua/hashes_by_index.lua");

#[derive(Clone, Copy)]
pub enum Order {
    OldestFirst,
    NewestFirst,
}

/// `(id, fields)` of the hashes `{hash_prefix}{id}` for the ids of `index`: one `EVAL`.
pub async fn by_index<T: Transport>(
    client: &Client<T>,
    index: String,
    hash_prefix: String,
    order: Order,
    limit: Option<u32>,
) -> Result<Vec<(String, HashMap<String, String>)>, Error> {
    let order = match order {
        Order::OldestFirst => "oldest",
        Order::NewestFirst => "newest",
    };
    let limit = limit.map_or_else(|| "-1".to_owned(), |n| n.to_string());
    let reply = client
        .run(scripts::eval(
            HASHES_BY_INDEX,
            [index],
            [hash_prefix, order.to_owned(), limit],
        ))
        .await?;
    Ok(reply
        .into_array()
        .unwrap_or_default()
        .chunks(2)
        .filter_map(|pair| match pair {
            [id, fields] => Some((id.as_str()?.to_owned(), fields_of(fields.clone())?)),
            _ => None,
        })
        .collect())
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
