//! The frame around every worker's router: the request's scope (id, round trips, log level),
//! preflight, JSON for unknown routes and methods, CORS headers on every answer, `X-Request-Id`
//! echoed, one JSON log line per request, and no unhandled error ever reaching the client as a
//! bare 500 (an invalid setting is a 500 naming it; a panic is answered by `panic`).

use worker::{Env, Method, Request, RequestInit, Response, Result, Router};

use crate::config::runtime;
use crate::contract::{allowed_methods, routes_of, Route};
use crate::cors::Cors;
use crate::error::ErrorCode;
use crate::log::{emit, request_id, Level, RequestFacts, Scope};
use crate::respond::error;
use crate::settings::{Common, FromVars, Settings};
use crate::ApiError;

/// The data every route gets: the request's scope, and the worker's own data (`Context` for the
/// payment worker's background tasks).
pub struct Scoped<D> {
    pub scope: Scope,
    pub data: D,
}

/// The methods `worker::Method` represents; any other would be routed as a GET.
const KNOWN_METHODS: [&str; 10] = [
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE", "REPORT",
];

/// Serves `req` with the router `make_router` builds for its scope; `routes` is that router's
/// table (`ROUTES` of `routes!`), for `Allow` headers and the route of the log line. `S`: the
/// worker's settings, checked (with `Common`) before anything is routed.
pub async fn serve<'a, S: Settings, D: 'a>(
    req: Request,
    env: Env,
    worker: &'static str,
    routes: &[Route],
    make_router: impl FnOnce(Scope) -> Router<'a, Scoped<D>>,
) -> Result<Response> {
    let started = runtime::now_ms();
    let header = |name: &str| req.headers().get(name).ok().flatten();
    let id = request_id(
        header("X-Request-Id").as_deref(),
        header("cf-ray").as_deref(),
        // A request id is no credential: without randomness (never seen) it is still unique
        // enough for logs, made of the clock.
        runtime::random().unwrap_or_else(|_| started.to_be_bytes()),
    );
    let settings = Common::of(&env).and_then(|common| S::of(&env).map(|_| common));
    // Settings that cannot be read: no origin is known to be allowed, every line is logged.
    let (level, cors) = settings.as_ref().map_or((Level::Info, Cors::parse("")), |s| {
        (s.log_level, s.allowed_origins.clone())
    });
    let scope = Scope::new(worker, id, level);
    let origin = header("Origin");
    let method = req.inner().method().to_ascii_uppercase();
    let path = req.path();
    // The route that answers, by the rule the answer follows (`routes_of`): the log names it.
    let route = routes_of(routes, &path)
        .into_iter()
        .find(|r| r.serves(&method, &path))
        .map(|r| r.path);
    let mut answer_headers = cors.headers(origin.as_deref());
    answer_headers.push(("X-Request-Id", scope.request_id.clone()));
    crate::panic::serving(&scope, &method, route, started, answer_headers.clone());

    let (response, error_code) = match settings {
        Ok(_) => {
            answer(
                req,
                env,
                routes,
                route,
                make_router(scope.clone()),
                &cors,
                &origin,
            )
            .await?
        }
        Err(invalid) => {
            scope.record(&invalid);
            (error(&invalid)?, Some(invalid.code()))
        }
    };
    let response = with_headers(response, &answer_headers)?;
    let facts = RequestFacts {
        ts: domain::time::rfc3339(runtime::now_ms()),
        method: &method,
        route,
        status: response.status_code(),
        duration_ms: runtime::now_ms().saturating_sub(started),
        error_code,
    };
    if let Some((level, line)) = scope.request_line(facts) {
        emit(level, &line);
    }
    Ok(response)
}

/// The answer, and the code of an error answered here rather than by a handler.
async fn answer<'a, D: 'a>(
    req: Request,
    env: Env,
    routes: &[Route],
    route: Option<&str>,
    router: Router<'a, Scoped<D>>,
    cors: &Cors,
    origin: &Option<String>,
) -> Result<(Response, Option<ErrorCode>)> {
    let refuse = |e: ApiError| -> Result<(Response, Option<ErrorCode>)> { Ok((error(&e)?, Some(e.code()))) };
    let path = req.path();
    if req.method() == Method::Options {
        let requested = req.headers().get("Access-Control-Request-Method").ok().flatten();
        return match cors.preflight(origin.as_deref(), requested.as_deref()) {
            Some(headers) => Ok((with_headers(Response::empty()?.with_status(204), &headers)?, None)),
            // Not a preflight we allow: no route answers OPTIONS, as for any unknown method.
            None => not_routed(routes, &path),
        };
    }
    // workers-rs reads any method it does not know (QUERY, PROPFIND, …) as GET: refuse those here.
    let asked = req.inner().method().to_ascii_uppercase();
    if !KNOWN_METHODS.contains(&asked.as_str()) {
        return not_routed(routes, &path);
    }
    // Its router matches each method's patterns alone, so a DELETE of `/dead-letters/x/replay`
    // would reach `/dead-letters/:stream/:id`: the path is the replay action's, which has no DELETE.
    if route.is_none() && !routes_of(routes, &path).is_empty() {
        return not_routed(routes, &path);
    }
    // HEAD is GET without the body (RFC 9110), wherever GET is routed.
    let head = req.method() == Method::Head;
    let req = if head { as_get(&req)? } else { req };
    let (response, code) = match router.run(req, env).await {
        Ok(response) => json_fallbacks(response, routes, &path)?,
        Err(e) => refuse(ApiError::Internal(format!("unhandled: {e}")))?,
    };
    let response = if head {
        let (status, headers) = (response.status_code(), response.headers().clone());
        Response::empty()?.with_status(status).with_headers(headers)
    } else {
        response
    };
    Ok((response, code))
}

/// The same request as a GET, headers kept.
fn as_get(req: &Request) -> Result<Request> {
    let mut init = RequestInit::new();
    init.with_method(Method::Get).with_headers(req.headers().clone());
    Request::new_with_init(req.url()?.as_str(), &init)
}

/// The router answers unknown paths and methods in plain text; the API answers in JSON.
fn json_fallbacks(response: Response, routes: &[Route], path: &str) -> Result<(Response, Option<ErrorCode>)> {
    let is_json = response
        .headers()
        .get("Content-Type")?
        .is_some_and(|t| t.starts_with("application/json"));
    match response.status_code() {
        404 if !is_json => Ok((
            error(&ApiError::NotFound("no such route".into()))?,
            Some(ErrorCode::NotFound),
        )),
        405 if !is_json => not_routed(routes, path),
        _ => Ok((response, None)),
    }
}

/// A request no route serves: 405 with the path's methods in `Allow` (RFC 9110), or 404 when the
/// path has none that the public may call (unknown, or an internal route's).
fn not_routed(routes: &[Route], path: &str) -> Result<(Response, Option<ErrorCode>)> {
    let allow = allowed_methods(routes, path);
    let refusal = if allow.is_empty() {
        ApiError::NotFound("no such route".into())
    } else {
        ApiError::MethodNotAllowed
    };
    let mut response = error(&refusal)?;
    if !allow.is_empty() {
        response = with_headers(response, &[("Allow", allow)])?;
    }
    Ok((response, Some(refusal.code())))
}

fn with_headers(mut response: Response, headers: &[(&str, String)]) -> Result<Response> {
    for (name, value) in headers {
        response.headers_mut().set(name, value)?;
    }
    Ok(response)
}
