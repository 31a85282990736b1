//! The payment worker's HTTP contract, as OpenAPI 3.1: generated from the types its handlers parse
//! and answer with, served at `/openapi.json` and checked in at `docs/openapi/payment.json`. The
//! functions below only carry each route's documentation; the tests hold them to `ROUTES`.

use domain::{FeeRate, Id, Order, OrderRequest};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use worker_http::contract::{self as c, Common, Limits};
use worker_http::error::{ErrorBody, ErrorCode};

/// `GET /config`: what a client needs to quote an order exactly and validate it before sending.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"fee_rate": 0.2, "fee_rate_basis_points": 2000,
    "limits": {"name_max_chars": 200, "price_max": 1000000, "quantity_max": 1000000000,
    "order_lines_max": 50}}))]
pub struct PaymentConfig {
    /// `FEE_RATE`: the fee as a fraction of the unit price.
    pub fee_rate: f64,
    /// The same in basis points: fee in cents = (price in cents × this + 5000) / 10000, rounded
    /// down (that is, to the nearest cent, halves up).
    pub fee_rate_basis_points: u32,
    pub limits: Limits,
}

impl PaymentConfig {
    pub fn new(rate: FeeRate) -> Self {
        let bp = rate.basis_points();
        Self {
            fee_rate: f64::from(bp) / 10_000.0,
            fee_rate_basis_points: bp,
            limits: Limits::of_the_domain(),
        }
    }
}

/// Orders a page of the history holds without `limit`.
pub const ORDERS_DEFAULT_LIMIT: u32 = 50;

/// The list in pages: the history.
const PAGES: c::Paged = c::Paged(&[c::Paging {
    path: "/orders",
    items: "Orders",
    default_limit: ORDERS_DEFAULT_LIMIT,
    cursor_pattern: || domain::Listing::Orders.cursor_pattern(),
}]);

/// The payment worker's OpenAPI document (`servers` relative; the worker sets its own origin).
pub fn openapi() -> utoipa::openapi::OpenApi {
    Api::openapi()
}

#[derive(OpenApi)]
#[openapi(
    info(description = include_str!("../../docs/openapi/payment.md")),
    paths(c::health, c::openapi_json, config, place, recent, read, cancel),
    components(
        schemas(ErrorBody, ErrorCode),
        responses(c::BadJson, c::NotFound, c::PayloadTooLarge, c::UnsupportedMediaType,
            c::ValidationFailed, c::RateLimited, c::Unauthorized, c::Unavailable, c::AdminUnavailable),
    ),
    modifiers(&PAGES, &Common),
    tags(
        (name = "orders", description = "Orders and their simulated payment."),
        (name = "service", description = "Health, configuration and this document."),
    ),
)]
struct Api;

/// Fee rate and input limits
#[utoipa::path(get, path = "/config", tag = "service", operation_id = "paymentConfig",
    responses((status = 200, description = "The fee rate and the limits this worker checks.",
        body = PaymentConfig)))]
#[allow(dead_code)] // a documentation marker for utoipa, never called
fn config() {}

/// Place an order
///
/// A cart of 1 to 50 lines (`{"lines": [{"product_id", "quantity"}, ...]}`), or the tutorial's
/// one-product body (`{"id", "quantity"}`), which is a one-line order. Lines of the same product
/// are merged (quantities added). Each line's unit price and name are read from the catalogue
/// (never from the client) and kept on the order as they were; its `fee` is `FEE_RATE` × price
/// rounded to the cent (halves up), its `total = (price + fee) × quantity`; the order's `total` is
/// the sum of the lines'. A one-line order also answers the tutorial's fields (`product_id`,
/// `price`, `fee`, `quantity`).
///
/// **All or nothing, at once**: every line's quantity is **reserved** (each product's
/// `available` drops at once; its `quantity` on hand drops when the stock is taken), or nothing
/// is: a line asking for more than is available is 409 `insufficient_stock` with every short
/// line in `details` (`product_id`, `available`), and an id that names no product is 404
/// `not_found` naming each (`details`). Nothing is stored or charged then. One Redis round trip
/// for the whole cart.
///
/// The order answers `pending`; the simulated payment completes it `PAYMENT_DELAY_MS` (5 s)
/// later and the consumer takes every line's stock within about a second. If a product is deleted
/// first, the whole order is `refunded` (`product_deleted`) and nothing is taken. A pending order
/// can be cancelled (`POST /orders/{id}/cancel`).
///
/// **The order's id is its customer's credential** (a ULID with 80 random bits): whoever holds it
/// reads and cancels the order; keep it like a receipt. The list of all orders is the back
/// office's (`GET /orders`, admin token).
///
/// **Safe to retry** with an `Idempotency-Key` (Stripe's rules): the same key with the same
/// request within 24 h answers the first answer again (the order as it was placed: same status,
/// body and id, with `Idempotent-Replayed: true`) and places nothing; the same key with a
/// different request is 422 `idempotency_key_reused`. The same request means the same products
/// and quantities, in any order of lines. The key is claimed in the same atomic step that stores
/// the order, so concurrent retries see either nothing or the finished first answer (there is no
/// "in flight" state, and so no 409 for it). Without a key, every request places an order.
#[utoipa::path(post, path = "/orders", tag = "orders", operation_id = "placeOrder",
    params(("Idempotency-Key" = Option<String>, Header, pattern = r"^[ -~]{1,255}$",
        description = "Your name for this attempt (1 to 255 printable ASCII characters), e.g. a UUID made once per checkout and sent again on every retry of it.")),
    request_body(content = OrderRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "Placed, `pending`, every line reserved (or the first answer to this `Idempotency-Key`, replayed).", body = Order,
            headers(("Idempotent-Replayed" = String, description = "`true` when this is the first answer to this `Idempotency-Key`, replayed."))),
        (status = 404, description = "`not_found`: products that do not exist, each in `details`; nothing was placed.",
            body = ErrorBody, example = json!({"error": {"code": "not_found", "message": "no product with the id 01JDQ3T0X6M6V1W3C6W7N5K8ZP; nothing was ordered", "details": [{"product_id": "01JDQ3T0X6M6V1W3C6W7N5K8ZP"}]}})),
        (status = 409, description = "`insufficient_stock`: lines that ask for more units than are available right now, each in `details` with what is available; nothing was placed.",
            body = ErrorBody, example = json!({"error": {"code": "insufficient_stock", "message": "not enough available of: 01JDQ3T0X6M6V1W3C6W7N5K8ZP (2 available); nothing was ordered", "details": [{"product_id": "01JDQ3T0X6M6V1W3C6W7N5K8ZP", "available": 2}]}})),
        (status = 422, description = "`validation_failed` (a field, or the `Idempotency-Key` header, is invalid; `field` names it, e.g. `lines[2].quantity`) or `idempotency_key_reused` (this key was used for a different request).",
            body = ErrorBody, example = json!({"error": {"code": "idempotency_key_reused", "message": "this Idempotency-Key was used for a different request; use a new key", "field": "Idempotency-Key"}})),
        (status = 429, response = c::RateLimited),
        (status = 503, response = c::Unavailable),
        c::JsonBody,
    ))]
#[allow(dead_code)] // a documentation marker for utoipa, never called
fn place() {}

/// All orders (back office)
///
/// Every order, newest first, in pages; when more remain, `Link` names the next page. One Redis
/// round trip per page. The back office's list: it needs the admin token (401 without it; 503
/// `admin_not_configured` from a deployment without `ADMIN_TOKEN`). A
/// customer reads their own orders by id (`GET /orders/{id}`).
#[utoipa::path(get, path = "/orders", tag = "orders", operation_id = "listOrders",
    security(("adminToken" = [])),
    responses(
        (status = 200, description = "A page of orders, newest first.", body = Vec<Order>),
        (status = 422, response = c::ValidationFailed),
        c::AdminAccess,
    ))]
#[allow(dead_code)] // a documentation marker for utoipa, never called
fn recent() {}

/// Read an order
///
/// The order's id is its customer's credential: whoever holds it reads the order.
#[utoipa::path(get, path = "/orders/{id}", tag = "orders", operation_id = "getOrder",
    params(("id" = Id, Path, description = "The order's id.")),
    responses(
        (status = 200, description = "The order.", body = Order),
        (status = 404, response = c::NotFound),
        (status = 503, response = c::Unavailable),
    ))]
#[allow(dead_code)] // a documentation marker for utoipa, never called
fn read() {}

/// Cancel a pending order
///
/// The order becomes `cancelled` and every line's reservation is released (each product's
/// `available` goes back up). Atomic with respect to the payment: an order ends either
/// `completed` or `cancelled`, never both. Cancelling it again, or cancelling a `completed` or
/// `refunded` order, is 409 `not_cancellable` (the message says its status). No body. The order's
/// id is the credential: no token is needed.
#[utoipa::path(post, path = "/orders/{id}/cancel", tag = "orders", operation_id = "cancelOrder",
    params(("id" = Id, Path, description = "The order's id.")),
    responses(
        (status = 200, description = "Cancelled; the order as it is now.", body = Order),
        (status = 404, response = c::NotFound),
        (status = 409, description = "`not_cancellable`: the order is no longer pending.",
            body = ErrorBody, example = json!({"error": {"code": "not_cancellable", "message": "the order is completed; only a pending order can be cancelled"}})),
        (status = 429, response = c::RateLimited),
        (status = 503, response = c::Unavailable),
    ))]
#[allow(dead_code)] // a documentation marker for utoipa, never called
fn cancel() {}

worker_http::contract_tests!("docs/openapi/payment.json", crate::ROUTES);

#[cfg(test)]
mod tests {
    /// The cursor the document publishes is this list's (see `domain::Listing`).
    #[test]
    fn the_cursor_pattern_is_this_lists() {
        worker_http::contract::assert_cursor_pattern(&super::openapi(), "/orders", domain::Listing::Orders);
    }
}
