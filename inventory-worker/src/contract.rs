//! The inventory's HTTP contract, as OpenAPI 3.1: generated from the types its handlers parse and
//! answer with (`domain`, `worker_http::contract`), served at `/openapi.json` and checked in at
//! `docs/openapi/inventory.json`. The functions below only carry the documentation of each route
//! (`utoipa::path`); the tests hold them to the router's `ROUTES`.

use domain::{Id, NewProduct, Product, ProductPatch};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use worker_http::contract::{self as c, Common, Limits};
use worker_http::error::{ErrorBody, ErrorCode};

/// `GET /config`: what a client needs to validate a product before sending it.
#[derive(Debug, Serialize, ToSchema)]
pub struct InventoryConfig {
    pub limits: Limits,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "inventory-worker",
        version = env!("CARGO_PKG_VERSION"),
        description = include_str!("../../docs/openapi/inventory.md"),
    ),
    paths(c::health, c::openapi_json, config, list, create, read, update, delete),
    components(
        schemas(ErrorBody, ErrorCode),
        responses(c::BadJson, c::Unauthorized, c::NotFound, c::PayloadTooLarge,
            c::UnsupportedMediaType, c::ValidationFailed, c::RateLimited, c::Unavailable, c::AdminUnavailable),
    ),
    tags(
        (name = "products", description = "The product catalogue."),
        (name = "service", description = "Health, configuration and this document."),
    ),
    modifiers(&Common),
)]
struct Api;

/// The inventory's OpenAPI document (`servers` relative; the worker sets its own origin).
pub fn openapi() -> utoipa::openapi::OpenApi {
    Api::openapi()
}

/// Input limits
#[utoipa::path(get, path = "/config", tag = "service", operation_id = "inventoryConfig",
    responses((status = 200, description = "The limits this worker checks.", body = InventoryConfig)))]
#[allow(dead_code)] // a documentation marker for utoipa, never called
fn config() {}

/// List products
///
/// Oldest first, in pages of at most 500 (without `limit`, the first 500: all of them, as in the
/// tutorial, for a catalogue of up to 500). When more remain, `Link` names the next page; pages
/// stay stable while products are added or deleted between them. One Redis round trip per page.
#[utoipa::path(get, path = "/products", tag = "products", operation_id = "listProducts",
    params(
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 500,
            description = "Products per page: 1 to 500, 500 when absent."),
        ("cursor" = Option<String>, Query, pattern = r"^products\.[0-9]{1,16}-[0-9A-Za-z]{26}$",
            description = "Where the previous page ended: take it from its `Link` header. A cursor names its list: one of `/orders` is refused here (422)."),
    ),
    responses(
        (status = 200, description = "A page of products, oldest first.", body = Vec<Product>,
            headers(("Link" = String, description = "`</products?limit=N&cursor=…>; rel=\"next\"` (RFC 8288; a relative reference, resolved against this request's URL) when more remain."))),
        (status = 422, response = c::ValidationFailed),
        (status = 503, response = c::Unavailable),
    ))]
#[allow(dead_code)] // a documentation marker for utoipa, never called
fn list() {}

/// Create a product
#[utoipa::path(post, path = "/products", tag = "products", operation_id = "createProduct",
    request_body(content = NewProduct, content_type = "application/json"),
    security(("adminToken" = [])),
    responses(
        (status = 201, description = "Created; the product with its new id.", body = Product),
        (status = 400, response = c::BadJson),
        (status = 401, response = c::Unauthorized),
        (status = 409, description = "`id_taken`: a generated id collided (never seen in practice); send it again.",
            body = ErrorBody, example = json!({"error": {"code": "id_taken", "message": "please try again"}})),
        (status = 413, response = c::PayloadTooLarge),
        (status = 415, response = c::UnsupportedMediaType),
        (status = 422, response = c::ValidationFailed),
        (status = 429, response = c::RateLimited),
        (status = 503, response = c::AdminUnavailable),
    ))]
#[allow(dead_code)] // a documentation marker for utoipa, never called
fn create() {}

/// Read a product
#[utoipa::path(get, path = "/products/{id}", tag = "products", operation_id = "getProduct",
    params(("id" = Id, Path, description = "The product's id.")),
    responses(
        (status = 200, description = "The product.", body = Product),
        (status = 404, response = c::NotFound),
        (status = 503, response = c::Unavailable),
    ))]
#[allow(dead_code)] // a documentation marker for utoipa, never called
fn read() {}

/// Change a product
///
/// Any of name, price, quantity. `quantity` sets the stock on hand (a restock); it does not add to
/// it, and it cannot go below what placed orders have reserved (409 `quantity_below_reserved`:
/// every order accepted can be delivered). Orders already placed keep the price they were placed
/// at.
#[utoipa::path(patch, path = "/products/{id}", tag = "products", operation_id = "updateProduct",
    params(("id" = Id, Path, description = "The product's id.")),
    request_body(content = ProductPatch, content_type = "application/json"),
    security(("adminToken" = [])),
    responses(
        (status = 200, description = "The product as it is now.", body = Product),
        (status = 400, response = c::BadJson),
        (status = 401, response = c::Unauthorized),
        (status = 404, response = c::NotFound),
        (status = 409, description = "`quantity_below_reserved`: placed orders have reserved more units than this quantity; nothing changed.",
            body = ErrorBody, example = json!({"error": {"code": "quantity_below_reserved", "message": "5 units are reserved by placed orders; quantity cannot go below that"}})),
        (status = 413, response = c::PayloadTooLarge),
        (status = 415, response = c::UnsupportedMediaType),
        (status = 422, response = c::ValidationFailed),
        (status = 429, response = c::RateLimited),
        (status = 503, response = c::AdminUnavailable),
    ))]
#[allow(dead_code)] // a documentation marker for utoipa, never called
fn update() {}

/// Delete a product
///
/// Orders of it that are not delivered yet are refunded (`product_deleted`); their reservations go
/// with it.
#[utoipa::path(delete, path = "/products/{id}", tag = "products", operation_id = "deleteProduct",
    params(("id" = Id, Path, description = "The product's id.")),
    security(("adminToken" = [])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 401, response = c::Unauthorized),
        (status = 404, response = c::NotFound),
        (status = 429, response = c::RateLimited),
        (status = 503, response = c::AdminUnavailable),
    ))]
#[allow(dead_code)] // a documentation marker for utoipa, never called
fn delete() {}

worker_http::contract_tests!("docs/openapi/inventory.json", crate::ROUTES);

#[cfg(test)]
mod tests {
    /// The cursor the document publishes is this list's (see `domain::Listing`).
    #[test]
    fn the_cursor_pattern_is_this_lists() {
        worker_http::contract::assert_cursor_pattern(
            &super::openapi(),
            "/products",
            domain::Listing::Products,
        );
    }
}
