// Throughput of upstash-local under the official @upstash/redis client, measured, not guessed.
// `make bench` runs it against a release build. It starts its own redis-server and gateway on
// free loopback ports, runs a bounded number of requests at a few concurrency levels, prints a
// Markdown table, and compares with redis-benchmark against the same redis-server (no HTTP) so
// that the gateway's cost shows as a ratio measured in the same run on the same machine.

import { execFileSync } from "node:child_process";
import os from "node:os";
import { startStack } from "../compat-tests/stack.mjs";

const OPS = Number(process.env.BENCH_OPS || 10000);
const LEVELS = [1, 16, 64, 256];

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function run(label, concurrency, total, op) {
  const latencies = [];
  let next = 0;
  const started = performance.now();
  async function lane() {
    while (next < total) {
      const i = next++;
      const t = performance.now();
      await op(i);
      latencies.push(performance.now() - t);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    label,
    concurrency,
    rps: Math.round(total / seconds),
    p50: percentile(latencies, 50).toFixed(2),
    p99: percentile(latencies, 99).toFixed(2),
  };
}

const stack = await startStack();
try {
  const redis = stack.client({ retry: false });
  await redis.set("bench:warm", "x");
  for (let i = 0; i < 2000; i++) await redis.get("bench:warm");

  const rows = [];
  for (const c of LEVELS) {
    rows.push(await run("SET (1 command per request)", c, OPS, (i) => redis.set(`bench:k${i % 1000}`, "value")));
    rows.push(await run("GET (1 command per request)", c, OPS, (i) => redis.get(`bench:k${i % 1000}`)));
  }
  const pipelined = await run("pipeline of 100 SET", 16, OPS / 100, async (i) => {
    const p = redis.pipeline();
    for (let j = 0; j < 100; j++) p.set(`bench:p${(i * 100 + j) % 1000}`, "v");
    await p.exec();
  });
  pipelined.cps = pipelined.rps * 100;

  let direct = "";
  try {
    direct = execFileSync("redis-benchmark", ["-p", String(stack.redisPort), "-q", "-n", String(OPS), "-c", "64", "-t", "set,get"], {
      encoding: "utf8",
    });
  } catch {
    direct = "(redis-benchmark not available)";
  }

  console.log(`\nupstash-local throughput, ${OPS} requests per row, ${os.cpus().length} cores (${os.cpus()[0].model})\n`);
  console.log("| operation | concurrent requests | requests/s | p50 ms | p99 ms |");
  console.log("|---|---:|---:|---:|---:|");
  for (const r of rows) console.log(`| ${r.label} | ${r.concurrency} | ${r.rps} | ${r.p50} | ${r.p99} |`);
  console.log(`| ${pipelined.label} | 16 | ${pipelined.rps} (${pipelined.cps} commands/s) | ${pipelined.p50} | ${pipelined.p99} |`);
  // redis-benchmark redraws its progress with carriage returns: keep each line's final state.
  const summary = direct.split("\n").map((line) => line.split("\r").pop().trim()).filter(Boolean).join("\n");
  console.log(`\nredis-benchmark straight to the same redis-server (RESP over TCP, 64 clients):\n${summary}`);
  const stats = await stack.stats();
  console.log(`\ngateway counters: ${stats.requests} requests, ${stats.commands} commands`);
} finally {
  await stack.close();
}
