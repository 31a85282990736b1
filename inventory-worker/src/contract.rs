//! The inventory's HTTP contract, as OpenAPI 3.1: generated from the types its handlers parse and
//! answer with (`domain`, `worker_http::contract`), served at `/openapi.json` and checked in at
//! `docs/openapi/inventory.json`. The functions below only carry the documentation of each route
//! (`utoipa::path`); the tests hold them to the router's `ROUTES`.

use domain::{
    Adjustment, AdjustmentReason, EntryId, Id, LedgerEntry, LedgerReason, Listing, NewProduct, PageRequest,
    Product, ProductPatch,
};
use serde::Serialize;
use store::LEDGER_LIST;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{Modify, OpenApi, ToSchema};
use worker_http::contract::{self as c, Common, Limits};
use worker_http::error::{ErrorBody, ErrorCode};
use worker_http::response_set;

/// `GET /config`: what a client needs to validate a product before sending it.
#[derive(Debug, Serialize, ToSchema)]
pub struct InventoryConfig {
    pub limits: Limits,
}

/// The inventory's OpenAPI document (`servers` relative; the worker sets its own origin).
pub fn openapi() -> utoipa::openapi::OpenApi {
    Api::openapi()
}

#[derive(OpenApi)]
#[openapi(
    info(description = include_str!("../../docs/openapi/inventory.md")),
    paths(c::health, c::openapi_json, config, list, create, read, update, delete, adjust, ledger),
    components(
        schemas(ErrorBody, ErrorCode, AdjustmentReason, LedgerReason),
        responses(c::BadJson, c::Unauthorized, c::NotFound, c::PayloadTooLarge,
            c::UnsupportedMediaType, c::ValidationFailed, c::RateLimited, c::Unavailable, c::AdminUnavailable,
            c::PreconditionFailed, c::NotModified, c::QuantityBelowReserved),
    ),
    modifiers(&ProductETag, &PAGES, &Common),
    tags(
        (name = "products", description = "The product catalogue."),
        (name = "service", description = "Health, configuration and this document."),
    ),
)]
struct Api;

response_set! {
    /// Creating a product: a JSON body, admin only, validated, rate limited.
    AdminWrite: [c::JsonBody, c::AdminAccess] 422 => c::ValidationFailed, 429 => c::RateLimited;
    /// A change to a product that exists, which `If-Match` may guard.
    Guarded: [c::AdminAccess] 404 => c::NotFound, 412 => c::PreconditionFailed,
        422 => c::ValidationFailed, 429 => c::RateLimited;
    /// A change of a product's fields or stock: guarded, with a JSON body, never below reserved.
    ProductChange: [Guarded, c::JsonBody] 409 => c::QuantityBelowReserved;
}

/// Ledger entries a page holds without `limit`.
pub const LEDGER_DEFAULT_LIMIT: u32 = 50;

/// The lists in pages: the catalogue and a product's ledger.
const PAGES: c::Paged = c::Paged(&[
    c::Paging {
        path: "/products",
        items: "Products",
        default_limit: PageRequest::MAX_LIMIT,
        cursor_pattern: || Listing::Products.cursor_pattern(),
    },
    c::Paging {
        path: "/products/{id}/ledger",
        items: "Entries",
        default_limit: LEDGER_DEFAULT_LIMIT,
        cursor_pattern: || EntryId::cursor_pattern(&[LEDGER_LIST.to_owned()]),
    },
]);

/// What a product's `ETag` header says, on every answer that is one product.
const PRODUCT_ETAG: &str = "The product's entity tag (`\"<version>.<reserved>\"`, opaque): send \
    it as `If-Match` to change the product only if nobody changed it since, or as `If-None-Match` \
    to read it only if it changed.";

/// Documents the `ETag` header on every 2xx answer whose body is one `Product` (the worker sends
/// it with each); before `Common`, so that their HEAD has it too.
struct ProductETag;

impl Modify for ProductETag {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let product = RefOr::Ref(Ref::from_schema_name("Product"));
        for item in openapi.paths.paths.values_mut() {
            for operation in c::operations_mut(item) {
                for (status, response) in &mut operation.responses.responses {
                    let RefOr::T(response) = response else { continue };
                    let body = response
                        .content
                        .get("application/json")
                        .and_then(|content| match content {
                            RefOr::T(content) => content.schema.as_ref(),
                            RefOr::Ref(_) => None,
                        });
                    if status.starts_with('2') && body == Some(&product) {
                        let string = ObjectBuilder::new().schema_type(Type::String);
                        c::insert_header(response, "ETag", string, PRODUCT_ETAG);
                    }
                }
            }
        }
    }
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
    responses(
        (status = 200, description = "A page of products, oldest first.", body = Vec<Product>),
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
        (status = 409, description = "`id_taken`: a generated id collided (never seen in practice); send it again.",
            body = ErrorBody, example = json!({"error": {"code": "id_taken", "message": "please try again"}})),
        AdminWrite,
    ))]
#[allow(dead_code)] // a documentation marker for utoipa, never called
fn create() {}

/// Read a product
///
/// With `If-None-Match` naming its current ETag (or `*`), 304 without a body: the copy the client
/// holds is current. One Redis round trip either way.
#[utoipa::path(get, path = "/products/{id}", tag = "products", operation_id = "getProduct",
    params(
        ("id" = Id, Path, description = "The product's id."),
        ("If-None-Match" = Option<String>, Header,
            description = "ETags the client holds (`\"4.3\"`, a list, or `*`): 304 if one is current. Weak tags compare by their value. A value that is no list of entity tags is 422."),
    ),
    responses(
        (status = 200, description = "The product.", body = Product),
        (status = 304, response = c::NotModified),
        (status = 404, response = c::NotFound),
        (status = 422, response = c::ValidationFailed),
        (status = 503, response = c::Unavailable),
    ))]
#[allow(dead_code)] // a documentation marker for utoipa, never called
fn read() {}

/// Change a product
///
/// Any of name, price, quantity. `quantity` sets the stock on hand to that number (a count); to
/// add received units or remove broken ones, post an adjustment instead, which never overwrites
/// a sale. With `If-Match`, the change is made only if the product is still as the client read it
/// (412 `precondition_failed` otherwise, with its current `ETag`, nothing changed): the way to
/// set an absolute count safely. On hand cannot go below what placed orders have reserved (409
/// `quantity_below_reserved`: every order accepted can be delivered). Orders already placed keep
/// the price they were placed at. A quantity that changes on hand is a `set` entry of its ledger.
#[utoipa::path(patch, path = "/products/{id}", tag = "products", operation_id = "updateProduct",
    params(
        ("id" = Id, Path, description = "The product's id."),
        ("If-Match" = Option<String>, Header,
            description = "ETags the client holds (`\"4.3\"`, a list, or `*`): change it only if one is current, else 412. Strong comparison: a weak tag never matches. A value that is no list of entity tags is 422."),
    ),
    request_body(content = ProductPatch, content_type = "application/json"),
    security(("adminToken" = [])),
    responses(
        (status = 200, description = "The product as it is now.", body = Product),
        ProductChange,
    ))]
#[allow(dead_code)] // a documentation marker for utoipa, never called
fn update() {}

/// Adjust the stock
///
/// Adds `delta` (negative: removes) to on hand, atomically with every sale and every other change
/// (one Redis round trip): a restock can no longer erase a sale, however they interleave. It
/// answers the product as it is after the change (200; the adjustment itself is its ledger
/// entry). Refused, changing nothing: below what placed orders have reserved (409
/// `quantity_below_reserved`), below 0 or past the largest quantity (422 naming `delta`). With
/// `If-Match`, only if the product is still as the client read it (412 otherwise): a retry of an
/// adjustment whose answer was lost is then safe. An adjustment is never retried by the worker
/// itself after a failure that may have reached Redis (it would count twice): a 503 means its
/// effect is unknown; read the ledger.
#[utoipa::path(post, path = "/products/{id}/adjustments", tag = "products", operation_id = "adjustStock",
    params(
        ("id" = Id, Path, description = "The product's id."),
        ("If-Match" = Option<String>, Header,
            description = "ETags the client holds: adjust only if one is current, else 412. Strong comparison."),
    ),
    request_body(content = Adjustment, content_type = "application/json"),
    security(("adminToken" = [])),
    responses(
        (status = 200, description = "The product after the adjustment.", body = Product),
        ProductChange,
    ))]
#[allow(dead_code)] // a documentation marker for utoipa, never called
fn adjust() {}

/// A product's stock ledger
///
/// Every change of its on hand, newest first: `created`, `adjustment` (with its
/// `adjustment_reason` and `note`), `set` (a `PATCH` of `quantity`), `order` (the consumer took an
/// order line's units: `order_id`) and `deleted` (what deleting it removed). Each entry's
/// `quantity_after` is the previous one's plus its `change`, so the changes add up to on hand. At
/// least the last 1,000 changes of a product are kept; a deleted product's ledger stays readable
/// for 30 days. The back office's: it needs the admin token when one is set. One Redis round
/// trip (one command) a page; `Link` names the next page.
#[utoipa::path(get, path = "/products/{id}/ledger", tag = "products", operation_id = "productLedger",
    params(("id" = Id, Path, description = "The product's id.")),
    security(("adminToken" = [])),
    responses(
        (status = 200, description = "A page of the ledger, newest first.", body = Vec<LedgerEntry>),
        (status = 404, description = "`not_found`: no such product, and no ledger left of one deleted.",
            body = ErrorBody, example = json!({"error": {"code": "not_found", "message": "no ledger for this product id"}})),
        (status = 422, response = c::ValidationFailed),
        c::AdminAccess,
    ))]
#[allow(dead_code)] // a documentation marker for utoipa, never called
fn ledger() {}

/// Delete a product
///
/// Orders of it that are not delivered yet are refunded (`product_deleted`); their reservations go
/// with it. Its ledger stays 30 days, its last entry `deleted` (the on hand it removed). With
/// `If-Match`, only if the product is still as the client read it (412 otherwise, nothing
/// deleted).
#[utoipa::path(delete, path = "/products/{id}", tag = "products", operation_id = "deleteProduct",
    params(
        ("id" = Id, Path, description = "The product's id."),
        ("If-Match" = Option<String>, Header,
            description = "ETags the client holds: delete only if one is current, else 412. Strong comparison."),
    ),
    security(("adminToken" = [])),
    responses(
        (status = 204, description = "Deleted."),
        Guarded,
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
