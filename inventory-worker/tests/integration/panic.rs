//! A panic in a handler (the test-only fault `FAULTS=panic`, set off by a request's
//! `X-Test-Fault: panic`) answers our JSON 500 `internal_error` with the request's id, logs one
//! line with the panic's message and location under that id, and the worker serves the requests
//! after it: under `wrangler dev` here, on bare workerd in `dev-stack/tests/integration/deploy.rs`.

use crate::common::{create, request};
use dev_stack::{Stack, OPEN_ADMIN};
use serde_json::json;

#[tokio::test]
async fn a_panic_is_a_json_500_and_the_next_requests_are_served() {
    let stack = Stack::start().unwrap();
    let inventory = stack
        .worker("inventory", &[OPEN_ADMIN, ("FAULTS", "panic")])
        .unwrap();
    let log = inventory.log_path().expect("a log file").to_path_buf();
    dev_stack::checks::a_panic_is_answered_and_the_worker_recovers(&inventory.url(), &log).await;
    // And writes too, after it.
    let body = json!({"name": "after the panic", "price": 2, "quantity": 3});
    assert_eq!(create(&inventory.url(), &body).await.status, 201);
    let list = request("GET", format!("{}/products", inventory.url()))
        .send()
        .await;
    assert_eq!(list.status, 200);
}
