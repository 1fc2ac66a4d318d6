// The pieces the fault runs share (bench/cluster: a NATS member killed; bench/chaos: workers,
// nats-server, PostgreSQL and S3 taken down): distinct alerts, worker processes, senders that resend
// every refusal as Alertmanager would, and the receipt-by-receipt check of what became of each alert.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { investigationRuns, receivedAlerts } from "@/lib/db/schema";
import { eventually, jetStreamEnv, type QueueNames } from "@/test/helpers/nats";
import { freePort } from "@/test/helpers/free-port";
import type { S3rver } from "@/test/helpers/s3rver";

const REPO = path.resolve(import.meta.dirname, "../..");

export const STORM_TOKEN = "storm-bench-token";

/** One Alertmanager webhook body carrying alert `i` of this run; its fingerprint is `stormFingerprint`. */
export function stormPayload(i: number, runTag: string): string {
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
        fingerprint: stormFingerprint(i, runTag),
        generatorURL: "",
      },
    ],
  });
}

export function stormFingerprint(i: number, runTag: string): string {
  return `${runTag}-${i}`;
}

/**
 * The environment of the run's web and worker processes: its database, streams and bucket (report
 * keys under `prefix`), the storm's bearer token, no Kubernetes; `extra` on top.
 */
export function stormEnv(o: { databaseUrl: string; natsUrl: string; names: QueueNames; s3: S3rver; prefix: string; extra?: Record<string, string> }): Record<string, string> {
  return {
    LOG_LEVEL: "error",
    DATABASE_URL: o.databaseUrl,
    ...jetStreamEnv(o.names, o.natsUrl),
    JETSTREAM_BACKOFF_SECONDS: "1,2,5",
    WEBHOOK_BEARER_TOKEN: STORM_TOKEN,
    KUBERNETES_ENABLED: "false",
    ...o.s3.env,
    S3_PREFIX: o.prefix,
    ...o.extra,
  };
}

export type WorkerProcess = { child: ChildProcess; port: number };

/** A bundled worker (`<bundleDir>/main.mjs`) as a process of its own, resolved once `/readyz` answers. */
export async function startWorkerProcess(bundleDir: string, env: Record<string, string>, concurrency = 4): Promise<WorkerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--max-old-space-size=192", "--max-semi-space-size=8", path.join(bundleDir, "main.mjs")], {
    cwd: REPO,
    env: { ...process.env, ...env, WORKER_PORT: String(port), WORKER_CONCURRENCY: String(concurrency) },
    stdio: ["ignore", "ignore", "inherit"],
  });
  await eventually(
    async () => {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`worker on ${port} exited (${child.exitCode ?? child.signalCode}) before it was ready`);
      return (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok || undefined;
    },
    60_000,
    `worker on ${port} /readyz`,
  );
  return { child, port };
}

/** A refused attempt: the HTTP status (0 when the connection failed) and when, in performance.now() ms. */
export type Refusal = { alert: number; status: number; at: number };

export type SendResult = {
  accepted: number;
  refusals: Refusal[];
  latencies: number[];
  sendSeconds: number;
};

/**
 * `senders` concurrent senders post alerts 0…alerts-1, one per request, and resend every answer
 * other than 202 after 250 ms until it is accepted (as Alertmanager would). `onAccepted` runs after
 * each 202 with the running count, for scripts that inject a fault at some point of the storm.
 */
export async function sendStorm(o: {
  url: string;
  alerts: number;
  senders: number;
  runTag: string;
  onAccepted?: (accepted: number) => void;
  maxAttempts?: number;
}): Promise<SendResult> {
  const latencies: number[] = [];
  const refusals: Refusal[] = [];
  let accepted = 0;
  let next = 0;
  const t0 = performance.now();
  async function sender(): Promise<void> {
    while (next < o.alerts) {
      const i = next++;
      const body = stormPayload(i, o.runTag);
      for (let attempt = 0; ; attempt++) {
        const started = performance.now();
        const res = await fetch(`${o.url}/alerts`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${STORM_TOKEN}` },
          body,
          signal: AbortSignal.timeout(30_000),
        }).catch(() => undefined);
        const status = res?.status ?? 0;
        await res?.arrayBuffer().catch(() => undefined);
        if (status === 202) {
          latencies.push(performance.now() - started);
          accepted++;
          o.onAccepted?.(accepted);
          break;
        }
        refusals.push({ alert: i, status, at: performance.now() });
        if (attempt >= (o.maxAttempts ?? 400)) throw new Error(`alert ${i} refused ${attempt + 1} times (last HTTP ${status})`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }
  await Promise.all(Array.from({ length: o.senders }, sender));
  return { accepted, refusals, latencies, sendSeconds: (performance.now() - t0) / 1000 };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Fingerprint in the list, as one parameter: a storm sends more alerts than PostgreSQL's 65 535 parameters. */
function fingerprintIn(fingerprints: string[]): SQL {
  return sql`${receivedAlerts.fingerprint} in (select jsonb_array_elements_text(${JSON.stringify(fingerprints)}::jsonb))`;
}

const SETTLED = sql`${receivedAlerts.disposition} not in ('queued', 'enqueue_failed')`;

/** Of these alerts' receipts: how many are still queued, and how many alerts have a settled receipt. */
export async function settlementOf(db: Db, fingerprints: string[]): Promise<{ queued: number; settledAlerts: number }> {
  const [open] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(receivedAlerts)
    .where(sql`${receivedAlerts.disposition} = 'queued' and ${fingerprintIn(fingerprints)}`);
  const [settled] = await db
    .select({ n: sql<number>`count(distinct ${receivedAlerts.fingerprint})::int` })
    .from(receivedAlerts)
    .where(sql`${SETTLED} and ${fingerprintIn(fingerprints)}`);
  return { queued: open.n, settledAlerts: settled.n };
}

/** Wait until no receipt of these alerts is still queued and each has a settled receipt; returns seconds waited. */
export async function waitForSettled(db: Db, fingerprints: string[], timeoutMs: number): Promise<number> {
  const start = performance.now();
  await eventually(
    async () => {
      const s = await settlementOf(db, fingerprints);
      return s.queued === 0 && s.settledAlerts >= fingerprints.length;
    },
    timeoutMs,
    "every accepted alert to be investigated, skipped or dead-lettered",
  );
  return (performance.now() - start) / 1000;
}

export type ReceiptCheck = {
  /** Alerts with exactly one investigation run whose .json and .md are in storage. */
  reported: number;
  /** Alerts with no run, every receipt a recorded skip. */
  skipped: number;
  /** Alerts with no run and a dead-letter receipt. */
  deadLettered: string[];
  /**
   * Alerts whose every accepted copy has a receipt but some receipt is still queued: not settled yet,
   * not lost while their message is in the queue. Not in `problems`: the caller decides.
   */
  stillQueued: string[];
  problems: string[];
};

/**
 * What became of each alert, by fingerprint, not by counts: it has a receipt for every accepted copy,
 * none still queued (else it is listed in `stillQueued`), and it ended as exactly one run with its report in storage (`storedKeys`), a recorded skip, or a
 * dead-letter entry (only when `allowDeadLetters`); no dedupe key has two runs.
 */
export async function checkReceipts(o: {
  db: Db;
  fingerprints: string[];
  storedKeys: Set<string>;
  allowDeadLetters: boolean;
  /** How many requests carrying each fingerprint were answered 2xx, when an alert is sent more than once. */
  acceptedCopies?: Map<string, number>;
}): Promise<ReceiptCheck> {
  const rows = await o.db
    .select({ fingerprint: receivedAlerts.fingerprint, disposition: receivedAlerts.disposition, reason: receivedAlerts.dispositionReason })
    .from(receivedAlerts)
    .where(fingerprintIn(o.fingerprints));
  const runs = await o.db
    .select({ fingerprint: investigationRuns.alertFingerprint, dedupeKey: investigationRuns.dedupeKey, reportKey: investigationRuns.reportKey })
    .from(investigationRuns);
  const problems: string[] = [];
  const keys = new Map<string, number>();
  for (const r of runs) keys.set(r.dedupeKey, (keys.get(r.dedupeKey) ?? 0) + 1);
  for (const [key, n] of keys) if (n > 1) problems.push(`dedupe key ${key.slice(0, 12)}… investigated ${n} times`);
  const receiptsBy = groupBy(rows, (r) => r.fingerprint);
  const runsBy = groupBy(runs, (r) => r.fingerprint);
  const result: ReceiptCheck = { reported: 0, skipped: 0, deadLettered: [], stillQueued: [], problems };
  for (const fp of o.fingerprints) {
    const mine = receiptsBy.get(fp) ?? [];
    const copies = o.acceptedCopies?.get(fp) ?? 1;
    if (mine.length < copies) {
      problems.push(`${fp}: answered 2xx ${copies} time(s) but ${mine.length} receipt(s) in the ledger`);
      continue;
    }
    if (mine.some((r) => r.disposition === "queued")) {
      result.stillQueued.push(fp);
      continue;
    }
    const itsRuns = runsBy.get(fp) ?? [];
    const key = itsRuns[0]?.reportKey;
    if (itsRuns.length === 1 && key && o.storedKeys.has(`${key}.json`) && o.storedKeys.has(`${key}.md`)) result.reported++;
    else if (itsRuns.length === 0 && mine.some((r) => r.disposition === "dead_letter")) {
      result.deadLettered.push(fp);
      if (!o.allowDeadLetters) problems.push(`${fp}: dead-lettered`);
    } else if (itsRuns.length === 0 && mine.length > 0 && mine.every((r) => r.disposition.startsWith("skipped_"))) result.skipped++;
    else problems.push(`${fp}: ${itsRuns.length} runs; report ${key ? `${key}.json/.md not both in storage` : "none"}; receipts ${mine.map((r) => r.disposition).join(",")}`);
  }
  return result;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}
