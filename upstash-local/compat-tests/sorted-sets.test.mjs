// Sorted sets through the official @upstash/redis client.
import assert from "node:assert/strict";
import { test } from "node:test";
import { uniq, useStack } from "./stack.mjs";

const stack = useStack();

async function seed(r) {
  const k = uniq("z");
  const added = await r.zadd(
    k,
    { score: 1, member: "one" },
    { score: 2.5, member: "two" },
    { score: 3, member: "three" },
  );
  assert.equal(added, 3);
  return k;
}

test("zadd / zrange / zrange withScores", async () => {
  const r = stack.client();
  const k = await seed(r);
  assert.deepEqual(await r.zrange(k, 0, -1), ["one", "two", "three"]);
  assert.deepEqual(await r.zrange(k, 0, -1, { withScores: true }), ["one", 1, "two", 2.5, "three", 3]);
  assert.equal(await r.zadd(k, { xx: true }, { score: 10, member: "one" }), 0);
  assert.deepEqual(await r.zrange(k, 0, -1), ["two", "three", "one"]);
});

test("zscore is a number, zincrby returns the new score", async () => {
  const r = stack.client();
  const k = await seed(r);
  const s = await r.zscore(k, "two");
  assert.equal(typeof s, "number");
  assert.equal(s, 2.5);
  assert.equal(await r.zscore(k, "nobody"), null);
  const inc = await r.zincrby(k, 2, "one");
  assert.equal(typeof inc, "number");
  assert.equal(inc, 3);
  assert.equal(await r.zincrby(k, 0.25, "two"), 2.75);
});

test("zrange rev and byScore (with limit)", async () => {
  const r = stack.client();
  const k = await seed(r);
  assert.deepEqual(await r.zrange(k, 0, -1, { rev: true }), ["three", "two", "one"]);
  assert.deepEqual(await r.zrange(k, 2, 3, { byScore: true }), ["two", "three"]);
  assert.deepEqual(await r.zrange(k, "(1", "+inf", { byScore: true }), ["two", "three"]);
  assert.deepEqual(await r.zrange(k, "+inf", "-inf", { byScore: true, rev: true, offset: 0, count: 2 }), [
    "three",
    "two",
  ]);
  assert.deepEqual(await r.zrange(k, 2, 3, { byScore: true, withScores: true }), ["two", 2.5, "three", 3]);
});

test("zrem removes members", async () => {
  const r = stack.client();
  const k = await seed(r);
  assert.equal(await r.zrem(k, "two", "nobody"), 1);
  assert.deepEqual(await r.zrange(k, 0, -1), ["one", "three"]);
  assert.equal(await r.zcard(k), 2);
});
