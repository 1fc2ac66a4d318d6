// A storm of distinct alerts through real processes — `next start` (web) and two bundled workers —
// on a 3-node JetStream cluster (R3 streams), PostgreSQL and s3rver, while the TARKA stream's
// leader is SIGKILLed and brought back. Checked receipt by receipt afterwards. Used by
// bench/cluster/run.ts (figures) and worker/cluster-storm.test.ts (a smaller run, asserted).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadEnv } from "@/lib/env";
import { createLogger } from "@/lib/log";
import { createStore } from "@/lib/storage/create-store";
import { createTestDatabase } from "@/test/helpers/database";
import { uniqueQueueNames } from "@/test/helpers/nats";
import { startNatsCluster } from "@/test/helpers/nats-cluster";
import { startS3rver } from "@/test/helpers/s3rver";
import { startWebServer } from "@/test/helpers/web-server";
import { bundle } from "@/worker/build";
import { checkReceipts, percentile, sendStorm, stormEnv, stormFingerprint, startWorkerProcess, waitForSettled, type WorkerProcess } from "../shared/storm";

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

export async function runClusterStorm(o: StormOptions): Promise<StormResult> {
  const say = o.log ?? (() => {});
  const outdir = mkdtempSync(path.join(os.tmpdir(), "tarka-storm-worker-"));
  const runTag = Date.now().toString(36);
  const names = uniqueQueueNames();
  const [cluster, db, s3] = await Promise.all([
    startNatsCluster(3),
    createTestDatabase(),
    startS3rver(),
    bundle({ entryPoints: { main: "worker/main.ts" }, outdir }),
  ]);
  const workers: WorkerProcess[] = [];
  let web: Awaited<ReturnType<typeof startWebServer>> | undefined;
  try {
    const env = stormEnv({ databaseUrl: db.url, natsUrl: cluster.url, names, s3, prefix: "storm/", extra: { JETSTREAM_REPLICAS: String(o.replicas ?? 3) } });
    web = await startWebServer(env);
    for (let w = 0; w < 2; w++) workers.push(await startWorkerProcess(outdir, env));
    const leader = await cluster.leaderOf(names.stream);
    say(`web ${web.url}, 2 workers, NATS ${cluster.url}; stream ${names.stream} led by ${leader}`);

    let killed = false;
    const sent = await sendStorm({
      url: web.url,
      alerts: o.alerts,
      senders: o.senders,
      runTag,
      onAccepted(accepted) {
        if (killed || accepted < o.killAfter) return;
        killed = true;
        say(`SIGKILL ${leader} after ${accepted} accepted alerts`);
        void cluster.kill(leader).then(() => setTimeout(() => void cluster.start(leader).then(() => say(`${leader} back`)), o.downSeconds * 1000));
      },
    });
    const problems = sent.refusals.filter((r) => r.status !== 503).map((r) => `alert ${r.alert}: HTTP ${r.status} (only 202 or 503 are acceptable)`);
    say(`sent ${o.alerts} alerts in ${sent.sendSeconds.toFixed(1)} s (${sent.refusals.length} refusals resent)`);

    const fingerprints = Array.from({ length: o.alerts }, (_, i) => stormFingerprint(i, runTag));
    const drainSeconds = await waitForSettled(db.db, fingerprints, 600_000).catch((e: Error) => {
      problems.push(e.message);
      return 600;
    });
    const store = createStore({ env: loadEnv(env), log: createLogger({ level: "silent" }) });
    const check = await checkReceipts({ db: db.db, fingerprints, storedKeys: new Set(await store.list("storm/")), allowDeadLetters: true });
    problems.push(...check.problems);
    problems.push(...check.stillQueued.map((fp) => `${fp}: a receipt is still queued`));
    const latencies = [...sent.latencies].sort((a, b) => a - b);
    return {
      alerts: o.alerts,
      accepted: sent.accepted,
      refused: sent.refusals.length,
      refusedWindowMs: sent.refusals.length ? Math.round(sent.refusals.at(-1)!.at - sent.refusals[0].at) : 0,
      killedLeader: leader,
      sendSeconds: sent.sendSeconds,
      acceptedPerSecond: sent.accepted / sent.sendSeconds,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      drainSeconds,
      reported: check.reported,
      problems,
    };
  } finally {
    for (const w of workers) w.child.kill("SIGKILL");
    await web?.stop();
    await Promise.all([cluster.destroy(), s3.stop()]);
    await db.drop();
    rmSync(outdir, { recursive: true, force: true });
  }
}
