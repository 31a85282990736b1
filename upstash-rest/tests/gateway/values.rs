use upstash_rest::{scripts, Command, Error, Value};

use crate::{send, start};

/// Names with emoji, quotes and control bytes, and bytes that are not UTF-8 at all, come back
/// exactly (responses are base64), at the top level and inside arrays; "OK" as a value too.
#[tokio::test]
async fn binary_and_emoji_values_round_trip() {
    let (_stack, c) = start();
    let text = "emoji 😀🎉 ünïcödé \u{0} \u{1} \u{7f} \"quoted\" back\\slash\r\nnew line";
    send(&c, &["SET", "text", text]).await.unwrap();
    assert_eq!(send(&c, &["GET", "text"]).await.unwrap().as_str(), Some(text));
    send(&c, &["HSET", "h", "😀", text]).await.unwrap();
    assert_eq!(send(&c, &["HGET", "h", "😀"]).await.unwrap().as_str(), Some(text));

    // Arbitrary bytes cannot travel in a JSON request, but can be read back exactly thanks to
    // base64 responses: write them from Lua.
    let bytes = [0u8, 255, 254, 128, b'O', b'K'];
    let set = "return redis.call('SET', KEYS[1], string.char(0, 255, 254, 128, 79, 75))";
    c.run(scripts::eval(set, ["bin"], [] as [&str; 0])).await.unwrap();
    assert_eq!(
        send(&c, &["GET", "bin"]).await.unwrap().as_bytes(),
        Some(&bytes[..])
    );
    let raw = send(&c, &["MGET", "bin", "text"]).await.unwrap();
    assert_eq!(
        raw,
        Value::Array(vec![Value::Bytes(bytes.to_vec()), Value::from(text)])
    );
    // The value "OK" itself, at top level and inside an array.
    send(&c, &["SET", "ok", "OK"]).await.unwrap();
    assert_eq!(send(&c, &["GET", "ok"]).await.unwrap(), Value::from("OK"));
    assert_eq!(
        send(&c, &["MGET", "ok"]).await.unwrap(),
        Value::Array(vec![Value::from("OK")])
    );

    let err = c
        .send(&Command::new("SET").arg("k").arg(vec![0xffu8]))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err}");
}
