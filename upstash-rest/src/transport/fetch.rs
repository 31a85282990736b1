//! The Workers `fetch` API (wasm32 only).

use std::time::Duration;

use worker::wasm_bindgen::JsValue;
use worker::{Delay, Fetch, Headers, Method, Request, RequestInit};

use super::{HttpRequest, HttpResponse, Transport, TransportError};

/// Sends requests with the Workers runtime's `fetch`.
#[derive(Debug, Clone, Copy, Default)]
pub struct FetchTransport;

fn not_sent(e: worker::Error) -> TransportError {
    TransportError {
        message: e.to_string(),
        maybe_sent: false,
    }
}

/// fetch() does not tell a refused connection from a broken one ("Network connection lost."),
/// so its failures count as possibly sent.
fn maybe_sent(e: worker::Error) -> TransportError {
    TransportError {
        message: e.to_string(),
        maybe_sent: true,
    }
}

/// A REST call that has not answered in this long is given up (as possibly sent), unless the
/// request sets a shorter limit: a worker must answer 503, not hang, when Upstash stops
/// responding without refusing connections.
const TIMEOUT_MS: u64 = 10_000;

impl Transport for FetchTransport {
    async fn post(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let limit = request.timeout_ms.unwrap_or(TIMEOUT_MS).min(TIMEOUT_MS);
        let call = std::pin::pin!(self.call(request));
        let timeout = std::pin::pin!(Delay::from(Duration::from_millis(limit)));
        match futures_util::future::select(call, timeout).await {
            futures_util::future::Either::Left((result, _)) => result,
            futures_util::future::Either::Right(_) => Err(TransportError {
                message: format!("no answer within {limit} ms"),
                maybe_sent: true,
            }),
        }
    }

    async fn sleep(&self, ms: u64) {
        Delay::from(Duration::from_millis(ms)).await;
    }

    fn now_ms(&self) -> u64 {
        worker::Date::now().as_millis()
    }
}

impl FetchTransport {
    async fn call(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let headers = Headers::new();
        for (name, value) in &request.headers {
            headers.set(name, value).map_err(not_sent)?;
        }
        let mut init = RequestInit::new();
        init.with_method(Method::Post)
            .with_headers(headers)
            .with_body(Some(JsValue::from_str(&request.body)));
        let req = Request::new_with_init(&request.url, &init).map_err(not_sent)?;
        let mut resp = Fetch::Request(req).send().await.map_err(maybe_sent)?;
        let status = resp.status_code();
        let headers = resp
            .headers()
            .entries()
            .map(|(n, v)| (n.to_ascii_lowercase(), v))
            .collect();
        let body = resp.bytes().await.map_err(maybe_sent)?;
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }
}
