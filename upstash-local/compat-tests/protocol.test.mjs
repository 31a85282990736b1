// Protocol edges over raw HTTP: methods, body limit, refused commands, BLOCK, number text.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CEILING_MS, timed, uniq, useStack } from "./stack.mjs";

const stack = useStack();
const JSON_HEADERS = { "Content-Type": "application/json" };

async function post(path, bodyText, headers = {}) {
  const res = await stack.fetch(path, { headers: { ...JSON_HEADERS, ...headers }, body: bodyText });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body, headers: res.headers };
}

/**
 * POST a `["SET","big","xxx…"]` body of about `size` bytes. A server answering 413 before it read
 * the whole body may reset the connection under the rest of the upload; retry such a transport
 * error a couple of times (only a real HTTP answer counts).
 */
async function postBig(path, size) {
  const body = `["SET","big","${"x".repeat(size)}"]`;
  let lastErr;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const res = await stack.fetch(path, { headers: JSON_HEADERS, body });
      return { status: res.status, text: await res.text() };
    } catch (err) {
      lastErr = err;
    }
  }
  throw lastErr;
}

test("methods other than GET/POST/HEAD/PUT get 405", async () => {
  for (const method of ["DELETE", "PATCH"]) {
    const res = await stack.fetch("/", { method, headers: JSON_HEADERS, body: JSON.stringify(["PING"]) });
    assert.equal(res.status, 405, `${method} /`);
    await res.arrayBuffer();
  }
  const del = await stack.fetch("/get/x", { method: "DELETE" });
  assert.equal(del.status, 405);
  await del.arrayBuffer();
  // PUT and HEAD are allowed methods.
  for (const method of ["PUT", "HEAD"]) {
    const res = await stack.fetch("/get/x", { method });
    assert.notEqual(res.status, 405, method);
    await res.arrayBuffer();
  }
});

test("a body over 10 MiB gets 413; one under 10 MiB is served", async () => {
  const big = await postBig("/", 11 * 1024 * 1024);
  assert.equal(big.status, 413, big.text.slice(0, 200));
  assert.equal(await stack.redis("EXISTS", "big"), 0);

  const ok = await postBig("/", 9 * 1024 * 1024);
  assert.equal(ok.status, 200, ok.text.slice(0, 200));
  assert.equal(await stack.redis("STRLEN", "big"), 9 * 1024 * 1024);

  // The official client surfaces the 413's JSON error (it retries transport errors only).
  const r = stack.client({ retry: { retries: 2, backoff: () => 10 } });
  await assert.rejects(r.set(uniq("big"), "y".repeat(11 * 1024 * 1024)), (err) => {
    assert.equal(err.name, "UpstashError", `${err.name}: ${err.message.slice(0, 200)}`);
    assert.ok(!/^undefined/.test(err.message), err.message.slice(0, 200));
    return true;
  });
});

for (const cmd of [
  ["SUBSCRIBE", "x"],
  ["PSUBSCRIBE", "x*"],
  ["MONITOR"],
  ["SELECT", "1"],
  ["AUTH", "secret"],
  ["HELLO", "3"],
  ["MULTI"],
  ["EXEC"],
  ["WATCH", "k"],
  ["BLPOP", "list", "0"],
  ["BRPOP", "list", "0"],
]) {
  test(`POST / ${JSON.stringify(cmd)} is refused with 400 {error} promptly`, async () => {
    const { value: res } = await timed(post("/", JSON.stringify(cmd)), CEILING_MS, `POST / ${cmd[0]}`);
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.equal(typeof res.body.error, "string");
    assert.ok(res.body.error.length > 0);
  });
}

test("refused commands inside /multi-exec abort the transaction with a single 400 {error}", async () => {
  for (const cmd of [["SELECT", "1"], ["SUBSCRIBE", "x"], ["MULTI"], ["BLPOP", "l", "0"]]) {
    const k = uniq("tx");
    const { value: res } = await timed(
      post("/multi-exec", JSON.stringify([["SET", k, "v"], cmd])),
      CEILING_MS,
      `/multi-exec with ${cmd[0]}`,
    );
    assert.equal(res.status, 400, `${JSON.stringify(cmd)}: ${JSON.stringify(res.body)}`);
    assert.equal(typeof res.body.error, "string");
    assert.equal(await stack.redis("EXISTS", k), 0, `SET ran although the transaction had ${cmd[0]}`);
  }
});

test("refused commands inside /pipeline are refused (400, or an error entry) and do not run", async () => {
  for (const cmd of [["SELECT", "1"], ["SUBSCRIBE", "x"], ["MULTI"], ["BLPOP", "l", "0"]]) {
    const k = uniq("p");
    const { value: res } = await timed(
      post("/pipeline", JSON.stringify([["PING"], cmd, ["SET", k, "v"]])),
      CEILING_MS,
      `/pipeline with ${cmd[0]}`,
    );
    // The contract says 400 {error}; an error entry for that command inside a 200 is
    // what Upstash does for other per-command refusals, and the client handles both.
    if (res.status === 200) {
      assert.ok(Array.isArray(res.body) && res.body.length === 3, JSON.stringify(res.body));
      assert.equal(typeof res.body[1].error, "string", `${cmd[0]} entry: ${JSON.stringify(res.body[1])}`);
      assert.ok(!("result" in res.body[1]));
    } else {
      assert.equal(res.status, 400, `${JSON.stringify(cmd)}: ${JSON.stringify(res.body)}`);
      assert.equal(typeof res.body.error, "string");
    }
  }
  // Whatever the shape, the pooled connection stays on database 0.
  const k = uniq("db0");
  await post("/pipeline", JSON.stringify([["SELECT", "1"], ["SET", k, "v"]]));
  await post("/", JSON.stringify(["SET", `${k}:2`, "v"]));
  assert.equal(await stack.redis("EXISTS", `${k}:2`), 1);
});

test("a refused SELECT does not switch the database of later requests", async () => {
  const k = uniq("db");
  await post("/", JSON.stringify(["SELECT", "1"]));
  // Several requests so a poisoned pooled connection would be hit.
  for (let i = 0; i < 10; i++) {
    const res = await post("/", JSON.stringify(["SET", `${k}:${i}`, "v"]));
    assert.equal(res.status, 200);
  }
  for (let i = 0; i < 10; i++) assert.equal(await stack.redis("EXISTS", `${k}:${i}`), 1);
});

test("XREAD BLOCK 0 STREAMS s $ answers null at once instead of blocking", async () => {
  const s = uniq("s");
  await post("/", JSON.stringify(["XADD", s, "*", "f", "v"]));
  // BLOCK 0 would block forever: any answer at all is the gateway's.
  const { value: res } = await timed(
    post("/", JSON.stringify(["XREAD", "BLOCK", "0", "STREAMS", s, "$"])),
    CEILING_MS,
    "XREAD BLOCK 0",
  );
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, { result: null });
  // Also on a stream that does not exist, lower-case, with COUNT.
  const { value: res2, ms } = await timed(
    post("/", JSON.stringify(["xread", "count", 5, "block", 60000, "streams", uniq("s"), "$"])),
    CEILING_MS,
    "xread block 60000",
  );
  assert.deepEqual(res2.body, { result: null });
  // Well under the 60 s it asks for, also on a slow machine.
  assert.ok(ms < 30_000, `took ${ms} ms`);
});

test("numbers keep their textual form", async () => {
  const k = uniq("n");
  for (const text of ["1e-07", "99.5", "12345678901234567890", "-0.000", "1E+30"]) {
    const set = await post("/", `["SET","${k}",${text}]`);
    assert.equal(set.status, 200, JSON.stringify(set.body));
    const get = await post("/", JSON.stringify(["GET", k]));
    assert.deepEqual(get.body, { result: text }, `sent ${text}`);
  }
  // The official client sends numbers as JSON numbers too.
  const r = stack.client();
  await r.set(k, 99.5);
  assert.equal((await stack.redis("GET", k)).toString(), "99.5");
  assert.equal(await r.get(k), 99.5);
});

test("malformed bodies are 400 with a JSON error", async () => {
  for (const body of ["[]", "[1,2]", '["SET",{"a":1},"v"]', "not json", '{"cmd":"GET"}']) {
    const res = await post("/", body);
    assert.equal(res.status, 400, `body ${body}: ${JSON.stringify(res.body)}`);
    assert.equal(typeof res.body.error, "string", `body ${body}`);
  }
});

test("a Redis error on a single command is 400 {error}; unknown commands too", async () => {
  const arity = await post("/", JSON.stringify(["GET"]));
  assert.equal(arity.status, 400);
  assert.match(arity.body.error, /wrong number of arguments/);
  const unknown = await post("/", JSON.stringify(["NOSUCHCOMMAND", "x"]));
  assert.equal(unknown.status, 400);
  assert.match(unknown.body.error, /unknown command/i);
  assert.match(unknown.headers.get("content-type") ?? "", /application\/json/);
});

test("content types: charset suffix, curl's default (the docs' examples), fetch's default", async () => {
  const k = uniq("ct");
  for (const ct of ["application/json; charset=utf-8", "application/x-www-form-urlencoded", "text/plain;charset=UTF-8"]) {
    const res = await stack.fetch("/", { headers: { "Content-Type": ct }, body: JSON.stringify(["SET", k, ct]) });
    assert.equal(res.status, 200, `Content-Type ${ct}`);
    assert.deepEqual(await res.json(), { result: "OK" });
    assert.equal((await stack.redis("GET", k)).toString(), ct);
  }
});
