//! reqwest + tokio, for servers, tests and tools (feature `native`).

use std::time::Duration;

use super::{HttpRequest, HttpResponse, Transport, TransportError};

/// Native HTTP transport. Cloning shares the connection pool.
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// A client with a 5 s connect timeout and a 30 s request timeout.
    pub fn new() -> Result<Self, TransportError> {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| TransportError {
                message: e.to_string(),
                maybe_sent: false,
            })?;
        Ok(Self { client })
    }
}

fn transport_error(e: reqwest::Error) -> TransportError {
    // Connecting failed (refused, DNS, connect timeout): nothing was sent. Anything later
    // (reset, timeout while waiting) may have reached the server. The URL is left out of the message.
    let maybe_sent = !(e.is_connect() || e.is_builder());
    let e = e.without_url();
    // reqwest's own message is generic ("error sending request"): add the causes.
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(cause) = source {
        message = format!("{message}: {cause}");
        source = cause.source();
    }
    TransportError { message, maybe_sent }
}

impl Transport for ReqwestTransport {
    async fn post(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let mut builder = self.client.post(&request.url).body(request.body.clone());
        if let Some(ms) = request.timeout_ms {
            builder = builder.timeout(Duration::from_millis(ms));
        }
        for (name, value) in &request.headers {
            builder = builder.header(*name, value);
        }
        let resp = builder.send().await.map_err(transport_error)?;
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .filter_map(|(n, v)| Some((n.as_str().to_owned(), v.to_str().ok()?.to_owned())))
            .collect();
        let body = resp.bytes().await.map_err(transport_error)?.to_vec();
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }

    async fn sleep(&self, ms: u64) {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }

    fn now_ms(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64)
    }
}
