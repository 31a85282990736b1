// Starting the gateway: configured through environment variables instead of flags.
import assert from "node:assert/strict";
import { test } from "node:test";
import { uniq, useStack } from "./stack.mjs";

const stack = useStack({ viaEnv: true });

test("configured via UPSTASH_LOCAL_LISTEN / UPSTASH_LOCAL_REDIS / UPSTASH_REDIS_REST_TOKEN", async () => {
  // The harness already waited for the single ready line on stdout.
  assert.ok(stack.readyLine.trim().length > 0);
  const r = stack.client();
  const k = uniq("env");
  assert.equal(await r.set(k, "from-env"), "OK");
  // It forwards to the redis-server named in UPSTASH_LOCAL_REDIS.
  assert.equal((await stack.redis("GET", k)).toString(), "from-env");
  // And enforces the token from UPSTASH_REDIS_REST_TOKEN.
  const res = await stack.fetch("/", {
    auth: false,
    headers: { Authorization: "Bearer not-the-token" },
    body: JSON.stringify(["GET", k]),
  });
  assert.equal(res.status, 401);
  await res.arrayBuffer();
});
