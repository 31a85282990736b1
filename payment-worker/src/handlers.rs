use domain::idempotency::{self, IdempotencyKey};
use domain::{Cents, FeeRate, Id, Order, OrderRequest, OrderStatus, Pricing};
use store::{Cancelled, Hold, Placed, Reservation, ReserveRequest, Retryable};
use worker::{Context, Env, Request, Response, RouteContext};
use worker_http::config::runtime;
use worker_http::error::ErrorCode;
use worker_http::respond::json;
use worker_http::settings::{Common, Fault, FromVars, Payment};
use worker_http::{auth, body, contract, paging, ratelimit, ApiError, Backend, Scoped};

use crate::contract::PaymentConfig;

use crate::{inventory, payment};

type Answer = Result<Response, ApiError>;
/// What each route gets: the env, the path's params, the request's scope and the `Context` of
/// its background tasks.
pub type Ctx = RouteContext<Scoped<Context>>;

fn unknown_product() -> ApiError {
    ApiError::NotFound("no product with this id".into())
}

/// `POST /orders`: reserves the stock in the inventory (one binding call, one round trip there),
/// prices the order at the price it reserved at, stores it pending with its reservation (one round
/// trip), and leaves the payment to a background task. Sold out is a 409 at once, before anything
/// is stored or charged. With an `Idempotency-Key`, a retry of the same request answers what the
/// first answered and places nothing (one round trip: the reservation finds the first answer).
pub async fn place(mut req: Request, rc: &Ctx) -> Answer {
    ratelimit::check(&req, &rc.env, &rc.data.scope, "ORDER_WRITES").await?;
    let key = match req.headers().get(idempotency::HEADER).ok().flatten() {
        Some(text) => Some(IdempotencyKey::parse(&text)?),
        None => None,
    };
    let request = OrderRequest::from_json(&body::read_json(&mut req).await?)?;
    let product_id = request.product_id.clone().ok_or_else(unknown_product)?;
    let rate = fee_rate(&rc.env)?;
    let now = runtime::now_ms();
    let order_id = Id::generate(now, runtime::random());
    let fingerprint = request.fingerprint();
    let retry = key.as_ref().map(|key| (key, fingerprint.as_str()));
    let reserve = ReserveRequest::new((&order_id, &product_id, request.quantity), retry);
    let price = match inventory::reserve(&rc.env, &rc.data.scope, &reserve).await? {
        Reservation::Reserved { price, .. } => Cents(price),
        Reservation::UnknownProduct => return Err(unknown_product()),
        Reservation::Short { available } => {
            return Err(ApiError::Conflict {
                code: ErrorCode::InsufficientStock,
                message: format!("only {available} available"),
            })
        }
        Reservation::Replay { answer } => return replayed(answer),
        Reservation::KeyReused => return Err(ApiError::IdempotencyKeyReused),
    };
    if Common::of(&rc.env)?.faults.has(Fault::CrashAfterReserve) {
        return Err(ApiError::unavailable(
            "try again",
            "fault injected: crash after reserve",
        ));
    }
    let hold = Hold::for_order(&order_id, &product_id, request.quantity, key.as_ref());
    let backend = Backend::of(rc)?;
    let pricing = match Pricing::for_order(price, request.quantity, rate) {
        Ok(pricing) => pricing,
        Err(e) => {
            // Refused after reserving: give the units back now rather than at the next sweep.
            backend.reservations().release(&hold).await?;
            return Err(e.into());
        }
    };
    let order = Order::place(order_id, product_id, request.quantity, pricing, now);
    let answer = serde_json::to_string(&order).map_err(|e| ApiError::Internal(format!("serialize: {e}")))?;
    let retryable = key.as_ref().map(|key| Retryable {
        key,
        fingerprint: fingerprint.clone(),
        answer: &answer,
    });
    match backend.orders().create(&order, Some(&hold), retryable).await? {
        Placed::Created => {}
        // Our own record: the client library retried the script after a failure that had in
        // fact reached Redis. This request placed the order; its payment still has to start.
        Placed::Replay(first) if first == answer => {}
        Placed::Replay(first) => return replayed(first),
        Placed::KeyReused => return Err(ApiError::IdempotencyKeyReused),
        Placed::HoldExpired => {
            return Err(ApiError::unavailable(
                "placing the order took too long; try again",
                "the reservation was swept before the order could claim it",
            ))
        }
    }

    let delay = Payment::of(&rc.env)?.payment_delay_ms;
    let task = rc.data.scope.for_task();
    rc.data
        .data
        .wait_until(payment::process(rc.env.clone(), task, order.id.clone(), delay));
    json(201, &order)
}

/// `POST /orders/:id/cancel`: a pending order becomes `cancelled` and its reservation is released,
/// in one atomic script that the payment's completion cannot interleave with. One round trip.
/// A change to someone's order: it needs the admin token, as product changes do (order ids are
/// public in `GET /orders`).
pub async fn cancel(req: &Request, rc: &Ctx) -> Answer {
    ratelimit::check(req, &rc.env, &rc.data.scope, "ORDER_WRITES").await?;
    let header = req.headers().get("Authorization").ok().flatten();
    auth::check_admin(header.as_deref(), &Payment::of(&rc.env)?.admin)?;
    let id = order_id(rc)?;
    match Backend::of(rc)?.orders().cancel(&id, runtime::now_ms()).await? {
        Cancelled::Done(order) => json(200, &order),
        Cancelled::Unknown => Err(order_not_found()),
        Cancelled::NotCancellable(status) => Err(ApiError::Conflict {
            code: ErrorCode::NotCancellable,
            message: format!(
                "the order is {}; only a pending order can be cancelled",
                status.map_or("damaged", OrderStatus::as_str)
            ),
        }),
    }
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

/// `GET /openapi.json`: the contract, with this worker's origin and whether the admin token is
/// needed.
pub fn openapi(req: &Request, env: &Env) -> Answer {
    let admin = Payment::of(env)?.admin.required();
    contract::serve_document(req, crate::contract::openapi(), admin)
}

/// `GET /config`: the fee rate and limits, so that the dashboard quotes what the order will say.
pub fn config(env: &Env) -> Answer {
    json(200, &PaymentConfig::new(fee_rate(env)?))
}

fn fee_rate(env: &Env) -> Result<FeeRate, ApiError> {
    Ok(Payment::of(env)?.fee_rate)
}

fn order_not_found() -> ApiError {
    ApiError::NotFound("no order with this id".into())
}

fn order_id(rc: &Ctx) -> Result<Id, ApiError> {
    rc.param("id")
        .and_then(|id| Id::parse(id))
        .ok_or_else(order_not_found)
}

pub async fn read(rc: &Ctx) -> Answer {
    let order = Backend::of(rc)?
        .orders()
        .get(&order_id(rc)?)
        .await?
        .ok_or_else(order_not_found)?;
    json(200, &order)
}

/// `GET /orders?limit=N&cursor=C`: newest first; N from 1 to 500, 50 by default; `Link` to the
/// next page.
pub async fn recent(req: &Request, rc: &Ctx) -> Answer {
    let page = paging::request_of(&paging::query_of(req), 50)?;
    let orders = Backend::of(rc)?.orders().recent(&page).await?;
    paging::json_page(req, &orders, page.limit)
}
