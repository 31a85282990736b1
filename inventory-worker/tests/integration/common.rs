//! The inventory API through real `wrangler dev` + gateway + redis-server, one stack per test
//! file (started on first use, stopped when the test process exits, even after a failed test).

pub use dev_stack::http::{request, Answer, Request};
use dev_stack::{per_test_file, Stack, Worker};
use serde_json::Value;

pub struct Api {
    pub stack: Stack,
    pub inventory: Worker,
}

/// The stack of the calling test file; `vars` apply to its inventory worker.
#[track_caller]
pub fn api_with(vars: &'static [(&'static str, &'static str)]) -> &'static Api {
    per_test_file(|| {
        let stack = Stack::start().expect("redis-server and the gateway start");
        let inventory = stack
            .worker("inventory", vars)
            .expect("the inventory worker starts under wrangler dev");
        Api { stack, inventory }
    })
}

/// The stack of a test file whose inventory runs the tutorial's open shop (`ADMIN_AUTH=open`).
#[track_caller]
pub fn api() -> &'static Api {
    api_with(&[dev_stack::OPEN_ADMIN])
}

pub async fn create(base: &str, body: &Value) -> Answer {
    request("POST", format!("{base}/products"))
        .json(body)
        .send()
        .await
}
