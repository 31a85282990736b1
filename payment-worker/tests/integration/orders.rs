//! The tutorial's stories end to end, and what a customer can get wrong.

use std::time::Duration;

use dev_stack::{Shop, ShopVars};
use serde_json::json;
use shop_tests::*;

fn shop() -> &'static Shop {
    Shop::shared(ShopVars::open().with_payment(&[FAST_PAYMENT]))
}

#[tokio::test]
async fn the_tutorial_story_order_3_at_20_then_completed_and_stock_97() {
    let shop = shop();
    let product = create_product(shop, "Tutorial widget", 20.0, 100).await;
    let placed = order(shop, &product, 3).await;
    assert_eq!(placed.status, 201, "{}", placed.raw);
    let body = &placed.body;
    assert_eq!(
        (
            &body["product_id"],
            &body["price"],
            &body["fee"],
            &body["total"],
            &body["quantity"],
            &body["status"],
            &body["refund_reason"]
        ),
        (
            &json!(product),
            &json!(20),
            &json!(4),
            &json!(72),
            &json!(3),
            &json!("pending"),
            &json!(null)
        )
    );
    assert!(
        body["created_at"].as_str().unwrap().ends_with('Z'),
        "RFC 3339 UTC"
    );

    let done = settled(shop, &placed.text("id")).await;
    assert_eq!(done["status"], "completed");
    // The nudge makes the stock follow within about a second, with no cron run.
    stock_becomes(shop, &product, 97).await;
}

#[tokio::test]
async fn the_tutorial_refund_product_deleted_before_payment() {
    let shop = shop();
    let product = create_product(shop, "Deleted soon", 20.0, 100).await;
    let placed = order(shop, &product, 1).await;
    assert_eq!(placed.status, 201);
    let deleted = request("DELETE", format!("{}/products/{product}", shop.inventory.url()))
        .send()
        .await;
    assert_eq!(deleted.status, 204);

    let id = placed.text("id");
    let refunded = eventually("the refund", || async {
        let order = get_order(shop, &id).await;
        (order["status"] == "refunded").then_some(order)
    })
    .await;
    assert_eq!(refunded["refund_reason"], "product_deleted");
    assert_eq!(stock(shop, &product).await, None, "the product stays deleted");
}

#[tokio::test]
async fn fee_and_total_in_cents() {
    let shop = shop();
    let product = create_product(shop, "Odd price", 19.99, 10).await;
    let placed = order(shop, &product, 2).await;
    // fee: 20% of 19.99 = 3.998, rounded to 4.00; total: (19.99 + 4.00) × 2 = 47.98
    assert_eq!(
        (&placed.body["price"], &placed.body["fee"], &placed.body["total"]),
        (&json!(19.99), &json!(4), &json!(47.98))
    );
}

#[tokio::test]
async fn bad_orders_are_refused_and_cost_nothing() {
    let shop = shop();
    let product = create_product(shop, "Few", 5.0, 2).await;
    let base = shop.payment.url();

    let unknown = order(shop, "01ARZ3NDEKTSV4RRFFQ69G5FAV", 1).await;
    unknown.assert_error(404, "not_found");
    assert_eq!(order(shop, "not-an-id", 1).await.status, 404);

    let too_many = order(shop, &product, 3).await;
    too_many.assert_error(409, "insufficient_stock");
    assert!(
        too_many.body["error"]["message"].as_str().unwrap().contains('2'),
        "{}",
        too_many.raw
    );

    for (body, field) in [
        (json!({"id": product, "quantity": 0}), "quantity"),
        (json!({"id": product, "quantity": 1.5}), "quantity"),
        (json!({"id": product}), "quantity"),
        (json!({"quantity": 1}), "id"),
        (json!({"id": product, "quantity": 1, "price": 0.01}), "price"),
    ] {
        let answer = request("POST", format!("{base}/orders")).json(&body).send().await;
        answer.assert_error_for(422, "validation_failed", format_args!("{body}"));
        assert_eq!(answer.body["error"]["field"], field, "{body}");
    }
    let malformed = request("POST", format!("{base}/orders"))
        .raw_body("application/json", "{")
        .send()
        .await;
    malformed.assert_error(400, "bad_json");
    let text = request("POST", format!("{base}/orders"))
        .raw_body("text/plain", "{}")
        .send()
        .await;
    assert_eq!(text.status, 415);

    let strings = request("POST", format!("{base}/orders"))
        .json(&json!({"product_id": product, "quantity": "2"}))
        .send()
        .await;
    assert_eq!(
        strings.status, 201,
        "product_id and a numeric string are accepted: {}",
        strings.raw
    );

    assert_eq!(
        request("GET", format!("{base}/orders/01ARZ3NDEKTSV4RRFFQ69G5FAV"))
            .send()
            .await
            .status,
        404
    );
    assert_eq!(
        request("DELETE", format!("{base}/orders")).send().await.status,
        405
    );
    for limit in ["0", "501", "x", "-1"] {
        let answer = request("GET", format!("{base}/orders?limit={limit}"))
            .send()
            .await;
        assert_eq!(
            (answer.status, answer.body["error"]["field"].clone()),
            (422, json!("limit")),
            "limit={limit}"
        );
    }
}

#[tokio::test]
async fn the_history_is_newest_first() {
    let shop = shop();
    let product = create_product(shop, "History", 1.0, 100).await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(order(shop, &product, 1).await.text("id"));
        tokio::time::sleep(Duration::from_millis(3)).await;
    }
    let history = request("GET", format!("{}/orders?limit=500", shop.payment.url()))
        .send()
        .await;
    let listed: Vec<String> = history.ids().into_iter().filter(|id| ids.contains(id)).collect();
    ids.reverse();
    assert_eq!(listed, ids);
    let two = request("GET", format!("{}/orders?limit=2", shop.payment.url()))
        .send()
        .await;
    assert_eq!(two.body.as_array().unwrap().len(), 2);
    // The next page, from the Link header, goes on where the first ended.
    let next = two.next_page().expect("a Link to the next page");
    let after = request("GET", next).send().await;
    assert_eq!(after.status, 200, "{}", after.raw);
    let first_page_last = two.body[1]["created_at"].as_str().unwrap().to_owned();
    for order in after.body.as_array().unwrap() {
        assert!(
            order["created_at"].as_str().unwrap() <= first_page_last.as_str(),
            "{}",
            after.raw
        );
        assert!(!two.body.as_array().unwrap().contains(order), "no order twice");
    }
}

#[tokio::test]
async fn health_and_stats() {
    let shop = shop();
    // consumer-cron reports itself degraded until it has run once.
    shop.run_consumer().await;
    for (worker, service) in [(&shop.payment, "payment"), (&shop.consumer, "consumer-cron")] {
        let health = request("GET", format!("{}/health", worker.url())).send().await;
        assert_eq!(
            health.body,
            json!({"status": "ok", "service": service, "redis": "ok"})
        );
    }
    let stats = consumer_stats(shop).await;
    for stream in ["order_completed", "refund_order"] {
        for field in ["length", "pending", "dead_letters"] {
            assert!(
                stats["streams"][stream][field].is_u64(),
                "{stream}.{field} in {stats}"
            );
        }
        for age in ["oldest_pending_age_ms", "oldest_undelivered_age_ms"] {
            let value = &stats["streams"][stream][age];
            assert!(value.is_u64() || value.is_null(), "{stream}.{age} in {stats}");
        }
    }
    assert!(
        stats["last_run"].as_str().is_some_and(|t| t.ends_with('Z')),
        "{stats}"
    );
}

#[tokio::test]
async fn the_consumer_is_not_publicly_triggerable() {
    let shop = shop();
    let base = shop.consumer.url();
    for req in [
        request("POST", format!("{base}/run")),
        request("POST", format!("{base}/run")).header("X-Internal-Token", "guess"),
    ] {
        let answer = req.send().await;
        answer.assert_error(404, "not_found");
    }
    // An internal route: not even a 405 gives it away.
    let answer = request("GET", format!("{base}/run")).send().await;
    assert_eq!(
        (answer.status, answer.error_code(), answer.allow.as_deref()),
        (404, "not_found", None),
        "{}",
        answer.raw
    );
}

/// A cursor names the list it came from: an order history's cursor does not page the catalogue,
/// nor the reverse (422 naming `cursor`), while each pages its own list.
#[tokio::test]
async fn a_cursor_pages_only_its_own_list() {
    let shop = shop();
    let product = create_product(shop, "Cursors", 1.0, 10).await;
    create_product(shop, "Cursors 2", 1.0, 10).await;
    for _ in 0..2 {
        assert_eq!(order(shop, &product, 1).await.status, 201);
    }
    let cursor_of = |next: String| next.split_once("cursor=").expect("a cursor").1.to_owned();
    let products = format!("{}/products", shop.inventory.url());
    let orders = format!("{}/orders", shop.payment.url());
    let first_products = request("GET", format!("{products}?limit=1")).send().await;
    let first_orders = request("GET", format!("{orders}?limit=1")).send().await;
    let product_cursor = cursor_of(first_products.next_page().expect("more products"));
    let order_cursor = cursor_of(first_orders.next_page().expect("more orders"));
    for (list, cursor) in [(&products, &order_cursor), (&orders, &product_cursor)] {
        let answer = request("GET", format!("{list}?limit=1&cursor={cursor}"))
            .send()
            .await;
        assert_eq!(
            (answer.status, answer.error_code(), &answer.body["error"]["field"]),
            (422, "validation_failed", &json!("cursor")),
            "{list} with {cursor}: {}",
            answer.raw
        );
    }
    for (list, cursor) in [(&products, &product_cursor), (&orders, &order_cursor)] {
        let answer = request("GET", format!("{list}?limit=1&cursor={cursor}"))
            .send()
            .await;
        assert_eq!(answer.status, 200, "{list} with {cursor}: {}", answer.raw);
    }
}
