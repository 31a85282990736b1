use domain::precondition::{IF_MATCH, IF_NONE_MATCH};
use domain::{
    Adjustment, Condition, ETag, Id, Listing, NewProduct, PageRequest, Product, ProductPatch, Quantity,
};
use store::{Change, Changed, Deleted, LEDGER_LIST};
use worker::{Env, Request, Response, RouteContext};
use worker_http::config::runtime;
use worker_http::error::ErrorCode;
use worker_http::respond::{json, json_tagged, no_content, not_modified};
use worker_http::settings::{FromVars, Inventory};
use worker_http::{auth, body, contract, paging, ratelimit, ApiError, Backend, Scoped};

use crate::contract::InventoryConfig;

type Answer = Result<Response, ApiError>;
/// What each route gets: the env, the path's params, and the request's scope.
pub type Ctx = RouteContext<Scoped<()>>;

/// A product change: within the client's rate limit (checked first: a refused one costs no Redis
/// command, and guessing the admin token is limited too), then the admin token.
async fn change_allowed(req: &Request, rc: &Ctx) -> Result<(), ApiError> {
    ratelimit::check(req, &rc.env, &rc.data.scope, "PRODUCT_WRITES").await?;
    admin(req, rc)
}

/// The back office's reads (a product's ledger): the admin token when it is set, no rate limit.
fn admin(req: &Request, rc: &Ctx) -> Result<(), ApiError> {
    auth::check_admin_request(req, &Inventory::of(&rc.env)?.admin)
}

/// A conditional header of the request (`If-Match`, `If-None-Match`), parsed: 422 naming it when
/// it is no list of entity tags.
fn condition(req: &Request, header: &str) -> Result<Option<Condition>, ApiError> {
    let Some(text) = req.headers().get(header).ok().flatten() else {
        return Ok(None);
    };
    let parse = if header == IF_MATCH {
        Condition::if_match
    } else {
        Condition::if_none_match
    };
    Ok(Some(parse(&text)?))
}

/// A product, with its `ETag`.
fn product_answer(status: u16, product: &Product) -> Answer {
    json_tagged(status, product, &product.etag)
}

/// 412: the product changed since the client's tag; `current` is its tag now.
fn stale(current: ETag) -> ApiError {
    ApiError::PreconditionFailed {
        current: current.to_string(),
    }
}

/// The answer to a patch or an adjustment.
fn changed(result: Changed) -> Answer {
    match result {
        Changed::Done(product) => product_answer(200, &product),
        Changed::NotFound => Err(not_found()),
        Changed::BelowReserved(reserved) => Err(ApiError::Conflict {
            code: ErrorCode::QuantityBelowReserved,
            message: format!("{reserved} units are reserved by placed orders; quantity cannot go below that"),
        }),
        Changed::BelowZero(on_hand) => Err(ApiError::Invalid(domain::FieldError::new(
            "delta",
            format!("delta would take on hand below 0: {on_hand} on hand"),
        ))),
        Changed::AboveMax(on_hand) => Err(ApiError::Invalid(domain::FieldError::new(
            "delta",
            format!(
                "delta would take on hand past {}: {on_hand} on hand",
                Quantity::MAX
            ),
        ))),
        Changed::Stale(current) => Err(stale(current)),
    }
}

fn product_id<D>(ctx: &RouteContext<D>) -> Result<Id, ApiError> {
    ctx.param("id").and_then(|id| Id::parse(id)).ok_or_else(not_found)
}

fn not_found() -> ApiError {
    ApiError::NotFound("no product with this id".into())
}

/// `GET /openapi.json`: the contract, saying whether the admin token is needed.
pub fn openapi(env: &Env) -> Answer {
    let admin = Inventory::of(env)?.admin.required();
    contract::serve_document(crate::contract::openapi(), admin)
}

pub fn config() -> Answer {
    json(
        200,
        &InventoryConfig {
            limits: contract::Limits::of_the_domain(),
        },
    )
}

/// `GET /products?limit=N&cursor=C`: oldest first, at most 500 per page (all of them as the
/// tutorial had it, up to 500), `Link` to the next page.
pub async fn list(req: &Request, rc: &Ctx) -> Answer {
    let page = paging::request_of(&paging::query_of(req), PageRequest::MAX_LIMIT, Listing::Products)?;
    let products = Backend::of(rc)?.inventory().list(&page).await?;
    paging::json_page(req, &products, page.limit, Listing::Products)
}

/// A change of a product that exists: allowed (`change_allowed`), its id, and the `If-Match` it
/// is conditional on.
async fn guarded_change(req: &Request, ctx: &Ctx) -> Result<Guarded, ApiError> {
    change_allowed(req, ctx).await?;
    Ok(Guarded {
        id: product_id(ctx)?,
        only_if: condition(req, IF_MATCH)?,
    })
}

/// The product a change names, and the `If-Match` it must satisfy.
struct Guarded {
    id: Id,
    only_if: Option<Condition>,
}

impl Guarded {
    /// The change, made now.
    fn change(&self) -> Change<'_> {
        Change::new(&self.id, self.only_if.as_ref(), runtime::now_ms())
    }
}

pub async fn create(mut req: Request, rc: &Ctx) -> Answer {
    change_allowed(&req, rc).await?;
    let new = NewProduct::from_json(&body::read_json(&mut req).await?)?;
    let backend = Backend::of(rc)?;
    let now = runtime::now_ms();
    let id = Id::generate(now, runtime::random()?);
    if !backend.inventory().create(&id, &new, now).await? {
        // 80 random bits collided: vanishingly rare, and nothing was written.
        return Err(ApiError::Conflict {
            code: ErrorCode::IdTaken,
            message: "please try again".into(),
        });
    }
    // Version 1, nothing reserved: what create_product.lua wrote.
    let product = Product {
        id,
        name: new.name,
        price: new.price,
        quantity: new.quantity,
        available: new.quantity,
        etag: ETag::new(1, 0),
    };
    product_answer(201, &product)
}

/// `GET /products/:id`; with `If-None-Match` naming its current tag, 304 without a body.
pub async fn read(req: &Request, ctx: &Ctx) -> Answer {
    let id = product_id(ctx)?;
    let unless = condition(req, IF_NONE_MATCH)?;
    let product = Backend::of(ctx)?
        .inventory()
        .get(&id)
        .await?
        .ok_or_else(not_found)?;
    if unless.is_some_and(|c| c.matches(product.etag)) {
        return not_modified(&product.etag);
    }
    product_answer(200, &product)
}

/// `PATCH /products/:id`. A quantity below what placed orders have reserved is refused (409
/// `quantity_below_reserved`): every order accepted can be delivered. With `If-Match`, a product
/// changed since is 412, compared inside the script.
pub async fn update(mut req: Request, ctx: &Ctx) -> Answer {
    let target = guarded_change(&req, ctx).await?;
    let patch = ProductPatch::from_json(&body::read_json(&mut req).await?)?;
    let backend = Backend::of(ctx)?;
    changed(backend.inventory().patch(target.change(), &patch).await?)
}

/// `POST /products/:id/adjustments`: on hand changes by `delta`, atomically with every sale and
/// every other change; the product after it (200), with its `ETag`.
pub async fn adjust(mut req: Request, ctx: &Ctx) -> Answer {
    let target = guarded_change(&req, ctx).await?;
    let adjustment = Adjustment::from_json(&body::read_json(&mut req).await?)?;
    let backend = Backend::of(ctx)?;
    changed(backend.inventory().adjust(target.change(), &adjustment).await?)
}

/// `GET /products/:id/ledger?limit=N&cursor=C`: the back office's (admin token), newest first,
/// at most 500 a page (50 by default), `Link` to the next page.
pub async fn ledger(req: &Request, ctx: &Ctx) -> Answer {
    admin(req, ctx)?;
    let id = product_id(ctx)?;
    let page = paging::entry_request_of(
        &paging::query_of(req),
        crate::contract::LEDGER_DEFAULT_LIMIT,
        LEDGER_LIST,
    )?;
    let entries = Backend::of(ctx)?
        .inventory()
        .ledger(&id, &page)
        .await?
        .ok_or_else(|| ApiError::NotFound("no ledger for this product id".into()))?;
    paging::json_entry_page(req, &entries, page.limit, LEDGER_LIST)
}

pub async fn delete(req: Request, ctx: &Ctx) -> Answer {
    let target = guarded_change(&req, ctx).await?;
    match Backend::of(ctx)?.inventory().delete(target.change()).await? {
        Deleted::Done => no_content(),
        Deleted::NotFound => Err(not_found()),
        Deleted::Stale(current) => Err(stale(current)),
    }
}
