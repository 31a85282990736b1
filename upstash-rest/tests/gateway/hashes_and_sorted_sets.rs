use upstash_rest::sorted_sets::{ZAddOptions, ZRangeOptions};

use crate::start;

#[tokio::test]
async fn hashes() {
    let (_stack, c) = start();
    assert_eq!(c.hset("h", [("a", "1"), ("b", "2")]).await.unwrap(), 2);
    assert_eq!(c.hset("h", [("a", "10")]).await.unwrap(), 0);
    assert_eq!(c.hget("h", "a").await.unwrap().as_deref(), Some(&b"10"[..]));
    assert_eq!(c.hget("h", "zz").await.unwrap(), None);
    let all = c.hgetall("h").await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all["b"], b"2");
    assert!(c.hgetall("missing").await.unwrap().is_empty());
    assert_eq!(
        c.hmget("h", ["b", "x", "a"]).await.unwrap(),
        vec![Some(b"2".to_vec()), None, Some(b"10".to_vec())]
    );
    assert_eq!(c.hincrby("h", "n", 7).await.unwrap(), 7);
    assert_eq!(c.hincrby("h", "n", -8).await.unwrap(), -1);
    assert_eq!(c.hdel("h", ["a", "x"]).await.unwrap(), 1);
    assert_eq!(c.exists(["h"]).await.unwrap(), 1);
}

#[tokio::test]
async fn sorted_sets() {
    let (_stack, c) = start();
    let added = c
        .zadd(
            "z",
            [(1.0, "a"), (2.5, "b"), (3.0, "c"), (-1.0, "neg")],
            ZAddOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(added, 4);
    let nx = ZAddOptions {
        nx: true,
        ..Default::default()
    };
    assert_eq!(c.zadd("z", [(9.0, "a")], nx).await.unwrap(), 0);
    assert_eq!(c.zscore("z", "a").await.unwrap(), Some(1.0));
    assert_eq!(c.zscore("z", "b").await.unwrap(), Some(2.5));
    assert_eq!(c.zscore("z", "none").await.unwrap(), None);
    assert_eq!(c.zcard("z").await.unwrap(), 4);

    let all = c.zrange("z", 0, -1, ZRangeOptions::default()).await.unwrap();
    assert_eq!(
        all,
        [b"neg".to_vec(), b"a".to_vec(), b"b".to_vec(), b"c".to_vec()]
    );
    let top2 = c.zrange("z", 0, 1, ZRangeOptions::default().rev()).await.unwrap();
    assert_eq!(top2, [b"c".to_vec(), b"b".to_vec()]);
    let by_score = c
        .zrange_with_scores("z", "(1", "+inf", ZRangeOptions::by_score().limit(0, 1))
        .await
        .unwrap();
    assert_eq!(by_score, [(b"b".to_vec(), 2.5)]);
    let rev = c
        .zrange_with_scores("z", "+inf", "-inf", ZRangeOptions::by_score().rev())
        .await
        .unwrap();
    assert_eq!(rev.first(), Some(&(b"c".to_vec(), 3.0)));
    assert_eq!(rev.last(), Some(&(b"neg".to_vec(), -1.0)));

    assert_eq!(c.zrem("z", ["a", "none"]).await.unwrap(), 1);
    assert_eq!(c.zcard("z").await.unwrap(), 3);
}
