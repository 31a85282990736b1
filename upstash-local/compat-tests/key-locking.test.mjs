// Upstash's per-key locking (`#!lua flags=allow-key-locking`) through the official client: a
// flagged script may touch only the keys it declares, by EVAL, EVALSHA (the SHA the client
// computed from the flagged source), EVAL_RO, in pipelines and in transactions.
import assert from "node:assert/strict";
import { test } from "node:test";
import { uniq, useStack } from "./stack.mjs";

const stack = useStack();
const FLAGGED = "#!lua flags=allow-key-locking\n";
const UNDECLARED = /accessed key "([^"]+)" which is not in KEYS/;

test("a flagged script runs with its declared keys, through EVAL and EVALSHA", async () => {
  const r = stack.client();
  const [a, b] = [uniq("kl"), uniq("kl")];
  const copy = FLAGGED + "redis.call('SET', KEYS[2], redis.call('GET', KEYS[1])) return redis.call('GET', KEYS[2])";
  await r.set(a, "value");
  assert.equal(await r.eval(copy, [a, b], []), "value");
  const script = r.createScript(copy);
  await r.set(a, "again");
  assert.equal(await script.evalsha([a, b], []), "again", "the client's own SHA works");
  assert.equal((await stack.redis("GET", b)).toString(), "again");
});

test("a flagged script that touches an undeclared key fails, naming the key", async () => {
  const r = stack.client();
  const [declared, other] = [uniq("kl"), uniq("kl-undeclared")];
  const sneaky = FLAGGED + "redis.call('SET', KEYS[1], 'a') return redis.call('GET', ARGV[1])";
  await assert.rejects(r.eval(sneaky, [declared], [other]), (e) => UNDECLARED.exec(e.message)?.[1] === other);
  // pcall gets the error as a value instead.
  const careful = FLAGGED + "local res = redis.pcall('GET', ARGV[1]) return type(res) == 'table' and res.err or 'ran'";
  assert.match(await r.eval(careful, [declared], [other]), UNDECLARED);
  // Without the flag, vanilla Redis rules: undeclared keys are allowed (Upstash's global lock).
  assert.equal(await r.eval("return redis.call('GET', ARGV[1])", [], [declared]), "a");
});

test("EVAL_RO, pipelines and transactions enforce it too", async () => {
  const r = stack.client();
  const [k, other] = [uniq("kl"), uniq("kl-undeclared")];
  await r.set(k, "ro");
  const read = FLAGGED.replace("allow-key-locking", "allow-key-locking,no-writes") + "return redis.call('GET', KEYS[1])";
  assert.equal(await r.evalRo(read, [k], []), "ro");
  await assert.rejects(r.evalRo(read, [other], []).then(() => r.evalRo(read.replace("KEYS[1]", "ARGV[1]"), [k], [other])), UNDECLARED);

  const touch = FLAGGED + "return redis.call('GET', ARGV[1])";
  const p = r.pipeline();
  p.eval(touch, [k], [k]).eval(touch, [k], [other]);
  const entries = await p.exec({ keepErrors: true });
  assert.equal(entries[0].result, "ro");
  assert.match(entries[1].error, UNDECLARED);

  const tx = r.multi();
  tx.eval(touch, [k], [k]).eval(touch, [k], [other]);
  const results = await tx.exec({ keepErrors: true });
  assert.equal(results[0].result, "ro");
  assert.match(results[1].error, UNDECLARED);
});
