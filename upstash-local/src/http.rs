//! The REST surface: auth, routing, Upstash's response shapes, sync tokens and counters.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::key_locking::Scripts;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use redis::Value;
use serde_json::{json, Value as Json};

use crate::command::{self, Command, Rejected};
use crate::redis_pool::{RedisPool, Unavailable};
use crate::reply::{self, Encoding};
use crate::sse;

/// Upstash's free-plan request size limit.
pub const MAX_BODY: usize = 10 * 1024 * 1024;

pub struct App {
    pub pool: RedisPool,
    token: String,
    requests: AtomicU64,
    commands: AtomicU64,
    sync_tokens: AtomicU64,
    started: u64,
    /// Scripts flagged `allow-key-locking`, rewritten so that Redis runs them as Upstash would.
    scripts: Scripts,
    /// Waited before each request is served (`Config::round_trip_delay`).
    round_trip_delay: Duration,
}

impl App {
    pub fn new(
        client: redis::Client,
        token: String,
        response_timeout: Duration,
        round_trip_delay: Duration,
    ) -> Self {
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or_default();
        Self {
            pool: RedisPool::new(client, response_timeout),
            token,
            requests: AtomicU64::new(0),
            commands: AtomicU64::new(0),
            sync_tokens: AtomicU64::new(0),
            started,
            scripts: Scripts::default(),
            round_trip_delay,
        }
    }

    pub async fn redis_reachable(&self) -> bool {
        let ping = Command(vec![b"PING".to_vec()]);
        self.pool.run(&[ping]).await.is_ok()
    }

    /// A command as Redis gets it: guarded (nothing that blocks or changes a shared connection),
    /// and with Upstash's script flags applied.
    fn prepare(&self, parsed: Result<Command, Rejected>) -> Result<Command, Rejected> {
        Ok(self.scripts.apply(parsed?.guard()?))
    }

    pub fn count_commands(&self, n: usize) {
        self.commands.fetch_add(n as u64, Ordering::Relaxed);
    }

    /// Unique and never empty; the client echoes it, and with no replicas there is nothing to wait for.
    fn next_sync_token(&self) -> String {
        let n = self.sync_tokens.fetch_add(1, Ordering::Relaxed);
        format!("{:x}-{n}", self.started)
    }

    fn authorized(&self, headers: &HeaderMap, query: Option<&str>) -> bool {
        // A header, when present, wins; `?_token=` is the fallback (as Upstash and uprest do).
        let given: Option<String> = match headers.get(header::AUTHORIZATION) {
            Some(value) => value
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::to_owned),
            None => query.and_then(query_token),
        };
        given.is_some_and(|t| constant_time_eq(t.as_bytes(), self.token.as_bytes()))
    }
}

pub fn router(app: Arc<App>) -> Router {
    Router::new().fallback(handle).with_state(app)
}

async fn handle(State(app): State<Arc<App>>, req: Request) -> Response {
    // The distance to a hosted Upstash, if one is simulated; the counters are a local tool.
    if !app.round_trip_delay.is_zero() && req.uri().path() != "/__stats" {
        tokio::time::sleep(app.round_trip_delay).await;
    }
    let mut response = route(&app, req).await;
    let headers = response.headers_mut();
    if let Ok(token) = HeaderValue::from_str(&app.next_sync_token()) {
        headers.insert("upstash-sync-token", token);
    }
    response
}

async fn route(app: &App, req: Request) -> Response {
    let method = req.method().clone();
    if ![Method::GET, Method::POST, Method::HEAD, Method::PUT].contains(&method) {
        return error(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed");
    }
    let path = req.uri().path().to_owned();
    let query = req.uri().query().map(str::to_owned);
    if !app.authorized(req.headers(), query.as_deref()) {
        return error(StatusCode::UNAUTHORIZED, "Unauthorized");
    }
    if path == "/__stats" {
        return stats(app);
    }
    app.requests.fetch_add(1, Ordering::Relaxed);

    let headers = req.headers().clone();
    if let Some(format) = headers.get("upstash-response-format") {
        if !format.as_bytes().eq_ignore_ascii_case(b"json") {
            return error(
                StatusCode::BAD_REQUEST,
                "ERR only the json response format is supported by upstash-local",
            );
        }
    }
    let encoding = match headers.get("upstash-encoding") {
        Some(v) if v.as_bytes().eq_ignore_ascii_case(b"base64") => Encoding::Base64,
        _ => Encoding::Utf8,
    };
    let writes = method == Method::POST || method == Method::PUT;

    if let Some(rest) = path.strip_prefix("/subscribe/") {
        return sse::subscribe(app, false, path_segments(rest)).await;
    }
    if let Some(rest) = path.strip_prefix("/psubscribe/") {
        return sse::subscribe(app, true, path_segments(rest)).await;
    }
    let body = match axum::body::to_bytes(req.into_body(), MAX_BODY).await {
        Ok(body) => body,
        Err(_) => return error(StatusCode::PAYLOAD_TOO_LARGE, "ERR max request size exceeded"),
    };
    match (path.as_str(), writes) {
        ("/", true) => single(app, command::parse_json_command(&body), encoding).await,
        ("/pipeline", true) => pipeline(app, &body, encoding).await,
        ("/multi-exec", true) => transaction(app, &body, encoding).await,
        ("/pipeline" | "/multi-exec", false) => error(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed"),
        _ => {
            let body = if writes { Some(&body[..]) } else { None };
            single(
                app,
                command::parse_path_command(&path, query.as_deref(), body),
                encoding,
            )
            .await
        }
    }
}

async fn single(app: &App, parsed: Result<Command, Rejected>, enc: Encoding) -> Response {
    let cmd = match app.prepare(parsed) {
        Ok(cmd) => cmd,
        Err(Rejected(msg)) => return error(StatusCode::BAD_REQUEST, &msg),
    };
    app.count_commands(1);
    match app.pool.run(std::slice::from_ref(&cmd)).await {
        Ok(values) => match values.first() {
            Some(Value::ServerError(e)) => error(StatusCode::BAD_REQUEST, &reply::error_text(e)),
            Some(v) => ok(json!({ "result": reply::encode(v, enc, true) })),
            None => unavailable(Unavailable),
        },
        Err(e) => unavailable(e),
    }
}

/// Not atomic; each command gets its own entry. A refused command becomes an error entry and the
/// others still run, as a Redis error would.
async fn pipeline(app: &App, body: &Bytes, enc: Encoding) -> Response {
    let parsed = match command::parse_json_commands(body) {
        Ok(parsed) => parsed,
        Err(Rejected(msg)) => return error(StatusCode::BAD_REQUEST, &msg),
    };
    let checked: Vec<Result<Command, Rejected>> = parsed.into_iter().map(|c| app.prepare(c)).collect();
    let to_run: Vec<Command> = checked.iter().filter_map(|c| c.as_ref().ok().cloned()).collect();
    let mut replies = if to_run.is_empty() {
        Vec::new().into_iter()
    } else {
        app.count_commands(to_run.len());
        match app.pool.run(&to_run).await {
            Ok(values) => values.into_iter(),
            Err(e) => return unavailable(e),
        }
    };
    let entries: Vec<Json> = checked
        .iter()
        .map(|c| match c {
            Err(Rejected(msg)) => json!({ "error": msg }),
            Ok(_) => replies
                .next()
                .map_or_else(|| json!({ "error": "ERR no reply" }), |v| reply::entry(&v, enc)),
        })
        .collect();
    ok(Json::Array(entries))
}

/// MULTI/EXEC. Runtime errors are entries; a transaction Redis discards (EXECABORT) or that holds
/// a refused command is one 400 error, as Upstash answers it.
async fn transaction(app: &App, body: &Bytes, enc: Encoding) -> Response {
    let commands = match command::parse_json_commands(body).and_then(|cmds| {
        cmds.into_iter()
            .map(|c| app.prepare(c))
            .collect::<Result<Vec<_>, _>>()
    }) {
        Ok(commands) => commands,
        Err(Rejected(msg)) => {
            return error(
                StatusCode::BAD_REQUEST,
                &format!("EXECABORT Transaction discarded: {msg}"),
            )
        }
    };
    app.count_commands(commands.len());
    let replies = match app.pool.transaction(&commands).await {
        Ok(replies) => replies,
        Err(e) => return unavailable(e),
    };
    match replies.last() {
        Some(Value::Array(results)) => ok(Json::Array(
            results.iter().map(|v| reply::entry(v, enc)).collect(),
        )),
        Some(Value::ServerError(exec_error)) => {
            // Name the command that made Redis discard the transaction.
            let cause = replies[1..replies.len() - 1]
                .iter()
                .enumerate()
                .find_map(|(i, v)| match v {
                    Value::ServerError(e) => Some(format!("command {}: {}", i + 1, reply::error_text(e))),
                    _ => None,
                });
            let msg = match cause {
                Some(cause) => format!("{} ({cause})", reply::error_text(exec_error)),
                None => reply::error_text(exec_error),
            };
            error(StatusCode::BAD_REQUEST, &msg)
        }
        _ => error(StatusCode::BAD_REQUEST, "EXECABORT Transaction aborted"),
    }
}

fn stats(app: &App) -> Response {
    ok(json!({
        "requests": app.requests.load(Ordering::Relaxed),
        "commands": app.commands.load(Ordering::Relaxed),
    }))
}

fn ok(body: Json) -> Response {
    json_response(StatusCode::OK, body)
}

pub fn error(status: StatusCode, message: &str) -> Response {
    json_response(status, json!({ "error": message }))
}

pub fn unavailable(_: Unavailable) -> Response {
    error(
        StatusCode::BAD_GATEWAY,
        "Redis unavailable: the gateway cannot reach redis-server",
    )
}

fn json_response(status: StatusCode, body: Json) -> Response {
    let mut response = (status, Body::from(body.to_string())).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

fn path_segments(rest: &str) -> Vec<String> {
    rest.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect()
}

fn query_token(query: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        (name == "_token").then(|| {
            percent_encoding::percent_decode_str(value)
                .decode_utf8_lossy()
                .into_owned()
        })
    })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
