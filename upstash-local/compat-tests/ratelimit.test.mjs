// @upstash/ratelimit through the gateway. Its Lua scripts carry `#!lua flags=allow-key-locking`,
// so on Upstash each may touch only its declared keys; the gateway enforces the same rule, and
// every algorithm must still run and limit.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { Ratelimit } from "@upstash/ratelimit";
import { uniq, useStack } from "./stack.mjs";

const stack = useStack();

test("the package's scripts are flagged for per-key locking (else this file tests nothing new)", () => {
  const source = readFileSync(fileURLToPath(import.meta.resolve("@upstash/ratelimit")), "utf8");
  assert.match(source, /allow-key-locking/);
});

test("each algorithm allows its limit and refuses the next, its flagged scripts accepted", async () => {
  const algorithms = {
    fixedWindow: Ratelimit.fixedWindow(3, "60 s"),
    slidingWindow: Ratelimit.slidingWindow(3, "60 s"),
    tokenBucket: Ratelimit.tokenBucket(1, "60 s", 3),
  };
  for (const [name, limiter] of Object.entries(algorithms)) {
    const ratelimit = new Ratelimit({
      redis: stack.client(),
      limiter,
      prefix: uniq(`rl-${name}`),
      analytics: false,
      ephemeralCache: false,
    });
    const allowed = [];
    for (let i = 0; i < 4; i++) allowed.push((await ratelimit.limit("one-client")).success);
    assert.deepEqual(allowed, [true, true, true, false], name);
    assert.equal((await ratelimit.getRemaining("one-client")).remaining, 0, name);
    assert.equal((await ratelimit.limit("another-client")).success, true, `${name}: per identifier`);
  }
});
