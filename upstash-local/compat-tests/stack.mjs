// Test harness for the upstash-local compatibility suite.
//
// One stack per test file: a real redis-server and the real `upstash-local` gateway on free
// loopback ports with a random token, started through `dev-stack up --profile gateway` (the
// project's one launcher, dev-stack/up.mjs), which stops both when this process ends, however it
// ends, and in `after()` hooks.

import { randomBytes } from "node:crypto";
import net from "node:net";
import { after, before } from "node:test";
import { Redis } from "@upstash/redis";
import { ROOT, up } from "../../dev-stack/up.mjs";

export const REPO_ROOT = ROOT;

/** How long a wait for something to happen may take before it is a hang: generous, since a
 * loaded 2-core machine is slow and a slow machine must never fail a correct system. Every wait
 * ends when its event happens; only a broken gateway waits this out. */
export const CEILING_MS = 120_000;

// ---------------------------------------------------------------------------
// Talking to redis-server directly.

function encodeResp(args) {
  const parts = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a));
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from("\r\n"));
  }
  return Buffer.concat(parts);
}

// Parses one RESP2 reply from buf at offset; returns [value, nextOffset] or null if incomplete.
function parseResp(buf, off = 0) {
  const eol = buf.indexOf("\r\n", off);
  if (eol < 0) return null;
  const type = String.fromCharCode(buf[off]);
  const line = buf.subarray(off + 1, eol).toString();
  const next = eol + 2;
  switch (type) {
    case "+":
      return [line, next];
    case "-":
      return [new Error(line), next];
    case ":":
      return [Number(line), next];
    case "$": {
      const len = Number(line);
      if (len < 0) return [null, next];
      if (buf.length < next + len + 2) return null;
      return [buf.subarray(next, next + len), next + len + 2];
    }
    case "*": {
      const n = Number(line);
      if (n < 0) return [null, next];
      const out = [];
      let at = next;
      for (let i = 0; i < n; i++) {
        const r = parseResp(buf, at);
        if (!r) return null;
        out.push(r[0]);
        at = r[1];
      }
      return [out, at];
    }
    default:
      throw new Error(`unexpected RESP type byte ${JSON.stringify(type)}`);
  }
}

/**
 * Sends one command straight to redis-server (bypassing the gateway), so tests
 * can check what really landed in Redis. Bulk strings come back as Buffers,
 * Redis errors as Error values (not thrown).
 */
export function redisDirect(port, ...args) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: "127.0.0.1", port });
    let buf = Buffer.alloc(0);
    sock.setTimeout(CEILING_MS, () => {
      sock.destroy();
      reject(new Error(`direct redis command ${args[0]} timed out`));
    });
    sock.once("error", reject);
    sock.on("data", (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      const r = parseResp(buf);
      if (r) {
        sock.end();
        resolve(r[0]);
      }
    });
    sock.once("connect", () => sock.write(encodeResp(args)));
  });
}

/**
 * Starts redis-server + upstash-local. Returns
 * {url, token, redisPort, gatewayPort, gatewayPid,
 *  stopRedis(), startRedis(), gatewayAlive(), stats(), redis(cmd...), client(opts), fetch(path, init), close()}.
 */
export async function startStack() {
  const running = await up({ profile: "gateway" });
  const token = running.token;
  const stack = {
    token,
    url: running.url("upstash-local"),
    gatewayPort: running.port("upstash-local"),
    gatewayPid: running.pid("upstash-local"),
    redisPort: running.port("redis-server"),
    /** Kills redis-server outright, as a crash would. */
    async stopRedis() {
      await running.command("stop redis-server");
    },
    /** Starts it again on the same port (empty: it runs without persistence). */
    async startRedis() {
      await running.command("start redis-server");
    },
    gatewayAlive() {
      try {
        process.kill(stack.gatewayPid, 0);
        return true;
      } catch {
        return false;
      }
    },
    /** GET /__stats with the stack's token; returns the parsed JSON. */
    async stats() {
      const res = await fetch(`${stack.url}/__stats`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`GET /__stats answered ${res.status}: ${text}`);
      return JSON.parse(text);
    },
    /** A command straight to redis-server, bypassing the gateway. */
    redis(...args) {
      return redisDirect(stack.redisPort, ...args);
    },
    /** An official @upstash/redis client for this stack (options override the defaults). */
    client(opts = {}) {
      return new Redis({
        url: stack.url,
        token,
        enableTelemetry: false,
        enableAutoPipelining: false,
        ...opts,
      });
    },
    /** Raw fetch against the gateway, with the Bearer token unless `auth: false`. */
    fetch(p, { auth = true, headers = {}, ...init } = {}) {
      const h = { ...headers };
      if (auth) h.Authorization = `Bearer ${token}`;
      return fetch(`${stack.url}${p}`, { method: "POST", ...init, headers: h });
    },
    close: running.stop,
  };
  return stack;
}

/**
 * Registers before/after hooks for one stack per test file. The returned
 * object is filled in by before() and closed by after().
 */
export function useStack() {
  const holder = {};
  before(async () => {
    Object.assign(holder, await startStack());
  });
  after(async () => {
    await holder.close?.();
  });
  return holder;
}

/** Rejects if `promise` does not settle within `ms`; resolves with {value, ms}. */
export async function timed(promise, ms, what = "operation") {
  const start = performance.now();
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    const value = await Promise.race([promise, timeout]);
    return { value, ms: performance.now() - start };
  } finally {
    clearTimeout(timer);
  }
}

/** A key prefix unique to one test, so tests never see each other's data. */
export function uniq(prefix = "k") {
  return `${prefix}:${randomBytes(6).toString("hex")}`;
}
