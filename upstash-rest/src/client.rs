//! The client: builds requests, retries per policy, tracks the sync token, decodes responses.

use std::borrow::Borrow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::transport::{HttpRequest, HttpResponse, Transport};
use crate::{response, Command, Config, Error, TypedCommand, Value};

/// Results of a pipeline or transaction: one per command, in order.
pub type Entries = Vec<Result<Value, Error>>;

/// An Upstash REST client over transport `T`. `&self` methods; share it by reference or `Arc`.
pub struct Client<T> {
    config: Config,
    transport: T,
    sync_token: Mutex<Option<String>>,
    /// HTTP requests sent (each a billed round trip), shareable with whoever reports them.
    round_trips: Arc<AtomicU64>,
}

#[cfg(all(feature = "native", not(target_arch = "wasm32")))]
impl Client<crate::ReqwestTransport> {
    /// A client over reqwest (feature `native`).
    pub fn native(config: Config) -> Result<Self, Error> {
        let transport = crate::ReqwestTransport::new().map_err(|e| Error::Transport {
            message: e.message,
            maybe_sent: false,
        })?;
        Ok(Self::new(config, transport))
    }
}

#[cfg(target_arch = "wasm32")]
impl Client<crate::FetchTransport> {
    /// A client over the Workers fetch API.
    pub fn fetch(config: Config) -> Self {
        Self::new(config, crate::FetchTransport)
    }
}

/// Within a budget, no retry starts with less than this left after its backoff: too short to see
/// an answer.
const MIN_ATTEMPT_MS: u64 = 100;

impl<T: Transport> Client<T> {
    pub fn new(config: Config, transport: T) -> Self {
        Self {
            config,
            transport,
            sync_token: Mutex::new(None),
            round_trips: Arc::default(),
        }
    }

    /// Counts this client's HTTP requests (retries included) into `counter`, e.g. one per
    /// incoming request for its log line.
    pub fn with_round_trip_counter(mut self, counter: Arc<AtomicU64>) -> Self {
        self.round_trips = counter;
        self
    }

    /// HTTP requests sent so far (into the shared counter, if one was given).
    pub fn round_trips(&self) -> u64 {
        self.round_trips.load(Ordering::Relaxed)
    }

    /// The latest `upstash-sync-token` received (read-your-writes), if any.
    pub fn sync_token(&self) -> Option<String> {
        self.sync_token.lock().map(|t| t.clone()).unwrap_or_default()
    }

    /// Runs one command (`POST /`).
    pub async fn send(&self, command: &Command) -> Result<Value, Error> {
        let run = async {
            let body = command.to_json()?.to_string();
            let resp = self.post("", body, command.is_idempotent()).await?;
            response::single(&resp)
        };
        run.await.map_err(|e| e.redact(&self.config.token))
    }

    /// Runs a typed command and decodes its reply.
    pub async fn run<O>(&self, command: TypedCommand<O>) -> Result<O, Error> {
        let reply = self.send(command.command()).await;
        command.decode(reply)
    }

    /// Runs commands in order, not atomically (`POST /pipeline`). The outer error is for the
    /// whole request; each command has its own result.
    pub async fn pipeline<C: Borrow<Command>>(
        &self,
        commands: impl IntoIterator<Item = C>,
    ) -> Result<Entries, Error> {
        self.batch("/pipeline", commands).await
    }

    /// Runs commands atomically in MULTI/EXEC (`POST /multi-exec`). A discarded transaction
    /// (EXECABORT) is the outer error; a command failing at run time is its entry's error.
    pub async fn transaction<C: Borrow<Command>>(
        &self,
        commands: impl IntoIterator<Item = C>,
    ) -> Result<Entries, Error> {
        self.batch("/multi-exec", commands).await
    }

    async fn batch<C: Borrow<Command>>(
        &self,
        path: &str,
        commands: impl IntoIterator<Item = C>,
    ) -> Result<Entries, Error> {
        let token = &self.config.token;
        let run = async {
            let commands: Vec<C> = commands.into_iter().collect();
            let idempotent = commands.iter().all(|c| c.borrow().is_idempotent());
            let body = commands
                .iter()
                .map(|c| c.borrow().to_json())
                .collect::<Result<Vec<_>, _>>()?;
            let resp = self
                .post(path, serde_json::Value::Array(body).to_string(), idempotent)
                .await?;
            response::entries(&resp, commands.len())
        };
        let entries = run.await.map_err(|e| e.redact(token))?;
        Ok(entries
            .into_iter()
            .map(|r| r.map_err(|e| e.redact(token)))
            .collect())
    }

    /// POSTs with retries: a failure that certainly did not reach the server is always retried;
    /// one that may have only for idempotent requests; an HTTP answer never. With a budget, each
    /// attempt gets what is left of it and no retry starts that could not finish.
    async fn post(&self, path: &str, body: String, idempotent: bool) -> Result<HttpResponse, Error> {
        let policy = self.config.retry;
        let deadline = self
            .config
            .budget_ms
            .map(|ms| self.transport.now_ms().saturating_add(ms));
        let left = || deadline.map(|d| d.saturating_sub(self.transport.now_ms()));
        let mut request = HttpRequest {
            url: format!("{}{path}", self.config.url),
            headers: Vec::new(),
            body,
            timeout_ms: None,
        };
        let mut attempt = 0;
        loop {
            request.headers = self.headers();
            request.timeout_ms = left().map(|ms| ms.max(1));
            self.round_trips.fetch_add(1, Ordering::Relaxed);
            let outcome = self.transport.post(&request).await;
            let retryable = outcome.as_ref().is_err_and(|e| !e.maybe_sent || idempotent);
            let in_time = left().is_none_or(|ms| ms > policy.backoff_ms(attempt) + MIN_ATTEMPT_MS);
            if retryable && attempt < policy.retries && in_time {
                self.transport.sleep(policy.backoff_ms(attempt)).await;
                attempt += 1;
                continue;
            }
            let resp = outcome.map_err(|e| Error::Transport {
                message: e.message,
                maybe_sent: e.maybe_sent,
            })?;
            self.remember_sync_token(&resp);
            return Ok(resp);
        }
    }

    fn headers(&self) -> Vec<(&'static str, String)> {
        let mut headers = vec![
            ("Authorization", format!("Bearer {}", self.config.token)),
            ("Content-Type", "application/json".to_owned()),
            ("Upstash-Encoding", "base64".to_owned()),
        ];
        if let Some(token) = self.sync_token() {
            headers.push(("upstash-sync-token", token));
        }
        headers
    }

    fn remember_sync_token(&self, resp: &HttpResponse) {
        if let Some(token) = resp.header("upstash-sync-token").filter(|t| !t.is_empty()) {
            if let Ok(mut kept) = self.sync_token.lock() {
                *kept = Some(token.to_owned());
            }
        }
    }
}

#[cfg(test)]
#[path = "client_tests.rs"]
mod tests;
