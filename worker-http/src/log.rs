//! One JSON line per request (and per background task), for `wrangler tail --format json` and any
//! log tool: what was asked, how it ended, what it cost in Redis round trips, and for a 5xx its
//! whole cause. Never a token (the Upstash client redacts its errors) and never a request body.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::ErrorCode;
use crate::ApiError;

/// How much to log (`LOG_LEVEL`): `debug`, `info` (default: every request), `warn` (4xx and 5xx),
/// `error` (5xx only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Debug,
    Info,
    Warn,
    Error,
}

impl Level {
    /// The level of a request's line: its status says.
    pub fn of_status(status: u16) -> Self {
        match status {
            500.. => Self::Error,
            400..=499 => Self::Warn,
            _ => Self::Info,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Debug => "debug",
            Self::Info => "info",
            Self::Warn => "warn",
            Self::Error => "error",
        }
    }
}

/// An incoming `X-Request-Id` is kept if it is 1 to 128 visible ASCII characters (so it cannot
/// break a log line or a header); else Cloudflare's `cf-ray`; else a new one from `random`.
pub fn request_id(given: Option<&str>, cf_ray: Option<&str>, random: [u8; 8]) -> String {
    let sane = |id: &&str| (1..=128).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_graphic());
    given
        .filter(sane)
        .or(cf_ray.filter(sane))
        .map(str::to_owned)
        .unwrap_or_else(|| random.iter().map(|b| format!("{b:02x}")).collect())
}

/// What one request (or task) is: its id, where its log lines go, and its Redis round trips. Made
/// by `serve` and handed to the handlers through the router's data.
#[derive(Clone)]
pub struct Scope {
    pub worker: &'static str,
    pub request_id: String,
    pub level: Level,
    /// REST requests to Upstash made for this request (the clients made for it share this).
    pub round_trips: Arc<AtomicU64>,
    /// The error a handler answered with, for the request's line (code and cause).
    error: Rc<RefCell<Option<ApiError>>>,
}

impl Scope {
    pub fn new(worker: &'static str, request_id: String, level: Level) -> Self {
        Self {
            worker,
            request_id,
            level,
            round_trips: Arc::default(),
            error: Rc::default(),
        }
    }

    /// The scope of a task this request leaves behind (a background payment, a consumer run it
    /// asks for): the same request id, its own round trips.
    pub fn for_task(&self) -> Self {
        Self::new(self.worker, self.request_id.clone(), self.level)
    }

    /// Logs an event line now (a background task's outcome, a scheduled run's report).
    #[cfg(target_arch = "wasm32")]
    pub fn event<T: Serialize>(&self, event: &str, level: Level, details: &T) {
        let ts = domain::time::rfc3339(crate::config::runtime::now_ms());
        if let Some(line) = self.event_line(ts, event, level, details) {
            emit(level, &line);
        }
    }

    /// Remembers the error a request answered with.
    pub fn record(&self, error: &ApiError) {
        *self.error.borrow_mut() = Some(error.clone());
    }

    pub fn round_trips(&self) -> u64 {
        self.round_trips.load(Ordering::Relaxed)
    }

    /// The line of a finished request: `None` when the level filters it out.
    pub fn request_line(&self, request: RequestFacts<'_>) -> Option<(Level, String)> {
        let level = Level::of_status(request.status);
        if level < self.level {
            return None;
        }
        let error = self.error.borrow();
        let mut fields = Map::new();
        let mut put = |k: &str, v: Value| {
            fields.insert(k.to_owned(), v);
        };
        put("ts", request.ts.into());
        put("level", level.name().into());
        put("worker", self.worker.into());
        put("request_id", self.request_id.clone().into());
        put("method", request.method.into());
        put("route", request.route.map_or(Value::Null, Value::from));
        put("status", request.status.into());
        put("duration_ms", request.duration_ms.into());
        put("redis_round_trips", self.round_trips().into());
        if request.status >= 400 {
            let code = error.as_ref().map(ApiError::code).or(request.error_code);
            put("error_code", serde_json::to_value(code).unwrap_or_default());
        }
        if request.status >= 500 {
            let cause = error.as_ref().and_then(ApiError::cause).unwrap_or("unknown");
            put("cause", cause.into());
        }
        Some((level, Value::Object(fields).to_string()))
    }

    /// The line of a background task or a scheduled run: `event` and its own fields.
    pub fn event_line<T: Serialize>(
        &self,
        ts: String,
        event: &str,
        level: Level,
        details: &T,
    ) -> Option<String> {
        if level < self.level {
            return None;
        }
        let mut fields = match serde_json::to_value(details) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        fields.insert("ts".into(), ts.into());
        fields.insert("level".into(), level.name().into());
        fields.insert("worker".into(), self.worker.into());
        fields.insert("request_id".into(), self.request_id.clone().into());
        fields.insert("event".into(), event.into());
        fields.insert("redis_round_trips".into(), self.round_trips().into());
        Some(Value::Object(fields).to_string())
    }
}

/// What `serve` knows of a finished request.
pub struct RequestFacts<'a> {
    pub ts: String,
    pub method: &'a str,
    /// The route's pattern (`/products/:id`), `None` for a path no route matches.
    pub route: Option<&'a str>,
    pub status: u16,
    pub duration_ms: u64,
    /// The code of an error answered outside any handler (unknown route, 405).
    pub error_code: Option<ErrorCode>,
}

/// Writes a line where `wrangler tail` and Workers Logs see it, through the console method of its
/// level: Workers Logs keeps that method as the event's own level (`$metadata.level`, what its
/// level filter and Workers Issues' error logs go by) and indexes the line's JSON fields, our
/// `level` among them, so the two agree. Locally `wrangler dev` prints `console.error` and
/// `console.warn` behind a coloured mark; `make dev` writes the line without it (dev-stack's
/// `json_log`), so the log files hold the same JSON.
#[cfg(target_arch = "wasm32")]
pub fn emit(level: Level, line: &str) {
    match level {
        Level::Error => worker::console_error!("{line}"),
        Level::Warn => worker::console_warn!("{line}"),
        Level::Debug | Level::Info => worker::console_log!("{line}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(status: u16) -> RequestFacts<'static> {
        RequestFacts {
            ts: "2026-11-28T00:00:00.000Z".into(),
            method: "GET",
            route: Some("/products/:id"),
            status,
            duration_ms: 12,
            error_code: None,
        }
    }

    #[test]
    fn request_ids_are_kept_when_sane() {
        assert_eq!(request_id(Some("abc-123"), Some("ray"), [0; 8]), "abc-123");
        assert_eq!(
            request_id(Some("has space"), Some("8a1b2c-LHR"), [0; 8]),
            "8a1b2c-LHR"
        );
        assert_eq!(
            request_id(Some(&"x".repeat(129)), None, [1; 8]),
            "0101010101010101"
        );
        assert_eq!(request_id(Some("bad\nline"), None, [255; 8]), "ffffffffffffffff");
    }

    #[test]
    fn a_5xx_line_has_its_whole_cause_and_the_client_gets_none() {
        let scope = Scope::new("inventory", "r1".into(), Level::Info);
        scope.round_trips.fetch_add(2, Ordering::Relaxed);
        let error = ApiError::from(upstash_rest::Error::Redis(
            "WRONGTYPE Operation against a key".into(),
        ));
        scope.record(&error);
        let (level, line) = scope.request_line(facts(500)).unwrap();
        let line: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(level, Level::Error);
        assert_eq!(line["error_code"], "internal_error");
        assert_eq!(line["route"], "/products/:id");
        assert_eq!(line["redis_round_trips"], 2);
        assert!(line["cause"].as_str().unwrap().contains("WRONGTYPE"));
        assert!(!serde_json::to_string(&error.body())
            .unwrap()
            .contains("WRONGTYPE"));
    }

    #[test]
    fn levels_filter_lines() {
        let quiet = Scope::new("payment", "r2".into(), Level::Warn);
        assert!(quiet.request_line(facts(200)).is_none());
        let (_, line) = quiet.request_line(facts(404)).unwrap();
        assert!(line.contains("\"level\":\"warn\""), "{line}");
        assert!(!line.contains("cause"), "4xx have no cause: {line}");
    }
}
