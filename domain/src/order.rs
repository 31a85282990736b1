//! Orders: what a customer asks for (a cart of lines), how each line is priced, and how an order
//! shows in the API.

use std::fmt;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::money::Cents;
#[cfg(test)]
use crate::money::FeeRate;
use crate::product::{ProductName, Quantity};
use crate::time::rfc3339;
use crate::validation::{object, only_fields, FieldError};
use crate::Id;

/// The most lines one order holds (after merging lines of the same product): one placement
/// script reads and reserves them all, so this bounds how long it holds its keys.
pub const MAX_LINES: usize = 50;

/// Totals are JSON numbers and Lua numbers: both count cents exactly only up to 2^53.
pub const MAX_TOTAL: Cents = Cents::new((1 << 53) - 1);

/// The simulated payment completes this long after the order (`PAYMENT_DELAY_MS`), and a payment
/// still pending this much after its due time (`PAYMENT_GRACE_MS`) lost its background task.
pub const DEFAULT_PAYMENT_DELAY_MS: u64 = 5_000;
pub const DEFAULT_PAYMENT_GRACE_MS: u64 = 30_000;

/// One line of a cart as asked: a product and how many (merged: each product once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineRequest {
    pub product_id: Id,
    pub quantity: Quantity,
}

/// The body of `POST /orders`: `{"lines": [{"product_id", "quantity"}, ...]}` (1 to
/// [`MAX_LINES`]), or the tutorial's one-product body `{"id": <product id>, "quantity": 3}`
/// (`product_id` for `id` too), which is a one-line order. Lines of the same product are merged
/// (quantities added, as dotnet/eShop's basket does), in the order they first appear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRequest {
    lines: Vec<LineRequest>,
}

/// Why a body is not an order request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderRequestError {
    /// 422: a field is invalid.
    Invalid(FieldError),
    /// 404: these texts cannot be product ids, so they name no product (as given, shortened).
    NoSuchProducts(Vec<String>),
}

impl From<FieldError> for OrderRequestError {
    fn from(e: FieldError) -> Self {
        Self::Invalid(e)
    }
}

/// How much of a text that names no product an error repeats.
const SHOWN_ID_CHARS: usize = 64;

impl OrderRequest {
    pub fn lines(&self) -> &[LineRequest] {
        &self.lines
    }

    /// What makes two requests the same request, whatever their JSON looks like (`id` or
    /// `product_id`, `3` or `"3"`, the lines in any order, a product split over two lines): a
    /// retry with the same key must ask for the same thing.
    pub fn fingerprint(&self) -> String {
        let mut lines: Vec<String> = self
            .lines
            .iter()
            .map(|l| format!("{}x{}", l.product_id, l.quantity.get()))
            .collect();
        lines.sort();
        format!("POST /orders {}", lines.join(","))
    }

    pub fn from_json(body: &Value) -> Result<Self, OrderRequestError> {
        let fields = object(body)?;
        let raw: Vec<(String, &Map<String, Value>)> = match fields.get("lines") {
            Some(lines) => {
                if let Some(other) = fields.keys().find(|k| *k != "lines") {
                    return Err(FieldError::new(
                        other,
                        format!("send either lines or one product's id and quantity, not both ({other})"),
                    )
                    .into());
                }
                let lines = lines.as_array().ok_or_else(|| {
                    FieldError::new("lines", "lines must be an array of {product_id, quantity}")
                })?;
                if lines.is_empty() || lines.len() > MAX_LINES {
                    return Err(
                        FieldError::new("lines", format!("lines must hold 1 to {MAX_LINES} lines")).into(),
                    );
                }
                lines
                    .iter()
                    .enumerate()
                    .map(|(i, line)| {
                        let at = format!("lines[{i}]");
                        let line = line
                            .as_object()
                            .ok_or_else(|| FieldError::new(&at, format!("{at} must be an object")))?;
                        Ok((format!("{at}."), line))
                    })
                    .collect::<Result<_, FieldError>>()?
            }
            None => vec![(String::new(), fields)],
        };
        let mut lines: Vec<LineRequest> = Vec::new();
        let mut unknown = Vec::new();
        for (at, line) in raw {
            let (id_text, quantity) = parse_line(&at, line)?;
            let Some(product_id) = Id::parse(&id_text) else {
                unknown.push(id_text.chars().take(SHOWN_ID_CHARS).collect());
                continue;
            };
            match lines.iter_mut().find(|l| l.product_id == product_id) {
                Some(same) => {
                    same.quantity = Quantity::new(same.quantity.get() + quantity.get()).ok_or_else(|| {
                        FieldError::new(
                            &format!("{at}quantity"),
                            format!(
                                "{at}quantity: the lines of this product add up to more than {}",
                                Quantity::MAX
                            ),
                        )
                    })?;
                }
                None => lines.push(LineRequest { product_id, quantity }),
            }
        }
        if !unknown.is_empty() {
            return Err(OrderRequestError::NoSuchProducts(unknown));
        }
        Ok(Self { lines })
    }
}

/// One line's product id text and quantity; `at` is its place in the body (`lines[2].`, or empty
/// for the tutorial's body).
fn parse_line(at: &str, line: &Map<String, Value>) -> Result<(String, Quantity), FieldError> {
    let name = |field: &str| format!("{at}{field}");
    // The message as `only_fields` words it, the field named with its place in the body.
    only_fields(line, &["id", "product_id", "quantity"])
        .map_err(|e| FieldError::new(&name(&e.field), e.message))?;
    let id = match (line.get("id"), line.get("product_id")) {
        (Some(_), Some(_)) => {
            return Err(FieldError::new(
                &name("id"),
                "send the product as id or product_id, not both",
            ))
        }
        (Some(v), None) | (None, Some(v)) => v,
        (None, None) => {
            return Err(FieldError::new(
                &name("id"),
                format!("{} (the product's id) is required", name("product_id")),
            ))
        }
    };
    let id = id
        .as_str()
        .ok_or_else(|| FieldError::new(&name("id"), format!("{} must be a string", name("id"))))?;
    let quantity = line
        .get("quantity")
        .ok_or_else(|| FieldError::new(&name("quantity"), format!("{} is required", name("quantity"))))?;
    Ok((id.to_owned(), Quantity::parse(&name("quantity"), quantity, 1)?))
}

/// `pending` → `completed` (the stock is taken), or then `refunded`; or `pending` → `cancelled`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Placed, every line's stock reserved; the payment is being processed.
    Pending,
    /// Paid; the consumer takes every line's stock (or, if a product was deleted, a refund follows).
    Completed,
    /// Paid, then refunded because a product could not be delivered.
    Refunded,
    /// Cancelled while pending (`POST /orders/{id}/cancel`): never paid, every line's reservation
    /// released.
    Cancelled,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 4] = [Self::Pending, Self::Completed, Self::Refunded, Self::Cancelled];

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// As the API shows it (serde's names) and as it is stored.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Completed => "completed",
            Self::Refunded => "refunded",
            Self::Cancelled => "cancelled",
        }
    }
}

/// Why a paid order was refunded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RefundReason {
    /// A product of the order was deleted before its stock could be taken: nothing was taken,
    /// and every line's reservation was released.
    ProductDeleted,
}

impl RefundReason {
    pub fn parse(text: &str) -> Option<Self> {
        (text == Self::ProductDeleted.as_str()).then_some(Self::ProductDeleted)
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ProductDeleted => "product_deleted",
        }
    }
}

impl fmt::Display for RefundReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One line of a placed order, as it was when the order was placed: the product's name and unit
/// price then, the fee on it (`FEE_RATE` × price, rounded to the cent, halves up) and the line's
/// `total = (price + fee) × quantity`. A later rename, reprice or deletion changes none of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(example = json!({"product_id": crate::openapi::EXAMPLE_ID, "name": "Widget", "quantity": 3,
    "price": 20, "fee": 4, "total": 72}))]
pub struct OrderLine {
    product_id: Id,
    name: ProductName,
    quantity: Quantity,
    price: Cents,
    fee: Cents,
    total: Cents,
}

impl OrderLine {
    /// The line's total is `(price + fee) × quantity` (saturating; placement refuses totals past
    /// [`MAX_TOTAL`] before any line is stored).
    pub fn new(product_id: Id, name: ProductName, quantity: Quantity, price: Cents, fee: Cents) -> Self {
        Self {
            total: price.plus(fee).times(quantity.get()),
            product_id,
            name,
            quantity,
            price,
            fee,
        }
    }

    pub fn product_id(&self) -> &Id {
        &self.product_id
    }

    pub fn name(&self) -> &ProductName {
        &self.name
    }

    pub fn quantity(&self) -> Quantity {
        self.quantity
    }

    pub fn price(&self) -> Cents {
        self.price
    }

    pub fn fee(&self) -> Cents {
        self.fee
    }

    pub fn total(&self) -> Cents {
        self.total
    }
}

/// An order as the API shows it: its lines, its `total` (the sum of the lines') and its status.
/// A one-line order also shows the tutorial's fields (`product_id`, `price`, `fee`, `quantity`:
/// its line's), so that the tutorial's clients keep working; an order of several lines has none of
/// them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(example = json!({
    "id": crate::openapi::EXAMPLE_ORDER_ID, "total": 112, "status": "pending", "refund_reason": null,
    "created_at": "2026-11-25T16:19:13.161Z", "updated_at": "2026-11-25T16:19:13.161Z",
    "lines": [
        {"product_id": crate::openapi::EXAMPLE_ID, "name": "Widget", "quantity": 3, "price": 20, "fee": 4, "total": 72},
        {"product_id": crate::openapi::EXAMPLE_OTHER_ID, "name": "Gadget", "quantity": 1, "price": 33.33, "fee": 6.67, "total": 40}
    ]
}))]
pub struct Order {
    id: Id,
    /// One-line orders only: the product (the tutorial's field). Absent, never null, otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    product_id: Option<Id>,
    /// One-line orders only: the unit price when ordered.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    price: Option<Cents>,
    /// One-line orders only: the fee on one unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    fee: Option<Cents>,
    /// What the customer pays: the sum of the lines' totals.
    total: Cents,
    /// One-line orders only: the units ordered.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    quantity: Option<Quantity>,
    status: OrderStatus,
    /// Set once the order is `refunded`, `null` before.
    #[schema(required = true)]
    refund_reason: Option<RefundReason>,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(schema_with = crate::openapi::timestamp)]
    created_at: u64,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(schema_with = crate::openapi::timestamp)]
    updated_at: u64,
    /// Every product of the order, each once, in the order they were first asked for.
    #[schema(min_items = 1, max_items = 50)]
    lines: Vec<OrderLine>,
}

fn as_rfc3339<S: serde::Serializer>(ms: &u64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&rfc3339(*ms))
}

/// An order's state: what changes after it is placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderState {
    pub status: OrderStatus,
    pub refund_reason: Option<RefundReason>,
    pub created_at: u64,
    pub updated_at: u64,
}

impl Order {
    /// `None` without lines (an order always has at least one).
    pub fn new(id: Id, lines: Vec<OrderLine>, state: OrderState) -> Option<Self> {
        let only = match lines.as_slice() {
            [] => return None,
            [only] => Some(only),
            _ => None,
        };
        let total = lines.iter().fold(Cents::new(0), |sum, l| sum.plus(l.total));
        Some(Self {
            id,
            product_id: only.map(|l| l.product_id.clone()),
            price: only.map(|l| l.price),
            fee: only.map(|l| l.fee),
            quantity: only.map(|l| l.quantity),
            total,
            status: state.status,
            refund_reason: state.refund_reason,
            created_at: state.created_at,
            updated_at: state.updated_at,
            lines,
        })
    }

    pub fn id(&self) -> &Id {
        &self.id
    }

    pub fn lines(&self) -> &[OrderLine] {
        &self.lines
    }

    pub fn total(&self) -> Cents {
        self.total
    }

    pub fn status(&self) -> OrderStatus {
        self.status
    }

    pub fn refund_reason(&self) -> Option<RefundReason> {
        self.refund_reason
    }

    pub fn created_at(&self) -> u64 {
        self.created_at
    }

    pub fn updated_at(&self) -> u64 {
        self.updated_at
    }

    /// The same order as it was answered when it was placed: pending, never updated. What a
    /// retry with the same `Idempotency-Key` gets again, byte for byte.
    pub fn as_placed(&self) -> Self {
        Self {
            status: OrderStatus::Pending,
            refund_reason: None,
            updated_at: self.created_at,
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn id(n: u8) -> Id {
        Id::generate(u64::from(n), [n; 10])
    }

    fn line(n: u8, quantity: u64, price: u64) -> OrderLine {
        let price = Cents::new(price);
        OrderLine::new(
            id(n),
            ProductName::from_stored(format!("p{n}")),
            Quantity::new(quantity).unwrap(),
            price,
            FeeRate::TUTORIAL.fee(price),
        )
    }

    fn state() -> OrderState {
        OrderState {
            status: OrderStatus::Pending,
            refund_reason: None,
            created_at: 1_795_623_553_161,
            updated_at: 1_795_623_553_161,
        }
    }

    #[test]
    fn the_tutorial_order_costs_72_for_3_at_20_and_shows_the_tutorials_fields() {
        let order = Order::new(id(1), vec![line(2, 3, 2000)], state()).unwrap();
        let shown = serde_json::to_value(&order).unwrap();
        assert_eq!(
            (
                &shown["product_id"],
                &shown["price"],
                &shown["fee"],
                &shown["total"],
                &shown["quantity"]
            ),
            (&json!(id(2)), &json!(20), &json!(4), &json!(72), &json!(3))
        );
        assert_eq!(shown["status"], json!("pending"));
        assert_eq!(shown["refund_reason"], json!(null));
        assert_eq!(shown["created_at"], json!("2026-11-25T16:19:13.161Z"));
        assert_eq!(
            shown["lines"],
            json!([{"product_id": id(2), "name": "p2", "quantity": 3, "price": 20, "fee": 4, "total": 72}])
        );
    }

    #[test]
    fn a_cart_totals_its_lines_and_has_no_tutorial_fields() {
        let order = Order::new(id(1), vec![line(2, 3, 2000), line(3, 1, 3333)], state()).unwrap();
        let shown = serde_json::to_value(&order).unwrap();
        // 3 × (20 + 4) + 1 × (33.33 + 6.67)
        assert_eq!(shown["total"], json!(112));
        assert_eq!(shown["lines"][1]["fee"], json!(6.67));
        for field in ["product_id", "price", "fee", "quantity"] {
            assert!(shown.get(field).is_none(), "{field}");
        }
        assert_eq!(Order::new(id(1), vec![], state()), None);
    }

    #[test]
    fn the_placed_answer_is_the_order_as_it_was_placed() {
        let mut later = state();
        later.status = OrderStatus::Refunded;
        later.refund_reason = Some(RefundReason::ProductDeleted);
        later.updated_at += 5_000;
        let now = Order::new(id(1), vec![line(2, 3, 2000)], later).unwrap();
        let placed = Order::new(id(1), vec![line(2, 3, 2000)], state()).unwrap();
        assert_eq!(now.as_placed(), placed);
    }

    #[test]
    fn the_tutorial_body_is_a_one_line_order() {
        let a = OrderRequest::from_json(&json!({"id": id(5).as_str(), "quantity": "3"})).unwrap();
        let b = OrderRequest::from_json(&json!({"product_id": id(5).as_str(), "quantity": 3})).unwrap();
        let c = OrderRequest::from_json(&json!({"lines": [{"id": id(5).as_str(), "quantity": 3}]})).unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(
            a.lines(),
            [LineRequest {
                product_id: id(5),
                quantity: Quantity::new(3).unwrap()
            }]
        );
    }

    #[test]
    fn lines_of_one_product_merge_and_the_fingerprint_ignores_their_order() {
        let (p, q) = (id(5).to_string(), id(6).to_string());
        let merged = OrderRequest::from_json(&json!({"lines": [
            {"product_id": p, "quantity": 2}, {"product_id": q, "quantity": 1}, {"id": p.to_lowercase(), "quantity": "1"}
        ]}))
        .unwrap();
        assert_eq!(merged.lines().len(), 2);
        assert_eq!(merged.lines()[0].quantity.get(), 3);
        let reordered = OrderRequest::from_json(&json!({"lines": [
            {"product_id": q, "quantity": 1}, {"product_id": p, "quantity": 3}
        ]}))
        .unwrap();
        assert_eq!(merged.fingerprint(), reordered.fingerprint());
        let other = OrderRequest::from_json(&json!({"lines": [{"product_id": q, "quantity": 1}]})).unwrap();
        assert_ne!(merged.fingerprint(), other.fingerprint());
    }

    #[test]
    fn ids_that_cannot_be_products_are_named_for_a_404() {
        let long = "x".repeat(100);
        let e = OrderRequest::from_json(&json!({"lines": [
            {"product_id": "nope", "quantity": 1}, {"product_id": id(5).as_str(), "quantity": 1},
            {"product_id": long, "quantity": 1}
        ]}))
        .unwrap_err();
        assert_eq!(
            e,
            OrderRequestError::NoSuchProducts(vec!["nope".into(), "x".repeat(64)])
        );
    }

    #[test]
    fn bad_order_requests_name_the_field() {
        let p = id(5).to_string();
        let too_many: Vec<Value> = (0..51).map(|_| json!({"product_id": p, "quantity": 1})).collect();
        for (body, field) in [
            (json!({"quantity": 1}), "id"),
            (json!({"id": 5, "quantity": 1}), "id"),
            (json!({"id": "x", "product_id": "y", "quantity": 1}), "id"),
            (json!({"id": "x"}), "quantity"),
            (json!({"id": "x", "quantity": 0}), "quantity"),
            (json!({"id": "x", "quantity": -2}), "quantity"),
            (json!({"id": "x", "quantity": 1.5}), "quantity"),
            (json!({"id": "x", "quantity": 1, "price": 1}), "price"),
            (json!({"lines": []}), "lines"),
            (json!({"lines": too_many}), "lines"),
            (json!({"lines": {"product_id": p}}), "lines"),
            (json!({"lines": [5]}), "lines[0]"),
            (json!({"lines": [{"product_id": p}]}), "lines[0].quantity"),
            (
                json!({"lines": [{"product_id": p, "quantity": 1, "qty": 2}]}),
                "lines[0].qty",
            ),
            (
                json!({"lines": [{"product_id": p, "quantity": 1}], "quantity": 1}),
                "quantity",
            ),
            (
                json!({"lines": [{"product_id": p, "quantity": 1_000_000_000}, {"id": p, "quantity": 1}]}),
                "lines[1].quantity",
            ),
        ] {
            match OrderRequest::from_json(&body) {
                Err(OrderRequestError::Invalid(e)) => assert_eq!(e.field, field, "{body}"),
                other => panic!("{body}: {other:?}"),
            }
        }
    }

    #[test]
    fn statuses_and_reasons_show_as_stored() {
        for status in OrderStatus::ALL {
            assert_eq!(serde_json::to_value(status).unwrap(), json!(status.as_str()));
            assert_eq!(OrderStatus::parse(status.as_str()), Some(status));
        }
        let reason = RefundReason::ProductDeleted;
        assert_eq!(serde_json::to_value(reason).unwrap(), json!(reason.as_str()));
        assert_eq!(RefundReason::parse(reason.as_str()), Some(reason));
    }
}
