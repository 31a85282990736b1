//! An order belongs to whoever placed it: its id (a ULID with 80 random bits) is the customer's
//! credential for reading and cancelling it, with no other token, while the list of all orders is
//! the back office's and needs the admin token.

use dev_stack::{Shop, ShopVars};
use shop_tests::*;

const ADMIN: &str = "orders-admin-token";

#[tokio::test]
async fn the_id_reads_and_cancels_an_order_and_only_the_admin_lists_them_all() {
    let shop =
        Shop::start(ShopVars::open().with_payment(&[("ADMIN_TOKEN", ADMIN), ("PAYMENT_DELAY_MS", "60000")]))
            .expect("the shop starts");
    let product = create_product(&shop, "Guarded", 1.0, 5).await;
    let placed = order(&shop, &product, 2).await;
    assert_eq!(placed.status, 201, "placing needs no token: {}", placed.raw);
    let id = placed.text("id");

    let list = format!("{}/orders", shop.payment.url());
    for token in [None, Some("guess")] {
        let mut attempt = request("GET", &list);
        if let Some(token) = token {
            attempt = attempt.header("Authorization", &format!("Bearer {token}"));
        }
        let refused = attempt.send().await;
        refused.assert_error_for(401, "unauthorized", format_args!("{token:?}"));
    }
    let all = request("GET", &list)
        .header("Authorization", &format!("Bearer {ADMIN}"))
        .send()
        .await;
    assert_eq!(all.status, 200, "{}", all.raw);
    assert_eq!(all.ids(), vec![id.clone()]);

    // The customer holds the id: reading and cancelling need nothing else.
    assert_eq!(get_order(&shop, &id).await["status"], "pending");
    assert_eq!(available(&shop, &product).await, Some(3), "reserved");
    let cancelled = cancel(&shop, &id).await;
    assert_eq!(
        (cancelled.status, cancelled.text("status")),
        (200, "cancelled".into()),
        "{}",
        cancelled.raw
    );
    assert_eq!(available(&shop, &product).await, Some(5));

    // Ids are not guessable: two orders placed at once share only their time part.
    let (a, b) = futures_util::future::join(order(&shop, &product, 1), order(&shop, &product, 1)).await;
    let (a, b) = (a.text("id"), b.text("id"));
    assert_eq!(a.len(), 26);
    assert_ne!(a[10..], b[10..], "80 random bits each");
}
