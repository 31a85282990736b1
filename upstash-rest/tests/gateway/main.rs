//! Integration tests: the native client against the real `upstash-local` gateway in front of a
//! real redis-server, one fresh stack per test (`cargo build -p upstash-local` first).
#![cfg(feature = "native")]

mod batches;
mod failures;
mod hashes_and_sorted_sets;
mod scripts;
mod streams;
mod strings;

use dev_stack::Stack;
use upstash_rest::{Client, Config, ReqwestTransport};

type NativeClient = Client<ReqwestTransport>;

/// A fresh stack and a client for it. Keep the stack alive for the whole test.
fn start() -> (Stack, NativeClient) {
    let stack = Stack::start().expect("start redis-server and upstash-local (cargo build -p upstash-local)");
    let client = client_for(&stack, stack.gateway.token());
    (stack, client)
}

fn client_for(stack: &Stack, token: &str) -> NativeClient {
    let config = Config::new(stack.gateway.url(), token).expect("gateway URL");
    Client::native(config).expect("reqwest client")
}

/// Native futures stay `Send`, so a client can be shared across `tokio::spawn`ed tasks.
#[allow(dead_code)]
fn native_futures_are_send(c: &NativeClient) {
    fn assert_send<T: Send>(_: T) {}
    assert_send(c.get("k"));
    assert_send(c.pipeline([upstash_rest::strings::get("k")]));
    assert_send(c.run_script(&upstash_rest::Script::new("return 1"), ["k"], ["a"]));
    assert_send(c.xreadgroup("g", "c", "s", ">", 1));
}
