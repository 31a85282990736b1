//! For tests of several crates (feature `test-support`, native only): a client on a local stack,
//! and events written by hand as an operator would.

use dev_stack::Gateway;
use upstash_rest::{Client, Command, Config, ReqwestTransport};

use crate::{Keys, Stream};

/// A native Upstash client on the stack's gateway.
pub fn client(gateway: &Gateway) -> Client<ReqwestTransport> {
    Client::native(Config::new(gateway.url(), gateway.token()).expect("a config")).expect("a client")
}

/// XADD of `fields` (names from [`crate::schema::event`]) to `stream`.
pub async fn xadd(client: &Client<ReqwestTransport>, keys: &Keys, stream: Stream, fields: &[(&str, &str)]) {
    let mut cmd = Command::new("XADD").arg(keys.stream(stream)).arg("*");
    for (k, v) in fields {
        cmd = cmd.arg(*k).arg(*v);
    }
    client.send(&cmd).await.expect("XADD");
}

/// Checks that the books balance, as any test can at its end, from what Redis holds:
/// - for every product in `supplied` (its id and every unit ever put on hand: the initial stock
///   plus restocks), on hand + the units of the orders that took its stock = `supplied`;
/// - its `reserved` = the units of the orders holding a reservation on it + its unclaimed holds,
///   and never more than on hand;
/// - no order has been pending longer than `max_pending_ms`;
/// - no refunded or cancelled order holds a reservation.
///
/// Returns every way they do not balance (empty: they do). Reads every order: for tests.
pub async fn books(
    client: &Client<ReqwestTransport>,
    keys: &Keys,
    supplied: &[(&domain::Id, u64)],
    now_ms: u64,
    max_pending_ms: u64,
) -> Vec<String> {
    use crate::schema::{hold, order, product, stock};
    use domain::OrderStatus;
    use std::collections::HashMap;

    let fields = |value: upstash_rest::Value| crate::rows::fields_of(value).unwrap_or_default();
    let ids = client
        .send(&Command::new("ZRANGE").arg(keys.orders()).arg(0).arg(-1))
        .await
        .expect("the history");
    let ids: Vec<String> = ids
        .into_array()
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    let reads: Vec<Command> = ids
        .iter()
        .map(|id| Command::new("HGETALL").arg(keys.order(id)))
        .collect();
    let orders = if reads.is_empty() {
        Vec::new()
    } else {
        client.pipeline(&reads).await.expect("the orders")
    };
    let mut problems = Vec::new();
    // Per product: units taken, units reserved by orders.
    let mut taken: HashMap<String, u64> = HashMap::new();
    let mut reserved: HashMap<String, u64> = HashMap::new();
    for (id, entry) in ids.iter().zip(orders) {
        let o = fields(entry.expect("an order"));
        let get = |name: &str| o.get(name).map(String::as_str).unwrap_or_default();
        let quantity: u64 = get(order::QUANTITY).parse().unwrap_or(0);
        let product = get(order::PRODUCT_ID).to_owned();
        let status = OrderStatus::parse(get(order::STATUS));
        match get(order::STOCK) {
            stock::TAKEN => *taken.entry(product).or_default() += quantity,
            stock::RESERVED => {
                if matches!(status, Some(OrderStatus::Refunded | OrderStatus::Cancelled)) {
                    problems.push(format!(
                        "order {id} is {} and still holds a reservation",
                        get(order::STATUS)
                    ));
                }
                *reserved.entry(product).or_default() += quantity;
            }
            _ => {}
        }
        let created: u64 = get(order::CREATED_AT).parse().unwrap_or(0);
        if status == Some(OrderStatus::Pending) && now_ms.saturating_sub(created) > max_pending_ms {
            problems.push(format!("order {id} has been pending {} ms", now_ms - created));
        }
    }
    let holds = client
        .send(&Command::new("ZRANGE").arg(keys.holds()).arg(0).arg(-1))
        .await
        .expect("the holds");
    for member in holds
        .into_array()
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.as_str())
    {
        let mut parts = member.rsplitn(3, hold::SEPARATOR);
        let (Some(quantity), Some(product)) = (parts.next(), parts.next()) else {
            problems.push(format!("hold {member} does not read"));
            continue;
        };
        *reserved.entry(product.to_owned()).or_default() += quantity.parse::<u64>().unwrap_or(0);
    }
    for (id, supply) in supplied {
        let p = fields(
            client
                .send(&Command::new("HGETALL").arg(keys.product(id.as_str())))
                .await
                .expect("a product"),
        );
        let on_hand = p
            .get(product::QUANTITY)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0);
        let held = client
            .send(&Command::new("HGET").arg(keys.reserved()).arg(id.as_str()))
            .await
            .expect("a reserved count");
        let held = held.as_str().and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
        let took = taken.get(id.as_str()).copied().unwrap_or(0);
        if on_hand + took != *supply {
            problems.push(format!(
                "product {id}: {on_hand} on hand + {took} taken != {supply} supplied"
            ));
        }
        let expected = reserved.get(id.as_str()).copied().unwrap_or(0);
        if held != expected {
            problems.push(format!(
                "product {id}: {held} reserved, but orders and holds hold {expected}"
            ));
        }
        if held > on_hand {
            problems.push(format!("product {id}: {held} reserved > {on_hand} on hand"));
        }
    }
    problems
}
