//! A small HTTP client for tests that drive the workers: every answer is checked to be no 500 and
//! parsed as JSON when it is JSON.

use std::future::Future;
use std::time::{Duration, Instant};

use serde_json::Value;

/// An answer: status, JSON body (Null when empty or not JSON), and the headers tests look at.
#[derive(Debug)]
pub struct Answer {
    /// The URL the request was sent to: what a relative `Link` resolves against.
    pub url: String,
    pub status: u16,
    pub body: Value,
    pub raw: String,
    pub content_type: Option<String>,
    pub allow_origin: Option<String>,
    /// The `Allow` header of a 405.
    pub allow: Option<String>,
    /// The `Link` header of a page (the next one).
    pub link: Option<String>,
    /// The `Retry-After` header of a 429.
    pub retry_after: Option<String>,
    /// Every header, names in lower case.
    pub headers: Vec<(String, String)>,
}

impl Answer {
    /// The code of the common error shape `{"error": {"code", "message"}}`.
    pub fn error_code(&self) -> &str {
        self.body["error"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("not an error body: {}", self.raw))
    }

    /// Panics (for a test) unless this answer is the error `status` with the `code` of the common
    /// error shape, naming the URL and the raw body otherwise; the answer, for further checks.
    #[track_caller]
    pub fn assert_error(&self, status: u16, code: &str) -> &Self {
        self.assert_error_for(status, code, "")
    }

    /// As `assert_error`, the failure naming `case` too (which of a loop's requests it was).
    #[track_caller]
    pub fn assert_error_for(&self, status: u16, code: &str, case: impl std::fmt::Display) -> &Self {
        let got = (self.status, self.body["error"]["code"].as_str());
        assert_eq!(got, (status, Some(code)), "{case} ({}): {}", self.url, self.raw);
        self
    }

    /// A header by name (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `body[field]` as a string (ids).
    pub fn text(&self, field: &str) -> String {
        self.body[field]
            .as_str()
            .unwrap_or_else(|| panic!("no string {field} in {}", self.raw))
            .to_owned()
    }

    /// The `id` of each item of a list (a page of products or orders), in order.
    pub fn ids(&self) -> Vec<String> {
        let items = self
            .body
            .as_array()
            .unwrap_or_else(|| panic!("not a list: {}", self.raw));
        items
            .iter()
            .map(|item| {
                let id = item["id"].as_str();
                id.unwrap_or_else(|| panic!("an item without an id in {}", self.raw))
                    .to_owned()
            })
            .collect()
    }

    /// The URL of the next page, from a `Link: <url>; rel="next"` header (`None` without one),
    /// resolved against the request's URL as RFC 8288 says (the workers send a relative one).
    pub fn next_page(&self) -> Option<String> {
        let link = self.link.as_deref()?;
        assert!(link.ends_with("; rel=\"next\""), "{link}");
        let target = link.split_once('<')?.1.split_once('>')?.0;
        let base = reqwest::Url::parse(&self.url).expect("the request's URL");
        Some(base.join(target).expect("a URL reference").to_string())
    }
}

pub struct Request {
    method: reqwest::Method,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    /// A test of what a bug or a bad setting answers (`expecting_500`).
    expect_500: bool,
}

pub fn request(method: &str, url: impl Into<String>) -> Request {
    Request {
        method: method.parse().expect("an HTTP method"),
        url: url.into(),
        headers: vec![],
        body: None,
        expect_500: false,
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

    /// For a test whose request must end in a 500 (a panic, an invalid setting): `send` then
    /// asserts that it does.
    pub fn expecting_500(mut self) -> Self {
        self.expect_500 = true;
        self
    }

    pub fn raw_body(mut self, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        self.body = Some(body.into());
        self.header("Content-Type", content_type)
    }

    /// Sends it; panics on a 500 (never acceptable) or when nothing answers.
    pub async fn send(self) -> Answer {
        let mut req = reqwest::Client::new().request(self.method, &self.url);
        for (name, value) in &self.headers {
            req = req.header(name, value);
        }
        if let Some(body) = self.body {
            req = req.body(body);
        }
        let res = req
            .send()
            .await
            .unwrap_or_else(|e| panic!("{} does not answer: {e}", self.url));
        let header = |name: &str| {
            res.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let (content_type, allow_origin) = (header("content-type"), header("access-control-allow-origin"));
        let (allow, link, retry_after) = (header("allow"), header("link"), header("retry-after"));
        let headers = res
            .headers()
            .iter()
            .filter_map(|(n, v)| Some((n.as_str().to_owned(), v.to_str().ok()?.to_owned())))
            .collect();
        let status = res.status().as_u16();
        let raw = res.text().await.unwrap_or_default();
        let body = serde_json::from_str(&raw).unwrap_or(Value::Null);
        if self.expect_500 {
            assert_eq!(status, 500, "a 500 expected: {raw}");
        } else {
            assert_ne!(status, 500, "never a 500: {raw}");
        }
        Answer {
            url: self.url,
            status,
            body,
            raw,
            content_type,
            allow_origin,
            allow,
            link,
            retry_after,
            headers,
        }
    }
}

/// How long a test waits for something to happen before it calls it a hang: generous, since a
/// loaded 2-core machine is slow and a slow machine must never fail a correct system. A wait that
/// only ends when the thing happens never waits out this; it is reached only when something is
/// broken.
pub const CEILING: Duration = Duration::from_secs(120);

/// Polls `check` every 50 ms until it gives `Some`, or panics after [`CEILING`] saying `what`.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + CEILING;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {CEILING:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
