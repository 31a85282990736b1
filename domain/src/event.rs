//! Stream events, as the consumer applies them. Their fields on the stream are the store's business
//! (`store::schema::event`); what makes an event valid is decided here. Anything that is not valid
//! "can never apply": the consumer leaves it pending and, after five deliveries, moves it to the
//! dead-letter stream.

use crate::order::RefundReason;
use crate::{Id, Quantity};

/// `order_completed`: a paid order, whose stock the inventory takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderCompleted {
    pub order_id: Id,
    pub product_id: Id,
    pub quantity: u64,
}

/// `refund_order`: an order the inventory could not deliver, to be refunded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundRequested {
    pub order_id: Id,
    pub reason: RefundReason,
}

impl OrderCompleted {
    /// `None` unless the quantity is one an order can have (1 to `Quantity::MAX`).
    pub fn new(order_id: Id, product_id: Id, quantity: u64) -> Option<Self> {
        (1..=Quantity::MAX).contains(&quantity).then_some(Self {
            order_id,
            product_id,
            quantity,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_orders_at_least_one_unit_and_at_most_the_maximum() {
        let (order, product) = (Id::generate(1, [1; 10]), Id::generate(2, [2; 10]));
        let event = |quantity| OrderCompleted::new(order.clone(), product.clone(), quantity);
        assert_eq!(event(3).map(|e| e.quantity), Some(3));
        assert_eq!(event(Quantity::MAX).map(|e| e.quantity), Some(Quantity::MAX));
        assert_eq!(event(0), None);
        assert_eq!(event(Quantity::MAX + 1), None);
    }
}
