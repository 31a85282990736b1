//! Integration tests: the native client against the real `upstash-local` gateway in front of a
//! real redis-server, one fresh stack per test (`cargo build -p upstash-local` first). One file per
//! part of the client: batches, failures, values, and each command family (scripts, streams).
#![cfg(feature = "native")]

mod batches;
mod failures;
mod scripts;
mod streams;
mod values;

use dev_stack::Stack;
use upstash_rest::{Client, Command, Config, ReqwestTransport, Value};

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

/// Sends a command built from its words.
async fn send(c: &NativeClient, words: &[&str]) -> Result<Value, upstash_rest::Error> {
    c.send(&Command::new(words[0]).args(&words[1..])).await
}

/// Native futures stay `Send`, so a client can be shared across `tokio::spawn`ed tasks.
#[allow(dead_code)]
fn native_futures_are_send(c: &NativeClient) {
    fn assert_send<T: Send>(_: T) {}
    assert_send(c.send(&Command::new("GET").arg("k")));
    assert_send(c.pipeline([Command::new("GET").arg("k")]));
    assert_send(c.run(upstash_rest::scripts::eval("return 1", ["k"], ["a"])));
    assert_send(c.run(upstash_rest::streams::xreadgroup("g", "c", "s", ">", 1)));
}
