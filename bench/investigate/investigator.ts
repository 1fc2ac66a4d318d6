// The investigating side of bench/investigate, one process per configuration (source under tsx, or the
// shipped bundle under the worker's node flags). Runs the rows it is given against the peers' URLs and
// prints one JSON line with the figures; run.ts prints the tables.
import { readFileSync } from "node:fs";
import type { NormalizedAlert } from "@/lib/alerts/schema";
import { investigateAt, providersFor } from "@/test/scenarios/run-investigation";
import type { Providers } from "@/lib/investigate/providers/types";
import type { Report } from "@/lib/investigate/report";
import { createLogger } from "@/lib/log";
import { crashloopScenario } from "./scenario";

// Re-exported so that this process loads (and the bundle keeps) everything the worker loads: the queue,
// database, storage, metrics and tracing clients, not only the engine.
export { runWorker } from "@/worker/run-worker";

export type InvestigatorInput = {
  now: string;
  prefix: string;
  investigations: number;
  peers: { metricsUrl: string; logsUrl: string; kubeconfigPath: string };
};

export type Row = {
  name: string;
  concurrency: number;
  perS: number;
  p50: number;
  p95: number;
  max: number;
  rssMb: number;
  heapMb: number;
  wrong: number;
};

export type InvestigatorOutput = {
  node: string;
  idleRssMb: number;
  /** The kernel's high-water mark of this process's RSS (VmHWM): no sampling gap. */
  peakRssMb: number | null;
  calls: Record<"kubernetes" | "prometheus" | "logs", number>;
  label: string;
  rows: Row[];
};

const WARMUP = 10;
const RSS_SAMPLE_MS = 50;
const log = createLogger({ level: "silent" });

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function peakRssMb(): number | null {
  try {
    const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}

async function measure(
  name: string,
  input: { alert: NormalizedAlert; providers: Providers; now: Date; concurrency: number; investigations: number; isRight: (r: Report) => boolean },
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
      while (issued < input.investigations) {
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

async function main(input: InvestigatorInput): Promise<InvestigatorOutput> {
  const idleRssMb = process.memoryUsage.rss() / 2 ** 20;
  const now = new Date(input.now);
  const { alert, expected } = crashloopScenario({ now, prefix: input.prefix }).firing;
  const withPeers = providersFor({ ...input.peers, timeoutMs: 5_000 });
  const none: Providers = { timeoutMs: 5_000 };
  const sample = await investigateAt({ ctx: { providers: withPeers, log, now }, input: { alert } });
  const common = { alert, now, investigations: input.investigations };

  const rows: Row[] = [];
  for (const concurrency of [1, 8]) {
    rows.push(
      await measure("baseline: no providers (engine only)", {
        ...common,
        providers: none,
        concurrency,
        isRight: (r) => r.family === "crashloop" && r.analysis.blockers.join() === "B,C,D",
      }),
    );
  }
  for (const concurrency of [1, 8]) {
    rows.push(
      await measure("VictoriaMetrics + fake Kubernetes + fake Loki", {
        ...common,
        providers: withPeers,
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
        ...common,
        providers: { timeoutMs: withPeers.timeoutMs, [only]: withPeers[only] },
        concurrency: 1,
        isRight: (r) => r.queries.every((q) => q.outcome === "ok" || q.outcome === "empty"),
      }),
    );
  }
  const count = (provider: string) => sample.queries.filter((q) => q.provider === provider).length;
  return {
    node: process.version,
    idleRssMb,
    peakRssMb: peakRssMb(),
    calls: { kubernetes: count("kubernetes"), prometheus: count("prometheus"), logs: count("logs") },
    label: sample.analysis.enrichment.label,
    rows,
  };
}

const arg = process.argv[2];
if (!arg) throw new Error("usage: investigator <input JSON>");
process.stdout.write(`${JSON.stringify(await main(JSON.parse(arg) as InvestigatorInput))}\n`);
