//! consumer-cron's own behaviour, through `wrangler dev`: `/health` turns `degraded` (still 200)
//! when the consumer stops running or falls behind, and `/stats` shows how far behind.

use dev_stack::http::{eventually, request};
use dev_stack::Stack;
use store::{test_support, Keys, Stream};
use upstash_rest::Command;

#[tokio::test]
async fn health_is_degraded_when_the_consumer_stops_or_falls_behind() {
    let stack = Stack::start().unwrap();
    let consumer = stack
        .worker(
            "consumer-cron",
            &[("CONSUMER_STALE_MS", "3000"), ("CONSUMER_LAG_ALERT_MS", "60000")],
        )
        .unwrap();
    let health = || async { request("GET", format!("{}/health", consumer.url())).send().await };

    let never = health().await;
    assert_eq!(
        (never.status, never.body["status"].as_str()),
        (200, Some("degraded")),
        "{}",
        never.raw
    );
    assert!(never.body["reason"].as_str().unwrap().contains("not run yet"));

    consumer.run_scheduled().unwrap();
    let ok = eventually("a healthy consumer", || async {
        let answer = health().await;
        (answer.body["status"] == "ok").then_some(answer)
    })
    .await;
    assert_eq!(ok.body.get("reason"), None, "{}", ok.raw);

    // Stopped: no run for longer than CONSUMER_STALE_MS.
    let stale = eventually("a stale consumer", || async {
        let answer = health().await;
        (answer.body["status"] == "degraded").then_some(answer)
    })
    .await;
    assert!(
        stale.body["reason"].as_str().unwrap().contains("last ran"),
        "{}",
        stale.raw
    );

    // Behind: an event that has waited long (its id says when it was added), never delivered.
    consumer.run_scheduled().unwrap();
    let client = test_support::client(&stack.gateway);
    let stream = Keys::new("shop:").stream(Stream::OrderCompleted);
    let old = Command::new("XADD").arg(&stream).arg("1000-0").arg("pk").arg("x");
    client.send(&old).await.unwrap();
    let stats = request("GET", format!("{}/stats", consumer.url())).send().await;
    let lag = stats.body["streams"]["order_completed"]["oldest_undelivered_age_ms"]
        .as_u64()
        .unwrap();
    assert!(
        lag > 1_000_000_000,
        "the lag of an event from 1970: {}",
        stats.raw
    );
    let behind = health().await;
    assert_eq!(behind.body["status"], "degraded", "{}", behind.raw);
    assert!(
        behind.body["reason"].as_str().unwrap().contains("waited"),
        "{}",
        behind.raw
    );
}
