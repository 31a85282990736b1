//! The HTTP layer, behind a trait so the same client runs on the Workers fetch API (wasm32)
//! and on reqwest (native). Futures are not required to be `Send`: on wasm they cannot be.

use std::future::Future;

#[cfg(target_arch = "wasm32")]
mod fetch;
#[cfg(all(feature = "native", not(target_arch = "wasm32")))]
mod native;

#[cfg(target_arch = "wasm32")]
pub use fetch::FetchTransport;
#[cfg(all(feature = "native", not(target_arch = "wasm32")))]
pub use native::ReqwestTransport;

/// A `POST` with a JSON body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
    /// Give up (as possibly sent) when no answer came within this long; `None`: the transport's
    /// own limit.
    pub timeout_ms: Option<u64>,
}

/// Status, headers (names lower-case) and the raw body, whatever the status.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The request could not be completed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportError {
    pub message: String,
    /// False only when the request certainly did not reach the server (connection refused).
    pub maybe_sent: bool,
}

/// Sends requests, sleeps between retries, and tells the time (for the client's time budget).
pub trait Transport {
    fn post(&self, request: &HttpRequest) -> impl Future<Output = Result<HttpResponse, TransportError>>;
    fn sleep(&self, ms: u64) -> impl Future<Output = ()>;
    /// Milliseconds on a clock that does not go back within a request.
    fn now_ms(&self) -> u64;
}
