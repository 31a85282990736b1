//! The frame around every worker's router: preflight, JSON for unknown routes and methods, CORS
//! headers on every answer, and no unhandled error ever reaching the client as a bare 500.

use worker::{Env, Method, Request, RequestInit, Response, Result, Router};

use crate::config::var;
use crate::contract::{allowed_methods, Route};
use crate::cors::{Cors, DEFAULT_ORIGINS};
use crate::respond::error;
use crate::ApiError;

/// The methods `worker::Method` represents; any other would be routed as a GET.
const KNOWN_METHODS: [&str; 10] = [
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE", "REPORT",
];

/// `routes` is the router's table (`ROUTES` of `routes!`), for the `Allow` header of a 405.
pub async fn serve<'a, D: 'a>(
    req: Request,
    env: Env,
    router: Router<'a, D>,
    routes: &[Route],
) -> Result<Response> {
    let cors = Cors::parse(&var(&env, "ALLOWED_ORIGINS").unwrap_or_else(|| DEFAULT_ORIGINS.into()));
    let origin = req.headers().get("Origin").ok().flatten();

    if req.method() == Method::Options {
        return match cors.preflight(origin.as_deref()) {
            Some(headers) => with_headers(Response::empty()?.with_status(204), &headers),
            None => error(&ApiError::NotFound("no CORS access for this origin".into())),
        };
    }

    let path = req.path();
    // workers-rs reads any method it does not know (QUERY, PROPFIND, …) as GET: refuse those here.
    if !KNOWN_METHODS.contains(&req.inner().method().to_ascii_uppercase().as_str()) {
        let allow = allowed_methods(routes, &path);
        let response = if allow.is_empty() {
            error(&ApiError::NotFound("no such route".into()))?
        } else {
            with_headers(error(&ApiError::MethodNotAllowed)?, &[("Allow", allow)])?
        };
        return with_headers(response, &cors.headers(origin.as_deref()));
    }
    // HEAD is GET without the body (RFC 9110), wherever GET is routed.
    let head = req.method() == Method::Head;
    let req = if head { as_get(&req)? } else { req };
    let response = match router.run(req, env).await {
        Ok(response) => json_fallbacks(response, &allowed_methods(routes, &path))?,
        Err(e) => {
            worker::console_error!("unhandled error: {e}");
            error(&ApiError::Internal)?
        }
    };
    let response = if head {
        let (status, headers) = (response.status_code(), response.headers().clone());
        Response::empty()?.with_status(status).with_headers(headers)
    } else {
        response
    };
    with_headers(response, &cors.headers(origin.as_deref()))
}

/// The same request as a GET, headers kept.
fn as_get(req: &Request) -> Result<Request> {
    let mut init = RequestInit::new();
    init.with_method(Method::Get).with_headers(req.headers().clone());
    Request::new_with_init(req.url()?.as_str(), &init)
}

/// The router answers unknown paths and methods in plain text; the API answers in JSON, and a 405
/// says which methods the path has (`Allow`, as RFC 9110 requires).
fn json_fallbacks(response: Response, allow: &str) -> Result<Response> {
    let is_json = response
        .headers()
        .get("Content-Type")?
        .is_some_and(|t| t.starts_with("application/json"));
    match response.status_code() {
        404 if !is_json => error(&ApiError::NotFound("no such route".into())),
        405 if !is_json => with_headers(error(&ApiError::MethodNotAllowed)?, &[("Allow", allow.into())]),
        _ => Ok(response),
    }
}

fn with_headers(mut response: Response, headers: &[(&str, String)]) -> Result<Response> {
    for (name, value) in headers {
        response.headers_mut().set(name, value)?;
    }
    Ok(response)
}
