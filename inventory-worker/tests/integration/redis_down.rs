//! Redis unreachable: 503 with the JSON shape, then the worker recovers by itself.

use std::time::Duration;

use crate::common::request;
use dev_stack::http::eventually;
use dev_stack::{Stack, OPEN_ADMIN};
use serde_json::json;

/// Waits for the worker at `base` to answer its health check with 200 again.
async fn healthy_again(base: &str, what: &str) {
    eventually(what, || async {
        let health = request("GET", format!("{base}/health")).send().await;
        (health.status == 200).then_some(())
    })
    .await;
}

#[tokio::test]
async fn redis_down_is_503_and_the_worker_recovers() {
    // A stack of its own: this test stops redis-server.
    let mut stack = Stack::start().unwrap();
    let inventory = stack.worker("inventory", &[OPEN_ADMIN]).unwrap();
    let base = inventory.url();
    assert_eq!(request("GET", format!("{base}/health")).send().await.status, 200);

    stack.redis.stop();
    let health = request("GET", format!("{base}/health")).send().await;
    assert_eq!(
        (health.status, health.body["redis"].clone()),
        (503, json!("unreachable"))
    );
    let list = request("GET", format!("{base}/products")).send().await;
    list.assert_error(503, "redis_unavailable");
    let create =
        request("POST", format!("{base}/products")).json(&json!({"name": "a", "price": 1, "quantity": 1}));
    assert_eq!(create.send().await.status, 503);

    stack.redis.resume().unwrap();
    healthy_again(&base, "the worker to recover without a restart").await;
    let created = request("POST", format!("{base}/products"))
        .json(&json!({"name": "after", "price": 1, "quantity": 1}));
    assert_eq!(created.send().await.status, 201);
}

#[tokio::test]
async fn gateway_gone_is_503_not_500() {
    let stack = Stack::start().unwrap();
    let inventory = stack.worker("inventory", &[OPEN_ADMIN]).unwrap();
    let base = inventory.url();
    let dev_stack::Stack { gateway, .. } = stack;
    drop(gateway);
    let list = request("GET", format!("{base}/products")).send().await;
    list.assert_error(503, "redis_unavailable");
}

/// A Redis (or an Upstash) that hangs without refusing connections: every request is a 503
/// within `REDIS_TIMEOUT_MS`, reads and writes alike, and then the worker recovers.
async fn frozen_is_a_503_within_the_budget(freeze_gateway: bool) {
    // A stack of its own: this test freezes a part of it.
    let stack = Stack::start().unwrap();
    let inventory = stack
        .worker("inventory", &[OPEN_ADMIN, ("REDIS_TIMEOUT_MS", "1000")])
        .unwrap();
    let base = inventory.url();
    assert_eq!(request("GET", format!("{base}/health")).send().await.status, 200);

    if freeze_gateway {
        stack.gateway.freeze();
    } else {
        stack.redis.freeze();
    }
    let started = std::time::Instant::now();
    let timed = |req: crate::common::Request| async move {
        let answer = req.send().await;
        (answer, started.elapsed())
    };
    let (read, write) = tokio::join!(
        timed(request("GET", format!("{base}/products"))),
        timed(
            request("POST", format!("{base}/products"))
                .json(&json!({"name": "a", "price": 1, "quantity": 1}))
        ),
    );
    for (what, (answer, took)) in [("a read", read), ("a write", write)] {
        answer.assert_error_for(503, "redis_unavailable", format_args!("{what}"));
        // The budget is 1 s; without it, a write waited for the 10 s fetch timeout: anything
        // well under that tells them apart, also on a slow machine.
        assert!(took < Duration::from_secs(8), "{what} took {took:?}");
    }
    stack.gateway.thaw();
    stack.redis.thaw();
    healthy_again(&base, "the worker to recover when Redis answers again").await;
}

#[tokio::test]
async fn a_frozen_redis_is_a_503_within_the_time_budget() {
    frozen_is_a_503_within_the_budget(false).await;
}

#[tokio::test]
async fn a_frozen_upstash_is_a_503_within_the_time_budget() {
    frozen_is_a_503_within_the_budget(true).await;
}
