//! Orders past the client's limit: 429 `rate_limited` with `Retry-After`, and not one Redis
//! command for them. The limit is lowered to 5 a minute for this test's payment worker only (the
//! default in wrangler.toml, 1,000, is what `make dev` and every other test run with).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use dev_stack::{Stack, OPEN_ADMIN};
use serde_json::json;
use shop_tests::*;

#[tokio::test]
async fn a_burst_past_the_order_limit_is_429_and_costs_no_redis_command() {
    let stack = Stack::start().unwrap();
    let inventory = stack.worker("inventory", &[OPEN_ADMIN]).unwrap();
    let low_limit = [(
        "limit = 1000, period = 60 } # orders",
        "limit = 5, period = 60 } # orders",
    )];
    // Payments never complete here, so nothing touches Redis behind the requests' backs.
    let payment = stack
        .worker_with_config("payment", &[("FAULTS", "skip_payment_completion")], &low_limit)
        .unwrap();
    let created = request("POST", format!("{}/products", inventory.url()))
        .json(&json!({"name": "Limited", "price": 1, "quantity": 1000}))
        .send()
        .await;
    let product = created.text("id");
    let place = || {
        request("POST", format!("{}/orders", payment.url()))
            .json(&json!({"id": product, "quantity": 1}))
            .send()
    };

    // The local limiter counts in windows aligned to the clock's minutes: the ten requests below
    // take well under a second, so start them well inside one.
    let second = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() % 60;
    if second > 50 {
        tokio::time::sleep(Duration::from_secs(61 - second)).await;
    }
    let mut accepted = Vec::new();
    for _ in 0..5 {
        let answer = place().await;
        assert_eq!(answer.status, 201, "within the limit: {}", answer.raw);
        accepted.push(answer.text("id"));
    }

    let before = stack.gateway.stats().unwrap();
    for _ in 0..5 {
        let answer = place().await;
        answer.assert_error(429, "rate_limited");
        let retry_after: u64 = answer.retry_after.as_deref().unwrap_or("").parse().unwrap();
        assert!((1..=60).contains(&retry_after), "Retry-After: {retry_after}");
    }
    let spent = stack.gateway.stats().unwrap() - before;
    assert_eq!(
        (spent.requests, spent.commands),
        (0, 0),
        "refused orders cost no Redis command"
    );

    // Reads are never limited.
    let read = request("GET", format!("{}/orders/{}", payment.url(), accepted[0]))
        .send()
        .await;
    assert_eq!(read.status, 200);
}
