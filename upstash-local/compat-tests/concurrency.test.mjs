// 1000 simultaneous requests from the official client.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CEILING_MS, timed, uniq, useStack } from "./stack.mjs";

const stack = useStack();
const N = 1000;

test(`${N} simultaneous INCR on one key all succeed and count to ${N}`, async () => {
  const r = stack.client(); // auto-pipelining off: one HTTP request per command
  const k = uniq("ctr");
  const before = await stack.stats();
  const { value: results } = await timed(
    Promise.all(Array.from({ length: N }, () => r.incr(k))),
    CEILING_MS,
    `${N} INCR`,
  );
  assert.equal(results.length, N);
  assert.deepEqual(
    [...results].sort((a, b) => a - b),
    Array.from({ length: N }, (_, i) => i + 1),
  );
  assert.equal(await r.get(k), N);
  const after = await stack.stats();
  assert.ok(after.requests - before.requests >= N + 1, `stats moved ${after.requests - before.requests}`);
});

test(`${N} simultaneous distinct SET then ${N} GET all succeed`, async () => {
  const r = stack.client();
  const base = uniq("many");
  const sets = await Promise.all(Array.from({ length: N }, (_, i) => r.set(`${base}:${i}`, `value-${i}-🚀`)));
  assert.ok(sets.every((x) => x === "OK"));
  const gets = await Promise.all(Array.from({ length: N }, (_, i) => r.get(`${base}:${i}`)));
  gets.forEach((v, i) => assert.equal(v, `value-${i}-🚀`));
  assert.equal((await stack.redis("GET", `${base}:${N - 1}`)).toString(), `value-${N - 1}-🚀`);
});

test(`${N} commands through the client's default auto-pipelining`, async () => {
  const r = stack.client({ enableAutoPipelining: true });
  const k = uniq("auto");
  const results = await Promise.all(Array.from({ length: N }, () => r.incr(k)));
  assert.equal(Math.max(...results), N);
  assert.equal(await r.get(k), N);
});
