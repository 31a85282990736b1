// Auth: Bearer token, ?_token= with path-style commands, 401 JSON.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Redis } from "@upstash/redis";
import { uniq, useStack } from "./stack.mjs";

const stack = useStack();

test("a client with a wrong token rejects with the 401 error", async () => {
  const bad = new Redis({
    url: stack.url,
    token: "wrong-token",
    retry: false,
    enableTelemetry: false,
    enableAutoPipelining: false,
  });
  await assert.rejects(bad.set(uniq("a"), "v"), (err) => {
    assert.equal(err.name, "UpstashError");
    assert.ok(!/Unable to parse/.test(err.message), err.message);
    assert.ok(!/^undefined/.test(err.message), `no error text: ${err.message}`);
    return true;
  });
  await assert.rejects(bad.pipeline().get("x").exec(), { name: "UpstashError" });
});

test("raw requests without or with a wrong Authorization get 401 JSON", async () => {
  const k = uniq("a");
  const cases = [
    ["no header", {}],
    ["wrong bearer", { Authorization: "Bearer nope" }],
    ["empty bearer", { Authorization: "Bearer " }],
    ["token prefix", { Authorization: `Bearer ${stack.token.slice(0, -1)}` }],
  ];
  for (const [what, headers] of cases) {
    for (const path of ["/", "/pipeline", "/multi-exec"]) {
      const body = path === "/" ? ["SET", k, "v"] : [["SET", k, "v"]];
      const res = await stack.fetch(path, {
        auth: false,
        headers: { "Content-Type": "application/json", ...headers },
        body: JSON.stringify(body),
      });
      assert.equal(res.status, 401, `${what} ${path}`);
      assert.match(res.headers.get("content-type") ?? "", /application\/json/);
      const json = await res.json();
      assert.equal(typeof json.error, "string", `${what} ${path}`);
      assert.ok(json.error.length > 0);
    }
  }
  assert.equal(await stack.redis("EXISTS", k), 0, "an unauthorized SET reached Redis");
});

test("?_token= works with path-style commands", async () => {
  const k = uniq("path");
  const t = `_token=${encodeURIComponent(stack.token)}`;
  const set = await fetch(`${stack.url}/set/${encodeURIComponent(k)}/bar?${t}`);
  assert.equal(set.status, 200);
  assert.deepEqual(await set.json(), { result: "OK" });
  const get = await fetch(`${stack.url}/get/${encodeURIComponent(k)}?${t}`);
  assert.equal(get.status, 200);
  assert.deepEqual(await get.json(), { result: "bar" });
  // The _token is auth, not an argument: the value is exactly "bar".
  assert.equal((await stack.redis("GET", k)).toString(), "bar");
  // Wrong _token → 401.
  const bad = await fetch(`${stack.url}/get/${encodeURIComponent(k)}?_token=nope`);
  assert.equal(bad.status, 401);
  assert.equal(typeof (await bad.json()).error, "string");
  // No token at all → 401.
  const none = await fetch(`${stack.url}/get/${encodeURIComponent(k)}`);
  assert.equal(none.status, 401);
  await none.arrayBuffer();
});

test("path-style with Bearer: URL-decoded segments and extra arguments", async () => {
  const k = uniq("path sp");
  const res = await stack.fetch(`/set/${encodeURIComponent(k)}/${encodeURIComponent("hé llo/🚀")}/EX/100`, {
    method: "GET",
  });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { result: "OK" });
  assert.equal((await stack.redis("GET", k)).toString(), "hé llo/🚀");
  const ttl = await stack.redis("TTL", k);
  assert.ok(ttl > 90 && ttl <= 100, `ttl ${ttl}`);
  const get = await stack.fetch(`/get/${encodeURIComponent(k)}`, { method: "GET" });
  assert.deepEqual(await get.json(), { result: "hé llo/🚀" });
  // The official client reads the same key.
  assert.equal(await stack.client().get(k), "hé llo/🚀");
});
