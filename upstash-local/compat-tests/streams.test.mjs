// Streams with consumer groups through the official @upstash/redis client.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CEILING_MS, timed, uniq, useStack } from "./stack.mjs";

const stack = useStack();
const ID = /^\d+-\d+$/;

/** A stream with group "g" (created with MKSTREAM) and three entries. */
async function seed(r) {
  const key = uniq("stream");
  assert.equal(await r.xgroup(key, { type: "CREATE", group: "g", id: "$", options: { MKSTREAM: true } }), "OK");
  const ids = [];
  for (const n of ["first", "second", "third"]) {
    const id = await r.xadd(key, "*", { task: n, owner: "ada" });
    assert.match(id, ID);
    ids.push(id);
  }
  return { key, ids };
}

test("xgroup create with mkStream; a second create throws BUSYGROUP", async () => {
  const r = stack.client();
  const key = uniq("stream");
  assert.equal(await r.exists(key), 0);
  assert.equal(await r.xgroup(key, { type: "CREATE", group: "g", id: "$", options: { MKSTREAM: true } }), "OK");
  assert.equal(await r.exists(key), 1);
  assert.equal(await r.xlen(key), 0);
  await assert.rejects(
    r.xgroup(key, { type: "CREATE", group: "g", id: "$", options: { MKSTREAM: true } }),
    /BUSYGROUP/,
  );
  // Without MKSTREAM on a missing key, Redis refuses.
  await assert.rejects(r.xgroup(uniq("nostream"), { type: "CREATE", group: "g", id: "$" }), /requires the key to exist/);
});

test("xadd ids increase; xlen and xrange see the entries", async () => {
  const r = stack.client();
  const { key, ids } = await seed(r);
  const asPair = (id) => id.split("-").map(BigInt);
  for (let i = 1; i < ids.length; i++) {
    const [a, b] = [asPair(ids[i - 1]), asPair(ids[i])];
    assert.ok(a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]), `${ids[i - 1]} < ${ids[i]}`);
  }
  assert.equal(await r.xlen(key), 3);
  const range = await r.xrange(key, "-", "+");
  assert.deepEqual(Object.keys(range), ids);
  assert.deepEqual(range[ids[1]], { task: "second", owner: "ada" });
  const two = await r.xrange(key, "-", "+", 2);
  assert.deepEqual(Object.keys(two), ids.slice(0, 2));
});

test("xreadgroup with count delivers new entries in order, then nothing", async () => {
  const r = stack.client();
  const { key, ids } = await seed(r);
  const res = await r.xreadgroup("g", "c1", key, ">", { count: 2 });
  assert.equal(res.length, 1);
  assert.equal(res[0][0], key);
  assert.deepEqual(res[0][1], [
    [ids[0], ["task", "first", "owner", "ada"]],
    [ids[1], ["task", "second", "owner", "ada"]],
  ]);
  const rest = await r.xreadgroup("g", "c1", key, ">", { count: 10 });
  assert.deepEqual(rest[0][1].map((e) => e[0]), [ids[2]]);
  assert.equal(await r.xreadgroup("g", "c1", key, ">", { count: 10 }), null);
});

test("xreadgroup with a BLOCK option returns promptly (BLOCK is stripped)", async () => {
  const r = stack.client();
  const { key, ids } = await seed(r);
  // Entries waiting: returned at once.
  const { value: got } = await timed(
    r.xreadgroup("g", "c1", key, ">", { count: 10, blockMS: 5000 }),
    CEILING_MS,
    "XREADGROUP BLOCK 5000 with entries",
  );
  assert.deepEqual(got[0][1].map((e) => e[0]), ids);
  // Nothing new: Redis would block 5 s; the gateway must answer at once with null.
  const { value: none, ms } = await timed(
    r.xreadgroup("g", "c1", key, ">", { count: 10, blockMS: 5000 }),
    CEILING_MS,
    "XREADGROUP BLOCK 5000 on an empty stream",
  );
  assert.equal(none, null);
  // Under the 5 s Redis would block, also on a slow machine.
  assert.ok(ms < 4000, `took ${ms} ms`);
  // Same for plain XREAD with blockMS 0 (block forever in Redis): any answer is the gateway's.
  const { value: x } = await timed(r.xread(key, "$", { blockMS: 0 }), CEILING_MS, "XREAD BLOCK 0");
  assert.equal(x, null);
});

test("xack and xpending (summary and extended)", async () => {
  const r = stack.client();
  const { key, ids } = await seed(r);
  await r.xreadgroup("g", "c1", key, ">", { count: 3 });

  // Summary form: [count, minId, maxId, [[consumer, count]]].
  const summary = await r.exec(["XPENDING", key, "g"]);
  assert.equal(Number(summary[0]), 3);
  assert.equal(String(summary[1]), ids[0]);
  assert.equal(String(summary[2]), ids[2]);
  assert.deepEqual(summary[3].map(([c, n]) => [String(c), Number(n)]), [["c1", 3]]);

  assert.equal(await r.xack(key, "g", ids[0]), 1);
  assert.equal(await r.xack(key, "g", ids[0]), 0);

  // Extended form: [[id, consumer, idleMs, deliveries], ...].
  const ext = await r.xpending(key, "g", "-", "+", 10);
  assert.equal(ext.length, 2);
  assert.deepEqual(ext.map((e) => e[0]), ids.slice(1));
  for (const [, consumer, idle, deliveries] of ext) {
    assert.equal(consumer, "c1");
    assert.equal(typeof idle, "number");
    assert.equal(deliveries, 1);
  }
  assert.deepEqual(await r.xpending(key, "g", "-", "+", 10, { consumer: "nobody" }), []);

  assert.equal(await r.xack(key, "g", [ids[1], ids[2]]), 2);
  const empty = await r.exec(["XPENDING", key, "g"]);
  assert.deepEqual(empty, [0, null, null, null]);
});

test("xautoclaim reclaims an idle entry for another consumer", async () => {
  const r = stack.client();
  const { key, ids } = await seed(r);
  await r.xreadgroup("g", "c1", key, ">", { count: 1 });
  const [next, claimed, deleted] = await r.xautoclaim(key, "g", "c2", 0, "0-0", { count: 10 });
  assert.equal(next, "0-0");
  assert.deepEqual(claimed, [[ids[0], ["task", "first", "owner", "ada"]]]);
  assert.deepEqual(deleted, []);
  const ext = await r.xpending(key, "g", "-", "+", 10);
  assert.equal(ext.length, 1);
  assert.equal(ext[0][0], ids[0]);
  assert.equal(ext[0][1], "c2");
  assert.equal(ext[0][3], 2);
  const justId = await r.xautoclaim(key, "g", "c3", 0, "0-0", { justId: true });
  assert.deepEqual(justId[1], [ids[0]]);
});

test("xtrim and xlen", async () => {
  const r = stack.client();
  const { key, ids } = await seed(r);
  assert.equal(await r.xtrim(key, { strategy: "MAXLEN", exactness: "=", threshold: 1 }), 2);
  assert.equal(await r.xlen(key), 1);
  assert.deepEqual(Object.keys(await r.xrange(key, "-", "+")), [ids[2]]);
});

test("xinfo groups", async () => {
  const r = stack.client();
  const { key } = await seed(r);
  await r.xreadgroup("g", "c1", key, ">", { count: 2 });
  const groups = await r.xinfo(key, { type: "GROUPS" });
  assert.equal(groups.length, 1);
  const info = {};
  for (let i = 0; i < groups[0].length; i += 2) info[groups[0][i]] = groups[0][i + 1];
  assert.equal(info.name, "g");
  assert.equal(info.consumers, 1);
  assert.equal(info.pending, 2);
  assert.match(String(info["last-delivered-id"]), ID);
});
