// The real local stack for the browser tests: the lead's `dev-stack` (redis-server, the
// Upstash-compatible gateway and the workers under `wrangler dev`), the dashboard built against it
// and served by `vite preview`, TCP relays in front of the two APIs (to take one "down" and bring
// it back), and headless Debian Chromium driven by playwright-core. Everything started here is
// stopped by `stop()`, and the stack also on process exit.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
export const FRONTEND_DIR = resolve(here, '..');
export const ROOT = resolve(FRONTEND_DIR, '..');
export const ARTIFACTS = join(ROOT, 'artifacts/e2e');
export const ADMIN_TOKEN = 'e2e-admin-token';
const DEV_STACK = process.env.DEV_STACK_BIN ?? join(ROOT, 'target/debug/dev-stack');
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const STACK_READY_MS = 300_000;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Retries `check` (which throws while not yet true) until it passes or `timeout` ms pass. */
export async function eventually(check, { timeout = 10_000, interval = 200 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await sleep(interval);
  }
}

export async function freePort() {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

/** `dev-stack` on free ports with its data in a temp dir; resolves once every service is ready.
 * `workerVars` ({ FEE_RATE: '0.25' }) override wrangler.toml's vars, through dev-stack's WORKER_VARS. */
async function startDevStack(frontendPort, workerVars) {
  if (!existsSync(DEV_STACK)) {
    throw new Error(`${DEV_STACK} is missing: run \`cargo build -p dev-stack -p upstash-local\` in ${ROOT}`);
  }
  const devDir = mkdtempSync(join(tmpdir(), 'e2e-dev-'));
  const ports = {
    REDIS_PORT: await freePort(),
    UPSTASH_LOCAL_PORT: await freePort(),
    INVENTORY_PORT: await freePort(),
    PAYMENT_PORT: await freePort(),
    CONSUMER_CRON_PORT: await freePort(),
  };
  const env = {
    ...process.env,
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    DEV_DIR: devDir,
    FRONTEND_PORT: String(frontendPort), // the origin the workers' CORS allows…
    SERVE_FRONTEND: '0', // …served by us, not by dev-stack
    ADMIN_TOKEN,
    WORKER_VARS: Object.entries(workerVars).map(([k, v]) => `${k}=${v}`).join(','),
    PATH: `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH}`,
  };
  const child = spawn(DEV_STACK, [], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const killOnExit = () => child.exitCode === null && child.kill('SIGTERM');
  process.on('exit', killOnExit);

  let output = '';
  const ready = new Promise((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`dev-stack not ready after ${STACK_READY_MS} ms:\n${output}`)), STACK_READY_MS);
    const onData = (chunk) => {
      output += chunk;
      if (output.includes('all services ready')) {
        clearTimeout(timer);
        resolveReady();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dev-stack exited with ${code} before it was ready:\n${output}`));
    });
  });
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(20_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    rmSync(devDir, { recursive: true, force: true });
  };
  try {
    await ready;
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    inventoryUrl: `http://127.0.0.1:${ports.INVENTORY_PORT}`,
    paymentUrl: `http://127.0.0.1:${ports.PAYMENT_PORT}`,
    output: () => output,
    stop,
  };
}

/** A TCP relay from a free port to `target`; `down()` closes it (connections included), `up()` reopens it. */
async function startRelay(targetUrl) {
  const target = new URL(targetUrl);
  const port = await freePort();
  const sockets = new Set();
  let server = null;
  const up = () =>
    new Promise((r) => {
      server = net.createServer((client) => {
        const upstream = net.connect(Number(target.port), target.hostname);
        // Either side failing or closing ends both, as a direct connection would.
        const end = () => {
          client.destroy();
          upstream.destroy();
        };
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => {
            sockets.delete(s);
            end();
          });
          s.on('error', end);
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', r);
    });
  const down = async () => {
    if (!server) return;
    const closed = new Promise((r) => server.close(r));
    sockets.forEach((s) => s.destroy());
    await closed;
    server = null;
  };
  await up();
  return { url: `http://127.0.0.1:${port}`, up, down };
}

/**
 * Starts everything. Returns the URLs (the dashboard's, the APIs' as the dashboard reaches them in
 * `relays`, and as they are in `apiUrls`), `api(service, method, path, body)` for set-up through
 * the real API, `newPage()`, and `stop()`. Options: `workerVars` for the workers (see
 * startDevStack); `site: false` when no test opens the dashboard (no build, no `vite preview`).
 */
export async function startAll({ workerVars = {}, site = true } = {}) {
  const started = [];
  const stopAll = async () => {
    for (const stop of started.reverse()) await stop().catch((e) => console.error('cleanup:', e));
  };
  try {
    const frontendPort = await freePort();
    const stack = await startDevStack(frontendPort, workerVars);
    started.push(stack.stop);

    const inventory = await startRelay(stack.inventoryUrl);
    const payments = await startRelay(stack.paymentUrl);
    started.push(inventory.down, payments.down);

    if (site) {
      const outDir = mkdtempSync(join(tmpdir(), 'e2e-dist-'));
      started.push(async () => rmSync(outDir, { recursive: true, force: true }));
      process.env.VITE_INVENTORY_URL = inventory.url;
      process.env.VITE_PAYMENT_URL = payments.url;
      await build({ root: FRONTEND_DIR, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
      const server = await preview({
        root: FRONTEND_DIR,
        logLevel: 'warn',
        build: { outDir },
        preview: { port: frontendPort, strictPort: true, host: 'localhost' },
      });
      started.push(() => new Promise((r) => server.httpServer.close(r)));
    }

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    started.push(() => browser.close());
    mkdirSync(ARTIFACTS, { recursive: true });

    const baseUrl = `http://localhost:${frontendPort}`;
    const direct = { Inventory: stack.inventoryUrl, Payments: stack.paymentUrl };
    return {
      baseUrl,
      relays: { Inventory: inventory, Payments: payments },
      apiUrls: direct,
      stackOutput: stack.output,
      /** A call to the real API (for set-up and checks), with the admin token. */
      async api(service, method, path, body) {
        const response = await fetch(direct[service] + path, {
          method,
          headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
          body: body ? JSON.stringify(body) : undefined,
        });
        const text = await response.text();
        return { status: response.status, body: text ? JSON.parse(text) : null };
      },
      /** A fresh browser context (its own sessionStorage); `withToken` seeds the dashboard's admin token. */
      async newPage({ withToken = true, viewport = { width: 1280, height: 800 } } = {}) {
        const context = await browser.newContext({ baseURL: baseUrl, viewport });
        if (withToken) {
          await context.addInitScript((token) => sessionStorage.setItem('adminToken', token), ADMIN_TOKEN);
        }
        const page = await context.newPage();
        return { page, close: () => context.close() };
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
