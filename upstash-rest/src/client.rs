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
/// Retry policy, headers and batching, with a scripted fake transport that counts attempts.
mod tests {

    use std::cell::{Cell, RefCell};
    use std::collections::VecDeque;

    use super::*;
    use crate::test_support::http;
    use crate::transport::TransportError;
    use crate::{scripts, RetryPolicy};

    type Outcome = Result<HttpResponse, TransportError>;

    #[derive(Default)]
    struct FakeTransport {
        outcomes: RefCell<VecDeque<Outcome>>,
        requests: RefCell<Vec<HttpRequest>>,
        sleeps: RefCell<Vec<u64>>,
        /// A clock that sleeps move, and each post moves by `post_ms`.
        clock: Cell<u64>,
        post_ms: u64,
    }

    impl FakeTransport {
        fn attempts(&self) -> usize {
            self.requests.borrow().len()
        }
    }

    impl Transport for FakeTransport {
        async fn post(&self, request: &HttpRequest) -> Outcome {
            self.requests.borrow_mut().push(request.clone());
            self.clock.set(self.clock.get() + self.post_ms);
            self.outcomes
                .borrow_mut()
                .pop_front()
                .unwrap_or_else(|| Ok(http(200, r#"{"result":"OK"}"#)))
        }

        async fn sleep(&self, ms: u64) {
            self.sleeps.borrow_mut().push(ms);
            self.clock.set(self.clock.get() + ms);
        }

        fn now_ms(&self) -> u64 {
            self.clock.get()
        }
    }

    const TOKEN: &str = "secret-token-123";

    fn client(outcomes: Vec<Outcome>) -> Client<FakeTransport> {
        let config = Config::new("http://gw.test/", TOKEN).unwrap();
        Client::new(
            config,
            FakeTransport {
                outcomes: RefCell::new(outcomes.into()),
                ..Default::default()
            },
        )
    }

    fn not_sent() -> Outcome {
        Err(TransportError {
            message: "connection refused".into(),
            maybe_sent: false,
        })
    }

    fn maybe_sent() -> Outcome {
        Err(TransportError {
            message: "connection reset".into(),
            maybe_sent: true,
        })
    }

    fn get() -> Command {
        Command::new("GET").arg("k")
    }

    fn incr() -> Command {
        Command::new("INCR").arg("k")
    }

    #[tokio::test]
    async fn retries_not_sent_errors_with_backoff() {
        let c = client(vec![not_sent(), not_sent(), Ok(http(200, r#"{"result":1}"#))]);
        assert_eq!(c.send(&incr()).await, Ok(Value::Int(1)));
        assert_eq!(c.transport.attempts(), 3);
        assert_eq!(*c.transport.sleeps.borrow(), vec![50, 136]);
        assert_eq!(c.round_trips(), 3, "every attempt is a round trip");
    }

    #[tokio::test]
    async fn a_budget_bounds_the_whole_call_retries_included() {
        let transport = FakeTransport {
            outcomes: RefCell::new(vec![maybe_sent(); 10].into()),
            post_ms: 400,
            ..Default::default()
        };
        let config = Config::new("http://gw.test", TOKEN)
            .unwrap()
            .with_budget_ms(1_000);
        let c = Client::new(config, transport);
        assert!(matches!(c.send(&get()).await, Err(Error::Transport { .. })));
        // 400 ms, 50 ms backoff, 400 ms: then 150 ms are left, less than the next backoff (136 ms)
        // and a useful try (100 ms): no third attempt. Each attempt may wait only for what is left of the budget.
        let timeouts: Vec<Option<u64>> = c
            .transport
            .requests
            .borrow()
            .iter()
            .map(|r| r.timeout_ms)
            .collect();
        assert_eq!(timeouts, [Some(1_000), Some(550)]);
        assert!(c.transport.clock.get() <= 1_000);
    }

    #[tokio::test]
    async fn gives_up_after_the_configured_retries() {
        let c = client((0..10).map(|_| not_sent()).collect());
        let err = c.send(&get()).await.unwrap_err();
        assert_eq!(
            err,
            Error::Transport {
                message: "connection refused".into(),
                maybe_sent: false
            }
        );
        assert_eq!(c.transport.attempts(), 6);
        assert_eq!(*c.transport.sleeps.borrow(), vec![50, 136, 369, 1004, 2730]);
    }

    #[tokio::test]
    async fn no_retry_with_policy_none() {
        let mut c = client(vec![not_sent(), not_sent()]);
        c.config.retry = RetryPolicy::none();
        assert!(matches!(c.send(&get()).await, Err(Error::Transport { .. })));
        assert_eq!(c.transport.attempts(), 1);
    }

    #[tokio::test]
    async fn never_retries_a_non_idempotent_command_that_may_have_run() {
        let c = client(vec![maybe_sent(), Ok(http(200, r#"{"result":2}"#))]);
        let err = c.send(&incr()).await.unwrap_err();
        assert_eq!(
            err,
            Error::Transport {
                message: "connection reset".into(),
                maybe_sent: true
            }
        );
        assert_eq!(c.transport.attempts(), 1);
        assert!(c.transport.sleeps.borrow().is_empty());
    }

    #[tokio::test]
    async fn retries_an_idempotent_command_that_may_have_run() {
        let c = client(vec![maybe_sent(), Ok(http(200, r#"{"result":"YmFy"}"#))]);
        assert_eq!(c.send(&get()).await, Ok(Value::from("bar")));
        assert_eq!(c.transport.attempts(), 2);
    }

    #[tokio::test]
    async fn caller_can_declare_a_script_idempotent() {
        let script = "return redis.call('SET', KEYS[1], ARGV[1])";
        let c = client(vec![maybe_sent(), Ok(http(200, r#"{"result":"OK"}"#))]);
        assert!(c.run(scripts::eval(script, ["k"], ["v"])).await.is_err());
        assert_eq!(c.transport.attempts(), 1);
        let c = client(vec![maybe_sent(), Ok(http(200, r#"{"result":"OK"}"#))]);
        assert_eq!(
            c.run(scripts::eval(script, ["k"], ["v"]).idempotent(true)).await,
            Ok(Value::from("OK"))
        );
        assert_eq!(c.transport.attempts(), 2);
    }

    #[tokio::test]
    async fn no_retry_on_http_errors() {
        for (status, body) in [
            (400, r#"{"error":"ERR syntax error"}"#),
            (401, r#"{"error":"Unauthorized"}"#),
            (
                400,
                r#"{"error":"ERR max requests limit exceeded. Limit: 500000, Usage: 500000"}"#,
            ),
            (502, r#"{"error":"Redis unavailable"}"#),
        ] {
            let c = client(vec![Ok(http(status, body)), Ok(http(200, r#"{"result":"OK"}"#))]);
            assert!(c.send(&get()).await.is_err(), "{status}");
            assert_eq!(c.transport.attempts(), 1, "{status} {body}");
        }
    }

    #[tokio::test]
    async fn batch_is_idempotent_only_if_every_command_is() {
        let c = client(vec![
            maybe_sent(),
            Ok(http(200, r#"[{"result":1},{"result":2}]"#)),
        ]);
        assert!(c.pipeline([get(), incr()]).await.is_err());
        assert_eq!(c.transport.attempts(), 1);

        let c = client(vec![
            maybe_sent(),
            Ok(http(200, r#"[{"result":null},{"result":1}]"#)),
        ]);
        let got = c
            .pipeline([get(), Command::new("HSET").args(["h", "f", "v"])])
            .await
            .unwrap();
        assert_eq!(got, vec![Ok(Value::Null), Ok(Value::Int(1))]);
        assert_eq!(c.transport.attempts(), 2);
    }

    #[tokio::test]
    async fn requests_carry_the_protocol_headers_and_bodies() {
        let c = client(vec![
            Ok(http(200, r#"{"result":"OK"}"#)),
            Ok(http(200, r#"[{"result":"OK"}]"#)),
            Ok(http(200, r#"[{"result":"OK"}]"#)),
        ]);
        c.send(&Command::new("SET").arg("k").arg("v")).await.unwrap();
        c.pipeline([Command::new("SET").arg("k").arg("v")]).await.unwrap();
        c.transaction(&[Command::new("SET").arg("k").arg("v")])
            .await
            .unwrap();
        let reqs = c.transport.requests.borrow();
        let urls: Vec<&str> = reqs.iter().map(|r| r.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "http://gw.test",
                "http://gw.test/pipeline",
                "http://gw.test/multi-exec"
            ]
        );
        assert_eq!(reqs[0].body, r#"["SET","k","v"]"#);
        assert_eq!(reqs[1].body, r#"[["SET","k","v"]]"#);
        let h = &reqs[0].headers;
        assert!(h.contains(&("Authorization", format!("Bearer {TOKEN}"))));
        assert!(h.contains(&("Content-Type", "application/json".into())));
        assert!(h.contains(&("Upstash-Encoding", "base64".into())));
        // No sync token before the first response; the latest one after.
        assert!(!h.iter().any(|(n, _)| *n == "upstash-sync-token"));
        assert!(reqs[1].headers.contains(&("upstash-sync-token", "tok-1".into())));
    }

    #[tokio::test]
    async fn the_latest_sync_token_goes_with_the_next_request() {
        let c = client(vec![
            Ok(http(200, r#"{"result":"OK"}"#)),
            Ok(HttpResponse {
                headers: vec![("upstash-sync-token".into(), "tok-2".into())],
                ..http(200, r#"{"result":"OK"}"#)
            }),
            Ok(HttpResponse {
                headers: vec![],
                ..http(200, r#"{"result":"OK"}"#)
            }),
        ]);
        assert_eq!(c.sync_token(), None);
        c.send(&get()).await.unwrap();
        assert_eq!(c.sync_token().as_deref(), Some("tok-1"));
        c.send(&get()).await.unwrap();
        c.send(&get()).await.unwrap();
        assert_eq!(
            c.sync_token().as_deref(),
            Some("tok-2"),
            "an answer without one keeps the last"
        );
        let sent: Vec<Option<String>> = c
            .transport
            .requests
            .borrow()
            .iter()
            .map(|r| {
                r.headers
                    .iter()
                    .find(|(n, _)| *n == "upstash-sync-token")
                    .map(|(_, v)| v.clone())
            })
            .collect();
        assert_eq!(sent, [None, Some("tok-1".into()), Some("tok-2".into())]);
    }

    #[tokio::test]
    async fn errors_never_contain_the_token() {
        let echo = format!(r#"{{"error":"bad header Bearer {TOKEN}"}}"#);
        let c = client(vec![
            Ok(http(401, &echo)),
            Err(TransportError {
                message: format!("error sending request for url (http://x/?_token={TOKEN})"),
                maybe_sent: true,
            }),
            Ok(http(200, &format!("<html>{TOKEN}</html>"))),
        ]);
        for _ in 0..3 {
            let err = c.send(&incr()).await.unwrap_err();
            assert!(!err.to_string().contains(TOKEN), "{err}");
            assert!(!format!("{err:?}").contains(TOKEN), "{err:?}");
        }
    }

    #[tokio::test]
    async fn transaction_abort_and_entry_errors() {
        let c = client(vec![
            Ok(http(
                400,
                r#"{"error":"EXECABORT Transaction discarded because of previous errors."}"#,
            )),
            Ok(http(
                200,
                r#"[{"result":"OK"},{"error":"WRONGTYPE Operation against a key holding the wrong kind of value"}]"#,
            )),
        ]);
        let abort = c.transaction([get()]).await.unwrap_err();
        assert!(abort.is_redis_code("EXECABORT"));
        let got = c.transaction([get(), incr()]).await.unwrap();
        assert_eq!(got[0], Ok(Value::from("OK")));
        assert!(got[1].as_ref().is_err_and(|e| e.is_redis_code("WRONGTYPE")));
    }

    #[tokio::test]
    async fn non_utf8_argument_is_rejected_before_sending() {
        let c = client(vec![]);
        let err = c
            .send(&Command::new("SET").arg("k").arg(vec![0xffu8]))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)));
        assert_eq!(c.transport.attempts(), 0);
    }
}
