// Strings through the official @upstash/redis client: set/get/incr/expiry/mset/mget/getdel.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { uniq, useStack } from "./stack.mjs";

const stack = useStack();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The client's default is auto-pipelining (commands batched through /pipeline);
// run the family both ways so POST / and POST /pipeline are each exercised.
for (const enableAutoPipelining of [false, true]) {
  describe(`strings (autoPipelining=${enableAutoPipelining})`, () => {
    const redis = () => stack.client({ enableAutoPipelining });

    test("set returns OK, get returns the value, missing key is null", async () => {
      const r = redis();
      const k = uniq("str");
      assert.equal(await r.set(k, "hello world"), "OK");
      assert.equal(await r.get(k), "hello world");
      assert.equal(await r.get(uniq("missing")), null);
      // It really landed in redis-server.
      assert.equal((await stack.redis("GET", k)).toString(), "hello world");
    });

    test("objects and numbers round-trip through automatic (de)serialization", async () => {
      const r = redis();
      const k = uniq("obj");
      await r.set(k, { a: 1, nested: { b: [1, 2, "three"] } });
      assert.deepEqual(await r.get(k), { a: 1, nested: { b: [1, 2, "three"] } });
      await r.set(k, 42);
      assert.equal(await r.get(k), 42);
    });

    test("incr / incrby / decr return numbers; incr on text fails", async () => {
      const r = redis();
      const k = uniq("cnt");
      assert.equal(await r.incr(k), 1);
      assert.equal(await r.incrby(k, 41), 42);
      assert.equal(await r.decr(k), 41);
      const t = uniq("txt");
      await r.set(t, "not a number");
      await assert.rejects(r.incr(t), /not an integer/);
    });

    test("set with ex and px sets a TTL, and the key really expires", async () => {
      const r = redis();
      const k = uniq("ex");
      assert.equal(await r.set(k, "v", { ex: 100 }), "OK");
      const ttl = await r.ttl(k);
      assert.ok(ttl > 90 && ttl <= 100, `ttl ${ttl}`);
      const p = uniq("px");
      assert.equal(await r.set(p, "v", { px: 400 }), "OK");
      const pttl = await r.pttl(p);
      assert.ok(pttl > 0 && pttl <= 400, `pttl ${pttl}`);
      await sleep(600);
      assert.equal(await r.get(p), null);
      assert.equal(await r.exists(p), 0);
      assert.equal(await r.ttl(uniq("none")), -2);
    });

    test("set nx / xx / get options", async () => {
      const r = redis();
      const k = uniq("nx");
      assert.equal(await r.set(k, "first", { nx: true }), "OK");
      assert.equal(await r.set(k, "second", { nx: true }), null);
      assert.equal(await r.get(k), "first");
      assert.equal(await r.set(k, "third", { get: true }), "first");
      assert.equal(await r.set(uniq("xx"), "v", { xx: true }), null);
    });

    test("mset / mget", async () => {
      const r = redis();
      const a = uniq("a");
      const b = uniq("b");
      assert.equal(await r.mset({ [a]: "alpha", [b]: 7 }), "OK");
      assert.deepEqual(await r.mget(a, b, uniq("missing")), ["alpha", 7, null]);
    });

    test("getdel returns the value and removes the key", async () => {
      const r = redis();
      const k = uniq("gd");
      await r.set(k, "bye");
      assert.equal(await r.getdel(k), "bye");
      assert.equal(await r.get(k), null);
      assert.equal(await r.exists(k), 0);
      assert.equal(await r.getdel(k), null);
    });
  });
}
