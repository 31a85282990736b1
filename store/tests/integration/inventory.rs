//! The catalogue against the real gateway and redis-server: behaviour, and one round trip each.

use crate::common::{assert_pages_add_up_to, start};
use dev_stack::Stack;
use domain::{Cents, Id, NewProduct, PageRequest, ProductPatch, Quantity};
use serde_json::json;
use store::{Change, Changed, Deleted, Inventory, Keys};
use upstash_rest::{Client, Command, Config};

fn product(name: &str, price: &str, quantity: u64) -> NewProduct {
    NewProduct::from_json(&json!({"name": name, "price": price, "quantity": quantity})).unwrap()
}

fn id(n: u8) -> Id {
    Id::generate(1_700_000_000_000 + u64::from(n), [n; 10])
}

/// The first page of 500: everything, in these tests.
fn all() -> PageRequest {
    PageRequest::parse(None, None, 500).unwrap()
}

/// Runs `op` and returns how many REST round trips it cost.
async fn round_trips<F: std::future::Future>(stack: &Stack, op: F) -> (F::Output, u64) {
    let (out, spent) = stack.gateway.measure(op).await;
    (out, spent.requests)
}

#[tokio::test]
async fn a_product_lives_and_dies_in_one_round_trip_per_step() {
    let (stack, client) = start();
    let keys = Keys::new("test:");
    let inventory = Inventory::new(&client, &keys);
    let widget = id(1);

    let (created, trips) = round_trips(
        &stack,
        inventory.create(&widget, &product("Widget", "20", 100), 1),
    )
    .await;
    assert!(created.unwrap());
    assert_eq!(trips, 1);

    let (read, trips) = round_trips(&stack, inventory.get(&widget)).await;
    let read = read.unwrap().expect("created product is readable");
    assert_eq!(
        (read.name.as_str(), read.price, read.quantity),
        ("Widget", Cents::new(2000), Quantity::new(100).unwrap())
    );
    assert_eq!(trips, 1);

    let patch = ProductPatch::from_json(&json!({"quantity": 97, "price": "19.99"})).unwrap();
    let (patched, trips) = round_trips(&stack, inventory.patch(Change::new(&widget, None, 2), &patch)).await;
    let Changed::Done(patched) = patched.unwrap() else {
        panic!("the product exists")
    };
    assert_eq!(
        (patched.price, patched.quantity, patched.name.as_str()),
        (Cents::new(1999), Quantity::new(97).unwrap(), "Widget")
    );
    assert_eq!(trips, 1);

    let (deleted, trips) = round_trips(&stack, inventory.delete(Change::new(&widget, None, 3))).await;
    assert_eq!(deleted.unwrap(), Deleted::Done);
    assert_eq!(trips, 1);
    assert_eq!(inventory.get(&widget).await.unwrap(), None);
    assert_eq!(
        inventory.delete(Change::new(&widget, None, 4)).await.unwrap(),
        Deleted::NotFound,
        "a second delete finds nothing"
    );
    assert_eq!(
        inventory
            .patch(Change::new(&widget, None, 5), &patch)
            .await
            .unwrap(),
        Changed::NotFound,
        "no patch resurrects it"
    );
    assert_eq!(inventory.list(&all()).await.unwrap().items, vec![]);
}

#[tokio::test]
async fn the_list_is_oldest_first_and_costs_one_round_trip_per_page_whatever_its_length() {
    let (stack, client) = start();
    let keys = Keys::new("test:");
    let inventory = Inventory::new(&client, &keys);
    for n in 1..=25u8 {
        // Three products per millisecond: pages must also split ties (ordered by id) exactly.
        let created_ms = 1_000 + u64::from(n) / 3;
        assert!(inventory
            .create(&id(n), &product(&format!("p{n}"), "1.5", n.into()), created_ms)
            .await
            .unwrap());
    }
    let (list, trips) = round_trips(&stack, inventory.list(&all())).await;
    let list = list.unwrap();
    assert_eq!(trips, 1, "the tutorial's N+1 reads are gone");
    assert_eq!(list.next, None, "one page holds them all");
    let names: Vec<&str> = list.items.iter().map(|p| p.name.as_str()).collect();
    let expected: Vec<String> = (1..=25).map(|n| format!("p{n}")).collect();
    assert_eq!(names, expected);
    assert!(list.items.iter().all(|p| p.price == Cents::new(150)));

    assert_pages_add_up_to(&list.items, &stack, 4, |page| {
        let inventory = &inventory;
        async move { inventory.list(&page).await }
    })
    .await;
}

#[tokio::test]
async fn prefixes_keep_deployments_apart_and_ids_are_never_reused() {
    let (_stack, client) = start();
    let (a, b) = (Keys::new("a:"), Keys::new("b:"));
    let (in_a, in_b) = (Inventory::new(&client, &a), Inventory::new(&client, &b));
    assert!(in_a
        .create(&id(7), &product("Only in a", "3", 1), 1)
        .await
        .unwrap());
    assert!(
        !in_a.create(&id(7), &product("Same id", "3", 1), 2).await.unwrap(),
        "an existing id is not overwritten"
    );
    assert_eq!(
        in_a.get(&id(7)).await.unwrap().unwrap().name.as_str(),
        "Only in a"
    );
    assert_eq!(in_b.get(&id(7)).await.unwrap(), None);
    assert!(in_b.list(&all()).await.unwrap().items.is_empty());
}

#[tokio::test]
async fn redis_down_is_an_error_then_the_store_recovers() {
    let mut stack = Stack::start().unwrap();
    let client = Client::native(
        Config::new(stack.gateway.url(), stack.gateway.token())
            .unwrap()
            .with_retry(upstash_rest::RetryPolicy::none()),
    )
    .unwrap();
    let keys = Keys::new("t:");
    let inventory = Inventory::new(&client, &keys);
    let ping = Command::new("PING");
    client.send(&ping).await.unwrap();
    stack.redis.stop();
    assert!(client.send(&ping).await.is_err());
    assert!(inventory.list(&all()).await.is_err());
    stack.redis.resume().unwrap();
    client.send(&ping).await.unwrap();
    assert!(inventory.list(&all()).await.unwrap().items.is_empty());
}
