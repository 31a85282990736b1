// Starting the gateway as a user does, configured through environment variables instead of flags
// (UPSTASH_LOCAL_LISTEN / UPSTASH_LOCAL_REDIS / UPSTASH_REDIS_REST_TOKEN), on a port it picks
// itself (`:0`) and names in its one ready line. The binary under test is started here; the
// redis-server behind it comes from `dev-stack up --profile redis`.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { createInterface } from "node:readline";
import { after, before, test } from "node:test";
import { Redis } from "@upstash/redis";
import { up } from "../../dev-stack/up.mjs";
import { REPO_ROOT, redisDirect, uniq } from "./stack.mjs";

const GATEWAY_BIN = process.env.UPSTASH_LOCAL_BIN || path.join(REPO_ROOT, "target", "debug", "upstash-local");
const token = randomBytes(16).toString("hex");
let redis;
let gateway;
let readyLine;

before(async () => {
  redis = await up({ profile: "redis" });
  const env = {
    ...process.env,
    UPSTASH_LOCAL_LISTEN: "127.0.0.1:0",
    UPSTASH_LOCAL_REDIS: redis.url("redis-server"),
    UPSTASH_REDIS_REST_TOKEN: token,
  };
  gateway = spawn(GATEWAY_BIN, [], { env, stdio: ["ignore", "pipe", "inherit"] });
  process.on("exit", () => gateway.kill("SIGKILL"));
  readyLine = await new Promise((resolve, reject) => {
    createInterface({ input: gateway.stdout }).once("line", resolve);
    gateway.once("error", reject);
    gateway.once("exit", (code) => reject(new Error(`upstash-local exited (${code}) before its ready line`)));
  });
});

after(async () => {
  gateway?.kill("SIGTERM");
  await redis?.stop();
});

test("configured via UPSTASH_LOCAL_LISTEN / UPSTASH_LOCAL_REDIS / UPSTASH_REDIS_REST_TOKEN", async () => {
  // One ready line on stdout, naming the port it was given by the kernel.
  const url = readyLine.match(/^upstash-local ready on (http:\/\/127\.0\.0\.1:(\d+)) -> /);
  assert.ok(url && Number(url[2]) > 0, readyLine);
  const r = new Redis({ url: url[1], token, enableTelemetry: false, enableAutoPipelining: false });
  const k = uniq("env");
  assert.equal(await r.set(k, "from-env"), "OK");
  // It forwards to the redis-server named in UPSTASH_LOCAL_REDIS.
  assert.equal((await redisDirect(redis.port("redis-server"), "GET", k)).toString(), "from-env");
  // And enforces the token from UPSTASH_REDIS_REST_TOKEN.
  const res = await fetch(`${url[1]}/`, {
    method: "POST",
    headers: { Authorization: "Bearer not-the-token" },
    body: JSON.stringify(["GET", k]),
  });
  assert.equal(res.status, 401);
  await res.arrayBuffer();
});
