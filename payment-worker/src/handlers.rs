use domain::idempotency::{self, IdempotencyKey};
use domain::order::DEFAULT_PAYMENT_DELAY_MS;
use domain::{FeeRate, Id, Order, OrderRequest, Pricing};
use store::{Placed, Retryable};
use worker::{Context, Env, Request, Response, RouteContext};
use worker_http::config::{self, runtime};
use worker_http::error::ErrorCode;
use worker_http::respond::json;
use worker_http::{body, contract, paging, ratelimit, ApiError, Backend, Scoped};

use crate::contract::PaymentConfig;

use crate::{inventory, payment};

type Answer = Result<Response, ApiError>;
/// What each route gets: the env, the path's params, the request's scope and the `Context` of
/// its background tasks.
pub type Ctx = RouteContext<Scoped<Context>>;

fn unknown_product() -> ApiError {
    ApiError::NotFound("no product with this id".into())
}

/// `POST /orders`: prices the order from the inventory, stores it pending (one round trip), and
/// leaves the payment to a background task. With an `Idempotency-Key`, a retry of the same
/// request answers what the first answered and places nothing.
pub async fn place(mut req: Request, rc: &Ctx) -> Answer {
    ratelimit::check(&req, &rc.env, &rc.data.scope, "ORDER_WRITES").await?;
    let key = match req.headers().get(idempotency::HEADER).ok().flatten() {
        Some(text) => Some(IdempotencyKey::parse(&text)?),
        None => None,
    };
    let request = OrderRequest::from_json(&body::read_json(&mut req).await?)?;
    let fingerprint = request.fingerprint();
    let product = match priced_product(&request, rc).await {
        Ok(product) => product,
        // A retry of an order that was placed: the product may be gone or sold out by now, and
        // its first answer still stands (one more round trip, on this path only).
        Err(e) => {
            let Some(key) = &key else { return Err(e) };
            return match Backend::of(rc)?.orders().recorded(key, &fingerprint).await? {
                Some(Placed::Replay(first)) => replayed(first),
                Some(_) => Err(ApiError::IdempotencyKeyReused),
                None => Err(e),
            };
        }
    };
    let product_id = request.product_id.clone().ok_or_else(unknown_product)?;
    let rate = fee_rate(&rc.env)?;
    let now = runtime::now_ms();
    let pricing = Pricing::for_order(product.price, request.quantity, rate)?;
    let order = Order::place(
        Id::generate(now, runtime::random()),
        product_id,
        request.quantity,
        pricing,
        now,
    );
    let answer = serde_json::to_string(&order).map_err(|e| ApiError::Internal(format!("serialize: {e}")))?;
    let retryable = key.as_ref().map(|key| Retryable {
        key,
        fingerprint: fingerprint.clone(),
        answer: &answer,
    });
    match Backend::of(rc)?.orders().create(&order, retryable).await? {
        Placed::Created => {}
        // Our own record: the client library retried the script after a failure that had in
        // fact reached Redis. This request placed the order; its payment still has to start.
        Placed::Replay(first) if first == answer => {}
        Placed::Replay(first) => return replayed(first),
        Placed::KeyReused => return Err(ApiError::IdempotencyKeyReused),
    }

    let delay = config::number(&rc.env, "PAYMENT_DELAY_MS", DEFAULT_PAYMENT_DELAY_MS);
    let task = rc.data.scope.for_task();
    rc.data
        .data
        .wait_until(payment::process(rc.env.clone(), task, order.id.clone(), delay));
    json(201, &order)
}

/// The product of an order, if it exists and has the stock: 404, 409 `insufficient_stock` or 503
/// otherwise.
async fn priced_product(request: &OrderRequest, rc: &Ctx) -> Result<inventory::Product, ApiError> {
    let id = request.product_id.as_ref().ok_or_else(unknown_product)?;
    let product = inventory::product(&rc.env, &rc.data.scope, id)
        .await?
        .ok_or_else(unknown_product)?;
    if product.quantity < request.quantity {
        return Err(ApiError::Conflict {
            code: ErrorCode::InsufficientStock,
            message: format!("only {} left in stock", product.quantity.0),
        });
    }
    Ok(product)
}

/// The first answer to a request with this `Idempotency-Key`, again.
fn replayed(first: String) -> Answer {
    let mut response = Response::from_bytes(first.into_bytes())
        .map(|r| r.with_status(201))
        .map_err(|e| ApiError::Internal(format!("response: {e}")))?;
    let headers = response.headers_mut();
    headers
        .set("Content-Type", "application/json; charset=utf-8")
        .and_then(|()| headers.set("Idempotent-Replayed", "true"))
        .map_err(|e| ApiError::Internal(format!("headers: {e}")))?;
    Ok(response)
}

/// `GET /openapi.json`: the contract, for this worker's origin.
pub fn openapi(req: &Request) -> Answer {
    contract::serve_document(req, crate::contract::openapi(), false)
}

/// `GET /config`: the fee rate and limits, so that the dashboard quotes what the order will say.
pub fn config(env: &Env) -> Answer {
    json(200, &PaymentConfig::new(fee_rate(env)?))
}

fn fee_rate(env: &Env) -> Result<FeeRate, ApiError> {
    match config::var(env, "FEE_RATE") {
        None => Ok(FeeRate::TUTORIAL),
        Some(text) => FeeRate::parse(&text).map_err(ApiError::Internal),
    }
}

pub async fn read(rc: &Ctx) -> Answer {
    let not_found = || ApiError::NotFound("no order with this id".into());
    let id = rc
        .param("id")
        .and_then(|id| Id::parse(id))
        .ok_or_else(not_found)?;
    let order = Backend::of(rc)?.orders().get(&id).await?.ok_or_else(not_found)?;
    json(200, &order)
}

/// `GET /orders?limit=N&cursor=C`: newest first; N from 1 to 500, 50 by default; `Link` to the
/// next page.
pub async fn recent(req: &Request, rc: &Ctx) -> Answer {
    let page = paging::request_of(&paging::query_of(req), 50)?;
    let orders = Backend::of(rc)?.orders().recent(&page).await?;
    paging::json_page(req, &orders, page.limit)
}
