// npm run bench:investigate — investigations per second, latency and RSS of investigateAlert for a
// crash-looping pod killed by OOM, against local VictoriaMetrics + fake Kubernetes API + fake Loki (run
// in a child process), and against no providers at all (the engine's own cost) in the same run.
// Prints figures; asserts nothing about speed (targets are compared in the printed table).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import type { NormalizedAlert } from "@/lib/alerts/schema";
import { investigateAt, providersFor } from "@/lib/investigate/integration/run-investigation";
import { buildScenarios } from "@/lib/investigate/integration/scenarios";
import type { Providers } from "@/lib/investigate/providers/types";
import type { Report } from "@/lib/investigate/report";
import { createLogger } from "@/lib/log";
import { writeKubeconfig } from "@/test/helpers/fake-kubernetes";

const N = Number(process.env.BENCH_INVESTIGATIONS ?? 200);
const WARMUP = 10;
const RSS_SAMPLE_MS = 50;
const TARGET_P95_MS = 1_500;
const TARGET_RSS_MB = 250;
const log = createLogger({ level: "silent" });

type Row = { name: string; concurrency: number; perS: number; p50: number; p95: number; max: number; rssMb: number; heapMb: number; wrong: number };

async function startPeers(now: Date, prefix: string) {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "peers.ts"), now.toISOString(), prefix], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const first = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`peers exited with ${code} before starting`)));
  });
  const urls = JSON.parse(first) as { metricsUrl: string; logsUrl: string; kubeUrl: string };
  return {
    urls,
    async stop() {
      child.stdin.end();
      await exited;
    },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function measure(
  name: string,
  input: { alert: NormalizedAlert; providers: Providers; now: Date; concurrency: number; isRight: (r: Report) => boolean },
): Promise<Row> {
  const run = () => investigateAt({ ctx: { providers: input.providers, log, now: input.now }, input: { alert: input.alert } });
  for (let i = 0; i < WARMUP; i++) await run();
  const latencies: number[] = [];
  let wrong = 0;
  let issued = 0;
  let rss = 0;
  let heap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  };
  sample();
  const sampler = setInterval(sample, RSS_SAMPLE_MS);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: input.concurrency }, async () => {
      while (issued < N) {
        issued++;
        const t0 = performance.now();
        const report = await run();
        latencies.push(performance.now() - t0);
        if (!input.isRight(report)) wrong++;
      }
    }),
  );
  const wallMs = performance.now() - started;
  clearInterval(sampler);
  sample();
  latencies.sort((a, b) => a - b);
  return {
    name,
    concurrency: input.concurrency,
    perS: (latencies.length / wallMs) * 1000,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    max: latencies.at(-1) ?? Number.NaN,
    rssMb: rss / 2 ** 20,
    heapMb: heap / 2 ** 20,
    wrong,
  };
}

const fmt = (v: number, digits = 1) => v.toFixed(digits);

async function main() {
  const idleRssMb = process.memoryUsage.rss() / 2 ** 20;
  const now = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  const prefix = `bench${randomBytes(3).toString("hex")}`;
  const scenario = buildScenarios({ now, prefix }).find((s) => s.family === "crashloop");
  if (!scenario) throw new Error("no crashloop scenario");
  const { alert, expected } = scenario.firing;

  const peers = await startPeers(now, prefix);
  const withPeers = providersFor({ ...peers.urls, kubeconfigPath: writeKubeconfig(peers.urls.kubeUrl), timeoutMs: 5_000 });
  const none: Providers = { timeoutMs: 5_000 };
  const sample = await investigateAt({ ctx: { providers: withPeers, log, now }, input: { alert } });

  const rows: Row[] = [];
  try {
    for (const concurrency of [1, 8]) {
      rows.push(
        await measure("baseline: no providers (engine only)", {
          alert,
          providers: none,
          now,
          concurrency,
          isRight: (r) => r.family === "crashloop" && r.analysis.blockers.join() === "B,C,D",
        }),
      );
    }
    for (const concurrency of [1, 8]) {
      rows.push(
        await measure("VictoriaMetrics + fake Kubernetes + fake Loki", {
          alert,
          providers: withPeers,
          now,
          concurrency,
          isRight: (r) =>
            r.analysis.enrichment.label === expected.label &&
            r.evidence.logs.status === expected.logs &&
            r.queries.every((q) => q.outcome === "ok" || q.outcome === "empty"),
        }),
      );
    }
    // Where the time goes: one provider at a time, concurrency 1 (other evidence missing is expected).
    for (const only of ["metrics", "kubernetes", "logs"] as const) {
      rows.push(
        await measure(`only ${only}`, {
          alert,
          providers: { timeoutMs: withPeers.timeoutMs, [only]: withPeers[only] },
          now,
          concurrency: 1,
          isRight: (r) => r.queries.every((q) => q.outcome === "ok" || q.outcome === "empty"),
        }),
      );
    }
  } finally {
    await peers.stop();
  }

  console.log(`\nbench/investigate — ${N} investigations per row after ${WARMUP} warm-up, ${os.cpus().length} cores, node ${process.version}`);
  console.log(`alert: ${alert.alertname} (crash loop, last termination OOMKilled); one investigation = ${sample.queries.length} provider calls (${["kubernetes", "prometheus", "logs"].map((p) => `${p} ${sample.queries.filter((q) => q.provider === p).length}`).join(", ")}); label ${sample.analysis.enrichment.label}`);
  console.log(`RSS after loading the code (engine, providers, @kubernetes/client-node), before any investigation: ${fmt(idleRssMb, 0)} MB\n`);
  console.log("| scenario | concurrency | investigations/s | p50 ms | p95 ms | max ms | max RSS MB | max heap used MB | wrong reports |");
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const r of rows) {
    console.log(`| ${r.name} | ${r.concurrency} | ${fmt(r.perS)} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.max)} | ${fmt(r.rssMb, 0)} | ${fmt(r.heapMb, 0)} | ${r.wrong} |`);
  }
  const at = (name: string, c: number) => rows.find((r) => r.name.startsWith(name) && r.concurrency === c) as Row;
  console.log("\nprovider cost (with peers / baseline):");
  for (const c of [1, 8]) {
    const b = at("baseline", c);
    const p = at("VictoriaMetrics", c);
    console.log(`- concurrency ${c}: p50 ${fmt(p.p50 / b.p50)}×, throughput ${fmt(p.perS / b.perS, 3)}×`);
  }
  const worstP95 = Math.max(at("VictoriaMetrics", 1).p95, at("VictoriaMetrics", 8).p95);
  const rss8 = at("VictoriaMetrics", 8).rssMb;
  console.log("\n| target | figure | status |\n|---|---|---|");
  console.log(`| p95 < ${TARGET_P95_MS} ms per investigation | ${fmt(worstP95)} ms (worst of concurrency 1 and 8) | ${worstP95 < TARGET_P95_MS ? "met" : "NOT met"} |`);
  console.log(`| RSS < ${TARGET_RSS_MB} MB at concurrency 8 | ${fmt(rss8, 0)} MB | ${rss8 < TARGET_RSS_MB ? "met" : "NOT met"} |`);
  const wrong = rows.reduce((n, r) => n + r.wrong, 0);
  if (wrong) {
    console.log(`\n${wrong} report(s) did not match the expected diagnosis`);
    process.exitCode = 1;
  }
}

await main();
