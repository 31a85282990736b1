// Pipelines and transactions (multi-exec) through the official @upstash/redis client.
import assert from "node:assert/strict";
import { test } from "node:test";
import { uniq, useStack } from "./stack.mjs";

const stack = useStack();

test("pipeline runs commands in order and returns every result", async () => {
  const r = stack.client();
  const k = uniq("p");
  const c = uniq("c");
  const p = r.pipeline();
  p.set(k, "v1").get(k).incr(c).incr(c).del(k).get(k);
  assert.deepEqual(await p.exec(), ["OK", "v1", 1, 2, 1, null]);
});

test("pipeline error entry: keepErrors gives {error} with result undefined", async () => {
  const r = stack.client();
  const k = uniq("p");
  const p = r.pipeline();
  p.set(k, "text").incr(k).get(k);
  const res = await p.exec({ keepErrors: true });
  assert.equal(res.length, 3);
  assert.equal(res[0].result, "OK");
  assert.equal(res[0].error, undefined);
  assert.match(res[1].error, /ERR value is not an integer/);
  assert.equal(res[1].result, undefined);
  assert.equal(res[2].result, "text");
  assert.equal(res[2].error, undefined);
});

test("pipeline error entry without keepErrors throws 'Command N [ ... ] failed'", async () => {
  const r = stack.client();
  const k = uniq("p");
  const p = r.pipeline();
  p.set(k, "text").incr(k).get(k);
  await assert.rejects(p.exec(), (err) => {
    assert.match(err.message, /^Command 2 \[ incr \] failed: ERR value is not an integer/);
    return true;
  });
  // The pipeline is not atomic: the SET before the failure did happen.
  assert.equal(await r.get(k), "text");
});

test("raw /pipeline: error entries carry no result key", async () => {
  const k = uniq("p");
  const res = await stack.fetch("/pipeline", {
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify([["SET", k, "x"], ["INCR", k], ["GET", k]]),
  });
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.deepEqual(body[0], { result: "OK" });
  assert.equal(typeof body[1].error, "string");
  assert.ok(!("result" in body[1]), `error entry has a result key: ${JSON.stringify(body[1])}`);
  assert.deepEqual(body[2], { result: "x" });
});

test("multi-exec: success", async () => {
  const r = stack.client();
  const k = uniq("m");
  const tx = r.multi();
  tx.set(k, 1).incrby(k, 9).get(k);
  assert.deepEqual(await tx.exec(), ["OK", 10, 10]);
});

test("multi-exec: a runtime error is an entry and the other commands still run", async () => {
  const r = stack.client();
  const k = uniq("m");
  const after = uniq("m");
  await r.set(k, "text");
  const tx = r.multi();
  tx.incr(k).set(after, "ran").get(k);
  const res = await tx.exec({ keepErrors: true });
  assert.match(res[0].error, /not an integer/);
  assert.equal(res[0].result, undefined);
  assert.equal(res[1].result, "OK");
  assert.equal(res[2].result, "text");
  assert.equal(await r.get(after), "ran");

  const tx2 = r.multi();
  tx2.incr(k).get(k);
  await assert.rejects(tx2.exec(), /Command 1 \[ incr \] failed: .*not an integer/);
});

test("multi-exec: EXECABORT (wrong arity) makes the client throw and nothing runs", async () => {
  const r = stack.client();
  const k = uniq("m");
  const tx = r.multi();
  tx.set(k, "should-not-exist");
  tx.del(); // DEL with no key: wrong number of arguments, queued-time error
  await assert.rejects(tx.exec(), (err) => {
    assert.equal(err.name, "UpstashError");
    assert.match(err.message, /EXECABORT|wrong number of arguments/i);
    return true;
  });
  assert.equal(await r.get(k), null);
});

test("raw /multi-exec: EXECABORT (unknown command) is a single 400 {error}", async () => {
  const k = uniq("m");
  const res = await stack.fetch("/multi-exec", {
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify([["SET", k, "x"], ["NOSUCHCOMMAND", "a"]]),
  });
  assert.equal(res.status, 400);
  const body = await res.json();
  assert.ok(!Array.isArray(body), `expected one error object, got ${JSON.stringify(body)}`);
  assert.equal(typeof body.error, "string");
  assert.match(body.error, /EXECABORT|unknown command/i);
  assert.equal(await stack.redis("EXISTS", k), 0);
});
