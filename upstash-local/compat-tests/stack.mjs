// Test harness for the upstash-local compatibility suite.
//
// Starts a real redis-server and the real `upstash-local` gateway on free
// loopback ports with a random token, waits until both accept connections,
// and tears everything down again: in `after()` hooks, and on process
// exit / SIGINT / SIGTERM, even when a test fails. Children are spawned
// directly (no shell); their pids are kept and signalled directly.

import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before } from "node:test";
import { fileURLToPath } from "node:url";
import { Redis } from "@upstash/redis";

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(HERE, "..", "..");
export const GATEWAY_BIN =
  process.env.UPSTASH_LOCAL_BIN || path.join(REPO_ROOT, "target", "debug", "upstash-local");
export const REDIS_BIN = process.env.REDIS_SERVER_BIN || "redis-server";

const STARTUP_TIMEOUT_MS = 15_000;

// ---------------------------------------------------------------------------
// Child-process bookkeeping: every live child, killed on any way out.

const live = new Set();
const tempDirs = new Set();
let exitHooksInstalled = false;

function installExitHooks() {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  const killAll = () => {
    for (const child of live) {
      try {
        process.kill(child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    live.clear();
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
    tempDirs.clear();
  };
  process.on("exit", killAll);
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ]) {
    process.on(signal, () => {
      killAll();
      process.exit(code);
    });
  }
}

function track(child, name) {
  installExitHooks();
  const entry = { child, name, pid: child.pid, output: [], exited: false };
  live.add(child);
  const keep = (chunk) => {
    entry.output.push(chunk.toString());
    if (entry.output.length > 200) entry.output.shift();
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  entry.exitPromise = new Promise((resolve) => {
    child.once("exit", (code, signal) => {
      entry.exited = true;
      entry.exitCode = code;
      entry.exitSignal = signal;
      live.delete(child);
      resolve();
    });
    child.once("error", (err) => {
      entry.exited = true;
      entry.spawnError = err;
      live.delete(child);
      resolve();
    });
  });
  return entry;
}

async function terminate(entry, { graceMs = 2000, signal = "SIGTERM" } = {}) {
  if (!entry || entry.exited) return;
  try {
    process.kill(entry.pid, signal);
  } catch {
    // already gone
  }
  let handle;
  const timer = new Promise((r) => {
    handle = setTimeout(r, graceMs, "timeout");
  });
  const outcome = await Promise.race([entry.exitPromise, timer]);
  clearTimeout(handle);
  if (outcome === "timeout") {
    try {
      process.kill(entry.pid, "SIGKILL");
    } catch {
      // already gone
    }
    await entry.exitPromise;
  }
}

function describeOutput(entry) {
  const text = entry.output.join("").trim();
  return text ? `\n--- output of ${entry.name} ---\n${text.slice(-4000)}` : "";
}

// ---------------------------------------------------------------------------
// Small network helpers.

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: "127.0.0.1", port });
    const done = (ok) => {
      sock.destroy();
      resolve(ok);
    };
    sock.once("connect", () => done(true));
    sock.once("error", () => done(false));
    sock.setTimeout(500, () => done(false));
  });
}

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
    sock.setTimeout(5000, () => {
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

async function waitFor(what, check, entry, timeoutMs = STARTUP_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (entry.exited) {
      const why = entry.spawnError
        ? `failed to spawn: ${entry.spawnError.message}`
        : `exited early (code ${entry.exitCode}, signal ${entry.exitSignal})`;
      throw new Error(`${what}: ${entry.name} ${why}${describeOutput(entry)}`);
    }
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what}: timed out after ${timeoutMs} ms${describeOutput(entry)}`);
}

// ---------------------------------------------------------------------------
// The stack.

function spawnRedis(port, dir) {
  const child = spawn(
    REDIS_BIN,
    ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no", "--dir", dir],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  return track(child, `redis-server :${port}`);
}

async function waitRedisReady(entry, port) {
  await waitFor(
    `redis-server on port ${port} did not become ready`,
    async () => {
      if (!(await canConnect(port))) return false;
      try {
        return (await redisDirect(port, "PING")) === "PONG";
      } catch {
        return false;
      }
    },
    entry,
  );
}

function spawnGateway({ listenPort, redisPort, token, viaEnv = false }) {
  if (!existsSync(GATEWAY_BIN)) {
    throw new Error(
      `upstash-local binary not found at ${GATEWAY_BIN}. ` +
        "Build it first with `cargo build -p upstash-local`, or point UPSTASH_LOCAL_BIN at it.",
    );
  }
  const listen = `127.0.0.1:${listenPort}`;
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  const env = { ...process.env };
  delete env.UPSTASH_LOCAL_LISTEN;
  delete env.UPSTASH_LOCAL_REDIS;
  delete env.UPSTASH_REDIS_REST_TOKEN;
  const args = viaEnv ? [] : ["--listen", listen, "--redis", redisUrl, "--token", token];
  if (viaEnv) {
    env.UPSTASH_LOCAL_LISTEN = listen;
    env.UPSTASH_LOCAL_REDIS = redisUrl;
    env.UPSTASH_REDIS_REST_TOKEN = token;
  }
  const child = spawn(GATEWAY_BIN, args, { stdio: ["ignore", "pipe", "pipe"], env });
  const entry = track(child, `upstash-local :${listenPort}`);
  entry.readyLine = new Promise((resolve) => {
    let pending = "";
    child.stdout.on("data", (chunk) => {
      pending += chunk.toString();
      const nl = pending.indexOf("\n");
      if (nl >= 0 && !entry.gotReadyLine) {
        entry.gotReadyLine = true;
        resolve(pending.slice(0, nl));
      }
    });
  });
  return entry;
}

/**
 * Starts redis-server + upstash-local (configured by CLI flags, or by environment
 * variables with `viaEnv: true`). Returns
 * {url, token, redisPort, gatewayPort, gatewayPid, readyLine,
 *  stopRedis(), startRedis(), gatewayAlive(), stats(), redis(cmd...), client(opts), fetch(path, init), close()}.
 */
export async function startStack({ viaEnv = false } = {}) {
  installExitHooks();
  const dir = mkdtempSync(path.join(os.tmpdir(), "upstash-compat-"));
  tempDirs.add(dir);
  const token = randomBytes(16).toString("hex");
  const redisPort = await freePort();
  let redisEntry = null;
  let gatewayEntry = null;

  const stack = {
    token,
    redisPort,
    dir,
    async startRedis() {
      if (redisEntry && !redisEntry.exited) return;
      redisEntry = spawnRedis(redisPort, dir);
      await waitRedisReady(redisEntry, redisPort);
    },
    async stopRedis() {
      await terminate(redisEntry, { signal: "SIGKILL" });
    },
    gatewayAlive() {
      if (!gatewayEntry || gatewayEntry.exited) return false;
      try {
        process.kill(gatewayEntry.pid, 0);
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
      return redisDirect(redisPort, ...args);
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
    async close() {
      await terminate(gatewayEntry);
      await terminate(redisEntry, { signal: "SIGKILL" });
      rmSync(dir, { recursive: true, force: true });
      tempDirs.delete(dir);
    },
  };

  try {
    await stack.startRedis();
    let lastErr;
    for (let attempt = 0; attempt < 3; attempt++) {
      const gatewayPort = await freePort();
      gatewayEntry = spawnGateway({ listenPort: gatewayPort, redisPort, token, viaEnv });
      try {
        await waitFor(
          `upstash-local on port ${gatewayPort} did not print a ready line`,
          async () => gatewayEntry.gotReadyLine === true,
          gatewayEntry,
        );
        await waitFor(
          `upstash-local printed its ready line but does not accept connections on ${gatewayPort}`,
          () => canConnect(gatewayPort),
          gatewayEntry,
          5000,
        );
        stack.gatewayPort = gatewayPort;
        stack.gatewayPid = gatewayEntry.pid;
        stack.readyLine = await gatewayEntry.readyLine;
        stack.url = `http://127.0.0.1:${gatewayPort}`;
        stack.gatewayOutput = () => gatewayEntry.output.join("");
        return stack;
      } catch (err) {
        lastErr = err;
        const exitedEarly = gatewayEntry.exited && !gatewayEntry.spawnError;
        await terminate(gatewayEntry);
        // A port race (someone grabbed the free port) shows up as an early exit: retry.
        if (!exitedEarly) break;
      }
    }
    throw lastErr;
  } catch (err) {
    await stack.close();
    throw err;
  }
}

/**
 * Registers before/after hooks for one stack per test file. The returned
 * object is filled in by before() and closed by after().
 */
export function useStack(options) {
  const holder = {};
  before(async () => {
    Object.assign(holder, await startStack(options));
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
