use std::cell::Cell;

use serde_json::json;
use store::consumer::{Fault, Report};
use worker::Env;
use worker_http::config::runtime;
use worker_http::log::{Level, Scope};
use worker_http::settings::{self, Common, Consumer, FromVars};
use worker_http::{ApiError, Backend};

/// Drains both streams within `budget_ms` and logs one JSON line of the run: its report, its
/// duration and Redis round trips, with the request id of whoever asked (`nudge`) or a new one
/// (`cron`).
async fn drain(env: &Env, scope: &Scope, budget_ms: u64, trigger: &str) -> Result<Report, ApiError> {
    let started = runtime::now_ms();
    let backend = Backend::for_scope(env, scope)?;
    let fault = Common::of(env)?
        .faults
        .has(settings::Fault::CrashAfterRead)
        .then_some(Fault::CrashAfterRead);
    let result = backend
        .consumer(Consumer::of(env)?.store_settings())
        .drain(runtime::now_ms, budget_ms, fault)
        .await;
    let duration_ms = runtime::now_ms().saturating_sub(started);
    match result {
        Ok(report) => {
            // An idle run is a debug line; one that did something, or could not read, is info/warn.
            let level = if report.read_errors > 0 {
                Level::Warn
            } else if report.read > 0 || report.payments_recovered > 0 {
                Level::Info
            } else {
                Level::Debug
            };
            let details = json!({"trigger": trigger, "duration_ms": duration_ms, "report": report});
            scope.event("consumer_run", level, &details);
            Ok(report)
        }
        Err(e) => {
            let details =
                json!({"trigger": trigger, "duration_ms": duration_ms, "cause": format!("redis: {e}")});
            scope.event("consumer_run_failed", Level::Error, &details);
            Err(e.into())
        }
    }
}

thread_local! {
    /// When the run under way in this isolate started (ms), if one is. One at a time is enough:
    /// a run reads everything.
    static RUNNING_SINCE: Cell<Option<u64>> = const { Cell::new(None) };
    /// A nudge arrived during that run: it goes once more when it ends.
    static AGAIN: Cell<bool> = const { Cell::new(false) };
}

/// A run older than its budget plus this was never seen to end: the runtime cancelled its
/// request mid-await (a cancelled invocation's future is neither resumed nor dropped), so its
/// mark is stale and the next caller runs.
const STALE_AFTER_BUDGET_MS: u64 = 30_000;

/// Clears the mark of the run that set it, however that run ends (an error included).
struct Running(u64);

impl Drop for Running {
    fn drop(&mut self) {
        if RUNNING_SINCE.get() == Some(self.0) {
            RUNNING_SINCE.set(None);
        }
    }
}

/// Drains the streams. A nudge (`may_join`) that arrives while a run is under way in this
/// isolate joins it instead: that run goes once more when it ends, so it sees what the nudger
/// added, and this call returns `None` at once, costing no Redis command. A burst of payments
/// thus starts a handful of runs, not one each. The cron never joins (it is the safety net, and
/// runs side by side are safe). Within `budget_ms` overall: if nudges are still arriving when
/// it is spent, or the run fails, what they added waits for the next nudge or the cron.
pub async fn drain_or_join(
    env: &Env,
    scope: &Scope,
    budget_ms: u64,
    trigger: &str,
    may_join: bool,
) -> Result<Option<Report>, ApiError> {
    let started = runtime::now_ms();
    let under_way = RUNNING_SINCE
        .get()
        .is_some_and(|since| started.saturating_sub(since) < budget_ms + STALE_AFTER_BUDGET_MS);
    if may_join && under_way {
        AGAIN.set(true);
        scope.event("consumer_run_joined", Level::Debug, &json!({"trigger": trigger}));
        return Ok(None);
    }
    RUNNING_SINCE.set(Some(started));
    let _running = Running(started);
    let mut total = Report::default();
    loop {
        AGAIN.set(false);
        let left = budget_ms.saturating_sub(runtime::now_ms().saturating_sub(started));
        total += drain(env, scope, left.max(1), trigger).await?;
        if !AGAIN.get() || runtime::now_ms().saturating_sub(started) >= budget_ms {
            return Ok(Some(total));
        }
    }
}
