//! Redis unreachable: 503 with the JSON shape, then the worker recovers by itself.

mod common;

use std::time::Duration;

use common::request;
use dev_stack::Stack;
use serde_json::json;

#[tokio::test]
async fn redis_down_is_503_and_the_worker_recovers() {
    // A stack of its own: this test stops redis-server.
    let mut stack = Stack::start().unwrap();
    let inventory = stack.worker("inventory", &[]).unwrap();
    let base = inventory.url();
    assert_eq!(request("GET", format!("{base}/health")).send().await.status, 200);

    stack.redis.stop();
    let health = request("GET", format!("{base}/health")).send().await;
    assert_eq!(
        (health.status, health.body["redis"].clone()),
        (503, json!("unreachable"))
    );
    let list = request("GET", format!("{base}/products")).send().await;
    assert_eq!((list.status, list.error_code()), (503, "redis_unavailable"));
    let create =
        request("POST", format!("{base}/products")).json(&json!({"name": "a", "price": 1, "quantity": 1}));
    assert_eq!(create.send().await.status, 503);

    stack.redis.resume().unwrap();
    let mut healthy = false;
    for _ in 0..50 {
        if request("GET", format!("{base}/health")).send().await.status == 200 {
            healthy = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(healthy, "the worker recovers without a restart");
    let created = request("POST", format!("{base}/products"))
        .json(&json!({"name": "after", "price": 1, "quantity": 1}));
    assert_eq!(created.send().await.status, 201);
}

#[tokio::test]
async fn gateway_gone_is_503_not_500() {
    let stack = Stack::start().unwrap();
    let inventory = stack.worker("inventory", &[]).unwrap();
    let base = inventory.url();
    let dev_stack::Stack { gateway, .. } = stack;
    drop(gateway);
    let list = request("GET", format!("{base}/products")).send().await;
    assert_eq!((list.status, list.error_code()), (503, "redis_unavailable"));
}
