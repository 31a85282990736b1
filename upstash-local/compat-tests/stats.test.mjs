// GET /__stats counts HTTP requests and forwarded Redis commands.
import assert from "node:assert/strict";
import { test } from "node:test";
import { uniq, useStack } from "./stack.mjs";

const stack = useStack();

test("/__stats is authenticated and returns numbers", async () => {
  const res = await stack.fetch("/__stats", { method: "GET", auth: false });
  assert.equal(res.status, 401);
  await res.arrayBuffer();
  const s = await stack.stats();
  assert.equal(typeof s.requests, "number");
  assert.equal(typeof s.commands, "number");
});

test("/__stats does not count itself", async () => {
  const a = await stack.stats();
  const b = await stack.stats();
  const c = await stack.stats();
  assert.equal(b.requests, a.requests);
  assert.equal(c.requests, a.requests);
  assert.equal(c.commands, a.commands);
});

test("N single commands and a pipeline of 3 move the counters exactly", async () => {
  const r = stack.client(); // auto-pipelining off
  const k = uniq("st");
  const before = await stack.stats();

  await r.set(k, "1"); // request 1, command 1
  await r.get(k); // request 2, command 2
  await r.incr(k); // request 3, command 3
  await r.pipeline().incr(k).incr(k).get(k).exec(); // request 4, commands 4-6
  const path = await stack.fetch(`/get/${encodeURIComponent(k)}`, { method: "GET" }); // request 5, command 7
  assert.deepEqual(await path.json(), { result: "4" });

  const after = await stack.stats();
  assert.equal(after.requests - before.requests, 5, JSON.stringify({ before, after }));
  assert.equal(after.commands - before.commands, 7, JSON.stringify({ before, after }));
});

test("a pipeline of 3 is 1 request and 3 commands", async () => {
  const r = stack.client();
  const before = await stack.stats();
  await r.pipeline().ping().ping().ping().exec();
  const after = await stack.stats();
  assert.equal(after.requests - before.requests, 1);
  assert.equal(after.commands - before.commands, 3);
});
