use domain::{Id, Listing, NewProduct, PageRequest, Product, ProductPatch};
use store::Patched;
use worker::{Env, Request, Response, RouteContext};
use worker_http::config::runtime;
use worker_http::error::ErrorCode;
use worker_http::respond::{json, no_content};
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
    let header = req.headers().get("Authorization").ok().flatten();
    auth::check_admin(header.as_deref(), &Inventory::of(&rc.env)?.admin)
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
    let product = Product {
        id,
        name: new.name,
        price: new.price,
        quantity: new.quantity,
        available: new.quantity,
    };
    json(201, &product)
}

pub async fn read(ctx: &Ctx) -> Answer {
    let id = product_id(ctx)?;
    let product = Backend::of(ctx)?
        .inventory()
        .get(&id)
        .await?
        .ok_or_else(not_found)?;
    json(200, &product)
}

/// `PATCH /products/:id`. A quantity below what placed orders have reserved is refused (409
/// `quantity_below_reserved`): every order accepted can be delivered.
pub async fn update(mut req: Request, ctx: &Ctx) -> Answer {
    change_allowed(&req, ctx).await?;
    let id = product_id(ctx)?;
    let patch = ProductPatch::from_json(&body::read_json(&mut req).await?)?;
    match Backend::of(ctx)?.inventory().patch(&id, &patch).await? {
        Patched::Done(product) => json(200, &product),
        Patched::NotFound => Err(not_found()),
        Patched::BelowReserved(reserved) => Err(ApiError::Conflict {
            code: ErrorCode::QuantityBelowReserved,
            message: format!("{reserved} units are reserved by placed orders; quantity cannot go below that"),
        }),
    }
}

pub async fn delete(req: Request, ctx: &Ctx) -> Answer {
    change_allowed(&req, ctx).await?;
    let id = product_id(ctx)?;
    if Backend::of(ctx)?.inventory().delete(&id).await? {
        no_content()
    } else {
        Err(not_found())
    }
}
