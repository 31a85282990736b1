//! Order ids are public (`GET /orders` lists them), so with `ADMIN_TOKEN` set only the shop can
//! cancel an order; placing and reading orders stay public.

use dev_stack::{Shop, ShopVars};
use shop_tests::*;

const ADMIN: &str = "cancel-admin-token";

#[tokio::test]
async fn cancelling_needs_the_admin_token_when_it_is_set() {
    let shop = Shop::start(ShopVars {
        payment: &[("ADMIN_TOKEN", ADMIN), ("PAYMENT_DELAY_MS", "60000")],
        ..ShopVars::default()
    })
    .expect("the shop starts");
    let product = create_product(&shop, "Guarded", 1.0, 5).await;
    let placed = order(&shop, &product, 2).await;
    assert_eq!(placed.status, 201, "placing stays public: {}", placed.raw);
    let url = format!("{}/orders/{}/cancel", shop.payment.url(), placed.text("id"));

    for token in [None, Some("guess")] {
        let mut attempt = request("POST", &url);
        if let Some(token) = token {
            attempt = attempt.header("Authorization", &format!("Bearer {token}"));
        }
        let refused = attempt.send().await;
        assert_eq!(
            (refused.status, refused.error_code()),
            (401, "unauthorized"),
            "{token:?}"
        );
    }
    assert_eq!(get_order(&shop, &placed.text("id")).await["status"], "pending");
    assert_eq!(available(&shop, &product).await, Some(3), "still reserved");

    let cancelled = request("POST", &url)
        .header("Authorization", &format!("Bearer {ADMIN}"))
        .send()
        .await;
    assert_eq!(
        (cancelled.status, cancelled.text("status")),
        (200, "cancelled".into())
    );
    assert_eq!(available(&shop, &product).await, Some(5));
}
