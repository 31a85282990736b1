// EVAL / EVALSHA / SCRIPT LOAD / createScript through the official @upstash/redis client.
import assert from "node:assert/strict";
import { test } from "node:test";
import { uniq, useStack } from "./stack.mjs";

const stack = useStack();
const SHA_RETURN_ARGV1 = "098e0f0d1448c0a81dafe820f66d460eb09263da";

test("eval with keys and args", async () => {
  const r = stack.client();
  const k = uniq("lua");
  assert.equal(await r.eval("return ARGV[1]", [], ["hello"]), "hello");
  await r.eval("return redis.call('SET', KEYS[1], ARGV[1])", [k], ["from-lua"]);
  assert.equal(await r.get(k), "from-lua");
  assert.equal(await r.eval("return redis.call('GET', KEYS[1])", [k], []), "from-lua");
  assert.equal(await r.eval("return 41 + 1", [], []), 42);
  assert.deepEqual(await r.eval("return {1, 'two', {3, 'four'}}", [], []), [1, "two", [3, "four"]]);
  assert.equal(await r.eval("return nil", [], []), null);
});

test("eval: a Lua error rejects", async () => {
  const r = stack.client();
  await assert.rejects(r.eval("return redis.call('NOSUCHCMD')", [], []), /Unknown Redis command|unknown command/i);
  await assert.rejects(r.eval("this is not lua", [], []), /ERR/);
});

test("scriptLoad returns the SHA1; evalsha and scriptExists use it", async () => {
  const r = stack.client();
  assert.equal(await r.scriptLoad("return ARGV[1]"), SHA_RETURN_ARGV1);
  assert.equal(await r.evalsha(SHA_RETURN_ARGV1, [], ["via-sha"]), "via-sha");
  assert.deepEqual(await r.scriptExists(SHA_RETURN_ARGV1, "0".repeat(40)), [1, 0]);
});

test("createScript exec works after scriptFlush (NOSCRIPT fallback to EVAL)", async () => {
  const r = stack.client();
  await r.scriptLoad("return ARGV[1]");
  assert.equal(await r.scriptFlush(), "OK");
  assert.deepEqual(await r.scriptExists(SHA_RETURN_ARGV1), [0]);
  await assert.rejects(r.evalsha(SHA_RETURN_ARGV1, [], ["x"]), /NOSCRIPT/);

  const script = r.createScript("return ARGV[1]");
  assert.equal(await script.exec([], ["fallback"]), "fallback");
  // EVAL cached it, so EVALSHA now works directly.
  assert.deepEqual(await r.scriptExists(SHA_RETURN_ARGV1), [1]);
  assert.equal(await script.evalsha([], ["cached"]), "cached");
});

test("evalsha inside a pipeline reports NOSCRIPT as an entry error", async () => {
  const r = stack.client();
  await r.scriptFlush();
  const p = r.pipeline();
  p.evalsha(SHA_RETURN_ARGV1, [], ["x"]).eval("return ARGV[1]", [], ["y"]);
  const res = await p.exec({ keepErrors: true });
  assert.match(res[0].error, /^NOSCRIPT/);
  assert.equal(res[1].result, "y");
});
