// redis-server going away under the gateway, and coming back.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CEILING_MS, timed, uniq, useStack } from "./stack.mjs";

const stack = useStack();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test("redis down: each request fails fast with 502 JSON; back up: served again without restart", async () => {
  const r = stack.client({ retry: false });
  const k = uniq("f");
  assert.equal(await r.set(k, "before"), "OK");
  const pid = stack.gatewayPid;

  await stack.stopRedis();

  // The official client surfaces the gateway's JSON error.
  for (let i = 0; i < 3; i++) {
    const { value: err, ms } = await timed(
      r.get(k).then(
        () => null,
        (e) => e,
      ),
      CEILING_MS,
      "GET while redis is down",
    );
    assert.ok(err, "GET succeeded while redis-server was down");
    assert.equal(err.name, "UpstashError", `${err.name}: ${err.message}`);
    assert.ok(!/Unable to parse/.test(err.message), err.message);
    assert.ok(!/^undefined/.test(err.message), `no error text: ${err.message}`);
    // Well under the gateway's 10 s response timeout, also on a slow machine.
    assert.ok(ms < 5000, `took ${ms} ms`);
  }

  // Raw: 502 with a JSON {error} on every body endpoint.
  for (const [path, body] of [
    ["/", ["GET", k]],
    ["/pipeline", [["GET", k]]],
    ["/multi-exec", [["GET", k]]],
  ]) {
    const { value: res, ms } = await timed(
      stack.fetch(path, { headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }),
      CEILING_MS,
      `${path} while redis is down`,
    );
    assert.equal(res.status, 502, path);
    const json = await res.json();
    assert.equal(typeof json.error, "string", path);
    assert.ok(ms < 5000, `${path} took ${ms} ms`);
  }

  assert.ok(stack.gatewayAlive(), "gateway process died when redis-server went away");

  await stack.startRedis();
  // Served again (data is gone: redis-server runs without persistence).
  const deadline = Date.now() + CEILING_MS;
  let last;
  for (;;) {
    try {
      last = await r.set(k, "after");
      break;
    } catch (e) {
      last = e;
      if (Date.now() > deadline) break;
      await sleep(100);
    }
  }
  assert.equal(last, "OK", `not served again after redis came back: ${last}`);
  assert.equal(await r.get(k), "after");
  assert.equal(await r.pipeline().incr(uniq("c")).get(k).exec().then((x) => x[1]), "after");
  assert.ok(stack.gatewayAlive());
  assert.equal(stack.gatewayPid, pid);
});
