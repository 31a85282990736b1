//! For tests of several crates (feature `test-support`, native only): a client on a local stack,
//! and events written by hand as an operator would.

use dev_stack::Gateway;
use upstash_rest::{Client, Command, Config, ReqwestTransport};

use crate::{Keys, Stream};

/// A native Upstash client on the stack's gateway.
pub fn client(gateway: &Gateway) -> Client<ReqwestTransport> {
    Client::native(Config::new(gateway.url(), gateway.token()).expect("a config")).expect("a client")
}

/// XADD of `fields` (names from [`crate::schema::event`]) to `stream`.
pub async fn xadd(client: &Client<ReqwestTransport>, keys: &Keys, stream: Stream, fields: &[(&str, &str)]) {
    let mut cmd = Command::new("XADD").arg(keys.stream(stream)).arg("*");
    for (k, v) in fields {
        cmd = cmd.arg(*k).arg(*v);
    }
    client.send(&cmd).await.expect("XADD");
}
