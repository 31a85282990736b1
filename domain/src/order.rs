//! Orders: what a customer asks for, how it is priced, and how it shows in the API.

use std::fmt;

use serde::Serialize;
use serde_json::Value;

use crate::money::{Cents, FeeRate};
use crate::product::Quantity;
use crate::time::rfc3339;
use crate::validation::{object, only_fields, FieldError};
use crate::Id;

/// The body of `POST /orders`: `{"id": <product id>, "quantity": 3}` (`product_id` for `id` too).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRequest {
    /// `None` when the text cannot be a product id: the order answers 404 like an unknown one.
    pub product_id: Option<Id>,
    pub quantity: Quantity,
}

impl OrderRequest {
    /// What makes two requests the same request, whatever their JSON looks like (`id` or
    /// `product_id`, `3` or `"3"`): a retry with the same key must ask for the same thing.
    pub fn fingerprint(&self) -> String {
        let product = self.product_id.as_ref().map_or("", |id| id.as_str());
        format!("POST /orders {product} {}", self.quantity.0)
    }

    pub fn from_json(body: &Value) -> Result<Self, FieldError> {
        let fields = object(body)?;
        only_fields(fields, &["id", "product_id", "quantity"])?;
        let id = match (fields.get("id"), fields.get("product_id")) {
            (Some(_), Some(_)) => {
                return Err(FieldError::new(
                    "id",
                    "send the product as id or product_id, not both",
                ))
            }
            (Some(v), None) | (None, Some(v)) => v,
            (None, None) => return Err(FieldError::new("id", "id (the product's id) is required")),
        };
        let id = id
            .as_str()
            .ok_or_else(|| FieldError::new("id", "id must be a string"))?;
        let quantity = fields
            .get("quantity")
            .ok_or_else(|| FieldError::new("quantity", "quantity is required"))?;
        Ok(Self {
            product_id: Id::parse(id),
            quantity: Quantity::parse("quantity", quantity, 1)?,
        })
    }
}

/// Unit price, fee on it, and what the customer pays: `total = (price + fee) × quantity` (the
/// tutorial charged 3 items as if they were 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pricing {
    pub price: Cents,
    pub fee: Cents,
    pub total: Cents,
}

/// Totals are JSON numbers and Lua numbers: both count cents exactly only up to 2^53.
pub const MAX_TOTAL: Cents = Cents((1 << 53) - 1);

/// The simulated payment completes this long after the order (`PAYMENT_DELAY_MS`), and a payment
/// still pending this much later (`PAYMENT_GRACE_MS`) lost its background task.
pub const DEFAULT_PAYMENT_DELAY_MS: u64 = 5_000;
pub const DEFAULT_PAYMENT_GRACE_MS: u64 = 30_000;

impl Pricing {
    pub fn new(price: Cents, quantity: Quantity, rate: FeeRate) -> Self {
        let fee = rate.fee(price);
        Self {
            price,
            fee,
            total: price.plus(fee).times(quantity.0),
        }
    }

    /// The pricing of an order, refused (naming the quantity) when its total is past `MAX_TOTAL`.
    pub fn for_order(price: Cents, quantity: Quantity, rate: FeeRate) -> Result<Self, FieldError> {
        let pricing = Self::new(price, quantity, rate);
        if pricing.total > MAX_TOTAL {
            return Err(FieldError::new(
                "quantity",
                "quantity is too large: the total would be over 90 trillion",
            ));
        }
        Ok(pricing)
    }
}

/// `pending` → `completed` (the stock is taken), or then `refunded`; or `pending` → `cancelled`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Placed; the payment is being processed.
    Pending,
    /// Paid; the stock is taken by the consumer (or a refund follows).
    Completed,
    /// Paid, then refunded because the product could not be delivered.
    Refunded,
    /// Cancelled while pending (`POST /orders/{id}/cancel`): never paid, its reservation released.
    Cancelled,
}

impl OrderStatus {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "pending" => Some(Self::Pending),
            "completed" => Some(Self::Completed),
            "refunded" => Some(Self::Refunded),
            "cancelled" => Some(Self::Cancelled),
            _ => None,
        }
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
    /// The product was deleted before its stock could be taken.
    ProductDeleted,
    /// There was not enough stock left when the order was applied.
    InsufficientStock,
}

impl RefundReason {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "product_deleted" => Some(Self::ProductDeleted),
            "insufficient_stock" => Some(Self::InsufficientStock),
            _ => None,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ProductDeleted => "product_deleted",
            Self::InsufficientStock => "insufficient_stock",
        }
    }
}

impl fmt::Display for RefundReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An order as the API shows it. `total = (price + fee) × quantity`, the fee being `FEE_RATE` × the
/// unit price rounded to the cent (halves up).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(example = json!({
    "id": crate::schema::EXAMPLE_ORDER_ID, "product_id": crate::schema::EXAMPLE_ID,
    "price": 20, "fee": 4, "total": 72, "quantity": 3, "status": "pending", "refund_reason": null,
    "created_at": "2026-11-25T16:19:13.161Z", "updated_at": "2026-11-25T16:19:13.161Z"
}))]
pub struct Order {
    pub id: Id,
    pub product_id: Id,
    pub price: Cents,
    pub fee: Cents,
    pub total: Cents,
    pub quantity: Quantity,
    pub status: OrderStatus,
    /// Set once the order is `refunded`, `null` before.
    #[schema(required = true)]
    pub refund_reason: Option<RefundReason>,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(schema_with = crate::schema::timestamp)]
    pub created_at: u64,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(schema_with = crate::schema::timestamp)]
    pub updated_at: u64,
}

fn as_rfc3339<S: serde::Serializer>(ms: &u64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&rfc3339(*ms))
}

impl Order {
    /// A new pending order.
    pub fn place(id: Id, product_id: Id, quantity: Quantity, pricing: Pricing, now_ms: u64) -> Self {
        Self {
            id,
            product_id,
            price: pricing.price,
            fee: pricing.fee,
            total: pricing.total,
            quantity,
            status: OrderStatus::Pending,
            refund_reason: None,
            created_at: now_ms,
            updated_at: now_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_tutorial_order_costs_72_for_3_at_20() {
        let pricing = Pricing::new(Cents(2000), Quantity(3), FeeRate::TUTORIAL);
        assert_eq!(
            pricing,
            Pricing {
                price: Cents(2000),
                fee: Cents(400),
                total: Cents(7200)
            }
        );
    }

    #[test]
    fn order_requests_take_id_or_product_id_and_strings() {
        let id = Id::generate(5, [5; 10]);
        let a = OrderRequest::from_json(&json!({"id": id.as_str(), "quantity": "3"})).unwrap();
        let b = OrderRequest::from_json(&json!({"product_id": id.as_str(), "quantity": 3})).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.product_id, Some(id));
        assert_eq!(
            OrderRequest::from_json(&json!({"id": "nope", "quantity": 1}))
                .unwrap()
                .product_id,
            None
        );
    }

    #[test]
    fn bad_order_requests_name_the_field() {
        for (body, field) in [
            (json!({"quantity": 1}), "id"),
            (json!({"id": 5, "quantity": 1}), "id"),
            (json!({"id": "x", "product_id": "y", "quantity": 1}), "id"),
            (json!({"id": "x"}), "quantity"),
            (json!({"id": "x", "quantity": 0}), "quantity"),
            (json!({"id": "x", "quantity": -2}), "quantity"),
            (json!({"id": "x", "quantity": 1.5}), "quantity"),
            (json!({"id": "x", "quantity": 1, "price": 1}), "price"),
        ] {
            assert_eq!(OrderRequest::from_json(&body).unwrap_err().field, field, "{body}");
        }
    }

    #[test]
    fn orders_show_decimals_and_their_status_as_named() {
        let order = Order::place(
            Id::generate(1, [1; 10]),
            Id::generate(2, [2; 10]),
            Quantity(3),
            Pricing::new(Cents(2000), Quantity(3), FeeRate::TUTORIAL),
            1_795_623_553_161,
        );
        let shown = serde_json::to_value(&order).unwrap();
        assert_eq!(shown["price"], json!(20));
        assert_eq!(shown["fee"], json!(4));
        assert_eq!(shown["total"], json!(72));
        assert_eq!(shown["status"], json!("pending"));
        assert_eq!(shown["refund_reason"], json!(null));
        assert_eq!(shown["created_at"], json!("2026-11-25T16:19:13.161Z"));
        for status in [
            OrderStatus::Pending,
            OrderStatus::Completed,
            OrderStatus::Refunded,
        ] {
            assert_eq!(serde_json::to_value(status).unwrap(), json!(status.as_str()));
            assert_eq!(OrderStatus::parse(status.as_str()), Some(status));
        }
        for reason in [RefundReason::ProductDeleted, RefundReason::InsufficientStock] {
            assert_eq!(serde_json::to_value(reason).unwrap(), json!(reason.as_str()));
            assert_eq!(RefundReason::parse(reason.as_str()), Some(reason));
        }
    }
}
