//! What the store's test binaries share: a stack to run against, and a list read page by page.

#![allow(dead_code)] // each test binary uses its own part

use std::future::Future;

use dev_stack::Stack;
use domain::{Page, PageRequest};
use store::test_support::client;
use upstash_rest::{Client, ReqwestTransport};

/// redis-server and the gateway, and a client of the gateway.
pub fn start() -> (Stack, Client<ReqwestTransport>) {
    let stack = Stack::start().unwrap();
    let client = client(&stack.gateway);
    (stack, client)
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
