// Chaos soak: a storm of distinct alerts through real processes — `next start` (web) and two bundled
// workers — on a private nats-server, a private PostgreSQL cluster and s3rver, while a script
// SIGKILLs a worker holding jobs (and starts a replacement), restarts nats-server, crashes and
// restarts PostgreSQL, and stops s3rver for a while. Afterwards every alert is checked receipt by
// receipt; dead-lettered alerts are replayed with the CLI's `--replay-dlq` and checked again.
// Used by bench/chaos/run.ts (figures) and worker/chaos.test.ts (a smaller run, asserted).
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { loadEnv } from "@/lib/env";
import { createLogger } from "@/lib/log";
import { createStore } from "@/lib/storage/create-store";
import { createTestDatabase, type TestDatabase } from "@/test/helpers/database";
import { startPrivateNatsServer, uniqueQueueNames } from "@/test/helpers/nats";
import { startPrivatePostgres } from "@/test/helpers/private-postgres";
import { startS3rver } from "@/test/helpers/s3rver";
import { startWebServer, type WebServer } from "@/test/helpers/web-server";
import { bundle, workerEntryPoints } from "@/worker/build";
import {
  checkReceipts,
  percentile,
  sendStorm,
  stormEnv,
  stormFingerprint,
  startWorkerProcess,
  waitForSettled,
  type Refusal,
  type WorkerProcess,
} from "../shared/storm";

export type ChaosOptions = {
  alerts: number;
  senders: number;
  /** Seconds nats-server, PostgreSQL and s3rver each stay down. */
  natsDownSeconds: number;
  postgresDownSeconds: number;
  s3DownSeconds: number;
  /** How long after a dependency is back a 503 still counts as part of its outage (clients reconnecting). */
  graceSeconds: number;
  /** Bound on waiting for every alert to settle, before and after the DLQ replay. */
  drainTimeoutMs: number;
  log?: (line: string) => void;
};

export type OutageWindow = { fault: string; startMs: number; endMs: number; refusals: number };

export type ChaosResult = {
  alerts: number;
  /** Workers that exited on their own (or failed to start) and were started again. */
  workerRestarts: string[];
  accepted: number;
  refusals: number;
  windows: OutageWindow[];
  sendSeconds: number;
  acceptedPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  drainSeconds: number;
  /** Alerts that were dead-lettered and then replayed with `--replay-dlq`. */
  deadLettered: number;
  replayDrainSeconds: number;
  reported: number;
  skipped: number;
  problems: string[];
};

const exec = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runChaos(o: ChaosOptions): Promise<ChaosResult> {
  const say = o.log ?? (() => {});
  const outdir = mkdtempSync(path.join(os.tmpdir(), "tarka-chaos-worker-"));
  const runTag = `chaos${Date.now().toString(36)}`;
  const names = uniqueQueueNames();
  const [nats, pg, s3] = await Promise.all([startPrivateNatsServer(), startPrivatePostgres(), startS3rver(), bundle({ entryPoints: workerEntryPoints, outdir })]);
  let db: TestDatabase | undefined;
  const workers: WorkerProcess[] = [];
  let web: WebServer | undefined;
  let stopping = false;
  try {
    db = await createTestDatabase(pg.adminUrl);
    // A killed worker's jobs come back after the ack wait, and its claims are taken over after the
    // lease: short here so the run does not wait the production defaults (30 min, 5 min).
    const env = stormEnv({
      databaseUrl: db.url,
      natsUrl: nats.url,
      names,
      s3,
      prefix: "chaos/",
      extra: { JETSTREAM_ACK_WAIT_SECONDS: "15", CLAIM_LEASE_SECONDS: "15" },
    });
    web = await startWebServer(env);
    // As an orchestrator would: a worker that exits on its own (it cannot reach NATS at start, or the
    // PostgreSQL driver crashes it) is started again; only the deliberate SIGKILL is left dead.
    const killed = new Set<WorkerProcess>();
    async function startSupervised(): Promise<void> {
      for (;;) {
        const w = await startWorkerProcess(outdir, env).catch(() => undefined);
        if (w) {
          workers.push(w);
          w.child.once("exit", (code, signal) => {
            if (stopping || killed.has(w)) return;
            restarts.push(`worker on ${w.port} exited (${code ?? signal}); started again`);
            say(restarts.at(-1)!);
            void startSupervised();
          });
          return;
        }
        if (stopping) return;
        restarts.push("a worker failed to start; trying again");
        await sleep(1_000);
      }
    }
    const restarts: string[] = [];
    for (let w = 0; w < 2; w++) await startSupervised();
    say(`web ${web.url}, 2 workers, private NATS ${nats.url}, private PostgreSQL on ${pg.port}, s3rver ${s3.endpoint}`);

    let accepted = 0;
    const windows: OutageWindow[] = [];
    const untilAccepted = async (n: number) => {
      while (accepted < n) await sleep(20);
    };
    async function outage(fault: string, down: () => Promise<void>, up: () => Promise<void>, seconds: number): Promise<void> {
      const window: OutageWindow = { fault, startMs: performance.now(), endMs: Infinity, refusals: 0 };
      windows.push(window);
      say(`${fault}: down after ${accepted} accepted alerts`);
      await down();
      await sleep(seconds * 1000);
      await up();
      window.endMs = performance.now() + o.graceSeconds * 1000;
      say(`${fault}: back`);
    }
    const faults = (async () => {
      await untilAccepted(Math.floor(o.alerts * 0.1));
      const victim = workers.shift()!;
      say(`SIGKILL worker on ${victim.port} after ${accepted} accepted alerts; starting a replacement`);
      killed.add(victim);
      victim.child.kill("SIGKILL");
      const replacement = startSupervised();
      await untilAccepted(Math.floor(o.alerts * 0.25));
      await outage("nats-server restart", nats.stop, nats.start, o.natsDownSeconds);
      await untilAccepted(Math.floor(o.alerts * 0.45));
      await outage("PostgreSQL crash and restart", pg.kill, pg.start, o.postgresDownSeconds);
      await untilAccepted(Math.floor(o.alerts * 0.65));
      await outage("s3rver stopped", s3.pause, s3.resume, o.s3DownSeconds);
      await replacement;
    })();
    const sent = await sendStorm({
      url: web.url,
      alerts: o.alerts,
      senders: o.senders,
      runTag,
      onAccepted(n) {
        accepted = n;
      },
    });
    await faults;
    say(`sent ${o.alerts} alerts in ${sent.sendSeconds.toFixed(1)} s (${sent.refusals.length} refusals resent)`);

    const problems = sent.refusals.flatMap((r) => judgeRefusal(r, windows));
    const fingerprints = Array.from({ length: o.alerts }, (_, i) => stormFingerprint(i, runTag));
    const settle = () =>
      waitForSettled(db!.db, fingerprints, o.drainTimeoutMs).catch((e: Error) => {
        problems.push(e.message);
        return o.drainTimeoutMs / 1000;
      });
    const store = createStore({ env: loadEnv(env), log: createLogger({ level: "silent" }) });
    const drainSeconds = await settle();
    const first = await checkReceipts({ db: db.db, fingerprints, storedKeys: new Set(await store.list("chaos/")), allowDeadLetters: true });
    say(`settled in ${drainSeconds.toFixed(1)} s: ${first.reported} reported, ${first.skipped} skipped, ${first.deadLettered.length} dead-lettered`);

    let replayDrainSeconds = 0;
    if (first.deadLettered.length > 0) {
      const { stdout } = await exec(process.execPath, [path.join(outdir, "cli.mjs"), "--replay-dlq", "--limit", String(o.alerts)], {
        cwd: path.resolve(import.meta.dirname, "../.."),
        env: { ...process.env, ...env },
      });
      say(`--replay-dlq: ${stdout.trim().split("\n").at(-1)}`);
      replayDrainSeconds = await settle();
    }
    const final = await checkReceipts({ db: db.db, fingerprints, storedKeys: new Set(await store.list("chaos/")), allowDeadLetters: false });
    problems.push(...final.problems);
    problems.push(...final.stillQueued.map((fp) => `${fp}: a receipt is still queued`));
    const latencies = [...sent.latencies].sort((a, b) => a - b);
    stopping = true;
    return {
      alerts: o.alerts,
      workerRestarts: restarts,
      accepted: sent.accepted,
      refusals: sent.refusals.length,
      windows,
      sendSeconds: sent.sendSeconds,
      acceptedPerSecond: sent.accepted / sent.sendSeconds,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      drainSeconds,
      deadLettered: first.deadLettered.length,
      replayDrainSeconds,
      reported: final.reported,
      skipped: final.skipped,
      problems,
    };
  } finally {
    stopping = true;
    for (const w of workers) w.child.kill("SIGKILL");
    await web?.stop();
    await s3.stop();
    await db?.drop().catch(() => {});
    await Promise.all([nats.destroy(), pg.destroy()]);
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** A refusal is acceptable only as a 503 inside an outage window (which it is then counted in). */
function judgeRefusal(r: Refusal, windows: OutageWindow[]): string[] {
  const window = windows.find((w) => r.at >= w.startMs && r.at <= w.endMs);
  if (r.status === 503 && window) {
    window.refusals++;
    return [];
  }
  return [`alert ${r.alert}: HTTP ${r.status || "no answer"} ${window ? `during ${window.fault}` : "outside every outage window"}`];
}
