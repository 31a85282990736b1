//! Stream events, decoded from their fields. Anything that does not decode "can never apply":
//! the consumer leaves it pending and, after five deliveries, moves it to the dead-letter stream.

use std::collections::BTreeMap;

use crate::order::RefundReason;
use crate::Id;

/// `order_completed`: the tutorial's fields `pk, product_id, price, fee, total, quantity, status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderCompleted {
    pub order_id: Id,
    pub product_id: Id,
    pub quantity: u64,
}

/// `refund_order`: the order's fields plus `refund_reason`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundRequested {
    pub order_id: Id,
    pub reason: RefundReason,
}

fn text<'a>(fields: &'a BTreeMap<String, Vec<u8>>, name: &str) -> Option<&'a str> {
    std::str::from_utf8(fields.get(name)?).ok()
}

impl OrderCompleted {
    pub fn decode(fields: &BTreeMap<String, Vec<u8>>) -> Option<Self> {
        let quantity: u64 = text(fields, "quantity")?.parse().ok()?;
        (1..=crate::Quantity::MAX).contains(&quantity).then_some(())?;
        Some(Self {
            order_id: Id::parse(text(fields, "pk")?)?,
            product_id: Id::parse(text(fields, "product_id")?)?,
            quantity,
        })
    }
}

impl RefundRequested {
    pub fn decode(fields: &BTreeMap<String, Vec<u8>>) -> Option<Self> {
        Some(Self {
            order_id: Id::parse(text(fields, "pk")?)?,
            reason: RefundReason::parse(text(fields, "refund_reason")?)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn decodes_the_tutorial_fields() {
        let (order, product) = (Id::generate(1, [1; 10]), Id::generate(2, [2; 10]));
        let event = fields(&[
            ("pk", order.as_str()),
            ("product_id", product.as_str()),
            ("price", "2000"),
            ("fee", "400"),
            ("total", "7200"),
            ("quantity", "3"),
            ("status", "completed"),
        ]);
        assert_eq!(
            OrderCompleted::decode(&event),
            Some(OrderCompleted {
                order_id: order.clone(),
                product_id: product,
                quantity: 3
            })
        );
        let refund = fields(&[("pk", order.as_str()), ("refund_reason", "insufficient_stock")]);
        assert_eq!(
            RefundRequested::decode(&refund).map(|r| r.reason),
            Some(RefundReason::InsufficientStock)
        );
    }

    #[test]
    fn malformed_events_do_not_decode() {
        let id = Id::generate(1, [1; 10]);
        for bad in [
            fields(&[
                ("pk", id.as_str()),
                ("product_id", id.as_str()),
                ("quantity", "abc"),
            ]),
            fields(&[
                ("pk", id.as_str()),
                ("product_id", id.as_str()),
                ("quantity", "0"),
            ]),
            fields(&[("pk", "x"), ("product_id", id.as_str()), ("quantity", "1")]),
            fields(&[("product_id", id.as_str()), ("quantity", "1")]),
        ] {
            assert_eq!(OrderCompleted::decode(&bad), None, "{bad:?}");
        }
        assert_eq!(
            RefundRequested::decode(&fields(&[("pk", id.as_str()), ("refund_reason", "bored")])),
            None
        );
    }
}
