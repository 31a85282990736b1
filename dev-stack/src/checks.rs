//! Scenarios that tests run against more than one runtime (`wrangler dev` and bare workerd), so
//! that both are held to the same assertions.

use std::path::Path;

use serde_json::{json, Value};

use crate::http::{eventually, request};

/// The JSON lines of a worker's log that mention `needle`: the line itself, without what
/// wrangler or workerd print around it (a prefix, colours).
pub fn log_lines_with(log: &Path, needle: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    text.lines()
        .filter(|line| line.contains(needle))
        .filter_map(|line| {
            let (start, end) = (line.find('{')?, line.rfind('}')?);
            serde_json::from_str(line.get(start..=end)?).ok()
        })
        .collect()
}

/// The inventory at `base` runs with `FAULTS=panic` and its admin operations open, writing its
/// log to `log`: a request that panics in its handler answers our JSON 500 with its request id,
/// its log line says where and why under that id, and the requests after it are served (twice
/// over, so that the recovery itself recovers).
pub async fn a_panic_is_answered_and_the_worker_recovers(base: &str, log: &Path) {
    let created = request("POST", format!("{base}/products"))
        .json(&json!({"name": "Sturdy", "price": 3, "quantity": 7}))
        .send()
        .await;
    assert_eq!(created.status, 201, "{}", created.raw);
    let product = format!("{base}/products/{}", created.text("id"));
    for round in 0..2 {
        let id = format!("panic-{round}-{}", crate::random_token());
        let answer = request("GET", &product)
            .header("X-Test-Fault", "panic")
            .header("X-Request-Id", &id)
            .expecting_500()
            .send()
            .await;
        assert_eq!(answer.error_code(), "internal_error", "{}", answer.raw);
        assert!(
            !answer.raw.contains("fault injected"),
            "no panic text in the answer"
        );
        assert_eq!(answer.header("x-request-id"), Some(id.as_str()));
        assert!(answer
            .content_type
            .as_deref()
            .is_some_and(|t| t.starts_with("application/json")));

        let line = eventually("the panic's log line", || async {
            let lines = log_lines_with(log, &id);
            lines.into_iter().find(|l| l["request_id"] == id.as_str())
        })
        .await;
        assert_eq!(
            (line["status"].as_u64(), line["level"].as_str()),
            (Some(500), Some("error"))
        );
        assert_eq!(line["error_code"], "internal_error");
        assert_eq!(line["route"], "/products/:id");
        let cause = line["cause"].as_str().unwrap_or_default();
        assert!(
            cause.starts_with("panic at worker-http/src/respond.rs:") && cause.contains("fault injected"),
            "the message and location: {line}"
        );

        for _ in 0..5 {
            let read = request("GET", &product).send().await;
            assert_eq!(
                (read.status, read.body["quantity"].as_u64()),
                (200, Some(7)),
                "{}",
                read.raw
            );
        }
    }
}
