// The real local stack for the browser tests: `dev-stack up --profile shop` (redis-server, the
// Upstash-compatible gateway and the workers under `wrangler dev`, through the project's one
// launcher, dev-stack/up.mjs), the dashboard built against it and served by `vite preview`, TCP
// relays in front of the two APIs (to take one "down" and bring it back), and headless Debian
// Chromium driven by playwright-core. Everything started here is stopped by `stop()`, and the
// stack also when this process ends, however it ends.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';
import { up } from '../../dev-stack/up.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const FRONTEND_DIR = resolve(here, '..');
export const ROOT = resolve(FRONTEND_DIR, '..');
export const ARTIFACTS = join(ROOT, 'artifacts/e2e');
export const ADMIN_TOKEN = 'e2e-admin-token';
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** How long a wait for something to happen may take before it is a hang: generous, since a
 * loaded 2-core machine is slow and a slow machine must never fail a correct system. Every wait
 * here ends when its event happens; only a broken system waits this out. Also Playwright's
 * default for every action and `waitFor` of a page from `newPage()`. */
export const CEILING_MS = 120_000;
/** A whole test's limit: only bounds a hang (each of its waits has `CEILING_MS`). */
export const TEST_TIMEOUT_MS = 600_000;
/** The stack's start and the site's build, before a file's tests: a cold build of the workers
 * under `wrangler dev` takes minutes (dev-stack/up.mjs waits up to 600 s for the stack). */
export const STACK_START_TIMEOUT_MS = 900_000;

/** Retries `check` (which throws while not yet true) until it passes or `timeout` ms pass. */
export async function eventually(check, { timeout = CEILING_MS, interval = 200 } = {}) {
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

/** A TCP relay from `port` (reserved by the stack) to `target`; `down()` closes it (connections
 * included), `up()` reopens it on the same port. */
async function startRelay(port, targetUrl) {
  const target = new URL(targetUrl);
  const sockets = new Set();
  let server = null;
  const open = () =>
    new Promise((r, reject) => {
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
      server.once('error', reject);
      server.listen(port, '127.0.0.1', r);
    });
  const down = async () => {
    if (!server) return;
    const closed = new Promise((r) => server.close(r));
    sockets.forEach((s) => s.destroy());
    await closed;
    server = null;
  };
  await open();
  return { url: `http://127.0.0.1:${port}`, up: open, down };
}

/**
 * Starts everything. Returns the URLs (the dashboard's, the APIs' as the dashboard reaches them in
 * `relays`, and as they are in `apiUrls`), `api(service, method, path, body)` for set-up through
 * the real API, `newPage()`, and `stop()`. Options: `workerVars` for the workers (`--var`s of
 * `dev-stack up`: not secrets); `site: false` when no test opens the dashboard (no build, no `vite preview`).
 */
export async function startAll({ workerVars = {}, site = true } = {}) {
  const started = [];
  const stopAll = async () => {
    for (const stop of started.reverse()) await stop().catch((e) => console.error('cleanup:', e));
  };
  try {
    // A port for the site the workers' CORS allows, and two for the relays, reserved by the stack.
    const stack = await up({ profile: 'shop', vars: workerVars, adminToken: ADMIN_TOKEN, sitePort: true, sparePorts: 2 });
    started.push(stack.stop);
    const frontendPort = stack.ready.site_port;
    const [inventoryPort, paymentPort] = stack.ready.spare_ports;
    const apiUrls = {
      Inventory: stack.url('inventory-worker'),
      Payments: stack.url('payment-worker'),
      Operations: stack.url('consumer-cron'),
    };
    const gateway = { url: stack.url('upstash-local'), token: stack.token };

    const inventory = await startRelay(inventoryPort, apiUrls.Inventory);
    const payments = await startRelay(paymentPort, apiUrls.Payments);
    started.push(inventory.down, payments.down);

    if (site) {
      const outDir = mkdtempSync(join(tmpdir(), 'e2e-dist-'));
      started.push(async () => rmSync(outDir, { recursive: true, force: true }));
      process.env.VITE_INVENTORY_URL = inventory.url;
      process.env.VITE_PAYMENT_URL = payments.url;
      // No relay: no test takes the operations worker down.
      process.env.VITE_CONSUMER_URL = apiUrls.Operations;
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
    const direct = apiUrls;
    return {
      baseUrl,
      relays: { Inventory: inventory, Payments: payments },
      apiUrls: direct,
      stackOutput: stack.stderr,
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
      /** A command straight to Redis through the gateway's REST API (["HSET", key, field, value]),
       * behind the workers' back: to break the books on purpose. Its `result`. */
      async redis(command) {
        const response = await fetch(gateway.url, {
          method: 'POST',
          headers: { Authorization: `Bearer ${gateway.token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(command),
        });
        const body = await response.json();
        if (!response.ok || body.error) throw new Error(`redis ${command[0]}: ${response.status} ${JSON.stringify(body)}`);
        return body.result;
      },
      /** Runs the consumer once, as its cron trigger does (wrangler dev's scheduled route). */
      async runConsumer() {
        const response = await fetch(`${direct.Operations}/cdn-cgi/local/scheduled?cron=*+*+*+*+*`);
        if (!response.ok) throw new Error(`scheduled run: ${response.status} ${await response.text()}`);
      },
      /** A fresh browser context (its own sessionStorage); `withToken` seeds the dashboard's admin token. */
      async newPage({ withToken = true, viewport = { width: 1280, height: 800 } } = {}) {
        const context = await browser.newContext({ baseURL: baseUrl, viewport });
        context.setDefaultTimeout(CEILING_MS);
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
