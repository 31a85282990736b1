//! The inventory API through real `wrangler dev` + gateway + redis-server, one stack per test
//! binary (started on first use, stopped when the binary exits, even after a failed test).

#![allow(dead_code)]

use std::sync::OnceLock;

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

pub fn api() -> &'static Api {
    api_with(&[])
}

/// An answer: status, JSON body (Null when empty), and the Content-Type and CORS headers.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub raw: String,
    pub content_type: Option<String>,
    pub allow_origin: Option<String>,
}

impl Answer {
    /// The common error shape, with its code.
    pub fn error_code(&self) -> &str {
        self.body["error"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("not an error body: {}", self.raw))
    }
}

pub struct Request {
    method: reqwest::Method,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
}

pub fn request(method: &str, url: impl Into<String>) -> Request {
    Request {
        method: method.parse().expect("method"),
        url: url.into(),
        headers: vec![],
        body: None,
    }
}

impl Request {
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn json(self, body: &Value) -> Self {
        self.raw_body("application/json", body.to_string())
    }

    pub fn raw_body(mut self, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        self.body = Some(body.into());
        self.header("Content-Type", content_type)
    }

    pub async fn send(self) -> Answer {
        let mut req = reqwest::Client::new().request(self.method, &self.url);
        for (name, value) in &self.headers {
            req = req.header(name, value);
        }
        if let Some(body) = self.body {
            req = req.body(body);
        }
        let res = req.send().await.expect("the worker answers");
        let header = |name: &str| {
            res.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let (content_type, allow_origin) = (header("content-type"), header("access-control-allow-origin"));
        let status = res.status().as_u16();
        let raw = res.text().await.expect("a body");
        let body = if raw.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&raw).unwrap_or(Value::Null)
        };
        assert_ne!(status, 500, "never a 500: {raw}");
        Answer {
            status,
            body,
            raw,
            content_type,
            allow_origin,
        }
    }
}

pub async fn create(base: &str, body: &Value) -> Answer {
    request("POST", format!("{base}/products"))
        .json(body)
        .send()
        .await
}
