// The worker process itself: start it with a command line (the shipped bundle, or the source under
// tsx), queue one crash-looping alert per seeded pod in a single burst through ingestAlerts, and
// watch its RSS from /proc until every alert has been investigated. Needs the local PostgreSQL and NATS.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { ingestAlerts } from "@/lib/intake/ingest-alerts";
import { alertmanagerWebhookSchema, type NormalizedAlert } from "@/lib/alerts/schema";
import { investigationRuns, receivedAlerts } from "@/lib/db/schema";
import { loadEnv } from "@/lib/env";
import { createRuntime } from "@/lib/runtime";
import { createTestDatabase } from "@/test/helpers/database";
import { freePort } from "@/test/helpers/free-port";
import { deleteStreams, eventually, jetStreamEnv, uniqueQueueNames } from "@/test/helpers/nats";

export type WorkerProcessRow = {
  idleRssMb: number;
  /** Largest VmRSS sampled every 50 ms while the burst drained. */
  maxRssMb: number;
  /** The kernel's high-water mark (VmHWM) over the process's whole life. */
  peakRssMb: number;
  jobs: number;
  perS: number;
  /** Investigation time the worker recorded per run (investigation_runs.duration_ms), queueing excluded. */
  p50: number;
  p95: number;
  max: number;
  wrong: number;
};

const RSS_SAMPLE_MS = 50;

function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status)?.[1]);
  return { rssMb: kb("VmRSS") / 1024, peakMb: kb("VmHWM") / 1024 };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

export async function measureWorkerProcess(input: {
  nodeArgs: string[];
  cwd: string;
  concurrency: number;
  alerts: NormalizedAlert[];
  expectedClassification: string;
  peers: { metricsUrl: string; logsUrl: string; kubeconfigPath: string };
}): Promise<WorkerProcessRow> {
  const db = await createTestDatabase();
  const names = uniqueQueueNames();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "tarka-bench-worker-"));
  const port = await freePort();
  const queueEnv = {
    DATABASE_URL: db.url,
    ...jetStreamEnv(names),
    DATA_DIR: dataDir,
    LOG_LEVEL: "error",
  };
  // Only PATH from this shell: a stray S3_BUCKET or KUBECONFIG must not change what is measured.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? "",
    ...queueEnv,
    NODE_ENV: "production",
    PROMETHEUS_URL: input.peers.metricsUrl,
    LOGS_URL: input.peers.logsUrl,
    LOGS_BACKEND: "loki",
    KUBECONFIG: input.peers.kubeconfigPath,
    PROVIDER_TIMEOUT_MS: "5000",
    WORKER_CONCURRENCY: String(input.concurrency),
    WORKER_PORT: String(port),
  };
  const worker = spawn(process.execPath, input.nodeArgs, { cwd: input.cwd, env, stdio: ["ignore", "ignore", "inherit"] });
  const exited = new Promise<number | null>((resolve) => worker.once("exit", (code) => resolve(code)));
  const web = await createRuntime({ env: loadEnv({ ...queueEnv, KUBERNETES_ENABLED: "false" }), name: "bench" });
  try {
    await eventually(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok, 60_000, "worker /readyz");
    await new Promise((r) => setTimeout(r, 1_000));
    const idleRssMb = memoryOf(worker.pid!).rssMb;

    let maxRssMb = idleRssMb;
    const sampler = setInterval(() => {
      maxRssMb = Math.max(maxRssMb, memoryOf(worker.pid!).rssMb);
    }, RSS_SAMPLE_MS);
    const started = performance.now();
    const payload = alertmanagerWebhookSchema.parse({
      status: "firing",
      alerts: input.alerts.map((a) => ({ status: "firing", labels: a.labels, annotations: a.annotations, startsAt: a.startsAt, endsAt: "0001-01-01T00:00:00Z" })),
    });
    const ingested = await ingestAlerts({
      ctx: { db: web.database.db, queue: web.queue, log: web.log, config: { allowlist: [], timeWindow: "1h" } },
      input: { payload },
    });
    if (ingested.enqueued !== input.alerts.length) throw new Error(`queued ${ingested.enqueued} of ${input.alerts.length} alerts`);
    await eventually(
      async () => {
        const [row] = await web.database.db
          .select({ pending: sql<number>`count(*)::int` })
          .from(receivedAlerts)
          .where(eq(receivedAlerts.disposition, "queued"));
        return row?.pending === 0;
      },
      10 * 60_000,
      "every alert investigated",
    ).finally(() => clearInterval(sampler));
    const wallMs = performance.now() - started;
    const { peakMb } = memoryOf(worker.pid!);

    const runs = await web.database.db.select({ durationMs: investigationRuns.durationMs, classification: investigationRuns.classification }).from(investigationRuns);
    const durations = runs.map((r) => r.durationMs).sort((a, b) => a - b);
    return {
      idleRssMb,
      maxRssMb,
      peakRssMb: peakMb,
      jobs: runs.length,
      perS: (runs.length / wallMs) * 1000,
      p50: percentile(durations, 50),
      p95: percentile(durations, 95),
      max: durations.at(-1) ?? Number.NaN,
      wrong: input.alerts.length - runs.filter((r) => r.classification === input.expectedClassification).length,
    };
  } finally {
    worker.kill("SIGTERM");
    await exited;
    await web.close();
    await deleteStreams(names.prefix);
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
