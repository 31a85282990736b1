// The read-your-writes sync token (upstash-sync-token header).
import assert from "node:assert/strict";
import { test } from "node:test";
import { uniq, useStack } from "./stack.mjs";

const stack = useStack();

test('readYourWritesSyncToken is "" before the first request and changes after every request', async () => {
  const r = stack.client();
  assert.equal(r.readYourWritesSyncToken, "");
  const k = uniq("ryw");
  const seen = [];
  const note = (what) => {
    const tok = r.readYourWritesSyncToken;
    assert.equal(typeof tok, "string", what);
    assert.ok(tok.length > 0, `empty token after ${what}`);
    assert.ok(!seen.includes(tok), `token ${tok} after ${what} was seen before`);
    seen.push(tok);
  };

  await r.set(k, "v");
  note("set");
  await r.get(k);
  note("get");
  await r.pipeline().set(k, "w").get(k).exec();
  note("pipeline");
  await r.multi().incr(uniq("c")).exec();
  note("multi-exec");
  const sha = await r.scriptLoad("return ARGV[1]");
  note("script load");
  await r.evalsha(sha, [], ["x"]);
  note("evalsha");
  await r.eval("return 1", [], []);
  note("eval");
  for (let i = 0; i < 5; i++) {
    await r.incr(k + ":n");
    note(`incr ${i}`);
  }
});

test("each element of a Promise.all moves the token", async () => {
  const r = stack.client();
  await r.set(uniq("ryw"), "first");
  const before = r.readYourWritesSyncToken;
  const tokens = await Promise.all(
    Array.from({ length: 5 }, async (_, i) => {
      await r.set(uniq("ryw"), String(i));
      return r.readYourWritesSyncToken;
    }),
  );
  for (const t of tokens) {
    assert.ok(t && t !== before, `token ${t} did not change from ${before}`);
  }
});

test("every raw response carries a distinct non-empty upstash-sync-token header", async () => {
  const k = uniq("ryw");
  const requests = [
    ["/", ["SET", k, "v"]],
    ["/", ["GET", k]],
    ["/", ["GET", k]],
    ["/", ["INCR", k]], // a 400 error response
    ["/pipeline", [["GET", k], ["PING"]]],
    ["/multi-exec", [["GET", k], ["PING"]]],
  ];
  const seen = new Set();
  for (const [path, body] of requests) {
    const res = await stack.fetch(path, {
      headers: { "Content-Type": "application/json", "Upstash-Encoding": "base64" },
      body: JSON.stringify(body),
    });
    await res.arrayBuffer();
    const tok = res.headers.get("upstash-sync-token");
    assert.ok(tok, `no upstash-sync-token on ${path} ${JSON.stringify(body)} (status ${res.status})`);
    assert.ok(!seen.has(tok), `token ${tok} repeated`);
    seen.add(tok);
  }
  // Path-style too.
  const res = await stack.fetch(`/get/${encodeURIComponent(k)}`, { method: "GET" });
  await res.arrayBuffer();
  const tok = res.headers.get("upstash-sync-token");
  assert.ok(tok && !seen.has(tok), `path-style token ${tok}`);
});
