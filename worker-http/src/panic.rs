//! A panic in a handler: a 500 with our JSON `internal_error`, one log line with its message,
//! location and request id, and the next request to the worker served as usual.
//!
//! What stable Rust on workers-rs 0.8.7 allows (read in worker 0.8.7's `init.rs`, worker-build
//! 0.8.7's shim and the bundle it makes; see docs/architecture.md#panics):
//! - Panics are `panic=abort` on wasm32 (unwinding needs nightly: worker-build's
//!   `--panic-unwind` rebuilds std with `-Zbuild-std`), so `catch_unwind` catches nothing and no
//!   Rust code runs after the panic hook: the instance traps (`unreachable`).
//! - worker-build 0.8.7 builds with wasm-bindgen's abort handler and reset-state function, and
//!   worker 0.8.7's start function marks the instance for re-initialisation on a panic: the next
//!   request gets a fresh instance (state in `thread_local!`s is lost, nothing else is kept
//!   there). That much recovers the worker by itself.
//! - But the request that panicked never resolves: the Rust future that would answer it is dead,
//!   and the runtime answers "A hanging Promise was canceled" / "The script will never generate a
//!   response" with its own 500 (workers-rs #453); so does every other request that was in
//!   flight in that instance.
//!
//! So the worker's `fetch` export ([`respond`], through [`fetch_entry!`](crate::fetch_entry))
//! returns a JS `Promise` of its own, whose `resolve` it keeps for each request in flight, and a
//! panic hook (run before the trap, while the instance still works) resolves each with our 500:
//! the panicking request's log line gets `cause` = the panic's message and location, the others'
//! say which request ended the instance. Then the hook workers-rs installed runs as before (it
//! logs the panic too and marks the instance for re-initialisation). A panic outside any request
//! (a background task, a scheduled run) is one `"event":"panic"` line.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use serde_json::json;
use worker::js_sys::{Function, Promise};
use worker::wasm_bindgen::JsValue;
use worker::{Context, Env, Request, Response};

use crate::log::{emit, Level, RequestFacts, Scope};
use crate::ApiError;

/// What a request's 500 and log line need, once `serve` knows it.
struct Facts {
    scope: Scope,
    method: String,
    route: Option<&'static str>,
    started_ms: u64,
    /// CORS and `X-Request-Id`, as its answer would have had them.
    headers: Vec<(&'static str, String)>,
}

/// A request this instance has not answered yet.
struct InFlight {
    slot: u64,
    resolve: Function,
    facts: Option<Facts>,
}

thread_local! {
    static IN_FLIGHT: RefCell<Vec<InFlight>> = const { RefCell::new(Vec::new()) };
    /// The request whose future is being polled: the one a panic comes from.
    static POLLING: Cell<Option<u64>> = const { Cell::new(None) };
    static NEXT_SLOT: Cell<u64> = const { Cell::new(0) };
    static HOOKED: Cell<bool> = const { Cell::new(false) };
    /// For a panic outside any request's line.
    static WORKER: Cell<&'static str> = const { Cell::new("") };
}

/// Serves one `fetch` event with `handler`, answering a panic with our 500 (see the module).
pub fn respond<F, Fut>(
    req: worker::web_sys::Request,
    env: Env,
    ctx: worker::worker_sys::Context,
    handler: F,
) -> Promise
where
    F: FnOnce(Request, Env, Context) -> Fut,
    Fut: Future<Output = worker::Result<Response>> + 'static,
{
    install_hook();
    let slot = NEXT_SLOT.get();
    NEXT_SLOT.set(slot + 1);
    let mut resolve = None;
    let promise = Promise::new(&mut |res, _| resolve = Some(res));
    // The executor of `new Promise` runs before the constructor returns.
    let resolve = resolve.unwrap_or_else(|| Function::new_no_args(""));
    IN_FLIGHT.with_borrow_mut(|all| {
        all.push(InFlight {
            slot,
            resolve: resolve.clone(),
            facts: None,
        })
    });
    let answer = handler(Request::from(req), env, Context::new(ctx));
    worker::wasm_bindgen_futures::spawn_local(Tracked {
        slot,
        inner: Box::pin(async move {
            let answer: JsValue = match answer.await {
                Ok(response) => worker::web_sys::Response::from(response).into(),
                // `serve` answers every error itself: this is the runtime failing to build one.
                Err(e) => {
                    worker::console_error!(
                        "{}",
                        json!({"level": "error", "event": "no_response", "cause": e.to_string()})
                    );
                    worker::web_sys::Response::new_with_opt_str_and_init(None, &{
                        let init = worker::web_sys::ResponseInit::new();
                        init.set_status(500);
                        init
                    })
                    .map_or(JsValue::NULL, JsValue::from)
                }
            };
            IN_FLIGHT.with_borrow_mut(|all| all.retain(|f| f.slot != slot));
            let _ = resolve.call1(&JsValue::UNDEFINED, &answer);
        }),
    });
    promise
}

/// Called by `serve` once it knows the request: what its 500 and line would say.
pub(crate) fn serving(
    scope: &Scope,
    method: &str,
    route: Option<&'static str>,
    started_ms: u64,
    headers: Vec<(&'static str, String)>,
) {
    WORKER.set(scope.worker);
    let Some(slot) = POLLING.get() else { return };
    IN_FLIGHT.with_borrow_mut(|all| {
        if let Some(in_flight) = all.iter_mut().find(|f| f.slot == slot) {
            in_flight.facts = Some(Facts {
                scope: scope.clone(),
                method: method.to_owned(),
                route,
                started_ms,
                headers,
            });
        }
    });
}

/// Marks its request as the one being polled, so that a panic knows whose it is.
struct Tracked {
    slot: u64,
    inner: Pin<Box<dyn Future<Output = ()>>>,
}

impl Future for Tracked {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<()> {
        let outer = POLLING.replace(Some(self.slot));
        let poll = self.inner.as_mut().poll(cx);
        POLLING.set(outer);
        poll
    }
}

/// Ours first, then the hook that was there (workers-rs's: it logs the panic and marks the
/// instance for re-initialisation).
fn install_hook() {
    if HOOKED.replace(true) {
        return;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info.payload_as_str().unwrap_or("a panic with a non-text payload");
        let location = info
            .location()
            .map_or_else(|| "an unknown place".to_owned(), |l| l.to_string());
        answer_in_flight(&format!("panic at {location}: {message}"));
        previous(info);
    }));
}

/// Answers every request in flight with our 500 and logs each; `cause` is the panic's.
fn answer_in_flight(cause: &str) {
    // A panic while the list is borrowed (in this module's own code) cannot answer anything.
    let Ok(Some(all)) =
        IN_FLIGHT.try_with(|all| all.try_borrow_mut().map(|mut all| std::mem::take(&mut *all)).ok())
    else {
        return;
    };
    let panicking = POLLING.get();
    let culprit = all
        .iter()
        .find(|f| Some(f.slot) == panicking)
        .and_then(|f| f.facts.as_ref())
        .map(|facts| facts.scope.request_id.clone());
    if culprit.is_none() {
        let line = json!({
            "ts": now(), "level": "error", "worker": WORKER.get(), "event": "panic", "cause": cause,
        });
        emit(Level::Error, &line.to_string());
    }
    for in_flight in all {
        let own = Some(in_flight.slot) == panicking;
        let why = if own {
            cause.to_owned()
        } else {
            let by = culprit.as_deref().unwrap_or("a task");
            format!("aborted: a panic in {by} ended this worker instance ({cause})")
        };
        let error = ApiError::Internal(why);
        let mut headers = Vec::new();
        if let Some(facts) = &in_flight.facts {
            facts.scope.record(&error);
            let line = facts.scope.request_line(RequestFacts {
                ts: now(),
                method: &facts.method,
                route: facts.route,
                status: 500,
                duration_ms: crate::config::runtime::now_ms().saturating_sub(facts.started_ms),
                error_code: None,
            });
            if let Some((level, line)) = line {
                emit(level, &line);
            }
            headers = facts.headers.clone();
        }
        let answer = crate::respond::error(&error).and_then(|mut response| {
            for (name, value) in &headers {
                response.headers_mut().set(name, value)?;
            }
            Ok(worker::web_sys::Response::from(response))
        });
        if let Ok(answer) = answer {
            let _ = in_flight.resolve.call1(&JsValue::UNDEFINED, &answer);
        }
    }
}

fn now() -> String {
    domain::time::rfc3339(crate::config::runtime::now_ms())
}
