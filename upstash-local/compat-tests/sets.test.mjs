// Sets through the official @upstash/redis client.
import assert from "node:assert/strict";
import { test } from "node:test";
import { uniq, useStack } from "./stack.mjs";

const stack = useStack();

test("sadd / smembers / sismember / srem", async () => {
  const r = stack.client();
  const k = uniq("s");
  assert.equal(await r.sadd(k, "apple", "banana", "cherry"), 3);
  assert.equal(await r.sadd(k, "apple"), 0);
  assert.deepEqual((await r.smembers(k)).sort(), ["apple", "banana", "cherry"]);
  assert.equal(await r.sismember(k, "banana"), 1);
  assert.equal(await r.sismember(k, "durian"), 0);
  assert.equal(await r.srem(k, "banana", "durian"), 1);
  assert.deepEqual((await r.smembers(k)).sort(), ["apple", "cherry"]);
  assert.equal(await r.scard(k), 2);
  assert.deepEqual(await r.smembers(uniq("missing")), []);
});

test("set members with unicode survive", async () => {
  const r = stack.client();
  const k = uniq("s");
  await r.sadd(k, "héllo", "🚀", "日本");
  assert.deepEqual((await r.smembers(k)).sort(), ["héllo", "日本", "🚀"].sort());
  assert.equal(await r.sismember(k, "🚀"), 1);
});
