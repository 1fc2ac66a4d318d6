// A storm of distinct alerts through real processes — `next start` (web) and two bundled workers —
// on a 3-node JetStream cluster (R3 streams), PostgreSQL and s3rver, while the TARKA stream's
// leader is SIGKILLed and brought back. Checked receipt by receipt afterwards. Used by
// bench/cluster/run.ts (figures) and worker/cluster-storm.test.ts (a smaller run, asserted).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { inArray, sql } from "drizzle-orm";
import { investigationRuns, receivedAlerts } from "@/lib/db/schema";
import { loadEnv } from "@/lib/env";
import { createLogger } from "@/lib/log";
import { createStore } from "@/lib/storage/create-store";
import { createTestDatabase } from "@/test/helpers/database";
import { freePort } from "@/test/helpers/free-port";
import { eventually, uniqueQueueNames } from "@/test/helpers/nats";
import { startNatsCluster } from "@/test/helpers/nats-cluster";
import { startS3rver } from "@/test/helpers/s3rver";
import { startWebServer } from "@/test/helpers/web-server";
import { bundle } from "@/worker/build";

export type StormOptions = {
  alerts: number;
  /** Concurrent senders, each posting one alert per request as Alertmanager's retries would. */
  senders: number;
  /** SIGKILL the stream leader once this many alerts were accepted. */
  killAfter: number;
  /** Seconds the killed member stays down. */
  downSeconds: number;
  replicas?: number;
  log?: (line: string) => void;
};

export type StormResult = {
  alerts: number;
  accepted: number;
  /** 503 answers, each followed by a resend of the same alert until it was accepted. */
  refused: number;
  /** From the first to the last 503, ms (0 when there was none). */
  refusedWindowMs: number;
  killedLeader: string;
  sendSeconds: number;
  acceptedPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  drainSeconds: number;
  /** Alerts with exactly one investigation run and its report in storage. */
  reported: number;
  problems: string[];
};

const TOKEN = "storm-bench-token";

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function payload(i: number, runTag: string): string {
  const labels = { alertname: "KubePodCrashLooping", namespace: "storm", pod: `api-${runTag}-${i}`, container: "api", severity: "warning" };
  return JSON.stringify({
    version: "4",
    groupKey: `{}:{alertname="KubePodCrashLooping"}`,
    status: "firing",
    receiver: "tarka",
    groupLabels: { alertname: "KubePodCrashLooping" },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: "http://alertmanager.local",
    alerts: [
      {
        status: "firing",
        labels,
        annotations: { summary: "crash looping" },
        startsAt: new Date().toISOString(),
        endsAt: "0001-01-01T00:00:00Z",
        fingerprint: `${runTag}-${i}`,
        generatorURL: "",
      },
    ],
  });
}

export async function runClusterStorm(o: StormOptions): Promise<StormResult> {
  const say = o.log ?? (() => {});
  const repo = path.resolve(import.meta.dirname, "../..");
  const outdir = mkdtempSync(path.join(os.tmpdir(), "tarka-storm-worker-"));
  const runTag = Date.now().toString(36);
  const names = uniqueQueueNames();
  const [cluster, db, s3] = await Promise.all([
    startNatsCluster(3),
    createTestDatabase(),
    startS3rver(),
    bundle({ entryPoints: { main: "worker/main.ts" }, outdir }),
  ]);
  const workers: ChildProcess[] = [];
  let web: Awaited<ReturnType<typeof startWebServer>> | undefined;
  try {
    const env: Record<string, string> = {
      LOG_LEVEL: "error",
      DATABASE_URL: db.url,
      NATS_URL: cluster.url,
      JETSTREAM_REPLICAS: String(o.replicas ?? 3),
      JETSTREAM_STREAM: names.stream,
      JETSTREAM_SUBJECT: names.subject,
      JETSTREAM_DURABLE: names.durable,
      JETSTREAM_DLQ_STREAM: names.dlqStream,
      JETSTREAM_DLQ_SUBJECT: names.dlqSubject,
      JETSTREAM_BACKOFF_SECONDS: "1,2,5",
      WEBHOOK_BEARER_TOKEN: TOKEN,
      KUBERNETES_ENABLED: "false",
      ...s3.env,
      S3_PREFIX: "storm/",
    };
    web = await startWebServer(env);
    for (let w = 0; w < 2; w++) {
      const port = await freePort();
      const child = spawn(process.execPath, ["--max-old-space-size=192", "--max-semi-space-size=8", path.join(outdir, "main.mjs")], {
        cwd: repo,
        env: { ...process.env, ...env, WORKER_PORT: String(port), WORKER_CONCURRENCY: "4" },
        stdio: ["ignore", "ignore", "inherit"],
      });
      workers.push(child);
      await eventually(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok || undefined, 60_000, `worker ${w} /readyz`);
    }
    const leader = await cluster.leaderOf(names.stream);
    say(`web ${web.url}, 2 workers, NATS ${cluster.url}; stream ${names.stream} led by ${leader}`);

    const latencies: number[] = [];
    let refused = 0;
    let firstRefusal = 0;
    let lastRefusal = 0;
    let accepted = 0;
    let next = 0;
    let killed = false;
    const problems: string[] = [];
    const t0 = performance.now();
    async function sender(): Promise<void> {
      while (next < o.alerts) {
        const i = next++;
        if (!killed && accepted >= o.killAfter) {
          killed = true;
          say(`SIGKILL ${leader} after ${accepted} accepted alerts`);
          void cluster.kill(leader).then(() => setTimeout(() => void cluster.start(leader).then(() => say(`${leader} back`)), o.downSeconds * 1000));
        }
        const body = payload(i, runTag);
        for (let attempt = 0; ; attempt++) {
          const started = performance.now();
          const res = await fetch(`${web!.url}/alerts`, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
            body,
          }).catch(() => undefined);
          const status = res?.status ?? 0;
          await res?.arrayBuffer();
          if (status === 202) {
            latencies.push(performance.now() - started);
            accepted++;
            break;
          }
          if (status !== 503) problems.push(`alert ${i}: HTTP ${status} (only 202 or 503 are acceptable)`);
          refused++;
          lastRefusal = performance.now();
          if (!firstRefusal) firstRefusal = lastRefusal;
          if (attempt > 200) throw new Error(`alert ${i} refused 200 times`);
          await new Promise((r) => setTimeout(r, 250));
        }
      }
    }
    await Promise.all(Array.from({ length: o.senders }, sender));
    const sendSeconds = (performance.now() - t0) / 1000;
    say(`sent ${o.alerts} alerts in ${sendSeconds.toFixed(1)} s (${refused} 503s resent)`);

    const drainStart = performance.now();
    const fingerprints = Array.from({ length: o.alerts }, (_, i) => `${runTag}-${i}`);
    await eventually(
      async () => {
        const [open] = await db.db
          .select({ n: sql<number>`count(*)::int` })
          .from(receivedAlerts)
          .where(sql`${receivedAlerts.disposition} = 'queued' and ${inArray(receivedAlerts.fingerprint, fingerprints)}`);
        const [runs] = await db.db.select({ n: sql<number>`count(distinct ${investigationRuns.alertFingerprint})::int` }).from(investigationRuns);
        return open.n === 0 && runs.n >= o.alerts;
      },
      600_000,
      "every accepted alert to be investigated",
    ).catch((e: Error) => problems.push(e.message));
    const drainSeconds = (performance.now() - drainStart) / 1000;

    const rows = await db.db
      .select({ fingerprint: receivedAlerts.fingerprint, disposition: receivedAlerts.disposition })
      .from(receivedAlerts)
      .where(inArray(receivedAlerts.fingerprint, fingerprints));
    const runs = await db.db
      .select({ fingerprint: investigationRuns.alertFingerprint, dedupeKey: investigationRuns.dedupeKey, reportKey: investigationRuns.reportKey })
      .from(investigationRuns);
    const store = createStore({ env: loadEnv(env), log: createLogger({ level: "silent" }) });
    const stored = new Set(await store.list("storm/"));
    const runsBy = new Map<string, typeof runs>();
    for (const r of runs) runsBy.set(r.fingerprint, [...(runsBy.get(r.fingerprint) ?? []), r]);
    const keys = new Map<string, number>();
    for (const r of runs) keys.set(r.dedupeKey, (keys.get(r.dedupeKey) ?? 0) + 1);
    for (const [key, n] of keys) if (n > 1) problems.push(`dedupe key ${key.slice(0, 12)}… investigated ${n} times`);
    let reported = 0;
    for (const fp of fingerprints) {
      const mine = rows.filter((r) => r.fingerprint === fp);
      if (mine.length === 0) problems.push(`${fp}: answered 202 but not in the receipt ledger`);
      const open = mine.filter((r) => r.disposition === "queued");
      if (open.length > 0) problems.push(`${fp}: ${open.length} receipts still queued`);
      const itsRuns = runsBy.get(fp) ?? [];
      const deadLettered = mine.some((r) => r.disposition === "dead_letter");
      const key = itsRuns[0]?.reportKey;
      if (itsRuns.length === 1 && key && stored.has(`${key}.json`) && stored.has(`${key}.md`)) reported++;
      else if (!deadLettered) problems.push(`${fp}: ${itsRuns.length} runs; report ${key ? `${key}.json/.md not both in storage` : "none"}`);
    }
    latencies.sort((a, b) => a - b);
    return {
      alerts: o.alerts,
      accepted,
      refused,
      refusedWindowMs: firstRefusal ? Math.round(lastRefusal - firstRefusal) : 0,
      killedLeader: leader,
      sendSeconds,
      acceptedPerSecond: accepted / sendSeconds,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      drainSeconds,
      reported,
      problems,
    };
  } finally {
    for (const w of workers) w.kill("SIGKILL");
    await web?.stop();
    await Promise.all([cluster.destroy(), s3.stop()]);
    await db.drop();
    rmSync(outdir, { recursive: true, force: true });
  }
}
