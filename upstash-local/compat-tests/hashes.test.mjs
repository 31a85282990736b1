// Hashes through the official @upstash/redis client.
import assert from "node:assert/strict";
import { test } from "node:test";
import { uniq, useStack } from "./stack.mjs";

const stack = useStack();

test("hset / hget / hgetall", async () => {
  const r = stack.client();
  const k = uniq("h");
  assert.equal(await r.hset(k, { name: "ada", age: 36, tags: ["x", "y"] }), 3);
  assert.equal(await r.hget(k, "name"), "ada");
  assert.equal(await r.hget(k, "age"), 36);
  assert.equal(await r.hget(k, "nope"), null);
  assert.deepEqual(await r.hgetall(k), { name: "ada", age: 36, tags: ["x", "y"] });
  assert.equal(await r.hgetall(uniq("missing")), null);
  // Really a hash in redis-server.
  assert.equal(await stack.redis("TYPE", k), "hash");
});

test("hincrby returns the new number", async () => {
  const r = stack.client();
  const k = uniq("h");
  assert.equal(await r.hincrby(k, "n", 5), 5);
  assert.equal(await r.hincrby(k, "n", -2), 3);
  assert.equal(await r.hget(k, "n"), 3);
  await r.hset(k, { s: "text" });
  await assert.rejects(r.hincrby(k, "s", 1), /not an integer/);
});

test("hdel removes fields and counts only existing ones", async () => {
  const r = stack.client();
  const k = uniq("h");
  await r.hset(k, { a: "1", b: "2", c: "3" });
  assert.equal(await r.hdel(k, "a", "zz"), 1);
  assert.deepEqual(await r.hgetall(k), { b: 2, c: 3 });
  assert.equal(await r.hlen(k), 2);
  assert.equal(await r.hdel(k, "b", "c"), 2);
  assert.equal(await r.exists(k), 0);
});
