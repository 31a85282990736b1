//! What the store's test files share: a stack to run against, a shop's worth of helpers on it
//! (products, carts placed and paid as the payment worker does), and a list read page by page.

use std::future::Future;

use dev_stack::Stack;
use domain::{
    Adjustment, EntryPageRequest, FeeRate, Id, LedgerEntry, LineRequest, NewProduct, Order, OrderStatus,
    Page, PageRequest, Quantity, RefundReason,
};
use serde_json::json;
use store::consumer::{Report, Settings};
use store::schema::event;
use store::test_support::client;
use store::{test_support, Change, Changed, Deleted, Keys, Placed, Placement, Store, Stream};
use upstash_rest::{Client, Command, ReqwestTransport};

/// redis-server and the gateway, and a client of the gateway.
pub fn start() -> (Stack, Client<ReqwestTransport>) {
    let stack = Stack::start().unwrap();
    let client = client(&stack.gateway);
    (stack, client)
}

pub fn clock() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

/// A test's own shop: the stack, and a store (a client, keys under a prefix of its own).
pub struct World {
    pub stack: Stack,
    store: Store<ReqwestTransport>,
}

impl std::ops::Deref for World {
    type Target = Store<ReqwestTransport>;
    fn deref(&self) -> &Self::Target {
        &self.store
    }
}

impl World {
    pub fn new() -> Self {
        let (stack, client) = start();
        Self {
            stack,
            store: Store::new(client, Keys::new("t:")),
        }
    }

    /// Deletes product `id`, with no condition.
    pub async fn delete(&self, id: &Id) -> Deleted {
        let change = Change::new(id, None, clock());
        self.inventory().delete(change).await.unwrap()
    }

    /// Adjusts product `id` by `delta` (`reason` one of the API's), with no condition.
    pub async fn adjust(&self, id: &Id, delta: i64, reason: &str) -> Changed {
        let adjustment = Adjustment::from_json(&json!({"delta": delta, "reason": reason})).unwrap();
        self.inventory()
            .adjust(Change::new(id, None, clock()), &adjustment)
            .await
            .unwrap()
    }

    /// The whole ledger of `id`, newest first (pages of 500).
    pub async fn ledger(&self, id: &Id) -> Vec<LedgerEntry> {
        let mut page = EntryPageRequest {
            limit: 500,
            after: None,
        };
        let mut all = Vec::new();
        loop {
            let Some(found) = self.inventory().ledger(id, &page).await.unwrap() else {
                return all;
            };
            all.extend(found.items);
            match found.next {
                Some(next) => page.after = Some(next),
                None => return all,
            }
        }
    }

    /// Product `n` at 20.00 with `quantity` on hand.
    pub async fn product(&self, n: u8, quantity: u64) -> Id {
        self.product_at(n, quantity, "20").await
    }

    pub async fn product_at(&self, n: u8, quantity: u64, price: &str) -> Id {
        let id = Id::generate(1_000 + u64::from(n), [n; 10]);
        let new =
            NewProduct::from_json(&json!({"name": format!("p{n}"), "price": price, "quantity": quantity}))
                .unwrap();
        assert!(self.inventory().create(&id, &new, 1).await.unwrap());
        id
    }

    pub async fn stock(&self, id: &Id) -> Option<u64> {
        self.inventory().get(id).await.unwrap().map(|p| p.quantity.get())
    }

    pub async fn available(&self, id: &Id) -> u64 {
        self.inventory().get(id).await.unwrap().unwrap().available.get()
    }

    /// Places order `n` of `lines` (product, units) at `now`, due 5 s later, at the tutorial's fee.
    pub async fn place_at(&self, n: u32, lines: &[(&Id, u64)], now: u64) -> Placed {
        let id = order_id(n);
        let lines: Vec<LineRequest> = lines
            .iter()
            .map(|(product, units)| LineRequest {
                product_id: (*product).clone(),
                quantity: Quantity::new(*units).unwrap(),
            })
            .collect();
        let placement = Placement {
            id: &id,
            lines: &lines,
            fee_rate: FeeRate::TUTORIAL,
            now_ms: now,
            due_ms: now + 5_000,
            retry: None,
        };
        self.orders().place(&placement).await.unwrap()
    }

    /// Places order `n` now and expects it placed.
    pub async fn placed(&self, n: u32, lines: &[(&Id, u64)]) -> Order {
        match self.place_at(n, lines, clock()).await {
            Placed::Created(order) => order,
            other => panic!("order {n}: {other:?}"),
        }
    }

    /// A paid order: placed, then completed (its event added).
    pub async fn paid_order(&self, n: u32, lines: &[(&Id, u64)]) -> Id {
        let id = self.placed(n, lines).await.id().clone();
        assert_eq!(
            self.orders()
                .complete(std::slice::from_ref(&id), clock())
                .await
                .unwrap(),
            1
        );
        id
    }

    pub async fn order(&self, id: &Id) -> Order {
        self.orders().get(id).await.unwrap().unwrap()
    }

    /// One run of the consumer with `settings`: 5 s of budget, no fault.
    pub async fn drain(&self, settings: Settings) -> Report {
        self.consumer(settings).drain(clock, 5_000, None).await.unwrap()
    }

    /// A raw Redis command (`["HDEL", key, field]`), as an operator or a bug would write:
    /// damage that a test then shows the store copes with.
    pub async fn redis(&self, parts: &[&str]) {
        let mut command = Command::new(parts[0]);
        for part in &parts[1..] {
            command = command.arg(*part);
        }
        self.client.send(&command).await.unwrap();
    }

    pub async fn xadd(&self, stream: Stream, fields: &[(&str, &str)]) {
        test_support::xadd(&self.client, &self.keys, stream, fields).await;
    }

    /// An `order_completed` event for `order`, written by hand as the payment side writes one.
    pub async fn completed_event(&self, order: &Id) {
        let fields = [
            (event::ORDER_ID, order.as_str()),
            (event::STATUS, OrderStatus::Completed.as_str()),
        ];
        self.xadd(Stream::OrderCompleted, &fields).await;
    }

    /// A `refund_order` event for `order` with `reason`, written by hand.
    pub async fn refund_event(&self, order: &Id, reason: RefundReason) {
        let fields = [
            (event::ORDER_ID, order.as_str()),
            (event::REFUND_REASON, reason.as_str()),
        ];
        self.xadd(Stream::RefundOrder, &fields).await;
    }

    /// One product of 10 and a paid order of 2 of it that the consumer has applied (on hand
    /// 8): the order whose stock was taken, that replays and forged events then name.
    pub async fn taken_order(&self) -> (Id, Id) {
        let product = self.product(1, 10).await;
        let order = self.paid_order(1, &[(&product, 2)]).await;
        self.drain(Settings::default()).await;
        assert_eq!(self.stock(&product).await, Some(8));
        (product, order)
    }

    /// Panics unless the books balance (`test_support::books`) for these products and what was
    /// supplied of each.
    pub async fn assert_books_balance(&self, supplied: &[(&Id, u64)]) {
        let problems = test_support::books(&self.client, &self.keys, supplied, clock(), 60_000).await;
        assert!(
            problems.is_empty(),
            "the books do not balance:\n{}",
            problems.join("\n")
        );
    }
}

/// Order `n`'s id: time-ordered by `n`.
pub fn order_id(n: u32) -> Id {
    let mut random = [0u8; 10];
    random[6..].copy_from_slice(&n.to_be_bytes());
    Id::generate(2_000 + u64::from(n), random)
}

/// Reads a list `limit` items at a time from the first page on, each page after the cursor of the
/// one before, and checks that the pages add up to `whole` (nothing skipped, nothing twice) and
/// that every page costs one round trip and holds at most `limit` items.
pub async fn assert_pages_add_up_to<T, E, F>(
    whole: &[T],
    stack: &Stack,
    limit: u32,
    read: impl Fn(PageRequest) -> F,
) where
    T: PartialEq + std::fmt::Debug,
    E: std::fmt::Debug,
    F: Future<Output = Result<Page<T>, E>>,
{
    let mut page = PageRequest { limit, after: None };
    let mut paged = Vec::new();
    loop {
        let (result, spent) = stack.gateway.measure(read(page.clone())).await;
        let result = result.unwrap();
        assert_eq!(spent.requests, 1, "one round trip per page");
        assert!(result.items.len() <= limit as usize);
        paged.extend(result.items);
        match result.next {
            Some(next) => page.after = Some(next),
            None => break,
        }
    }
    assert_eq!(
        paged, whole,
        "pages of {limit} add up to the whole list, nothing twice"
    );
}

/// An audit now, with the consumer's default grace and lag alert, and room for a whole test shop.
pub fn audit_settings() -> store::audit::AuditSettings {
    store::audit::AuditSettings::new(clock(), Settings::default().payment_grace_ms, 60_000)
}
