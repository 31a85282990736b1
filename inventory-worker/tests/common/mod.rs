//! The inventory API through real `wrangler dev` + gateway + redis-server, one stack per test
//! binary (started on first use, stopped when the binary exits, even after a failed test).

#![allow(dead_code)]

use std::sync::OnceLock;

#[allow(unused_imports)] // each test binary uses its own part
pub use dev_stack::http::{request, Answer, Request};
use dev_stack::{Stack, Worker};
use serde_json::Value;

pub struct Api {
    pub stack: Stack,
    pub inventory: Worker,
}

/// The stack of this test binary; `vars` apply to its inventory worker.
pub fn api_with(vars: &'static [(&'static str, &'static str)]) -> &'static Api {
    static API: OnceLock<Api> = OnceLock::new();
    API.get_or_init(|| {
        let stack = Stack::start().expect("redis-server and the gateway start");
        let inventory = stack
            .worker("inventory", vars)
            .expect("the inventory worker starts under wrangler dev");
        Api { stack, inventory }
    })
}

/// The stack of a test binary whose inventory runs the tutorial's open shop (`ADMIN_AUTH=open`).
pub fn api() -> &'static Api {
    api_with(&[dev_stack::OPEN_ADMIN])
}

pub async fn create(base: &str, body: &Value) -> Answer {
    request("POST", format!("{base}/products"))
        .json(body)
        .send()
        .await
}
