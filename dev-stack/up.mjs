// `dev-stack up` from Node: the one launcher of the project (see dev-stack/src/up.rs), for the
// gateway's compatibility suite and the browser tests. It chooses the ports, starts the profile and
// prints one JSON line with every URL, port, pid and the gateway's token; it stops everything when
// its stdin closes, which happens by itself when this process ends, however it ends.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEV_STACK = process.env.DEV_STACK_BIN ?? join(ROOT, 'target/debug/dev-stack');
// Only bounds a hang: a cold build of the workers under `wrangler dev` can take minutes.
const READY_CEILING_MS = 600_000;

/**
 * Starts `dev-stack up --profile <profile>`. Options: `vars` ({ FEE_RATE: '0.25' }, not secrets),
 * `adminToken` (through the environment, never the command line), `rateLimit`, `consumerEvery`,
 * `sitePort` (a port the caller serves, allowed by the workers' CORS), `sparePorts` (how many more
 * ports to reserve for servers of the caller's), `frontend`.
 * Resolves once everything is ready; rejects at once, with what dev-stack said, if it exits first.
 * Returns { ready, token, url(service), port(service), pid(service), command(line), stop() }.
 */
export async function up({ profile, vars = {}, adminToken, rateLimit, consumerEvery, sitePort, sparePorts, frontend } = {}) {
  if (!existsSync(DEV_STACK)) {
    throw new Error(`${DEV_STACK} is missing: \`make build\` (or \`cargo build -p dev-stack -p upstash-local\`) builds it`);
  }
  const args = ['up', '--profile', profile];
  for (const [name, value] of Object.entries(vars)) args.push('--var', `${name}=${value}`);
  const env = { ...process.env, PATH: `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH}` };
  if (adminToken) {
    args.push('--admin-token-from-env');
    env.ADMIN_TOKEN = adminToken;
  }
  if (rateLimit !== undefined) args.push('--rate-limit', String(rateLimit));
  if (consumerEvery !== undefined) args.push('--consumer-every', String(consumerEvery));
  if (sitePort) args.push('--site-port');
  if (sparePorts) args.push('--spare-ports', String(sparePorts));
  if (frontend) args.push('--frontend');

  const child = spawn(DEV_STACK, args, { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-8000);
  });
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  // Each stdout line answers the oldest waiter: the ready line first, then one per command.
  const waiters = [];
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => waiters.shift()?.resolve(JSON.parse(line)));
  const nextLine = (what, ceilingMs) =>
    new Promise((resolveLine, reject) => {
      const timer = setTimeout(() => reject(new Error(`dev-stack up: no ${what} after ${ceilingMs} ms:\n${stderr}`)), ceilingMs);
      const settle = (f) => (value) => {
        clearTimeout(timer);
        f(value);
      };
      waiters.push({ resolve: settle(resolveLine) });
      exited.then(settle(({ code, signal }) => reject(new Error(`dev-stack up exited (${code ?? signal}) before its ${what}:\n${stderr}`))));
    });

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin.end();
      await exited;
    }
  };
  let ready;
  try {
    ready = await nextLine('ready line', READY_CEILING_MS);
  } catch (error) {
    child.kill('SIGTERM');
    throw error;
  }
  const service = (name) => {
    const found = ready.services[name];
    if (!found) throw new Error(`no ${name} in this stack: ${Object.keys(ready.services)}`);
    return found;
  };
  return {
    ready,
    token: ready.token,
    url: (name) => service(name).url,
    port: (name) => service(name).port,
    pid: (name) => service(name).pid,
    stderr: () => stderr,
    /** One line to dev-stack (`stop redis-server`, `start redis-server`); resolves with its answer. */
    async command(line) {
      const answer = nextLine(`answer to ${line}`, READY_CEILING_MS);
      child.stdin.write(`${line}\n`);
      const value = await answer;
      if (value.error) throw new Error(`dev-stack up: ${value.error}`);
      return value;
    },
    stop,
  };
}
