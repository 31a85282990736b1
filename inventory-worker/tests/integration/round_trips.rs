//! Each inventory request costs at most one REST round trip to Redis (the tutorial's list cost
//! N+1 commands for N products), read from the gateway's own counters: an adjustment, a
//! conditional PATCH (current or stale), a 304 and each page of a ledger too. Its own binary, so that no
//! other test's requests land between two readings.

use crate::common::{api, create, request};
use serde_json::json;

/// Runs the request and returns (its status, the REST round trips it cost).
async fn trips(req: crate::common::Request) -> (u16, u64) {
    let (answer, spent) = api().stack.gateway.measure(req.send()).await;
    (answer.status, spent.requests)
}

#[tokio::test]
async fn every_inventory_request_is_at_most_one_round_trip() {
    let base = api().inventory.url();
    for n in 0..30 {
        assert_eq!(
            create(
                &base,
                &json!({"name": format!("p{n}"), "price": 2, "quantity": 5})
            )
            .await
            .status,
            201
        );
    }
    let id = create(&base, &json!({"name": "measured", "price": 20, "quantity": 100}))
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let product = format!("{base}/products/{id}");

    let cases = [
        (
            "list of 31 products",
            request("GET", format!("{base}/products")),
            200,
            1,
        ),
        (
            "a page of 10 after a cursor",
            request("GET", format!("{base}/products?limit=10&cursor=products.1-{id}")),
            200,
            1,
        ),
        (
            "create",
            request("POST", format!("{base}/products"))
                .json(&json!({"name": "x", "price": 1, "quantity": 1})),
            201,
            1,
        ),
        ("read", request("GET", &product), 200, 1),
        (
            "read, not modified",
            request("GET", &product).header("If-None-Match", "\"1.0\""),
            304,
            1,
        ),
        (
            "patch",
            request("PATCH", &product).json(&json!({"quantity": 97})),
            200,
            1,
        ),
        (
            "conditional patch, current",
            request("PATCH", &product)
                .header("If-Match", "\"2.0\"")
                .json(&json!({"quantity": 98})),
            200,
            1,
        ),
        (
            "conditional patch, stale",
            request("PATCH", &product)
                .header("If-Match", "\"2.0\"")
                .json(&json!({"quantity": 99})),
            412,
            1,
        ),
        (
            "adjustment",
            request("POST", format!("{product}/adjustments")).json(&json!({"delta": 3, "reason": "restock"})),
            200,
            1,
        ),
        (
            "a page of the ledger",
            request("GET", format!("{product}/ledger?limit=2")),
            200,
            1,
        ),
        (
            "malformed If-Match: refused before Redis",
            request("PATCH", &product)
                .header("If-Match", "2.0")
                .json(&json!({"quantity": 1})),
            422,
            0,
        ),
        ("delete", request("DELETE", &product), 204, 1),
        ("read of an unknown id", request("GET", &product), 404, 1),
        ("health", request("GET", format!("{base}/health")), 200, 1),
        (
            "invalid body: refused before Redis",
            request("POST", format!("{base}/products")).json(&json!({"name": ""})),
            422,
            0,
        ),
        (
            "malformed id: refused before Redis",
            request("GET", format!("{base}/products/not-an-id")),
            404,
            0,
        ),
    ];
    for (what, req, status, expected) in cases {
        assert_eq!(trips(req).await, (status, expected), "{what}");
    }
}
