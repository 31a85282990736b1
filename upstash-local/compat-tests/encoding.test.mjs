// Values through Upstash-Encoding: base64: unicode, NUL, invalid UTF-8, "OK".
import assert from "node:assert/strict";
import { test } from "node:test";
import { uniq, useStack } from "./stack.mjs";

const stack = useStack();

async function rawCommand(cmd, { base64 = true } = {}) {
  const headers = { "Content-Type": "application/json" };
  if (base64) headers["Upstash-Encoding"] = "base64";
  const res = await stack.fetch("/", { headers, body: JSON.stringify(cmd) });
  return { status: res.status, body: await res.json() };
}

test("unicode and emoji round-trip through the client", async () => {
  const r = stack.client();
  const k = uniq("enc");
  for (const v of ["héllo 🚀", "日本語テキスト", "ZWJ 👩‍👩‍👧‍👦 family", "quote \" backslash \\ tab \t newline \n"]) {
    await r.set(k, v);
    assert.equal(await r.get(k), v);
  }
  // The bytes in Redis are the UTF-8 encoding.
  await r.set(k, "héllo 🚀");
  assert.deepEqual(await stack.redis("GET", k), Buffer.from("héllo 🚀", "utf8"));
  // Keys may be non-ASCII too.
  const uk = uniq("ключ🔑");
  await r.set(uk, "v");
  assert.equal(await r.get(uk), "v");
});

test("a value with NUL bytes round-trips", async () => {
  const r = stack.client();
  const k = uniq("nul");
  const v = "a\u0000b\u0000\u0000c";
  await r.set(k, v);
  assert.equal(await r.strlen(k), 6);
  assert.equal(await r.get(k), v);
  assert.deepEqual(await stack.redis("GET", k), Buffer.from([0x61, 0, 0x62, 0, 0, 0x63]));
});

test("bytes that are not valid UTF-8 come back exactly as base64", async () => {
  const r = stack.client();
  const k = uniq("bin");
  await r.eval("return redis.call('SET', KEYS[1], '\\255\\254')", [k], []);
  assert.deepEqual(await stack.redis("GET", k), Buffer.from([0xff, 0xfe]));
  assert.equal(await r.strlen(k), 2);

  const { status, body } = await rawCommand(["GET", k]);
  assert.equal(status, 200);
  assert.deepEqual(body, { result: Buffer.from([0xff, 0xfe]).toString("base64") }); // "//4="

  // Inside arrays too.
  const m = await rawCommand(["MGET", k, uniq("missing")]);
  assert.deepEqual(m.body, { result: ["//4=", null] });

  // Without the base64 header the response is still valid JSON (lossy UTF-8).
  const plain = await rawCommand(["GET", k], { base64: false });
  assert.equal(plain.status, 200);
  assert.equal(plain.body.result, "\uFFFD\uFFFD");
});

test("a large value (1 MiB) round-trips", async () => {
  const r = stack.client();
  const k = uniq("big");
  const v = "0123456789abcdéf🚀".repeat(1 << 16);
  await r.set(k, v);
  assert.equal(await r.get(k), v);
});

test('"OK" is raw at top level and base64 elsewhere', async () => {
  const k = uniq("ok");
  const set = await rawCommand(["SET", k, "v"]);
  assert.deepEqual(set, { status: 200, body: { result: "OK" } });

  // A value that is literally the string OK stored in Redis: a bulk string, base64 like any other.
  await rawCommand(["SET", k, "OK"]);
  const get = await rawCommand(["GET", k]);
  assert.ok(get.body.result === "T0s=" || get.body.result === "OK", JSON.stringify(get.body));
  assert.equal(await stack.client().get(k), "OK");

  // Inside an array, a status OK must be encoded: raw "OK" would decode to garbage in the client.
  const r = stack.client();
  const arr = await r.eval("return {redis.call('SET', KEYS[1], 'v'), 'OK', 'plain'}", [k], []);
  assert.deepEqual(arr, ["OK", "OK", "plain"]);
  const raw = await rawCommand(["EVAL", "return {redis.call('SET', KEYS[1], 'v'), 'OK'}", "1", k]);
  assert.deepEqual(raw.body, { result: ["T0s=", "T0s="] });
});

test("integers stay JSON numbers; errors are never base64", async () => {
  const k = uniq("int");
  const incr = await rawCommand(["INCRBY", k, "12345"]);
  assert.deepEqual(incr, { status: 200, body: { result: 12345 } });
  const err = await rawCommand(["INCR", uniq("x"), "extra"]);
  assert.equal(err.status, 400);
  assert.match(err.body.error, /^ERR wrong number of arguments/);
});
