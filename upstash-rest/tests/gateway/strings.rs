use std::time::Duration;

use upstash_rest::strings::SetOptions;
use upstash_rest::{Command, Error, Value};

use crate::start;

#[tokio::test]
async fn strings_with_expiry() {
    let (_stack, c) = start();
    assert!(c.set("k", "v", SetOptions::default().ex(100)).await.unwrap());
    assert_eq!(c.get_string("k").await.unwrap().as_deref(), Some("v"));
    let ttl = c.ttl("k").await.unwrap();
    assert!((1..=100).contains(&ttl), "{ttl}");

    assert!(
        !c.set("k", "other", SetOptions::default().nx()).await.unwrap(),
        "NX on an existing key"
    );
    assert!(c
        .set("fresh", "1", SetOptions::default().nx().px(150))
        .await
        .unwrap());
    assert!(!c.set("absent", "1", SetOptions::default().xx()).await.unwrap());
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(c.get("fresh").await.unwrap(), None, "PX expiry");

    assert_eq!(c.incrby("n", 5).await.unwrap(), 5);
    assert_eq!(c.incrby("n", -2).await.unwrap(), 3);
    assert!(c.expire("n", 50).await.unwrap());
    assert!(!c.expire("missing", 50).await.unwrap());
    assert_eq!(c.exists(["k", "n", "missing"]).await.unwrap(), 2);
    assert_eq!(c.del(["k", "n", "missing"]).await.unwrap(), 2);
    assert_eq!(c.get("k").await.unwrap(), None);
    // A Redis error is typed, not a panic.
    c.set("s", "text", SetOptions::default()).await.unwrap();
    assert!(matches!(c.incrby("s", 1).await, Err(Error::Redis(m)) if m.contains("not an integer")));
}

#[tokio::test]
async fn binary_and_emoji_values_round_trip() {
    let (_stack, c) = start();
    let text = "emoji 😀🎉 ünïcödé \u{0} \u{1} \u{7f} \"quoted\" back\\slash\r\nnew line";
    c.set("text", text, SetOptions::default()).await.unwrap();
    assert_eq!(c.get_string("text").await.unwrap().as_deref(), Some(text));
    c.hset("h", [("😀", text)]).await.unwrap();
    assert_eq!(c.hget("h", "😀").await.unwrap().as_deref(), Some(text.as_bytes()));

    // Arbitrary bytes cannot travel in a JSON request, but can be read back exactly thanks to
    // base64 responses: write them from Lua.
    let bytes = [0u8, 255, 254, 128, b'O', b'K'];
    c.eval(
        "return redis.call('SET', KEYS[1], string.char(0, 255, 254, 128, 79, 75))",
        ["bin"],
        [] as [&str; 0],
    )
    .await
    .unwrap();
    assert_eq!(c.get("bin").await.unwrap().as_deref(), Some(&bytes[..]));
    let raw = c.send(&Command::new("MGET").args(["bin", "text"])).await.unwrap();
    assert_eq!(
        raw,
        Value::Array(vec![Value::Bytes(bytes.to_vec()), Value::from(text)])
    );
    // The value "OK" itself, at top level and inside an array.
    c.set("ok", "OK", SetOptions::default()).await.unwrap();
    assert_eq!(c.get("ok").await.unwrap().as_deref(), Some(&b"OK"[..]));
    assert_eq!(
        c.send(&Command::new("MGET").arg("ok")).await.unwrap(),
        Value::Array(vec![Value::from("OK")])
    );

    let err = c.set("k", vec![0xffu8], SetOptions::default()).await.unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err}");
}
