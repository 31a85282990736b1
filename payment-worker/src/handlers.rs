use domain::idempotency::{self, IdempotencyKey};
use domain::{FeeRate, Id, Listing, OrderRequest, OrderRequestError, OrderStatus};
use store::{Cancelled, Placed, Placement};
use worker::{Context, Env, Request, Response, RouteContext};
use worker_http::config::runtime;
use worker_http::error::{ErrorCode, LineProblem};
use worker_http::respond::json;
use worker_http::settings::{FromVars, Payment};
use worker_http::{auth, body, contract, paging, ratelimit, ApiError, Backend, Scoped};

use crate::contract::PaymentConfig;

use crate::payment;

type Answer = Result<Response, ApiError>;
/// What each route gets: the env, the path's params, the request's scope and the `Context` of
/// its background tasks.
pub type Ctx = RouteContext<Scoped<Context>>;

/// `POST /orders`: a cart of lines (or the tutorial's one product), placed whole or not at all in
/// one script (one Redis round trip, however many lines): every line's price and name read from
/// the catalogue, its stock reserved, the order stored pending, its payment left to a background
/// task. A line short of stock is a 409 listing every short line, an unknown product a 404
/// naming it, at once and with nothing stored. With an `Idempotency-Key`, a retry of the same
/// request answers what the first answered and places nothing (the same single round trip).
pub async fn place(mut req: Request, rc: &Ctx) -> Answer {
    ratelimit::check(&req, &rc.env, &rc.data.scope, "ORDER_WRITES").await?;
    let key = match req.headers().get(idempotency::HEADER).ok().flatten() {
        Some(text) => Some(IdempotencyKey::parse(&text)?),
        None => None,
    };
    let request = OrderRequest::from_json(&body::read_json(&mut req).await?).map_err(|e| match e {
        OrderRequestError::Invalid(e) => ApiError::from(e),
        OrderRequestError::NoSuchProducts(texts) => ApiError::UnknownProducts(texts),
    })?;
    let fee_rate = fee_rate(&rc.env)?;
    let now = runtime::now_ms();
    let delay = Payment::of(&rc.env)?.payment_delay_ms;
    // The order's id is its customer's credential (`GET /orders/{id}`, cancel): 80 random bits.
    let order_id = Id::generate(now, runtime::random()?);
    let fingerprint = request.fingerprint();
    let placement = Placement {
        id: &order_id,
        lines: request.lines(),
        fee_rate,
        now_ms: now,
        due_ms: now.saturating_add(delay),
        retry: key.as_ref().map(|key| (key, fingerprint.as_str())),
    };
    let order = match Backend::of(rc)?.orders().place(&placement).await? {
        Placed::Created(order) => order,
        // This request's own earlier attempt (the client library sent the script again after a
        // failure that had in fact reached Redis): it placed the order; its payment starts now.
        Placed::Replay(first) if first.id() == &order_id => first,
        Placed::Replay(first) => return replayed(&first),
        Placed::KeyReused => return Err(ApiError::IdempotencyKeyReused),
        Placed::UnknownProducts(ids) => {
            return Err(ApiError::UnknownProducts(ids.iter().map(Id::to_string).collect()))
        }
        Placed::Short(lines) => {
            return Err(ApiError::InsufficientStock(
                lines
                    .into_iter()
                    .map(|l| LineProblem {
                        product_id: l.product_id.to_string(),
                        available: Some(l.available),
                    })
                    .collect(),
            ))
        }
        Placed::TooLarge => {
            return Err(ApiError::from(domain::FieldError::new(
                "quantity",
                "the order is too large: its total would be over 90 trillion",
            )))
        }
    };
    let task = rc.data.scope.for_task();
    rc.data
        .data
        .wait_until(payment::process(rc.env.clone(), task, order.id().clone(), delay));
    json(201, &order)
}

/// `POST /orders/:id/cancel`: a pending order becomes `cancelled` and every line's reservation is
/// released, in one atomic script that the payment's completion cannot interleave with. One round
/// trip. The order's id is its customer's credential: whoever placed it may cancel it, with no
/// other token (ids carry 80 random bits, and the list of all orders is the back office's).
pub async fn cancel(req: &Request, rc: &Ctx) -> Answer {
    ratelimit::check(req, &rc.env, &rc.data.scope, "ORDER_WRITES").await?;
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

/// The first answer to a request with this `Idempotency-Key`, again: the order as it was placed.
fn replayed(first: &domain::Order) -> Answer {
    let mut response = json(201, first)?;
    let headers = response.headers_mut();
    headers
        .set("Idempotent-Replayed", "true")
        .map_err(|e| ApiError::Internal(format!("headers: {e}")))?;
    Ok(response)
}

/// `GET /openapi.json`: the contract, saying whether the admin token is needed.
pub fn openapi(env: &Env) -> Answer {
    let admin = Payment::of(env)?.admin.required();
    contract::serve_document(crate::contract::openapi(), admin)
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

/// `GET /orders?limit=N&cursor=C`: every order, newest first; N from 1 to 500, 50 by default;
/// `Link` to the next page. The back office's list: it needs the admin token (a customer reads
/// their own orders by id).
pub async fn recent(req: &Request, rc: &Ctx) -> Answer {
    auth::check_admin_request(req, &Payment::of(&rc.env)?.admin)?;
    let page = paging::request_of(
        &paging::query_of(req),
        crate::contract::ORDERS_DEFAULT_LIMIT,
        Listing::Orders,
    )?;
    let orders = Backend::of(rc)?.orders().recent(&page).await?;
    paging::json_page(req, &orders, page.limit, Listing::Orders)
}
