// The investigating side of bench/investigate, one process per configuration (source under tsx, or the
// shipped bundle under the worker's node flags). Runs the rows against the peers' URLs, the engine alone
// on a recording of one of those investigations, and each family's scenario once to count its provider
// calls; prints one JSON line with the figures; run.ts prints the tables.
import { readFileSync } from "node:fs";
import type { NormalizedAlert } from "@/lib/alerts/schema";
import type { Providers } from "@/lib/investigate/providers/types";
import { recordProviders } from "@/lib/investigate/replay/record-providers";
import { parseRecording } from "@/lib/investigate/replay/recording";
import { replayProviders } from "@/lib/investigate/replay/replay-providers";
import type { Report } from "@/lib/investigate/report";
import { createLogger } from "@/lib/log";
import { investigateAt, providersFor } from "@/test/scenarios/run-investigation";
import { allScenarios, crashloopScenario } from "./scenario";

// Re-exported so that this process loads (and the bundle keeps) everything the worker loads: the queue,
// database, storage, metrics and tracing clients, not only the engine.
export { runWorker } from "@/worker/run-worker";

export type InvestigatorInput = {
  now: string;
  prefix: string;
  investigations: number;
  /** The fakes' answer delay, for the row titles. */
  latencyMs: number;
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

/** One investigation of a family's firing scenario against the peers: what it asked, how long it took. */
export type FamilyCalls = {
  family: string;
  alertname: string;
  calls: Record<"kubernetes" | "prometheus" | "logs", number>;
  ms: number;
  /** Whether the scenario's expected diagnosis came out. */
  right: boolean;
};

export type InvestigatorOutput = {
  node: string;
  idleRssMb: number;
  /** The kernel's high-water mark of this process's RSS (VmHWM): no sampling gap. */
  peakRssMb: number | null;
  calls: Record<"kubernetes" | "prometheus" | "logs", number>;
  label: string;
  rows: Row[];
  families: FamilyCalls[];
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
  input: { alert: NormalizedAlert; providers: () => Providers; now: Date; concurrency: number; investigations: number; isRight: (r: Report) => boolean },
): Promise<Row> {
  const run = () => investigateAt({ ctx: { providers: input.providers(), log, now: input.now }, input: { alert: input.alert } });
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

function callsOf(report: Report): FamilyCalls["calls"] {
  const count = (provider: string) => report.queries.filter((q) => q.provider === provider).length;
  return { kubernetes: count("kubernetes"), prometheus: count("prometheus"), logs: count("logs") };
}

async function main(input: InvestigatorInput): Promise<InvestigatorOutput> {
  const idleRssMb = process.memoryUsage.rss() / 2 ** 20;
  const now = new Date(input.now);
  const { alert, expected } = crashloopScenario({ now, prefix: input.prefix }).firing;
  const withPeers = providersFor({ ...input.peers, timeoutMs: 5_000 });
  // The engine alone, on real evidence: one investigation against the peers, recorded, then answered from the recording.
  const recorder = recordProviders(withPeers);
  const sample = await investigateAt({ ctx: { providers: recorder.providers, log, now }, input: { alert } });
  const recording = parseRecording(JSON.stringify(recorder.recording({ now, alert, timeWindow: "1h" })), "bench");
  const common = { alert, now, investigations: input.investigations };
  const isDiagnosed = (r: Report) => r.analysis.enrichment.label === expected.label && r.evidence.logs.status === expected.logs;

  const rows: Row[] = [];
  for (const concurrency of [1, 8]) {
    rows.push(
      await measure("engine only: replay of a recorded investigation", {
        ...common,
        providers: () => replayProviders(recording).providers,
        concurrency,
        isRight: isDiagnosed,
      }),
    );
  }
  for (const concurrency of [1, 8]) {
    rows.push(
      await measure(`VictoriaMetrics + fake Kubernetes + fake Loki (${input.latencyMs} ms)`, {
        ...common,
        providers: () => withPeers,
        concurrency,
        isRight: (r) => isDiagnosed(r) && r.queries.every((q) => q.outcome === "ok" || q.outcome === "empty"),
      }),
    );
  }
  // Where the time goes: one provider at a time, concurrency 1 (other evidence missing is expected).
  for (const only of ["metrics", "kubernetes", "logs"] as const) {
    rows.push(
      await measure(`only ${only}`, {
        ...common,
        providers: () => ({ timeoutMs: withPeers.timeoutMs, [only]: withPeers[only] }),
        concurrency: 1,
        isRight: (r) => r.queries.every((q) => q.outcome === "ok" || q.outcome === "empty"),
      }),
    );
  }
  const families: FamilyCalls[] = [];
  for (const s of allScenarios({ now, prefix: input.prefix })) {
    const t0 = performance.now();
    const report = await investigateAt({ ctx: { providers: withPeers, log, now }, input: { alert: s.firing.alert } });
    families.push({
      family: s.family,
      alertname: s.firing.alert.alertname,
      calls: callsOf(report),
      ms: performance.now() - t0,
      right: report.analysis.enrichment.label === s.firing.expected.label,
    });
  }
  return { node: process.version, idleRssMb, peakRssMb: peakRssMb(), calls: callsOf(sample), label: sample.analysis.enrichment.label, rows, families };
}

const arg = process.argv[2];
if (!arg) throw new Error("usage: investigator <input JSON>");
process.stdout.write(`${JSON.stringify(await main(JSON.parse(arg) as InvestigatorInput))}\n`);
