// Pub/sub over SSE: redis.subscribe / psubscribe from the official client, and raw fetch.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CEILING_MS, timed, uniq, useStack } from "./stack.mjs";

const stack = useStack();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Resolves with the first event of `type` from a Subscriber. */
function nextEvent(sub, type) {
  return new Promise((resolve) => sub.on(type, resolve));
}

/** Polls PUBSUB NUMSUB / NUMPAT in Redis until `want` (or times out). */
async function waitSubscribers(fn, want, what) {
  const deadline = Date.now() + CEILING_MS;
  let got;
  while (Date.now() < deadline) {
    got = await fn();
    if (got === want) return;
    await sleep(50);
  }
  assert.fail(`${what}: expected ${want}, got ${got}`);
}
const numsub = async (ch) => (await stack.redis("PUBSUB", "NUMSUB", ch))[1];
const numpat = () => stack.redis("PUBSUB", "NUMPAT");

test("redis.subscribe receives messages published via redis.publish", async () => {
  const r = stack.client();
  const chan = uniq("chan");
  const sub = r.subscribe([chan]);
  const errors = [];
  sub.on("error", (e) => errors.push(e));
  try {
    const subscribed = nextEvent(sub, "subscribe");
    const { value: count } = await timed(subscribed, CEILING_MS, "subscribe confirmation");
    assert.equal(count, 1);
    await waitSubscribers(() => numsub(chan), 1, "NUMSUB after subscribe");

    const messages = [];
    let wake;
    sub.on("message", (m) => {
      messages.push(m);
      wake?.();
    });
    const waitMessages = async (n) => {
      const deadline = Date.now() + CEILING_MS;
      while (messages.length < n && Date.now() < deadline) {
        await new Promise((res) => {
          wake = res;
          setTimeout(res, 100);
        });
      }
      assert.equal(messages.length, n, `messages: ${JSON.stringify(messages)}`);
    };

    assert.equal(await r.publish(chan, "hello"), 1);
    await waitMessages(1);
    assert.deepEqual(messages[0], { channel: chan, message: "hello" });

    assert.equal(await r.publish(chan, { kind: "json", n: 1 }), 1);
    assert.equal(await r.publish(chan, "a,b,c with commas and héllo 🚀"), 1);
    await waitMessages(3);
    assert.deepEqual(messages[1], { channel: chan, message: { kind: "json", n: 1 } });
    assert.deepEqual(messages[2], { channel: chan, message: "a,b,c with commas and héllo 🚀" });
    assert.deepEqual(errors, []);
  } finally {
    await sub.unsubscribe();
  }
  // Aborting the stream releases the Redis subscription.
  await waitSubscribers(() => numsub(chan), 0, "NUMSUB after unsubscribe");
});

test("redis.psubscribe receives pmessage events", async () => {
  const r = stack.client();
  const base = uniq("news");
  const sub = r.psubscribe([`${base}.*`]);
  const errors = [];
  sub.on("error", (e) => errors.push(e));
  try {
    const { value: count } = await timed(nextEvent(sub, "psubscribe"), CEILING_MS, "psubscribe confirmation");
    assert.equal(count, 1);
    await waitSubscribers(numpat, 1, "NUMPAT after psubscribe");
    const got = nextEvent(sub, "pmessage");
    // The client JSON-parses pmessage payloads (no fallback for plain text), so publish JSON.
    assert.equal(await r.publish(`${base}.sport`, { goal: 1, by: "ada" }), 1);
    const { value: msg } = await timed(got, CEILING_MS, `pmessage (client errors: ${errors.join("; ")})`);
    assert.deepEqual(msg, { pattern: `${base}.*`, channel: `${base}.sport`, message: { goal: 1, by: "ada" } });
    assert.deepEqual(errors, []);
  } finally {
    await sub.unsubscribe();
  }
  await waitSubscribers(numpat, 0, "NUMPAT after punsubscribe");
});

test("raw POST /subscribe/<channel> streams data: lines", async () => {
  const chan = uniq("raw");
  const ac = new AbortController();
  const res = await stack.fetch(`/subscribe/${chan}`, {
    headers: { Accept: "text/event-stream", "Content-Type": "application/json" },
    body: "[]",
    signal: ac.signal,
  });
  try {
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /text\/event-stream/);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    const lines = [];
    const readLine = async (pred) => {
      const deadline = Date.now() + CEILING_MS;
      for (;;) {
        const found = lines.find(pred);
        if (found) return found;
        if (Date.now() > deadline) assert.fail(`no matching line; got ${JSON.stringify(lines)}`);
        const { value: chunk } = await timed(reader.read(), CEILING_MS, "SSE read");
        const { value, done } = chunk;
        if (done) assert.fail(`stream ended; got ${JSON.stringify(lines)}`);
        buffer += decoder.decode(value, { stream: true });
        const parts = buffer.split("\n");
        buffer = parts.pop();
        lines.push(...parts.filter((l) => l.startsWith("data: ")));
      }
    };
    await readLine((l) => l === `data: subscribe,${chan},1`);
    await waitSubscribers(() => numsub(chan), 1, "NUMSUB for raw subscriber");
    await stack.fetch("/", {
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(["PUBLISH", chan, "hello"]),
    });
    await readLine((l) => l === `data: message,${chan},hello`);
  } finally {
    ac.abort();
  }
  await waitSubscribers(() => numsub(chan), 0, "NUMSUB after abort");
});

test("subscribe without a valid token is 401", async () => {
  const res = await stack.fetch(`/subscribe/${uniq("c")}`, {
    auth: false,
    headers: { Accept: "text/event-stream", Authorization: "Bearer nope" },
    body: "[]",
  });
  assert.equal(res.status, 401);
  await res.arrayBuffer();
});
