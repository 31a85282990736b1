//! What the three workers' OpenAPI documents share: the error responses, the admin token's security
//! scheme, `/health` and `/config` bodies, and the `routes!` macro that builds a worker's router
//! and the list of its routes from one table, so that a test can hold the router and the document
//! together. Each worker's own `contract.rs` lists its operations with `utoipa::path`.

use serde::Serialize;
use serde_json::{json, Value};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, Response, ResponseBuilder, Server};
use utoipa::{Modify, ToSchema};

use domain::money::MAX_PRICE;
use domain::{ProductName, Quantity};

/// The name of the bearer scheme that guards admin operations (product changes, cancellations).
pub const ADMIN_SCHEME: &str = "adminToken";

/// One route of a worker's router (`method` as written in `routes!`, `path` in the router's
/// `:param` syntax).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    /// Answered only to our own workers (through a service binding, with a token): not in the
    /// OpenAPI document, never in an `Allow` header.
    pub internal: bool,
}

impl Route {
    /// The path as OpenAPI writes it: `/products/{id}`.
    pub fn openapi_path(&self) -> String {
        self.path
            .split('/')
            .map(|segment| match segment.strip_prefix(':') {
                Some(name) => format!("{{{name}}}"),
                None => segment.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("/")
    }
}

impl Route {
    /// The methods this route answers, lower case: a GET route answers HEAD too (as GET without
    /// the body, RFC 9110). The one place that rule is written.
    pub fn methods(&self) -> &'static [&'static str] {
        match self.method {
            "get" => &["get", "head"],
            "post" => &["post"],
            "patch" => &["patch"],
            "delete" => &["delete"],
            other => panic!("routes! has no method {other}"),
        }
    }

    /// Whether it answers `method` (any case) on `path`.
    pub fn serves(&self, method: &str, path: &str) -> bool {
        self.matches(path) && self.methods().iter().any(|m| m.eq_ignore_ascii_case(method))
    }

    /// Whether `path` (a request's) is this route's pattern with its `:params` filled.
    pub fn matches(&self, path: &str) -> bool {
        let pattern = self.path.split('/');
        let given: Vec<&str> = path.split('/').collect();
        pattern.clone().count() == given.len()
            && pattern.zip(&given).all(|(p, g)| {
                if p.starts_with(':') {
                    !g.is_empty()
                } else {
                    p == *g
                }
            })
    }
}

impl Route {
    /// Per segment, whether it is spelled out (not a `:param`): where two patterns match a path,
    /// the one spelled out first is the path's (`/dead-letters/:stream/replay` over
    /// `/dead-letters/:stream/:id`), as the router's static segments win over its params.
    fn spelled(&self) -> Vec<bool> {
        self.path.split('/').map(|s| !s.starts_with(':')).collect()
    }
}

/// The routes that serve `path`: of those whose pattern matches it, the ones of the most
/// spelled-out pattern (so that a path's methods are those of one resource, not of a pattern that
/// only happens to match it as well).
pub fn routes_of<'r>(routes: &'r [Route], path: &str) -> Vec<&'r Route> {
    let matching: Vec<&Route> = routes.iter().filter(|r| r.matches(path)).collect();
    let best = matching.iter().map(|r| r.spelled()).max();
    matching
        .into_iter()
        .filter(|r| Some(r.spelled()) == best)
        .collect()
}

/// The `Allow` header of a 405 on `path`: its routed methods, upper case (HEAD wherever GET).
pub fn allowed_methods(routes: &[Route], path: &str) -> String {
    let methods: Vec<String> = routes_of(routes, path)
        .into_iter()
        .filter(|r| !r.internal)
        .flat_map(Route::methods)
        .map(|m| m.to_ascii_uppercase())
        .collect();
    methods.join(", ")
}

/// Builds a worker's router from a table of `method "path" => handler` lines, and `ROUTES`, the
/// same table as data. The router is the only way to serve a route, and `ROUTES` is what
/// `assert_routes_documented` compares with the OpenAPI document: a route added without its
/// documentation (or documented without a route) fails `cargo test`. Routes after `; internal:`
/// are for our own workers only: routed, but neither documented nor listed in `Allow`.
#[macro_export]
macro_rules! routes {
    (
        data: $data:ty;
        $( $method:ident $path:literal => $handler:expr ),+ $(,)?
        $( ; internal: $( $imethod:ident $ipath:literal => $ihandler:expr ),+ $(,)? )?
    ) => {
        /// Every route of `router`, for the test that holds it and the OpenAPI document together.
        pub const ROUTES: &[$crate::contract::Route] = &[
            $( $( $crate::contract::Route { method: stringify!($imethod), path: $ipath, internal: true }, )+ )?
            $( $crate::contract::Route { method: stringify!($method), path: $path, internal: false } ),+
        ];

        /// The router for one request; each handler's `Result` is answered (an error as JSON,
        /// remembered for the request's log line) by `worker_http::respond::reply`.
        #[cfg(target_arch = "wasm32")]
        fn router<'a>(
            data: $crate::Scoped<$data>,
        ) -> $crate::__worker::Router<'a, $crate::Scoped<$data>> {
            let router = $crate::__worker::Router::with_data(data);
            $( $( let router = $crate::routes!(@add router, $imethod, $ipath, |req, rc| async move {
                $crate::respond::handle(req, rc, $ihandler).await
            }); )+ )?
            $( let router = $crate::routes!(@add router, $method, $path, |req, rc| async move {
                $crate::respond::handle(req, rc, $handler).await
            }); )+
            router
        }
    };
    (@add $router:ident, get, $path:literal, $handler:expr) => { $router.get_async($path, $handler) };
    (@add $router:ident, post, $path:literal, $handler:expr) => { $router.post_async($path, $handler) };
    (@add $router:ident, patch, $path:literal, $handler:expr) => { $router.patch_async($path, $handler) };
    (@add $router:ident, delete, $path:literal, $handler:expr) => { $router.delete_async($path, $handler) };
}

/// Whether Redis answers
#[utoipa::path(get, path = "/health", tag = "service", operation_id = "health",
    responses(
        (status = 200, description = "Redis answers.", body = Health),
        (status = 503, description = "Redis does not answer (`status` `degraded`).", body = Health,
            example = json!({"status": "degraded", "service": "inventory", "redis": "unreachable"})),
    ))]
#[allow(dead_code)] // a documentation marker for utoipa, never called
pub fn health() {}

/// This document
#[utoipa::path(get, path = "/openapi.json", tag = "service", operation_id = "openApi",
    responses((status = 200, description = "OpenAPI 3.1. `servers` is `/`, relative: the origin \
        this document was fetched from (never one a request's `Host` names).", body = Object)))]
#[allow(dead_code)] // a documentation marker for utoipa, never called
pub fn openapi_json() {}

/// The tests every worker's contract has: its router and its document agree, and the checked-in
/// copy (`$file`, from the workspace root) is current. In the worker's `contract.rs`, which has
/// `fn openapi()`, given the router's `ROUTES`.
#[macro_export]
macro_rules! contract_tests {
    ($file:literal, $routes:path) => {
        #[cfg(test)]
        mod contract_tests {
            #[test]
            fn every_route_is_documented_and_every_operation_routed() {
                $crate::contract::assert_routes_documented(&super::openapi(), $routes);
            }

            #[test]
            fn the_checked_in_document_is_current() {
                $crate::contract::assert_checked_in(&super::openapi(), $file);
            }
        }
    };
}

/// `GET /health`: 200 when Redis answers, 503 (same body, `degraded`) when it does not.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"status": "ok", "service": "inventory", "redis": "ok"}))]
pub struct Health {
    /// `ok`, or `degraded`: with a 503 when Redis does not answer; with a 200 when consumer-cron
    /// answers but falls behind (`reason` says how).
    pub status: &'static str,
    /// `inventory`, `payment` or `consumer-cron`.
    pub service: &'static str,
    /// `ok` or `unreachable`.
    pub redis: &'static str,
    /// Why a reachable service is degraded (consumer-cron: no recent run, or events waiting).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The limits the API checks on input, for clients that validate before sending.
#[derive(Debug, Serialize, ToSchema)]
pub struct Limits {
    /// Characters of a product name, once trimmed.
    pub name_max_chars: usize,
    /// The highest unit price (two decimals at most).
    pub price_max: u64,
    /// The highest stock, and the most units of one line of an order.
    pub quantity_max: u64,
    /// The most lines of one order (after merging lines of the same product).
    pub order_lines_max: usize,
}

impl Limits {
    pub fn of_the_domain() -> Self {
        Self {
            name_max_chars: ProductName::MAX_CHARS,
            price_max: MAX_PRICE.cents() / 100,
            quantity_max: Quantity::MAX,
            order_lines_max: domain::order::MAX_LINES,
        }
    }
}

fn error_response(description: &str, example: Value) -> RefOr<Response> {
    let content = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("ErrorBody")))
        .example(Some(example))
        .build();
    ResponseBuilder::new()
        .description(description)
        .content("application/json", content)
        .build()
        .into()
}

/// The error responses routes share (`response = worker_http::contract::NotFound` in a
/// `utoipa::path`), each a `$ref` to `components/responses` with an example of its body.
macro_rules! error_responses {
    ($( $name:ident: $description:literal, $code:literal, $message:literal; )+) => {$(
        #[doc = $description]
        pub struct $name;

        impl<'r> utoipa::ToResponse<'r> for $name {
            fn response() -> (&'r str, RefOr<Response>) {
                let example = json!({"error": {"code": $code, "message": $message}});
                (stringify!($name), error_response($description, example))
            }
        }
    )+};
}

error_responses! {
    BadJson: "`bad_json`: the body is not valid JSON.",
        "bad_json", "the body is not valid JSON: EOF while parsing an object at line 1 column 9";
    Unauthorized: "`unauthorized`: the request lacks `Authorization: Bearer <ADMIN_TOKEN>` (or sends another token).",
        "unauthorized", "this change needs the header Authorization: Bearer <ADMIN_TOKEN>";
    NotFound: "`not_found`: no such resource (an id that is not a ULID names nothing either).",
        "not_found", "no product with this id";
    PayloadTooLarge: "`payload_too_large`: the body is over 64 KiB.",
        "payload_too_large", "the body is larger than 64 KiB";
    Unavailable: "`redis_unavailable` (Redis cannot be reached) or `quota_exceeded` (the database is over its plan): nothing was changed that a retry would repeat; try again shortly.",
        "redis_unavailable", "Redis is unreachable right now; try again shortly";
    QuantityBelowReserved: "`quantity_below_reserved`: on hand would go below what placed orders have reserved (every order accepted stays deliverable); nothing changed.",
        "quantity_below_reserved", "5 units are reserved by placed orders; quantity cannot go below that";
    AdminUnavailable: "`admin_not_configured` (this deployment has no `ADMIN_TOKEN`: admin operations are refused until its operator sets one; no retry helps), or `redis_unavailable`, `quota_exceeded` (retry shortly). Nothing was changed.",
        "admin_not_configured", "admin operations are off: this deployment has no ADMIN_TOKEN (its operator sets one with `make deploy`)";
}

/// Defines `$name`, a set of the shared responses by status, for the routes that all answer them:
/// `responses((status = 200, …), c::AdminAccess)` beside a route's own tuples (utoipa's
/// `IntoResponses`). Each is the `$ref` that `(status = N, response = c::X)` writes; a set may
/// include other sets first (`[c::JsonBody, c::AdminAccess]`).
#[macro_export]
macro_rules! response_set {
    ($( $(#[doc = $doc:literal])+ $vis:vis $name:ident: [$( $set:path ),*] $( $status:literal => $response:path ),* ; )+) => {$(
        $(#[doc = $doc])+
        $vis struct $name;

        impl ::utoipa::IntoResponses for $name {
            fn responses() -> ::std::collections::BTreeMap<
                String,
                ::utoipa::openapi::RefOr<::utoipa::openapi::Response>,
            > {
                let mut responses = ::std::collections::BTreeMap::new();
                $( responses.extend(<$set as ::utoipa::IntoResponses>::responses()); )*
                $( responses.insert(
                    $status.to_string(),
                    ::utoipa::openapi::Ref::from_response_name(
                        <$response as ::utoipa::ToResponse>::response().0,
                    )
                    .into(),
                ); )*
                responses
            }
        }
    )+};
}

response_set! {
    /// An admin route's: 401 without the token (or with another), 503 when the deployment has none
    /// or Redis does not answer.
    pub AdminAccess: [] 401 => Unauthorized, 503 => AdminUnavailable;
    /// A route that reads a JSON body: 400 not JSON, 413 too large, 415 not sent as JSON.
    pub JsonBody: [] 400 => BadJson, 413 => PayloadTooLarge, 415 => UnsupportedMediaType;
}

/// An inline response with one more header (`name`: `schema`, `description`).
fn with_header(
    response: RefOr<Response>,
    name: &str,
    schema: ObjectBuilder,
    description: &str,
) -> RefOr<Response> {
    let mut response = match response {
        RefOr::T(response) => response,
        RefOr::Ref(_) => unreachable!("an inline response"),
    };
    insert_header(&mut response, name, schema, description);
    response.into()
}

/// Documents one more header of `response` (`name`: `schema`, `description`).
pub fn insert_header(response: &mut Response, name: &str, schema: ObjectBuilder, description: &str) {
    response.headers.insert(
        name.into(),
        utoipa::openapi::HeaderBuilder::new()
            .schema(Some(schema))
            .description(Some(description))
            .build()
            .into(),
    );
}

/// 415 `unsupported_media_type`, with `Accept-Encoding` when the body was compressed.
pub struct UnsupportedMediaType;

impl<'r> utoipa::ToResponse<'r> for UnsupportedMediaType {
    fn response() -> (&'r str, RefOr<Response>) {
        let example = json!({"error": {"code": "unsupported_media_type", "message": "send the body as Content-Type: application/json"}});
        let identity = schema_of(Type::String).enum_values(Some(["identity"]));
        let response = error_response_with_header(
            "`unsupported_media_type`: the body must be sent as `Content-Type: application/json` \
             (UTF-8), uncompressed: a `Content-Encoding` other than `identity` (gzip, br…) is \
             refused, the message naming it.",
            example,
            "Accept-Encoding",
            identity,
            "`identity` when the body was refused for its `Content-Encoding`: the only coding read.",
        );
        ("UnsupportedMediaType", response)
    }
}

/// An error response with one header it may carry.
fn error_response_with_header(
    description: &str,
    example: Value,
    header: &str,
    schema: ObjectBuilder,
    header_description: &str,
) -> RefOr<Response> {
    with_header(
        error_response(description, example),
        header,
        schema,
        header_description,
    )
}

/// A header value's schema of JSON type `type_`, for the constraints to follow.
fn schema_of(type_: Type) -> ObjectBuilder {
    ObjectBuilder::new().schema_type(type_)
}

/// The schema of an `ETag` header's value: a product's `"<version>.<reserved>"`.
fn etag_schema() -> ObjectBuilder {
    schema_of(Type::String)
        .pattern(Some(r#"^"[0-9]{1,19}\.[0-9]{1,19}"$"#))
        .examples([json!("\"4.3\"")])
}

/// What an `ETag` header says, wherever it is documented.
pub const ETAG_DESCRIPTION: &str = "The representation's entity tag (strong, opaque; quotes \
    included): send it as `If-Match` to change the resource only if nobody changed it since, or as \
    `If-None-Match` to read it only if it changed.";

/// 429 `rate_limited`, with `Retry-After`.
pub struct RateLimited;

impl<'r> utoipa::ToResponse<'r> for RateLimited {
    fn response() -> (&'r str, RefOr<Response>) {
        let example = json!({"error": {"code": "rate_limited", "message": "too many changes from this client; try again in 42 s"}});
        let seconds = schema_of(Type::Integer).minimum(Some(1));
        let response = error_response_with_header(
            "`rate_limited`: this client (IP) made more changes this minute than the worker allows \
             (`[[ratelimits]]` in wrangler.toml; 1,000 a minute by default). Nothing was done; \
             retry after `Retry-After` seconds.",
            example,
            "Retry-After",
            seconds,
            "Seconds to wait before the next try.",
        );
        ("RateLimited", response)
    }
}

/// 412 `precondition_failed`, with the current `ETag`.
pub struct PreconditionFailed;

impl<'r> utoipa::ToResponse<'r> for PreconditionFailed {
    fn response() -> (&'r str, RefOr<Response>) {
        let example = json!({"error": {"code": "precondition_failed",
            "message": "it changed since that ETag was read: its ETag is now \"5.3\"; nothing was changed (read it again, then retry with If-Match: \"5.3\")"}});
        let response = error_response_with_header(
            "`precondition_failed`: `If-Match` names none of the resource's current ETags (it \
             changed since it was read). Nothing was changed; `ETag` is the current one.",
            example,
            "ETag",
            etag_schema(),
            "The resource's current ETag.",
        );
        ("PreconditionFailed", response)
    }
}

/// 304: the client's copy is current.
pub struct NotModified;

impl<'r> utoipa::ToResponse<'r> for NotModified {
    fn response() -> (&'r str, RefOr<Response>) {
        let response = ResponseBuilder::new()
            .description(
                "`If-None-Match` names the current ETag: the copy the client holds is current. No body.",
            )
            .build()
            .into();
        (
            "NotModified",
            with_header(response, "ETag", etag_schema(), ETAG_DESCRIPTION),
        )
    }
}

/// 422 `validation_failed`, with the field at fault.
pub struct ValidationFailed;

impl<'r> utoipa::ToResponse<'r> for ValidationFailed {
    fn response() -> (&'r str, RefOr<Response>) {
        let example = json!({"error": {"code": "validation_failed", "message": "price must be greater than 0", "field": "price"}});
        (
            "ValidationFailed",
            error_response(
                "`validation_failed`: a field is invalid or unknown; `field` names it (`body` for the body as a whole).",
                example,
            ),
        )
    }
}

/// What every worker's document has: the admin token's scheme, and `servers` relative to where
/// the document is served (`/`, which OpenAPI 3.1 resolves against the document's own URL). Never
/// the origin of the request: its `Host` is the client's to choose, and a cache or a custom domain
/// in front would hand a reflected one to every client.
pub struct Common;

impl Modify for Common {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            ADMIN_SCHEME,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The worker's `ADMIN_TOKEN` secret, for product changes and the back \
                         office's list of all orders (without it they are refused, 503 \
                         `admin_not_configured`, unless the local stack runs them open: then the \
                         served document marks them optional); every other read is public.",
                    ))
                    .build(),
            ),
        );
        openapi.servers = Some(vec![Server::new("/")]);
        // HEAD wherever GET (the worker answers it as GET without the body): documented too.
        for item in openapi.paths.paths.values_mut() {
            if let Some(get) = &item.get {
                let mut head = get.clone();
                head.operation_id = head.operation_id.map(|id| format!("{id}Head"));
                head.summary = head.summary.map(|s| format!("{s} (headers only)"));
                head.description = None;
                for response in head.responses.responses.values_mut() {
                    match response {
                        RefOr::T(response) => response.content.clear(),
                        // A shared error response documents a body: HEAD has none.
                        RefOr::Ref(_) => *response = Response::new("As GET, without the body.").into(),
                    }
                }
                item.head = Some(head);
            }
        }
    }
}

/// The document as a worker serves it: its admin operations (those with a `security`
/// requirement) need the token, as the checked-in document says, unless the worker runs them open
/// (`settings::Admin::required`): then it is optional.
pub fn as_served(mut openapi: OpenApi, admin_required: bool) -> OpenApi {
    if !admin_required {
        for item in openapi.paths.paths.values_mut() {
            for operation in operations_mut(item) {
                if let Some(security) = operation.security.as_mut() {
                    *security = vec![
                        SecurityRequirement::default(),
                        SecurityRequirement::new(ADMIN_SCHEME, Vec::<String>::new()),
                    ];
                }
            }
        }
    }
    openapi
}

/// A list route's paging, as its handler reads it: `limit` (1 to `PageRequest::MAX_LIMIT`,
/// `default_limit` when absent), `cursor` (of the pattern `cursor_pattern` makes, from the
/// domain's cursors), and the `Link` header of its 200. `items` names what a page holds.
pub struct Paging {
    pub path: &'static str,
    pub items: &'static str,
    pub default_limit: u32,
    pub cursor_pattern: fn() -> String,
}

/// Documents each list route's paging on its GET (before `Common`, so that HEAD has it too):
/// the parameters and header are written here once, from the values the handlers use, rather than
/// by hand on each route.
pub struct Paged(pub &'static [Paging]);

/// What `Link` is on every page that has a next one.
const NEXT_LINK: &str = "`<…?limit=N&cursor=…>; rel=\"next\"` (RFC 8288; a relative reference, \
    resolved against this request's URL) when more remain.";

impl Modify for Paged {
    fn modify(&self, openapi: &mut OpenApi) {
        use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
        use utoipa::openapi::schema::{KnownFormat, SchemaFormat};
        use utoipa::openapi::Required;
        for paging in self.0 {
            let get = openapi
                .paths
                .paths
                .get_mut(paging.path)
                .and_then(|item| item.get.as_mut())
                .unwrap_or_else(|| panic!("Paged: no GET {}", paging.path));
            let max = domain::PageRequest::MAX_LIMIT;
            let limit = schema_of(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
                .minimum(Some(1))
                .maximum(Some(max));
            let cursor = schema_of(Type::String).pattern(Some((paging.cursor_pattern)()));
            let (items, default) = (paging.items, paging.default_limit);
            let parameters = [
                (
                    "limit",
                    limit,
                    format!("{items} per page: 1 to {max}, {default} when absent."),
                ),
                (
                    "cursor",
                    cursor,
                    "Where the previous page ended: take it from its `Link` header. \
                    A cursor names its list: another list's is refused (422)."
                        .to_owned(),
                ),
            ];
            let list = get.parameters.get_or_insert_with(Vec::new);
            for (name, schema, description) in parameters {
                let parameter = ParameterBuilder::new()
                    .name(name)
                    .parameter_in(ParameterIn::Query)
                    .required(Required::False)
                    .description(Some(description))
                    .schema(Some(schema));
                list.push(parameter.build().into());
            }
            if let Some(RefOr::T(page)) = get.responses.responses.get_mut("200") {
                insert_header(page, "Link", schema_of(Type::String), NEXT_LINK);
            }
        }
    }
}

/// Every operation of a path, to change them all alike.
pub fn operations_mut(
    item: &mut utoipa::openapi::PathItem,
) -> impl Iterator<Item = &mut utoipa::openapi::path::Operation> {
    [
        item.get.as_mut(),
        item.put.as_mut(),
        item.post.as_mut(),
        item.delete.as_mut(),
        item.options.as_mut(),
        item.head.as_mut(),
        item.patch.as_mut(),
        item.trace.as_mut(),
    ]
    .into_iter()
    .flatten()
}

/// Answers `GET /openapi.json` with `openapi` as served (`as_served`).
pub fn serve_document(openapi: OpenApi, admin_required: bool) -> Result<worker::Response, crate::ApiError> {
    crate::respond::json(200, &as_served(openapi, admin_required))
}

/// The (method, path) of every operation of a document, methods in lower case.
pub fn operations(openapi: &OpenApi) -> Vec<(String, String)> {
    let value = serde_json::to_value(openapi).unwrap_or_default();
    let mut out = Vec::new();
    for (path, item) in value["paths"].as_object().into_iter().flatten() {
        for method in [
            "get", "put", "post", "delete", "options", "head", "patch", "trace",
        ] {
            if item.get(method).is_some() {
                out.push((method.to_owned(), path.clone()));
            }
        }
    }
    out.sort();
    out
}

/// Panics (for a test) unless the router's routes and the document's operations are the same: a
/// route is documented under its method (a GET also as HEAD).
pub fn assert_routes_documented(openapi: &OpenApi, routes: &[Route]) {
    let documented = operations(openapi);
    let routes: Vec<&Route> = routes.iter().filter(|r| !r.internal).collect();
    for route in &routes {
        let path = route.openapi_path();
        for method in route.methods() {
            let found = documented.iter().any(|(m, p)| *p == path && m == method);
            assert!(
                found,
                "{method} {} is answered but not in the OpenAPI document",
                route.path
            );
        }
    }
    for (method, path) in &documented {
        let routed = routes
            .iter()
            .any(|r| r.openapi_path() == *path && r.methods().contains(&method.as_str()));
        assert!(routed, "{method} {path} is documented but not routed");
    }
}

/// Panics (for a test) unless the `cursor` parameter of `GET path` publishes the pattern of
/// `list`'s cursors (`utoipa::path` takes only a literal, so the two are held together here).
pub fn assert_cursor_pattern(openapi: &OpenApi, path: &str, list: domain::Listing) {
    let value = serde_json::to_value(openapi).expect("the document serializes");
    let parameters = value["paths"][path]["get"]["parameters"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let cursor = parameters
        .iter()
        .find(|p| p["name"] == "cursor")
        .expect("a cursor parameter");
    assert_eq!(
        cursor["schema"]["pattern"].as_str(),
        Some(list.cursor_pattern().as_str()),
        "GET {path}'s cursor"
    );
}

/// Panics (for a test) unless `file` (from the workspace root) holds exactly this document, so
/// the checked-in contract, which the frontend's types are generated from, is never stale. With
/// `UPDATE_OPENAPI=1` it rewrites the file instead.
pub fn assert_checked_in(openapi: &OpenApi, file: &str) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let path = root.join(file);
    let text = serde_json::to_string_pretty(openapi).expect("the document serializes") + "\n";
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
        std::fs::write(&path, &text).expect("write the document");
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == text,
        "{file} is not the document the code generates: run `make openapi` and commit the result"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_405_lists_the_methods_of_the_path() {
        let routes = [
            Route {
                method: "get",
                path: "/products",
                internal: false,
            },
            Route {
                method: "post",
                path: "/products",
                internal: false,
            },
            Route {
                method: "get",
                path: "/products/:id",
                internal: false,
            },
            Route {
                method: "delete",
                path: "/products/:id",
                internal: false,
            },
        ];
        assert_eq!(allowed_methods(&routes, "/products"), "GET, HEAD, POST");
        assert_eq!(allowed_methods(&routes, "/products/01ABC"), "GET, HEAD, DELETE");
        assert_eq!(allowed_methods(&routes, "/products/"), "");
        assert_eq!(allowed_methods(&routes, "/products/a/b"), "");
    }

    /// A path both an action's pattern and a param's match is the action's: its `Allow` lists the
    /// action's methods only.
    #[test]
    fn a_spelled_out_segment_wins_over_a_param() {
        let route = |method, path| Route {
            method,
            path,
            internal: false,
        };
        let routes = [
            route("get", "/dead-letters/:stream"),
            route("delete", "/dead-letters/:stream"),
            route("post", "/dead-letters/:stream/replay"),
            route("post", "/dead-letters/:stream/:id/replay"),
            route("delete", "/dead-letters/:stream/:id"),
        ];
        assert_eq!(allowed_methods(&routes, "/dead-letters/x/replay"), "POST");
        assert_eq!(allowed_methods(&routes, "/dead-letters/x/1-0"), "DELETE");
        assert_eq!(allowed_methods(&routes, "/dead-letters/x/1-0/replay"), "POST");
        assert_eq!(allowed_methods(&routes, "/dead-letters/x"), "GET, HEAD, DELETE");
        let served: Vec<&str> = routes_of(&routes, "/dead-letters/x/replay")
            .iter()
            .map(|r| r.method)
            .collect();
        assert_eq!(served, ["post"]);
    }

    #[test]
    fn router_paths_become_openapi_paths() {
        let route = Route {
            method: "get",
            path: "/orders/:id/cancel",
            internal: false,
        };
        assert_eq!(route.openapi_path(), "/orders/{id}/cancel");
    }
}
