use domain::{FeeRate, Id, Order, OrderRequest, Pricing};
use store::Orders;
use upstash_rest::{Client, FetchTransport};
use worker::{Context, Env, Request, Response, RouteContext};
use worker_http::config::{self, runtime};
use worker_http::respond::json;
use worker_http::{body, health, ApiError, FieldError};

use crate::{inventory, payment};

type Answer = Result<Response, ApiError>;

const MAX_EXACT_CENTS: u64 = (1 << 53) - 1;

struct App {
    client: Client<FetchTransport>,
    keys: store::Keys,
}

impl App {
    fn from_env(env: &Env) -> Result<Self, ApiError> {
        Ok(Self {
            client: config::redis(env)?,
            keys: config::keys(env),
        })
    }

    fn orders(&self) -> Orders<'_, FetchTransport> {
        Orders::new(&self.client, &self.keys)
    }
}

fn unknown_product() -> ApiError {
    ApiError::NotFound("no product with this id".into())
}

pub async fn health(env: &Env) -> Answer {
    let redis_ok = match App::from_env(env) {
        Ok(app) => app.client.send(&upstash_rest::Command::new("PING")).await.is_ok(),
        Err(_) => false,
    };
    health::answer("payment", redis_ok)
}

/// `POST /orders`: prices the order from the inventory, stores it pending (one round trip), and
/// leaves the payment to a background task.
pub async fn place(mut req: Request, rc: &RouteContext<Context>) -> Answer {
    let request = OrderRequest::from_json(&body::read_json(&mut req).await?)?;
    let product_id = request.product_id.ok_or_else(unknown_product)?;
    let product = inventory::product(&rc.env, &product_id)
        .await?
        .ok_or_else(unknown_product)?;
    if product.quantity < request.quantity {
        return Err(ApiError::Conflict {
            code: "insufficient_stock",
            message: format!("only {} left in stock", product.quantity.0),
        });
    }
    let rate = fee_rate(&rc.env)?;
    let now = runtime::now_ms();
    let pricing = Pricing::new(product.price, request.quantity, rate);
    if pricing.total.0 > MAX_EXACT_CENTS {
        // JSON numbers (and Lua) count exactly only up to 2^53.
        return Err(FieldError::new(
            "quantity",
            "quantity is too large: the total would be over 90 trillion",
        )
        .into());
    }
    let order = Order::place(
        Id::generate(now, runtime::random()),
        product_id,
        request.quantity,
        pricing,
        now,
    );
    App::from_env(&rc.env)?.orders().create(&order).await?;

    let delay = config::number(&rc.env, "PAYMENT_DELAY_MS", 5_000);
    rc.data
        .wait_until(payment::process(rc.env.clone(), order.id.clone(), delay));
    json(201, &order)
}

fn fee_rate(env: &Env) -> Result<FeeRate, ApiError> {
    match config::var(env, "FEE_RATE") {
        None => Ok(FeeRate::TUTORIAL),
        Some(text) => FeeRate::parse(&text).map_err(|e| {
            worker::console_error!("{e}");
            ApiError::Internal
        }),
    }
}

pub async fn read(rc: &RouteContext<Context>) -> Answer {
    let not_found = || ApiError::NotFound("no order with this id".into());
    let id = rc
        .param("id")
        .and_then(|id| Id::parse(id))
        .ok_or_else(not_found)?;
    let order = App::from_env(&rc.env)?
        .orders()
        .get(&id)
        .await?
        .ok_or_else(not_found)?;
    json(200, &order)
}

/// `GET /orders?limit=N`: newest first; N from 1 to 500, 50 by default.
pub async fn recent(req: &Request, env: &Env) -> Answer {
    let url = req.url().map_err(|_| ApiError::Internal)?;
    let limit = match url.query_pairs().find(|(k, _)| k == "limit") {
        None => 50,
        Some((_, v)) => v
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=500).contains(n))
            .ok_or_else(|| FieldError::new("limit", "limit must be a whole number from 1 to 500"))?,
    };
    let orders = App::from_env(env)?.orders().recent(limit).await?;
    json(200, &orders)
}
