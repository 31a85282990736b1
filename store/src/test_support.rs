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
    append(client, keys.stream(stream), fields).await;
}

/// A dead letter of `stream` written by hand as the consumer writes one: the event's `fields`,
/// `reason` (one of [`crate::schema::dead_letter`]'s), five deliveries.
pub async fn dead_letter(
    client: &Client<ReqwestTransport>,
    keys: &Keys,
    stream: Stream,
    reason: &str,
    fields: &[(&str, &str)],
) {
    use crate::schema::dead_letter::{DELIVERIES, REASON, SOURCE_ID};
    let mut all = vec![(SOURCE_ID, "1-0"), (REASON, reason), (DELIVERIES, "5")];
    all.extend_from_slice(fields);
    append(client, keys.dead_letters(stream), &all).await;
}

/// XADD of `fields` to the stream at `key`, with an id Redis picks.
async fn append(client: &Client<ReqwestTransport>, key: String, fields: &[(&str, &str)]) {
    let mut cmd = Command::new("XADD").arg(key).arg("*");
    for (k, v) in fields {
        cmd = cmd.arg(*k).arg(*v);
    }
    client.send(&cmd).await.expect("XADD");
}

/// Checks that the books balance, as any test can at its end, from what Redis holds:
/// - for every product in `supplied` (its id and every unit ever put on hand: the initial stock
///   plus restocks), on hand + the units of the order lines that took its stock = `supplied`;
/// - its `reserved` = the units of the order lines holding a reservation on it, and never more
///   than on hand;
/// - no order has been pending longer than `max_pending_ms`;
/// - no refunded or cancelled order holds a reservation;
/// - its ledger explains its on hand: each entry's `quantity_after` is the previous one's plus
///   its `change`, the first (`created`) starts from 0, so the changes add up to on hand.
///
/// Returns every way they do not balance (empty: they do). One atomic snapshot (EVAL_RO of
/// `books_snapshot.lua`), so it may run while orders are placed, paid and applied. Reads every
/// order: for tests.
pub async fn books(
    client: &Client<ReqwestTransport>,
    keys: &Keys,
    supplied: &[(&domain::Id, u64)],
    now_ms: u64,
    max_pending_ms: u64,
) -> Vec<String> {
    use crate::schema::{order, stock};
    use domain::OrderStatus;
    use std::collections::HashMap;

    static SNAPSHOT: crate::script::Script = script!("books_snapshot.lua");
    let keys_of = [keys.orders(), keys.reserved()];
    let args = [keys.order_prefix(), keys.product_prefix(), keys.ledger_prefix()]
        .into_iter()
        .chain(supplied.iter().map(|(id, _)| id.to_string()));
    let snapshot = client
        .run(upstash_rest::scripts::eval_ro(SNAPSHOT.source(), keys_of, args))
        .await
        .expect("the books' snapshot");
    let mut parts = snapshot.into_array().unwrap_or_default().into_iter();
    let (orders, on_hand, reserved_hash, ledgers) = (
        parts.next().and_then(|v| v.into_array()).unwrap_or_default(),
        parts.next().and_then(|v| v.into_array()).unwrap_or_default(),
        parts.next().unwrap_or(upstash_rest::Value::Null),
        parts.next().and_then(|v| v.into_array()).unwrap_or_default(),
    );
    let reserved_now = crate::rows::fields_of(reserved_hash).unwrap_or_default();
    let mut problems = Vec::new();
    // Per product: units taken, units reserved by orders.
    let mut taken: HashMap<String, u64> = HashMap::new();
    let mut reserved: HashMap<String, u64> = HashMap::new();
    for pair in orders.chunks(2) {
        let id = pair.first().and_then(|v| v.as_str()).unwrap_or_default();
        let o = crate::rows::fields_of(pair.get(1).cloned().unwrap_or(upstash_rest::Value::Null))
            .unwrap_or_default();
        let get = |name: &str| o.get(name).map(String::as_str).unwrap_or_default();
        let status = OrderStatus::parse(get(order::STATUS));
        let lines: u64 = get(order::LINES).parse().unwrap_or(0);
        if lines == 0 {
            problems.push(format!("order {id} has no lines"));
        }
        let held = match get(order::STOCK) {
            stock::TAKEN => Some(&mut taken),
            stock::RESERVED => {
                if matches!(status, Some(OrderStatus::Refunded | OrderStatus::Cancelled)) {
                    problems.push(format!(
                        "order {id} is {} and still holds a reservation",
                        get(order::STATUS)
                    ));
                }
                Some(&mut reserved)
            }
            _ => None,
        };
        if let Some(counts) = held {
            for n in 1..=lines as usize {
                let line = |field: &str| get(&order::line_field(n, field)).to_owned();
                let units: u64 = line(order::LINE_QUANTITY).parse().unwrap_or(0);
                *counts.entry(line(order::LINE_PRODUCT_ID)).or_default() += units;
            }
        }
        let created: u64 = get(order::CREATED_AT).parse().unwrap_or(0);
        if status == Some(OrderStatus::Pending) && now_ms.saturating_sub(created) > max_pending_ms {
            problems.push(format!("order {id} has been pending {} ms", now_ms - created));
        }
    }
    for (((id, supply), on_hand), ledger) in supplied.iter().zip(&on_hand).zip(&ledgers) {
        let on_hand: u64 = on_hand.as_str().and_then(|v| v.parse().ok()).unwrap_or(0);
        problems.extend(ledger_problems(id, ledger, on_hand));
        let held: u64 = reserved_now
            .get(id.as_str())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let took = taken.get(id.as_str()).copied().unwrap_or(0);
        if on_hand + took != *supply {
            problems.push(format!(
                "product {id}: {on_hand} on hand + {took} taken != {supply} supplied"
            ));
        }
        let expected = reserved.get(id.as_str()).copied().unwrap_or(0);
        if held != expected {
            problems.push(format!(
                "product {id}: {held} reserved, but orders hold {expected}"
            ));
        }
        if held > on_hand {
            problems.push(format!("product {id}: {held} reserved > {on_hand} on hand"));
        }
    }
    problems
}

/// How the ledger `flat` (`reason, change, quantity_after` per entry, oldest first) of product `id`
/// fails to explain its `on_hand`: a break of its chain, a start other than `created` (these
/// tests never write 1,000 changes of a product, so nothing was trimmed), or an end other than
/// on hand.
fn ledger_problems(id: &domain::Id, flat: &upstash_rest::Value, on_hand: u64) -> Vec<String> {
    let parts = flat.as_array().unwrap_or_default();
    let text = |v: &upstash_rest::Value| v.as_str().unwrap_or_default().to_owned();
    let mut problems = Vec::new();
    let mut running: i64 = 0;
    for (n, entry) in parts.chunks(3).enumerate() {
        let (reason, change, after) = (text(&entry[0]), text(&entry[1]), text(&entry[2]));
        let (change, after): (i64, i64) = (
            change.parse().unwrap_or(i64::MIN),
            after.parse().unwrap_or(i64::MIN),
        );
        if n == 0 && reason != domain::LedgerReason::Created.as_str() {
            problems.push(format!(
                "product {id}: its ledger starts with {reason}, not created"
            ));
        }
        if running.checked_add(change) != Some(after) {
            problems.push(format!(
                "product {id}: ledger entry {n} ({reason}) says {after} after {running} {change:+}"
            ));
        }
        running = after;
    }
    if parts.is_empty() {
        problems.push(format!("product {id} has no ledger"));
    } else if running != on_hand as i64 {
        problems.push(format!(
            "product {id}: its ledger ends at {running}, {on_hand} on hand"
        ));
    }
    problems
}
