//! The payment worker's HTTP contract, as OpenAPI 3.1: generated from the types its handlers parse
//! and answer with, served at `/openapi.json` and checked in at `docs/openapi/payment.json`. The
//! functions below only carry each route's documentation; the tests hold them to `ROUTES`.
#![allow(dead_code)] // the functions are documentation markers, never called

use domain::{FeeRate, Id, Order, OrderRequest};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use worker_http::contract::{self as c, Common, Limits};
use worker_http::error::{ErrorBody, ErrorCode};

/// `GET /config`: what a client needs to quote an order exactly and validate it before sending.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"fee_rate": 0.2, "fee_rate_basis_points": 2000,
    "limits": {"name_max_chars": 200, "price_max": 1000000, "quantity_max": 1000000000}}))]
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

#[derive(OpenApi)]
#[openapi(
    info(
        title = "payment-worker",
        version = env!("CARGO_PKG_VERSION"),
        description = include_str!("../../docs/openapi/payment.md"),
    ),
    paths(c::health, c::openapi_json, config, place, recent, read, cancel),
    components(
        schemas(ErrorBody, ErrorCode),
        responses(c::BadJson, c::NotFound, c::PayloadTooLarge, c::UnsupportedMediaType,
            c::ValidationFailed, c::RateLimited, c::Unauthorized, c::Unavailable, c::AdminUnavailable),
    ),
    tags(
        (name = "orders", description = "Orders and their simulated payment."),
        (name = "service", description = "Health, configuration and this document."),
    ),
    modifiers(&Common),
)]
struct Api;

/// The payment worker's OpenAPI document (`servers` relative; the worker sets its own origin).
pub fn openapi() -> utoipa::openapi::OpenApi {
    Api::openapi()
}

/// Fee rate and input limits
#[utoipa::path(get, path = "/config", tag = "service", operation_id = "paymentConfig",
    responses((status = 200, description = "The fee rate and the limits this worker checks.",
        body = PaymentConfig)))]
fn config() {}

/// Place an order
///
/// The unit price is read from the inventory (never from the client); `fee` is `FEE_RATE` × price
/// rounded to the cent, `total = (price + fee) × quantity`. Placing the order **reserves** its
/// quantity: the product's `available` drops at once (its `quantity` on hand drops when the stock
/// is taken). When fewer units are available than ordered, the answer is 409
/// `insufficient_stock` at once, and nothing is stored or charged. The order answers `pending`;
/// the simulated payment completes it `PAYMENT_DELAY_MS` (5 s) later and the stock is taken within
/// about a second. If the product is deleted first, the order is `refunded` (`product_deleted`).
/// A pending order can be cancelled (`POST /orders/{id}/cancel`).
///
/// **Safe to retry** with an `Idempotency-Key` (Stripe's rules): the same key with the same
/// request within 24 h answers the first answer again (same status, body and order id, with
/// `Idempotent-Replayed: true`) and places nothing; the same key with a different request is 422
/// `idempotency_key_reused`. The key is claimed in the same atomic step that stores the order, so
/// concurrent retries see either nothing or the finished first answer (there is no "in flight"
/// state, and so no 409 for it); concurrent retries share one reservation. Without a key, every
/// request places an order.
#[utoipa::path(post, path = "/orders", tag = "orders", operation_id = "placeOrder",
    params(("Idempotency-Key" = Option<String>, Header, pattern = r"^[ -~]{1,255}$",
        description = "Your name for this attempt (1 to 255 printable ASCII characters), e.g. a UUID made once per checkout and sent again on every retry of it.")),
    request_body(content = OrderRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "Placed, `pending` (or the first answer to this `Idempotency-Key`, replayed).", body = Order,
            headers(("Idempotent-Replayed" = String, description = "`true` when this is the first answer to this `Idempotency-Key`, replayed."))),
        (status = 400, response = c::BadJson),
        (status = 404, response = c::NotFound),
        (status = 409, description = "`insufficient_stock`: fewer units available right now than ordered; nothing was placed.",
            body = ErrorBody, example = json!({"error": {"code": "insufficient_stock", "message": "only 2 available"}})),
        (status = 413, response = c::PayloadTooLarge),
        (status = 415, response = c::UnsupportedMediaType),
        (status = 422, description = "`validation_failed` (a field, or the `Idempotency-Key` header, is invalid; `field` names it) or `idempotency_key_reused` (this key was used for a different request).",
            body = ErrorBody, example = json!({"error": {"code": "idempotency_key_reused", "message": "this Idempotency-Key was used for a different request; use a new key", "field": "Idempotency-Key"}})),
        (status = 429, response = c::RateLimited),
        (status = 503, response = c::Unavailable),
    ))]
fn place() {}

/// Recent orders
///
/// Newest first, in pages; when more remain, `Link` names the next page. One Redis round trip per
/// page.
#[utoipa::path(get, path = "/orders", tag = "orders", operation_id = "listOrders",
    params(
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 500,
            description = "Orders per page: 1 to 500, 50 when absent."),
        ("cursor" = Option<String>, Query, pattern = r"^[0-9]{1,16}-[0-9A-Za-z]{26}$",
            description = "Where the previous page ended: take it from its `Link` header."),
    ),
    responses(
        (status = 200, description = "A page of orders, newest first.", body = Vec<Order>,
            headers(("Link" = String, description = "`<…?limit=N&cursor=…>; rel=\"next\"` (RFC 8288) when more remain."))),
        (status = 422, response = c::ValidationFailed),
        (status = 503, response = c::Unavailable),
    ))]
fn recent() {}

/// Read an order
#[utoipa::path(get, path = "/orders/{id}", tag = "orders", operation_id = "getOrder",
    params(("id" = Id, Path, description = "The order's id.")),
    responses(
        (status = 200, description = "The order.", body = Order),
        (status = 404, response = c::NotFound),
        (status = 503, response = c::Unavailable),
    ))]
fn read() {}

/// Cancel a pending order
///
/// The order becomes `cancelled` and its reservation is released (the product's `available` goes
/// back up). Atomic with respect to the payment: an order ends either `completed` or `cancelled`,
/// never both. Cancelling it again, or cancelling a `completed` or `refunded` order, is 409
/// `not_cancellable` (the message says its status). No body. Like product changes, it needs the
/// admin token (without `ADMIN_TOKEN` the deployment refuses it: 503 `admin_not_configured`).
#[utoipa::path(post, path = "/orders/{id}/cancel", tag = "orders", operation_id = "cancelOrder",
    params(("id" = Id, Path, description = "The order's id.")),
    security(("adminToken" = [])),
    responses(
        (status = 200, description = "Cancelled; the order as it is now.", body = Order),
        (status = 401, response = c::Unauthorized),
        (status = 404, response = c::NotFound),
        (status = 409, description = "`not_cancellable`: the order is no longer pending.",
            body = ErrorBody, example = json!({"error": {"code": "not_cancellable", "message": "the order is completed; only a pending order can be cancelled"}})),
        (status = 429, response = c::RateLimited),
        (status = 503, response = c::AdminUnavailable),
    ))]
fn cancel() {}

worker_http::contract_tests!("docs/openapi/payment.json", crate::ROUTES);
